/*
 * The dashboard page (see feed.h): one self-contained HTML document with
 * its CSS inline and no external assets.  Filters and order come from the
 * query string through plain links and a GET form: the server applies them.
 * The unfiltered page (the one written to disk) also carries one small
 * inline script, allowed by its SHA-256 in the page's CSP and nothing else,
 * that applies the same query to the rows it holds, so that the tiles and
 * the form work from a file:// URL with no server; with JavaScript off the
 * page still shows every bug.
 *
 * Every string from Bugzilla is hostile: it is written only through
 * feed_html_escape (text and quoted attributes alike), and every URL in an
 * href is one ccwatch built from the configured base URL and numbers, or
 * the query string percent-encoded.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "caname.h"
#include "ccwatch.h"
#include "feed.h"
#include "feed_int.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The stylesheet: light and dark, a table that becomes cards when narrow. */
static const char feed_html_css[] =
    ":root{--bg:#f6f7f9;--fg:#1d2330;--muted:#5d6677;--card:#fff;"
    "--line:#e2e5ea;--link:#1f5fbf;"
    "--overdue:#b3261e;--overdue-bg:#fde8e6;--soon:#8a5300;--soon-bg:#fff0cc;"
    "--ok:#1e6b34;--ok-bg:#e2f3e7;--paused:#4f5563;--paused-bg:#eceef2;"
    "--met:#2f5383;--met-bg:#e4edf8;--none:#6b7280;--none-bg:#f1f2f4}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#14171c;--fg:#e6e9ee;"
    "--muted:#9aa3b2;--card:#1c2027;--line:#2c323c;--link:#7fb0ff;"
    "--overdue:#ff8a80;--overdue-bg:#3d1a18;--soon:#ffc56b;--soon-bg:#3a2c10;"
    "--ok:#7fd49a;--ok-bg:#14301e;--paused:#b8bfcc;--paused-bg:#262b33;"
    "--met:#9cc0f0;--met-bg:#1a2840;--none:#a0a7b4;--none-bg:#22262d}}\n"
    "*{box-sizing:border-box}body{margin:0;background:var(--bg);"
    "color:var(--fg);font:14px/1.35 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif}\n"
    "main{margin:0 auto;padding:12px 16px 32px}\n"
    "a{color:var(--link);text-decoration:none}a:hover{text-decoration:"
    "underline}\n"
    "h1{font-size:20px;margin:0 0 2px}.sub{color:var(--muted);margin:0}\n"
    "header{display:flex;flex-wrap:wrap;justify-content:space-between;"
    "gap:12px;align-items:flex-end;margin-bottom:10px}\n"
    ".fresh{padding:6px 12px;border-radius:8px;background:var(--card);"
    "border:1px solid var(--line)}\n"
    ".stale{margin:0 0 16px;padding:10px 14px;border-radius:8px;"
    "background:var(--overdue-bg);color:var(--overdue);"
    "border:1px solid var(--overdue);font-weight:600}\n"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(130px,1fr));gap:8px;margin-bottom:10px}\n"
    ".tile{display:block;padding:5px 12px;border-radius:8px;"
    "background:var(--card);border:1px solid var(--line);"
    "border-left:6px solid var(--c);color:var(--fg)}\n"
    ".tile b{font-size:20px;color:var(--c);margin-right:8px}"
    ".tile.on{outline:2px solid var(--c)}\n"
    "form{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;"
    "margin-bottom:10px}label{font-size:13px;color:var(--muted);"
    "display:flex;align-items:center;gap:6px}\n"
    "input,select,button{font:inherit;padding:3px 8px;border-radius:6px;"
    "border:1px solid var(--line);background:var(--card);color:var(--fg)}\n"
    "button{background:var(--link);color:#fff;border:0;cursor:pointer}\n"
    "table{width:100%;border-collapse:separate;border-spacing:0;"
    "background:var(--card);border:1px solid var(--line);border-radius:10px;"
    "overflow:hidden}\n"
    "th,td{padding:4px 8px;text-align:left;vertical-align:top;"
    "border-bottom:1px solid var(--line)}\n"
    "th{font-size:11px;text-transform:uppercase;letter-spacing:.04em;"
    "color:var(--muted);background:var(--bg)}\n"
    "tr:last-child td{border-bottom:0}\n"
    "td:first-child{border-left:5px solid var(--c)}\n"
    ".badge{display:inline-block;padding:0 7px;border-radius:999px;"
    "font-size:12px;font-weight:700;color:var(--c);background:var(--cb);"
    "border:1px solid var(--c);white-space:nowrap}\n"
    ".s-overdue{--c:var(--overdue);--cb:var(--overdue-bg)}"
    ".s-due-soon{--c:var(--soon);--cb:var(--soon-bg)}"
    ".s-ok{--c:var(--ok);--cb:var(--ok-bg)}"
    ".s-paused{--c:var(--paused);--cb:var(--paused-bg)}"
    ".s-met{--c:var(--met);--cb:var(--met-bg)}"
    ".s-none{--c:var(--none);--cb:var(--none-bg)}\n"
    ".num{font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".muted{color:var(--muted);font-size:13px}"
    ".other{font-size:12px;color:var(--muted)}\n"
    ".summary{min-width:240px;overflow-wrap:anywhere}"
    "td .muted{font-size:12px}.dl,.dl .other{white-space:nowrap}"
    ".ca{max-width:200px}"
    ".empty{padding:30px;text-align:center;color:var(--muted)}\n"
    ".items{margin-top:3px;font-size:13px}.items summary{cursor:pointer;"
    "color:var(--muted)}.items ul{margin:4px 0;padding-left:16px}"
    ".items li{margin:2px 0}.items li.s-overdue{font-weight:600}"
    ".items .badge{font-size:11px}\n"
    "footer{margin-top:18px;color:var(--muted);font-size:13px}"
    ".legend{display:flex;flex-wrap:wrap;gap:8px 18px;margin:8px 0}\n"
    "@media (max-width:760px){table,thead,tbody,tr,td{display:block}"
    "thead{display:none}tr{border-bottom:1px solid var(--line);"
    "padding:6px 0}td{border:0;padding:3px 12px}"
    "td::before{content:attr(data-label) ': ';color:var(--muted);"
    "font-size:12px}td:first-child{border-left:5px solid var(--c)}}\n";

