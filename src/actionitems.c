/*
 * The Action Items reader (see actionitems.h): the Markdown pipe tables of
 * a comment, found among its prose lines (markdown.c), their header row
 * matched column by column, and their rows read into items; failing a
 * table, a plain-text list under an "Action Items" label.
 */
#include <stdlib.h>
#include <string.h>

#include "actionitems_int.h"
#include "ascii.h"
#include "ccwatch.h"
#include "markdown.h"
#include "xmalloc.h"

/* What a column of an Action Items table holds. */
enum ai_role {
	AI_COL_EXTRA,
	AI_COL_ACTION,
	AI_COL_NUMBER,
	AI_COL_KIND,
	AI_COL_CAUSE,
	AI_COL_CRITERIA,
	AI_COL_DUE,
	AI_COL_STATUS,
	AI_NROLES
};

/* One cell of a line: bytes of the text, not yet cleaned. */
struct ai_span {
	const char *s;
	size_t len;
};

/* A table's header: each column's role, and its name for extra ones. */
struct ai_table {
	enum ai_role role[ACTIONITEMS_MAX_COLUMNS];
	char *name[ACTIONITEMS_MAX_COLUMNS];
	char action[64]; /* the action column's name, folded */
	size_t ncols;
	int col[AI_NROLES]; /* the column of each role, or -1 */
	int index;          /* the table's number in the comment */
};

/*
 * The rank of the due names that say too little alone ("Date",
 * "Timeline"): they make an Action Items table only beside an action
 * column its header calls an action ("Action Item", "Action", ...), not
 * beside a "Description" (a Related Incidents table has both).
 */
#define AI_RANK_LOOSE 4

/* A header name and the role it gives its column, best names first. */
static const struct {
	const char *name;
	enum ai_role role;
	int rank;
} ai_headers[] = {
    {"action item", AI_COL_ACTION, 0},
    {"action items", AI_COL_ACTION, 0},
    {"action item description", AI_COL_ACTION, 0},
    {"action", AI_COL_ACTION, 1},
    {"actions", AI_COL_ACTION, 1},
    {"action description", AI_COL_ACTION, 1},
    {"description", AI_COL_ACTION, 2},
    {"corrective action", AI_COL_ACTION, 2},
    {"corrective actions", AI_COL_ACTION, 2},
    {"remediation", AI_COL_ACTION, 3},
    {"remediation item", AI_COL_ACTION, 3},
    {"remediation action", AI_COL_ACTION, 3},
    {"task", AI_COL_ACTION, 3},
    {"item", AI_COL_ACTION, 3},
    {"no", AI_COL_NUMBER, 0},
    {"nr", AI_COL_NUMBER, 0},
    {"number", AI_COL_NUMBER, 0},
    {"id", AI_COL_NUMBER, 0},
    {"ai", AI_COL_NUMBER, 0},
    {"ref", AI_COL_NUMBER, 0},
    {"item no", AI_COL_NUMBER, 0},
    {"action item no", AI_COL_NUMBER, 0},
    {"action item id", AI_COL_NUMBER, 0},
    {"kind", AI_COL_KIND, 0},
    {"type", AI_COL_KIND, 1},
    {"category", AI_COL_KIND, 1},
    {"classification", AI_COL_KIND, 1},
    {"kind of action", AI_COL_KIND, 1},
    {"due date", AI_COL_DUE, 0},
    {"due", AI_COL_DUE, 0},
    {"target date", AI_COL_DUE, 1},
    {"target", AI_COL_DUE, 1},
    {"target completion date", AI_COL_DUE, 1},
    {"deadline", AI_COL_DUE, 1},
    {"completion date", AI_COL_DUE, 2},
    {"planned completion date", AI_COL_DUE, 2},
    {"expected completion date", AI_COL_DUE, 2},
    {"estimated completion date", AI_COL_DUE, 2},
    {"planned completion", AI_COL_DUE, 2},
    {"expected completion", AI_COL_DUE, 2},
    {"estimated completion", AI_COL_DUE, 2},
    {"completion", AI_COL_DUE, 2},
    {"planned date", AI_COL_DUE, 2},
    {"eta", AI_COL_DUE, 2},
    {"date", AI_COL_DUE, AI_RANK_LOOSE},
    {"timeline", AI_COL_DUE, AI_RANK_LOOSE},
    {"target timeline", AI_COL_DUE, AI_RANK_LOOSE},
    {"timeframe", AI_COL_DUE, AI_RANK_LOOSE},
    {"time frame", AI_COL_DUE, AI_RANK_LOOSE},
    {"status", AI_COL_STATUS, 0},
    {"state", AI_COL_STATUS, 0},
    {"current status", AI_COL_STATUS, 1},
    {"progress", AI_COL_STATUS, 1},
};

