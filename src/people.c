/*
 * Who is CA-side, root program, community or bot on a bug (POLICY.md, "Who is
 * CA-side, who is not").
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "people.h"
#include "xmalloc.h"

static const char *people_default_program[] = {"mozilla.com", "mozilla.org",
    "google.com", "chromium.org", "apple.com", "microsoft.com", "ccadb.org"};
static const char *people_default_bots[] = {"nobody@mozilla.org"};
static const char *people_default_suffixes[] = {".bugs", ".tld"};
static const char *people_default_public[] = {"gmail.com", "googlemail.com",
    "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
    "yahoo.co.jp", "ymail.com", "aol.com", "protonmail.com", "proton.me",
    "pm.me", "icloud.com", "me.com", "mac.com", "gmx.*", "web.de", "mail.ru",
    "yandex.ru", "yandex.com", "qq.com", "163.com", "126.com", "sina.com",
    "naver.com", "fastmail.com", "fastmail.fm", "tutanota.com", "hey.com",
    "mail.com", "zoho.com", "posteo.de", "disabled.tld"};

/* BMO rewrites a disabled account's login to uNNN@disabled.tld. */
#define PEOPLE_DISABLED_DOMAIN "disabled.tld"

/* Add every string of v to sl. */
static void
people_add_all(struct strlist *sl, const char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strlist_add(sl, v[i]);
}

/* Empty configuration. */
void
people_init(struct people *p)
{
	memset(p, 0, sizeof *p);
}

/* POLICY.md's defaults. */
void
people_defaults(struct people *p)
{
	people_init(p);
	people_add_all(&p->program_domains, people_default_program,
	    CCWATCH_NELEM(people_default_program));
	people_add_all(&p->bot_accounts, people_default_bots,
	    CCWATCH_NELEM(people_default_bots));
	people_add_all(&p->bot_suffixes, people_default_suffixes,
	    CCWATCH_NELEM(people_default_suffixes));
	people_add_all(&p->public_domains, people_default_public,
	    CCWATCH_NELEM(people_default_public));
}

/* Free the configuration. */
void
people_free(struct people *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ncas; i++) {
		free(p->cas[i].name);
		strlist_free(&p->cas[i].aliases);
		strlist_free(&p->cas[i].domains);
		strlist_free(&p->cas[i].accounts);
	}
	free(p->cas);
	for (i = 0; i < p->noverrides; i++) {
		free(p->overrides[i].login);
		free(p->overrides[i].ca);
	}
	free(p->overrides);
	strlist_free(&p->program_domains);
	strlist_free(&p->program_accounts);
	strlist_free(&p->bot_accounts);
	strlist_free(&p->bot_suffixes);
	strlist_free(&p->public_domains);
	free(p->self);
	people_init(p);
}

/* Add a configured CA. */
struct people_ca *
people_add_ca(struct people *p, const char *name)
{
	struct people_ca *ca;

	p->cas = xreallocarray(p->cas, p->ncas + 1, sizeof *p->cas);
	ca = &p->cas[p->ncas++];
	memset(ca, 0, sizeof *ca);
	ca->name = xstrdup(name);
	return ca;
}

/* Add an override. */
void
people_add_override(struct people *p, const char *login, int64_t bug_id,
    enum side side, const char *ca, time_t from, time_t until)
{
	struct people_override *o;

	p->overrides = xreallocarray(
	    p->overrides, p->noverrides + 1, sizeof *p->overrides);
	o = &p->overrides[p->noverrides++];
	o->login = xstrdup(login);
	o->bug_id = bug_id;
	o->side = side;
	o->ca = ca != NULL ? xstrdup(ca) : NULL;
	o->from = from;
	o->until = until;
}

/* Set the daemon's own account. */
void
people_set_self(struct people *p, const char *login)
{
	free(p->self);
	p->self = login != NULL ? xstrdup(login) : NULL;
}

/* The domain part of a login ("" when it has none). */
static const char *
people_domain(const char *login)
{
	const char *at;

	at = strrchr(login, '@');
	return at != NULL ? at + 1 : "";
}

/* 1 if s is in sl, ignoring case. */
static int
people_has_login(const struct strlist *sl, const char *s)
{
	size_t i;

	for (i = 0; i < sl->n; i++) {
		if (strcasecmp(sl->v[i], s) == 0)
			return 1;
	}
	return 0;
}

/*
 * 1 if domain is one of the list or a subdomain of one; an entry ending in
 * ".*" matches any last label ("gmx.*" is gmx.de and gmx.net).
 */
