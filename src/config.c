/*
 * The configuration file's reader.  libinih splits the INI into section,
 * name and value and joins continuation lines; every name goes through one
 * row of the directive table (config_table.c), and the checks that relate
 * directives run once the file is read (config_check.c).
 *
 * libinih (Debian's build) neither passes line numbers to the handler nor
 * reports more than the first syntax error, and it cuts lines longer than
 * its buffer into pieces.  So we feed it through our own reader: the reader
 * counts lines, rejects the long ones and the malformed ones itself (giving
 * libinih a harmless placeholder instead, so that the lines after them are
 * still checked), and parses section headers, including the quoted
 * subsection names of [ca "NAME"].  Every error is collected as
 * "file:line: message" and all of them are returned together.
 */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "ascii.h"
#include "buf.h"
#include "ccwatch.h"
#include "config.h"
#include "config_int.h"
#include "log.h"
#include "xmalloc.h"

/* Longest line accepted: libinih's buffer must hold it plus "\r\n\0". */
#define CONFIG_MAX_LINE 190
#if INI_MAX_LINE < CONFIG_MAX_LINE + 3
#error "libinih's line buffer is shorter than CONFIG_MAX_LINE"
#endif
/* Room for the error messages of one file, and most messages shown. */
#define CONFIG_MAX_ERRORS   ((size_t)64 * 1024)
#define CONFIG_MAX_MESSAGES 1000
/* Given to libinih in place of a rejected line; never a real directive. */
#define CONFIG_PLACEHOLDER "\x7f=\n"

/*
 * Record one "file:line: message" error.  The checks run in several
 * passes (lines, sections, the whole file), so the errors are kept and
 * sorted by line at the end; past the bounds they are only counted.
 */
void
config_error(struct config_parse *p, int line, const char *fmt, ...)
{
	struct config_msg *m;
	va_list ap;
	char *msg;

	p->nerrors++;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (p->nmsgs == CONFIG_MAX_MESSAGES ||
	    p->msgbytes + strlen(msg) > CONFIG_MAX_ERRORS) {
		free(msg);
		return;
	}
	p->msgs = xreallocarray(p->msgs, p->nmsgs + 1, sizeof *p->msgs);
	m = &p->msgs[p->nmsgs++];
	m->line = line;
	m->text = msg;
	p->msgbytes += strlen(msg);
}

/* Order errors by line, the whole file's last; stable, as found. */
static void
config_sort_errors(struct config_msg *v, size_t n)
{
	struct config_msg m;
	size_t i, j;

	for (i = 1; i < n; i++) {
		m = v[i];
		for (j = i; j > 0 &&
		     (m.line != 0 &&
			 (v[j - 1].line == 0 || v[j - 1].line > m.line));
		     j--)
			v[j] = v[j - 1];
		v[j] = m;
	}
}

/* Every error, sorted, one "file:line: message" a line (allocated). */
static char *
config_join_errors(struct config_parse *p)
{
	struct buf b;
	size_t i;

	config_sort_errors(p->msgs, p->nmsgs);
	buf_init(&b, 2 * CONFIG_MAX_ERRORS);
	for (i = 0; i < p->nmsgs; i++) {
		if (i > 0)
			buf_addch(&b, '\n');
		if (p->msgs[i].line > 0)
			buf_printf(&b, "%s:%d: %s", p->file, p->msgs[i].line,
			    p->msgs[i].text);
		else
			buf_printf(&b, "%s: %s", p->file, p->msgs[i].text);
	}
	if ((size_t)p->nerrors > p->nmsgs)
		buf_printf(&b, "\n%s: %zu more errors not shown", p->file,
		    (size_t)p->nerrors - p->nmsgs);
	return buf_detach(&b);
}

/* Copy s into dst, escaped and cut, for quoting it in a message. */
const char *
config_quote(char dst[CONFIG_QUOTE_LEN], const char *s)
{
	return log_escape(dst, CONFIG_QUOTE_LEN, s);
}

