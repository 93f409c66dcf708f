/*
 * The Markdown scanner (see markdown.h).  Three passes over the lines: split
 * them and note each one that could close a fence; from the end, the
 * longest such closer of each character at or after every line, so that an
 * opening fence knows in one look whether anything closes it; then sort the
 * lines into blocks.  Character classes are ASCII and written out here, so
 * no locale can change what is read.
 */
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "ccwatch.h"
#include "markdown.h"
#include "xmalloc.h"

/* Longest run of backticks a code span cache tells apart. */
#define MD_SPAN_CACHE 256

/* What the first pass notes about a line that may close a fence. */
struct md_closer {
	char ch;    /* '`' or '~', or 0 when the line closes nothing */
	size_t run; /* the fence's length */
};

/* Return 1 for a space or a tab. */
static int
md_isblank(char c)
{
	return c == ' ' || c == '\t';
}

/* The columns of leading white space and the bytes they take. */
static int
md_indent(const char *s, size_t len, size_t *bytes)
{
	size_t i;
	int col = 0;

	for (i = 0; i < len && md_isblank(s[i]) && col < 1024; i++)
		col = s[i] == '\t' ? (col / 4 + 1) * 4 : col + 1;
	*bytes = i;
	return col;
}

/* The length of the run of c at s (len bytes). */
static size_t
md_run(const char *s, size_t len, char c)
{
	size_t n = 0;

	while (n < len && s[n] == c)
		n++;
	return n;
}

/* 1 if the n bytes at s are only spaces and tabs. */
static int
md_only_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!md_isblank(s[i]))
			return 0;
	return 1;
}

/*
 * 1 if the line opens a fence: at most 3 columns of indent, then 3 or more
 * '`' or '~'; a '`' fence's info string holds no '`'.  Sets *ch, *run and
 * *own (1 when the info string is empty or one word).
 */
static int
md_fence_open(const struct markdown_line *l, char *ch, size_t *run, int *own)
{
	const char *s, *info;
	size_t skip, rest, n, i;

	if (l->indent > 3)
		return 0;
	md_indent(l->s, l->len, &skip);
	s = l->s + skip;
	rest = l->len - skip;
	if (rest < 3 || (s[0] != '`' && s[0] != '~'))
		return 0;
	n = md_run(s, rest, s[0]);
	if (n < 3)
		return 0;
	info = s + n;
	rest -= n;
	if (s[0] == '`' && memchr(info, '`', rest) != NULL)
		return 0;
	while (rest > 0 && md_isblank(*info)) {
		info++;
		rest--;
	}
	while (rest > 0 && md_isblank(info[rest - 1]))
		rest--;
	*own = 1;
	for (i = 0; i < rest; i++)
		if (md_isblank(info[i]))
			*own = 0;
	*ch = s[0];
	*run = n;
	return 1;
}

/* Note whether the line could close a fence: the fence and nothing else. */
static void
md_closer_of(const struct markdown_line *l, struct md_closer *c)
{
	const char *s;
	size_t skip, rest, n;

	c->ch = 0;
	c->run = 0;
	if (l->indent > 3)
		return;
	md_indent(l->s, l->len, &skip);
	s = l->s + skip;
	rest = l->len - skip;
	if (rest < 3 || (s[0] != '`' && s[0] != '~'))
		return;
	n = md_run(s, rest, s[0]);
	if (n < 3 || !md_only_blank(s + n, rest - n))
		return;
	c->ch = s[0];
	c->run = n;
}

/* Split text into lines (a final line end makes no empty line). */
static void
md_split(const char *text, struct markdown *md)
{
	const char *p = text, *nl;
	size_t len = strnlen(text, MARKDOWN_MAX_INPUT), cap = 0, n, skip;
	const char *end = text + len;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (md->n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			md->lines =
			    xreallocarray(md->lines, cap, sizeof *md->lines);
		}
		md->lines[md->n].s = p;
		md->lines[md->n].len = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
		md->lines[md->n].kind = MARKDOWN_TEXT;
		md->lines[md->n].indent =
		    md_indent(p, md->lines[md->n].len, &skip);
		md->n++;
		p += n + (nl != NULL);
	}
}