/* 1 if the folded name holds word as whole words. */
static int
ai_has_words(const char *name, const char *word)
{
	size_t w = strlen(word);
	const char *p;

	for (p = name; (p = strstr(p, word)) != NULL; p++)
		if ((p == name || p[-1] == ' ') &&
		    (p[w] == ' ' || p[w] == '\0'))
			return 1;
	return 0;
}

/*
 * The role a header cell names, with its rank (lower wins when two
 * columns name one role): the names of ai_headers, then what their words
 * say ("Due Date (YYYY-MM-DD)", "Corresponding Root Cause(s)").
 */
static enum ai_role
ai_header_role(const char *clean, int *rank)
{
	char f[96];
	size_t i, n = strlen(clean);

	*rank = 3;
	actionitems_fold(clean, n, f, sizeof f);
	if (strcmp(clean, "#") == 0 || (n > 0 && clean[n - 1] == '#') ||
	    strcmp(clean, "\xe2\x84\x96") == 0) {
		*rank = 0;
		return AI_COL_NUMBER;
	}
	for (i = 0; i < CCWATCH_NELEM(ai_headers); i++)
		if (strcmp(f, ai_headers[i].name) == 0) {
			*rank = ai_headers[i].rank;
			return ai_headers[i].role;
		}
	if (ai_has_words(f, "status"))
		return AI_COL_STATUS;
	if (ai_has_words(f, "root cause") || ai_has_words(f, "root causes"))
		return AI_COL_CAUSE;
	if (ai_has_words(f, "criteria") || strncmp(f, "evaluation", 10) == 0)
		return AI_COL_CRITERIA;
	if (strncmp(f, "due", 3) == 0 && (f[3] == ' ' || f[3] == '\0'))
		return AI_COL_DUE;
	if (ai_has_words(f, "date") &&
	    (ai_has_words(f, "due") || ai_has_words(f, "target") ||
		ai_has_words(f, "completion") || ai_has_words(f, "deadline")))
		return AI_COL_DUE;
	if (strncmp(f, "action", 6) == 0)
		return AI_COL_ACTION;
	return AI_COL_EXTRA;
}

/* 1 if the n bytes at s hold word (lowercase), ignoring ASCII case. */
static int
ai_contains(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; i + w <= n; i++)
		if (ascii_tolower(s[i]) == word[0] &&
		    ai_word_is(s + i, w, word))
			return 1;
	return 0;
}

/*
 * 1 if a line may head an Action Items table: it names something like an
 * action and something like a due date.  A quick look before the header
 * is read cell by cell, for the many table lines that head nothing.
 */
static int
ai_maybe_header(const char *s, size_t n)
{
	return (ai_contains(s, n, "action") || ai_contains(s, n, "descr") ||
		   ai_contains(s, n, "remediat") || ai_contains(s, n, "task") ||
		   ai_contains(s, n, "item")) &&
	    (ai_contains(s, n, "due") || ai_contains(s, n, "target") ||
		ai_contains(s, n, "complet") || ai_contains(s, n, "deadline") ||
		ai_contains(s, n, "eta") || ai_contains(s, n, "date") ||
		ai_contains(s, n, "timeline") ||
		ai_contains(s, n, "timeframe") ||
		ai_contains(s, n, "time frame"));
}