/*
 * The query of the page's own URL applied to the rows of the unfiltered
 * page, as the server applies it: the CA filter (by CA key: K folds a name
 * as caname_key does, with the table's data-legal forms, and A maps a
 * configured alias through data-aliases; each row carries its data-cakey),
 * the state filter, the tile counts of the CA, the sort, the form's values.
 * The form's submit becomes a navigation to the same page with the new
 * query.
 */
static const char feed_html_script[] =
    "(function(){var d=document,t=d.querySelector('table[data-static]');"
    "if(!t)return;var L=(t.getAttribute('data-legal')||'').split(' '),"
    "M={};(t.getAttribute('data-aliases')||'').split(' ').forEach("
    "function(x){var p=x.split('=');if(p.length===2)M[p[0]]=p[1]});"
    "function K(s){var w=(s||'').split(/[ \\t\\n\\v\\f\\r,]+/).map("
    "function(x){return x.replace(/[^A-Za-z0-9]/g,'').toLowerCase()})"
    ".filter(function(x){return x});while(w.length>1&&"
    "L.indexOf(w[w.length-1])>=0)w.pop();var k=w.join('');"
    "return M[k]||k}"
    "var q=new URLSearchParams(location.search),"
    "ca=q.get('ca')?K(q.get('ca')):'',st=q.get('state')||'',"
    "so=q.get('sort')||'',tb=t.tBodies[0],n={},shown=0,"
    "rows=[].slice.call(tb.rows).filter(function(r){"
    "return r.hasAttribute('data-state')});"
    "rows.forEach(function(r){var c=!ca||"
    "(r.getAttribute('data-cakey')||'')===ca,s=r.getAttribute('data-state');"
    "if(c)n[s]=(n[s]||0)+1;r.hidden=!(c&&(!st||s===st));"
    "if(!r.hidden)shown++});"
    "[].forEach.call(d.querySelectorAll('.tile'),function(a){"
    "var s=a.getAttribute('data-state'),p=new URLSearchParams(q);"
    "a.querySelector('b').textContent=n[s]||0;"
    "a.classList.toggle('on',s===st);"
    "if(s===st)p.delete('state');else p.set('state',s);"
    "a.setAttribute('href','?'+p)});"
    "var k={due:'data-due',ca:'data-ca',bug:'data-bug'}[so];"
    "if(k)rows.slice().sort(function(a,b){var x=a.getAttribute(k)||'~',"
    "y=b.getAttribute(k)||'~';if(k!=='data-ca'){x=+x;y=+y}else{"
    "x=x.toLowerCase();y=y.toLowerCase()}return x<y?-1:x>y?1:"
    "a.getAttribute('data-i')-b.getAttribute('data-i')})"
    ".forEach(function(r){tb.appendChild(r)});"
    "var e=d.getElementById('empty');if(e)e.hidden=shown>0;"
    "var f=d.querySelector('form');['ca','state','sort'].forEach("
    "function(x){var v=q.get(x),el=f.elements[x];if(v===null||!el)return;"
    "[].forEach.call(el.options,function(o){if(x==='ca'?o.value&&"
    "K(o.value)===ca:o.value.toLowerCase()===v.toLowerCase())"
    "el.value=o.value})});"
    "f.addEventListener('submit',function(ev){ev.preventDefault();"
    "var p=new URLSearchParams();['ca','state','sort'].forEach(function(x){"
    "if(f.elements[x].value)p.set(x,f.elements[x].value)});"
    "location.search='?'+p})})();";

