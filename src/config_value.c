/*
 * The typed values of the directive table: lists ("a", "b" or a, b, over
 * continuation lines), integers and durations within bounds, yes/no,
 * times, sides, policy pins and escalation ladders; and the
 * secret files that some directives name, read so that nobody else may.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ascii.h"
#include "ccwatch.h"
#include "config.h"
#include "config_int.h"
#include "log.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Largest secret file accepted. */
#define CONFIG_MAX_SECRET 4096

/* Add s to a list (a private strlist_add, which model.c owns). */
static void
config_list_add(struct strlist *l, const char *s, size_t len)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrndup(s, len);
}

/* Return 1 if the list holds the len bytes at s. */
static int
config_list_has(const struct strlist *l, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strlen(l->v[i]) == len && memcmp(l->v[i], s, len) == 0)
			return 1;
	}
	return 0;
}

/* Take one list item from *sp: "quoted" or bare up to the next comma. */
static int
config_list_item(const char **sp, const char **item, size_t *len, char **cause)
{
	const char *s = *sp, *end;

	if (*s == '"') {
		end = strchr(s + 1, '"');
		if (end == NULL) {
			xasprintf(cause, "unterminated quote");
			return -1;
		}
		*item = s + 1;
		*len = end - (s + 1);
		*sp = end + 1;
	} else {
		end = s + strcspn(s, ",\"");
		if (*end == '"') {
			xasprintf(cause, "quote inside an unquoted item");
			return -1;
		}
		*item = s;
		*sp = end;
		while (end > s && ascii_isspace(end[-1]))
			end--;
		*len = end - s;
	}
	if (*len == 0) {
		xasprintf(cause, "empty item");
		return -1;
	}
	return 0;
}

/*
 * Append the items of one line of a list: "a", "b" or a, b.  A trailing
 * comma is allowed, so that an item per continuation line reads naturally.
 */
static int
config_parse_list(struct strlist *l, const char *s, char **cause)
{
	const char *item;
	char q[CONFIG_QUOTE_LEN];
	size_t len;
	char *tmp;

	s = config_skip_space(s);
	while (*s != '\0') {
		if (config_list_item(&s, &item, &len, cause) == -1)
			return -1;
		if (config_list_has(l, item, len)) {
			tmp = xstrndup(item, len);
			xasprintf(cause, "duplicate item \"%s\"",
			    config_quote(q, tmp));
			free(tmp);
			return -1;
		}
		config_list_add(l, item, len);
		s = config_skip_space(s);
		if (*s == ',')
			s = config_skip_space(s + 1);
		else if (*s != '\0') {
			xasprintf(cause, "expected ',' after \"%s\"",
			    config_quote(q, l->v[l->n - 1]));
			return -1;
		}
	}
	return 0;
}

/* Parse an ISO 8601 UTC time or date into a time_t field. */
static int
config_parse_time(void *field, const char *value, char **cause)
{
	char q[CONFIG_QUOTE_LEN];
	time_t t;

	if (timeutil_parse_iso(value, &t) == -1) {
		xasprintf(cause,
		    "\"%s\" is not a time (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM:SSZ)",
		    config_quote(q, value));
		return -1;
	}
	*(time_t *)field = t;
	return 0;
}

/* Parse a side name into an enum side field. */
static int
config_parse_side(void *field, const char *value, char **cause)
{
	static const enum side sides[] = {
	    SIDE_CA, SIDE_PROGRAM, SIDE_COMMUNITY, SIDE_BOT};
	char q[CONFIG_QUOTE_LEN];
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(sides); i++) {
		if (strcmp(value, people_side_name(sides[i])) == 0) {
			*(enum side *)field = sides[i];
			return 0;
		}
	}
	xasprintf(cause, "\"%s\" is not ca, program, community or bot",
	    config_quote(q, value));
	return -1;
}

/* Parse "auto" or a policy version name into an int field. */
static int
config_parse_pin(void *field, const char *value, char **cause)
{
	char q[CONFIG_QUOTE_LEN];
	enum policy_version v;

	if (strcmp(value, "auto") == 0) {
		*(int *)field = POLICY_VERSION_AUTO;
		return 0;
	}
	if (policy_version_from_name(value, &v) == -1) {
		xasprintf(cause,
		    "\"%s\" is not auto, wiki-2017, ccadb-1.0, 2.0, 3.0, 3.1 "
		    "or 3.2",
		    config_quote(q, value));
		return -1;
	}
	*(int *)field = (int)v;
	return 0;
}

/*
 * Parse value into the field of directive d; first is 0 on continuation
 * lines.  The cause does not name the directive: config_set adds it.
 */
int
config_parse_value(const struct config_directive *d, void *field,
    const char *value, int first, char **cause)
{
	char q[CONFIG_QUOTE_LEN];
	const char *errstr;
	long long n;

	if (d->type != CONFIG_LIST && *value == '\0') {
		xasprintf(cause, "missing value");
		return -1;
	}
	switch (d->type) {
	case CONFIG_STRING:
	case CONFIG_PATH:
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return 0;
	case CONFIG_INT:
		if (timeutil_strtonum(value, d->min, d->max, &n, &errstr) ==
		    0) {
			*(long long *)field = n;
			return 0;
		}
		if (strcmp(errstr, "invalid") == 0)
			xasprintf(cause, "\"%s\" is not a number",
			    config_quote(q, value));
		else
			xasprintf(cause, "%s is out of range (%lld..%lld)",
			    config_quote(q, value), d->min, d->max);
		return -1;
	case CONFIG_BOOL:
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
			xasprintf(cause, "\"%s\" is neither yes nor no",
			    config_quote(q, value));
			return -1;
		}
		*(int *)field = value[0] == 'y';
		return 0;
	case CONFIG_LIST:
		if (first)
			strlist_free(field);
		return config_parse_list(field, value, cause);
	case CONFIG_ID:
		if (timeutil_strtonum(value, d->min, d->max, &n, &errstr) ==
		    -1) {
			xasprintf(cause, "\"%s\" is not a bug number",
			    config_quote(q, value));
			return -1;
		}
		*(int64_t *)field = n;
		return 0;
	case CONFIG_TIME:
		return config_parse_time(field, value, cause);
	case CONFIG_SIDE:
		return config_parse_side(field, value, cause);
	case CONFIG_PIN:
		return config_parse_pin(field, value, cause);
	case CONFIG_DURATION:
		if (timeutil_parse_duration(value, &n, cause) == -1)
			return -1;
		if (n < d->min || n > d->max) {
			free(*cause);
			xasprintf(cause, "%s is out of range (%llds..%llds)",
			    config_quote(q, value), d->min, d->max);
			return -1;
		}
		*(long long *)field = n;
		return 0;
	}
	fatalx("config: %s: bad type %d", d->name, (int)d->type);
}