/*
 * The content column of a list item's line (indent, marker, 1 to 4
 * spaces), or 0 when the line is no list item.
 */
static int
md_list_column(const struct markdown_line *l)
{
	const char *s;
	size_t skip, rest, i = 0, sp;

	md_indent(l->s, l->len, &skip);
	s = l->s + skip;
	rest = l->len - skip;
	if (rest >= 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+'))
		i = 1;
	else {
		while (i < rest && i < 9 && ascii_isdigit(s[i]))
			i++;
		if (i == 0 || i >= rest || (s[i] != '.' && s[i] != ')'))
			return 0;
		i++;
	}
	if (i < rest && !md_isblank(s[i]))
		return 0;
	for (sp = 0; i + sp < rest && md_isblank(s[i + sp]) && sp < 4; sp++)
		;
	return l->indent + (int)i + (sp > 0 ? (int)sp : 1);
}

/* The per-line state of the block pass. */
struct md_block {
	int para;     /* the last line was prose a line may continue */
	int list_col; /* content column of the open list item, or 0 */
	int code_col; /* indented block: its indent, or 0 when none */
	char fence;   /* open fence character, or 0 */
	size_t run;   /* ... and its length */
};

/* Sort one line that is not inside a fence. */
static void
md_block_line(struct markdown *md, size_t i, const size_t *max_bt,
    const size_t *max_tl, struct md_block *b)
{
	struct markdown_line *l = &md->lines[i];
	size_t run, after;
	char ch;
	int own, col;

	if (md_only_blank(l->s, l->len)) {
		l->kind = MARKDOWN_BLANK;
		b->para = 0;
		return;
	}
	if (b->code_col > 0 && l->indent >= b->code_col) {
		l->kind = MARKDOWN_INDENTED;
		return;
	}
	b->code_col = 0;
	if (!b->para && l->indent >= b->list_col + 4) {
		l->kind = MARKDOWN_INDENTED;
		b->code_col = b->list_col + 4;
		return;
	}
	md_indent(l->s, l->len, &run);
	if (l->indent <= 3 && l->s[run] == '>') {
		l->kind = MARKDOWN_QUOTE;
		b->para = 0;
		return;
	}
	if (md_fence_open(l, &ch, &run, &own)) {
		after = ch == '`' ? max_bt[i + 1] : max_tl[i + 1];
		if (after >= run || own) {
			l->kind = MARKDOWN_FENCE;
			b->fence = ch;
			b->run = run;
			b->para = 0;
			return;
		}
	}
	l->kind = MARKDOWN_TEXT;
	col = md_list_column(l);
	if (col > 0)
		b->list_col = col;
	else if (!b->para && l->indent < b->list_col)
		b->list_col = 0;
	b->para = 1;
}

/* Sort the lines; see markdown.h. */
void
markdown_scan(const char *text, struct markdown *out)
{
	struct md_closer c;
	struct md_block b;
	size_t *max_bt, *max_tl, i;

	memset(out, 0, sizeof *out);
	memset(&b, 0, sizeof b);
	md_split(text != NULL ? text : "", out);
	max_bt = xcalloc(out->n + 2, sizeof *max_bt);
	max_tl = xcalloc(out->n + 2, sizeof *max_tl);
	for (i = out->n; i > 0; i--) {
		md_closer_of(&out->lines[i - 1], &c);
		max_bt[i - 1] = max_bt[i];
		max_tl[i - 1] = max_tl[i];
		if (c.ch == '`' && c.run > max_bt[i - 1])
			max_bt[i - 1] = c.run;
		if (c.ch == '~' && c.run > max_tl[i - 1])
			max_tl[i - 1] = c.run;
	}
	for (i = 0; i < out->n; i++) {
		if (b.fence == 0) {
			md_block_line(out, i, max_bt, max_tl, &b);
			continue;
		}
		md_closer_of(&out->lines[i], &c);
		if (c.ch == b.fence && c.run >= b.run) {
			out->lines[i].kind = MARKDOWN_FENCE;
			b.fence = 0;
		} else
			out->lines[i].kind = MARKDOWN_CODE;
	}
	free(max_bt);
	free(max_tl);
}

/* Free the lines. */
void
markdown_free(struct markdown *md)
{
	if (md == NULL)
		return;
	free(md->lines);
	md->lines = NULL;
	md->n = 0;
}

/* The kind's name. */
const char *
markdown_kind_name(enum markdown_kind k)
{
	switch (k) {
	case MARKDOWN_BLANK:
		return "blank";
	case MARKDOWN_TEXT:
		return "text";
	case MARKDOWN_QUOTE:
		return "quote";
	case MARKDOWN_FENCE:
		return "fence";
	case MARKDOWN_CODE:
		return "code";
	case MARKDOWN_INDENTED:
		return "indented";
	}
	return "unknown";
}

/* 1 if a URL may start at s[i]: a word starts there. */
static int
md_word_start(const char *s, size_t i)
{
	char p;

	if (i == 0)
		return 1;
	p = s[i - 1];
	return ascii_isspace(p) || p == '(' || p == '[' || p == '<' ||
	    p == '"' || p == '\'' || p == '*' || p == '_' || p == '|';
}

/* 1 for a byte that may be part of a URL (not space, quote or bracket). */
static int
md_url_byte(char c)
{
	return !ascii_isspace(c) && c != '<' && c != '>' && c != '"' &&
	    c != '`';
}

/* 1 if the closing bracket ending s[i, j) has no opening one in it. */
static int
md_unbalanced(const char *s, size_t i, size_t j)
{
	char close = s[j - 1], open = close == ')' ? '(' : '[';
	long depth = 0;
	size_t k;

	for (k = i; k < j; k++)
		depth += s[k] == open ? 1 : s[k] == close ? -1 : 0;
	return depth < 0;
}

/*
 * The end of the URL token that starts at s[i] (len bytes in all), less
 * its trailing punctuation and an unbalanced closing bracket.
 */
static size_t
md_url_end(const char *s, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && md_url_byte(s[j]))
		j++;
	for (;;) {
		while (j > i && strchr("?!.,:;*_~'", s[j - 1]) != NULL)
			j--;
		if (j > i && (s[j - 1] == ')' || s[j - 1] == ']') &&
		    md_unbalanced(s, i, j)) {
			j--;
			continue;
		}
		return j;
	}
}

