/*
 * The record of each CA made from the cached outcomes: counts per clock
 * kind for the deadlines that came due in the period, lateness, question
 * response times, days to the full report, action items; and the table,
 * the JSON and the CSV of it.  Pure: the outcomes come from record.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "record.h"
#include "report.h"
#include "timeutil.h"
#include "xmalloc.h"

#define DAY 86400

/* Append v to a series. */
static void
record_series_add(struct record_series *s, long long v)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	s->v[s->n++] = v;
}

/* Compare two long longs for qsort. */
static int
record_ll_cmp(const void *pa, const void *pb)
{
	long long a = *(const long long *)pa, b = *(const long long *)pb;

	return a < b ? -1 : a > b;
}

/* Sort a series. */
static void
record_series_sort(struct record_series *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, record_ll_cmp);
}

/* The value at fraction q of a sorted series (nearest rank); 0 if empty. */
long long
record_quantile(const struct record_series *s, double q)
{
	size_t rank;

	if (s->n == 0)
		return 0;
	rank = (size_t)(q * (double)s->n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	return s->v[rank - 1];
}

/* The upper bounds of the response-time buckets, in days. */
static const int record_bucket_days[RECORD_NBUCKETS - 1] = {1, 3, 7, 14, 30};
static const char *const record_bucket_names[RECORD_NBUCKETS] = {
    "<1d", "1-3d", "3-7d", "7-14d", "14-30d", ">30d"};

/* The name of a bucket. */
const char *
record_bucket_name(int i)
{
	return i >= 0 && i < RECORD_NBUCKETS ? record_bucket_names[i] : "?";
}

/* The bucket of a response time. */
static int
record_bucket(long long seconds)
{
	int i;

	for (i = 0; i < RECORD_NBUCKETS - 1; i++)
		if (seconds < (long long)record_bucket_days[i] * DAY)
			return i;
	return RECORD_NBUCKETS - 1;
}

/* The month of t. */
int
record_month_at(time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* "YYYY-MM". */
const char *
record_month_name(int ym, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%04d-%02d", ym / 12, ym % 12 + 1);
	return buf;
}

/* The counts of one month of a CA. */
struct record_month
record_month_of(const struct record_ca *c, int ym)
{
	struct record_month m;
	size_t i;

	for (i = 0; i < c->nmonths; i++)
		if (c->months[i].ym == ym)
			return c->months[i];
	memset(&m, 0, sizeof m);
	m.ym = ym;
	return m;
}

/* The month ym of a CA, added in order when new. */
static struct record_month *
record_month_get(struct record_ca *c, int ym)
{
	size_t i;

	for (i = 0; i < c->nmonths && c->months[i].ym < ym; i++)
		;
	if (i < c->nmonths && c->months[i].ym == ym)
		return &c->months[i];
	c->months = xreallocarray(c->months, c->nmonths + 1, sizeof *c->months);
	memmove(&c->months[i + 1], &c->months[i],
	    (c->nmonths - i) * sizeof *c->months);
	memset(&c->months[i], 0, sizeof *c->months);
	c->months[i].ym = ym;
	c->nmonths++;
	return &c->months[i];
}

/* Count a deadline that came due into its month. */
static void
record_count_month(struct record_ca *c, int ym, enum outcome o, long long n)
{
	struct record_month *m = record_month_get(c, ym);

	if (o == OUTCOME_ON_TIME)
		m->on_time += n;
	else if (o == OUTCOME_LATE)
		m->late += n;
	else
		m->missed += n;
}

/* 1 if t is in the period. */
static int
record_in(const struct record_filter *f, time_t until, time_t t)
{
	return t != 0 && t >= f->since && t <= until;
}

/* Count one outcome row into a CA's record. */
static void
record_count_row(struct record_ca *ca, const struct record_filter *f,
    time_t until, const struct outcome_row *r)
{
	struct record_clock_stats *k = &ca->clocks[r->kind];
	int due_in = record_in(f, until, r->due);
	int slip = 0;

	switch (r->outcome) {
	case OUTCOME_ON_TIME:
	case OUTCOME_LATE:
	case OUTCOME_MISSED:
		if (!due_in)
			return;
		k->came_due++;
		if (r->outcome == OUTCOME_ON_TIME)
			k->on_time++;
		else if (r->outcome == OUTCOME_LATE) {
			k->late++;
			record_series_add(&ca->lateness[r->kind], r->late_by);
		} else {
			k->missed++;
			k->missed_closed += r->closed;
			ca->missed++;
		}
		slip = r->outcome != OUTCOME_ON_TIME;
		record_count_month(ca, record_month_at(r->due), r->outcome, 1);
		break;
	case OUTCOME_PAUSED:
		k->paused += record_in(f, until, r->started_at);
		return;
	case OUTCOME_WITHDRAWN:
		k->withdrawn += due_in;
		return;
	case OUTCOME_NOT_APPLICABLE:
		k->not_applicable += record_in(f, until, r->started_at);
		return;
	case OUTCOME_RUNNING:
		k->running += r->started_at <= until;
		return;
	case OUTCOME_CLOSED_EARLY:
		return;
	}
	if (r->kind == CLOCK_ACTION_ITEM) {
		ca->items_due++;
		ca->items_on_time += !slip;
		ca->items_slipped += slip;
	}
	if (r->outcome == OUTCOME_MISSED)
		return;
	if (r->kind == CLOCK_RESPONSE) {
		record_series_add(&ca->response, r->ended_at - r->started_at);
		ca->response_hist[record_bucket(r->ended_at - r->started_at)]++;
	}
	if (r->kind == CLOCK_FULL_REPORT)
		record_series_add(
		    &ca->full_report, r->ended_at - r->started_at);
}

/* The CA of key in the record, added when new. */
static struct record_ca *
record_ca_get(struct record *rec, const char *key, const char *name)
{
	size_t i;

	for (i = 0; i < rec->ncas; i++) {
		if (strcmp(rec->cas[i].key, key) == 0)
			return &rec->cas[i];
	}
	rec->cas = xreallocarray(rec->cas, rec->ncas + 1, sizeof *rec->cas);
	memset(&rec->cas[rec->ncas], 0, sizeof *rec->cas);
	rec->cas[rec->ncas].key = xstrdup(key);
	rec->cas[rec->ncas].name = xstrdup(name);
	return &rec->cas[rec->ncas++];
}

/* Count one bug into its CA's record. */
static void
record_count_bug(struct record *rec, const struct caname_table *t,
    const struct record_filter *f, const struct outcome_bug *b)
{
	const char *key = b->ca_key != NULL ? b->ca_key : "";
	const char *name = caname_table_show(t, key);
	struct record_ca *ca;
	size_t i;

	if (b->filed > rec->until)
		return; /* not filed yet at the record's end */
	if (name == NULL)
		name = b->ca != NULL ? b->ca : "(no CA)";
	ca = record_ca_get(rec, key, name);
	if (record_in(f, rec->until, b->filed)) {
		ca->filed++;
		ca->self_reported += b->self_reported;
		ca->third_party += !b->self_reported;
	}
	if (b->resolved_at == 0 && b->filed <= rec->until) {
		ca->open++;
		if (ca->oldest_open == 0 || b->filed < ca->oldest_open) {
			ca->oldest_open = b->filed;
			ca->oldest_open_bug = b->id;
		}
	}
	for (i = 0; i < b->nrows; i++) {
		if (b->private_comments && !f->include_restricted &&
		    b->rows[i].kind == CLOCK_ACTION_ITEM)
			continue; /* the feed reads no plan from a private one
				   */
		record_count_row(ca, f, rec->until, &b->rows[i]);
	}
}

/* Add series b to a. */
static void
record_series_merge(struct record_series *a, const struct record_series *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		record_series_add(a, b->v[i]);
}

/* Add one CA's counts to the total. */
static void
record_add_total(struct record_ca *t, const struct record_ca *c)
{
	struct record_clock_stats *a;
	const struct record_clock_stats *b;
	size_t i;
	int k;

	t->filed += c->filed;
	t->self_reported += c->self_reported;
	t->third_party += c->third_party;
	t->open += c->open;
	if (c->oldest_open != 0 &&
	    (t->oldest_open == 0 || c->oldest_open < t->oldest_open)) {
		t->oldest_open = c->oldest_open;
		t->oldest_open_bug = c->oldest_open_bug;
	}
	for (k = 0; k < POLICY_NKINDS; k++) {
		a = &t->clocks[k];
		b = &c->clocks[k];
		a->came_due += b->came_due;
		a->on_time += b->on_time;
		a->late += b->late;
		a->missed += b->missed;
		a->missed_closed += b->missed_closed;
		a->paused += b->paused;
		a->withdrawn += b->withdrawn;
		a->not_applicable += b->not_applicable;
		a->running += b->running;
		record_series_merge(&t->lateness[k], &c->lateness[k]);
	}
	record_series_merge(&t->response, &c->response);
	record_series_merge(&t->full_report, &c->full_report);
	for (i = 0; i < c->nmonths; i++) {
		record_count_month(
		    t, c->months[i].ym, OUTCOME_ON_TIME, c->months[i].on_time);
		record_count_month(
		    t, c->months[i].ym, OUTCOME_LATE, c->months[i].late);
		record_count_month(
		    t, c->months[i].ym, OUTCOME_MISSED, c->months[i].missed);
	}
	for (k = 0; k < RECORD_NBUCKETS; k++)
		t->response_hist[k] += c->response_hist[k];
	t->items_due += c->items_due;
	t->items_on_time += c->items_on_time;
	t->items_slipped += c->items_slipped;
	t->missed += c->missed;
}

/* Sort a CA's series. */
static void
record_ca_sort(struct record_ca *c)
{
	int k;

	for (k = 0; k < POLICY_NKINDS; k++)
		record_series_sort(&c->lateness[k]);
	record_series_sort(&c->response);
	record_series_sort(&c->full_report);
}

/* Deadlines that came due, over every kind. */
static long long
record_came_due(const struct record_ca *c)
{
	long long n = 0;
	int k;

	for (k = 0; k < POLICY_NKINDS; k++)
		n += c->clocks[k].came_due;
	return n;
}

/* Most missed first, then most deadlines, then by name. */
static int
record_ca_cmp(const void *pa, const void *pb)
{
	const struct record_ca *a = pa, *b = pb;
	long long da, db;

	if (a->missed != b->missed)
		return a->missed > b->missed ? -1 : 1;
	da = record_came_due(a);
	db = record_came_due(b);
	if (da != db)
		return da > db ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Make the record. */
void
record_make(const struct outcome_list *l, const struct caname_table *t,
    const struct record_filter *f, time_t now, struct record *out)
{
	char *want = NULL;
	size_t i;

	memset(out, 0, sizeof *out);
	out->generated_at = timeutil_now();
	out->since = f->since;
	out->until = f->until != 0 ? f->until : now;
	if (f->ca != NULL)
		want = caname_table_key(t, f->ca);
	for (i = 0; i < l->n; i++) {
		const struct outcome_bug *b = &l->v[i];

		if (b->restricted && !f->include_restricted)
			continue;
		if (want != NULL &&
		    (b->ca_key == NULL || *want == '\0' ||
			strcmp(want, b->ca_key) != 0))
			continue;
		record_count_bug(out, t, f, b);
	}
	free(want);
	for (i = 0; i < out->ncas; i++) {
		record_add_total(&out->total, &out->cas[i]);
		record_ca_sort(&out->cas[i]);
	}
	record_ca_sort(&out->total);
	out->total.name = xstrdup("total");
	if (out->ncas > 1)
		qsort(out->cas, out->ncas, sizeof *out->cas, record_ca_cmp);
}

/* Free one CA's record. */
static void
record_ca_free(struct record_ca *c)
{
	int k;

	free(c->key);
	free(c->name);
	for (k = 0; k < POLICY_NKINDS; k++)
		free(c->lateness[k].v);
	free(c->response.v);
	free(c->full_report.v);
	free(c->months);
}

/* Free a record. */
void
record_free(struct record *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ncas; i++)
		record_ca_free(&r->cas[i]);
	free(r->cas);
	record_ca_free(&r->total);
	memset(r, 0, sizeof *r);
}

/* {"n", "median_seconds", "p90_seconds"} of a series. */
static json_t *
record_json_series(const struct record_series *s)
{
	if (s->n == 0)
		return json_pack(
		    "{s:i,s:n,s:n}", "n", 0, "median_seconds", "p90_seconds");
	return json_pack("{s:I,s:I,s:I}", "n", (json_int_t)s->n,
	    "median_seconds", (json_int_t)record_quantile(s, 0.5),
	    "p90_seconds", (json_int_t)record_quantile(s, 0.9));
}

/* One clock kind's counts. */
static json_t *
record_json_clock(
    const struct record_clock_stats *k, const struct record_series *lateness)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
	    "came_due", (json_int_t)k->came_due, "on_time",
	    (json_int_t)k->on_time, "late", (json_int_t)k->late, "missed",
	    (json_int_t)k->missed, "missed_closed",
	    (json_int_t)k->missed_closed, "paused", (json_int_t)k->paused,
	    "withdrawn", (json_int_t)k->withdrawn, "not_applicable",
	    (json_int_t)k->not_applicable, "running", (json_int_t)k->running,
	    "lateness", record_json_series(lateness));
}

