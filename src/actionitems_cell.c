/*
 * The cells of an Action Items table (see actionitems.h): Markdown taken
 * off, the status word or check box (the due date: actionitems_due.c),
 * the item number, and the folded description items are known by.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actionitems_int.h"
#include "ascii.h"
#include "ccwatch.h"
#include "markdown.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Longest HTML tag or entity taken off. */
#define AI_TAG_MAX 48
/* Longest link text or target looked through. */
#define AI_LINK_MAX 1024

/* 1 if the n bytes at s are word, ignoring ASCII case. */
int
ai_word_is(const char *s, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (ascii_tolower(s[i]) != word[i])
			return 0;
	return 1;
}

/* 1 if the bytes at s start with word (n bytes left), ignoring case. */
static int
ai_starts(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	return w <= n && ai_word_is(s, w, word);
}

/* Add a warning, unless the list is full. */
void
ai_warn(struct strlist *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (l->n > ACTIONITEMS_MAX_WARNINGS)
		return;
	if (l->n == ACTIONITEMS_MAX_WARNINGS) {
		strlist_add(l, "more warnings were left out");
		return;
	}
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	strlist_add(l, s);
	free(s);
}

/* A cleaned cell being written: at most ACTIONITEMS_MAX_CELL bytes. */
struct ai_text {
	char s[ACTIONITEMS_MAX_CELL + 1];
	size_t len;
	int cut; /* bytes were left out */
};

/* Append one byte, collapsing white space and skipping it at the start. */
static void
ai_put(struct ai_text *t, char c)
{
	if (ascii_isspace(c)) {
		if (t->len == 0 || t->s[t->len - 1] == ' ')
			return;
		c = ' ';
	}
	if (t->len >= ACTIONITEMS_MAX_CELL) {
		t->cut = 1;
		return;
	}
	t->s[t->len++] = c;
}

/* The HTML entities a cell may use, and what they stand for. */
static const struct {
	const char *name;
	char c;
} ai_entities[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'},
    {"apos", '\''}, {"nbsp", ' '}, {"vert", '|'}, {"verbar", '|'},
    {"pipe", '|'}};

/*
 * Undo the entity at s[0] == '&' (n bytes left): a named one of the table
 * or a numeric one of printable ASCII.  Returns its length, or 0.
 */
static size_t
ai_entity(const char *s, size_t n, char *out)
{
	size_t i, end;
	long v = 0;

	for (end = 1; end < n && end < AI_TAG_MAX && s[end] != ';'; end++)
		if (!ascii_isalnum(s[end]) && s[end] != '#')
			return 0;
	if (end >= n || s[end] != ';' || end < 2)
		return 0;
	if (s[1] == '#') {
		for (i = 2; i < end && ascii_isdigit(s[i]) && v < 1000; i++)
			v = v * 10 + (s[i] - '0');
		if (i != end || v < 32 || v > 126)
			return 0;
		*out = (char)v;
		return end + 1;
	}
	for (i = 0; i < CCWATCH_NELEM(ai_entities); i++)
		if (ai_word_is(s + 1, end - 1, ai_entities[i].name)) {
			*out = ai_entities[i].c;
			return end + 1;
		}
	return 0;
}

/*
 * The HTML tag at s[0] == '<' (n bytes left): its length, with *name and
 * *nlen its name and *closing set for "</x>"; 0 when it is no tag.
 */
static size_t
ai_tag(const char *s, size_t n, const char **name, size_t *nlen, int *closing)
{
	size_t i = 1, end;

	*closing = i < n && s[i] == '/';
	i += (size_t)*closing;
	*name = s + i;
	while (i < n && ascii_isalpha(s[i]))
		i++;
	*nlen = (size_t)(s + i - *name);
	if (*nlen == 0)
		return 0;
	for (end = i; end < n && end < AI_TAG_MAX && s[end] != '>'; end++)
		if (s[end] == '<')
			return 0;
	return end < n && s[end] == '>' ? end + 1 : 0;
}

/* 1 if a tag name strikes its text out. */
static int
ai_strike_tag(const char *name, size_t n)
{
	return ai_word_is(name, n, "s") || ai_word_is(name, n, "del") ||
	    ai_word_is(name, n, "strike");
}

