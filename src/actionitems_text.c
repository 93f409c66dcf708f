/*
 * Action Items in prose (see actionitems.h): the plain-text lists some CAs
 * post instead of a table, one item a line with a date and a status, and
 * whether a comment names an item by its number or its description.
 */
#include <stdlib.h>
#include <string.h>

#include "actionitems_int.h"
#include "ascii.h"
#include "ccwatch.h"
#include "markdown.h"
#include "xmalloc.h"

/* Words a label naming the list may have. */
#define AI_LABEL_WORDS 5
/* Lines one plain-text item may run over. */
#define AI_ITEM_LINES 8

/* Words that lead from a description to its date or status. */
static const char *const ai_fillers[] = {"due", "by", "status", "target",
    "date", "on", "is", "was", "now", "until", "deadline", "eta"};

/* 1 if a prose line labels an Action Items list. */
static int
ai_plain_label(const struct markdown_line *l)
{
	struct markdown_label lab;
	char f[96];
	size_t words = 1;
	const char *p;

	if (memchr(l->s, '|', l->len) != NULL ||
	    markdown_label(l->s, l->len, &lab) == -1 ||
	    !(lab.heading || lab.strong || lab.colon || lab.alone) ||
	    (lab.list && !lab.strong))
		return 0;
	markdown_fold(lab.text, lab.len, f, sizeof f);
	for (p = f; *p != '\0'; p++)
		words += *p == ' ';
	return words <= AI_LABEL_WORDS &&
	    (strstr(f, "action item") != NULL || strcmp(f, "action plan") == 0);
}

/* The bytes of a bullet ("- ", "* ", "+ ") after the indent, or 0. */
static size_t
ai_bullet(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i + 1 < len && (s[i] == '-' || s[i] == '*' || s[i] == '+') &&
	    (s[i + 1] == ' ' || s[i + 1] == '\t'))
		return i + 2;
	return 0;
}

/* 1 if the line is a row of a pipe table: its first character is '|'. */
static int
ai_table_line(const struct markdown_line *l)
{
	size_t i = 0;

	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i < l->len && l->s[i] == '|';
}

/* 1 if the line starts an item: a bullet, or a number ("1.", "AI-1"). */
static int
ai_item_start(const struct markdown_line *l)
{
	const char *rest;
	char *clean, *num;
	size_t skip = ai_bullet(l->s, l->len);

	if (skip > 0)
		return 1;
	clean = ai_clean_dup(l->s, l->len, 1);
	num = ai_take_number(clean, 0, &rest);
	free(clean);
	free(num);
	return num != NULL;
}

/* Trim what leads from a description to its date: separators, fillers. */
static void
ai_trim_description(char *d)
{
	size_t n = strlen(d), i, w;
	int changed = 1;

	while (changed && n > 0) {
		changed = 0;
		while (n > 0 && strchr(" -:,;([|/", d[n - 1]) != NULL) {
			n--;
			changed = 1;
		}
		while (n >= 3 &&
		    ((unsigned char)d[n - 3] == 0xe2 &&
			(unsigned char)d[n - 2] == 0x80 &&
			((unsigned char)d[n - 1] == 0x93 ||
			    (unsigned char)d[n - 1] == 0x94))) {
			n -= 3;
			changed = 1;
		}
		for (i = 0; i < CCWATCH_NELEM(ai_fillers); i++) {
			w = strlen(ai_fillers[i]);
			if (n > w &&
			    (d[n - w - 1] == ' ' || d[n - w - 1] == '(') &&
			    ai_word_is(d + n - w, w, ai_fillers[i])) {
				n -= w;
				changed = 1;
			}
		}
		d[n] = '\0';
	}
}

/*
 * The status words of text (len bytes): how many, the first one's
 * offset, length and status.
 */
static int
ai_find_status(const char *text, size_t len, size_t *at, size_t *wlen,
    enum actionitem_status *st)
{
	enum actionitem_status s;
	size_t i, w;
	int found = 0;

	for (i = 0; i < len; i++) {
		if (!ascii_isalpha(text[i]) ||
		    (i > 0 && ascii_isalnum(text[i - 1])))
			continue;
		s = ai_status_word(text + i, len - i, &w);
		if (s == ACTIONITEM_NONE)
			continue;
		if (found++ == 0) {
			*at = i;
			*wlen = w;
			*st = s;
		}
		i += w - 1;
	}
	return found;
}

/*
 * Read one plain-text item (its cleaned text) into *r.  Returns 1 for an
 * item, 0 for prose that names no date and no status, -1 (with *why)
 * when the line is not clear.
 */