/* The months with deadlines that came due. */
static json_t *
record_json_months(const struct record_ca *c)
{
	json_t *a = json_array();
	char name[16];
	size_t i;

	for (i = 0; i < c->nmonths; i++)
		json_array_append_new(a,
		    json_pack("{s:s,s:I,s:I,s:I}", "month",
			record_month_name(c->months[i].ym, name, sizeof name),
			"on_time", (json_int_t)c->months[i].on_time, "late",
			(json_int_t)c->months[i].late, "missed",
			(json_int_t)c->months[i].missed));
	return a;
}

/* The response-time histogram. */
static json_t *
record_json_hist(const struct record_ca *c)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < RECORD_NBUCKETS; i++)
		json_array_append_new(a,
		    json_pack("{s:s,s:I}", "bucket", record_bucket_names[i],
			"count", (json_int_t)c->response_hist[i]));
	return a;
}

/* One CA's record (or the total, key NULL) as JSON. */
static json_t *
record_json_ca(const struct record_ca *c, int total)
{
	json_t *o, *clocks, *dl;
	long long due = 0, on = 0, late = 0, missed = 0;
	int k;

	clocks = json_object();
	for (k = 0; k < POLICY_NKINDS; k++) {
		json_object_set_new(clocks, policy_clock_kind_name(k),
		    record_json_clock(&c->clocks[k], &c->lateness[k]));
		due += c->clocks[k].came_due;
		on += c->clocks[k].on_time;
		late += c->clocks[k].late;
		missed += c->clocks[k].missed;
	}
	dl = json_pack("{s:I,s:I,s:I,s:I}", "came_due", (json_int_t)due,
	    "on_time", (json_int_t)on, "late", (json_int_t)late, "missed",
	    (json_int_t)missed);
	o = json_object();
	json_object_set_new(o, "ca",
	    total ? json_null() : report_json_text(c->name, report_clean));
	json_object_set_new(
	    o, "key", total ? json_null() : json_string(c->key));
	json_object_set_new(o, "incidents",
	    json_pack("{s:I,s:I,s:I,s:I,s:o,s:o}", "filed",
		(json_int_t)c->filed, "self_reported",
		(json_int_t)c->self_reported, "third_party",
		(json_int_t)c->third_party, "open", (json_int_t)c->open,
		"oldest_open", report_json_time(c->oldest_open),
		"oldest_open_bug",
		c->oldest_open_bug != 0 ? json_integer(c->oldest_open_bug)
					: json_null()));
	json_object_set_new(o, "deadlines", dl);
	json_object_set_new(o, "clocks", clocks);
	json_object_set_new(
	    o, "response_time", record_json_series(&c->response));
	json_object_set_new(o, "full_report_days",
	    c->full_report.n == 0
		? json_pack("{s:i,s:n}", "n", 0, "median")
		: json_pack("{s:I,s:f}", "n", (json_int_t)c->full_report.n,
		      "median",
		      (double)record_quantile(&c->full_report, 0.5) / DAY));
	json_object_set_new(o, "months", record_json_months(c));
	json_object_set_new(o, "response_histogram", record_json_hist(c));
	json_object_set_new(o, "action_items",
	    json_pack("{s:I,s:I,s:I}", "due", (json_int_t)c->items_due,
		"on_time", (json_int_t)c->items_on_time, "slipped",
		(json_int_t)c->items_slipped));
	return o;
}