/* The end of a "scheme://" URL starting at s[i], or 0 if none starts. */
static size_t
md_url_scheme(const char *s, size_t len, size_t i)
{
	size_t j = i;

	if (!ascii_isalpha(s[i]) || (i > 0 && ascii_isalnum(s[i - 1])))
		return 0;
	while (j < len && j - i < 32 &&
	    (ascii_isalnum(s[j]) || s[j] == '+' || s[j] == '.' || s[j] == '-'))
		j++;
	if (j + 3 > len || memcmp(s + j, "://", 3) != 0)
		return 0;
	return md_url_end(s, len, i);
}

/*
 * The end of a bare "host.tld/path" URL starting at s[i] ("crt.sh/?q=x"),
 * or 0: labels of letters, digits and '-', at least two, the last of two
 * or more letters, then '/' or ":PORT/".
 */
static size_t
md_url_bare(const char *s, size_t len, size_t i)
{
	size_t j = i, label = 0, dots = 0;
	int letters = 1;

	if (!ascii_isalnum(s[i]) || !md_word_start(s, i))
		return 0;
	for (; j < len && j - i < 256; j++) {
		if (ascii_isalnum(s[j]) || s[j] == '-') {
			letters = letters && ascii_isalpha(s[j]);
			label++;
			continue;
		}
		if (s[j] != '.' || label == 0)
			break;
		dots++;
		label = 0;
		letters = 1;
	}
	if (dots == 0 || label < 2 || !letters)
		return 0;
	if (j < len && s[j] == ':') {
		j++;
		while (j < len && ascii_isdigit(s[j]))
			j++;
	}
	if (j >= len || s[j] != '/')
		return 0;
	return md_url_end(s, len, i);
}

