/*
 * The data ccwatch keeps of a Bugzilla bug: the bug's fields, its flags, its
 * comments and its history, and the pure parsers that turn the REST API's
 * JSON into them.  The parsers validate every field they keep; a record that
 * fails is skipped with a warning naming the bug, never trusted in part.
 * The one exception is a malformed flag inside a good bug: the flag is
 * dropped with a warning and the bug kept, so that one bad flag does not
 * stop every clock of an incident.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A list of strings; owns them.  Zero it to start; grow it with strlist_add. */
struct strlist {
	char **v;
	size_t n;
};

void strlist_add(struct strlist *, const char *);
void strlist_free(struct strlist *);
/* 1 if s is in the list (exact match). */
int strlist_contains(const struct strlist *, const char *);
/* The elements joined by sep, newly allocated. */
char *strlist_join(const struct strlist *, const char *sep);

/* A flag currently set on a bug, e.g. needinfo?(someone). */
struct flag {
	int64_t id;
	int64_t type_id;
	char *name;      /* "needinfo" */
	char status;     /* '?', '+' or '-' */
	char *setter;    /* NULL when the server gave none */
	char *requestee; /* NULL for a request "from anyone" */
	time_t creation_date;
	time_t modification_date;
};

/*
 * A bug.  Fields the server did not send take neutral values: "" for the
 * strings (NULL for assigned_to), 0 for the times, -1 for is_open and
 * comment_count, empty lists.  JSON null counts as not sent.
 */
struct bug {
	int64_t id; /* > 0 */
	char *summary;
	char *status;
	char *resolution; /* "" while open */
	int is_open;      /* 1, 0, or -1 when not sent */
	char *whiteboard; /* "" when empty */
	char *product;
	char *component;
	char *creator;
	char *assigned_to; /* NULL when not sent */
	time_t creation_time;
	time_t last_change_time;
	int64_t comment_count; /* -1 when not sent */
	struct strlist cc;
	struct strlist groups; /* non-empty means restricted */
	struct strlist keywords;
	struct flag *flags;
	size_t nflags;
};

/*
 * A comment.  id, creator (or "author"), creation_time (or "time") and text
 * are required; bug_id defaults to the bug it was filed under.
 */
struct comment {
	int64_t id;
	int64_t bug_id;
	int64_t count; /* 0 is the description; -1 not sent */
	char *creator;
	time_t time;
	char *text;     /* may be "" */
	int is_private; /* 0 when not sent */
	struct strlist tags;
};

/* One field changed in a history entry. */
struct change {
	char *field;   /* API name: "whiteboard", "flagtypes.name" */
	char *removed; /* "" when not sent */
	char *added;
};

/* One (who, when) group of changes to a bug. */
struct history {
	int64_t bug_id;
	time_t when;
	char *who;
	struct change *changes;
	size_t nchanges;
};

struct bug_list {
	struct bug *v;
	size_t n;
	size_t cap;
};

struct comment_list {
	struct comment *v;
	size_t n;
	size_t cap;
};

struct history_list {
	struct history *v;
	size_t n;
	size_t cap;
};

/* Free what a record owns and zero it (not the struct); accept NULL. */
void model_bug_free(struct bug *);
void model_comment_free(struct comment *);
void model_history_free(struct history *);

/* Append a new zeroed element and return it; the list owns it. */
struct bug *bug_list_add(struct bug_list *);
struct comment *comment_list_add(struct comment_list *);
struct history *history_list_add(struct history_list *);
/* Free every element and the list's storage; the list is left empty. */
void bug_list_free(struct bug_list *);
void comment_list_free(struct comment_list *);
void history_list_free(struct history_list *);

/*
 * Parsers of response bodies.  Each returns the number of records it skipped
 * as malformed (>= 0, each logged with the bug it belongs to), or -1 with
 * *cause set (allocated) when the body as a whole is not the expected shape:
 * invalid JSON (duplicate keys included), a top level that is not an
 * object, "bugs" missing or of the wrong type.  Records are appended to
 * *out, which the caller initialised (zeroed); on -1 nothing is appended.
 */