/* Skip leading blanks. */
const char *
config_skip_space(const char *s)
{
	while (ascii_isspace(*s))
		s++;
	return s;
}

/* Lower-case the ASCII letters of s in place; returns s. */
static char *
config_lower(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/*
 * Split a header's inside, "name" or "name \"SUBNAME\"", into its parts
 * (allocated).  Returns 0, or -1 with *cause.
 */
static int
config_parse_header(const char *s, char **name, char **subname, char **cause)
{
	const char *start, *end;
	char *lower;
	int upper = 0;

	*name = *subname = NULL;
	s = config_skip_space(s);
	start = s;
	while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-') {
		if (*s >= 'A' && *s <= 'Z')
			upper = 1;
		s++;
	}
	if (s == start || (*s != '\0' && !ascii_isspace(*s) && *s != '"')) {
		xasprintf(cause, "bad section name");
		return -1;
	}
	if (upper) {
		lower = config_lower(xstrndup(start, s - start));
		if (config_find_section(lower) != NULL)
			xasprintf(cause,
			    "section names are lower case: [%s], not [%.*s]",
			    lower, (int)(s - start), start);
		else
			xasprintf(cause, "section names are lower case");
		free(lower);
		return -1;
	}
	*name = xstrndup(start, s - start);
	s = config_skip_space(s);
	if (*s == '"') {
		end = strchr(s + 1, '"');
		if (end == NULL || end == s + 1) {
			xasprintf(cause, "bad subsection name in [%s]", *name);
			goto fail;
		}
		*subname = xstrndup(s + 1, end - (s + 1));
		s = config_skip_space(end + 1);
	}
	if (*s != '\0') {
		xasprintf(
		    cause, "unexpected text in section header [%s]", *name);
		goto fail;
	}
	return 0;
fail:
	free(*name);
	free(*subname);
	*name = *subname = NULL;
	return -1;
}

/* Forget which directives of section were seen: a subsection starts. */
static void
config_forget_section(struct config_parse *p, const char *section)
{
	size_t i;

	for (i = 0; i < config_ndirectives; i++)
		if (strcmp(config_directives[i].section, section) == 0)
			p->seen[i] = 0;
}

/* Start the section of a "[...]" line (s at its '['). */
static int
config_begin_section(struct config_parse *p, const char *s)
{
	const char *end;
	char *inside = NULL, *name = NULL, *subname = NULL;
	char *cause = NULL;
	int rc = -1;

	config_check_section(p);
	p->sect = NULL;
	p->sect_bad = 1;
	p->sect_line = p->lineno;
	end = strchr(s, ']');
	if (end == NULL) {
		config_error(p, p->lineno, "missing ']' in section header");
		return -1;
	}
	inside = xstrndup(s + 1, end - (s + 1));
	end = config_skip_space(end + 1);
	if (*end != '\0' && *end != ';' && *end != '#')
		xasprintf(&cause, "unexpected text after ']'");
	else
		config_parse_header(inside, &name, &subname, &cause);
	if (cause != NULL)
		goto out;
	p->sect = config_find_section(name);
	if (p->sect == NULL)
		xasprintf(&cause, "unknown section [%s]", name);
	else if (p->sect->subname && subname == NULL)
		xasprintf(
		    &cause, "[%s] needs a name: [%s \"NAME\"]", name, name);
	else if (!p->sect->subname && subname != NULL)
		xasprintf(&cause, "[%s] takes no name", name);
	else if (p->sect->base != NULL) {
		p->base = p->sect->base(p->cfg, subname, &cause);
		config_forget_section(p, p->sect->name);
	} else
		p->base = p->cfg;
	if (cause != NULL) {
		p->sect = NULL;
		goto out;
	}
	p->sect_bad = 0;
	rc = 0;
out:
	if (cause != NULL) {
		config_error(p, p->lineno, "%s", cause);
		free(cause);
	}
	free(inside);
	free(name);
	free(subname);
	return rc;
}

