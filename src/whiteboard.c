/*
 * The whiteboard parser.  One pass over the text splits it into bracketed
 * items and the free text between them; a bracketed item is a tag, a
 * "[close on DATE]" or a "[Next update DATE]", and the free text is searched
 * for "Next update DATE".  Dates are read by one small reader that knows
 * every form real bugs carry.  Character classes are ASCII and written out
 * here, so no locale can change what is read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ascii.h"
#include "datetext.h"
#include "log.h"
#include "timeutil.h"
#include "whiteboard.h"
#include "xmalloc.h"

/* Bytes of the input quoted in a warning. */
#define WB_QUOTE_MAX 40

/* The state of one parse. */
struct wb_state {
	struct whiteboard *wb;
	const char *text;
	size_t len;
	time_t ref[2]; /* when the Next update and close on texts were
			  written; 0: unknown */
	int nnext;     /* "Next update" mentions */
	int tags_full; /* the tag limit was warned */
};

/* Return 1 if the n bytes at s start with word, ignoring ASCII case. */
static int
wb_prefix(const char *s, size_t n, const char *word)
{
	size_t i, wl = strlen(word);

	if (n < wl)
		return 0;
	for (i = 0; i < wl; i++) {
		if (ascii_tolower(s[i]) != word[i])
			return 0;
	}
	return 1;
}

/* Append a copy of the n bytes at s to a list. */
static void
wb_list_addn(struct strlist *l, const char *s, size_t n)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrndup(s, n);
}

/* Free a list's strings and storage and leave it empty. */
static void
wb_list_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Return 1 if s is in the list. */
static int
wb_list_has(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], s) == 0)
			return 1;
	}
	return 0;
}

/* Add a warning; past the limit the last one says the rest were dropped. */
static void CCWATCH_PRINTF(2, 3)
    wb_warn(struct whiteboard *wb, const char *fmt, ...)
{
	static const char full[] = "too many warnings; the rest were dropped";
	va_list ap;
	char *s;

	if (wb->warnings.n >= WHITEBOARD_MAX_WARNINGS)
		return;
	if (wb->warnings.n == WHITEBOARD_MAX_WARNINGS - 1) {
		wb_list_addn(&wb->warnings, full, strlen(full));
		return;
	}
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	wb_list_addn(&wb->warnings, s, strlen(s));
	free(s);
}

/* Clamp a length for quoting in a warning. */
static int
wb_clamp(size_t n)
{
	return n > WB_QUOTE_MAX ? WB_QUOTE_MAX : (int)n;
}

/* The length of a date's text to quote: up to a bracket, trimmed. */
static int
wb_quote_rest(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '[' && s[i] != ']'; i++)
		;
	while (i > 0 && ascii_isspace(s[i - 1]))
		i--;
	return wb_clamp(i);
}

/* Add a warning about one date (which: 0 Next update, 1 close on). */
static void CCWATCH_PRINTF(3, 4)
    wb_date_warn(struct wb_state *st, int which, const char *fmt, ...)
{
	struct whiteboard *wb = st->wb;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	wb_warn(wb, "%s", s);
	wb_list_addn(
	    which ? &wb->close_on_notes : &wb->next_update_notes, s, strlen(s));
	free(s);
}

/*
 * Read the date of a "Next update" or "close on" (which 0 or 1) at s: the
 * earliest readable date of its kind is kept.  Warns about what cannot be
 * read.  Returns the bytes of the date that were read.
 */
static size_t
wb_take_date(struct wb_state *st, int which, const char *s, size_t n)
{
	struct whiteboard *wb = st->wb;
	const char *what = which ? "close on" : "next update";
	struct datetext d, *cur = which ? &wb->close_on : &wb->next_update;
	int *has = which ? &wb->has_close_on : &wb->has_next_update;
	size_t used = 0;
	enum datetext_result r;
	int q;

	r = datetext_read(s, n, st->ref[which], &d, &used);
	if (r == DATETEXT_OK) {
		if (!*has || datetext_cmp(&d, cur) < 0) {
			datetext_clear(cur);
			*cur = d;
		} else
			datetext_clear(&d);
		*has = 1;
		if (which)
			wb->close_on_dates++;
		else
			wb->next_update_dates++;
		return used;
	}
	q = wb_quote_rest(s, n);
	if (r == DATETEXT_IMPOSSIBLE)
		wb_date_warn(st, which, "%s: impossible date '%.*s'", what,
		    wb_clamp(used), s);
	else if (q == 0)
		wb_date_warn(st, which, "%s: no date", what);
	else
		wb_date_warn(
		    st, which, "%s: cannot read date '%.*s'", what, q, s);
	return used;
}

