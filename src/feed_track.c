/*
 * The track record in the feed (docs/track-record.md, "Seen"): the JSON
 * (track-record.json), the page (track-record.html, one per CA as
 * track-record-KEY.html on disk and ?ca=KEY when served) with small inline
 * SVG charts drawn here, and the Prometheus counters of the last 365 days.
 * The page has no script: its CSP is the dashboard's without script-src.
 * Every string from Bugzilla (a CA's spelling) goes through
 * feed_html_escape; a CA's key reaches an href percent-encoded, a file name
 * as a slug.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "caname.h"
#include "feed.h"
#include "feed_int.h"
#include "record.h"
#include "report.h"
#include "timeutil.h"
#include "xmalloc.h"

#define DAY 86400
/*
 * Seconds an open bug's cached outcomes serve the feed while its events do
 * not change: its running deadlines turn into missed ones an hour late at
 * most, and a quiet cycle evaluates no bug for the record.
 */
#define FEED_TRACK_MAX_AGE 3600
/* Months the chart shows, up to the record's end. */
#define FEED_TRACK_MONTHS 24

struct feed_track {
	long refs;          /* feed_track_ref / feed_track_free */
	struct record all;  /* every deadline up to now */
	struct record year; /* the last 365 days, for the metrics */
};

/* The page's stylesheet: the dashboard's colours, light and dark. */
static const char feed_track_css[] =
    ":root{--bg:#f6f7f9;--fg:#1d2330;--muted:#5d6677;--card:#fff;"
    "--line:#e2e5ea;--link:#1f5fbf;--ontime:#2e7d32;--late:#c77c00;"
    "--missed:#b3261e;--bar:#2f5383}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#14171c;--fg:#e6e9ee;"
    "--muted:#9aa3b2;--card:#1c2027;--line:#2c323c;--link:#7fb0ff;"
    "--ontime:#7fd49a;--late:#ffc56b;--missed:#ff8a80;--bar:#9cc0f0}}\n"
    "*{box-sizing:border-box}body{margin:0;background:var(--bg);"
    "color:var(--fg);font:14px/1.35 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif}main{margin:0 auto;padding:12px 16px 32px;"
    "max-width:1100px}a{color:var(--link);text-decoration:none}"
    "a:hover{text-decoration:underline}h1{font-size:20px;margin:0 0 2px}"
    "h2{font-size:17px;margin:0 0 6px}.sub{color:var(--muted);margin:0 0 "
    "10px}nav{margin:0 0 12px;line-height:1.8}nav a{margin-right:10px}"
    "section{background:var(--card);border:1px solid var(--line);"
    "border-radius:8px;padding:12px 14px;margin:0 0 14px}"
    "table{border-collapse:collapse;margin:6px 0}th,td{padding:3px 10px;"
    "text-align:right;border-bottom:1px solid var(--line)}"
    "th:first-child,td:first-child{text-align:left}"
    ".charts{display:flex;flex-wrap:wrap;gap:18px}figure{margin:6px 0}"
    "figcaption{color:var(--muted);font-size:12px}"
    ".ontime{fill:var(--ontime)}.late{fill:var(--late)}"
    ".missed{fill:var(--missed)}.bar{fill:var(--bar)}"
    "svg text{fill:var(--muted);font-size:9px}"
    ".key span{display:inline-block;width:10px;height:10px;margin:0 4px "
    "0 10px}.key .k-ontime{background:var(--ontime)}.key .k-late{"
    "background:var(--late)}.key .k-missed{background:var(--missed)}\n";

