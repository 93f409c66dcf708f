/*
 * ccwatch: the command-line interface, one function per subcommand.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bugzilla.h"
#include "ccwatch.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "sync.h"
#include "timeutil.h"
#include "whiteboard.h"
#include "xmalloc.h"

#define CCWATCH_DEFAULT_CONF	SYSCONFDIR "/ccwatch/ccwatch.conf"

struct cli {
	const char	*conf_path;
	struct config	*conf;
	int		 verbose;
};

struct cli_command {
	const char	*name;
	int		 need_config;
	int		 (*run)(struct cli *, int, char **);
	const char	*usage;
};

static int	cli_sync(struct cli *, int, char **);
static int	cli_whiteboard(struct cli *, int, char **);
static int	cli_config_check(struct cli *, int, char **);
static int	cli_version(struct cli *, int, char **);

static const struct cli_command cli_commands[] = {
	{ "sync", 1, cli_sync, "sync [--full]" },
	{ "whiteboard", 0, cli_whiteboard, "whiteboard TEXT" },
	{ "config-check", 1, cli_config_check, "config-check" },
	{ "version", 0, cli_version, "version" },
};

/* Print the usage and exit with status. */
static void CCWATCH_NORETURN
cli_usage(int status)
{
	FILE	*f = status == 0 ? stdout : stderr;
	size_t	 i;

	fprintf(f, "usage: ccwatch [-v] [-c FILE] COMMAND [ARGS]\n"
		   "commands:\n");
	for (i = 0; i < CCWATCH_NELEM(cli_commands); i++)
		fprintf(f, "  ccwatch %s\n", cli_commands[i].usage);
	fprintf(f, "FILE defaults to %s\n", CCWATCH_DEFAULT_CONF);
	exit(status);
}

/* Draw a progress bar on stderr when it is a terminal. */
static void
cli_progress(size_t done, size_t total, void *arg)
{
	const int	 width = 30;
	int		 fill;

	if (total == 0 || !isatty(STDERR_FILENO))
		return;
	fill = (int)(done * (size_t)width / total);
	fprintf(stderr, "\rsync: [%-*.*s] %zu/%zu bugs", width, fill,
	    "##############################", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

/* Build the REST client options from the configuration. */
static void
cli_bugzilla_options(const struct config *c, struct bugzilla_options *o)
{
	memset(o, 0, sizeof *o);
	o->url = c->url;
	o->api_key = c->api_key;
	o->http.ca_file = c->ca_file;
	o->http.timeout = (long)c->timeout;
	o->http.connect_timeout = (long)c->connect_timeout;
	o->retries = (int)c->retries;
	o->page_size = (long)c->page_size;
}

/* ccwatch sync [--full]: one poll cycle into the store. */
static int
cli_sync(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "full", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct bugzilla_options	 bo;
	struct sync_options	 so;
	struct sync_stats	 stats;
	struct bugzilla		*bz = NULL;
	struct store		*st = NULL;
	char			*cause = NULL;
	int			 ch, rc = 1;

	memset(&so, 0, sizeof so);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'f')
			cli_usage(2);
		so.full = 1;
	}
	if (optind != argc)
		cli_usage(2);
	so.products = &cli->conf->products;
	so.components = &cli->conf->components;
	so.progress = cli_progress;
	cli_bugzilla_options(cli->conf, &bo);
	st = store_open(cli->conf->store_path, &cause);
	if (st == NULL)
		goto out;
	bz = bugzilla_new(&bo, &cause);
	if (bz == NULL)
		goto out;
	if (sync_run(bz, st, &so, &stats, &cause) == -1)
		goto out;
	printf("sync: %s: %zu bugs seen, %zu changed, %zu comments, %zu "
	       "history entries, %zu skipped, %lu requests, %.1f KiB, %.2f s\n",
	    stats.full ? "full" : "incremental", stats.bugs_seen,
	    stats.bugs_changed, stats.comments, stats.history, stats.skipped,
	    stats.requests, (double)stats.bytes / 1024.0, stats.seconds);
	rc = 0;
out:
	if (cause != NULL) {
		log_warnx("sync: %s", cause);
		free(cause);
	}
	bugzilla_free(bz);
	store_close(st);
	return rc;
}

/* ccwatch whiteboard TEXT: print the parse as JSON. */
static int
cli_whiteboard(struct cli *cli, int argc, char **argv)
{
	struct whiteboard	 wb;
	char			*json;

	if (argc != 2)
		cli_usage(2);
	whiteboard_parse(argv[1], &wb);
	json = whiteboard_to_json(&wb);
	printf("%s\n", json);
	free(json);
	whiteboard_free(&wb);
	return 0;
}

/* ccwatch config-check: the configuration was loaded, so it is valid. */
static int
cli_config_check(struct cli *cli, int argc, char **argv)
{
	printf("%s: configuration OK\n", cli->conf_path);
	return 0;
}

/* ccwatch version: this program's and its libraries' versions. */
static int
cli_version(struct cli *cli, int argc, char **argv)
{
	printf("ccwatch %s\n", CCWATCH_VERSION);
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli	 cli;
	char		*cause = NULL;
	size_t		 i;
	int		 ch, rc;

	memset(&cli, 0, sizeof cli);
	cli.conf_path = CCWATCH_DEFAULT_CONF;
	while ((ch = getopt(argc, argv, "+c:hv")) != -1) {
		switch (ch) {
		case 'c':
			cli.conf_path = optarg;
			break;
		case 'h':
			cli_usage(0);
			/* NOTREACHED */
		case 'v':
			cli.verbose++;
			break;
		default:
			cli_usage(2);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		cli_usage(2);
	log_init(1, cli.verbose, "ccwatch");
	for (i = 0; i < CCWATCH_NELEM(cli_commands); i++)
		if (strcmp(argv[0], cli_commands[i].name) == 0)
			break;
	if (i == CCWATCH_NELEM(cli_commands)) {
		fprintf(stderr, "ccwatch: unknown command: %s\n", argv[0]);
		cli_usage(2);
	}
	if (cli_commands[i].need_config) {
		cli.conf = config_load(cli.conf_path, &cause);
		if (cli.conf == NULL) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			return 1;
		}
	}
	rc = cli_commands[i].run(&cli, argc, argv);
	config_free(cli.conf);
	return rc;
}
