/*
 * The model: string lists, the bug, comment and history lists, and the pure
 * parsers from Bugzilla's REST JSON (jansson) into them.
 *
 * Every field kept is checked for its JSON type and, for times, its format.
 * A record that fails is dropped whole and logged with the bug it belongs
 * to: a half-trusted bug (say, one with a garbled last_change_time) would
 * otherwise drive deadlines from a value the server never sent.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "model.h"
#include "model_int.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The longest value of a string field: a comment's text is longer. */
static size_t
model_max_len(const char *key)
{
	if (strcmp(key, "text") == 0 || strcmp(key, "removed") == 0 ||
	    strcmp(key, "added") == 0)
		return MODEL_MAX_TEXT;
	return MODEL_MAX_STRING;
}

/* First capacity of a record list; it doubles from there. */
#define MODEL_LIST_MIN 16

/* What was wrong with a record: the field and a printable form of its value. */
struct model_err {
	char field[64];
	char value[96];
};

/* Append a copy of s to the list. */
void
strlist_add(struct strlist *sl, const char *s)
{
	sl->v = xreallocarray(sl->v, sl->n + 1, sizeof *sl->v);
	sl->v[sl->n++] = xstrdup(s);
}

/* Free every string and the array; the list is left empty. */
void
strlist_free(struct strlist *sl)
{
	size_t i;

	if (sl == NULL)
		return;
	for (i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = 0;
}

/* Return 1 if s is an element of the list, 0 if not. */
int
strlist_contains(const struct strlist *sl, const char *s)
{
	size_t i;

	for (i = 0; i < sl->n; i++) {
		if (strcmp(sl->v[i], s) == 0)
			return 1;
	}
	return 0;
}

/* Join the elements with sep into a new string ("" for an empty list). */
char *
strlist_join(const struct strlist *sl, const char *sep)
{
	size_t i, len = 1, seplen = strlen(sep), off = 0, n;
	char *out;

	for (i = 0; i < sl->n; i++) {
		n = strlen(sl->v[i]) + (i > 0 ? seplen : 0);
		if (n > SIZE_MAX - len)
			fatalx("strlist_join: too long");
		len += n;
	}
	out = xmalloc(len);
	for (i = 0; i < sl->n; i++) {
		if (i > 0) {
			memcpy(out + off, sep, seplen);
			off += seplen;
		}
		n = strlen(sl->v[i]);
		memcpy(out + off, sl->v[i], n);
		off += n;
	}
	out[off] = '\0';
	return out;
}

/* Free what a bug owns and zero it; the struct itself stays (it sits in a
 * list). */
void
model_bug_free(struct bug *b)
{
	size_t i;

	if (b == NULL)
		return;
	free(b->summary);
	free(b->status);
	free(b->resolution);
	free(b->whiteboard);
	free(b->product);
	free(b->component);
	free(b->creator);
	free(b->assigned_to);
	strlist_free(&b->cc);
	strlist_free(&b->groups);
	strlist_free(&b->keywords);
	for (i = 0; i < b->nflags; i++) {
		free(b->flags[i].name);
		free(b->flags[i].setter);
		free(b->flags[i].requestee);
	}
	free(b->flags);
	memset(b, 0, sizeof *b);
}

/* Free what a comment owns and zero it. */
void
model_comment_free(struct comment *c)
{
	if (c == NULL)
		return;
	free(c->creator);
	free(c->text);
	strlist_free(&c->tags);
	memset(c, 0, sizeof *c);
}

/* Free what a history entry owns and zero it. */
void
model_history_free(struct history *h)
{
	size_t i;

	if (h == NULL)
		return;
	free(h->who);
	for (i = 0; i < h->nchanges; i++) {
		free(h->changes[i].field);
		free(h->changes[i].removed);
		free(h->changes[i].added);
	}
	free(h->changes);
	memset(h, 0, sizeof *h);
}

/*
 * Make room for one more element of size bytes in *v (n used, *cap
 * allocated), doubling the capacity, and return the zeroed new slot.
 */
static void *
model_list_grow(void **v, size_t n, size_t *cap, size_t size)
{
	char *slot;

	if (n == *cap) {
		if (*cap > SIZE_MAX / 2)
			fatalx("model: list too long");
		*cap = *cap == 0 ? MODEL_LIST_MIN : *cap * 2;
		*v = xreallocarray(*v, *cap, size);
	}
	slot = (char *)*v + n * size;
	memset(slot, 0, size);
	return slot;
}

/* Append a zeroed bug to the list and return it. */
struct bug *
bug_list_add(struct bug_list *l)
{
	return model_list_grow((void **)&l->v, l->n++, &l->cap, sizeof *l->v);
}

/* Append a zeroed comment to the list and return it. */
struct comment *
comment_list_add(struct comment_list *l)
{
	return model_list_grow((void **)&l->v, l->n++, &l->cap, sizeof *l->v);
}

/* Append a zeroed history entry to the list and return it. */
struct history *
history_list_add(struct history_list *l)
{
	return model_list_grow((void **)&l->v, l->n++, &l->cap, sizeof *l->v);
}

/* Free every bug and the storage; the list is left empty. */
void
bug_list_free(struct bug_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		model_bug_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Free every comment and the storage; the list is left empty. */
void
comment_list_free(struct comment_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		model_comment_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Free every history entry and the storage; the list is left empty. */
void
history_list_free(struct history_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		model_history_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Describe v for a log line: a string quoted and escaped, else its type. */
static void
model_describe(const json_t *v, char *dst, size_t size)
{
	char esc[80];

	if (v == NULL)
		snprintf(dst, size, "(missing)");
	else if (json_is_string(v)) {
		log_escape(esc, sizeof esc, json_string_value(v));
		snprintf(dst, size, "\"%s\"", esc);
	} else if (json_is_integer(v))
		snprintf(
		    dst, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(dst, size, "(real)");
	else if (json_is_boolean(v))
		snprintf(dst, size, "%s", json_is_true(v) ? "true" : "false");
	else if (json_is_null(v))
		snprintf(dst, size, "null");
	else if (json_is_array(v))
		snprintf(dst, size, "(array)");
	else
		snprintf(dst, size, "(object)");
}

/* Record that field had the bad value v (NULL when missing); returns -1. */
static int
model_err_set(struct model_err *e, const char *field, const json_t *v)
{
	/* cppcheck-suppress ctuuninitvar */
	snprintf(e->field, sizeof e->field, "%s", field);
	model_describe(v, e->value, sizeof e->value);
	return -1;
}

/* Put array[i] before the field in e ("flags[2].status"); returns -1. */
static int
model_err_prefix(struct model_err *e, const char *array, size_t i)
{
	char field[sizeof e->field];

	if (snprintf(field, sizeof field, "%s[%zu]%s%s", array, i,
		e->field[0] != '\0' ? "." : "", e->field) < 0)
		field[0] = '\0';
	memcpy(e->field, field, sizeof e->field);
	return -1;
}

/* The member key of o, with JSON null taken as absent (NULL). */
static json_t *
model_get(const json_t *o, const char *key)
{
	json_t *v;

	v = json_object_get(o, key);
	if (v != NULL && json_is_null(v))
		return NULL;
	return v;
}

/*
 * Copy a JSON string.  Bodies are loaded with JSON_ALLOW_NUL, so that one
 * comment holding "\u0000" cannot make a whole response unreadable (and
 * stall every cycle); each NUL becomes U+FFFD, so no C string is cut short
 * and no text after it is lost.
 */
static char *
model_strdup(const json_t *v)
{
	const char *p = json_string_value(v);
	size_t len = json_string_length(v), i, nul = 0;
	struct buf b;

	for (i = 0; i < len; i++)
		nul += p[i] == '\0';
	if (nul == 0)
		return xstrdup(p);
	buf_init(&b, len + 2 * nul);
	for (i = 0; i < len; i++) {
		if (p[i] == '\0')
			buf_addstr(&b, "\xef\xbf\xbd");
		else
			buf_addch(&b, p[i]);
	}
	return buf_detach(&b);
}

/*
 * Copy the string member key into *out: absent or null gives a copy of dflt
 * (NULL stays NULL) unless required.  Returns 0 or -1 with e filled.
 */
static int
model_get_string(const json_t *o, const char *key, int required,
    const char *dflt, char **out, struct model_err *e)
{
	json_t *v = model_get(o, key);

	if (v == NULL) {
		if (required)
			return model_err_set(e, key, NULL);
		*out = dflt != NULL ? xstrdup(dflt) : NULL;
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) > model_max_len(key))
		return model_err_set(e, key, v);
	*out = model_strdup(v);
	return 0;
}

/*
 * Read the integer member key, at least min, into *out; absent or null gives
 * dflt unless required.  Returns 0 or -1 with e filled.
 */
static int
model_get_int(const json_t *o, const char *key, int required, int64_t min,
    int64_t dflt, int64_t *out, struct model_err *e)
{
	json_t *v = model_get(o, key);

	if (v == NULL) {
		if (required)
			return model_err_set(e, key, NULL);
		*out = dflt;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min)
		return model_err_set(e, key, v);
	*out = json_integer_value(v);
	return 0;
}

/*
 * Read the boolean member key into *out (1 or 0); absent gives dflt.  The
 * API never sends null for a boolean, so null is an error here.
 */
static int
model_get_bool(
    const json_t *o, const char *key, int dflt, int *out, struct model_err *e)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		*out = dflt;
		return 0;
	}
	if (!json_is_boolean(v))
		return model_err_set(e, key, v);
	*out = json_is_true(v);
	return 0;
}

/*
 * Parse the ISO-8601 string member key into *out; absent or null gives 0
 * unless required.  Returns 0 or -1 with e filled.
 */
static int
model_get_time(const json_t *o, const char *key, int required, time_t *out,
    struct model_err *e)
{
	json_t *v = model_get(o, key);
	time_t t;

	if (v == NULL) {
		if (required)
			return model_err_set(e, key, NULL);
		*out = 0;
		return 0;
	}
	if (!json_is_string(v) ||
	    timeutil_parse_iso(json_string_value(v), &t) != 0)
		return model_err_set(e, key, v);
	*out = t;
	return 0;
}

/* Append the array of strings member key to sl; absent or null adds none. */
static int
model_get_strlist(
    const json_t *o, const char *key, struct strlist *sl, struct model_err *e)
{
	json_t *v = model_get(o, key), *s;
	size_t i;
	char field[64];

	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > MODEL_MAX_LIST)
		return model_err_set(e, key, v);
	for (i = 0; i < json_array_size(v); i++) {
		s = json_array_get(v, i);
		if (!json_is_string(s) ||
		    json_string_length(s) > MODEL_MAX_STRING) {
			snprintf(field, sizeof field, "%s[%zu]", key, i);
			return model_err_set(e, field, s);
		}
		{
			char *copy = model_strdup(s);

			strlist_add(sl, copy);
			free(copy);
		}
	}
	return 0;
}

/* Parse one flag object into f, which the caller frees on any result. */
static int
model_parse_flag(const json_t *o, struct flag *f, struct model_err *e)
{
	json_t *v;
	const char *s;

	if (!json_is_object(o))
		return model_err_set(e, "", o);
	if (model_get_int(o, "id", 1, 1, 0, &f->id, e) != 0 ||
	    model_get_int(o, "type_id", 1, 1, 0, &f->type_id, e) != 0 ||
	    model_get_string(o, "name", 1, NULL, &f->name, e) != 0 ||
	    model_get_string(o, "setter", 0, NULL, &f->setter, e) != 0 ||
	    model_get_string(o, "requestee", 0, NULL, &f->requestee, e) != 0 ||
	    model_get_time(o, "creation_date", 1, &f->creation_date, e) != 0 ||
	    model_get_time(
		o, "modification_date", 1, &f->modification_date, e) != 0)
		return -1;
	v = json_object_get(o, "status");
	if (v == NULL || !json_is_string(v))
		return model_err_set(e, "status", v);
	s = json_string_value(v);
	if (strcmp(s, "?") != 0 && strcmp(s, "+") != 0 && strcmp(s, "-") != 0)
		return model_err_set(e, "status", v);
	f->status = s[0];
	return 0;
}

/*
 * Parse the flags array member of o into b's flags.  A malformed flag is
 * dropped with a warning and the bug kept: losing a whole incident over
 * one bad flag would stop every clock of it.  A flags member that is not
 * an array at all still fails the bug.
 */
static int
model_parse_flags(const json_t *o, struct bug *b, struct model_err *e)
{
	json_t *v = model_get(o, "flags"), *fo;
	struct flag *f;
	size_t i;

	if (v == NULL)
		return 0;
	if (!json_is_array(v) || json_array_size(v) > MODEL_MAX_LIST)
		return model_err_set(e, "flags", v);
	if (json_array_size(v) == 0)
		return 0;
	b->flags = xcalloc(json_array_size(v), sizeof *b->flags);
	for (i = 0; i < json_array_size(v); i++) {
		fo = json_array_get(v, i);
		f = &b->flags[b->nflags];
		if (model_parse_flag(fo, f, e) == 0) {
			b->nflags++;
			continue;
		}
		model_err_prefix(e, "flags", i);
		log_warnx("model: bug %" PRId64 ": bad %s %s; flag skipped",
		    b->id, e->field, e->value);
		free(f->name);
		free(f->setter);
		free(f->requestee);
		memset(f, 0, sizeof *f);
		memset(e, 0, sizeof *e);
	}
	return 0;
}

/* Parse the fields of bug object o (id already read) into b. */
static int
model_parse_bug(const json_t *o, struct bug *b, struct model_err *e)
{
	if (model_get_string(o, "summary", 0, "", &b->summary, e) != 0 ||
	    model_get_string(o, "status", 0, "", &b->status, e) != 0 ||
	    model_get_string(o, "resolution", 0, "", &b->resolution, e) != 0 ||
	    model_get_string(o, "whiteboard", 0, "", &b->whiteboard, e) != 0 ||
	    model_get_string(o, "product", 0, "", &b->product, e) != 0 ||
	    model_get_string(o, "component", 0, "", &b->component, e) != 0 ||
	    model_get_string(o, "creator", 0, "", &b->creator, e) != 0 ||
	    model_get_string(o, "assigned_to", 0, NULL, &b->assigned_to, e) !=
		0)
		return -1;
	if (model_get_bool(o, "is_open", -1, &b->is_open, e) != 0 ||
	    model_get_time(o, "creation_time", 0, &b->creation_time, e) != 0 ||
	    model_get_time(o, "last_change_time", 0, &b->last_change_time, e) !=
		0 ||
	    model_get_int(o, "comment_count", 0, 0, -1, &b->comment_count, e) !=
		0)
		return -1;
	if (model_get_strlist(o, "cc", &b->cc, e) != 0 ||
	    model_get_strlist(o, "groups", &b->groups, e) != 0 ||
	    model_get_strlist(o, "keywords", &b->keywords, e) != 0)
		return -1;
	return model_parse_flags(o, b, e);
}

/*
 * Read the id of record number idx of what (an object with an integer "id"
 * above 0).  Returns 0, or -1 after logging why the record cannot be named.
 */
static int
model_record_id(const json_t *o, const char *what, size_t idx, int64_t *id)
{
	struct model_err e;

	if (!json_is_object(o)) {
		model_describe(o, e.value, sizeof e.value);
		log_warnx("model: %s record %zu: not an object: %s", what, idx,
		    e.value);
		return -1;
	}
	if (model_get_int(o, "id", 1, 1, 0, id, &e) != 0) {
		log_warnx(
		    "model: %s record %zu: bad id %s", what, idx, e.value);
		return -1;
	}
	return 0;
}

/* Parse {"bugs":[...]} into out; see model.h. */
int
model_bugs_from_doc(
    const struct model_doc *doc, struct bug_list *out, char **cause)
{
	const json_t *root = model_doc_root(doc);
	json_t *bugs, *o;
	struct bug b;
	struct model_err e;
	size_t i;
	int64_t id;
	int skipped = 0;

	bugs = json_object_get(root, "bugs");
	if (bugs == NULL || !json_is_array(bugs)) {
		xasprintf(cause, "model: bugs: bugs is not an array");
		return -1;
	}
	for (i = 0; i < json_array_size(bugs); i++) {
		o = json_array_get(bugs, i);
		if (model_record_id(o, "bug", i, &id) != 0) {
			skipped++;
			continue;
		}
		memset(&b, 0, sizeof b);
		b.id = id;
		if (model_parse_bug(o, &b, &e) != 0) {
			log_warnx("model: bug %" PRId64 ": bad %s %s", id,
			    e.field, e.value);
			model_bug_free(&b);
			skipped++;
			continue;
		}
		*bug_list_add(out) = b;
	}
	return skipped;
}

/*
 * Parse the fields of comment object o (id already read) into c.  key_bug
 * is the bug it was filed under, or 0 when bug_id must come from o.
 */
static int
model_parse_comment(
    const json_t *o, int64_t key_bug, struct comment *c, struct model_err *e)
{
	json_t *v;

	if (model_get_int(
		o, "bug_id", key_bug == 0, 1, key_bug, &c->bug_id, e) != 0)
		return -1;
	if (key_bug != 0 && c->bug_id != key_bug)
		return model_err_set(e, "bug_id", json_object_get(o, "bug_id"));
	if (model_get_int(o, "count", 0, 0, -1, &c->count, e) != 0 ||
	    model_get_bool(o, "is_private", 0, &c->is_private, e) != 0)
		return -1;
	if (model_get(o, "creator") != NULL || model_get(o, "author") == NULL)
		v = json_object_get(o, "creator");
	else
		v = json_object_get(o, "author");
	if (v == NULL || !json_is_string(v) ||
	    json_string_length(v) > MODEL_MAX_STRING)
		return model_err_set(e, "creator", v);
	c->creator = model_strdup(v);
	if (model_get(o, "creation_time") != NULL ||
	    model_get(o, "time") == NULL) {
		if (model_get_time(o, "creation_time", 1, &c->time, e) != 0)
			return -1;
	} else if (model_get_time(o, "time", 1, &c->time, e) != 0)
		return -1;
	if (model_get_string(o, "text", 1, NULL, &c->text, e) != 0 ||
	    model_get_strlist(o, "tags", &c->tags, e) != 0)
		return -1;
	return 0;
}

/*
 * Parse comment record o, number i of what (filed under bug key_bug, or 0
 * for the comment_ids map), into out.  Returns 1 if it was skipped, else 0.
 */
static int
model_parse_comment_at(const json_t *o, int64_t key_bug, const char *what,
    size_t i, struct comment_list *out)
{
	struct comment c;
	struct model_err e;
	int64_t id;

	if (model_record_id(o, what, i, &id) != 0)
		return 1;
	memset(&c, 0, sizeof c);
	c.id = id;
	if (model_parse_comment(o, key_bug, &c, &e) != 0) {
		log_warnx("model: %s %" PRId64 ": bad %s %s", what, id, e.field,
		    e.value);
		model_comment_free(&c);
		return 1;
	}
	*comment_list_add(out) = c;
	return 0;
}

/*
 * Parse the comments in array a, filed under bug key_bug, into out.
 * Returns the number skipped.
 */
static int
model_parse_comments(const json_t *a, int64_t key_bug, struct comment_list *out)
{
	size_t i;
	int skipped = 0;
	char what[48];

	snprintf(what, sizeof what, "bug %" PRId64 ": comment", key_bug);
	if (json_array_size(a) > MODEL_MAX_RECORDS) {
		log_warnx("model: %s: %zu records, more than %d: refused", what,
		    json_array_size(a), MODEL_MAX_RECORDS);
		return (int)json_array_size(a);
	}
	for (i = 0; i < json_array_size(a); i++)
		skipped += model_parse_comment_at(
		    json_array_get(a, i), key_bug, what, i, out);
	return skipped;
}

/* Parse one "ID": {"comments": [...]} member of the bugs map into out. */
static int
model_parse_bug_comments(
    const char *key, const json_t *v, struct comment_list *out)
{
	json_t *a;
	struct model_err e;
	long long id;
	const char *errstr;

	if (timeutil_strtonum(key, 1, INT64_MAX, &id, &errstr) != 0) {
		log_escape(e.value, sizeof e.value, key);
		log_warnx(
		    "model: comments: bug key \"%s\" %s", e.value, errstr);
		return 1;
	}
	a = json_is_object(v) ? json_object_get(v, "comments") : NULL;
	if (a == NULL || !json_is_array(a)) {
		model_describe(a != NULL ? a : v, e.value, sizeof e.value);
		log_warnx("model: bug %lld: bad comments %s", id, e.value);
		return 1;
	}
	return model_parse_comments(a, id, out);
}

/* Parse {"bugs":{"ID":{"comments":[...]}},"comments":{...}}; see model.h. */
int
model_comments_from_doc(
    const struct model_doc *doc, struct comment_list *out, char **cause)
{
	const json_t *root = model_doc_root(doc);
	json_t *bugs, *byid;
	void *it;
	size_t i = 0;
	int skipped = 0;

	bugs = json_object_get(root, "bugs");
	byid = model_get(root, "comments");
	if (bugs == NULL || !json_is_object(bugs)) {
		xasprintf(cause, "model: comments: bugs is not an object");
		return -1;
	}
	if (byid != NULL && !json_is_object(byid)) {
		xasprintf(cause, "model: comments: comments is not an object");
		return -1;
	}
	for (it = json_object_iter(bugs); it != NULL;
	     it = json_object_iter_next(bugs, it)) {
		skipped += model_parse_bug_comments(
		    json_object_iter_key(it), json_object_iter_value(it), out);
	}
	/* comment_ids answers: a map of comment id to comment. */
	for (it = byid != NULL ? json_object_iter(byid) : NULL; it != NULL;
	     it = json_object_iter_next(byid, it))
		skipped += model_parse_comment_at(
		    json_object_iter_value(it), 0, "comment", i++, out);
	return skipped;
}

/* Parse one change object o into ch, which the caller frees on any result. */
static int
model_parse_change(const json_t *o, struct change *ch, struct model_err *e)
{
	if (!json_is_object(o))
		return model_err_set(e, "", o);
	if (model_get_string(o, "field_name", 1, NULL, &ch->field, e) != 0 ||
	    model_get_string(o, "removed", 0, "", &ch->removed, e) != 0 ||
	    model_get_string(o, "added", 0, "", &ch->added, e) != 0)
		return -1;
	return 0;
}

/* Parse one history entry object o into h (bug_id already set). */
static int
model_parse_entry(const json_t *o, struct history *h, struct model_err *e)
{
	json_t *a, *co;
	size_t i;

	if (!json_is_object(o))
		return model_err_set(e, "entry", o);
	if (model_get_time(o, "when", 1, &h->when, e) != 0 ||
	    model_get_string(o, "who", 1, NULL, &h->who, e) != 0)
		return -1;
	a = json_object_get(o, "changes");
	if (a == NULL || !json_is_array(a) ||
	    json_array_size(a) > MODEL_MAX_LIST)
		return model_err_set(e, "changes", a);
	if (json_array_size(a) == 0)
		return 0;
	h->changes = xcalloc(json_array_size(a), sizeof *h->changes);
	for (i = 0; i < json_array_size(a); i++) {
		co = json_array_get(a, i);
		h->nchanges++;
		if (model_parse_change(co, &h->changes[i], e) != 0)
			return model_err_prefix(e, "changes", i);
	}
	return 0;
}

/* Parse the history array of bug id into out; returns the number skipped. */
static int
model_parse_history(const json_t *a, int64_t id, struct history_list *out)
{
	json_t *o;
	struct history h;
	struct model_err e;
	size_t i;
	int skipped = 0;

	if (json_array_size(a) > MODEL_MAX_RECORDS) {
		log_warnx("model: bug %" PRId64 ": %zu history entries, more "
			  "than %d: refused",
		    id, json_array_size(a), MODEL_MAX_RECORDS);
		return (int)json_array_size(a);
	}
	for (i = 0; i < json_array_size(a); i++) {
		o = json_array_get(a, i);
		memset(&h, 0, sizeof h);
		h.bug_id = id;
		if (model_parse_entry(o, &h, &e) != 0) {
			log_warnx("model: bug %" PRId64 ": history entry %zu: "
				  "bad %s %s",
			    id, i, e.field, e.value);
			model_history_free(&h);
			skipped++;
			continue;
		}
		*history_list_add(out) = h;
	}
	return skipped;
}

/* Parse {"bugs":[{"id":N,"history":[...]}]}; see model.h. */
int
model_history_from_doc(
    const struct model_doc *doc, struct history_list *out, char **cause)
{
	const json_t *root = model_doc_root(doc);
	json_t *bugs, *o, *a;
	struct model_err e;
	size_t i;
	int64_t id;
	int skipped = 0;

	bugs = json_object_get(root, "bugs");
	if (bugs == NULL || !json_is_array(bugs)) {
		xasprintf(cause, "model: history: bugs is not an array");
		return -1;
	}
	for (i = 0; i < json_array_size(bugs); i++) {
		o = json_array_get(bugs, i);
		if (model_record_id(o, "bug", i, &id) != 0) {
			skipped++;
			continue;
		}
		a = json_object_get(o, "history");
		if (a == NULL || !json_is_array(a)) {
			model_describe(a, e.value, sizeof e.value);
			log_warnx("model: bug %" PRId64 ": bad history %s", id,
			    e.value);
			skipped++;
			continue;
		}
		skipped += model_parse_history(a, id, out);
	}
	return skipped;
}

/*
 * Find the string member key of doc (what names the endpoint in errors):
 * 0 with *value pointing into doc, or -1 with *cause set.
 */
static int
model_doc_string(const struct model_doc *doc, const char *what, const char *key,
    const char **value, char **cause)
{
	json_t *v;
	char desc[96];

	v = json_object_get(model_doc_root(doc), key);
	if (v == NULL || !json_is_string(v) || *json_string_value(v) == '\0') {
		model_describe(v, desc, sizeof desc);
		xasprintf(cause, "model: %s: bad %s %s", what, key, desc);
		return -1;
	}
	*value = json_string_value(v);
	return 0;
}

/* Parse /rest/time's db_time; see model.h. */
int
model_time_from_doc(const struct model_doc *doc, time_t *db_time, char **cause)
{
	const char *s;
	char esc[80];

	if (model_doc_string(doc, "time", "db_time", &s, cause) != 0)
		return -1;
	if (timeutil_parse_iso(s, db_time) != 0) {
		log_escape(esc, sizeof esc, s);
		xasprintf(cause, "model: time: bad db_time \"%s\"", esc);
		return -1;
	}
	return 0;
}

/* Parse /rest/whoami's name; see model.h. */
int
model_whoami_from_doc(const struct model_doc *doc, char **name, char **cause)
{
	const char *s;

	if (model_doc_string(doc, "whoami", "name", &s, cause) != 0)
		return -1;
	*name = xstrdup(s);
	return 0;
}

/* Parse /rest/valid_login's result; see model.h. */
int
model_valid_login_from_doc(
    const struct model_doc *doc, int *valid, char **cause)
{
	json_t *v = json_object_get(model_doc_root(doc), "result");
	char desc[96];

	/* Older Bugzillas answer 1 or 0 where newer ones answer a boolean. */
	if (json_is_integer(v) &&
	    (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
		*valid = json_integer_value(v) == 1;
		return 0;
	}
	if (v == NULL || !json_is_boolean(v)) {
		model_describe(v, desc, sizeof desc);
		xasprintf(cause, "model: valid_login: bad result %s", desc);
		return -1;
	}
	*valid = json_is_true(v);
	return 0;
}

/* Parse /rest/version's version; see model.h. */
int
model_version_from_doc(
    const struct model_doc *doc, char **version, char **cause)
{
	const char *s;

	if (model_doc_string(doc, "version", "version", &s, cause) != 0)
		return -1;
	*version = xstrdup(s);
	return 0;
}

/* Recognise a Bugzilla error object; see model.h. */
int
model_doc_error(const struct model_doc *doc, long *code, char **message)
{
	const json_t *root = model_doc_root(doc);
	json_t *v;

	v = json_object_get(root, "code");
	if (!json_is_true(json_object_get(root, "error")) || v == NULL ||
	    !json_is_integer(v) || json_integer_value(v) < INT_MIN ||
	    json_integer_value(v) > INT_MAX)
		return 0;
	*code = (long)json_integer_value(v);
	v = json_object_get(root, "message");
	*message = xstrdup(json_is_string(v) ? json_string_value(v) : "");
	return 1;
}