/*
 * Match "next update" (any case; spaces, '-' or '_' between the words) at
 * the start of the n bytes at s.  Returns its length, or 0.
 */
static size_t
wb_match_next(const char *s, size_t n)
{
	size_t i = 4;

	if (!wb_prefix(s, n, "next"))
		return 0;
	while (i < n && (ascii_isspace(s[i]) || s[i] == '-' || s[i] == '_'))
		i++;
	if (!wb_prefix(s + i, n - i, "update"))
		return 0;
	i += 6;
	if (i < n && ascii_isalnum(s[i]))
		return 0;
	return i;
}

/* Match "close on" like wb_match_next.  Returns its length, or 0. */
static size_t
wb_match_close(const char *s, size_t n)
{
	size_t i = 5;

	if (!wb_prefix(s, n, "close"))
		return 0;
	while (i < n && (ascii_isspace(s[i]) || s[i] == '-' || s[i] == '_'))
		i++;
	if (!wb_prefix(s + i, n - i, "on"))
		return 0;
	i += 2;
	if (i < n && ascii_isalnum(s[i]))
		return 0;
	return i;
}

/*
 * The bytes between "Next update" or "close on" and its date: spaces, an
 * optional ':', '=' or '-', and an optional "at", "on" or "by".
 */
static size_t
wb_skip_lead(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && ascii_isspace(s[i]))
		i++;
	if (i < n && (s[i] == ':' || s[i] == '=' || s[i] == '-'))
		i++;
	while (i < n && ascii_isspace(s[i]))
		i++;
	if (i + 2 < n && ascii_isspace(s[i + 2]) &&
	    (wb_prefix(s + i, 2, "at") || wb_prefix(s + i, 2, "on") ||
		wb_prefix(s + i, 2, "by"))) {
		i += 2;
		while (i < n && ascii_isspace(s[i]))
			i++;
	}
	return i;
}

/* Read the date after a "Next update" that ends at s; returns bytes used. */
static size_t
wb_next_update(struct wb_state *st, const char *s, size_t n)
{
	size_t skip = wb_skip_lead(s, n);

	st->nnext++;
	return skip + wb_take_date(st, 0, s + skip, n - skip);
}

/* Read the date after a "close on" that ends at s. */
static void
wb_close_on(struct wb_state *st, const char *s, size_t n)
{
	size_t skip = wb_skip_lead(s, n);

	st->wb->close_on_tags++;
	wb_take_date(st, 1, s + skip, n - skip);
}

/*
 * Normalise n bytes of tag text: ASCII lowercase, each run of spaces,
 * underscores and hyphens one '-', none at either end.  Allocated.
 */
static char *
wb_normalise(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t i, j = 0;
	int pending = 0;

	for (i = 0; i < n; i++) {
		if (ascii_isspace(s[i]) || s[i] == '_' || s[i] == '-') {
			pending = 1;
			continue;
		}
		if (pending && j > 0)
			out[j++] = '-';
		pending = 0;
		out[j++] = ascii_tolower(s[i]);
	}
	out[j] = '\0';
	return out;
}

/* Add the n bytes at s as a tag, unless empty, known or over the limit. */
static void
wb_add_tag(struct wb_state *st, const char *s, size_t n)
{
	struct whiteboard *wb = st->wb;
	char *norm = wb_normalise(s, n);

	if (*norm == '\0')
		wb_warn(wb, "empty tag '[%.*s]'", wb_clamp(n), s);
	else if (wb_list_has(&wb->norm_tags, norm))
		; /* the same tag twice says nothing new */
	else if (wb->tags.n >= WHITEBOARD_MAX_TAGS) {
		if (!st->tags_full)
			wb_warn(wb, "more than %d tags; the rest were dropped",
			    WHITEBOARD_MAX_TAGS);
		st->tags_full = 1;
	} else {
		wb_list_addn(&wb->tags, s, n);
		wb_list_addn(&wb->norm_tags, norm, strlen(norm));
	}
	free(norm);
}