/* The offset of the closing tag "</name>" in s (n bytes), or n. */
static size_t
ai_find_close(const char *s, size_t n, const char *name, size_t nlen)
{
	size_t i, t, l;
	const char *nm;
	int closing;

	for (i = 0; i < n; i++) {
		if (s[i] != '<')
			continue;
		t = ai_tag(s + i, n - i, &nm, &l, &closing);
		if (t > 0 && closing && l == nlen && memcmp(nm, name, l) == 0)
			return i;
	}
	return n;
}

/* The end of an autolink "<scheme://...>" at s[0] == '<', or 0. */
static size_t
ai_autolink(const char *s, size_t n)
{
	size_t i = 1;

	while (i < n && i < 32 && ascii_isalpha(s[i]))
		i++;
	if (i == 1 || i + 3 > n || memcmp(s + i, "://", 3) != 0)
		return 0;
	for (; i < n && i < AI_LINK_MAX; i++) {
		if (s[i] == '>')
			return i + 1;
		if (ascii_isspace(s[i]) || s[i] == '<')
			return 0;
	}
	return 0;
}

/*
 * The parts of a link "[text](target)" or "[text][ref]" at s[0] == '[':
 * the end of its text (the ']') in *close; returns the link's length, or
 * 0 when it is no link.
 */
static size_t
ai_link(const char *s, size_t n, size_t *close)
{
	size_t i, depth = 0;
	char open, shut;

	for (i = 1; i < n && i < AI_LINK_MAX; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '[')
			depth++;
		else if (s[i] == ']' && depth-- == 0)
			break;
	}
	if (i >= n || i >= AI_LINK_MAX || i + 1 >= n ||
	    (s[i + 1] != '(' && s[i + 1] != '['))
		return 0;
	*close = i;
	open = s[i + 1];
	shut = open == '(' ? ')' : ']';
	for (i += 2; i < n && i < *close + AI_LINK_MAX; i++) {
		if (s[i] == shut)
			return i + 1;
		if (s[i] == open || s[i] == '\n')
			return 0;
	}
	return 0;
}

/* The end of the code span opened by a run of backticks at s[0], or 0. */
static size_t
ai_code_span(const char *s, size_t n, size_t *run)
{
	size_t r = 0, i, k;

	while (r < n && s[r] == '`')
		r++;
	*run = r;
	for (i = r; i < n; i++) {
		if (s[i] != '`')
			continue;
		for (k = 0; i + k < n && s[i + k] == '`'; k++)
			;
		if (k == r)
			return i + k;
		i += k - 1;
	}
	return 0;
}

/* Clean the cell at s into b; see actionitems_int.h. */
static void
ai_clean_into(
    const char *s, size_t n, int drop_struck, struct ai_text *b, int depth)
{
	const char *name;
	size_t i = 0, k, l, close, run;
	int closing;
	char c;

	while (i < n) {
		c = s[i];
		if (strchr("\\&<~`[!*_", c) == NULL || c == '\0') {
			/* The common case: a byte that starts no markup. */
			ai_put(b, c);
			i++;
			continue;
		}
		if (c == '\\' && i + 1 < n &&
		    (ascii_isalnum(s[i + 1]) == 0 && !ascii_isspace(s[i + 1]) &&
			(unsigned char)s[i + 1] < 0x80)) {
			ai_put(b, s[i + 1]);
			i += 2;
		} else if (c == '&' && (k = ai_entity(s + i, n - i, &c)) > 0) {
			ai_put(b, c);
			i += k;
		} else if (c == '<' && (k = ai_autolink(s + i, n - i)) > 0) {
			for (l = i + 1; l < i + k - 1; l++)
				ai_put(b, s[l]);
			i += k;
		} else if (c == '<' &&
		    (k = ai_tag(s + i, n - i, &name, &l, &closing)) > 0) {
			if (ai_word_is(name, l, "br") ||
			    ai_word_is(name, l, "p"))
				ai_put(b, ' ');
			i += k;
			if (drop_struck && !closing && ai_strike_tag(name, l))
				i += ai_find_close(s + i, n - i, name, l);
		} else if (c == '~' && i + 1 < n && s[i + 1] == '~') {
			i += 2;
			if (!drop_struck)
				continue;
			for (k = i;
			     k + 1 < n && !(s[k] == '~' && s[k + 1] == '~');
			     k++)
				;
			if (k + 1 < n)
				i = k + 2;
		} else if (c == '`' &&
		    (k = ai_code_span(s + i, n - i, &run)) > 0) {
			for (l = i + run; l < i + k - run; l++)
				ai_put(b, s[l]);
			i += k;
		} else if (c == '`') {
			ai_code_span(s + i, n - i, &run);
			i += run;
		} else if ((c == '[' ||
			       (c == '!' && i + 1 < n && s[i + 1] == '[')) &&
		    depth < 4 &&
		    (k = ai_link(
			 s + i + (c == '!'), n - i - (c == '!'), &close)) > 0) {
			i += c == '!';
			ai_clean_into(
			    s + i + 1, close - 1, drop_struck, b, depth + 1);
			i += k;
		} else if (c == '*' ||
		    (c == '_' &&
			(i == 0 || !ascii_isalnum(s[i - 1]) || i + 1 >= n ||
			    !ascii_isalnum(s[i + 1])))) {
			i++;
		} else {
			ai_put(b, c);
			i++;
		}
	}
}

