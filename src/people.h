/*
 * Who speaks for whom on a CA compliance bug: the CA side, the root programs,
 * the community and bots, decided in POLICY.md's order of trust.  Pure: the
 * configuration is plain data (lists) that the config module fills from
 * [people] and [ca "NAME"]; the bug supplies the assignee, creator and
 * summary.
 */
#ifndef PEOPLE_H
#define PEOPLE_H

#include <stdint.h>
#include <time.h>

#include "caname.h"
#include "model.h"

enum side { SIDE_COMMUNITY, SIDE_CA, SIDE_PROGRAM, SIDE_BOT };

/* One configured CA: [ca "NAME"]. */
struct people_ca {
	char *name;              /* the CCADB owner name */
	struct strlist aliases;  /* other names of it in summaries */
	struct strlist domains;  /* email domains, lower case */
	struct strlist accounts; /* alias and pseudonymous logins */
};

/*
 * An explicit override: login is side from from (inclusive) to until
 * (exclusive); 0 leaves an end open.  bug_id 0 applies to every bug.  A
 * SIDE_CA override naming a ca applies on that CA's bugs only.
 */
struct people_override {
	char *login;
	int64_t bug_id;
	enum side side;
	char *ca; /* NULL: any bug */
	time_t from;
	time_t until;
};

struct people {
	struct people_ca *cas;
	size_t ncas;
	struct people_override *overrides;
	size_t noverrides;
	struct strlist program_domains;
	struct strlist program_accounts;
	struct strlist bot_accounts;
	struct strlist bot_suffixes;   /* ".bugs", ".tld" */
	struct strlist public_domains; /* "gmx.*" matches gmx.de */
	char *self;                    /* the daemon's own login */
};

/* Fill p with POLICY.md's defaults; p need not be initialised. */
void people_defaults(struct people *p);
/* An empty configuration (no defaults); p need not be initialised. */
void people_init(struct people *p);
/* Free everything p holds and leave it empty; accepts NULL. */
void people_free(struct people *p);

/* Add a CA by its CCADB name; returns it for its domains and accounts. */
struct people_ca *people_add_ca(struct people *p, const char *name);
/* Add an override (see struct people_override); ca may be NULL. */
void people_add_override(struct people *p, const char *login, int64_t bug_id,
    enum side side, const char *ca, time_t from, time_t until);
/* Set the daemon's own account (a bot); NULL clears it. */
void people_set_self(struct people *p, const char *login);

/*
 * The side login speaks for on bug at time when (when only matters for
 * override windows).  Order: overrides, bots, the bug's configured CA, root
 * programs, the assignee, the assignee's domain, the creator in a CA-side
 * domain, else community.  A NULL or empty login is SIDE_BOT (nobody).
 */
enum side people_side(const struct people *p, const struct bug *bug,
    const char *login, time_t when);

/*
 * The configured CA whose bug this is, or NULL: the one whose name or one
 * of whose aliases has the key of the summary's owner (caname_owner,
 * caname_key: "NETLOCK Kft." is NetLock's), or failing that, whose people
 * include the assignee.
 */
const struct people_ca *people_bug_ca(
    const struct people *p, const struct bug *bug);
/*
 * The CA owner of bug: the configured name, else the summary's owner
 * (caname_owner), else NULL.  Allocated; the caller frees.
 */
char *people_ca_owner(const struct people *p, const struct bug *bug);
/*
 * The CA key of a name under this configuration: a configured CA's name or
 * alias gives that CA's key (its name's), any other name its own key.
 * Allocated; "" for NULL.
 */
char *people_ca_key(const struct people *p, const char *name);
/* Add every configured CA, with its aliases, to a table of CA names. */
void people_ca_names(const struct people *p, struct caname_table *t);
/*
 * Count the summary owner's spelling of bug in t, when no configured CA
 * owns the bug and the bug is not restricted (its spelling stays out of
 * what everyone sees).
 */
void people_ca_count(
    const struct people *p, const struct bug *bug, struct caname_table *t);

/* "community", "ca", "program" or "bot". */
const char *people_side_name(enum side);

#endif