/* 1 if s[i] is a '|' that no backslash escapes. */
static int
ai_is_pipe(const char *s, size_t i)
{
	return s[i] == '|' && (i == 0 || s[i - 1] != '\\');
}

/* Trim spaces and tabs off both ends of a span. */
static void
ai_trim(struct ai_span *sp)
{
	while (sp->len > 0 && (sp->s[0] == ' ' || sp->s[0] == '\t')) {
		sp->s++;
		sp->len--;
	}
	while (sp->len > 0 &&
	    (sp->s[sp->len - 1] == ' ' || sp->s[sp->len - 1] == '\t'))
		sp->len--;
}

/*
 * Split a table line into its cells (at most max): on each '|' that no
 * backslash escapes, without the outer pipes, each cell trimmed.  Returns
 * the cells, 0 when the line has no such pipe; *more is set when cells
 * were left out.
 */
static size_t
ai_split(
    const char *s, size_t len, struct ai_span *cells, size_t max, int *more)
{
	struct ai_span line = {s, len};
	size_t i, start, n = 0, pipes = 0;

	*more = 0;
	ai_trim(&line);
	for (i = 0; i < line.len; i++)
		pipes += ai_is_pipe(line.s, i);
	if (pipes == 0)
		return 0;
	if (line.len > 0 && line.s[0] == '|') {
		line.s++;
		line.len--;
	}
	if (line.len > 0 && ai_is_pipe(line.s, line.len - 1))
		line.len--;
	for (start = 0, i = 0; i <= line.len; i++) {
		if (i < line.len && !ai_is_pipe(line.s, i))
			continue;
		if (n == max) {
			*more = 1;
			break;
		}
		cells[n].s = line.s + start;
		cells[n].len = i - start;
		ai_trim(&cells[n]);
		n++;
		start = i + 1;
	}
	return n;
}

/* 1 if the cells form a delimiter row ("---", ":--:", "--:"). */
static int
ai_delimiter(const struct ai_span *cells, size_t n)
{
	size_t i, j, dashes;

	for (i = 0; i < n; i++) {
		dashes = 0;
		for (j = 0; j < cells[i].len; j++) {
			if (cells[i].s[j] == '-')
				dashes++;
			else if (cells[i].s[j] != ':' ||
			    (j != 0 && j != cells[i].len - 1))
				return 0;
		}
		if (dashes == 0)
			return 0;
	}
	return n > 0;
}

/* Free a table's header names. */
static void
ai_table_free(struct ai_table *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(t->name[i]);
	memset(t, 0, sizeof *t);
}

/*
 * Read a header row into *t: each column's role, the best-ranked column
 * of a role taking it (the others kept as extra columns).  Returns 1 when
 * the header names an action and a due date.
 */
static int
ai_header(const struct ai_span *cells, size_t n, struct ai_table *t)
{
	int rank[ACTIONITEMS_MAX_COLUMNS], best[AI_NROLES], r;
	size_t i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < AI_NROLES; i++) {
		t->col[i] = -1;
		best[i] = 99;
	}
	t->ncols = n;
	for (i = 0; i < n; i++) {
		t->name[i] = ai_clean_dup(cells[i].s, cells[i].len, 0);
		t->role[i] = ai_header_role(t->name[i], &rank[i]);
		r = (int)t->role[i];
		if (t->role[i] != AI_COL_EXTRA && rank[i] < best[r]) {
			best[r] = rank[i];
			t->col[r] = (int)i;
		}
	}
	for (i = 0; i < n; i++)
		if (t->col[t->role[i]] != (int)i)
			t->role[i] = AI_COL_EXTRA;
	if (t->col[AI_COL_ACTION] >= 0 && t->col[AI_COL_DUE] >= 0) {
		actionitems_fold(t->name[t->col[AI_COL_ACTION]],
		    strlen(t->name[t->col[AI_COL_ACTION]]), t->action,
		    sizeof t->action);
		if (best[AI_COL_DUE] < AI_RANK_LOOSE ||
		    strncmp(t->action, "action", 6) == 0)
			return 1;
	}
	ai_table_free(t);
	return 0;
}

