/*
 * CA names (see caname.h).  The owner is cut from a summary at its first
 * separator; the key folds a name into its letters and digits with the
 * trailing legal forms dropped, so spellings of one CA compare equal.
 * Character classes are ASCII and written out here, so no locale can
 * change a key.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "caname.h"
#include "ccwatch.h"
#include "xmalloc.h"

/*
 * Legal forms dropped from the end of a name, folded (letters and digits,
 * lowercase): POLICY.md's Kft., GmbH, Inc., Ltd, S.A., AG, B.V. and their
 * kin in the CCADB's owner names.
 */
static const char *caname_legal[] = {"kft", "zrt", "nyrt", "gmbh", "ag", "inc",
    "incorporated", "ltd", "limited", "llc", "plc", "corp", "corporation", "co",
    "sa", "sas", "sl", "spa", "srl", "bv", "nv", "oy", "ab", "as", "asa", "pty",
    "kk", "sro", "doo", "ad"};

/*
 * 1 if an owner's separator starts at p (in s, NUL-ended): a ':' that is
 * not between two digits (10:00), or " - ", " – " or " — ".
 */
static int
caname_separator(const char *s, const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (*p == ':')
		return !(p > s && ascii_isdigit(p[-1]) && ascii_isdigit(p[1]));
	if (*p != ' ')
		return 0;
	if (p[1] == '-' && p[2] == ' ')
		return 1;
	return u[1] == 0xe2 && u[2] == 0x80 && (u[3] == 0x93 || u[3] == 0x94) &&
	    u[4] == ' ';
}

/* The owner a summary names; see caname.h. */
char *
caname_owner(const char *summary)
{
	const char *s, *end, *p, *close;
	size_t n;

	if (summary == NULL)
		return NULL;
	s = summary;
	while (ascii_isspace(*s))
		s++;
	n = strnlen(s, CANAME_MAX_OWNER);
	close = *s == '[' ? memchr(s, ']', n) : NULL;
	if (close != NULL) {
		if (close - s == 5 && strncasecmp(s, "[meta]", 6) == 0)
			return NULL;
		s++;
		end = close;
	} else {
		end = NULL;
		for (p = s; p < s + n && end == NULL; p++)
			if (caname_separator(s, p))
				end = p;
		if (end == NULL)
			return NULL;
	}
	while (s < end && ascii_isspace(*s))
		s++;
	while (end > s && ascii_isspace(end[-1]))
		end--;
	if (end == s)
		return NULL;
	return xstrndup(s, (size_t)(end - s));
}

/* 1 if the folded word (n bytes at w) is a legal form. */
static int
caname_is_legal(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < CCWATCH_NELEM(caname_legal); i++)
		if (strlen(caname_legal[i]) == n &&
		    memcmp(caname_legal[i], w, n) == 0)
			return 1;
	return 0;
}

/* The i-th legal form, or NULL past the last. */
const char *
caname_legal_form(size_t i)
{
	return i < CCWATCH_NELEM(caname_legal) ? caname_legal[i] : NULL;
}

/* The key of a name into buf; see caname.h. */
char *
caname_key_into(const char *name, char *buf, size_t size)
{
	size_t starts[64], nwords = 0, j = 0, i, keep;
	int inword = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (name == NULL)
		return buf;
	for (i = 0; name[i] != '\0' && j + 1 < size; i++) {
		if (ascii_isspace(name[i]) || name[i] == ',') {
			inword = 0;
			continue;
		}
		if (!ascii_isalnum(name[i]))
			continue;
		if (!inword && nwords < CCWATCH_NELEM(starts))
			starts[nwords++] = j;
		inword = 1;
		buf[j++] = ascii_tolower(name[i]);
	}
	buf[j] = '\0';
	/* Drop legal forms from the end, keeping at least one word. */
	for (keep = nwords; keep > 1; keep--) {
		if (!caname_is_legal(
			buf + starts[keep - 1], j - starts[keep - 1]))
			break;
		j = starts[keep - 1];
		buf[j] = '\0';
	}
	return buf;
}