/* Clean a cell into t, without trailing spaces. */
static void
ai_clean_text(const char *s, size_t len, int drop_struck, struct ai_text *t)
{
	t->len = 0;
	t->cut = 0;
	ai_clean_into(s, len, drop_struck, t, 0);
	while (t->len > 0 && t->s[t->len - 1] == ' ')
		t->len--;
}

/* Clean a cell into b; see actionitems_int.h. */
int
ai_clean(const char *s, size_t len, int drop_struck, struct buf *b)
{
	struct ai_text t;

	ai_clean_text(s, len, drop_struck, &t);
	buf_add(b, t.s, t.len);
	return t.cut;
}

/* A cleaned copy of a cell. */
char *
ai_clean_dup(const char *s, size_t len, int drop_struck)
{
	struct ai_text t;

	ai_clean_text(s, len, drop_struck, &t);
	return xstrndup(t.s, t.len);
}

/* 1 if s[i] (n bytes) ends a word: the end, or not a letter or digit. */
static int
ai_boundary(const char *s, size_t n, size_t i)
{
	return i >= n || !ascii_isalnum(s[i]);
}

/* The status words of POLICY.md and what they read as. */
static const struct {
	const char *word;
	enum actionitem_status status;
} ai_status_words[] = {{"completed", ACTIONITEM_COMPLETE},
    {"complete", ACTIONITEM_COMPLETE}, {"done", ACTIONITEM_COMPLETE},
    {"ongoing", ACTIONITEM_ONGOING}, {"on-going", ACTIONITEM_ONGOING},
    {"on going", ACTIONITEM_ONGOING}, {"in progress", ACTIONITEM_ONGOING},
    {"in-progress", ACTIONITEM_ONGOING}, {"delayed", ACTIONITEM_DELAYED},
    {"canceled", ACTIONITEM_CANCELED}, {"cancelled", ACTIONITEM_CANCELED}};

/* The status word at s (n bytes) with its length in *len, or NONE. */
enum actionitem_status
ai_status_word(const char *s, size_t n, size_t *len)
{
	size_t i, w;

	for (i = 0; i < CCWATCH_NELEM(ai_status_words); i++) {
		w = strlen(ai_status_words[i].word);
		if (ai_starts(s, n, ai_status_words[i].word) &&
		    ai_boundary(s, n, w)) {
			*len = w;
			return ai_status_words[i].status;
		}
	}
	return ACTIONITEM_NONE;
}

/*
 * The check box or check mark at s (n bytes), with its length in *len:
 * "[x]", a ballot box with a check or a check mark is COMPLETE, "[ ]" or an
 * empty ballot box OTHER (open); NONE when there is none.
 */
enum actionitem_status
ai_checkbox(const char *s, size_t n, size_t *len)
{
	static const struct {
		const char *mark;
		enum actionitem_status status;
	} marks[] = {{"[x]", ACTIONITEM_COMPLETE}, {"[X]", ACTIONITEM_COMPLETE},
	    {"[ ]", ACTIONITEM_OTHER},
	    {"\xe2\x98\x91",
		ACTIONITEM_COMPLETE}, /* U+2611 ballot box, check */
	    {"\xe2\x9c\x85",
		ACTIONITEM_COMPLETE}, /* U+2705 check mark button */
	    {"\xe2\x9c\x93", ACTIONITEM_COMPLETE}, /* U+2713 check mark */
	    {"\xe2\x9c\x94", ACTIONITEM_COMPLETE}, /* U+2714 heavy check mark */
	    {"\xe2\x98\x90", ACTIONITEM_OTHER}};   /* U+2610 ballot box */
	size_t i, w;

	for (i = 0; i < CCWATCH_NELEM(marks); i++) {
		w = strlen(marks[i].mark);
		if (n >= w && memcmp(s, marks[i].mark, w) == 0) {
			*len = w;
			return marks[i].status;
		}
	}
	return ACTIONITEM_NONE;
}

