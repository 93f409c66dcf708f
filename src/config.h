/*
 * The configuration file: INI read with libinih, every directive checked
 * against a table of types, bounds and defaults, every error reported as
 * "file:line: message".  Secrets are read from files named in the INI (or
 * from systemd credentials), never written in it.
 *
 * The configuration is plain data, one group of fields per section.  It
 * sits below every module that talks to the outside world, so it includes
 * only the data it is made of (model, people and policy options); each of
 * those modules converts its section into its own options in one function
 * (bugzilla_options_from_config, feed_options_from_config, ...), and the
 * alerts module takes [alerts], [route] and [channel] as they are here.
 *
 * The module's files: config.c the line reader and the entry points,
 * config_table.c the directive table, config_value.c the typed values and
 * the secret files, config_check.c the checks that relate directives.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

#include "model.h"
#include "people.h"
#include "policy.h"

/* Most steps of an escalation ladder. */
#define CONFIG_MAX_LADDER 8

/* One step of the ladder: overdue for at least after seconds is level. */
struct config_step {
	long long after;
	int level;
};

/* [route "NAME"]: which alerts go to which channels, and how. */
struct config_route {
	char *name;
	struct strlist cas;      /* [ca] names (or owners); empty: any */
	struct strlist clocks;   /* clock kinds; empty: any */
	struct strlist states;   /* due-soon, overdue, met; empty: all */
	long long min_level;     /* level >= N */
	struct strlist channels; /* [channel] names */
	char *quiet_hours;       /* "22:00-07:00" as written, or NULL */
	int quiet_start;         /* minutes after local midnight; -1: none */
	int quiet_end;
	char *timezone;    /* NULL or "UTC": UTC; "+HH:MM"; an IANA name */
	char *digest_at;   /* "08:00" as written, or NULL */
	int digest_min;    /* minutes after local midnight; -1: no digest */
	long long repeat;  /* seconds between repeats while overdue; 0: none */
	int private_data;  /* 1: may show a restricted bug's text */
	int line;          /* of the [route] header, for messages; 0: none */
	int channels_line; /* of its channels directive; 0: none */
	int program;       /* waiting = program: the root program's queue */
	char *waiting;     /* "ca" or "program" as written, or NULL (ca) */
	char *notify_met;  /* "always", "after-overdue", "never" as written */
	int met;           /* CONFIG_MET_* of notify_met */
};

/* Which met alerts a route hears ([route] notify_met). */
enum {
	CONFIG_MET_AFTER_OVERDUE = 0, /* the default */
	CONFIG_MET_ALWAYS,
	CONFIG_MET_NEVER
};

/* [channel "NAME"]: a notify channel's settings, secrets read already. */
struct config_channel {
	char *name;
	char *type; /* smtp, slack, webhook */
	char *url;  /* smtp and webhook */
	char *from;
	struct strlist to;
	int require_starttls;
	char *username;
	char *password_file;
	char *password; /* secret */
	char *ca_file;
	char *webhook_url_file; /* slack */
	char *webhook_url;      /* secret */
	char *secret_file;      /* webhook */
	char *secret;           /* secret */
	int private_data;       /* slack */
	long long timeout;
	long long max_per_second; /* sends a second; 0: unpaced */
};

/* [alerts], the routes and the channels. */
struct config_alerts {
	int dry_run;             /* log what would be sent, send nothing */
	long long max_per_cycle; /* per route and channel; 0: no cap */
	long long max_age;       /* seconds before a delivery is dead */
	long long backoff_base;  /* first retry delay, seconds */
	long long backoff_max;
	char *escalation; /* "0h:1, 24h:2, 72h:3" as written */
	struct config_step ladder[CONFIG_MAX_LADDER];
	size_t nladder;
	struct config_route *routes;
	size_t nroutes;
	struct config_channel *channels;
	size_t nchannels;
	char *public_url; /* [feed] public_url: the dashboard, or NULL */
	/* ccwatch check: WARNING from so many failures, CRITICAL dead. */
	long long check_failures; /* a channel's failures in a row; 0 off */
	long long check_dead;     /* dead letters; 0 off */
};

struct config {
	char *path;       /* the file read, or NULL for defaults */
	int skip_secrets; /* CONFIG_NO_SECRETS was given */
	int check_disk;   /* CONFIG_DAEMON was given */

	/* [bugzilla] */
	char *url; /* base URL, no trailing slash, no /rest */
	char *api_key_file;
	char *api_key;             /* secret: the file's content, or NULL */
	struct strlist products;   /* default "CA Program", "NSS" */
	struct strlist components; /* default "CA Certificate Compliance" */
	char *ca_file;             /* NULL: the system's trust store */
	long long page_size;       /* search limit per page */
	long long timeout;         /* seconds for one whole request */
	long long connect_timeout;
	long long retries;        /* extra attempts after a retryable failure */
	long long max_clock_skew; /* seconds db_time may run ahead */

