/*
 * Logging to the journal or stderr.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

/* Where journald listens for native messages. */
#define LOG_JOURNAL_SOCKET "/run/systemd/journal/socket"

static int log_verbose;
static int log_journal;
static int log_stamp;
static const char *log_progname = "ccwatch";
static log_sink_cb log_sink;
static void *log_sink_arg;

/*
 * Decide whether stderr is the journal: systemd sets JOURNAL_STREAM to the
 * device and inode of the stream it connected.  sd_journal_send succeeds even
 * with no journald listening, so it is never used on a guess.
 */
static int
log_stderr_is_journal(void)
{
	const char *env, *p;
	char *end;
	struct stat st;
	unsigned long long dev, ino;

	env = getenv("JOURNAL_STREAM");
	if (env == NULL)
		return 0;
	errno = 0;
	dev = strtoull(env, &end, 10);
	if (end == env || *end != ':' || errno != 0)
		return 0;
	p = end + 1;
	ino = strtoull(p, &end, 10);
	if (end == p || *end != '\0' || errno != 0)
		return 0;
	if (fstat(STDERR_FILENO, &st) == -1)
		return 0;
	if ((unsigned long long)st.st_dev != dev ||
	    (unsigned long long)st.st_ino != ino)
		return 0;
	/* A stream that outlived its journald: write plain lines instead. */
	return access(LOG_JOURNAL_SOCKET, W_OK) == 0;
}

/* Set up the backend. */
void
log_init(int foreground, int verbose, const char *progname)
{
	log_verbose = verbose;
	if (progname != NULL)
		log_progname = progname;
	log_journal = !foreground && log_stderr_is_journal();
}

/* Start each line written to stderr with the time, or stop. */
void
log_set_timestamps(int on)
{
	log_stamp = on;
}

/*
 * Write a message to stderr: "PROG: message", after the UTC time to the
 * second when log_set_timestamps asked for it.  With the time, each line of
 * a message of several (a reload's errors) is written so, so that every
 * line of the log says when.
 */
static void
log_stderr(const char *msg)
{
	struct timespec ts;
	struct tm tm;
	char stamp[32] = "";
	const char *nl;

	if (!log_stamp) {
		(void)fprintf(stderr, "%s: %s\n", log_progname, msg);
		return;
	}
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0 &&
	    gmtime_r(&ts.tv_sec, &tm) != NULL)
		(void)strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ ", &tm);
	for (;;) {
		nl = strchr(msg, '\n');
		(void)fprintf(stderr, "%s%s: %.*s\n", stamp, log_progname,
		    nl != NULL ? (int)(nl - msg) : (int)strlen(msg), msg);
		if (nl == NULL)
			break;
		msg = nl + 1;
	}
}

/* Change the debug level. */
void
log_set_verbose(int v)
{
	log_verbose = v;
}

/* Return the debug level. */
int
log_get_verbose(void)
{
	return log_verbose;
}

/* Install or remove a sink that replaces the backend. */
void
log_set_sink(log_sink_cb cb, void *arg)
{
	log_sink = cb;
	log_sink_arg = arg;
}

/* Return whether lines go to the journal. */
int
log_to_journal(void)
{
	return log_journal;
}

/* Format and emit one line, with ": strerror" when err is non-zero. */
static void
log_vwrite(int prio, int err, const char *fmt, va_list ap)
{
	char line[2048];
	size_t len;
	int saved = errno;

	vsnprintf(line, sizeof line, fmt, ap);
	if (err != 0) {
		len = strlen(line);
		snprintf(line + len, sizeof line - len, ": %s", strerror(err));
	}
	if (log_sink != NULL)
		log_sink(prio, line, log_sink_arg);
	else if (log_journal)
		sd_journal_send("MESSAGE=%s", line, "PRIORITY=%d", prio,
		    "SYSLOG_IDENTIFIER=%s", log_progname, NULL);
	else
		log_stderr(line);
	errno = saved;
}

/* Add "NAME=value" to a field list for the journal or a sink. */
static void
log_field(struct iovec *iov, int *n, char *buf, size_t size, const char *name,
    const char *value)
{
	snprintf(buf, size, "%s=%s", name, value);
	iov[*n].iov_base = buf;
	iov[*n].iov_len = strlen(buf);
	(*n)++;
}

/* Log an event with its structured fields. */
void
log_event(int prio, const struct log_fields *lf, const char *fmt, ...)
{
	char line[2048], f[6][256], num[32];
	struct iovec iov[7];
	va_list ap;
	size_t len;
	int n = 0, i, saved = errno;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (!log_journal && log_sink == NULL) {
		log_stderr(line);
		errno = saved;
		return;
	}
	log_field(iov, &n, f[0], sizeof f[0], "PRIORITY",
	    (snprintf(num, sizeof num, "%d", prio), num));
	if (lf->message_id != NULL)
		log_field(
		    iov, &n, f[1], sizeof f[1], "MESSAGE_ID", lf->message_id);
	if (lf->event != NULL)
		log_field(
		    iov, &n, f[2], sizeof f[2], "CCWATCH_EVENT", lf->event);
	if (lf->bug > 0)
		log_field(iov, &n, f[3], sizeof f[3], "CCWATCH_BUG",
		    (snprintf(num, sizeof num, "%lld", lf->bug), num));
	if (lf->clock != NULL)
		log_field(
		    iov, &n, f[4], sizeof f[4], "CCWATCH_CLOCK", lf->clock);
	if (log_sink != NULL) {
		/* The message, then each field but PRIORITY after a tab. */
		for (i = 1; i < n; i++) {
			len = strlen(line);
			snprintf(line + len, sizeof line - len, "\t%s",
			    (char *)iov[i].iov_base);
		}
		log_sink(prio, line, log_sink_arg);
		errno = saved;
		return;
	}
	log_field(
	    iov, &n, f[5], sizeof f[5], "SYSLOG_IDENTIFIER", log_progname);
	iov[n].iov_base = NULL;
	xasprintf((char **)&iov[n].iov_base, "MESSAGE=%s", line);
	iov[n].iov_len = strlen(iov[n].iov_base);
	sd_journal_sendv(iov, n + 1);
	free(iov[n].iov_base);
	errno = saved;
}

/* Log a warning with the current errno. */
void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, err, fmt, ap);
	va_end(ap);
}

/* Log a warning. */
void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

/* Log an informational line. */
void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

/* Log a debug line; use the log_debug macro instead. */
void
log_debug_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

/* Log an error with errno and exit. */
void
fatal(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, err, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Log an error and exit. */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Copy untrusted text, escaping what could disturb a log or a terminal. */
char *
log_escape(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, n;

	if (size == 0)
		return dst;
	while (*s != '\0') {
		n = utf8_len(s, SIZE_MAX);
		if (n == 1 && (*s < 0x20 || *s == 0x7f || *s == '\\'))
			n = 0;
		if (n == 0) {
			if (o + 4 >= size)
				break;
			snprintf(dst + o, size - o, "\\x%02x", *s);
			o += 4;
			s++;
			continue;
		}
		if (o + n >= size)
			break;
		memcpy(dst + o, s, n);
		o += n;
		s += n;
	}
	dst[o] = '\0';
	return dst;
}
