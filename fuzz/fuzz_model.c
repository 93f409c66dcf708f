/*
 * libFuzzer target for the model's JSON parsers: the first byte picks a
 * parser (or all of them), the rest is the response body.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Drop log lines: skipped records are expected and would flood stderr. */
static void
fuzz_model_sink(int prio, const char *line, void *arg)
{
}

/* Run the parsers that mask selects over body and free what they made. */
static void
fuzz_model_run(unsigned mask, const char *body, size_t len)
{
	struct bug_list bl = {NULL, 0, 0};
	struct comment_list cl = {NULL, 0, 0};
	struct history_list hl = {NULL, 0, 0};
	char *cause = NULL, *s = NULL, *msg = NULL;
	time_t t;
	long code;

	if (mask & 1) {
		if (model_bugs_from_json(body, len, &bl, &cause) == -1) {
			free(cause);
			cause = NULL;
		}
		bug_list_free(&bl);
	}
	if (mask & 2) {
		if (model_comments_from_json(body, len, &cl, &cause) == -1) {
			free(cause);
			cause = NULL;
		}
		comment_list_free(&cl);
	}
	if (mask & 4) {
		if (model_history_from_json(body, len, &hl, &cause) == -1) {
			free(cause);
			cause = NULL;
		}
		history_list_free(&hl);
	}
	if (mask & 8) {
		if (model_time_from_json(body, len, &t, &cause) == -1)
			free(cause);
		cause = NULL;
		if (model_whoami_from_json(body, len, &s, &cause) == 0)
			free(s);
		else
			free(cause);
		cause = NULL;
		if (model_version_from_json(body, len, &s, &cause) == 0)
			free(s);
		else
			free(cause);
		if (model_error_from_json(body, len, &code, &msg) == 1)
			free(msg);
	}
}

/* The libFuzzer entry point. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mask;

	log_set_sink(fuzz_model_sink, NULL);
	if (size == 0)
		return 0;
	/* Low bits pick parsers; none picked means all of them. */
	mask = data[0] & 0x0f;
	if (mask == 0)
		mask = 0x0f;
	fuzz_model_run(mask, (const char *)data + 1, size - 1);
	return 0;
}