/* A cleaned copy of the cell of a role, or NULL when absent or empty. */
static char *
ai_cell(const struct ai_table *t, const struct ai_span *cells, size_t n,
    enum ai_role role, int drop_struck)
{
	int c = t->col[role];
	char *s;

	if (c < 0 || (size_t)c >= n)
		return NULL;
	s = ai_clean_dup(cells[c].s, cells[c].len, drop_struck);
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/* Free one row's allocations. */
void
ai_row_free(struct actionitem_row *r)
{
	size_t i;

	free(r->number);
	free(r->description);
	free(r->kind);
	free(r->root_cause);
	free(r->criteria);
	actionitems_due_free(&r->due);
	free(r->status_text);
	for (i = 0; i < r->nextra; i++) {
		free(r->extra[i].name);
		free(r->extra[i].value);
	}
	free(r->extra);
	strlist_free(&r->warnings);
	memset(r, 0, sizeof *r);
}

/* Append a row to the comment's list; 0, or -1 when it is full. */
static int
ai_add_row(struct actionitem_read *out, struct actionitem_row *r)
{
	if (out->n >= ACTIONITEMS_MAX_ROWS) {
		ai_warn(&out->warnings,
		    "more than %d action items: line %d and later left out",
		    ACTIONITEMS_MAX_ROWS, r->line);
		ai_row_free(r);
		return -1;
	}
	out->rows = xreallocarray(out->rows, out->n + 1, sizeof *out->rows);
	out->rows[out->n++] = *r;
	return 0;
}

/* Keep the extra columns of a row, with their header names. */
static void
ai_row_extra(const struct ai_table *t, const struct ai_span *cells, size_t n,
    struct actionitem_row *r)
{
	size_t i;

	for (i = 0; i < t->ncols && i < n; i++) {
		if (t->role[i] != AI_COL_EXTRA || cells[i].len == 0)
			continue;
		r->extra =
		    xreallocarray(r->extra, r->nextra + 1, sizeof *r->extra);
		r->extra[r->nextra].name = xstrdup(t->name[i]);
		r->extra[r->nextra].value =
		    ai_clean_dup(cells[i].s, cells[i].len, 0);
		r->nextra++;
	}
}

/*
 * The number and description of a row: the number column's number, else
 * one the action cell starts with.  0, or -1 when there is no action.
 */
static int
ai_row_action(const struct ai_table *t, const struct ai_span *cells, size_t n,
    struct actionitem_row *r)
{
	char *action, *num;
	const char *rest;

