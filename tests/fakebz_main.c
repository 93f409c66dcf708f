/*
 * fakebz [-mUWw] [-p port] [-k apikey] [-u login] [-l logfile] [--now ISO]
 *     corpus.json
 *
 * Serve a corpus with the fake Bugzilla on 127.0.0.1 until SIGTERM or
 * SIGINT.  The first line on stdout is the base URL.  -l appends one line
 * per request to logfile (see fakebz_log_requests).  -U answers like
 * upstream Bugzilla 5.2, which reads the API key only from api_key= and
 * ignores the X-BUGZILLA-API-KEY header, and has no /rest/whoami (404,
 * code 32614).  -W takes /rest/whoami away alone; -w serves it even with -U
 * (answering 401/410 to a key in the header, as to an anonymous client).
 * /rest/valid_login answers {"result": BOOL} always.
 *
 * -m reads mutations from stdin while serving, so that a test in another
 * process can change the corpus between cycles: one command a line, its
 * fields separated by tabs, each answered by one line on stdout, "ok N"
 * (N the new bug or comment id, else 0) or "error REASON".  In a field,
 * \n stands for a newline, \t for a tab and \\ for a backslash.  EOF
 * on stdin ends the commands, not the server.
 *
 *   add-bug PRODUCT COMPONENT SUMMARY REPORTER ASSIGNEE DESCRIPTION
 *   slow PATH-PREFIX MS COUNT   (the next COUNT requests answer after MS)
 *   comment BUG WHO PRIVATE(0|1) TEXT
 *   whiteboard BUG WHO WHITEBOARD
 *   needinfo BUG SETTER REQUESTEE
 *   clear-needinfo BUG WHO REQUESTEE
 *   status BUG WHO STATUS [RESOLUTION]       (no resolution: reopen)
 *   clock ISO                                (the fake's clock from now on)
 *   move BUG WHO PRODUCT COMPONENT           (to another component)
 *   restrict BUG GROUP                       (GROUP "-": public again)
 *   private COMMENT-ID PRIVATE(0|1)          (by the comment's global id)
 *   cc BUG LOGIN N                           (N more cc entries)
 *   db-time ISO                              (a bogus /rest/time; "-" ends it)
 *
 * add-bug files a bug as REPORTER, assigned to ASSIGNEE: the CA's
 * representative twice for a CA's own report; a CT monitor or a community
 * account and nobody@mozilla.org for a third party's report, whose 72-hour
 * clock waits on the CA's first reply.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccwatch.h"
#include "fakebz.h"
#include "timeutil.h"

/* Written by the signal handler; main waits on the other end. */
static int fakebz_main_pipe[2] = {-1, -1};

/*
 * SIGTERM/SIGINT: wake main through the pipe.  Any thread may run this, so
 * it does no more than one write(2).
 */
static void
fakebz_main_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	(void)!write(fakebz_main_pipe[1], &c, 1);
	errno = saved;
}

/* Print the usage line and exit. */
static void
fakebz_main_usage(void)
{
	fprintf(stderr,
	    "usage: fakebz [-mUWw] [-p port] [-k apikey] [-u login] [-l "
	    "logfile] "
	    "[--now ISO] corpus.json\n");
	exit(2);
}

/* Undo the escapes \n, \t and \\ of a field in place. */
static void
fakebz_main_unescape(char *s)
{
	char *out = s;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*out++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else
			*out++ = *s;
	}
	*out = '\0';
}

/* Split line at tabs into at most max fields; returns their number. */
static size_t
fakebz_main_split(char *line, char **f, size_t max)
{
	size_t n = 0, i;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	for (i = 0; i < n; i++)
		fakebz_main_unescape(f[i]);
	return n;
}