static int
ai_plain_item(const char *text, int line, time_t written,
    struct actionitem_row *r, const char **why)
{
	struct datetext d;
	enum actionitem_status st = ACTIONITEM_NONE, box;
	const char *rest, *mark = text;
	size_t dat, sat = 0, slen = 0, cut, len, blen = 0;
	int ndates, nstatus, period, dateless;

	memset(r, 0, sizeof *r);
	r->line = line;
	box = ai_checkbox(text, strlen(text), &blen);
	if (box != ACTIONITEM_NONE)
		for (text += blen; *text == ' ' || *text == '\t'; text++)
			;
	r->number = ai_take_number(text, 0, &rest);
	len = strlen(rest);
	ndates = ai_find_dates(rest, len, written, 0, &d, &dat, &period, NULL);
	nstatus = ai_find_status(rest, len, &sat, &slen, &st);
	if (nstatus == 0 && box != ACTIONITEM_NONE) {
		/* the check box is the item's status */
		nstatus = 1;
		st = box;
		sat = len;
	}
	if (ndates == 0 && nstatus == 0) {
		ai_row_free(r);
		return 0;
	}
	/* a check box line may give no date: no due date, no warning */
	dateless = ndates == 0 && box != ACTIONITEM_NONE;
	*why = ndates == 0 && !dateless ? "no date"
	    : nstatus == 0              ? "no status"
	    : ndates > 1                ? "several dates"
	    : nstatus > 1               ? "several status words"
					: NULL;
	if (*why == NULL) {
		if (dateless)
			dat = len;
		cut = dat < sat ? dat : sat;
		r->description = xstrndup(rest, cut);
		ai_trim_description(r->description);
		actionitems_due(rest + dat, dateless ? 0 : strlen(d.raw),
		    written, &r->due, &r->warnings);
		r->status = st;
		r->status_text = sat == len ? xstrndup(mark, blen)
					    : xstrndup(rest + sat, slen);
		if (*r->description == '\0')
			*why = "no description before its date and status";
	}
	datetext_clear(&d);
	if (*why == NULL)
		return 1;
	ai_row_free(r);
	return -1;
}

/*
 * Gather the items of the list under the label at line i into *rows:
 * each starts on a bulleted or numbered line, or any line of no indent,
 * and runs over the indented lines after it; the list ends at a heading,
 * a label of its own, quoted or code lines, or a blank line that no item
 * follows.  Returns 0, or -1 with a warning when a line is not clear.
 */
static int
ai_plain_list(const struct markdown *md, size_t i, time_t written,
    struct actionitem_read *rows, struct strlist *warnings)
{
	const struct markdown_line *l;
	struct markdown_label lab;
	struct buf text;
	struct actionitem_row r;
	const char *why = NULL;
	size_t j, k, start;
	int blank = 0, seen = 0, rc;

	for (j = i + 1; j < md->n;) {
		l = &md->lines[j];
		if (l->kind == MARKDOWN_BLANK) {
			blank = 1;
			j++;
			continue;
		}
		if (l->kind != MARKDOWN_TEXT || ai_table_line(l) ||
		    (markdown_label(l->s, l->len, &lab) == 0 &&
			(lab.heading > 0 ||
			    (lab.alone && (lab.strong || lab.colon)))) ||
		    (blank && seen && l->indent < 2 && !ai_item_start(l)))
			break;
		seen = 1;
		blank = 0;
		start = j;
		buf_init(&text, ACTIONITEMS_MAX_CELL);
		k = ai_bullet(l->s, l->len);
		ai_clean(l->s + k, l->len - k, 1, &text);
		for (j++; j < md->n && j < start + AI_ITEM_LINES &&
		     md->lines[j].kind == MARKDOWN_TEXT &&
		     md->lines[j].indent >= 2 && !ai_item_start(&md->lines[j]);
		     j++) {
			buf_addch(&text, ' ');
			ai_clean(md->lines[j].s, md->lines[j].len, 1, &text);
		}
		rc = ai_plain_item(
		    buf_str(&text), (int)start + 1, written, &r, &why);
		buf_free(&text);
		if (rc == -1) {
			ai_warn(warnings,
			    "the plain-text action items after line %zu were "
			    "not read: line %zu has %s",
			    i + 1, start + 1, why);
			return -1;
		}
		if (rc == 1) {
			r.table = rows->tables;
			rows->rows = xreallocarray(
			    rows->rows, rows->n + 1, sizeof *rows->rows);
			rows->rows[rows->n++] = r;
		}
		if (rows->n >= ACTIONITEMS_MAX_ROWS)
			break;
	}
	rows->tables++;
	return 0;
}

