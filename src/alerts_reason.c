/*
 * Why a deadline is met, from the policy engine's evidence: the comment
 * (and its author) that met it and how late, a withdrawn question, a
 * whiteboard that moved the deadline, a closed bug, paused updates.  An
 * evaluation notes what it saw of every bug (alerts_seen) so that an
 * instance it no longer produces can be explained too.  A reason is a
 * JSON object: kind, text, by, comment, date (docs/webhook.md).
 */
#include <stdlib.h>
#include <string.h>

#include "alerts_int.h"
#include "buf.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Longest reason text. */
#define ALERTS_REASON_MAX 600

/*
 * The login after the last " by " of an evidence text (the engine writes
 * "... by LOGIN"), allocated, or NULL.
 */
static char *
alerts_reason_by(const char *text)
{
	const char *p, *last = NULL;
	size_t n;

	if (text == NULL)
		return NULL;
	for (p = text; (p = strstr(p, " by ")) != NULL; p += 4)
		last = p + 4;
	if (last == NULL)
		return NULL;
	n = strcspn(last, " ),;:");
	if (n == 0 || strchr(last, '@') == NULL)
		return NULL;
	return xstrndup(last, n);
}

/* A reason object; text is cleaned to one line. */
static json_t *
alerts_reason_new(const char *kind, const char *text, const char *by,
    int64_t comment, const char *date)
{
	struct buf b;
	json_t *o;

	buf_init(&b, ALERTS_REASON_MAX + 8);
	notify_clean_text(text, ALERTS_REASON_MAX, 1, &b);
	o = json_pack("{s:s, s:s, s:o, s:o, s:o}", "kind", kind, "text",
	    buf_str(&b), "by", by != NULL ? json_string(by) : json_null(),
	    "comment", comment >= 0 ? json_integer(comment) : json_null(),
	    "date", date != NULL ? json_string(date) : json_null());
	buf_free(&b);
	return o;
}

/* ", 22 days late" or ", on time" for a deadline met late_by after it. */
static void
alerts_reason_late(long long late_by, struct buf *b)
{
	if (late_by <= 0) {
		buf_addstr(b, ", on time");
		return;
	}
	buf_addstr(b, ", ");
	notify_format_span(late_by, b);
	buf_addstr(b, " late");
}

/* The evidence of a clock at time t (the last one), or NULL. */
static const struct evidence *
alerts_reason_at(const struct clock *c, time_t t)
{
	const struct evidence *e = NULL;
	size_t i;

	for (i = 0; i < c->nevidence; i++)
		if (c->evidence[i].time == t)
			e = &c->evidence[i];
	return e;
}

/* The first evidence whose text holds needle, or NULL. */
static const struct evidence *
alerts_reason_find(const struct clock *c, const char *needle)
{
	size_t i;

	for (i = c->nevidence; i > 0; i--)
		if (c->evidence[i - 1].text != NULL &&
		    strstr(c->evidence[i - 1].text, needle) != NULL)
			return &c->evidence[i - 1];
	return NULL;
}

/* Why a clock the engine calls met is met; see alerts_int.h. */
json_t *
alerts_reason_met(const struct clock *c)
{
	const struct evidence *e;
	struct buf b;
	json_t *o;
	char *by;

	e = alerts_reason_at(c, c->stopped_at);
	by = alerts_reason_by(e != NULL ? e->text : NULL);
	buf_init(&b, ALERTS_REASON_MAX);
	if (c->withdrawn) {
		buf_addstr(&b, "question withdrawn");
		if (by != NULL)
			buf_printf(&b, " by %s", by);
		o = alerts_reason_new(
		    "withdrawn", buf_str(&b), by, c->stopped_by_comment, NULL);
	} else {
		if (c->stopped_by_comment >= 0)
			buf_printf(&b, "met by comment %lld",
			    (long long)c->stopped_by_comment);
		else
			buf_addstr(&b, "met");
		if (by != NULL)
			buf_printf(&b, " (%s)", by);
		alerts_reason_late(c->late ? c->late_by : 0, &b);
		o = alerts_reason_new(
		    "met", buf_str(&b), by, c->stopped_by_comment, NULL);
	}
	buf_free(&b);
	free(by);
	return o;
}

/* Note an instance the evaluation produced (paused ones included). */
void
alerts_seen_clock(
    struct alerts_seen *s, int64_t bug, const char *kind, const struct clock *c)
{
	struct alerts_seen_clock *sc;
	const struct evidence *e;

	s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
	sc = &s->v[s->n++];
	memset(sc, 0, sizeof *sc);
	sc->bug = bug;
	sc->kind = xstrdup(kind);
	sc->started = c->started_at;
	sc->due = c->due;
	sc->paused = c->state == CLOCK_PAUSED;
	sc->start_comment = c->start_comment;
	e = alerts_reason_at(c, c->started_at);
	sc->start_text = xstrdup(e != NULL && e->text != NULL ? e->text : "");
	e = alerts_reason_find(c, "whiteboard set Next update");
	sc->move_text = e != NULL ? xstrdup(e->text) : NULL;
	e = alerts_reason_find(c, "paused");
	sc->pause_text = e != NULL ? xstrdup(e->text) : NULL;
	if (sc->pause_text != NULL && e->comment >= 0)
		sc->pause_comment = e->comment;
	else
		sc->pause_comment = -1;
}