/* Read the inside of one bracketed item, text[a, b). */
static void
wb_bracket(struct wb_state *st, size_t a, size_t b)
{
	const char *t = st->text;
	size_t m;

	while (a < b && ascii_isspace(t[a]))
		a++;
	while (b > a && ascii_isspace(t[b - 1]))
		b--;
	m = wb_match_close(t + a, b - a);
	if (m > 0) {
		wb_close_on(st, t + a + m, b - a - m);
		return;
	}
	m = wb_match_next(t + a, b - a);
	if (m > 0) {
		wb_next_update(st, t + a + m, b - a - m);
		return;
	}
	wb_add_tag(st, t + a, b - a);
}

/*
 * Search free text, text[a, b), for "Next update" and read each date.
 * Returns where the last date read ended (a if none was).
 */
static size_t
wb_scan_text(struct wb_state *st, size_t a, size_t b)
{
	const char *t = st->text;
	size_t i = a, end = a, m;

	while (i < b) {
		m = 0;
		if (i == a || !ascii_isalnum(t[i - 1]))
			m = wb_match_next(t + i, b - i);
		if (m == 0) {
			i++;
			continue;
		}
		i += m;
		i += wb_next_update(st, t + i, b - i);
		end = i;
	}
	return end;
}

/*
 * A ']' at text[i] with no '[' before it: read the free text since the last
 * item, then what is left of it, up to the ']', as if it were bracketed
 * ("[ca-compliance] audit-finding]").
 */
static void
wb_stray_close(struct wb_state *st, size_t seg, size_t i)
{
	const char *t = st->text;
	size_t k = wb_scan_text(st, seg, i);

	while (k < i && ascii_isspace(t[k]))
		k++;
	if (k == i) {
		wb_warn(st->wb, "unbalanced bracket: ']' without '['");
		return;
	}
	wb_warn(st->wb, "unbalanced bracket: read '%.*s]' as '[%.*s]'",
	    wb_clamp(i - k), t + k, wb_clamp(i - k), t + k);
	wb_bracket(st, k, i);
}

/*
 * A '[' at text[a - 1] that another '[' or the end follows before any ']'
 * (text[a, b)): its first word is the tag, unless it is a "Next update" or
 * "close on", and the rest is free text.
 */
static void
wb_unclosed(struct wb_state *st, size_t a, size_t b)
{
	const char *t = st->text;
	size_t k;

	while (a < b && ascii_isspace(t[a]))
		a++;
	if (wb_match_close(t + a, b - a) > 0 ||
	    wb_match_next(t + a, b - a) > 0) {
		wb_warn(st->wb, "unbalanced bracket: '[' without ']'");
		wb_bracket(st, a, b);
		return;
	}
	for (k = a; k < b && !ascii_isspace(t[k]); k++)
		;
	if (k == a) {
		wb_warn(st->wb, "unbalanced bracket: '[' without ']'");
		return;
	}
	wb_warn(st->wb, "unbalanced bracket: read '[%.*s' as '[%.*s]'",
	    wb_clamp(k - a), t + a, wb_clamp(k - a), t + a);
	wb_bracket(st, a, k);
	wb_scan_text(st, k, b);
}

/* Read the item opened by the '[' at text[i]; returns where to go on. */
static size_t
wb_open(struct wb_state *st, size_t i)
{
	const char *t = st->text;
	size_t j;

	for (j = i + 1; j < st->len && t[j] != '[' && t[j] != ']'; j++)
		;
	if (j < st->len && t[j] == ']') {
		wb_bracket(st, i + 1, j);
		return j + 1;
	}
	wb_unclosed(st, i + 1, j);
	return j;
}