/* Load the outcomes and make the record of every CA; see feed.h. */
int
feed_track_load(struct store *st, const struct people *p,
    const struct policy_options *po, const struct feed_options *fo, time_t now,
    int past, struct feed_track **out, char **cause)
{
	struct outcome_list l;
	struct caname_table t;
	struct record_filter f;
	struct feed_track *tr;
	int rc;

	*out = NULL;
	if (past)
		rc = record_compute_at(st, p, po, now, &l, cause);
	else
		rc = record_refresh(
		    st, p, po, now, FEED_TRACK_MAX_AGE, &l, NULL, cause);
	if (rc == -1)
		return -1;
	tr = xcalloc(1, sizeof *tr);
	tr->refs = 1;
	record_ca_table(p, &l, &t);
	memset(&f, 0, sizeof f);
	f.include_restricted = fo->include_restricted;
	record_make(&l, &t, &f, now, &tr->all);
	f.since = now - (time_t)365 * DAY;
	record_make(&l, &t, &f, now, &tr->year);
	caname_table_free(&t);
	outcome_list_free(&l);
	*out = tr;
	return 0;
}

/* Take another reference to a track record. */
struct feed_track *
feed_track_ref(struct feed_track *t)
{
	if (t != NULL)
		__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
	return t;
}

/* Drop a reference to a track record; the last frees it.  Accepts NULL. */
void
feed_track_free(struct feed_track *t)
{
	if (t == NULL || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	record_free(&t->all);
	record_free(&t->year);
	free(t);
}

/* The JSON document (allocated text). */
char *
feed_track_json(const struct feed_track *t)
{
	json_t *j = record_json(&t->all);
	char *s = feed_json_text(j);

	json_decref(j);
	return s;
}

/* The file name of a CA's page: track-record-SLUG.html (allocated). */
char *
feed_track_file(const char *key)
{
	struct buf b;
	const unsigned char *p;
	unsigned long h = 5381;
	int plain = 1, dash = 0;

	if (*key == '\0')
		return xstrdup("track-record-_.html"); /* no slug has '_' */
	buf_init(&b, 512);
	buf_addstr(&b, "track-record-");
	for (p = (const unsigned char *)key; *p != '\0'; p++) {
		h = h * 33 + *p;
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
			buf_addch(&b, (char)*p);
			dash = 0;
		} else {
			plain &= *p == ' ' || *p == '-';
			if (!dash)
				buf_addch(&b, '-');
			dash = 1;
		}
		if (b.len > 80)
			break;
	}
	if (!plain || *p != '\0')
		buf_printf(&b, "-%08lx", h & 0xffffffffUL);
	buf_addstr(&b, ".html");
	return buf_detach(&b);
}

/* An href to a CA's page (served: ?ca=KEY; on disk: its file). */
static void
feed_track_href(struct buf *b, const char *key, int served)
{
	char *file;

	if (key == NULL) {
		buf_addstr(b, "track-record.html");
		return;
	}
	if (!served) {
		file = feed_track_file(key);
		buf_addstr(b, file);
		free(file);
		return;
	}
	buf_addstr(b, "track-record.html?ca=");
	feed_html_add_qvalue(b, key);
}

/* "n/d (p%)" for a rate, "-" with no deadline. */
static void
feed_track_rate(struct buf *b, long long n, long long d)
{
	if (d == 0)
		buf_addstr(b, "<td>-</td>");
	else
		buf_printf(b, "<td>%lld/%lld (%lld%%)</td>", n, d,
		    (n * 100 + d / 2) / d);
}

/* A duration in days with one decimal, "-" for an empty series. */
static void
feed_track_days(struct buf *b, const struct record_series *s, double q)
{
	if (s->n == 0)
		buf_addstr(b, "-");
	else
		buf_printf(b, "%.1f d", (double)record_quantile(s, q) / DAY);
}

