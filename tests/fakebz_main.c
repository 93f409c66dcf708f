/*
 * fakebz [-p port] [-k apikey] [-u login] [-l logfile] [--now ISO]
 *     corpus.json
 *
 * Serve a corpus with the fake Bugzilla on 127.0.0.1 until SIGTERM or
 * SIGINT.  The first line on stdout is the base URL.  -l appends one line
 * per request to logfile (see fakebz_log_requests).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	    "usage: fakebz [-p port] [-k apikey] [-u login] [-l logfile] "
	    "[--now ISO] corpus.json\n");
	exit(2);
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
	char c;
	int ch;

	while (
	    (ch = getopt_long(argc, argv, "p:k:u:l:", longopts, NULL)) != -1) {
		switch (ch) {
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
	if (key != NULL)
		fakebz_set_api_key(fb, key, login);
	fakebz_set_now(fb, now);
	printf("%s\n", fakebz_url(fb));
	fflush(stdout);
	while (read(fakebz_main_pipe[0], &c, 1) == -1 && errno == EINTR)
		continue;
	fakebz_stop(fb);
	return 0;
}