/* Note a bug the evaluation skipped as closed. */
void
alerts_seen_closed(struct alerts_seen *s, const struct bug *b)
{
	s->closed = xreallocarray(s->closed, s->nclosed + 1, sizeof *s->closed);
	s->closed[s->nclosed].bug = b->id;
	xasprintf(&s->closed[s->nclosed].status, "%s %s",
	    b->status != NULL ? b->status : "",
	    b->resolution != NULL ? b->resolution : "");
	s->nclosed++;
}

/* Free what an evaluation noted. */
void
alerts_seen_free(struct alerts_seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].kind);
		free(s->v[i].start_text);
		free(s->v[i].move_text);
		free(s->v[i].pause_text);
	}
	for (i = 0; i < s->nclosed; i++)
		free(s->closed[i].status);
	free(s->v);
	free(s->closed);
	memset(s, 0, sizeof *s);
}

/* Who closed bug id: the last change of its resolution, or NULL. */
static char *
alerts_reason_closer(struct store *st, int64_t id)
{
	struct history_list hl;
	char *who = NULL, *cause = NULL;
	size_t i, j;

	memset(&hl, 0, sizeof hl);
	if (store_get_history(st, id, &hl, &cause) == -1) {
		free(cause);
		return NULL;
	}
	for (i = 0; i < hl.n; i++)
		for (j = 0; j < hl.v[i].nchanges; j++)
			if (hl.v[i].changes[j].field != NULL &&
			    strcmp(hl.v[i].changes[j].field, "resolution") ==
				0 &&
			    hl.v[i].changes[j].added != NULL &&
			    *hl.v[i].changes[j].added != '\0' &&
			    hl.v[i].who != NULL) {
				free(who);
				who = xstrdup(hl.v[i].who);
			}
	history_list_free(&hl);
	return who;
}

/* Why an instance the evaluation no longer produces is met. */
json_t *
alerts_reason_vanished(
    const struct alerts_seen *s, struct store *st, json_t *payload)
{
	const struct alerts_seen_clock *sc, *same = NULL;
	const char *kind;
	char date[TIMEUTIL_ISO_LEN], iso[TIMEUTIL_ISO_LEN], *by;
	struct buf b;
	json_t *o;
	int64_t bug;
	time_t started, due;
	size_t i;

	bug = json_integer_value(json_object_get(payload, "bug_id"));
	kind = json_string_value(json_object_get(payload, "instance"));
	if (kind == NULL)
		kind = json_string_value(json_object_get(payload, "clock"));
	started = json_integer_value(json_object_get(payload, "started_at"));
	due = json_integer_value(json_object_get(payload, "due"));
	buf_init(&b, ALERTS_REASON_MAX);
	for (i = 0; i < s->nclosed; i++) {
		if (s->closed[i].bug != bug)
			continue;
		by = alerts_reason_closer(st, bug);
		buf_printf(&b, "bug %s", s->closed[i].status);
		if (by != NULL)
			buf_printf(&b, " by %s", by);
		o = alerts_reason_new("resolved", buf_str(&b), by, -1, NULL);
		free(by);
		buf_free(&b);
		return o;
	}
	for (i = 0; i < s->n; i++) {
		sc = &s->v[i];
		if (sc->bug == bug && kind != NULL &&
		    strcmp(sc->kind, kind) == 0 && (same == NULL || sc->paused))
			same = sc;
	}
	if (same != NULL && same->paused) {
		by = alerts_reason_by(same->pause_text);
		buf_addstr(&b, "updates paused");
		if (same->pause_text != NULL) {
			buf_addstr(&b, ": ");
			buf_addstr(&b, same->pause_text);
		}
		o = alerts_reason_new(
		    "paused", buf_str(&b), by, same->pause_comment, NULL);
	} else if (same != NULL && same->started == started &&
	    same->due != due) {
		by = alerts_reason_by(same->move_text);
		snprintf(date, sizeof date, "%.10s",
		    timeutil_format_iso(same->due, iso));
		buf_printf(&b, "deadline moved to %s", date);
		if (by != NULL)
			buf_printf(&b, " by %s", by);
		buf_addstr(&b, " (whiteboard)");
		o = alerts_reason_new("moved", buf_str(&b), by, -1, date);
	} else if (same != NULL) {
		by = alerts_reason_by(same->start_text);
		if (same->start_comment >= 0)
			buf_printf(&b, "met by comment %lld",
			    (long long)same->start_comment);
		else
			buf_addstr(&b, "replaced by a new deadline");
		if (by != NULL)
			buf_printf(&b, " (%s)", by);
		if (same->start_comment >= 0)
			alerts_reason_late(
			    (long long)(same->started - due), &b);
		o = alerts_reason_new(
		    "met", buf_str(&b), by, same->start_comment, NULL);
	} else {
		by = NULL;
		o = alerts_reason_new("gone",
		    "this deadline no longer applies: the policy engine no "
		    "longer finds it",
		    NULL, -1, NULL);
	}
	free(by);
	buf_free(&b);
	return o;
}
