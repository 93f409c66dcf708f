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

/* The records of a body, for model_doc_read. */
enum model_doc_kind {
	MODEL_DOC_BUGS,
	MODEL_DOC_COMMENTS,
	MODEL_DOC_HISTORY,
	MODEL_DOC_TIME,
	MODEL_DOC_WHOAMI,
	MODEL_DOC_VERSION
};

/*
 * Load body, read its records of kind into out (the type the reader of
 * kind takes) and release the tree: the body parsers as one load, one
 * read, one release.
 */
static int
model_doc_read(const char *body, size_t len, enum model_doc_kind kind,
    void *out, char **cause)
{
	struct model_doc *doc = model_doc_load(body, len, cause);
	int rc = -1;

	if (doc == NULL)
		return -1;
	switch (kind) {
	case MODEL_DOC_BUGS:
		rc = model_bugs_from_doc(doc, out, cause);
		break;
	case MODEL_DOC_COMMENTS:
		rc = model_comments_from_doc(doc, out, cause);
		break;
	case MODEL_DOC_HISTORY:
		rc = model_history_from_doc(doc, out, cause);
		break;
	case MODEL_DOC_TIME:
		rc = model_time_from_doc(doc, out, cause);
		break;
	case MODEL_DOC_WHOAMI:
		rc = model_whoami_from_doc(doc, out, cause);
		break;
	case MODEL_DOC_VERSION:
		rc = model_version_from_doc(doc, out, cause);
		break;
	}
	model_doc_free(doc);
	return rc;
}

/* Parse {"bugs":[...]} into out; see model.h. */
int
model_bugs_from_json(
    const char *body, size_t len, struct bug_list *out, char **cause)
{
	return model_doc_read(body, len, MODEL_DOC_BUGS, out, cause);
}

/* Parse a comments body into out; see model.h. */
int
model_comments_from_json(
    const char *body, size_t len, struct comment_list *out, char **cause)
{
	return model_doc_read(body, len, MODEL_DOC_COMMENTS, out, cause);
}

/* Parse a history body into out; see model.h. */
int
model_history_from_json(
    const char *body, size_t len, struct history_list *out, char **cause)
{
	return model_doc_read(body, len, MODEL_DOC_HISTORY, out, cause);
}

/* Parse /rest/time's db_time; see model.h. */
int
model_time_from_json(
    const char *body, size_t len, time_t *db_time, char **cause)
{
	return model_doc_read(body, len, MODEL_DOC_TIME, db_time, cause);
}

/* Parse /rest/whoami's name; see model.h. */
int
model_whoami_from_json(const char *body, size_t len, char **name, char **cause)
{
	return model_doc_read(body, len, MODEL_DOC_WHOAMI, name, cause);
}

/* Parse /rest/version's version; see model.h. */
int
model_version_from_json(
    const char *body, size_t len, char **version, char **cause)
{
	return model_doc_read(body, len, MODEL_DOC_VERSION, version, cause);
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
