/*
 * The track record: the outcome of every clock instance of every stored
 * bug (record.c), computed by the policy engine from the stored events and
 * cached in the store, and the record of each CA made from them
 * (record_report.c): counts, lateness, response times, as a table, JSON or
 * CSV (docs/track-record.md).
 */
#ifndef RECORD_H
#define RECORD_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>

#include "caname.h"
#include "people.h"
#include "policy.h"
#include "store.h"
#include "store_record.h"

/*
 * The outcomes of one bug's clock instances as of now, by policy_eval
 * alone: the bug at the end of its last open period (the moment before it
 * was resolved, or now) for the report, response and action-item clocks,
 * and, for the update clocks, the moment before each CA-side comment that
 * restarted one and before each resolution.  Fills *out (the stamp
 * excepted), which the caller frees with outcome_bug_free.
 */
void record_bug_outcomes(const struct bug *, const struct comment_list *,
    const struct history_list *, const struct people *,
    const struct policy_options *, time_t now, struct outcome_bug *out);

/*
 * What every outcome depends on besides the bug's events (allocated): the
 * ccwatch version, the pin, the date zone, the program's wait, the people.
 */
char *record_fingerprint(const struct people *, const struct policy_options *);

/*
 * Bring the store's cache up to date as of now (every bug when the
 * fingerprint changed, else the bugs whose events changed and the open
 * ones computed more than max_age seconds ago; 0: every open one) and load
 * every bug's outcomes into *out.  A read-only store is left as it is and
 * the stale bugs computed in memory.  *recomputed (may be NULL) is how
 * many bugs were evaluated.
 */
int record_refresh(struct store *, const struct people *,
    const struct policy_options *, time_t now, long max_age,
    struct outcome_list *out, size_t *recomputed, char **cause);

/*
 * Every stored bug's outcomes as of a past moment (status --as-of's
 * evaluation), computed into *out and cached nowhere.
 */
int record_compute_at(struct store *, const struct people *,
    const struct policy_options *, time_t as_of, struct outcome_list *out,
    char **cause);

/* Which part of the record to make. */
struct record_filter {
	time_t since;   /* deadlines due (and bugs filed) at or after; 0 any */
	time_t until;   /* ... at or before; 0: now */
	const char *ca; /* NULL: every CA; else a CA by any spelling */
	/*
	 * 0: restricted bugs are left out, and so are the action-item
	 * deadlines of bugs with private comments (a plan may live there).
	 */
	int include_restricted;
};

/* Counts of one clock kind's deadlines. */
struct record_clock_stats {
	long long came_due; /* on_time + late + missed */
	long long on_time;
	long long late;
	long long missed;
	long long missed_closed; /* of missed: the bug closed overdue */
	long long paused;
	long long withdrawn;
	long long not_applicable;
	long long running;
};

/* A list of durations (seconds), sorted once complete. */
struct record_series {
	long long *v;
	size_t n;
};

/* Deadlines of one month (by due time, UTC) that came due. */
struct record_month {
	int ym; /* year * 12 + month - 1 */
	long long on_time;
	long long late;
	long long missed;
};

/* The buckets of the response-time histogram: < 1, 3, 7, 14, 30 days, more. */
#define RECORD_NBUCKETS 6
/* The name of bucket i ("<1d", "1-3d", ... ">30d"). */
const char *record_bucket_name(int i);

/* One CA's record, or the total. */
struct record_ca {
	char *key;  /* caname key; "" for bugs with no CA; NULL: total */
	char *name; /* as shown */
	long long filed;
	long long self_reported;
	long long third_party;
	long long open;
	time_t oldest_open; /* filing time of the oldest open bug; 0 none */
	int64_t oldest_open_bug;
	struct record_clock_stats clocks[POLICY_NKINDS];
	struct record_series lateness[POLICY_NKINDS];
	struct record_series response;    /* question answered after */
	struct record_series full_report; /* bug filed to full report */
	long long items_due;
	long long items_on_time;
	long long items_slipped;     /* late or missed */
	long long missed;            /* every kind */
	struct record_month *months; /* ascending, only months with some */
	size_t nmonths;
	long long response_hist[RECORD_NBUCKETS]; /* answered questions */
};

struct record {
	time_t generated_at;
	time_t since;
	time_t until;
	struct record_ca *cas; /* sorted by missed, most first */
	size_t ncas;
	struct record_ca total;
};

/*
 * Make the record of the outcomes in list (record_refresh) for the filter:
 * each CA (grouped by caname key, shown by the table's spelling) and the
 * total.  The total's counts are the sums of the CAs'.
 */
void record_make(const struct outcome_list *, const struct caname_table *,
    const struct record_filter *, time_t now, struct record *out);
void record_free(struct record *);

/* The month of ym as "YYYY-MM" into buf (8 bytes). */
const char *record_month_name(int ym, char *buf, size_t size);
/* The counts of month ym of a CA (zeros when it has none). */
struct record_month record_month_of(const struct record_ca *, int ym);
/* The month (year * 12 + month - 1) of t, UTC. */
int record_month_at(time_t t);

/* The value at fraction q (0.5, 0.9) of a sorted series, nearest rank. */
long long record_quantile(const struct record_series *, double q);
/* The JSON of docs/track-record.md (a new reference). */
json_t *record_json(const struct record *);
/* The CSV: one row per CA (and the total) and clock kind. */
void record_write_csv(const struct record *, FILE *);
/* The table for a terminal. */
void record_write_table(const struct record *, FILE *);
/*
 * The CAs of the outcomes: the configured ones with their aliases, the
 * others by their (unrestricted) bugs' spellings; t need not be
 * initialised, free it with caname_table_free.
 */
void record_ca_table(
    const struct people *, const struct outcome_list *, struct caname_table *t);

#endif