/* Read a status cell; see actionitems.h. */
enum actionitem_status
actionitems_status(const char *s, size_t len)
{
	enum actionitem_status st, box;
	char *clean = ai_clean_dup(s, len, 1);
	size_t i = 0, n = strlen(clean), w;

	while (i < n && (clean[i] == ' ' || clean[i] == '\t'))
		i++;
	box = ai_checkbox(clean + i, n - i, &w);
	while (i < n && !ascii_isalnum(clean[i]))
		i++;
	if (i == n)
		st = box;
	else {
		st = ai_status_word(clean + i, n - i, &w);
		if (st == ACTIONITEM_NONE)
			st = box != ACTIONITEM_NONE ? box : ACTIONITEM_OTHER;
	}
	free(clean);
	return st;
}

/* The month (1-12) the n letters at s name, or 0. */
static int
ai_month(const char *s, size_t n)
{
	static const char *months[] = {"january", "february", "march", "april",
	    "may", "june", "july", "august", "september", "october", "november",
	    "december"};
	size_t i;

	for (i = 0; i < 12; i++) {
		if (n == 3 && ascii_tolower(s[0]) == months[i][0] &&
		    ascii_tolower(s[1]) == months[i][1] &&
		    ascii_tolower(s[2]) == months[i][2])
			return (int)i + 1;
		if (n == strlen(months[i]) && ai_word_is(s, n, months[i]))
			return (int)i + 1;
	}
	if (n == 4 && ai_word_is(s, n, "sept"))
		return 9;
	return 0;
}

/* The last day of a month. */
static int
ai_last_day(int year, int mon)
{
	int d;

	for (d = 31; d > 28 && !timeutil_valid_date(year, mon, d); d--)
		;
	return d;
}

/* A four-digit year (1990-2199) at s[*i], advanced past it; 0 if none. */
static int
ai_year(const char *s, size_t n, size_t *i)
{
	int y = 0;
	size_t k;

	for (k = 0; k < 4; k++)
		if (*i + k >= n || !ascii_isdigit(s[*i + k]))
			return 0;
	if (!ai_boundary(s, n, *i + 4))
		return 0;
	for (k = 0; k < 4; k++)
		y = y * 10 + (s[*i + k] - '0');
	if (y < 1990 || y > 2199)
		return 0;
	*i += 4;
	return y;
}

/* Skip the spaces, '-', '/', ',' and '.' between a period's parts. */
static void
ai_skip_sep(const char *s, size_t n, size_t *i)
{
	size_t k = 0;

	while (*i < n && k < 3 &&
	    (s[*i] == ' ' || s[*i] == '-' || s[*i] == '/' || s[*i] == ',' ||
		s[*i] == '.' || s[*i] == '\'')) {
		(*i)++;
		k++;
	}
}

/*
 * A quarter or half at s: "Q3 2026", "Q3/2026", "3Q 2026", "2026 Q3",
 * "2026-Q3", "H2 2026", "2026 H2".  Sets *mon to its last month.
 */
static size_t
ai_period_part(const char *s, size_t n, int *year, int *mon)
{
	size_t i = 0;
	int q = 0, last;
	char unit = 0;

	if (n >= 2 &&
	    (ascii_tolower(s[0]) == 'q' || ascii_tolower(s[0]) == 'h') &&
	    ascii_isdigit(s[1])) {
		unit = ascii_tolower(s[0]);
		q = s[1] - '0';
		i = 2;
	} else if (n >= 2 && ascii_isdigit(s[0]) &&
	    (ascii_tolower(s[1]) == 'q' || ascii_tolower(s[1]) == 'h')) {
		unit = ascii_tolower(s[1]);
		q = s[0] - '0';
		i = 2;
	} else {
		*year = ai_year(s, n, &i);
		if (*year == 0)
			return 0;
		ai_skip_sep(s, n, &i);
		if (i + 1 >= n ||
		    (ascii_tolower(s[i]) != 'q' &&
			ascii_tolower(s[i]) != 'h') ||
		    !ascii_isdigit(s[i + 1]) || !ai_boundary(s, n, i + 2))
			return 0;
		unit = ascii_tolower(s[i]);
		q = s[i + 1] - '0';
		i += 2;
	}
	if (*year == 0) {
		if (i < n && ascii_isalpha(s[i]))
			return 0;
		ai_skip_sep(s, n, &i);
		*year = ai_year(s, n, &i);
		if (*year == 0)
			return 0;
	}
	last = unit == 'q' ? 4 : 2;
	if (q < 1 || q > last)
		return 0;
	*mon = q * (12 / last);
	return i;
}

