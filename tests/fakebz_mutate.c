/*
 * The changes a test makes to the fake's corpus between cycles, each
 * stamped with the fake's clock and recorded in the bug's history in BMO's
 * format.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fakebz_int.h"
#include "xmalloc.h"

/*
 * Add one change to the bug's history at now by who, joining the entry of
 * the same who and second as Bugzilla's activity grouping does.
 */
static void
fakebz_add_change(json_t *bug, time_t now, const char *who, const char *field,
    const char *removed, const char *added)
{
	json_t *hist = json_object_get(bug, "history");
	json_t *last = json_array_get(hist, json_array_size(hist) - 1);
	json_t *change;

	if (strcmp(removed, added) == 0)
		return;
	change = json_pack("{s:s,s:s,s:s}", "field_name", field, "removed",
	    removed, "added", added);
	if (last == NULL || fakebz_time_of(last, "when") != now ||
	    strcmp(json_string_value(json_object_get(last, "who")), who) != 0) {
		last = json_pack("{s:o,s:s,s:[]}", "when",
		    fakebz_time_json(now), "who", who, "changes");
		json_array_append_new(hist, last);
	}
	json_array_append_new(json_object_get(last, "changes"), change);
}

/* Stamp a changed bug with now. */
static void
fakebz_touch(json_t *bug, time_t now)
{
	json_object_set_new(bug, "last_change_time", fakebz_time_json(now));
}

/* The largest "id" of the objects in member list over every bug. */
static json_int_t
fakebz_max_id(struct fakebz *fb, const char *list)
{
	json_int_t max = 0, v;
	json_t *bug, *o;
	size_t i, j;

	json_array_foreach(fb->bugs, i, bug)
	    json_array_foreach(json_object_get(bug, list), j, o)
	{
		v = json_integer_value(json_object_get(o, "id"));
		if (v > max)
			max = v;
	}
	return max;
}

/* Compute the largest bug, comment and flag ids of the corpus. */
void
fakebz_scan_ids(struct fakebz *fb)
{
	json_t *bug;
	size_t i;

	fb->max_bug = 0;
	json_array_foreach(fb->bugs, i,
	    bug) if (json_integer_value(json_object_get(bug, "id")) >
	    fb->max_bug) fb->max_bug =
	    json_integer_value(json_object_get(bug, "id"));
	fb->max_comment = fakebz_max_id(fb, "comments");
	fb->max_flag = fakebz_max_id(fb, "flags");
}

/* Build a stored comment. */
static json_t *
fakebz_comment_new(json_int_t id, json_int_t bug, json_int_t count,
    const char *who, const char *text, int is_private, time_t now)
{
	return json_pack(
	    "{s:I,s:I,s:I,s:s,s:s,s:o,s:o,s:s,s:s,s:b,s:n,s:[],s:{}}", "id", id,
	    "bug_id", bug, "count", count, "creator", who, "author", who,
	    "time", fakebz_time_json(now), "creation_time",
	    fakebz_time_json(now), "text", text, "raw_text", text, "is_private",
	    is_private, "attachment_id", "tags", "reactions");
}

/* File a bug as reporter, assigned to assignee, with a new id above all. */
int64_t
fakebz_add_report(struct fakebz *fb, const char *product, const char *component,
    const char *summary, const char *reporter, const char *assignee,
    const char *description)
{
	json_t *bug;
	json_int_t id;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	now = fakebz_clock(fb);
	id = ++fb->max_bug;
	bug = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:I}", "id",
	    id, "product", product, "component", component, "summary", summary,
	    "creator", reporter, "assigned_to", assignee, "status", "NEW",
	    "resolution", "", "creation_time", fakebz_time_json(now),
	    "last_change_time", fakebz_time_json(now), "comment_count",
	    (json_int_t)1);
	fakebz_normalise_bug(fb, bug);
	json_array_append_new(json_object_get(bug, "comments"),
	    fakebz_comment_new(
		++fb->max_comment, id, 0, reporter, description, 0, now));
	json_array_append_new(fb->bugs, bug);
	pthread_mutex_unlock(&fb->lock);
	return id;
}