/* Run one mutation command; returns the new id, 0, or -1 with *why. */
static int64_t
fakebz_main_command(struct fakebz *fb, char *line, const char **why)
{
	char *f[7];
	size_t n;
	long long bug = 0, count;
	const char *errstr;
	time_t now;

	line[strcspn(line, "\r\n")] = '\0';
	n = fakebz_main_split(line, f, CCWATCH_NELEM(f));
	*why = "unknown command or wrong number of fields";
	if (n == 7 && strcmp(f[0], "add-bug") == 0)
		return fakebz_add_report(
		    fb, f[1], f[2], f[3], f[4], f[5], f[6]);
	if (n == 4 && strcmp(f[0], "slow") == 0 &&
	    timeutil_strtonum(f[2], 0, 600000, &bug, &errstr) == 0) {
		fakebz_set_delay_ms(fb, (unsigned)bug);
		if (timeutil_strtonum(f[3], 1, 1000000, &bug, &errstr) == -1)
			return -1;
		fakebz_fault(fb, f[1], FAKEBZ_FAULT_DELAY, (unsigned)bug);
		return 0;
	}
	if (n == 2 && strcmp(f[0], "db-time") == 0) {
		*why = "bad time";
		now = 0;
		if (strcmp(f[1], "-") != 0 &&
		    timeutil_parse_iso(f[1], &now) == -1)
			return -1;
		fakebz_set_db_time(fb, now);
		return 0;
	}
	if (n == 2 && strcmp(f[0], "clock") == 0) {
		*why = "bad time";
		if (timeutil_parse_iso(f[1], &now) == -1)
			return -1;
		fakebz_set_now(fb, now);
		return 0;
	}
	if (n < 2 || timeutil_strtonum(f[1], 1, INT64_MAX, &bug, &errstr) == -1)
		return -1;
	*why = "no such bug";
	if (n == 5 && strcmp(f[0], "move") == 0)
		return fakebz_move_bug(fb, bug, f[2], f[3], f[4]);
	if (n == 3 && strcmp(f[0], "restrict") == 0)
		return fakebz_set_groups(
		    fb, bug, strcmp(f[2], "-") == 0 ? NULL : f[2]);
	if (n == 3 && strcmp(f[0], "private") == 0) {
		*why = "no such comment";
		return fakebz_set_comment_private(
		    fb, bug, strcmp(f[2], "1") == 0);
	}
	if (n == 4 && strcmp(f[0], "cc") == 0) {
		*why = "bad count";
		if (timeutil_strtonum(f[3], 1, 10000000, &count, &errstr) == -1)
			return -1;
		return fakebz_add_cc(fb, bug, f[2], (size_t)count);
	}
	if (n == 5 && strcmp(f[0], "comment") == 0)
		return fakebz_add_comment(
		    fb, bug, f[2], f[4], strcmp(f[3], "1") == 0);
	if (n == 4 && strcmp(f[0], "whiteboard") == 0)
		return fakebz_set_whiteboard(fb, bug, f[2], f[3]);
	if (n == 4 && strcmp(f[0], "needinfo") == 0)
		return fakebz_set_needinfo(fb, bug, f[2], f[3]);
	if (n == 4 && strcmp(f[0], "clear-needinfo") == 0)
		return fakebz_clear_needinfo(fb, bug, f[2], f[3]);
	if ((n == 4 || n == 5) && strcmp(f[0], "status") == 0)
		return fakebz_set_status(
		    fb, bug, f[2], f[3], n == 5 ? f[4] : "");
	*why = "unknown command or wrong number of fields";
	return -1;
}

/*
 * Wait for a stop signal; with control, run the commands read from stdin
 * meanwhile, answering each on stdout.
 */
static void
fakebz_main_wait(struct fakebz *fb, int control)
{
	struct pollfd pfd[2];
	char *line = NULL;
	size_t cap = 0;
	const char *why;
	int64_t id;
	char c;

	pfd[0].fd = fakebz_main_pipe[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = control ? STDIN_FILENO : -1;
	pfd[1].events = POLLIN;
	/* Unbuffered, so that poll sees every line stdio has not taken. */
	setvbuf(stdin, NULL, _IONBF, 0);
	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents != 0) {
			(void)!read(fakebz_main_pipe[0], &c, 1);
			break;
		}
		if (pfd[1].revents == 0)
			continue;
		if (getline(&line, &cap, stdin) == -1) {
			pfd[1].fd = -1;
			continue;
		}
		id = fakebz_main_command(fb, line, &why);
		if (id == -1)
			printf("error %s\n", why);
		else
			printf("ok %" PRId64 "\n", id);
		fflush(stdout);
	}
	free(line);
}

/* Start the fake, print its URL and wait for a stop signal. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"now", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
	struct fakebz *fb;
	const char *key = NULL, *login = NULL, *reqlog = NULL, *errstr;
	char *cause = NULL;
	long long port = 0;
	time_t now = 0;
	struct sigaction sa;
	int ch, control = 0, upstream = 0, whoami = -1;

	while ((ch = getopt_long(argc, argv, "mUWwp:k:u:l:", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'U':
			upstream = 1;
			break;
		case 'W':
			whoami = 0;
			break;
		case 'w':
			whoami = 1;
			break;
		case 'm':
			control = 1;
			break;
		case 'p':
			if (timeutil_strtonum(
				optarg, 0, 65535, &port, &errstr) == -1)
				fakebz_main_usage();
			break;
		case 'k':
			key = optarg;
			break;
		case 'u':
			login = optarg;
			break;
		case 'l':
			reqlog = optarg;
			break;
		case 'n':
			if (timeutil_parse_iso(optarg, &now) == -1)
				fakebz_main_usage();
			break;
		default:
			fakebz_main_usage();
		}
	}
	if (optind != argc - 1)
		fakebz_main_usage();

	if (pipe(fakebz_main_pipe) == -1) {
		perror("fakebz: pipe");
		return 1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fakebz_main_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	fb = fakebz_start(argv[optind], (unsigned short)port, &cause);
	if (fb == NULL) {
		fprintf(stderr, "fakebz: %s\n", cause);
		free(cause);
		return 1;
	}
	if (reqlog != NULL && fakebz_log_requests(fb, reqlog, &cause) == -1) {
		fprintf(stderr, "fakebz: %s\n", cause);
		free(cause);
		fakebz_stop(fb);
		return 1;
	}
	if (upstream)
		fakebz_set_header_auth(fb, 0);
	if (whoami == 0 || (whoami == -1 && upstream))
		fakebz_set_whoami(fb, 0);
	if (key != NULL)
		fakebz_set_api_key(fb, key, login);
	fakebz_set_now(fb, now);
	printf("%s\n", fakebz_url(fb));
	fflush(stdout);
	fakebz_main_wait(fb, control);
	fakebz_stop(fb);
	return 0;
}