/*
 * A month with its year at s: "June 2026", "Jun. 2026", "2026-06",
 * "06/2026".  Sets *mon.
 */
static size_t
ai_period_month(const char *s, size_t n, int *year, int *mon)
{
	size_t i = 0, k;
	int m = 0;

	while (i < n && i < 10 && ascii_isalpha(s[i]))
		i++;
	if (i > 0) {
		m = ai_month(s, i);
		if (m == 0 || !ai_boundary(s, n, i))
			return 0;
		if (i < n && s[i] == '.')
			i++;
		ai_skip_sep(s, n, &i);
		*year = ai_year(s, n, &i);
		*mon = m;
		return *year != 0 ? i : 0;
	}
	*year = ai_year(s, n, &i);
	if (*year != 0) {
		if (i >= n || (s[i] != '-' && s[i] != '/'))
			return 0;
		for (k = i + 1; k < n && k < i + 3 && ascii_isdigit(s[k]); k++)
			m = m * 10 + (s[k] - '0');
		if (k == i + 1 || !ai_boundary(s, n, k) ||
		    (k < n && (s[k] == '-' || s[k] == '/' || s[k] == '.')))
			return 0;
		*mon = m;
		return m >= 1 && m <= 12 ? k : 0;
	}
	for (k = 0; k < n && k < 2 && ascii_isdigit(s[k]); k++)
		m = m * 10 + (s[k] - '0');
	if (k == 0 || k >= n || s[k] != '/')
		return 0;
	i = k + 1;
	*year = ai_year(s, n, &i);
	*mon = m;
	return *year != 0 && m >= 1 && m <= 12 ? i : 0;
}

/*
 * A period at s: a quarter, half, month or a year alone, read as its last
 * day into *d (raw: the text read).  Returns its length, or 0.
 */
static size_t
ai_period(const char *s, size_t n, int years, struct datetext *d)
{
	size_t i;
	int year = 0, mon = 0;

	i = ai_period_part(s, n, &year, &mon);
	if (i == 0) {
		year = mon = 0;
		i = ai_period_month(s, n, &year, &mon);
	}
	if (i == 0) {
		year = 0;
		i = 0;
		year = years ? ai_year(s, n, &i) : 0;
		mon = 12;
		if (year == 0)
			return 0;
	}
	memset(d, 0, sizeof *d);
	d->year = d->alt_year = year;
	d->mon = d->alt_mon = mon;
	d->day = d->alt_day = ai_last_day(year, mon);
	d->raw = xstrndup(s, i);
	return i;
}

/*
 * 1 if a year standing alone at text[i] reads as a due date: the cell
 * starts with it, or it follows "end of", "by", "in", "until", "before".
 */
static int
ai_lone_year(const char *text, size_t i)
{
	static const char *const lead[] = {
	    "of", "by", "in", "until", "before", "eoy"};
	size_t k, e = i;

	while (e > 0 && text[e - 1] == ' ')
		e--;
	if (e == 0)
		return 1;
	for (k = 0; k < CCWATCH_NELEM(lead); k++) {
		size_t w = strlen(lead[k]);

		if (e >= w && ai_word_is(text + e - w, w, lead[k]) &&
		    (e == w || !ascii_isalnum(text[e - w - 1])))
			return 1;
	}
	return 0;
}

/* Find the dates of a text; see actionitems_int.h. */
int
ai_find_dates(const char *text, size_t len, time_t written, int years,
    struct datetext *first, size_t *at, int *period, int *impossible)
{
	struct datetext d;
	enum datetext_result r;
	size_t i = 0, used;
	int found = 0, isperiod;

