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

/* Receives each formatted line; for tests and for the CLI's progress display. */
typedef void (*log_sink_cb)(int prio, const char *line, void *arg);

/* Set up logging: foreground forces stderr, verbose enables debug lines. */
void	 log_init(int foreground, int verbose, const char *progname);
void	 log_set_verbose(int);
int	 log_get_verbose(void);
/* Route every line to cb instead (NULL restores the default backend). */
void	 log_set_sink(log_sink_cb cb, void *arg);
/* 1 when lines go to the journal, 0 for stderr. */
int	 log_to_journal(void);

void	 log_warn(const char *, ...) CCWATCH_PRINTF(1, 2);
void	 log_warnx(const char *, ...) CCWATCH_PRINTF(1, 2);
void	 log_info(const char *, ...) CCWATCH_PRINTF(1, 2);
void	 log_debug_(const char *, ...) CCWATCH_PRINTF(1, 2);
void	 fatal(const char *, ...) CCWATCH_PRINTF(1, 2) CCWATCH_NORETURN;
void	 fatalx(const char *, ...) CCWATCH_PRINTF(1, 2) CCWATCH_NORETURN;

/* Debug lines cost nothing, arguments included, when verbose is off. */
#define log_debug(...)							\
	do {								\
		if (log_get_verbose())					\
			log_debug_(__VA_ARGS__);			\
	} while (0)

/*
 * Copy untrusted text into dst (size bytes, always terminated) with control
 * characters, backslashes and invalid UTF-8 written as \xNN, cut at size.
 * Returns dst.
 */
char	*log_escape(char *dst, size_t size, const char *src);

#endif
