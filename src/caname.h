/*
 * One name per CA: the owner a bug's summary names ("NETLOCK - OCSP outage
 * between 10:00 and 12:00" is NETLOCK's), the key that spellings of one CA
 * share ("Netlock", "NETLOCK", "NETLOCK Kft." are all "netlock"), and a
 * table that shows each CA by one spelling: a configured CA by its
 * configured name, another by the spelling most of its bugs use.  Pure: no
 * I/O, no locale.
 */
#ifndef CANAME_H
#define CANAME_H

#include <stddef.h>

/* Bytes of a summary read for its owner. */
#define CANAME_MAX_OWNER 256

/*
 * The owner a summary names, allocated, or NULL: the text inside a leading
 * "[Name]" (but "[meta]", a tracking bug, names none), else the text before
 * the first separator (a ':' that is not part of a time like "10:00", or
 * " - ", " – " or " — "), trimmed.  NULL when there is no separator or the
 * owner is empty.
 */
char *caname_owner(const char *summary);

/*
 * The key of a CA name, allocated: its words (split at spaces and commas)
 * less any trailing legal forms ("Kft.", "GmbH", "Inc.", "Ltd", "S.A.",
 * "AG", "B.V." and the like, see caname.c), each with only its letters and
 * digits, lowercased, joined.  A name that is nothing but a legal form
 * keeps it.  "" for NULL or a name with no letter or digit.
 */
char *caname_key(const char *name);
/* The i-th legal form caname_key drops ("kft", "gmbh", ...), or NULL. */
const char *caname_legal_form(size_t i);
/* caname_key into buf (size bytes, cut to fit, NUL-ended); returns buf. */
char *caname_key_into(const char *name, char *buf, size_t size);
/* Room for the key of any CA name worth telling apart. */
#define CANAME_KEY_LEN 128

/* A spelling of a CA's name and the number of bugs that use it. */
struct caname_spelling {
	char *text;
	int count;
};

/* One CA of a table. */
struct caname_entry {
	char *key;
	char *name; /* the configured name; NULL for an unconfigured CA */
	struct caname_spelling *spellings;
	size_t nspellings;
};

/* Every CA seen, and the aliases of configured ones (by key). */
struct caname_table {
	struct caname_entry *v;
	size_t n;
	char **alias_keys; /* alias_keys[i] names the CA keyed targets[i] */
	char **targets;
	size_t naliases;
};

/* Empty a table; t need not be initialised. */
void caname_table_init(struct caname_table *t);
/* Free everything a table holds and leave it empty; accepts NULL. */
void caname_table_free(struct caname_table *t);
/*
 * Add a configured CA by its name and its aliases (names of the same CA:
 * "NetLock Kft.", "NETLOCK Ltd"); it is shown by its name.
 */
void caname_table_configure(struct caname_table *t, const char *name,
    const char *const *aliases, size_t naliases);
/* Count one bug's spelling of an unconfigured owner. */
void caname_table_count(struct caname_table *t, const char *spelling);
/*
 * The key name stands for in the table: its own key, or the configured
 * CA's when it is one of that CA's aliases.  Allocated.
 */
char *caname_table_key(const struct caname_table *t, const char *name);
/*
 * How the CA keyed key is shown: its configured name, else the spelling
 * counted most often (ties: the first counted), else NULL.  Borrowed.
 */
const char *caname_table_show(const struct caname_table *t, const char *key);

#endif