/* The record as JSON. */
json_t *
record_json(const struct record *r)
{
	json_t *o, *cas;
	size_t i;

	cas = json_array();
	for (i = 0; i < r->ncas; i++)
		json_array_append_new(cas, record_json_ca(&r->cas[i], 0));
	o = json_object();
	json_object_set_new(o, "schema", json_string("ccwatch.track-record/1"));
	json_object_set_new(
	    o, "generated_at", report_json_time(r->generated_at));
	json_object_set_new(o, "since", report_json_time(r->since));
	json_object_set_new(o, "until", report_json_time(r->until));
	json_object_set_new(o, "cas", cas);
	json_object_set_new(o, "total", record_json_ca(&r->total, 1));
	return o;
}

/* Write s as one CSV field: quoted, quotes doubled, no formula start. */
static void
record_csv_field(FILE *f, const char *s)
{
	char *clean = report_clean(s);
	const char *p;

	(void)fputc('"', f);
	if (strchr("=+-@", *clean) != NULL && *clean != '\0')
		(void)fputc('\'', f);
	for (p = clean; *p != '\0'; p++) {
		if (*p == '"')
			(void)fputc('"', f);
		(void)fputc(*p, f);
	}
	(void)fputc('"', f);
	free(clean);
}

/* The CSV rows of one CA (or the total). */
static void
record_csv_ca(FILE *f, const struct record_ca *c, int total)
{
	const struct record_clock_stats *k;
	int i;

	for (i = 0; i < POLICY_NKINDS; i++) {
		k = &c->clocks[i];
		record_csv_field(f, total ? "" : c->name);
		(void)fputc(',', f);
		record_csv_field(f, total ? "" : c->key);
		(void)fprintf(f,
		    ",%s,%d,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld",
		    policy_clock_kind_name(i), total, k->came_due, k->on_time,
		    k->late, k->missed, k->missed_closed, k->paused,
		    k->withdrawn, k->not_applicable, k->running);
		if (c->lateness[i].n > 0)
			(void)fprintf(f, ",%lld,%lld\n",
			    record_quantile(&c->lateness[i], 0.5),
			    record_quantile(&c->lateness[i], 0.9));
		else
			(void)fprintf(f, ",,\n");
	}
}