/* The table of one CA's clocks. */
static void
feed_track_table(struct buf *b, const struct record_ca *c)
{
	const struct record_clock_stats *k;
	int i;

	buf_addstr(b,
	    "<table><tr><th>Clock</th><th>Came due</th>"
	    "<th>On time</th><th>Late</th><th>Missed</th>"
	    "<th>Lateness median</th><th>p90</th></tr>");
	for (i = 0; i < POLICY_NKINDS; i++) {
		k = &c->clocks[i];
		buf_printf(b, "<tr data-clock=\"%s\"><td>%s</td><td>%lld</td>",
		    policy_clock_kind_name(i), report_clock_title(i),
		    k->came_due);
		feed_track_rate(b, k->on_time, k->came_due);
		feed_track_rate(b, k->late, k->came_due);
		feed_track_rate(b, k->missed, k->came_due);
		buf_addstr(b, "<td>");
		feed_track_days(b, &c->lateness[i], 0.5);
		buf_addstr(b, "</td><td>");
		feed_track_days(b, &c->lateness[i], 0.9);
		buf_addstr(b, "</td></tr>");
	}
	buf_addstr(b, "</table>");
}

/*
 * Append one segment of a month's stacked bar, n of max, of class cls at x
 * with its foot at y; return the y of its top, where the next one stands.
 */
static int
feed_track_bar(
    struct buf *b, const char *cls, int x, int y, long long n, long long max)
{
	int h = (int)(n * 100 / max);

	buf_printf(b,
	    "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"11\" "
	    "height=\"%d\"/>",
	    cls, x, y - h, h);
	return y - h;
}

/* The stacked bars of the deadlines per month, the last months to end. */
static void
feed_track_months(struct buf *b, const struct record_ca *c, time_t end)
{
	struct record_month m;
	char name[16];
	long long max = 1;
	int last = record_month_at(end), ym, i, x, y;

	for (ym = last - FEED_TRACK_MONTHS + 1; ym <= last; ym++) {
		m = record_month_of(c, ym);
		if (m.on_time + m.late + m.missed > max)
			max = m.on_time + m.late + m.missed;
	}
	buf_printf(b,
	    "<figure><svg class=\"months\" width=\"%d\" height=\"130\" "
	    "viewBox=\"0 0 %d 130\" role=\"img\" aria-label=\"Deadlines per "
	    "month\" data-max=\"%lld\">",
	    FEED_TRACK_MONTHS * 14 + 4, FEED_TRACK_MONTHS * 14 + 4, max);
	for (i = 0; i < FEED_TRACK_MONTHS; i++) {
		ym = last - FEED_TRACK_MONTHS + 1 + i;
		m = record_month_of(c, ym);
		record_month_name(ym, name, sizeof name);
		buf_printf(b,
		    "<g data-month=\"%s\" data-on-time=\"%lld\" "
		    "data-late=\"%lld\" data-missed=\"%lld\"><title>%s: %lld "
		    "on time, %lld late, %lld missed</title>",
		    name, m.on_time, m.late, m.missed, name, m.on_time, m.late,
		    m.missed);
		x = 2 + i * 14;
		y = feed_track_bar(b, "ontime", x, 110, m.on_time, max);
		y = feed_track_bar(b, "late", x, y, m.late, max);
		feed_track_bar(b, "missed", x, y, m.missed, max);
		if (ym % 12 == 0 || i == 0)
			buf_printf(b, "<text x=\"%d\" y=\"124\">%d</text>", x,
			    ym / 12);
		buf_addstr(b, "</g>");
	}
	buf_addstr(b,
	    "</svg><figcaption class=\"key\">Deadlines per month "
	    "<span class=\"k-ontime\"></span>on time<span "
	    "class=\"k-late\"></span>late<span class=\"k-missed\">"
	    "</span>missed</figcaption></figure>");
}

