/*
 * bench_parse [-n passes] [-w way] KIND:FILE...
 *
 * The parsing benchmark: the response bodies of a cold sync (saved to files
 * by bench/run; KIND is time, bugs, comments or history) read into memory,
 * then parsed passes times in four ways:
 *
 *   jansson        json_loadb and json_decref: jansson alone, as shipped,
 *                  every value its own malloc (the floor of parsing them)
 *   arena          json_loadb into an arena dropped whole (arena.h)
 *   model          what a sync does: model_*_from_json into the model's
 *                  records, then freeing them (CCWATCH_JSON_ARENA unset)
 *   model_noarena  the same with CCWATCH_JSON_ARENA=0
 *
 * Prints one JSON object: the bodies, their bytes, and the median CPU
 * milliseconds (CLOCK_PROCESS_CPUTIME_ID) of one pass over every body for
 * each way (-w: that way only, as under callgrind with
 * --toggle-collect=bench_way).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "arena.h"
#include "model.h"
#include "xmalloc.h"

/* Passes of each way when -n is not given. */
#define BENCH_PASSES 9

/* One saved response body. */
struct bench_body {
	const char *kind;
	char *data;
	size_t len;
};

/* The ways of parsing, in the order printed. */
enum bench_way { WAY_JANSSON, WAY_ARENA, WAY_MODEL, WAY_MODEL_NOARENA, NWAYS };
static const char *bench_way_name[NWAYS] = {
    "jansson", "arena", "model", "model_noarena"};

/* Print the usage line and exit. */
static void
bench_usage(void)
{
	fprintf(
	    stderr, "usage: bench_parse [-n passes] [-w way] KIND:FILE...\n");
	exit(2);
}

/* CPU milliseconds of this process so far. */
static double
bench_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Read arg (KIND:FILE) into b, or exit. */
static void
bench_read(const char *arg, struct bench_body *b)
{
	const char *colon = strchr(arg, ':');
	FILE *f;
	long n;

	if (colon == NULL)
		bench_usage();
	b->kind = xstrndup(arg, (size_t)(colon - arg));
	f = fopen(colon + 1, "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "bench_parse: %s: %s\n", colon + 1,
		    strerror(errno));
		exit(1);
	}
	b->len = (size_t)n;
	b->data = xmalloc(b->len + 1);
	if (fread(b->data, 1, b->len, f) != b->len) {
		fprintf(stderr, "bench_parse: %s: short read\n", colon + 1);
		exit(1);
	}
	fclose(f);
}

/* Parse b into the model's records and free them; -1 if it failed. */
static int
bench_model(const struct bench_body *b)
{
	struct bug_list bugs = {0};
	struct comment_list comments = {0};
	struct history_list history = {0};
	char *cause = NULL;
	time_t t;
	int n;

	if (strcmp(b->kind, "bugs") == 0)
		n = model_bugs_from_json(b->data, b->len, &bugs, &cause);
	else if (strcmp(b->kind, "comments") == 0)
		n = model_comments_from_json(
		    b->data, b->len, &comments, &cause);
	else if (strcmp(b->kind, "history") == 0)
		n = model_history_from_json(b->data, b->len, &history, &cause);
	else if (strcmp(b->kind, "time") == 0)
		n = model_time_from_json(b->data, b->len, &t, &cause);
	else
		n = -1;
	bug_list_free(&bugs);
	comment_list_free(&comments);
	history_list_free(&history);
	free(cause);
	return n < 0 ? -1 : 0;
}

/* Parse body b one way; -1 if it failed. */
static int
bench_parse_one(enum bench_way way, const struct bench_body *b)
{
	struct arena *a;
	json_t *j;

	switch (way) {
	case WAY_JANSSON:
		j = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, NULL);
		json_decref(j);
		return j != NULL ? 0 : -1;
	case WAY_ARENA:
		a = arena_new();
		j = arena_json_loadb(
		    a, b->data, b->len, JSON_REJECT_DUPLICATES, NULL);
		arena_free(a);
		return j != NULL ? 0 : -1;
	default:
		return bench_model(b);
	}
}

/* Order doubles for qsort. */
static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median CPU ms of passes passes over every body, one way. */
__attribute__((noinline)) static double
bench_way(enum bench_way way, const struct bench_body *v, size_t n, int passes)
{
	double *ms = xcalloc((size_t)passes, sizeof *ms), t0, med;
	size_t i;
	int p;

	if (way == WAY_MODEL_NOARENA)
		setenv("CCWATCH_JSON_ARENA", "0", 1);
	else
		unsetenv("CCWATCH_JSON_ARENA");
	for (p = 0; p < passes; p++) {
		t0 = bench_cpu_ms();
		for (i = 0; i < n; i++) {
			if (bench_parse_one(way, &v[i]) != 0) {
				fprintf(stderr,
				    "bench_parse: %s: body %zu "
				    "(%s) did not parse\n",
				    bench_way_name[way], i, v[i].kind);
				exit(1);
			}
		}
		ms[p] = bench_cpu_ms() - t0;
	}
	qsort(ms, (size_t)passes, sizeof *ms, bench_cmp);
	med = ms[passes / 2];
	free(ms);
	return med;
}

/* Read the bodies, time each way, print the figures. */
int
main(int argc, char **argv)
{
	struct bench_body *v;
	size_t n, i, bytes = 0;
	const char *only = NULL;
	int c, passes = BENCH_PASSES, w;

	while ((c = getopt(argc, argv, "n:w:")) != -1) {
		if (c == 'n')
			passes = atoi(optarg);
		else if (c == 'w')
			only = optarg;
		else
			bench_usage();
	}
	if (passes < 1)
		bench_usage();
	if (optind >= argc)
		bench_usage();
	n = (size_t)(argc - optind);
	v = xcalloc(n, sizeof *v);
	for (i = 0; i < n; i++) {
		bench_read(argv[optind + (int)i], &v[i]);
		bytes += v[i].len;
	}
	printf("{\"bodies\": %zu, \"bytes\": %zu, \"passes\": %d", n, bytes,
	    passes);
	for (w = 0; w < NWAYS; w++) {
		if (only != NULL && strcmp(only, bench_way_name[w]) != 0)
			continue;
		printf(", \"%s_cpu_ms\": %.3f", bench_way_name[w],
		    bench_way((enum bench_way)w, v, n, passes));
	}
	printf("}\n");
	for (i = 0; i < n; i++) {
		free((char *)v[i].kind);
		free(v[i].data);
	}
	free(v);
	return 0;
}
