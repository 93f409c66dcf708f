/*
 * The configuration file: INI read with libinih, every directive checked
 * against a table of types, bounds and defaults, every error reported as
 * "file:line: message".  Secrets are read from files named in the INI (or
 * from systemd credentials), never written in it.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include "alerts.h"
#include "model.h"
#include "people.h"
#include "policy.h"

struct config {
	char *path;       /* the file read, or NULL for defaults */
	int skip_secrets; /* CONFIG_NO_SECRETS was given */

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
	long long retries; /* extra attempts after a retryable failure */

	/* [store] */
	char *store_path;

	/* [daemon] */
	long long poll_interval; /* seconds between cycles */
	long long poll_jitter;   /* +- percent of the interval */
	long long backoff_max;   /* ceiling of the delay after failures */
	long long full_every;    /* seconds between full resyncs */

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
	 */
	struct policy_options policy;
	long long warn_window_hours;
	char *date_zone;
	struct zone *date_zone_loaded;
	char *policy_base_url;
	long long stale_after; /* seconds; set from poll_interval if 0 */

	/*
	 * [alerts], [route "NAME"] and [channel "NAME"]: what is sent where
	 * (see alerts.h); the channels' secrets are read at load.
	 */
	struct alerts_config alerts;

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
	long long feed_cache_ttl;
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
 * (their names are still checked), for commands that only read the store.
 */
#define CONFIG_NO_SECRETS 0x1
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

#endif