	/* [store] */
	char *store_path;
	int store_shared_group; /* accept a store of another user, our group */
	long long store_reserve_kib; /* the store's reserve; 0: none */

	/* [daemon] */
	long long poll_interval;  /* seconds between cycles */
	long long poll_jitter;    /* +- percent of the interval */
	long long backoff_max;    /* ceiling of the delay after failures */
	long long full_every;     /* seconds between full resyncs */
	int backfill;             /* run the backfill once, in the background */
	long long backfill_pause; /* milliseconds between its requests */

	/*
	 * [people], [ca "NAME"], [override "LOGIN"]: who is who.  The lists
	 * of [people] replace POLICY.md's defaults; the extra_* lists add to
	 * them.  people.self is the daemon's own account.
	 */
	struct people people;
	struct strlist extra_program_domains;
	struct strlist extra_bot_accounts;
	struct strlist extra_public_domains;

	/*
	 * [policy].  policy.base_url points at policy_base_url, or at url
	 * when that is not set; policy.warn_window is warn_window_hours in
	 * seconds; policy.zone is date_zone_loaded, the zone date_zone names.
	 * policy.not_questions is left empty: the store holds them.
	 * policy.program_wait is program_wait.
	 */
	struct policy_options policy;
	long long warn_window_hours;
	long long program_wait;
	char *date_zone;
	struct zone *date_zone_loaded;
	char *policy_base_url;
	long long stale_after; /* seconds; set from poll_interval if 0 */

	/*
	 * [alerts], [route "NAME"] and [channel "NAME"]: what is sent where
	 * (see alerts.h); the channels' secrets are read at load.
	 */
	struct config_alerts alerts;

	/*
	 * [feed]: the oversight feed.  feed_listen NULL: no HTTP server (a
	 * bare port means 127.0.0.1:PORT); feed_directory NULL: no files.
	 */
	char *feed_listen;
	char *feed_token_file;
	char *feed_token; /* secret: the file's content, or NULL */
	char *feed_directory;
	int feed_include_restricted;
	char *feed_ics_ca; /* the CA of the written deadlines.ics; NULL all */
	long long feed_connections;
	long long feed_timeout;
};

/* The built-in defaults, as if an empty file had been read. */
struct config *config_default(void);

/*
 * Read and validate path.  Returns the configuration, or NULL with *cause
 * set to every error found, one "file:line: message" per line (allocated).
 */
struct config *config_load(const char *path, char **cause);
/*
 * config_load with flags: CONFIG_NO_SECRETS leaves secret files unread
 * (their names are still checked), for commands that only read the store;
 * CONFIG_DAEMON also checks what the daemon opens on disk, as the user
 * running it: that the store can be opened (or created) for writing and
 * that [feed] directory is a directory it may write into.  ccwatchd (at
 * start, with -n and on reload) and "ccwatch config-check" load so.
 */
#define CONFIG_NO_SECRETS 0x1
#define CONFIG_DAEMON     0x2
struct config *config_load_flags(const char *path, int flags, char **cause);
/* Free a configuration, zeroing its secrets; accepts NULL. */
void config_free(struct config *);

/*
 * Read a secret from a file: refused when the file is group- or
 * world-readable unless it lies under $CREDENTIALS_DIRECTORY; a relative
 * name is looked up in $CREDENTIALS_DIRECTORY.  Trailing newlines are
 * dropped.  Returns 0 with *out allocated, or -1 with *cause.
 */
int config_read_secret(const char *path, char **out, char **cause);

/* Defaults of [alerts]: no routes, 7 days max age, 60 s .. 1 h, one level. */
void config_alerts_init(struct config_alerts *);
/* Free what [alerts] holds (zeroing the secrets) and reset it; accepts NULL. */
void config_alerts_free(struct config_alerts *);
/* Add an empty route or channel named name, with its defaults; returns it. */
struct config_route *config_add_route(struct config_alerts *, const char *name);
struct config_channel *config_add_channel(
    struct config_alerts *, const char *name);
/*
 * Parse an escalation ladder "0h:1, 24h:2" (durations in s, m, h or d,
 * ascending; levels 1..99, ascending) into steps.  0, or -1 with *cause.
 */
int config_parse_ladder(
    const char *, struct config_step *, size_t *n, char **cause);
/* 1 if kind is a clock kind name ("initial-report", ...). */
int config_valid_kind(const char *kind);

/*
 * The directive table, for the documentation's tests: directive i's
 * section, name and default as written in a file (NULL when it has none,
 * or when it is derived at load, as [people]'s lists and stale_after are),
 * and, for an older name of a directive, that directive's name (else
 * NULL).  Returns 0, or -1 past the last directive.
 */
int config_directive_at(size_t i, const char **section, const char **name,
    const char **dflt, const char **alias_of);

#endif