/* File a CA's own report: the creator is the assignee; see fakebz.h. */
int64_t
fakebz_add_bug(struct fakebz *fb, const char *product, const char *component,
    const char *summary, const char *creator, const char *description)
{
	return fakebz_add_report(
	    fb, product, component, summary, creator, creator, description);
}

/* Add a comment; returns its id or -1 without such a bug. */
int64_t
fakebz_add_comment(struct fakebz *fb, int64_t id, const char *who,
    const char *text, int is_private)
{
	json_t *bug, *comments, *c;
	json_int_t cid = -1, count = 0;
	size_t i;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug == NULL)
		goto out;
	now = fakebz_clock(fb);
	comments = json_object_get(bug, "comments");
	json_array_foreach(comments, i,
	    c) if (json_integer_value(json_object_get(c, "count")) + 1 > count)
	    count = json_integer_value(json_object_get(c, "count")) + 1;
	cid = ++fb->max_comment;
	json_array_append_new(comments,
	    fakebz_comment_new(cid, id, count, who, text, is_private, now));
	json_object_set_new(bug, "comment_count",
	    json_integer(
		json_integer_value(json_object_get(bug, "comment_count")) + 1));
	fakebz_touch(bug, now);
out:
	pthread_mutex_unlock(&fb->lock);
	return cid;
}