	memset(first, 0, sizeof *first);
	*at = 0;
	*period = 0;
	while (i < len) {
		if (!ascii_isalnum(text[i]) ||
		    (i > 0 && ascii_isalnum(text[i - 1]))) {
			i++;
			continue;
		}
		isperiod = 0;
		r = datetext_read(text + i, len - i, written, &d, &used);
		if (r == DATETEXT_IMPOSSIBLE) {
			if (impossible != NULL)
				(*impossible)++;
			i += used > 0 ? used : 1;
			continue;
		}
		if (r != DATETEXT_OK) {
			used = ai_period(text + i, len - i, years, &d);
			isperiod = used > 0;
			if (used == 4 && ascii_isdigit(text[i]) &&
			    !ai_lone_year(text, i)) {
				datetext_clear(&d);
				i += used;
				continue;
			}
		}
		if (used == 0) {
			i++;
			continue;
		}
		if (found++ == 0) {
			*first = d;
			*at = i;
			*period = isperiod;
		} else
			datetext_clear(&d);
		i += used;
	}
	return found;
}

/* Skip the separators after an item number: ':', '.', ')', dashes. */
static const char *
ai_after_number(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == ':' || *p == '.' || *p == ')' ||
		    *p == ']' || *p == '-' || *p == '|')
			p++;
		else if (strncmp(p, "\xe2\x80\x93", 3) == 0 ||
		    strncmp(p, "\xe2\x80\x94", 3) == 0)
			p += 3;
		else
			return p;
	}
}

/* The words that may name an item's number ("AI-3", "Item 3"). */
static const char *const ai_number_words[] = {
    "action item", "action", "item", "ai", "no", "nr"};

/* Take a number off a description; see actionitems_int.h. */
char *
ai_take_number(const char *s, int whole, const char **rest)
{
	const char *p = s, *q;
	char num[32];
	size_t i, k, w, n = 0;
	int prefix = 0, groups = 0;

	*rest = s;
	if (*p == '[' || *p == '(')
		p++;
	for (i = 0; i < CCWATCH_NELEM(ai_number_words) && !prefix; i++) {
		w = strlen(ai_number_words[i]);
		if (ai_starts(p, strnlen(p, w), ai_number_words[i]) &&
		    !ascii_isalpha(p[w])) {
			p += w;
			prefix = 1;
		}
	}
	if (!prefix && (p[0] == 'a' || p[0] == 'A') && ascii_isdigit(p[1])) {
		p++;
		prefix = 1;
	}
	for (i = 0; i < 3 && (*p == ' ' || *p == '-' || *p == '#'); i++) {
		prefix |= *p == '#';
		p++;
	}
	if (!ascii_isdigit(*p))
		return NULL;
	for (q = p; groups < 4;) {
		for (i = 0; i < 5 && ascii_isdigit(q[i]); i++)
			;
		if (i == 0 || i == 5)
			break;
		for (k = 0; k + 1 < i && q[k] == '0'; k++)
			; /* leading zeros: "AI-03" is 3 */
		if (groups++ > 0)
			num[n++] = '.';
		memcpy(num + n, q + k, i - k);
		n += i - k;
		q += i;
		if (*q != '.' || !ascii_isdigit(q[1]))
			break;
		q++;
	}
	if (groups == 0 || ascii_isalnum(*q) ||
	    (!prefix &&
		!(*q == '.' || *q == ')' || *q == ':' ||
		    (whole && *q == '\0'))))
		return NULL;
	*rest = ai_after_number(q);
	return xstrndup(num, n);
}

/* Fold a description for identity; see actionitems.h. */
char *
actionitems_fold(const char *s, size_t len, char *buf, size_t size)
{
	return markdown_fold_utf8(s, len, buf, size);
}

/* The status's name. */
const char *
actionitems_status_name(enum actionitem_status s)
{
	switch (s) {
	case ACTIONITEM_NONE:
		return "none";
	case ACTIONITEM_ONGOING:
		return "ongoing";
	case ACTIONITEM_COMPLETE:
		return "complete";
	case ACTIONITEM_DELAYED:
		return "delayed";
	case ACTIONITEM_CANCELED:
		return "canceled";
	case ACTIONITEM_OTHER:
		return "other";
	}
	return "other";
}

/* The due kind's name. */
const char *
actionitems_due_kind_name(enum actionitem_due_kind k)
{
	switch (k) {
	case ACTIONITEM_DUE_NONE:
		return "none";
	case ACTIONITEM_DUE_DATE:
		return "date";
	case ACTIONITEM_DUE_PERIOD:
		return "period";
	case ACTIONITEM_DUE_TBD:
		return "tbd";
	case ACTIONITEM_DUE_UNREADABLE:
		return "unreadable";
	}
	return "none";
}
