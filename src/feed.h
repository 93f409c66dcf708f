/*
 * The oversight feed: one report of the store (see report.h) with what a
 * dashboard needs besides, rendered four ways: the JSON feed of
 * docs/feed.md ("ccwatch.feed/2", a superset of "status --json"), an
 * iCalendar of the deadlines (RFC 5545), the Prometheus text format and a
 * self-contained HTML page.  Loading reads the store and applies the privacy
 * rule; every renderer is pure and allocates its result.
 */
#ifndef FEED_H
#define FEED_H

#include <stdint.h>
#include <time.h>

#include "people.h"
#include "policy.h"
#include "report.h"
#include "store.h"

/* The "schema" member of feed.json. */
#define FEED_SCHEMA "ccwatch.feed/2"
/* The previous version, still written and served for one release. */
#define FEED_SCHEMA_V1 "ccwatch.feed/1"

/* How a feed is loaded. */
struct feed_options {
	/*
	 * 0: restricted bugs (non-empty groups) and private comments are
	 * left out, with every clock and question they started.
	 */
	int include_restricted;
	const char *source; /* the Bugzilla URL; NULL: the policy base URL */
	long stale_after;   /* seconds after which the data is stale */
};

/* Extra facts of one bug of the feed, index for index with its report. */
struct feed_bug {
	char *assignee;         /* NULL when not known */
	time_t last_ca_comment; /* last public CA-side comment; 0 none */
	int64_t comments;       /* public comments stored */
	/*
	 * The operator's holds on the bug, one line each, plain text:
	 * "snoozed until T: why" (why only where the feed shows private
	 * data), "acknowledged: clock (STATE level N) at T".
	 */
	struct strlist holds;
};

struct feed {
	struct report report; /* bugs kept, sorted most urgent first */
	struct feed_bug *extra;
	char *source;
	long stale_after;
	time_t last_attempt;       /* the store's last tried cycle; 0 never */
	char *last_error;          /* of the last failed cycle, or NULL */
	long long bugs_tracked;    /* stored bugs a reader may see */
	long long bugs_open;       /* ... of them open */
	long long hidden_bugs;     /* restricted bugs left out */
	long long hidden_comments; /* private comments left out */
	int private_data;          /* include_restricted: may hold them */
	/* The track record (feed_track_load), or NULL; the feed frees it. */
	struct feed_track *track;
};

/* Channels the metrics show, and the longest name kept. */
#define FEED_MAX_CHANNELS 16
#define FEED_CHANNEL_NAME 64

/*
 * Process counters of the daemon for the metrics; a field that is -1 is
 * not known (as in "ccwatch feed") and its metric is left out.
 */
struct feed_counters {
	long long cycles_ok;
	long long cycles_failed;
	long long requests;      /* to Bugzilla, over every cycle */
	long long http_requests; /* served by the httpd */
	long long evaluations;   /* of every stored bug: one a cycle */
	/* Bugzilla's clock minus ours at the last good cycle, if have_skew. */
	int have_skew;
	long long clock_skew;
	/*
	 * The alerts outbox: have_outbox is 0 until an alerts module fills
	 * depth and dead letters; its metrics are left out until then.
	 */
	int have_outbox;
	/* The store's reserve: 1 in place, 0 spent (disk full), -1 none. */
	int store_reserve;
	long long outbox_depth;
	long long dead_letters;
	/* Per channel (the first FEED_MAX_CHANNELS by name); copied by value.
	 */
	struct feed_channel {
		char name[FEED_CHANNEL_NAME];
		long long pending; /* waiting, not held */
		long long held;    /* waiting for quiet hours to end */
		long long dead;
		long long last_success; /* unix time, 0 never */
		long long last_failure;
		long long failures; /* consecutive failed attempts */
	} channels[FEED_MAX_CHANNELS];
	size_t nchannels;
};

/* What the page shows: filters and order from the query string. */
struct feed_query {
	char *ca; /* NULL: every CA; else the owner, ignoring case */
	/*
	 * -1: any; else the state of the bug's most urgent clock, counted
	 * 0 overdue, 1 due-soon, 2 ok, 3 paused, 4 met, 5 none (no clock).
	 */
	int state;
	char *sort; /* "urgency" (default), "due", "ca" or "bug" */
};

struct config;

/*
 * The options of a configuration: [feed] include_restricted, the Bugzilla
 * URL as the source (borrowed) and [policy] stale_after.
 */
void feed_options_from_config(struct feed_options *, const struct config *);

/* Counters with every field unknown (-1) and no outbox. */
void feed_counters_init(struct feed_counters *);

/*
 * Load the store's bugs evaluated at as_of into *out: every open bug and
 * every bug with a clock that is not met, restricted bugs and private
 * comments dropped unless opts->include_restricted.  Returns 0 (free *out
 * with feed_free) or -1 with *cause.
 */
