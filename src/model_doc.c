/*
 * A response body parsed once into a tree that lives in its own arena, and
 * the body parsers of model.h as a load, a read and a release.
 *
 * The tree is read (the error check, then the records copied out into the
 * model's structures) and dropped whole: every value of it is a bump in
 * the arena, and model_doc_free is one free per chunk.  CCWATCH_JSON_ARENA=0
 * in the environment parses with jansson's own allocations instead, to
 * measure the difference.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "log.h"
#include "model.h"
#include "model_int.h"
#include "xmalloc.h"

/* 1 unless CCWATCH_JSON_ARENA is "0". */
static int
model_doc_use_arena(void)
{
	const char *s = getenv("CCWATCH_JSON_ARENA");

	return s == NULL || strcmp(s, "0") != 0;
}

/* Parse body (duplicate keys rejected, NULs allowed); see model.h. */
struct model_doc *
model_doc_load(const char *body, size_t len, char **cause)
{
	struct model_doc *doc;
	json_error_t jerr;
	char esc[sizeof jerr.text];

	if (model_prescan(body != NULL ? body : "", len, cause) == -1)
		return NULL;
	doc = xcalloc(1, sizeof *doc);
	if (model_doc_use_arena())
		doc->arena = arena_new();
	doc->root = arena_json_loadb(doc->arena, body != NULL ? body : "", len,
	    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (doc->root == NULL) {
		log_escape(esc, sizeof esc, jerr.text);
		xasprintf(cause, "model: invalid JSON at line %d column %d: %s",
		    jerr.line, jerr.column, esc);
		model_doc_free(doc);
		return NULL;
	}
	if (!json_is_object(doc->root)) {
		xasprintf(cause, "model: top level is not an object");
		model_doc_free(doc);
		return NULL;
	}
	return doc;
}

/* The top-level object. */
const json_t *
model_doc_root(const struct model_doc *doc)
{
	return doc->root;
}

/* Drop the tree: its arena whole, or the values one by one without one. */
void
model_doc_free(struct model_doc *doc)
{
	if (doc == NULL)
		return;
	if (doc->arena != NULL)
		arena_free(doc->arena);
	else
		json_decref(doc->root);
	free(doc);
}

/* Parse {"bugs":[...]} into out; see model.h. */
int
model_bugs_from_json(
    const char *body, size_t len, struct bug_list *out, char **cause)
{
	struct model_doc *doc = model_doc_load(body, len, cause);
	int rc = doc != NULL ? model_bugs_from_doc(doc, out, cause) : -1;

	model_doc_free(doc);
	return rc;
}

/* Parse a comments body into out; see model.h. */
int
model_comments_from_json(
    const char *body, size_t len, struct comment_list *out, char **cause)
{
	struct model_doc *doc = model_doc_load(body, len, cause);
	int rc = doc != NULL ? model_comments_from_doc(doc, out, cause) : -1;

	model_doc_free(doc);
	return rc;
}

/* Parse a history body into out; see model.h. */
int
model_history_from_json(
    const char *body, size_t len, struct history_list *out, char **cause)
{
	struct model_doc *doc = model_doc_load(body, len, cause);
	int rc = doc != NULL ? model_history_from_doc(doc, out, cause) : -1;

	model_doc_free(doc);
	return rc;
}

/* Parse /rest/time's db_time; see model.h. */
int
model_time_from_json(
    const char *body, size_t len, time_t *db_time, char **cause)
{
	struct model_doc *doc = model_doc_load(body, len, cause);
	int rc = doc != NULL ? model_time_from_doc(doc, db_time, cause) : -1;

	model_doc_free(doc);
	return rc;
}

/* Parse /rest/whoami's name; see model.h. */
int
model_whoami_from_json(const char *body, size_t len, char **name, char **cause)
{
	struct model_doc *doc = model_doc_load(body, len, cause);
	int rc = doc != NULL ? model_whoami_from_doc(doc, name, cause) : -1;

	model_doc_free(doc);
	return rc;
}

/* Parse /rest/version's version; see model.h. */
int
model_version_from_json(
    const char *body, size_t len, char **version, char **cause)
{
	struct model_doc *doc = model_doc_load(body, len, cause);
	int rc = doc != NULL ? model_version_from_doc(doc, version, cause) : -1;

	model_doc_free(doc);
	return rc;
}

/* Recognise a Bugzilla error body; see model.h. */
int
model_error_from_json(const char *body, size_t len, long *code, char **message)
{
	char *cause = NULL;
	struct model_doc *doc = model_doc_load(body, len, &cause);
	int rc = doc != NULL ? model_doc_error(doc, code, message) : 0;

	free(cause);
	model_doc_free(doc);
	return rc;
}
