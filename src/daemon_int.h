/*
 * The daemon's insides, shared by daemon.c (its life: setup, signals,
 * reload) and daemon_cycle.c (the cycle's steps), and the seam through
 * which tests/check_daemon.c drives the steps without a network.
 */
#ifndef DAEMON_INT_H
#define DAEMON_INT_H

#include <stdint.h>

#include <systemd/sd-event.h>

#include "alerts.h"
#include "backfill.h"
#include "bugzilla.h"
#include "config.h"
#include "daemon.h"
#include "feed.h"
#include "http.h"
#include "httpd.h"
#include "report.h"
#include "store.h"
#include "sync.h"

/* Seconds a quiet daemon keeps its track record (docs/track-record.md). */
#define DAEMON_TRACK_EVERY 3600

/*
 * Seconds a stop waits for the sends in flight to end (and be marked)
 * before it cancels them: a webhook's or a mail's answer comes in well
 * under this on a working receiver, and it stays far below systemd's
 * TimeoutStopSec (30 s in systemd/ccwatchd.service.in).
 */
#define DAEMON_STOP_GRACE 5

/* Where a cycle is (docs/internals/loop.md). */
enum daemon_state {
	DAEMON_IDLE,
	DAEMON_SYNC,
	DAEMON_EVALUATE,
	DAEMON_DELIVER,
	DAEMON_FEED
};

struct daemon;

/*
 * The sync step, replaceable by a test: start a cycle that calls
 * daemon_synced when it ends (NULL with *cause when it cannot start), and
 * cancel it.
 */
struct daemon_seam {
	void *(*sync_start)(struct daemon *, char **cause);
	void (*sync_cancel)(struct daemon *, void *cycle);
};

/* What the cycles did, for the log, the metrics and the tests. */
struct daemon_counts {
	unsigned long cycles;      /* cycles ended */
	unsigned long evaluations; /* report loads: one per cycle at most */
	unsigned long reloads;     /* configurations applied */
	unsigned long resets;      /* cursors reset by a reload */
};

struct daemon {
	const char *conf_path;
	struct config *conf;
	struct store *store;
	sd_event *event;
	struct http *http; /* the one transport, on event */
	struct bugzilla *bz;
	struct alerts *alerts;
	struct httpd *httpd; /* NULL without [feed] listen */
	sd_event_source *timer;
	sd_event_source *step; /* the next step, deferred */
	enum daemon_state state;
	int failures;
	uint64_t not_before; /* CLOCK_MONOTONIC usec: Bugzilla's Retry-After */
	struct daemon_outage outage; /* for "Bugzilla reachable again" */
	int first;                   /* the next cycle is a full resync */
	int reload_pending;          /* SIGHUP during a cycle */
	int poll_pending;            /* SIGUSR1 during a cycle */
	int stopping;
	sd_event_source *grace; /* a stop's wait for the sends in flight */
	int drain_waited;       /* the sends in flight when it began */
	void *sync;             /* the sync step in flight */
	struct alerts_delivery *delivery; /* the delivery step in flight */
	struct alerts_stats astats;
	struct feed_snap *snap; /* this cycle's feed, for files and httpd */
	size_t open_bugs, overdue, due_soon; /* this cycle's STATUS= */
	int evaluated; /* this cycle's evaluation succeeded */
	struct feed_counters counters;
	struct daemon_counts counts;
	struct daemon_seam seam;
	struct backfill *backfill;    /* [daemon] backfill, while it runs */
	struct bugzilla *backfill_bz; /* its own client, on http */
	int backfill_ran;             /* finished (or cannot start) */
	struct feed_track *track;     /* the last track record loaded */
	time_t track_at;              /* when */
	int track_stale;              /* bugs or the configuration changed */
};

/* Build a daemon around a configuration (taken over) on loop event. */
struct daemon *daemon_new(
    const char *conf_path, struct config *, sd_event *event, char **cause);
/* Cancel every step and free; accepts NULL. */
void daemon_free(struct daemon *);
/* Start a cycle now, if none runs. */
void daemon_cycle_start(struct daemon *);
/* The sync step ended (the real one, or a test's). */
void daemon_synced(
    struct daemon *, int rc, const struct sync_stats *, const char *cause);
/* SIGTERM: cancel every step; the store stays consistent. */
void daemon_stop(struct daemon *);
/* End a stop: cancel what is left, log the sends waited for, exit. */
void daemon_stopped(struct daemon *, const char *why);
/* SIGHUP: reload now when idle, else when the cycle ends. */
void daemon_reload(struct daemon *);
/* SIGUSR1: poll now, or once the cycle ends. */
void daemon_poll(struct daemon *);
/* Apply a new configuration (taken over); see daemon_reload. */
int daemon_apply(struct daemon *, struct config *, char **cause);
/*
 * Bugzilla answered bz's failed call with a Retry-After: no cycle starts
 * and the backfill sends nothing before it has passed, at most [daemon]
 * backoff_max from now.  Logged once.
 */
void daemon_hold(struct daemon *, const struct bugzilla *bz);
/* 1 while the backfill (of daemon arg) may send nothing; see daemon_hold. */
int daemon_backfill_hold(void *arg);
/* Arm the poll timer delay seconds from now; fatal if it cannot. */
void daemon_arm(struct daemon *, uint64_t delay_usec);
/* Send the one-line STATUS= of the last evaluation. */
void daemon_status(struct daemon *);
/*
 * daemon_backfill.c: start the backfill when [daemon] backfill asks for it
 * and it has not run (after a good cycle, the daemon idle), and stop it.
 */
void daemon_backfill_kick(struct daemon *);
void daemon_backfill_stop(struct daemon *);

#endif
