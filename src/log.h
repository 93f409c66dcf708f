/*
 * Logging in the OpenBSD manner: log_warn appends strerror(errno), log_warnx
 * does not, fatal and fatalx exit.  Lines go to the journal when stderr is
 * connected to it (JOURNAL_STREAM), to stderr otherwise.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <syslog.h>

#include "ccwatch.h"

/* Receives each formatted line; for tests and for the CLI's progress display.
 */
typedef void (*log_sink_cb)(int prio, const char *line, void *arg);

/* Set up logging: foreground forces stderr, verbose enables debug lines. */
void log_init(int foreground, int verbose, const char *progname);
void log_set_verbose(int);
int log_get_verbose(void);
/* Route every line to cb instead (NULL restores the default backend). */
void log_set_sink(log_sink_cb cb, void *arg);
/* 1 when lines go to the journal, 0 for stderr. */
int log_to_journal(void);
/*
 * 1: start each line written to stderr with the UTC time, as
 * "2026-03-14T09:26:53Z ccwatchd: ..." (the daemon's log for people; the
 * journal stamps its own).  0, the default: no time.
 */
void log_set_timestamps(int on);

void log_warn(const char *, ...) CCWATCH_PRINTF(1, 2);
void log_warnx(const char *, ...) CCWATCH_PRINTF(1, 2);
void log_info(const char *, ...) CCWATCH_PRINTF(1, 2);
void log_debug_(const char *, ...) CCWATCH_PRINTF(1, 2);
void fatal(const char *, ...) CCWATCH_PRINTF(1, 2) CCWATCH_NORETURN;
void fatalx(const char *, ...) CCWATCH_PRINTF(1, 2) CCWATCH_NORETURN;

/* Debug lines cost nothing, arguments included, when verbose is off. */
#define log_debug(...)                                                         \
	do {                                                                   \
		if (log_get_verbose())                                         \
			log_debug_(__VA_ARGS__);                               \
	} while (0)

/*
 * Journal MESSAGE_IDs, one per kind of event, so that an operator can
 * follow one kind with "journalctl MESSAGE_ID=...".
 */
#define LOG_MSG_STARTED       "766e5509940247dd8a17e6b375164085"
#define LOG_MSG_STOPPING      "2893a10629324407aba1827018a5d236"
#define LOG_MSG_RELOADED      "5aad95f04df942bc8da5f104993e8ad9"
#define LOG_MSG_RELOAD_FAILED "86625986b5d24c788ac36cd49e60ce83"
#define LOG_MSG_SYNC_OK       "ff1e76c33ad44fa7942bdfc576ef300c"
#define LOG_MSG_SYNC_FAILED   "5346f515d329495797b294364ed3e0cc"
#define LOG_MSG_ALERT         "779734b1164c44edbf08fca8e8399145"
#define LOG_MSG_DELIVERY      "b89c1607990e43bf918adba7aa3b4d45"
#define LOG_MSG_REACHABLE     "a3b42f1c1b5e4cacbb49fa6dbf1a09c6"

/* The structured fields of one event; NULL or 0 leaves a field out. */
struct log_fields {
	const char *message_id; /* MESSAGE_ID= */
	const char *event;      /* CCWATCH_EVENT=, e.g. "sync-ok" */
	long long bug;          /* CCWATCH_BUG= */
	const char *clock;      /* CCWATCH_CLOCK=, e.g. "full-report" */
};

/*
 * Log an event at prio.  In the journal the fields become MESSAGE_ID=,
 * CCWATCH_EVENT=, CCWATCH_BUG= and CCWATCH_CLOCK=; on stderr only the
 * message is written; a sink receives the message followed by the fields
 * as "\tNAME=value".
 */
void log_event(int prio, const struct log_fields *, const char *, ...)
    CCWATCH_PRINTF(3, 4);

/*
 * Copy untrusted text into dst (size bytes, always terminated) with control
 * characters, backslashes and invalid UTF-8 written as \xNN, cut at size.
 * Returns dst.
 */
char *log_escape(char *dst, size_t size, const char *src);

#endif
