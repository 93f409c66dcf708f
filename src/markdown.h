/*
 * A small Markdown scanner for Bugzilla comment text: it sorts the lines of
 * a comment into prose, quotes and code the way CommonMark draws its blocks,
 * finds characters outside inline code spans and URLs, and reads the label
 * a line starts with (a heading, a bold label, a list item's bold label or a
 * plain "Name:").  The policy engine reads questions, report sections and
 * closure summaries through it.  Pure: no I/O, no clock, no locale; it never
 * fails, and its work is linear in the text (with a small constant).
 */
#ifndef MARKDOWN_H
#define MARKDOWN_H

#include <stddef.h>

/* Bytes scanned; the rest of a longer text is left out. */
#define MARKDOWN_MAX_INPUT ((size_t)4 * 1024 * 1024)

enum markdown_kind {
	MARKDOWN_BLANK,   /* only spaces and tabs */
	MARKDOWN_TEXT,    /* prose: a paragraph, heading, list item, table */
	MARKDOWN_QUOTE,   /* a quoted line: '>' after at most 3 spaces */
	MARKDOWN_FENCE,   /* the opening or closing line of a fenced block */
	MARKDOWN_CODE,    /* a line inside a fenced block */
	MARKDOWN_INDENTED /* a line of an indented code block */
};

/* One line of the text, without its line end ("\n" or "\r\n"). */
struct markdown_line {
	const char *s;
	size_t len;
	enum markdown_kind kind;
	int indent; /* columns of leading white space, a tab to the next 4 */
};

/* The lines of a text; they point into it. */
struct markdown {
	struct markdown_line *lines;
	size_t n;
};

/*
 * Sort the lines of text (NULL reads as "") into *out, which the caller
 * frees with markdown_free; text must outlive *out.  The blocks:
 *  - a fenced block opens with 3 or more '`' or '~' after at most 3 spaces
 *    (a '`' fence's info string holds no '`', so "```x?```" on one line is
 *    an inline span, never a fence) and closes at a line of the same
 *    character, at least as long, and nothing else; a fence that never
 *    closes runs to the end only when its line holds the fence and at most
 *    an info word ("```", "~~~ text"), else the line is prose;
 *  - an indented block is a line indented 4 columns past the current list
 *    item's content (or past the margin) that does not continue a
 *    paragraph (the first line, or after a blank line, a quote or a
 *    block), with the indented and blank lines that follow;
 *  - a quoted line starts with '>' (lines are quoted one by one).
 */
void markdown_scan(const char *text, struct markdown *out);
/* Free what markdown_scan allocated and empty *md; accepts NULL. */
void markdown_free(struct markdown *md);
/* "blank", "text", "quote", "fence", "code" or "indented". */
const char *markdown_kind_name(enum markdown_kind);

/*
 * The offset of the first c in the len bytes at s that stands outside an
 * inline code span ("`...`", closed by a run of as many backticks) and
 * outside a URL ("scheme://..." or a bare "host.tld/path..." token, less
 * the trailing punctuation "?!.,:;*_~'\"" and an unbalanced ')' or ']');
 * len when there is none.  s is prose: one paragraph's lines, say.
 */
size_t markdown_prose_find(const char *s, size_t len, char c);

/*
 * The label a prose line starts with.  After the indent, an optional list
 * marker ("-", "*", "+", "1.", "1)") and an optional ATX heading ("#" to
 * "######"), the label is either wrapped in "**", "__", "*" or "_" (strong),
 * or, plain, the text before the first ':' (or the whole line).  A colon
 * inside or right after the wrapping, or ending a plain label, sets colon;
 * a number "3." or "3)" starting the label is taken off into number (so is
 * an ordered list marker's).  text is the label's words, without the
 * decoration, the colon and the spaces around them.
 */
struct markdown_label {
	const char *text;
	size_t len;
	int heading; /* ATX level 1-6, or 0 */
	int list;    /* after a list marker */
	int strong;  /* wrapped in emphasis */
	int colon;   /* ended by ':' */
	int alone;   /* nothing but decoration follows it on the line */
	int number;  /* a leading section number, or 0 */
};
/* Read the label of the line (len bytes at s); 0, or -1 for none. */
int markdown_label(const char *s, size_t len, struct markdown_label *out);

/*
 * Fold a label into words for comparing names: ASCII letters lowercased,
 * every run of other bytes (spaces, punctuation, UTF-8) one space, none at
 * either end; into buf (size bytes, cut to fit).  Returns buf.
 */
char *markdown_fold(const char *s, size_t len, char *buf, size_t size);
/* The same with the bytes of UTF-8 sequences kept as letters. */
char *markdown_fold_utf8(const char *s, size_t len, char *buf, size_t size);

#endif