int feed_load(struct store *, const struct people *,
    const struct policy_options *, time_t as_of, const struct feed_options *,
    struct feed *out, char **cause);
/* Free what feed_load filled; accepts NULL. */
void feed_free(struct feed *);
/*
 * The feed of a report already evaluated (with filter all, every bug):
 * takes over *r's contents (it is left empty), applies the privacy rule
 * and reads the comments' facts.  Evaluates nothing.  Returns 0 or -1
 * with *cause.
 */
int feed_from_report(struct store *, const struct people *,
    const struct policy_options *, const struct feed_options *,
    struct report *r, struct feed *out, char **cause);

/*
 * An immutable feed shared by reference between the daemon's loop and
 * the HTTP server's thread: made once per cycle, freed by its last user.
 */
struct feed_snap;
/* Wrap f (taken over, left empty) in a snapshot holding one reference. */
struct feed_snap *feed_snap_new(struct feed *f);
/* Take or drop a reference (thread-safe); both accept NULL. */
struct feed_snap *feed_snap_ref(struct feed_snap *);
void feed_snap_unref(struct feed_snap *);
/* The feed of a snapshot, read-only. */
const struct feed *feed_snap_feed(const struct feed_snap *);

/* feed.json (docs/feed.md): allocated, indented, with a final newline. */
char *feed_to_json(const struct feed *);
/*
 * feed-v1.json: the same feed in "ccwatch.feed/1", as it was before the
 * action items: no action-item clock, no action_items, ready_for_closure,
 * waiting_on_program or clock item, and each bug's state, urgent clock and
 * the counts by state taken over the other clocks.
 */
char *feed_to_json_v1(const struct feed *);
/*
 * deadlines.ics: one VEVENT per running deadline (ok, due-soon, overdue)
 * and one all-day VEVENT per open action item with a due date, of the
 * bugs of CA ca (NULL: all), CRLF line ends, folded at 75 octets.
 */
char *feed_to_ics(const struct feed *, const char *ca);
/* The Prometheus text format (version 0.0.4); counters may be NULL. */
char *feed_to_prom(const struct feed *, const struct feed_counters *);
/* The dashboard page for query q (NULL: everything, most urgent first). */
char *feed_to_html(const struct feed *, const struct feed_query *q);

/*
 * Set member name ("ca", "state", "sort") of q from a decoded value
 * (unknown names and values ignored); q starts zeroed with state -1.
 */
void feed_query_set(struct feed_query *, const char *name, const char *value);
/* Free what a query holds. */
void feed_query_free(struct feed_query *);

/* Text escapers, exposed for tests: RFC 5545 TEXT ("\\ \; \, \n"). */
char *feed_ics_escape(const char *s);
/* Fold one content line (without its CRLF) at 75 octets, adding CRLFs. */
char *feed_ics_fold(const char *line);
/* HTML text and attribute values: & < > " ' as entities. */
char *feed_html_escape(const char *s);

/*
 * Write data to path atomically: a temporary file beside it, fsync,
 * rename.  The file is 0644 when it holds public data only, 0640 when
 * private is set (include_restricted).  Returns 0 or -1 with *cause; no
 * temporary file is left.
 */
int feed_write_file(
    const char *path, const char *data, size_t len, int private, char **cause);
/*
 * Write feed.json, feed-v1.json, deadlines.ics, metrics.prom and
 * index.html into dir.
 * Returns 0 or -1 with *cause (files written before a failure stay).
 */
int feed_write_dir(const struct feed *, const struct feed_counters *,
    const char *dir, char **cause);

/*
 * The track record in the feed (feed_track.c, docs/track-record.md): every
 * CA's record up to now (past: as of now, computed in memory; else through
 * the store's outcome cache), restricted bugs only with include_restricted.
 * Returns 0 with *out (free it with feed_track_free, or hand it to a feed's
 * track), or -1 with *cause.
 */
struct feed_track;
int feed_track_load(struct store *, const struct people *,
    const struct policy_options *, const struct feed_options *, time_t now,
    int past, struct feed_track **out, char **cause);
/*
 * A track record is immutable once loaded and counted: feed_track_ref takes
 * a reference (the daemon keeps one across quiet cycles while each
 * snapshot holds its own), feed_track_free drops one; the last frees it.
 */
struct feed_track *feed_track_ref(struct feed_track *);
void feed_track_free(struct feed_track *);
/* track-record.json (allocated). */
char *feed_track_json(const struct feed_track *);
/*
 * track-record.html (allocated): every CA, or the one keyed ca; its links
 * to each CA are ?ca=KEY when served, the files on disk otherwise.
 */
char *feed_track_html(const struct feed_track *, const char *ca, int served);
/* The file name of a CA's page on disk (allocated). */
char *feed_track_file(const char *key);
/*
 * Write track-record.json, track-record.html and each CA's page into dir
 * when the feed has a track record.
 */
int feed_track_write_dir(const struct feed *, const char *dir, char **cause);

#endif