/* Warn about how a kept date was read: ambiguity, repetition, no year. */
static void
wb_finish_date(struct wb_state *st, int which, int count)
{
	struct whiteboard *wb = st->wb;
	const char *what = which ? "close on" : "next update";
	const struct datetext *d = which ? &wb->close_on : &wb->next_update;
	char a[DATETEXT_ISO_LEN], b[DATETEXT_ISO_LEN], from[DATETEXT_ISO_LEN];
	time_t t = st->ref[which] - (time_t)DATETEXT_LOOKBACK_DAYS * 86400;
	struct tm tm;

	if (!(which ? wb->has_close_on : wb->has_next_update))
		return;
	if (d->ambiguous)
		wb_date_warn(st, which,
		    "%s: ambiguous date '%.*s' (%s or %s); using %s", what,
		    wb_clamp(strlen(d->raw)), d->raw,
		    datetext_format(d->year, d->mon, d->day, a),
		    datetext_format(d->alt_year, d->alt_mon, d->alt_day, b), a);
	if (count > 1)
		wb_date_warn(st, which,
		    "%s: %d dates written; using the earliest, '%.*s'", what,
		    count, wb_clamp(strlen(d->raw)), d->raw);
	if (d->year_inferred && gmtime_r(&t, &tm) != NULL)
		wb_date_warn(st, which,
		    "%s: '%.*s' has no year; read as %s, the first such day "
		    "from %s (%d days before the text was written)",
		    what, wb_clamp(strlen(d->raw)), d->raw,
		    datetext_format(d->year, d->mon, d->day, a),
		    datetext_format(
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, from),
		    DATETEXT_LOOKBACK_DAYS);
}

/* Warn about what only the whole text shows. */
static void
wb_finish(struct wb_state *st)
{
	wb_finish_date(st, 0, st->wb->next_update_dates);
	wb_finish_date(st, 1, st->wb->close_on_dates);
}

/* Parse a whiteboard written at an unknown time; see whiteboard.h. */
void
whiteboard_parse(const char *text, struct whiteboard *out)
{
	whiteboard_parse_at(text, 0, out);
}

/* Parse a whiteboard written at ref; see whiteboard.h. */
void
whiteboard_parse_at(const char *text, time_t ref, struct whiteboard *out)
{
	whiteboard_parse_refs(text, ref, ref, out);
}

/* Parse a whiteboard whose two dates were written apart; see whiteboard.h. */
void
whiteboard_parse_refs(
    const char *text, time_t next_ref, time_t close_ref, struct whiteboard *out)
{
	struct wb_state st;
	size_t i = 0, seg = 0;

	memset(out, 0, sizeof *out);
	memset(&st, 0, sizeof st);
	st.wb = out;
	st.ref[0] = next_ref;
	st.ref[1] = close_ref;
	st.text = text == NULL ? "" : text;
	st.len = strnlen(st.text, WHITEBOARD_MAX_INPUT + 1);
	if (st.len > WHITEBOARD_MAX_INPUT) {
		st.len = WHITEBOARD_MAX_INPUT;
		wb_warn(out, "longer than %zu bytes; the rest was not read",
		    WHITEBOARD_MAX_INPUT);
	}
	while (i < st.len) {
		if (st.text[i] == '[') {
			wb_scan_text(&st, seg, i);
			i = seg = wb_open(&st, i);
		} else if (st.text[i] == ']') {
			wb_stray_close(&st, seg, i);
			seg = ++i;
		} else
			i++;
	}
	wb_scan_text(&st, seg, st.len);
	wb_finish(&st);
}

/* Free a parsed whiteboard. */
void
whiteboard_free(struct whiteboard *wb)
{
	if (wb == NULL)
		return;
	wb_list_free(&wb->tags);
	wb_list_free(&wb->norm_tags);
	wb_list_free(&wb->warnings);
	wb_list_free(&wb->next_update_notes);
	wb_list_free(&wb->close_on_notes);
	datetext_clear(&wb->next_update);
	datetext_clear(&wb->close_on);
	memset(wb, 0, sizeof *wb);
}