/* The bars of the response-time distribution. */
static void
feed_track_hist(struct buf *b, const struct record_ca *c)
{
	long long max = 1;
	int i, h, x;

	for (i = 0; i < RECORD_NBUCKETS; i++)
		if (c->response_hist[i] > max)
			max = c->response_hist[i];
	buf_printf(b,
	    "<figure><svg class=\"responses\" width=\"%d\" height=\"130\" "
	    "viewBox=\"0 0 %d 130\" role=\"img\" aria-label=\"Time to answer "
	    "a question\">",
	    RECORD_NBUCKETS * 40 + 4, RECORD_NBUCKETS * 40 + 4);
	for (i = 0; i < RECORD_NBUCKETS; i++) {
		x = 2 + i * 40;
		h = (int)(c->response_hist[i] * 100 / max);
		buf_printf(b,
		    "<g data-bucket=\"%s\" data-count=\"%lld\"><title>%s: "
		    "%lld</title><rect class=\"bar\" x=\"%d\" y=\"%d\" "
		    "width=\"32\" height=\"%d\"/><text x=\"%d\" y=\"124\">%s"
		    "</text></g>",
		    record_bucket_name(i), c->response_hist[i],
		    record_bucket_name(i), c->response_hist[i], x, 110 - h, h,
		    x, record_bucket_name(i));
	}
	buf_addstr(b,
	    "</svg><figcaption>Time to answer a question "
	    "(answered ones)</figcaption></figure>");
}

/* One CA's section (or the total's, key NULL). */
static void
feed_track_section(
    struct buf *b, const struct record *r, const struct record_ca *c)
{
	char t[TIMEUTIL_ISO_LEN];

	buf_addstr(b, "<section class=\"ca\" data-ca=\"");
	feed_html_add(b, c->key != NULL ? c->key : "");
	buf_addstr(b, "\"><h2>");
	feed_html_add(b, c->key != NULL ? c->name : "Every CA");
	buf_printf(b,
	    "</h2><p>%lld incidents filed (%lld self-reported, %lld by "
	    "others); %lld open",
	    c->filed, c->self_reported, c->third_party, c->open);
	if (c->oldest_open != 0)
		buf_printf(b, ", the oldest bug %lld, filed %s",
		    (long long)c->oldest_open_bug,
		    timeutil_format_iso(c->oldest_open, t));
	buf_addstr(b, ".</p>");
	feed_track_table(b, c);
	buf_addstr(b, "<p>Questions answered in ");
	feed_track_days(b, &c->response, 0.5);
	buf_addstr(b, " (median), ");
	feed_track_days(b, &c->response, 0.9);
	buf_printf(b, " (p90) over %zu; full report after ", c->response.n);
	feed_track_days(b, &c->full_report, 0.5);
	buf_printf(b,
	    " (median) over %zu; action items: %lld due, %lld on time, "
	    "%lld slipped.</p><div class=\"charts\">",
	    c->full_report.n, c->items_due, c->items_on_time, c->items_slipped);
	feed_track_months(b, c, r->until);
	feed_track_hist(b, c);
	buf_addstr(b, "</div></section>\n");
}

/* The key of the CA name stands for: its key, its name or their key. */
static const char *
feed_track_key(const struct record *r, const char *name)
{
	const char *found = NULL;
	char *key;
	size_t i;

	key = caname_key(name);
	for (i = 0; i < r->ncas && found == NULL; i++) {
		if (strcmp(name, r->cas[i].key) == 0 ||
		    strcasecmp(name, r->cas[i].name) == 0 ||
		    (key != NULL && *key != '\0' &&
			strcmp(key, r->cas[i].key) == 0))
			found = r->cas[i].key;
	}
	free(key);
	return found;
}