static int
people_has_domain(const struct strlist *sl, const char *domain)
{
	size_t i, dl, el;
	const char *e;

	dl = strlen(domain);
	if (dl == 0)
		return 0;
	for (i = 0; i < sl->n; i++) {
		e = sl->v[i];
		el = strlen(e);
		if (el > 2 && strcmp(e + el - 2, ".*") == 0) {
			if (strncasecmp(domain, e, el - 1) == 0 &&
			    strchr(domain + el - 1, '.') == NULL)
				return 1;
			continue;
		}
		if (strcasecmp(domain, e) == 0)
			return 1;
		if (dl > el && domain[dl - el - 1] == '.' &&
		    strcasecmp(domain + dl - el, e) == 0)
			return 1;
	}
	return 0;
}

/* 1 if login is a bot: a bot account, the daemon, or a bot suffix. */
static int
people_is_bot(const struct people *p, const char *login)
{
	size_t i, ll, sl;

	if (people_has_login(&p->bot_accounts, login))
		return 1;
	if (p->self != NULL && strcasecmp(p->self, login) == 0)
		return 1;
	/* Disabled accounts keep the side they had: never a bot by suffix. */
	if (strcasecmp(people_domain(login), PEOPLE_DISABLED_DOMAIN) == 0)
		return 0;
	ll = strlen(login);
	for (i = 0; i < p->bot_suffixes.n; i++) {
		sl = strlen(p->bot_suffixes.v[i]);
		if (ll >= sl &&
		    strcasecmp(login + ll - sl, p->bot_suffixes.v[i]) == 0)
			return 1;
	}
	return 0;
}

/* 1 if login belongs to a root program. */
static int
people_is_program(const struct people *p, const char *login)
{
	return people_has_login(&p->program_accounts, login) ||
	    people_has_domain(&p->program_domains, people_domain(login));
}

/* 1 if login is one of a configured CA's people. */
static int
people_ca_has(const struct people_ca *ca, const char *login)
{
	return people_has_login(&ca->accounts, login) ||
	    people_has_domain(&ca->domains, people_domain(login));
}

/* 1 if the configured CA has key: its name's, or an alias's. */
static int
people_ca_is(const struct people_ca *ca, const char *key)
{
	char buf[CANAME_KEY_LEN];
	size_t i;

	if (*key == '\0')
		return 0;
	if (strcmp(caname_key_into(ca->name, buf, sizeof buf), key) == 0)
		return 1;
	for (i = 0; i < ca->aliases.n; i++)
		if (strcmp(caname_key_into(ca->aliases.v[i], buf, sizeof buf),
			key) == 0)
			return 1;
	return 0;
}

/* The configured CA a name stands for, or NULL. */
static const struct people_ca *
people_ca_named(const struct people *p, const char *name)
{
	char key[CANAME_KEY_LEN];
	size_t i;

	if (name == NULL)
		return NULL;
	caname_key_into(name, key, sizeof key);
	for (i = 0; i < p->ncas; i++)
		if (people_ca_is(&p->cas[i], key))
			return &p->cas[i];
	return NULL;
}

/* The configured CA of the bug: by summary owner, else by assignee. */
const struct people_ca *
people_bug_ca(const struct people *p, const struct bug *bug)
{
	const struct people_ca *ca;
	char *owner;
	size_t i;

	owner = caname_owner(bug->summary);
	ca = people_ca_named(p, owner);
	free(owner);
	if (ca != NULL)
		return ca;
	if (bug->assigned_to == NULL || *bug->assigned_to == '\0')
		return NULL;
	for (i = 0; i < p->ncas; i++) {
		if (people_ca_has(&p->cas[i], bug->assigned_to))
			return &p->cas[i];
	}
	return NULL;
}

/* The CA owner name of the bug, allocated. */
char *
people_ca_owner(const struct people *p, const struct bug *bug)
{
	const struct people_ca *ca;

	ca = people_bug_ca(p, bug);
	if (ca != NULL)
		return xstrdup(ca->name);
	return caname_owner(bug->summary);
}

/* The CA key of a name under this configuration. */
char *
people_ca_key(const struct people *p, const char *name)
{
	const struct people_ca *ca = people_ca_named(p, name);

	return caname_key(ca != NULL ? ca->name : name);
}

/* Add the configured CAs to a table of names. */
void
people_ca_names(const struct people *p, struct caname_table *t)
{
	size_t i;

	for (i = 0; i < p->ncas; i++)
		caname_table_configure(t, p->cas[i].name,
		    (const char *const *)p->cas[i].aliases.v,
		    p->cas[i].aliases.n);
}

/* Count the owner's spelling of an unconfigured, unrestricted bug. */
void
people_ca_count(
    const struct people *p, const struct bug *bug, struct caname_table *t)
{
	char *owner;

	if (bug->groups.n > 0 || people_bug_ca(p, bug) != NULL)
		return;
	owner = caname_owner(bug->summary);
	caname_table_count(t, owner);
	free(owner);
}