/* Change the whiteboard. */
int
fakebz_set_whiteboard(
    struct fakebz *fb, int64_t id, const char *who, const char *whiteboard)
{
	json_t *bug;
	const char *old;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		now = fakebz_clock(fb);
		old = json_string_value(json_object_get(bug, "whiteboard"));
		fakebz_add_change(
		    bug, now, who, "whiteboard", old ? old : "", whiteboard);
		json_object_set_new(bug, "whiteboard", json_string(whiteboard));
		fakebz_touch(bug, now);
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* The history text of a needinfo flag for requestee (NULL: anyone). */
static char *
fakebz_needinfo_text(const char *requestee)
{
	char *s;

	if (requestee == NULL || *requestee == '\0')
		return xstrdup("needinfo?");
	xasprintf(&s, "needinfo?(%s)", requestee);
	return s;
}

/* Set a needinfo flag from setter to requestee (NULL: anyone). */
int
fakebz_set_needinfo(
    struct fakebz *fb, int64_t id, const char *setter, const char *requestee)
{
	json_t *bug, *flag;
	time_t now;
	char *text;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		now = fakebz_clock(fb);
		flag = json_pack("{s:I,s:s,s:i,s:s,s:s,s:o,s:o}", "id",
		    ++fb->max_flag, "name", "needinfo", "type_id",
		    FAKEBZ_NEEDINFO_ID, "status", "?", "setter", setter,
		    "creation_date", fakebz_time_json(now), "modification_date",
		    fakebz_time_json(now));
		if (requestee != NULL && *requestee != '\0')
			json_object_set_new(
			    flag, "requestee", json_string(requestee));
		json_array_append_new(json_object_get(bug, "flags"), flag);
		text = fakebz_needinfo_text(requestee);
		fakebz_add_change(bug, now, setter, "flagtypes.name", "", text);
		free(text);
		fakebz_touch(bug, now);
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* Clear the needinfo flags on requestee (NULL: every needinfo flag). */
int
fakebz_clear_needinfo(
    struct fakebz *fb, int64_t id, const char *who, const char *requestee)
{
	json_t *bug, *flags, *f;
	size_t i;
	const char *req;
	char *text;
	struct buf removed;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug == NULL)
		goto out;
	now = fakebz_clock(fb);
	buf_init(&removed, 1024 * 1024);
	flags = json_object_get(bug, "flags");
	for (i = 0; i < json_array_size(flags);) {
		f = json_array_get(flags, i);
		req = json_string_value(json_object_get(f, "requestee"));
		if (strcmp(json_string_value(json_object_get(f, "name")),
			"needinfo") != 0 ||
		    (requestee != NULL &&
			(req == NULL || strcmp(req, requestee) != 0))) {
			i++;
			continue;
		}
		text = fakebz_needinfo_text(req);
		if (removed.len > 0)
			buf_addstr(&removed, ", ");
		buf_addstr(&removed, text);
		free(text);
		json_array_remove(flags, i);
	}
	if (removed.len > 0) {
		fakebz_add_change(
		    bug, now, who, "flagtypes.name", buf_str(&removed), "");
		fakebz_touch(bug, now);
	}
	buf_free(&removed);
out:
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* Record who changed field of bug to value at now, then set it. */
static void
fakebz_change_field(json_t *bug, time_t now, const char *who, const char *field,
    const char *value)
{
	const char *old = json_string_value(json_object_get(bug, field));

	fakebz_add_change(bug, now, who, field, old ? old : "", value);
	json_object_set_new(bug, field, json_string(value));
}

/* Change status and resolution. */
int
fakebz_set_status(struct fakebz *fb, int64_t id, const char *who,
    const char *status, const char *resolution)
{
	json_t *bug;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		now = fakebz_clock(fb);
		fakebz_change_field(bug, now, who, "status", status);
		fakebz_change_field(bug, now, who, "resolution", resolution);
		json_object_set_new(bug, "is_open",
		    json_boolean(fakebz_status_is_open(status)));
		fakebz_touch(bug, now);
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* Restrict the bug to one group (NULL: make it public). */
int
fakebz_set_groups(struct fakebz *fb, int64_t id, const char *group)
{
	json_t *bug;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		json_object_set_new(bug, "groups",
		    group != NULL ? json_pack("[s]", group) : json_array());
		fakebz_touch(bug, fakebz_clock(fb));
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* Move a bug to another product and component. */
int
fakebz_move_bug(struct fakebz *fb, int64_t id, const char *who,
    const char *product, const char *component)
{
	json_t *bug;
	time_t now;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		now = fakebz_clock(fb);
		fakebz_change_field(bug, now, who, "product", product);
		fakebz_change_field(bug, now, who, "component", component);
		fakebz_touch(bug, now);
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* Make a comment private or public by its global id. */
int
fakebz_set_comment_private(struct fakebz *fb, int64_t comment, int priv)
{
	json_t *bug, *c;
	size_t i, j;
	int rc = -1;

	pthread_mutex_lock(&fb->lock);
	json_array_foreach(fb->bugs, i, bug)
	    json_array_foreach(json_object_get(bug, "comments"), j, c)
	{
		if (json_integer_value(json_object_get(c, "id")) != comment)
			continue;
		json_object_set_new(c, "is_private", json_boolean(priv));
		fakebz_touch(bug, fakebz_clock(fb));
		rc = 0;
	}
	pthread_mutex_unlock(&fb->lock);
	return rc;
}

/* Add n cc entries to a bug. */
int
fakebz_add_cc(struct fakebz *fb, int64_t id, const char *login, size_t n)
{
	json_t *bug, *cc;
	size_t i;

	pthread_mutex_lock(&fb->lock);
	bug = fakebz_find_bug(fb, id);
	if (bug != NULL) {
		cc = json_object_get(bug, "cc");
		if (!json_is_array(cc)) {
			cc = json_array();
			json_object_set_new(bug, "cc", cc);
		}
		for (i = 0; i < n; i++)
			json_array_append_new(cc, json_string(login));
		fakebz_touch(bug, fakebz_clock(fb));
	}
	pthread_mutex_unlock(&fb->lock);
	return bug != NULL ? 0 : -1;
}

/* Answer /rest/time with a fixed db_time. */
void
fakebz_set_db_time(struct fakebz *fb, time_t t)
{
	pthread_mutex_lock(&fb->lock);
	fb->db_time = t;
	pthread_mutex_unlock(&fb->lock);
}