/* The key of a name, allocated. */
char *
caname_key(const char *name)
{
	char buf[CANAME_KEY_LEN];

	return xstrdup(caname_key_into(name, buf, sizeof buf));
}

/* Empty a table. */
void
caname_table_init(struct caname_table *t)
{
	memset(t, 0, sizeof *t);
}

/* Free a table. */
void
caname_table_free(struct caname_table *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].key);
		free(t->v[i].name);
		for (j = 0; j < t->v[i].nspellings; j++)
			free(t->v[i].spellings[j].text);
		free(t->v[i].spellings);
	}
	free(t->v);
	for (i = 0; i < t->naliases; i++) {
		free(t->alias_keys[i]);
		free(t->targets[i]);
	}
	free(t->alias_keys);
	free(t->targets);
	caname_table_init(t);
}

/* The entry of key, or NULL. */
static struct caname_entry *
caname_table_find(const struct caname_table *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, key) == 0)
			return &t->v[i];
	return NULL;
}

/* The entry of key, added when new. */
static struct caname_entry *
caname_table_get(struct caname_table *t, const char *key)
{
	struct caname_entry *e = caname_table_find(t, key);

	if (e != NULL)
		return e;
	t->v = xreallocarray(t->v, t->n + 1, sizeof *t->v);
	e = &t->v[t->n++];
	memset(e, 0, sizeof *e);
	e->key = xstrdup(key);
	return e;
}

/* Add a configured CA and its aliases. */
void
caname_table_configure(struct caname_table *t, const char *name,
    const char *const *aliases, size_t naliases)
{
	struct caname_entry *e;
	char *key = caname_key(name);
	size_t i;

	e = caname_table_get(t, key);
	if (e->name == NULL)
		e->name = xstrdup(name);
	for (i = 0; i < naliases; i++) {
		t->alias_keys = xreallocarray(
		    t->alias_keys, t->naliases + 1, sizeof *t->alias_keys);
		t->targets = xreallocarray(
		    t->targets, t->naliases + 1, sizeof *t->targets);
		t->alias_keys[t->naliases] = caname_key(aliases[i]);
		t->targets[t->naliases++] = xstrdup(key);
	}
	free(key);
}

/* Count one spelling of an unconfigured owner. */
void
caname_table_count(struct caname_table *t, const char *spelling)
{
	struct caname_entry *e;
	char *key;
	size_t i;

	if (spelling == NULL)
		return;
	key = caname_table_key(t, spelling);
	if (*key == '\0') {
		free(key);
		return;
	}
	e = caname_table_get(t, key);
	free(key);
	for (i = 0; i < e->nspellings; i++) {
		if (strcmp(e->spellings[i].text, spelling) == 0) {
			e->spellings[i].count++;
			return;
		}
	}
	e->spellings = xreallocarray(
	    e->spellings, e->nspellings + 1, sizeof *e->spellings);
	e->spellings[e->nspellings].text = xstrdup(spelling);
	e->spellings[e->nspellings++].count = 1;
}

/* The key a name stands for in the table. */
char *
caname_table_key(const struct caname_table *t, const char *name)
{
	char buf[CANAME_KEY_LEN];
	size_t i;

	caname_key_into(name, buf, sizeof buf);
	for (i = 0; i < t->naliases; i++)
		if (strcmp(t->alias_keys[i], buf) == 0)
			return xstrdup(t->targets[i]);
	return xstrdup(buf);
}

/* How a CA is shown. */
const char *
caname_table_show(const struct caname_table *t, const char *key)
{
	const struct caname_entry *e;
	size_t i, best = 0;

	if (key == NULL)
		return NULL;
	e = caname_table_find(t, key);
	if (e == NULL)
		return NULL;
	if (e->name != NULL)
		return e->name;
	for (i = 1; i < e->nspellings; i++)
		if (e->spellings[i].count > e->spellings[best].count)
			best = i;
	return e->nspellings > 0 ? e->spellings[best].text : NULL;
}
