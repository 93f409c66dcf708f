/*
 * ccwatch report: each CA's track record, from the outcome of every clock
 * instance of every stored bug (docs/track-record.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccwatch_int.h"
#include "record.h"
#include "store.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The formats of the report. */
enum cli_record_format { RECORD_TABLE, RECORD_JSON, RECORD_CSV };

/* Parse --format; exits on error. */
static enum cli_record_format
cli_record_format(const char *s)
{
	if (strcmp(s, "table") == 0)
		return RECORD_TABLE;
	if (strcmp(s, "json") == 0)
		return RECORD_JSON;
	if (strcmp(s, "csv") == 0)
		return RECORD_CSV;
	(void)fprintf(
	    stderr, "ccwatch: bad format \"%s\": use table, json or csv\n", s);
	exit(2);
}

/* A period's end: a bare date means the end of that day. */
static time_t
cli_record_until(const char *s)
{
	time_t t = cli_parse_time(s);

	if (strlen(s) == 10)
		t = timeutil_end_of_day(t);
	return t;
}

/*
 * Open the store for writing, so the outcome cache is kept; a store this
 * user may only read is read as it is.
 */
static struct store *
cli_record_open(struct cli *cli, char **cause)
{
	struct store *st;
	char *first = NULL;

	st = cli_open_existing(cli, &first);
	if (st != NULL)
		return st;
	st = cli_open_readonly(cli, cause);
	if (st == NULL) {
		free(*cause);
		*cause = first;
	} else
		free(first);
	return st;
}

/* Print the record in the chosen format. */
static void
cli_record_print(const struct record *r, enum cli_record_format fmt)
{
	json_t *j;
	char *s;

	switch (fmt) {
	case RECORD_JSON:
		j = record_json(r);
		s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(j);
		if (s != NULL)
			printf("%s\n", s);
		free(s);
		break;
	case RECORD_CSV:
		record_write_csv(r, stdout);
		break;
	case RECORD_TABLE:
		record_write_table(r, stdout);
		break;
	}
}

/* ccwatch report: the track record of every CA, or of one. */
int
cli_report(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"since", required_argument, NULL, 's'},
	    {"until", required_argument, NULL, 'u'},
	    {"ca", required_argument, NULL, 'c'},
	    {"format", required_argument, NULL, 'f'},
	    {"as-of", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	struct record_filter f;
	enum cli_record_format fmt = RECORD_TABLE;
	struct outcome_list l;
	struct caname_table t;
	struct record r;
	struct store *st;
	char *cause = NULL;
	time_t now = timeutil_now();
	int ch, rc, past = 0;

	memset(&f, 0, sizeof f);
	f.include_restricted = 1;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			f.since = cli_parse_time(optarg);
			break;
		case 'u':
			f.until = cli_record_until(optarg);
			break;
		case 'c':
			f.ca = optarg;
			break;
		case 'f':
			fmt = cli_record_format(optarg);
			break;
		case 't':
			now = cli_parse_time(optarg);
			past = 1;
			break;
		default:
			cli_usage(2);
		}
	}
	if (optind != argc)
		cli_usage(2);
	st = past ? cli_open_readonly(cli, &cause)
		  : cli_record_open(cli, &cause);
	if (st == NULL)
		return cli_finish(cause, st);
	if (past)
		rc = record_compute_at(st, &cli->conf->people,
		    &cli->conf->policy, now, &l, &cause);
	else
		rc = record_refresh(st, &cli->conf->people, &cli->conf->policy,
		    now, 0, &l, NULL, &cause);
	if (rc == -1)
		return cli_finish(cause, st);
	record_ca_table(&cli->conf->people, &l, &t);
	record_make(&l, &t, &f, now, &r);
	cli_record_print(&r, fmt);
	record_free(&r);
	caname_table_free(&t);
	outcome_list_free(&l);
	return cli_finish(NULL, st);
}