/*
 * The end of the code span opened by the run of n backticks at s[i], or 0
 * when nothing closes it.  noclose[n] caches the first offset from which
 * no run of n backticks follows, so each length is searched to the end at
 * most once.
 */
static size_t
md_span_end(const char *s, size_t len, size_t i, size_t n, size_t *noclose)
{
	size_t j = i + n, r;

	if (n < MD_SPAN_CACHE && noclose[n] != 0 && i >= noclose[n])
		return 0;
	while (j < len) {
		if (s[j] != '`') {
			j++;
			continue;
		}
		r = md_run(s + j, len - j, '`');
		if (r == n)
			return j + r;
		j += r;
	}
	if (n < MD_SPAN_CACHE)
		noclose[n] = i;
	return 0;
}

/* Find c outside code spans and URLs; see markdown.h. */
size_t
markdown_prose_find(const char *s, size_t len, char c)
{
	size_t noclose[MD_SPAN_CACHE];
	size_t i = 0, n, e;

	memset(noclose, 0, sizeof noclose);
	while (i < len) {
		if (s[i] == '`') {
			n = md_run(s + i, len - i, '`');
			e = md_span_end(s, len, i, n, noclose);
			if (e == 0 && c == '`')
				return i;
			i = e != 0 ? e : i + n;
			continue;
		}
		e = md_url_scheme(s, len, i);
		if (e == 0)
			e = md_url_bare(s, len, i);
		if (e > i) {
			i = e;
			continue;
		}
		if (s[i] == c)
			return i;
		i++;
	}
	return len;
}

/* Skip spaces and tabs from s[*i] (len bytes). */
static void
md_skip_blank(const char *s, size_t len, size_t *i)
{
	while (*i < len && md_isblank(s[*i]))
		(*i)++;
}

/* Take a list marker at s[*i] off the label; 1 if there was one. */
static int
md_label_list(const char *s, size_t len, size_t *i, int *number)
{
	size_t j = *i;
	int n = 0;

	if (j < len && (s[j] == '-' || s[j] == '*' || s[j] == '+') &&
	    j + 1 < len && md_isblank(s[j + 1])) {
		*i = j + 1;
		return 1;
	}
	while (j < len && j - *i < 9 && ascii_isdigit(s[j]))
		n = n * 10 + (s[j++] - '0');
	if (j == *i || j + 1 >= len || (s[j] != '.' && s[j] != ')') ||
	    !md_isblank(s[j + 1]))
		return 0;
	*number = n;
	*i = j + 1;
	return 1;
}

/*
 * Take an ATX heading's n '#'s at s[*i] off, and its closing sequence
 * (spaces, then '#'s, at the end of the line) off *len.
 */
static void
md_label_heading(const char *s, size_t *len, size_t *i, size_t n)
{
	size_t k = 0;

	*i += n;
	while (*len > *i && md_isblank(s[*len - 1]))
		(*len)--;
	while (*len - k > *i && s[*len - k - 1] == '#')
		k++;
	if (*len - k == *i || md_isblank(s[*len - k - 1]))
		*len -= k;
}

/* Take a "3." or "3)" section number off the start of the label. */
static void
md_label_number(struct markdown_label *l)
{
	size_t j = 0;
	int n = 0;

	while (j < l->len && j < 4 && ascii_isdigit(l->text[j]))
		n = n * 10 + (l->text[j++] - '0');
	if (j == 0 || j >= l->len || (l->text[j] != '.' && l->text[j] != ')'))
		return;
	j++;
	if (j < l->len && !md_isblank(l->text[j]))
		return;
	while (j < l->len && md_isblank(l->text[j]))
		j++;
	if (l->number == 0)
		l->number = n;
	l->text += j;
	l->len -= j;
}

/* Trim spaces and a final ':' off the label; a ':' sets colon. */
static void
md_label_trim(struct markdown_label *l)
{
	while (l->len > 0 && md_isblank(l->text[0])) {
		l->text++;
		l->len--;
	}
	while (l->len > 0 && md_isblank(l->text[l->len - 1]))
		l->len--;
	if (l->len > 0 && l->text[l->len - 1] == ':') {
		l->colon = 1;
		l->len--;
	}
	while (l->len > 0 && md_isblank(l->text[l->len - 1]))
		l->len--;
}