/* The sort key of a bug with no running deadline: after all others. */
#define FEED_HTML_NO_DUE ((time_t)9000000000000LL)

/* The states of the page, in the order of their tiles and legend. */
static const struct feed_html_state {
	const char *name;
	const char *label;
	const char *legend;
} feed_html_states[] = {
    {"overdue", "Overdue", "a deadline has passed without the CA's answer"},
    {"due-soon", "Due soon", "a deadline falls within the warning window"},
    {"ok", "On track", "a deadline runs and is not near"},
    {"paused", "Paused", "the clock waits (e.g. on the root program)"},
    {"met", "Met", "every deadline was met; the bug is still open"},
    {"none", "No clock", "the bug is open but no deadline applies"},
};

/* Append byte c as HTML: the five specials as entities, controls dropped. */
static void
feed_html_escape_one(struct buf *b, char c)
{
	switch (c) {
	case '&':
		buf_addstr(b, "&amp;");
		break;
	case '<':
		buf_addstr(b, "&lt;");
		break;
	case '>':
		buf_addstr(b, "&gt;");
		break;
	case '"':
		buf_addstr(b, "&quot;");
		break;
	case '\'':
		buf_addstr(b, "&#39;");
		break;
	default:
		if ((unsigned char)c >= 0x20 || c == '\n' || c == '\t')
			buf_addch(b, c);
	}
}

/* HTML-escape s: the five specials become entities, UTF-8 is repaired. */
char *
feed_html_escape(const char *s)
{
	char *shown = feed_utf8_visible(s != NULL ? s : ""), *out;

	/* Bidi and zero-width characters shown as <U+202E>, not obeyed. */
	out = feed_escape(shown, feed_html_escape_one);
	free(shown);
	return out;
}

/* Append s escaped. */
void
feed_html_add(struct buf *b, const char *s)
{
	char *e = feed_html_escape(s);

	buf_addstr(b, e);
	free(e);
}

