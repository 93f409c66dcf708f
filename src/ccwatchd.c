/*
 * ccwatchd: the daemon.  One sd-event loop: a poll timer that returns its
 * next delay (interval with jitter after success, exponential backoff after
 * failure), signals as loop events, the systemd watchdog, and sd_notify at
 * each step of the service's life.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "bugzilla.h"
#include "ccwatch.h"
#include "config.h"
#include "daemon.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "sync.h"
#include "timeutil.h"
#include "xmalloc.h"

#define CCWATCHD_DEFAULT_CONF SYSCONFDIR "/ccwatch/ccwatch.conf"

/* Print the usage and exit. */
static void CCWATCH_NORETURN
ccwatchd_usage(int status)
{
	(void)fprintf(status == 0 ? stdout : stderr,
	    "usage: ccwatchd [-dhnv] [-c FILE]\n"
	    "  -c FILE  configuration (default %s)\n"
	    "  -d       stay in the foreground, log to stderr, each line "
	    "timed\n"
	    "  -h       print this and exit\n"
	    "  -n       check the configuration and exit\n"
	    "  -v       more verbose logging (repeatable)\n",
	    CCWATCHD_DEFAULT_CONF);
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	const char *path = CCWATCHD_DEFAULT_CONF;
	struct config *conf;
	char *cause = NULL;
	int ch, check = 0, foreground = 0, verbose = 0, rc;

	daemon_block_signals();
	while ((ch = getopt_long(argc, argv, "c:dhnv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'd':
			foreground = 1;
			break;
		case 'h':
			ccwatchd_usage(0);
			/* NOTREACHED */
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			ccwatchd_usage(2);
		}
	}
	if (optind != argc)
		ccwatchd_usage(2);
	log_init(foreground || check, verbose, "ccwatchd");
	/* A log read later, by a person: each line says when. */
	log_set_timestamps(!log_to_journal() && !check);
	conf = config_load_flags(path, CONFIG_DAEMON, &cause);
	if (conf == NULL) {
		(void)fprintf(stderr, "%s\n", cause);
		free(cause);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		config_free(conf);
		return 0;
	}
	log_info("ccwatchd %s starting: config %s; libcurl %s, jansson %s, "
		 "SQLite %s, libsystemd %s",
	    CCWATCH_VERSION, path, curl_version_info(CURLVERSION_NOW)->version,
	    jansson_version_str(), store_sqlite_version(), LIBSYSTEMD_VERSION);
	rc = daemon_run(path, conf);
	return rc;
}