/* Return 1 if a tag holds tag as a whole hyphen-separated run. */
int
whiteboard_has_tag(const struct whiteboard *wb, const char *tag)
{
	char *norm;
	const char *t, *q;
	size_t i, nl;
	int found = 0;

	if (wb == NULL || tag == NULL)
		return 0;
	norm = wb_normalise(tag, strlen(tag));
	nl = strlen(norm);
	for (i = 0; nl > 0 && !found && i < wb->norm_tags.n; i++) {
		t = wb->norm_tags.v[i];
		for (q = strstr(t, norm); q != NULL && !found;
		     q = strstr(q + 1, norm))
			found = (q == t || q[-1] == '-') &&
			    (q[nl] == '\0' || q[nl] == '-');
	}
	free(norm);
	return found;
}

/* Return the last second of the date's day in a zone. */
time_t
whiteboard_date_end(const struct datetext *d, const struct zone *z)
{
	if (d == NULL)
		return -1;
	return zone_day_end(z, d->year, d->mon, d->day);
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
wb_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		lo = s[0] == 0xe0 ? 0xa0 : lo; /* overlong */
		hi = s[0] == 0xed ? 0x9f : hi; /* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		lo = s[0] == 0xf0 ? 0x90 : lo; /* overlong */
		hi = s[0] == 0xf4 ? 0x8f : hi; /* past U+10FFFF */
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return len;
}

/* U+FFFD REPLACEMENT CHARACTER in UTF-8: three bytes, no terminator. */
static const char wb_replacement[] = {'\xef', '\xbf', '\xbd'};

/* A JSON string of s, each byte that is not UTF-8 written as U+FFFD. */
static json_t *
wb_json_string(const char *s)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u), i = 0, j = 0, k;
	char *clean = xreallocarray(NULL, n + 1, 3);
	json_t *js;

	while (i < n) {
		k = wb_utf8_seq(u + i, n - i);
		if (k == 0) {
			memcpy(
			    clean + j, wb_replacement, sizeof wb_replacement);
			j += sizeof wb_replacement;
			i++;
			continue;
		}
		memcpy(clean + j, u + i, k);
		j += k;
		i += k;
	}
	js = json_stringn(clean, j);
	free(clean);
	if (js == NULL)
		fatalx("whiteboard: cannot make a JSON string");
	return js;
}

/* A JSON array of a list's strings. */
static json_t *
wb_json_list(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, wb_json_string(l->v[i]));
	return a;
}

/* A date as JSON: as written, as read, its readings. */
static json_t *
wb_json_date(const struct datetext *d)
{
	json_t *o = json_object(), *alts;
	char buf[DATETEXT_ISO_LEN];

	json_object_set_new(o, "raw", wb_json_string(d->raw));
	datetext_format(d->year, d->mon, d->day, buf);
	json_object_set_new(o, "date", json_string(buf));
	json_object_set_new(o, "ambiguous", json_boolean(d->ambiguous));
	alts = json_array();
	json_array_append_new(alts, json_string(buf));
	if (d->ambiguous) {
		datetext_format(d->alt_year, d->alt_mon, d->alt_day, buf);
		json_array_append_new(alts, json_string(buf));
	}
	json_object_set_new(o, "alternatives", alts);
	json_object_set_new(o, "year_inferred", json_boolean(d->year_inferred));
	return o;
}

/* Render a parsed whiteboard as JSON; see whiteboard.h. */
char *
whiteboard_to_json(const struct whiteboard *wb)
{
	static const struct whiteboard empty;
	json_t *root = json_object();
	json_malloc_t jmalloc;
	json_free_t jfree;
	char *s, *out;

	if (wb == NULL)
		wb = &empty;
	json_object_set_new(root, "tags", wb_json_list(&wb->norm_tags));
	json_object_set_new(root, "next_update",
	    wb->has_next_update ? wb_json_date(&wb->next_update) : json_null());
	json_object_set_new(root, "close_on",
	    wb->has_close_on ? wb_json_date(&wb->close_on) : json_null());
	json_object_set_new(root, "warnings", wb_json_list(&wb->warnings));
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (s == NULL)
		fatalx("whiteboard: cannot encode JSON");
	/* Hand back memory the caller can free(), whatever jansson uses. */
	out = xstrdup(s);
	json_get_alloc_funcs(&jmalloc, &jfree);
	jfree(s);
	return out;
}