/* Append s percent-encoded as a query value (unreserved characters stay). */
void
feed_html_add_qvalue(struct buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~')
			buf_addch(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

/*
 * Append an href of the page itself with the query q, one member replaced
 * (name "ca", "state" or "sort"; value NULL removes it).  The result is
 * percent-encoded, so it holds no character that needs HTML escaping but
 * '&', written as "&amp;".
 */
static void
feed_html_add_self(struct buf *b, const struct feed_query *q, const char *name,
    const char *value)
{
	const char *ca = q->ca, *state = NULL, *sort = q->sort;
	const char *v[3];
	static const char *names[] = {"ca", "state", "sort"};
	size_t i;
	int first = 1;

	if (q->state >= 0)
		state = feed_html_states[q->state].name;
	v[0] = strcmp(name, "ca") == 0 ? value : ca;
	v[1] = strcmp(name, "state") == 0 ? value : state;
	v[2] = strcmp(name, "sort") == 0 ? value : sort;
	buf_addch(b, '?');
	for (i = 0; i < 3; i++) {
		if (v[i] == NULL)
			continue;
		buf_printf(b, "%s%s=", first ? "" : "&amp;", names[i]);
		feed_html_add_qvalue(b, v[i]);
		first = 0;
	}
}

/* A time for a person: "2026-03-13 12:00 UTC". */
const char *
feed_html_time(time_t t, char *buf, size_t size)
{
	char iso[TIMEUTIL_ISO_LEN];

	timeutil_format_iso(t, iso);
	snprintf(buf, size, "%.10s %.5s UTC", iso, iso + 11);
	return buf;
}

/* A duration for a person: "3d 4h", "5h 2m", "12m". */
static void
feed_html_span(long long s, char *buf, size_t size)
{
	long long d = s / 86400, h = (s % 86400) / 3600, m = (s % 3600) / 60;

	if (d > 0)
		snprintf(buf, size, "%lldd %lldh", d, h);
	else if (h > 0)
		snprintf(buf, size, "%lldh %lldm", h, m);
	else
		snprintf(buf, size, "%lldm", m);
}

/* The state index of a bug in feed_html_states. */
static size_t
feed_html_state_index(const struct report_bug *rb)
{
	const char *s = feed_bug_state(rb);
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(feed_html_states); i++)
		if (strcmp(feed_html_states[i].name, s) == 0)
			return i;
	return CCWATCH_NELEM(feed_html_states) - 1;
}

/* 1 if the bug passes the page's filters. */
static int
feed_html_keep(const struct feed *f, const struct report_bug *rb,
    const struct feed_query *q)
{
	if (q->ca != NULL && !report_bug_in_ca(&f->report, rb, q->ca))
		return 0;
	if (q->state >= 0 && feed_html_state_index(rb) != (size_t)q->state)
		return 0;
	return 1;
}

/* The page's header: title and the data's freshness. */
static void
feed_html_header(struct buf *b, const struct feed *f)
{
	char t[64], span[64];
	long long age = feed_sync_age(f);

	buf_addstr(b,
	    "<header><div><h1>CA incident deadlines</h1>"
	    "<p class=\"sub\">Open CA Certificate Compliance bugs "
	    "and their reporting clocks, from <a href=\"");
	feed_html_add(b, f->source);
	buf_addstr(b, "\">");
	feed_html_add(b, f->source);
	buf_printf(b,
	    "</a>, as of %s. <a href=\"track-record.html\">Each CA's "
	    "track record</a>.</p></div><div class=\"fresh\">",
	    feed_html_time(f->report.as_of, t, sizeof t));
	if (age < 0)
		buf_addstr(b, "Never synced");
	else {
		feed_html_span(age, span, sizeof span);
		buf_printf(b, "Last sync <b>%s</b> (%s ago)",
		    feed_html_time(f->report.last_sync, t, sizeof t), span);
	}
	buf_addstr(b, "</div></header>\n");
	if (!feed_is_stale(f))
		return;
	buf_addstr(b, "<p class=\"stale\" role=\"alert\">Stale data: ");
	if (age < 0)
		buf_addstr(b, "no sync has succeeded yet.");
	else {
		feed_html_span(age, span, sizeof span);
		buf_printf(b,
		    "the last good sync was %s ago; deadlines may "
		    "have moved since.",
		    span);
	}
	if (f->last_error != NULL) {
		buf_addstr(b, " Last error: ");
		feed_html_add(b, f->last_error);
	}
	buf_addstr(b, "</p>\n");
}

/* The count tiles, one per state, each a link filtering on it. */
static void
feed_html_tiles(struct buf *b, const struct feed *f, const struct feed_query *q)
{
	size_t count[CCWATCH_NELEM(feed_html_states)], i;
	const struct feed_html_state *s;

	memset(count, 0, sizeof count);
	for (i = 0; i < f->report.nbugs; i++)
		if (q->ca == NULL ||
		    report_bug_in_ca(&f->report, &f->report.bugs[i], q->ca))
			count[feed_html_state_index(&f->report.bugs[i])]++;
	buf_addstr(b, "<nav class=\"tiles\" aria-label=\"Counts by state\">");
	for (i = 0; i < CCWATCH_NELEM(feed_html_states); i++) {
		s = &feed_html_states[i];
		buf_printf(b,
		    "<a class=\"tile s-%s%s\" data-state=\"%s\" href=\"",
		    s->name, q->state == (int)i ? " on" : "", s->name);
		feed_html_add_self(
		    b, q, "state", q->state == (int)i ? NULL : s->name);
		buf_printf(b, "\"><b>%zu</b>%s</a>", count[i], s->label);
	}
	buf_addstr(b, "</nav>\n");
}

/* Append one <option>, selected when it is the current value. */
static void
feed_html_option(
    struct buf *b, const char *value, const char *label, const char *cur)
{
	buf_addstr(b, "<option value=\"");
	feed_html_add(b, value);
	buf_printf(b, "\"%s>",
	    cur != NULL && strcasecmp(cur, value) == 0 ? " selected" : "");
	feed_html_add(b, label);
	buf_addstr(b, "</option>");
}

/* 1 if the CA of bug i (by its key) was seen in an earlier bug. */
static int
feed_html_ca_seen(const struct feed *f, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (f->report.bugs[j].result.ca_key != NULL &&
		    strcmp(f->report.bugs[j].result.ca_key,
			f->report.bugs[i].result.ca_key) == 0)
			return 1;
	return 0;
}

/* The filter form: a GET form, so it works without scripts. */
static void
feed_html_form(struct buf *b, const struct feed *f, const struct feed_query *q)
{
	const struct report_bug *rb;
	const char *state = NULL;
	size_t i;

	if (q->state >= 0)
		state = feed_html_states[q->state].name;
	buf_addstr(b,
	    "<form method=\"get\" action=\"\"><label>CA<select "
	    "name=\"ca\"><option value=\"\">All CAs</option>");
	for (i = 0; i < f->report.nbugs; i++) {
		rb = &f->report.bugs[i];
		if (rb->result.ca == NULL || rb->result.ca_key == NULL ||
		    feed_html_ca_seen(f, i))
			continue;
		/* Selected by any spelling of the CA the query names. */
		feed_html_option(b, rb->result.ca, rb->result.ca,
		    q->ca != NULL && report_bug_in_ca(&f->report, rb, q->ca)
			? rb->result.ca
			: NULL);
	}
	buf_addstr(b,
	    "</select></label><label>State<select name=\"state\">"
	    "<option value=\"\">Any state</option>");
	for (i = 0; i < CCWATCH_NELEM(feed_html_states); i++)
		feed_html_option(b, feed_html_states[i].name,
		    feed_html_states[i].label, state);
	buf_addstr(b, "</select></label><label>Sort<select name=\"sort\">");
	feed_html_option(b, "urgency", "Most urgent first", q->sort);
	feed_html_option(b, "due", "Due date", q->sort);
	feed_html_option(b, "ca", "CA", q->sort);
	feed_html_option(b, "bug", "Bug number", q->sort);
	buf_addstr(
	    b, "</select></label><button type=\"submit\">Apply</button>");
	if (q->ca != NULL || q->state >= 0 || q->sort != NULL)
		buf_addstr(b, " <a href=\"?\">Clear filters</a>");
	buf_addstr(b, "</form>\n");
}

/* The deadline cell of a clock: its title, linked to its start. */
static void
feed_html_clock(
    struct buf *b, const struct report_bug *rb, const struct clock *c)
{
	buf_addstr(b, "<a href=\"");
	feed_html_add(b, c->link != NULL ? c->link : rb->url);
	buf_addstr(b, "\">");
	buf_addstr(b, report_clock_title(c->kind));
	buf_addstr(b, "</a>");
	if (c->start_comment >= 0)
		buf_printf(b, " <span class=\"muted\">from comment %lld</span>",
		    (long long)c->start_comment);
}

/* The due cell: date and the time left or over. */
static void
feed_html_due(struct buf *b, const struct feed *f, const struct clock *c)
{
	char t[64], rel[64];

	if (c->state == CLOCK_PAUSED) {
		buf_addstr(b, "paused");
		return;
	}
	if (c->state == CLOCK_MET) {
		buf_printf(b, "met %s",
		    c->stopped_at != 0
			? feed_html_time(c->stopped_at, t, sizeof t)
			: "");
		return;
	}
	buf_printf(b, "%s<br><span class=\"muted\">%s</span>",
	    feed_html_time(c->due, t, sizeof t),
	    report_format_relative(c->due, f->report.as_of, rel, sizeof rel));
}

/* The other running clocks of a bug, one short line each. */
static void
feed_html_others(
    struct buf *b, const struct feed *f, const struct report_bug *rb)
{
	const struct clock *c;
	char rel[64];
	size_t i;

	for (i = 0; i < rb->result.nclocks; i++) {
		c = &rb->result.clocks[i];
		if ((int)i == rb->urgent || c->state == CLOCK_MET ||
		    c->state == CLOCK_PAUSED)
			continue;
		buf_printf(b, "<div class=\"other s-%s\">",
		    policy_clock_state_name(c->state));
		buf_addstr(b, "<a href=\"");
		feed_html_add(b, c->link != NULL ? c->link : rb->url);
		buf_printf(b, "\">%s</a>: %s%s</div>",
		    report_clock_title(c->kind),
		    c->state == CLOCK_DUE_SOON ? "due soon, " : "",
		    report_format_relative(
			c->due, f->report.as_of, rel, sizeof rel));
	}
}

/* The open questions of a bug, each linked to its comment. */
static void
feed_html_questions(struct buf *b, const struct report_bug *rb)
{
	const struct question *qn;
	char span[64];
	size_t i;
	int n = 0;

	for (i = 0; i < rb->result.nquestions; i++) {
		qn = &rb->result.questions[i];
		if (qn->state == CLOCK_MET)
			continue;
		feed_html_span(qn->age_seconds, span, sizeof span);
		buf_addstr(b, n++ > 0 ? "<br>" : "");
		buf_addstr(b, "<a href=\"");
		feed_html_add(b, qn->link != NULL ? qn->link : rb->url);
		if (qn->comment >= 0)
			buf_printf(
			    b, "\">comment %lld</a>", (long long)qn->comment);
		else
			buf_addstr(b, "\">needinfo</a>");
		buf_printf(b, " <span class=\"muted\">%s old", span);
		if (qn->asked_by != NULL) {
			buf_addstr(b, ", ");
			feed_html_add(b, qn->asked_by);
		}
		buf_addstr(b, "</span>");
	}
	if (n == 0)
		buf_addstr(b, "<span class=\"muted\">none</span>");
}

static time_t feed_html_due_key(const struct report_bug *);

/* One table row. */
static void
feed_html_row(
    struct buf *b, const struct feed *f, const struct feed_query *q, size_t idx)
{
	const struct report_bug *rb = &f->report.bugs[idx];
	const struct feed_html_state *s =
	    &feed_html_states[feed_html_state_index(rb)];
	const struct feed_bug *fb = &f->extra[idx];
	char span[64];

	buf_printf(b,
	    "<tr class=\"s-%s\" data-state=\"%s\" data-i=\"%zu\" "
	    "data-bug=\"%lld\" data-due=\"%lld\"",
	    s->name, s->name, idx, (long long)rb->bug.id,
	    (long long)feed_html_due_key(rb));
	if (rb->result.ca != NULL) {
		buf_addstr(b, " data-ca=\"");
		feed_html_add(b, rb->result.ca);
		buf_addch(b, '"');
	}
	if (rb->result.ca_key != NULL) {
		buf_addstr(b, " data-cakey=\"");
		feed_html_add(b, rb->result.ca_key);
		buf_addch(b, '"');
	}
	buf_printf(b,
	    "><td data-label=\"State\"><span class=\"badge\">%s</span></td>",
	    s->label);
	buf_addstr(b, "<td data-label=\"Bug\" class=\"num\"><a href=\"");
	feed_html_add(b, rb->url);
	buf_printf(b, "\">%lld</a></td><td data-label=\"CA\" class=\"ca\">",
	    (long long)rb->bug.id);
	if (rb->result.ca != NULL) {
		buf_addstr(b, "<a href=\"");
		feed_html_add_self(b, q, "ca", rb->result.ca);
		buf_addstr(b, "\">");
		feed_html_add(b, rb->result.ca);
		buf_addstr(b, "</a>");
	} else
		buf_addstr(b, "<span class=\"muted\">unknown</span>");
	buf_addstr(b, "</td><td data-label=\"Summary\" class=\"summary\">");
	feed_html_add(b, rb->summary);
	buf_addstr(b, " <span class=\"muted\">");
	feed_html_add(b, rb->status);
	if (rb->result.restricted)
		buf_addstr(b, " · restricted");
	buf_addstr(b, "</span>");
	feed_html_items(b, f, rb);
	buf_addstr(b, "</td><td data-label=\"Deadline\" class=\"dl\">");
	if (rb->urgent >= 0)
		feed_html_clock(b, rb, &rb->result.clocks[rb->urgent]);
	else
		buf_addstr(b, "<span class=\"muted\">none</span>");
	feed_html_others(b, f, rb);
	buf_addstr(b, "</td><td data-label=\"Due\" class=\"num\">");
	if (rb->urgent >= 0)
		feed_html_due(b, f, &rb->result.clocks[rb->urgent]);
	buf_addstr(b, "</td><td data-label=\"Open questions\">");
	feed_html_questions(b, rb);
	buf_addstr(b, "</td><td data-label=\"Last CA comment\" class=\"num\">");
	if (fb->last_ca_comment != 0) {
		feed_html_span(
		    (long long)(f->report.as_of - fb->last_ca_comment), span,
		    sizeof span);
		buf_printf(b, "%s ago", span);
	} else
		buf_addstr(b, "<span class=\"muted\">never</span>");
	buf_addstr(b, "</td></tr>\n");
}

/* The due time of a bug's most urgent clock for sorting; none is last. */
static time_t
feed_html_due_key(const struct report_bug *rb)
{
	const struct clock *c;

	if (rb->urgent < 0)
		return FEED_HTML_NO_DUE;
	c = &rb->result.clocks[rb->urgent];
	if (c->state == CLOCK_MET || c->state == CLOCK_PAUSED || c->due == 0)
		return FEED_HTML_NO_DUE;
	return c->due;
}

/* <0 when bug a comes before bug b in the order sort. */
static int
feed_html_cmp(const struct feed *f, const char *sort, size_t a, size_t b)
{
	const struct report_bug *x = &f->report.bugs[a],
				*y = &f->report.bugs[b];
	time_t dx, dy;
	int c;

	if (sort != NULL && strcmp(sort, "due") == 0) {
		dx = feed_html_due_key(x);
		dy = feed_html_due_key(y);
		if (dx != dy)
			return dx < dy ? -1 : 1;
	} else if (sort != NULL && strcmp(sort, "ca") == 0) {
		c = strcasecmp(x->result.ca != NULL ? x->result.ca : "~",
		    y->result.ca != NULL ? y->result.ca : "~");
		if (c != 0)
			return c;
	} else if (sort != NULL && strcmp(sort, "bug") == 0)
		return x->bug.id < y->bug.id ? -1 : x->bug.id > y->bug.id;
	return a < b ? -1 : a > b; /* the feed's own order: urgency */
}

/* The row order: indexes of the kept bugs, sorted (insertion sort). */
static size_t
feed_html_order(const struct feed *f, const struct feed_query *q, size_t *ix)
{
	size_t i, j, n = 0, v;

	for (i = 0; i < f->report.nbugs; i++) {
		if (!feed_html_keep(f, &f->report.bugs[i], q))
			continue;
		v = i;
		for (j = n;
		     j > 0 && feed_html_cmp(f, q->sort, v, ix[j - 1]) < 0; j--)
			ix[j] = ix[j - 1];
		ix[j] = v;
		n++;
	}
	return n;
}

/*
 * The opening tag of the unfiltered page's table, marked for the script,
 * with what it needs to fold a CA name into its key: the legal forms and
 * the configured aliases ("aliaskey=cakey ...").
 */
static void
feed_html_static_table(struct buf *b, const struct feed *f)
{
	const struct caname_table *t = &f->report.cas;
	const char *lf;
	size_t i;

	buf_addstr(b, "<table data-static=\"1\" data-legal=\"");
	for (i = 0; (lf = caname_legal_form(i)) != NULL; i++)
		buf_printf(b, "%s%s", i > 0 ? " " : "", lf);
	buf_addstr(b, "\" data-aliases=\"");
	for (i = 0; i < t->naliases; i++) {
		if (i > 0)
			buf_addch(b, ' ');
		feed_html_add(b, t->alias_keys[i]);
		buf_addch(b, '=');
		feed_html_add(b, t->targets[i]);
	}
	buf_addstr(b, "\">");
}

/* The table of bugs; on the unfiltered page, marked for the script. */
static void
feed_html_table(struct buf *b, const struct feed *f, const struct feed_query *q,
    int unfiltered)
{
	size_t *ix, n, i;

	ix = xcalloc(f->report.nbugs + 1, sizeof *ix);
	n = feed_html_order(f, q, ix);
	if (unfiltered)
		feed_html_static_table(b, f);
	else
		buf_addstr(b, "<table>");
	buf_addstr(b,
	    "<thead><tr><th>State</th><th>Bug</th><th>CA</th>"
	    "<th>Summary</th><th>Deadline</th><th>Due</th>"
	    "<th>Open questions</th><th>Last CA comment</th></tr>"
	    "</thead><tbody>\n");
	for (i = 0; i < n; i++)
		feed_html_row(b, f, q, ix[i]);
	if (n == 0 || unfiltered)
		buf_printf(b,
		    "<tr id=\"empty\"%s><td colspan=\"8\" class=\"empty\">"
		    "No bug matches these filters.</td></tr>\n",
		    n > 0 ? " hidden" : "");
	buf_addstr(b, "</tbody></table>\n");
	free(ix);
}

/* The legend and the other formats. */
static void
feed_html_footer(struct buf *b, const struct feed *f)
{
	char t[64];
	size_t i;

	buf_addstr(b, "<footer><div class=\"legend\">");
	for (i = 0; i < CCWATCH_NELEM(feed_html_states); i++)
		buf_printf(b,
		    "<span class=\"s-%s\"><span class=\"badge\">%s"
		    "</span> %s</span>",
		    feed_html_states[i].name, feed_html_states[i].label,
		    feed_html_states[i].legend);
	buf_printf(b,
	    "</div><p>Generated %s by ccwatch under policy %s. "
	    "Also as <a href=\"feed.json\">JSON</a>, "
	    "<a href=\"deadlines.ics\">iCalendar</a> and "
	    "<a href=\"metrics\">Prometheus metrics</a>.</p></footer>\n",
	    feed_html_time(f->report.generated_at, t, sizeof t),
	    f->report.pin == POLICY_VERSION_AUTO
		? "auto (each clock under the version of its start)"
		: policy_version_name(f->report.pin));
}

/* Append the CSP source of the script: 'sha256-BASE64'. */
static void
feed_html_script_hash(struct buf *b)
{
	unsigned char md[EVP_MAX_MD_SIZE],
	    b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int mdlen = 0;

	EVP_Digest(feed_html_script, sizeof feed_html_script - 1, md, &mdlen,
	    EVP_sha256(), NULL);
	EVP_EncodeBlock(b64, md, (int)mdlen);
	buf_printf(b, "'sha256-%s'", (const char *)b64);
}

/* The dashboard page. */
char *
feed_to_html(const struct feed *f, const struct feed_query *q)
{
	struct feed_query none;
	struct buf b;
	int unfiltered;

	if (q == NULL) {
		memset(&none, 0, sizeof none);
		none.state = -1;
		q = &none;
	}
	unfiltered = q->ca == NULL && q->state < 0 && q->sort == NULL;
	buf_init(&b, FEED_MAX_TEXT);
	buf_addstr(&b,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\">"
	    "<meta http-equiv=\"Content-Security-Policy\" content="
	    "\"default-src 'none'; style-src 'unsafe-inline'; ");
	if (unfiltered) {
		buf_addstr(&b, "script-src ");
		feed_html_script_hash(&b);
		buf_addstr(&b, "; ");
	}
	buf_addstr(&b,
	    "img-src data:; form-action 'self'\">"
	    "<title>ccwatch: CA incident deadlines</title><style>");
	buf_addstr(&b, feed_html_css);
	buf_addstr(&b, "</style></head><body><main>\n");
	feed_html_header(&b, f);
	feed_html_tiles(&b, f, q);
	feed_html_form(&b, f, q);
	feed_html_table(&b, f, q, unfiltered);
	feed_html_footer(&b, f);
	buf_addstr(&b, "</main>");
	if (unfiltered) {
		buf_addstr(&b, "<script>");
		buf_addstr(&b, feed_html_script);
		buf_addstr(&b, "</script>");
	}
	buf_addstr(&b, "</body></html>\n");
	return buf_detach(&b);
}

/* Take one name=value pair into q; takes ownership of value. */
static void
feed_query_take(
    struct feed_query *q, const char *name, size_t nlen, char *value)
{
	size_t i;

	if (nlen == 2 && strncmp(name, "ca", 2) == 0 && *value != '\0') {
		free(q->ca);
		q->ca = value;
		return;
	}
	if (nlen == 4 && strncmp(name, "sort", 4) == 0 &&
	    (strcmp(value, "urgency") == 0 || strcmp(value, "due") == 0 ||
		strcmp(value, "ca") == 0 || strcmp(value, "bug") == 0)) {
		free(q->sort);
		q->sort = value;
		return;
	}
	if (nlen == 5 && strncmp(name, "state", 5) == 0)
		for (i = 0; i < CCWATCH_NELEM(feed_html_states); i++)
			if (strcmp(value, feed_html_states[i].name) == 0)
				q->state = (int)i;
	free(value);
}

/* Set one member of a query from a decoded name and value. */
void
feed_query_set(struct feed_query *q, const char *name, const char *value)
{
	if (name != NULL && value != NULL)
		feed_query_take(q, name, strlen(name), xstrdup(value));
}

/* Free a parsed query. */
void
feed_query_free(struct feed_query *q)
{
	if (q == NULL)
		return;
	free(q->ca);
	free(q->sort);
	memset(q, 0, sizeof *q);
}