/* The record as CSV. */
void
record_write_csv(const struct record *r, FILE *f)
{
	size_t i;

	(void)fprintf(f,
	    "ca,key,clock,total,came_due,on_time,late,missed,"
	    "missed_closed,paused,withdrawn,not_applicable,"
	    "running,late_median_seconds,late_p90_seconds\n");
	for (i = 0; i < r->ncas; i++)
		record_csv_ca(f, &r->cas[i], 0);
	record_csv_ca(f, &r->total, 1);
}

/* "n/d (p%)" into buf: a rate always with its counts; "-" for none. */
static const char *
record_rate(long long n, long long d, char *buf, size_t size)
{
	if (d == 0)
		(void)snprintf(buf, size, "-");
	else
		(void)snprintf(buf, size, "%lld/%lld (%lld%%)", n, d,
		    (n * 100 + d / 2) / d);
	return buf;
}

/* A duration for a person: "3d 4h", "5h", "12m"; "-" when n is 0. */
static const char *
record_span(const struct record_series *s, double q, char *buf, size_t size)
{
	long long v;

	if (s->n == 0) {
		(void)snprintf(buf, size, "-");
		return buf;
	}
	v = record_quantile(s, q);
	if (v >= DAY)
		(void)snprintf(
		    buf, size, "%lldd %lldh", v / DAY, v % DAY / 3600);
	else if (v >= 3600)
		(void)snprintf(buf, size, "%lldh", v / 3600);
	else
		(void)snprintf(buf, size, "%lldm", v / 60);
	return buf;
}