/* {"bugs":[{bug}...]} from search or Bug.get ("faults" ignored). */
int model_bugs_from_json(
    const char *, size_t, struct bug_list *out, char **cause);
/*
 * {"bugs":{"ID":{"comments":[...]}}, "comments":{...}}: the comments of each
 * bug in order, then those of the comment_ids map (which must carry bug_id).
 */
int model_comments_from_json(
    const char *, size_t, struct comment_list *out, char **cause);
/* {"bugs":[{"id":N, "history":[{when, who, changes:[...]}]}]}. */
int model_history_from_json(
    const char *, size_t, struct history_list *out, char **cause);

/*
 * Single-value bodies.  Each fails (-1 with *cause) on invalid JSON or a
 * missing, empty or non-string field.
 */
/* /rest/time: the db_time field.  Returns 0 or -1 with *cause. */
int model_time_from_json(const char *, size_t, time_t *db_time, char **cause);
/* /rest/whoami: the login name, allocated.  Returns 0 or -1 with *cause. */
int model_whoami_from_json(const char *, size_t, char **name, char **cause);
/* /rest/version: the version string, allocated.  Returns 0 or -1. */
int model_version_from_json(const char *, size_t, char **version, char **cause);
/*
 * What one response may hold (docs/SECURITY.md): past these a value or a
 * record is refused and logged, never stored.  MODEL_MAX_VALUES bounds the
 * JSON values of a body, checked by a scan before it is parsed (a 64 MiB
 * body of tiny values would otherwise take gigabytes to parse); a string
 * field holds at most MODEL_MAX_STRING bytes (a comment's text and a
 * change's removed/added MODEL_MAX_TEXT); a list (cc, groups, keywords,
 * flags, tags, a history entry's changes) MODEL_MAX_LIST entries, else
 * the record is skipped; a bug's comments or history in one response
 * MODEL_MAX_RECORDS records, else they are all skipped.
 */
#define MODEL_MAX_VALUES  2000000
#define MODEL_MAX_STRING  ((size_t)64 * 1024)
#define MODEL_MAX_TEXT    ((size_t)16 * 1024 * 1024)
#define MODEL_MAX_LIST    10000
#define MODEL_MAX_RECORDS 20000

/*
 * Scan a body before parsing it: 0, or -1 with *cause when it holds more
 * than MODEL_MAX_VALUES JSON values (or nests deeper than jansson reads).
 */
int model_prescan(const char *body, size_t len, char **cause);

/*
 * A Bugzilla error body {"error":true,"code":N,"message":...}.  Returns 1
 * with *code and *message (allocated; "" when absent) set, 0 if the body is
 * not one (outputs untouched).
 */
int model_error_from_json(const char *, size_t, long *code, char **message);

/*
 * A response body parsed once, so that the error check and the parser of
 * its records read one tree.  The tree lives in an arena of its own, which
 * model_doc_free drops whole (CCWATCH_JSON_ARENA=0 in the environment:
 * jansson's own allocations, to measure against).  model_doc_load returns
 * NULL with *cause set on invalid JSON (duplicate keys included) or a top
 * level that is not an object.
 */
struct model_doc;
struct model_doc *model_doc_load(const char *, size_t, char **cause);
void model_doc_free(struct model_doc *);
/* The parsers above over a loaded body; the same results. */
int model_bugs_from_doc(
    const struct model_doc *, struct bug_list *out, char **cause);
int model_comments_from_doc(
    const struct model_doc *, struct comment_list *out, char **cause);
int model_history_from_doc(
    const struct model_doc *, struct history_list *out, char **cause);
int model_time_from_doc(const struct model_doc *, time_t *, char **cause);
int model_whoami_from_doc(const struct model_doc *, char **, char **cause);
int model_version_from_doc(const struct model_doc *, char **, char **cause);
/* /rest/valid_login: *valid is its result (true or 1, false or 0). */
int model_valid_login_from_doc(
    const struct model_doc *, int *valid, char **cause);
int model_doc_error(const struct model_doc *, long *code, char **message);

#endif
