/*
 * bench_eval [-n passes] [-t ISO] store.db
 *
 * The evaluation benchmark: open a store, load every open bug's comments
 * and history, and run policy_eval over all of them at one fixed moment,
 * passes times.  Prints one JSON object: what was evaluated (bugs, events,
 * clocks by state, action items by state and their clocks) and the CPU time
 * (getrusage, user + system) of loading and of one evaluation pass.  Under
 * callgrind, --toggle-collect=policy_eval counts the evaluation's
 * instructions alone, and --toggle-collect=policy_eval_actions its action
 * items' share.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "people.h"
#include "policy.h"
#include "store.h"
#include "timeutil.h"
#include "xmalloc.h"

/* One open bug with its events, as loaded from the store. */
struct bench_bug {
	struct comment_list comments;
	struct history_list history;
};

/* What the evaluation found, summed over the bugs of one pass. */
struct bench_tally {
	size_t clocks;
	size_t states[CLOCK_PAUSED + 1];
	size_t questions;
	size_t items;
	size_t item_states[ACTIONITEM_NSTATES];
	size_t item_clocks;
};

/* Print the usage line and exit. */
static void
bench_usage(void)
{
	fprintf(stderr, "usage: bench_eval [-n passes] [-t ISO] store.db\n");
	exit(2);
}

/* User plus system CPU seconds of this process so far. */
static double
bench_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/*
 * Load the open bugs and each one's comments and history into *bugs and
 * *events (one entry per bug).  Returns 0, or -1 with *cause.
 */
static int
bench_load(struct store *st, struct bug_list *bugs, struct bench_bug **events,
    char **cause)
{
	size_t i;

	if (store_list_bugs(st, 1, bugs, cause) == -1)
		return -1;
	*events = xcalloc(bugs->n > 0 ? bugs->n : 1, sizeof **events);
	for (i = 0; i < bugs->n; i++) {
		if (store_get_comments(
			st, bugs->v[i].id, &(*events)[i].comments, cause) == -1)
			return -1;
		if (store_get_history(
			st, bugs->v[i].id, &(*events)[i].history, cause) == -1)
			return -1;
	}
	return 0;
}

/* Evaluate every bug once at now, adding what was found to *t. */
static void
bench_eval_all(const struct bug_list *bugs, const struct bench_bug *events,
    const struct people *people, const struct policy_options *opts, time_t now,
    struct bench_tally *t)
{
	struct policy_result r;
	size_t i, j;

	for (i = 0; i < bugs->n; i++) {
		policy_eval(&bugs->v[i], &events[i].comments,
		    &events[i].history, people, opts, now, &r);
		t->clocks += r.nclocks;
		for (j = 0; j < r.nclocks; j++) {
			t->states[r.clocks[j].state]++;
			t->item_clocks += r.clocks[j].kind == CLOCK_ACTION_ITEM;
		}
		t->questions += r.nquestions;
		t->items += r.plan.n;
		for (j = 0; j < r.plan.n; j++)
			t->item_states[r.plan.items[j].state]++;
		policy_result_free(&r);
	}
}

/* Free the loaded events of n bugs. */
static void
bench_free_events(struct bench_bug *events, size_t n)
{
	size_t i;

	for (i = 0; events != NULL && i < n; i++) {
		comment_list_free(&events[i].comments);
		history_list_free(&events[i].history);
	}
	free(events);
}

/* Print the run's figures as one JSON object. */
static void
bench_print(const struct bug_list *bugs, const struct bench_bug *events,
    const struct bench_tally *t, long long passes, double load_s, double eval_s)
{
	size_t i, ncomments = 0, nhistory = 0;

	for (i = 0; i < bugs->n; i++) {
		ncomments += events[i].comments.n;
		nhistory += events[i].history.n;
	}
	printf("{\"bugs\": %zu, \"comments\": %zu, \"history\": %zu, "
	       "\"clocks\": %zu, \"questions\": %zu, \"ok\": %zu, "
	       "\"due_soon\": %zu, \"overdue\": %zu, \"met\": %zu, "
	       "\"paused\": %zu, \"action_items\": %zu, "
	       "\"action_items_by_state\": {\"open\": %zu, \"overdue\": %zu, "
	       "\"complete\": %zu, \"canceled\": %zu, \"dropped\": %zu}, "
	       "\"action_item_clocks\": %zu, \"passes\": %lld, "
	       "\"load_cpu_ms\": %.3f, \"eval_cpu_ms\": %.3f}\n",
	    bugs->n, ncomments, nhistory, t->clocks, t->questions,
	    t->states[CLOCK_OK], t->states[CLOCK_DUE_SOON],
	    t->states[CLOCK_OVERDUE], t->states[CLOCK_MET],
	    t->states[CLOCK_PAUSED], t->items,
	    t->item_states[ACTIONITEM_STATE_OPEN],
	    t->item_states[ACTIONITEM_STATE_OVERDUE],
	    t->item_states[ACTIONITEM_STATE_COMPLETE],
	    t->item_states[ACTIONITEM_STATE_CANCELED],
	    t->item_states[ACTIONITEM_STATE_DROPPED], t->item_clocks, passes,
	    load_s * 1e3, eval_s * 1e3 / (double)passes);
}

/* Load, evaluate passes times, print. */
int
main(int argc, char **argv)
{
	struct bug_list bugs;
	struct bench_bug *events = NULL;
	struct bench_tally tally;
	struct policy_options opts;
	struct people people;
	struct store *st;
	const char *errstr;
	char *cause = NULL;
	long long passes = 1, i;
	time_t now = 0;
	double t0, t1, t2;
	int ch, rc = 1;

	while ((ch = getopt(argc, argv, "n:t:")) != -1) {
		switch (ch) {
		case 'n':
			if (timeutil_strtonum(
				optarg, 1, 100000, &passes, &errstr) == -1)
				bench_usage();
			break;
		case 't':
			if (timeutil_parse_iso(optarg, &now) == -1)
				bench_usage();
			break;
		default:
			bench_usage();
		}
	}
	if (optind != argc - 1)
		bench_usage();
	if (now == 0)
		now = time(NULL);

	memset(&bugs, 0, sizeof bugs);
	people_defaults(&people);
	policy_options_defaults(&opts);
	st = store_open(argv[optind], &cause);
	if (st == NULL)
		goto out;
	t0 = bench_cpu();
	if (bench_load(st, &bugs, &events, &cause) == -1)
		goto out;
	t1 = bench_cpu();
	for (i = 0; i < passes; i++) {
		memset(&tally, 0, sizeof tally);
		bench_eval_all(&bugs, events, &people, &opts, now, &tally);
	}
	t2 = bench_cpu();
	bench_print(&bugs, events, &tally, passes, t1 - t0, t2 - t1);
	rc = 0;
out:
	if (cause != NULL) {
		fprintf(stderr, "bench_eval: %s\n", cause);
		free(cause);
	}
	bench_free_events(events, bugs.n);
	bug_list_free(&bugs);
	people_free(&people);
	store_close(st);
	return rc;
}