/* Read the plain-text lists of a comment; see actionitems_int.h. */
void
ai_read_plain(
    const struct markdown *md, time_t written, struct actionitem_read *out)
{
	struct actionitem_read tmp;
	size_t i;

	memset(&tmp, 0, sizeof tmp);
	for (i = 0; i < md->n; i++) {
		if (md->lines[i].kind != MARKDOWN_TEXT ||
		    !ai_plain_label(&md->lines[i]))
			continue;
		if (ai_plain_list(md, i, written, &tmp, &out->warnings) == -1) {
			actionitems_read_free(&tmp);
			return;
		}
	}
	if (tmp.n == 0) {
		actionitems_read_free(&tmp);
		return;
	}
	out->rows = tmp.rows;
	out->n = tmp.n;
	out->tables = tmp.tables;
	out->plain = 1;
	strlist_free(&tmp.warnings);
}

/* 1 if the letters before s[k] (back to s) are one of the words. */
static int
ai_word_before(const char *s, size_t k, const char *const *words, size_t n)
{
	size_t b = k, i;

	while (b > 0 && ascii_isalpha(s[b - 1]))
		b--;
	if (b > 0 && ascii_isalnum(s[b - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (ai_word_is(s + b, k - b, words[i]))
			return 1;
	return 0;
}

/*
 * 1 if the prose s (len bytes) names number: "AI-3", "AI 3", "A3",
 * "#3", "item 3", "Action Item #3", the number standing alone (not part
 * of a longer number, "3.1" or "13").
 */
static int
ai_names_number(const char *s, size_t len, const char *number)
{
	static const char *const words[] = {
	    "ai", "item", "items", "action", "actions", "a"};
	static const char *const refs[] = {"bug", "comment", "c"};
	size_t nl = strlen(number), p, k, skip;
	const char *hit;
	int hash;

	for (p = 0; p + nl <= len; p++) {
		hit = memchr(s + p, number[0], len - p);
		if (hit == NULL)
			return 0;
		p = (size_t)(hit - s);
		if (p + nl > len || memcmp(s + p, number, nl) != 0 ||
		    (p > 0 && (ascii_isdigit(s[p - 1]) || s[p - 1] == '.')) ||
		    (p + nl < len && ascii_isdigit(s[p + nl])) ||
		    (p + nl + 1 < len && s[p + nl] == '.' &&
			ascii_isdigit(s[p + nl + 1])))
			continue;
		for (k = p, skip = 0, hash = 0; k > 0 && skip < 3 &&
		     (s[k - 1] == ' ' || s[k - 1] == '-' || s[k - 1] == '#');
		     k--, skip++)
			hash |= s[k - 1] == '#';
		if (ai_word_before(s, k, words, CCWATCH_NELEM(words)) &&
		    (k == p || !ai_word_is(s + k - 1, 1, "a")))
			return 1;
		while (k > 0 && s[k - 1] == ' ')
			k--;
		if (hash && !ai_word_before(s, k, refs, CCWATCH_NELEM(refs)))
			return 1;
	}
	return 0;
}

/* 1 if the folded words of needle stand as whole words in hay. */
static int
ai_has_phrase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	const char *p;

	if (n == 0)
		return 0;
	for (p = hay; (p = strstr(p, needle)) != NULL; p++)
		if ((p == hay || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Whether text names the item; see actionitems.h. */
int
actionitems_mentions(const char *text, const struct actionitem *it)
{
	struct markdown md;
	struct buf folded;
	char *line;
	size_t i, n;
	int found = 0;

	if (text == NULL)
		return 0;
	markdown_scan(text, &md);
	buf_init(&folded, MARKDOWN_MAX_INPUT);
	for (i = 0; i < md.n && !found; i++) {
		if (md.lines[i].kind != MARKDOWN_TEXT)
			continue;
		n = md.lines[i].len;
		if (it->row.number != NULL &&
		    ai_names_number(md.lines[i].s, n, it->row.number))
			found = 1;
		line = xmalloc(n + 1);
		actionitems_fold(md.lines[i].s, n, line, n + 1);
		if (*line != '\0') {
			if (folded.len > 0)
				buf_addch(&folded, ' ');
			buf_addstr(&folded, line);
		}
		free(line);
	}
	if (!found)
		found = ai_has_phrase(buf_str(&folded), it->fold);
	buf_free(&folded);
	markdown_free(&md);
	return found;
}