/*
 * A line was rejected before it could be read.  When it was a section
 * header, its section is rejected with it, quietly: the directives under
 * it belong to no section we know, and must not be taken for directives
 * of the section before it.
 */
static void
config_reject_line(struct config_parse *p, const char *s, int indented)
{
	if (*s != '[' || (indented && p->in_value))
		return;
	config_check_section(p);
	p->sect = NULL;
	p->sect_bad = 1;
	p->sect_line = p->lineno;
}

/*
 * Look at one line the way libinih will and decide what to give it.
 * Returns 0 to pass the line on, -1 to give libinih the placeholder.
 */
static int
config_scan_line(struct config_parse *p, const char *line, size_t len)
{
	const char *s = line, *eq;
	int indented;

	if (p->lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	indented = ascii_isspace(*s);
	if (len > CONFIG_MAX_LINE || strlen(line) != len) {
		if (len > CONFIG_MAX_LINE)
			config_error(p, p->lineno,
			    "line too long (%zu bytes, at most %d); split long "
			    "lists with continuation lines",
			    len, CONFIG_MAX_LINE);
		else
			config_error(p, p->lineno, "NUL byte in line");
		config_reject_line(p, config_skip_space(s), indented);
		return -1;
	}
	s = config_skip_space(s);
	if (*s == '\0' || *s == ';' || *s == '#')
		return 0;
	if (indented && p->in_value) {
		p->cont = 1;
		return 0;
	}
	if (*s == '[') {
		p->in_value = 0;
		p->cur = -1;
		return config_begin_section(p, s) == 0 ? 0 : -1;
	}
	eq = s + strcspn(s, "=:");
	if (*eq == '\0') {
		config_error(p, p->lineno, "expected name = value");
		return -1;
	}
	if (eq == s) {
		config_error(p, p->lineno, "missing name before '%c'", *eq);
		return -1;
	}
	p->in_value = 1;
	return 0;
}

/*
 * libinih's reader: the next line of the file, counted and checked.  A
 * rejected line becomes a placeholder directive that the handler ignores,
 * together with its continuation lines.
 */
static char *
config_read_line(char *str, int num, void *arg)
{
	struct config_parse *p = arg;
	ssize_t n;
	size_t len;
	int rc;

	n = getline(&p->line, &p->linesize, p->f);
	if (n == -1) {
		if (ferror(p->f))
			config_error(p, 0, "read: %s", strerror(errno));
		return NULL;
	}
	p->lineno++;
	p->cont = p->skip = 0;
	len = n;
	if (len > 0 && p->line[len - 1] == '\n')
		len--;
	if (len > 0 && p->line[len - 1] == '\r')
		len--;
	p->line[len] = '\0';
	rc = config_scan_line(p, p->line, len);
	if (rc == 0 && len + 2 > (size_t)num) {
		config_error(p, p->lineno, "line longer than libinih's buffer");
		rc = -1;
	}
	if (rc == -1) {
		p->skip = 1;
		p->in_value = 1;
		p->cur = -1;
		memcpy(str, CONFIG_PLACEHOLDER, sizeof CONFIG_PLACEHOLDER);
		return str;
	}
	memcpy(str, p->line, len);
	memcpy(str + len, "\n", 2);
	return str;
}

/* Report a name that is no directive of the section, with a hint. */
static void
config_unknown_directive(struct config_parse *p, const char *name)
{
	char q[CONFIG_QUOTE_LEN], *lower;

	lower = config_lower(xstrdup(name));
	if (strcmp(lower, name) != 0 &&
	    config_find_directive(p->sect->name, lower) != -1)
		config_error(p, p->lineno,
		    "unknown directive \"%s\" in [%s]: names are lower case: "
		    "%s",
		    config_quote(q, name), p->sect->name, lower);
	else
		config_error(p, p->lineno, "unknown directive \"%s\" in [%s]",
		    config_quote(q, name), p->sect->name);
	free(lower);
}

/* Apply a new "name = value" line. */
static void
config_handle_directive(
    struct config_parse *p, const char *name, const char *value)
{
	char q[CONFIG_QUOTE_LEN], *cause = NULL;
	int i;

	p->cur = -1;
	if (p->sect == NULL) {
		if (!p->sect_bad)
			config_error(p, p->lineno,
			    "directive \"%s\" outside any section",
			    config_quote(q, name));
		return;
	}
	i = config_find_directive(p->sect->name, name);
	if (i == -1) {
		config_unknown_directive(p, name);
		return;
	}
	if (p->seen[i] != 0) {
		config_error(p, p->lineno,
		    "duplicate directive %s (first set at line %d)", name,
		    p->seen[i]);
		return;
	}
	p->seen[i] = p->lineno;
	if (config_set(p->cfg, &config_directives[i], p->base, value, 1,
		&cause) == -1) {
		config_error(p, p->lineno, "%s", cause);
		free(cause);
		return;
	}
	p->cur = i;
}

/* Apply a continuation line to the directive it continues. */
static void
config_handle_continuation(struct config_parse *p, const char *value)
{
	const struct config_directive *d;
	char *cause = NULL;

	if (p->cur == -1)
		return; /* its directive was rejected */
	d = &config_directives[p->cur];
	if (d->type != CONFIG_LIST) {
		config_error(p, p->lineno,
		    "%s: only lists continue on the next line", d->name);
		p->cur = -1;
		return;
	}
	if (config_set(p->cfg, d, p->base, value, 0, &cause) == -1) {
		config_error(p, p->lineno, "%s", cause);
		free(cause);
		p->cur = -1;
	}
}

/* libinih's handler; errors are collected, so it always goes on. */
static int
config_handle(
    void *arg, const char *section, const char *name, const char *value)
{
	struct config_parse *p = arg;

	if (p->skip)
		return 1;
	if (p->cont)
		config_handle_continuation(p, value);
	else
		config_handle_directive(p, name, value);
	return 1;
}

/* Return the built-in defaults. */
struct config *
config_default(void)
{
	struct config *cfg;

	cfg = config_new();
	config_finish(cfg);
	return cfg;
}

/* Read and validate a configuration file. */
struct config *
config_load(const char *path, char **cause)
{
	return config_load_flags(path, 0, cause);
}

/* Read and validate path, with the CONFIG_* flags. */
struct config *
config_load_flags(const char *path, int flags, char **cause)
{
	struct config_parse p;
	struct config *cfg = NULL;
	uint64_t usec = 0;
	size_t i;
	int rc;

	memset(&p, 0, sizeof p);
	p.file = path;
	p.cur = -1;
	p.f = fopen(path, "r");
	if (p.f == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	p.cfg = config_new();
	p.cfg->path = xstrdup(path);
	p.cfg->skip_secrets = (flags & CONFIG_NO_SECRETS) != 0;
	p.cfg->check_disk = (flags & CONFIG_DAEMON) != 0;
	/* Only the watchdog of this very process (WATCHDOG_PID) counts. */
	if (sd_watchdog_enabled(0, &usec) > 0)
		p.watchdog_usec = usec;
	rc = ini_parse_stream(config_read_line, &p, config_handle, &p);
	if (rc > 0)
		config_error(&p, rc, "syntax error");
	else if (rc < 0)
		config_error(&p, 0, "cannot parse (error %d)", rc);
	config_check_section(&p);
	config_finish(p.cfg);
	config_cross_check(&p);
	if (p.nerrors > 0) {
		*cause = config_join_errors(&p);
		config_free(p.cfg);
		goto out;
	}
	cfg = p.cfg;
out:
	if (p.f != NULL)
		(void)fclose(p.f);
	free(p.line);
	for (i = 0; i < p.nmsgs; i++)
		free(p.msgs[i].text);
	free(p.msgs);
	return cfg;
}