/* Lower-case letters and digits of s into dst (size bytes). */
static void
people_fold(const char *s, size_t n, char *dst, size_t size)
{
	size_t i, j = 0;

	for (i = 0; i < n && s[i] != '\0' && j + 1 < size; i++) {
		if (isalnum((unsigned char)s[i]))
			dst[j++] = (char)tolower((unsigned char)s[i]);
	}
	dst[j] = '\0';
}

/*
 * 1 if a label of domain (other than the last) names the summary's CA owner:
 * "digicert.com" for "DigiCert", "teliacompany.com" for "Telia".  Labels and
 * names shorter than four characters never match.
 */
static int
people_domain_names_owner(const struct bug *bug, const char *domain)
{
	char *prefix, owner[CANAME_KEY_LEN], label[128];
	const char *s, *dot;
	size_t ol, ll;
	int found = 0;

	prefix = caname_owner(bug->summary);
	if (prefix == NULL)
		return 0;
	caname_key_into(prefix, owner, sizeof owner);
	free(prefix);
	ol = strlen(owner);
	for (s = domain; ol >= 4 && !found; s = dot + 1) {
		dot = strchr(s, '.');
		if (dot == NULL)
			break;
		people_fold(s, dot - s, label, sizeof label);
		ll = strlen(label);
		if (ll >= 4 &&
		    (strncmp(owner, label, ll) == 0 ||
			strncmp(label, owner, ol) == 0))
			found = 1;
	}
	return found;
}

/* The override for login on bug at when, or NULL; per-bug ones win. */
static const struct people_override *
people_find_override(const struct people *p, const struct bug *bug,
    const char *login, time_t when)
{
	const struct people_override *o, *general = NULL;
	size_t i;

	for (i = 0; i < p->noverrides; i++) {
		o = &p->overrides[i];
		if (strcasecmp(o->login, login) != 0)
			continue;
		if ((o->from != 0 && when < o->from) ||
		    (o->until != 0 && when >= o->until))
			continue;
		if (o->bug_id == bug->id)
			return o;
		if (o->bug_id == 0 && general == NULL)
			general = o;
	}
	return general;
}

/* 1 if the assignee is a real CA representative (rule 2). */
static int
people_assignee_counts(const struct people *p, const struct bug *bug)
{
	const char *a = bug->assigned_to;

	if (a == NULL || *a == '\0' || strchr(a, '@') == NULL)
		return 0;
	return !people_is_bot(p, a) && !people_is_program(p, a);
}

/* The side of login on bug at when, in the order of trust. */
enum side
people_side(const struct people *p, const struct bug *bug, const char *login,
    time_t when)
{
	const struct people_override *o;
	const struct people_ca *bca;
	const char *dom, *adom;
	size_t i;
	int foreign = 0;

	if (login == NULL || *login == '\0')
		return SIDE_BOT;
	bca = people_bug_ca(p, bug);
	o = people_find_override(p, bug, login, when);
	if (o != NULL) {
		if (o->side == SIDE_CA && o->ca != NULL &&
		    (bca == NULL || people_ca_named(p, o->ca) != bca))
			return SIDE_COMMUNITY;
		return o->side;
	}
	if (people_is_bot(p, login))
		return SIDE_BOT;
	if (bca != NULL && people_ca_has(bca, login))
		return SIDE_CA;
	for (i = 0; i < p->ncas; i++) {
		if (&p->cas[i] != bca && people_ca_has(&p->cas[i], login))
			foreign = 1;
	}
	if (people_is_program(p, login))
		return SIDE_PROGRAM;
	if (foreign)
		return SIDE_COMMUNITY;
	dom = people_domain(login);
	if (people_assignee_counts(p, bug)) {
		if (strcasecmp(login, bug->assigned_to) == 0)
			return SIDE_CA;
		adom = people_domain(bug->assigned_to);
		if (*dom != '\0' && strcasecmp(dom, adom) == 0 &&
		    !people_has_domain(&p->public_domains, adom))
			return SIDE_CA;
	}
	if (bug->creator != NULL && strcasecmp(login, bug->creator) == 0 &&
	    !people_has_domain(&p->public_domains, dom) &&
	    people_domain_names_owner(bug, dom))
		return SIDE_CA;
	return SIDE_COMMUNITY;
}

/* The side's name. */
const char *
people_side_name(enum side s)
{
	switch (s) {
	case SIDE_CA:
		return "ca";
	case SIDE_PROGRAM:
		return "program";
	case SIDE_BOT:
		return "bot";
	case SIDE_COMMUNITY:
		break;
	}
	return "community";
}