/* 1 if the n bytes at s hold only decoration: spaces, ':', '*', '_'. */
static int
md_only_decoration(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!md_isblank(s[i]) && s[i] != ':' && s[i] != '*' &&
		    s[i] != '_')
			return 0;
	return 1;
}

/* Read the label of a line; see markdown.h. */
int
markdown_label(const char *s, size_t len, struct markdown_label *out)
{
	const char *close;
	size_t i = 0, d, after;

	memset(out, 0, sizeof *out);
	md_skip_blank(s, len, &i);
	out->list = md_label_list(s, len, &i, &out->number);
	md_skip_blank(s, len, &i);
	if (i < len && s[i] == '#') {
		d = md_run(s + i, len - i, '#');
		if (d <= 6 && (i + d == len || md_isblank(s[i + d]))) {
			out->heading = (int)d;
			md_label_heading(s, &len, &i, d);
		}
	}
	md_skip_blank(s, len, &i);
	if (i >= len)
		return -1;
	d = (s[i] == '*' || s[i] == '_') ? md_run(s + i, len - i, s[i]) : 0;
	if (d > 3)
		d = 3;
	close = NULL;
	if (d > 0 && i + d < len && !md_isblank(s[i + d])) {
		const char *p = s + i + d, *end = s + len;

		/* The first run of the same delimiter that is long enough. */
		for (; p < end; p++) {
			if (*p == s[i] &&
			    md_run(p, (size_t)(end - p), s[i]) >= d) {
				close = p;
				break;
			}
		}
	}
	if (close != NULL && close > s + i + d) {
		out->strong = 1;
		out->text = s + i + d;
		out->len = (size_t)(close - out->text);
		after = (size_t)(close - s) + d;
		while (after < len && s[after] == s[i])
			after++;
		md_skip_blank(s, len, &after);
		if (after < len && s[after] == ':') {
			out->colon = 1;
			after++;
		}
	} else {
		const char *colon = memchr(s + i, ':', len - i);

		out->text = s + i;
		out->len = colon != NULL ? (size_t)(colon - (s + i)) : len - i;
		after = i + out->len;
		if (colon != NULL) {
			out->colon = 1;
			after++;
		}
		/* A lone opening '**' with no partner is decoration too. */
		while (out->len > 0 &&
		    (out->text[0] == '*' || out->text[0] == '_')) {
			out->text++;
			out->len--;
		}
	}
	md_label_trim(out);
	md_label_number(out);
	md_label_trim(out);
	out->alone = md_only_decoration(s + after, len - after);
	return out->len > 0 ? 0 : -1;
}

/*
 * Fold s into lowercase words joined by one space, into buf (size bytes);
 * with utf8 set, the bytes of UTF-8 sequences count as letters.
 */
static char *
md_fold(const char *s, size_t len, char *buf, size_t size, int utf8)
{
	size_t i, j = 0;
	int gap = 0;

	if (size == 0)
		return buf;
	for (i = 0; i < len && j + 1 < size; i++) {
		if (!ascii_isalnum(s[i]) &&
		    !(utf8 && (unsigned char)s[i] >= 0x80)) {
			gap = j > 0;
			continue;
		}
		if (gap) {
			if (j + 2 >= size)
				break;
			buf[j++] = ' ';
			gap = 0;
		}
		buf[j++] = ascii_tolower(s[i]);
	}
	buf[j] = '\0';
	return buf;
}

/* Fold a label into words; see markdown.h. */
char *
markdown_fold(const char *s, size_t len, char *buf, size_t size)
{
	return md_fold(s, len, buf, size, 0);
}

/* Fold text into words, UTF-8 kept; see markdown.h. */
char *
markdown_fold_utf8(const char *s, size_t len, char *buf, size_t size)
{
	return md_fold(s, len, buf, size, 1);
}