/* The page: every CA, or the one ca names (NULL: all). */
char *
feed_track_html(const struct feed_track *t, const char *ca, int served)
{
	const struct record *r = &t->all;
	char when[TIMEUTIL_ISO_LEN];
	const char *want;
	struct buf b;
	size_t i;

	buf_init(&b, FEED_MAX_TEXT);
	buf_addstr(&b,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\"><meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "img-src data:; form-action 'self'\"><title>ccwatch: track "
	    "record</title><style>");
	buf_addstr(&b, feed_track_css);
	buf_printf(&b,
	    "</style></head><body><main><h1>Track record</h1><p "
	    "class=\"sub\">Every deadline of the CA Certificate Compliance "
	    "bugs that came due up to %s: met on time, late or missed. "
	    "<a href=\"index.html\">Dashboard</a> &middot; <a "
	    "href=\"track-record.json\">JSON</a></p><nav>",
	    timeutil_format_iso(r->until, when));
	buf_addstr(&b, "<a href=\"");
	feed_track_href(&b, NULL, served);
	buf_addstr(&b, "\">Every CA</a>");
	for (i = 0; i < r->ncas; i++) {
		buf_addstr(&b, "<a href=\"");
		feed_track_href(&b, r->cas[i].key, served);
		buf_addstr(&b, "\">");
		feed_html_add(&b, r->cas[i].name);
		buf_addstr(&b, "</a>");
	}
	buf_addstr(&b, "</nav>\n");
	want = ca != NULL ? feed_track_key(r, ca) : NULL;
	if (ca == NULL)
		feed_track_section(&b, r, &r->total);
	for (i = 0; i < r->ncas; i++) {
		if (ca == NULL ||
		    (want != NULL && strcmp(want, r->cas[i].key) == 0))
			feed_track_section(&b, r, &r->cas[i]);
	}
	if (ca != NULL && want == NULL)
		buf_addstr(&b, "<p>No such CA.</p>");
	buf_addstr(&b, "</main></body></html>\n");
	return buf_detach(&b);
}

/* ccwatch_deadlines_total{ca,clock,outcome} of the last 365 days. */
void
feed_track_prom(struct buf *b, const struct feed *f)
{
	static const char *const outcomes[] = {"on-time", "late", "missed"};
	const struct record *r;
	const struct record_clock_stats *k;
	long long v[3];
	size_t i;
	int j, o;

	if (f->track == NULL)
		return;
	r = &f->track->year;
	/*
	 * A counter by name and type (promtool wants _total on counters),
	 * but over a rolling window: it goes down as deadlines age out.
	 */
	feed_prom_head(b, "ccwatch_deadlines_total", "counter",
	    "Deadlines that came due in the last 365 days, by CA, clock and "
	    "outcome (a rolling window: it may go down).");
	for (i = 0; i < r->ncas; i++) {
		for (j = 0; j < POLICY_NKINDS; j++) {
			k = &r->cas[i].clocks[j];
			v[0] = k->on_time;
			v[1] = k->late;
			v[2] = k->missed;
			for (o = 0; o < 3; o++) {
				buf_addstr(b, "ccwatch_deadlines_total{ca=\"");
				feed_prom_label(b,
				    *r->cas[i].key != '\0' ? r->cas[i].name
							   : "");
				buf_printf(b,
				    "\",clock=\"%s\",outcome=\"%s\"} %lld\n",
				    policy_clock_kind_name(j), outcomes[o],
				    v[o]);
			}
		}
	}
}

/* Write the track record's files into dir; see feed.h. */
int
feed_track_write_dir(const struct feed *f, const char *dir, char **cause)
{
	const struct record *r;
	char *path, *body, *file;
	size_t i;
	int rc;

	if (f->track == NULL)
		return 0;
	r = &f->track->all;
	for (i = 0; i <= r->ncas + 1; i++) {
		if (i == r->ncas + 1) {
			file = xstrdup("track-record.json");
			body = feed_track_json(f->track);
		} else if (i == r->ncas) {
			file = xstrdup("track-record.html");
			body = feed_track_html(f->track, NULL, 0);
		} else {
			file = feed_track_file(r->cas[i].key);
			body = feed_track_html(f->track, r->cas[i].key, 0);
		}
		xasprintf(&path, "%s/%s", dir, file);
		rc = feed_write_file(
		    path, body, strlen(body), f->private_data, cause);
		free(path);
		free(file);
		free(body);
		if (rc == -1)
			return -1;
	}
	return 0;
}