/* One line of the table. */
static void
record_table_line(FILE *f, const struct record_ca *c)
{
	char name[29], on[64], late[64], miss[64], r50[32], r90[32], fr[32];
	long long due = record_came_due(c), ok = 0, lt = 0, ms = 0;
	char *clean = report_clean(c->name);
	int k;

	for (k = 0; k < POLICY_NKINDS; k++) {
		ok += c->clocks[k].on_time;
		lt += c->clocks[k].late;
		ms += c->clocks[k].missed;
	}
	(void)snprintf(name, sizeof name, "%s", clean);
	free(clean);
	(void)fprintf(f,
	    "%-28s %5lld %4lld/%-4lld %4lld %6lld %-16s %-16s %-16s "
	    "%-8s %-8s %s\n",
	    name, c->filed, c->self_reported, c->third_party, c->open, due,
	    record_rate(ok, due, on, sizeof on),
	    record_rate(lt, due, late, sizeof late),
	    record_rate(ms, due, miss, sizeof miss),
	    record_span(&c->response, 0.5, r50, sizeof r50),
	    record_span(&c->response, 0.9, r90, sizeof r90),
	    record_span(&c->full_report, 0.5, fr, sizeof fr));
}

/* The table of the record: one line a CA, the total, then by clock. */
void
record_write_table(const struct record *r, FILE *f)
{
	const struct record_clock_stats *k;
	char from[TIMEUTIL_ISO_LEN], to[TIMEUTIL_ISO_LEN], on[64], lt[64],
	    ms[64], m50[32], m90[32];
	size_t i;
	int j;

	(void)fprintf(f, "Track record %s to %s\n",
	    r->since != 0 ? timeutil_format_iso(r->since, from) : "the start",
	    timeutil_format_iso(r->until, to));
	(void)fprintf(f,
	    "%-28s %5s %9s %4s %6s %-16s %-16s %-16s %-8s %-8s %s\n", "CA",
	    "FILED", "SELF/3RD", "OPEN", "DUE", "ON TIME", "LATE", "MISSED",
	    "ANSWER50", "ANSWER90", "REPORT50");
	for (i = 0; i < r->ncas; i++)
		record_table_line(f, &r->cas[i]);
	record_table_line(f, &r->total);
	(void)fprintf(f, "\n%-18s %6s %-16s %-16s %-16s %-8s %-8s %s\n",
	    "CLOCK", "DUE", "ON TIME", "LATE", "MISSED", "LATE50", "LATE90",
	    "PAUSED/WITHDRAWN/N.A.");
	for (j = 0; j < POLICY_NKINDS; j++) {
		k = &r->total.clocks[j];
		(void)fprintf(f,
		    "%-18s %6lld %-16s %-16s %-16s %-8s %-8s "
		    "%lld/%lld/%lld\n",
		    policy_clock_kind_name(j), k->came_due,
		    record_rate(k->on_time, k->came_due, on, sizeof on),
		    record_rate(k->late, k->came_due, lt, sizeof lt),
		    record_rate(k->missed, k->came_due, ms, sizeof ms),
		    record_span(&r->total.lateness[j], 0.5, m50, sizeof m50),
		    record_span(&r->total.lateness[j], 0.9, m90, sizeof m90),
		    k->paused, k->withdrawn, k->not_applicable);
	}
	(void)fprintf(f, "action items: %lld due, %s on time, %lld slipped\n",
	    r->total.items_due,
	    record_rate(
		r->total.items_on_time, r->total.items_due, on, sizeof on),
	    r->total.items_slipped);
}

/* The CA table of a store's outcomes: configured CAs, spellings counted. */
void
record_ca_table(const struct people *p, const struct outcome_list *l,
    struct caname_table *t)
{
	size_t i;

	caname_table_init(t);
	people_ca_names(p, t);
	for (i = 0; i < l->n; i++) {
		if (!l->v[i].restricted && l->v[i].ca != NULL)
			caname_table_count(t, l->v[i].ca);
	}
}