/* Parse an escalation ladder "0h:1, 24h:2, 72h:3". */
int
config_parse_ladder(
    const char *s, struct config_step *steps, size_t *n, char **cause)
{
	const char *p = s;
	long long after, level;

	*n = 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*n == CONFIG_MAX_LADDER)
			goto bad;
		if (timeutil_parse_span(&p, &after) == -1 || *p++ != ':')
			goto bad;
		if (timeutil_parse_span(&p, &level) == -1 || level < 1 ||
		    level > 99)
			goto bad;
		if (*n > 0 &&
		    (after <= steps[*n - 1].after ||
			level <= steps[*n - 1].level))
			goto bad;
		steps[*n].after = after;
		steps[(*n)++].level = (int)level;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ',')
			p++;
		else if (*p != '\0')
			goto bad;
	}
	if (*n == 0)
		goto bad;
	return 0;
bad:
	xasprintf(cause,
	    "\"%s\" is not a ladder like \"0h:1, 24h:2, 72h:3\" "
	    "(ascending overdue times and levels 1..99, at most %d steps)",
	    s, CONFIG_MAX_LADDER);
	return -1;
}

/* Return 1 if path lies inside directory dir, both resolved. */
static int
config_path_under(const char *path, const char *dir)
{
	char *rpath, *rdir;
	size_t len;
	int under = 0;

	rpath = realpath(path, NULL);
	rdir = realpath(dir, NULL);
	if (rpath != NULL && rdir != NULL) {
		len = strlen(rdir);
		under = strncmp(rpath, rdir, len) == 0 && rpath[len] == '/';
	}
	free(rpath);
	free(rdir);
	return under;
}

/* Read at most size bytes of fd into data; returns the length or -1. */
static ssize_t
config_read_all(int fd, char *data, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size) {
		n = read(fd, data + len, size - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/*
 * Check the content of a secret file (len bytes at data, trailing newlines
 * already dropped); the message never quotes it.
 */
static int
config_check_secret_text(
    const char *file, const char *data, size_t len, char **cause)
{
	size_t i;

	if (len == 0) {
		xasprintf(cause, "%s: secret file is empty", file);
		return -1;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned char)data[i] < 0x20 || data[i] == 0x7f) {
			xasprintf(cause, "%s: secret holds a control character",
			    file);
			return -1;
		}
	}
	return 0;
}

/* Read a secret from a file, refusing one that others may read. */
int
config_read_secret(const char *path, char **out, char **cause)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char data[CONFIG_MAX_SECRET + 1], *file = NULL;
	struct stat st;
	ssize_t n;
	size_t len;
	int fd = -1, trusted, rc = -1;

	*out = NULL;
	if (dir != NULL && *dir == '\0')
		dir = NULL;
	if (*path == '\0') {
		xasprintf(cause, "empty secret file name");
		return -1;
	}
	if (*path != '/' && dir == NULL) {
		xasprintf(cause,
		    "%s: a relative name needs $CREDENTIALS_DIRECTORY", path);
		return -1;
	}
	if (*path != '/')
		xasprintf(&file, "%s/%s", dir, path);
	else
		file = xstrdup(path);
	trusted = dir != NULL && config_path_under(file, dir);

	/*
	 * O_NONBLOCK: a FIFO opens at once (and is refused below) instead of
	 * waiting for a writer; O_NOFOLLOW: a link is refused, not followed
	 * to a file its owner did not mean to share.
	 */
	if (lstat(file, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", file);
		goto out;
	}
	fd = open(
	    file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd == -1 && errno == ELOOP) {
		xasprintf(
		    cause, "%s: a symbolic link, not a regular file", file);
		goto out;
	}
	if (fd == -1 || fstat(fd, &st) == -1) {
		xasprintf(cause, "%s: %s", file, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", file);
		goto out;
	}
	if (!trusted && (st.st_mode & 077) != 0) {
		xasprintf(cause,
		    "%s: secret file is group/world readable (mode %04o); "
		    "chmod 600 it",
		    file, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	n = config_read_all(fd, data, sizeof data);
	if (n == -1) {
		xasprintf(cause, "%s: %s", file, strerror(errno));
		goto out;
	}
	len = n;
	if (len > CONFIG_MAX_SECRET) {
		xasprintf(cause, "%s: secret file larger than %d bytes", file,
		    CONFIG_MAX_SECRET);
		goto out;
	}
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (config_check_secret_text(file, data, len, cause) == -1)
		goto out;
	*out = xstrndup(data, len);
	rc = 0;
out:
	explicit_bzero(data, sizeof data);
	if (fd != -1)
		close(fd);
	free(file);
	return rc;
}