	action = ai_cell(t, cells, n, AI_COL_ACTION, 0);
	num = ai_cell(t, cells, n, AI_COL_NUMBER, 1);
	if (num != NULL) {
		r->number = ai_take_number(num, 1, &rest);
		free(num);
	}
	if (action == NULL)
		return -1;
	num = ai_take_number(action, 0, &rest);
	if (num != NULL && r->number == NULL)
		r->number = num;
	else
		free(num);
	r->description = xstrdup(rest);
	free(action);
	return *r->description != '\0' ? 0 : -1;
}

/*
 * Read one data row of table t (line from 1) into out.  Empty rows, the
 * template's "Example" row and a repeated header are skipped.
 */
static void
ai_row(const struct ai_table *t, const struct ai_span *cells, size_t n,
    int line, time_t written, struct actionitem_read *out)
{
	struct actionitem_row r;
	char fold[64];
	const struct ai_span *due;
	size_t i, used = 0;

	for (i = 0; i < n; i++)
		used += cells[i].len;
	if (used == 0 || ai_delimiter(cells, n))
		return;
	memset(&r, 0, sizeof r);
	r.table = t->index;
	r.line = line;
	if (ai_row_action(t, cells, n, &r) == -1) {
		ai_warn(&out->warnings,
		    "line %d: a row without an action: "
		    "not read",
		    line);
		ai_row_free(&r);
		return;
	}
	actionitems_fold(
	    r.description, strlen(r.description), fold, sizeof fold);
	if (strcmp(fold, "example") == 0 || strcmp(fold, t->action) == 0) {
		ai_row_free(&r);
		return;
	}
	r.kind = ai_cell(t, cells, n, AI_COL_KIND, 1);
	r.root_cause = ai_cell(t, cells, n, AI_COL_CAUSE, 0);
	r.criteria = ai_cell(t, cells, n, AI_COL_CRITERIA, 0);
	due =
	    (size_t)t->col[AI_COL_DUE] < n ? &cells[t->col[AI_COL_DUE]] : NULL;
	actionitems_due(due != NULL ? due->s : "", due != NULL ? due->len : 0,
	    written, &r.due, &r.warnings);
	if (t->col[AI_COL_STATUS] >= 0) {
		r.status_text = ai_cell(t, cells, n, AI_COL_STATUS, 1);
		if (r.status_text == NULL)
			r.status_text = xstrdup("");
		r.status =
		    actionitems_status(r.status_text, strlen(r.status_text));
	}
	ai_row_extra(t, cells, n, &r);
	ai_add_row(out, &r);
}

/*
 * Read the table whose header is line i, if it is an Action Items
 * table: its rows are the prose lines with a pipe that follow (after the
 * delimiter row; a table without one is read too).  Returns the first
 * line after the table, or i + 1 when line i heads none.
 */
static size_t
ai_table(const struct markdown *md, size_t i, time_t written,
    struct actionitem_read *out)
{
	struct ai_span cells[ACTIONITEMS_MAX_COLUMNS];
	struct ai_table t;
	const struct markdown_line *l = &md->lines[i];
	size_t n, j, before = out->n;
	int more;

	if (memchr(l->s, '|', l->len) == NULL || !ai_maybe_header(l->s, l->len))
		return i + 1;
	n = ai_split(l->s, l->len, cells, ACTIONITEMS_MAX_COLUMNS, &more);
	if (n < 2 || ai_delimiter(cells, n) || !ai_header(cells, n, &t))
		return i + 1;
	t.index = out->tables;
	if (more)
		ai_warn(&out->warnings,
		    "line %zu: a table of more than %d columns: the rest "
		    "left out",
		    i + 1, ACTIONITEMS_MAX_COLUMNS);
	for (j = i + 1; j < md->n && md->lines[j].kind == MARKDOWN_TEXT; j++) {
		l = &md->lines[j];
		n = ai_split(
		    l->s, l->len, cells, ACTIONITEMS_MAX_COLUMNS, &more);
		if (n == 0)
			break;
		ai_row(&t, cells, n, (int)j + 1, written, out);
	}
	if (out->n > before)
		out->tables++;
	ai_table_free(&t);
	return j;
}

/* Read a comment's items; see actionitems.h. */
size_t
actionitems_read(const char *text, time_t written, struct actionitem_read *out)
{
	struct markdown md;
	size_t i;

	memset(out, 0, sizeof *out);
	if (text == NULL ||
	    (strchr(text, '|') == NULL && strstr(text, "ction") == NULL &&
		strstr(text, "CTION") == NULL))
		return 0;
	markdown_scan(text, &md);
	for (i = 0; i < md.n;) {
		if (md.lines[i].kind != MARKDOWN_TEXT) {
			i++;
			continue;
		}
		i = ai_table(&md, i, written, out);
	}
	if (out->n == 0)
		ai_read_plain(&md, written, out);
	markdown_free(&md);
	return out->n;
}

/* Free a comment's items. */
void
actionitems_read_free(struct actionitem_read *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		ai_row_free(&r->rows[i]);
	free(r->rows);
	strlist_free(&r->warnings);
	memset(r, 0, sizeof *r);
}
