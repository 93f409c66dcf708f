/*
 * Tests of people: who is CA-side, root program, community or bot.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "caname.h"
#include "ccwatch.h"
#include "model.h"
#include "people.h"
#include "xmalloc.h"

/* A bug with the fields people looks at; NULL leaves a field unset. */
static void
bug_make(struct bug *b, int64_t id, const char *summary, const char *creator,
    const char *assignee)
{
	memset(b, 0, sizeof *b);
	b->id = id;
	b->summary = xstrdup(summary);
	b->creator = xstrdup(creator);
	b->assigned_to = assignee != NULL ? xstrdup(assignee) : NULL;
	b->resolution = xstrdup("");
	b->whiteboard = xstrdup("");
}

static const struct {
	const char *summary;
	const char *creator;
	const char *assignee;
	const char *login;
	enum side want;
} defaults_table[] = {
    /* Rule 2: the assignee. */
    {"DigiCert: x", "r@gmail.com", "rep@digicert.com", "rep@digicert.com",
	SIDE_CA},
    {"DigiCert: x", "r@gmail.com", "REP@DigiCert.com", "rep@digicert.com",
	SIDE_CA},
    /* Rule 3: the assignee's domain, not a public provider's. */
    {"DigiCert: x", "r@gmail.com", "rep@digicert.com", "other@digicert.com",
	SIDE_CA},
    {"DigiCert: x", "r@gmail.com", "rep@digicert.com", "x@ca.digicert.com",
	SIDE_COMMUNITY},
    {"Foo: x", "r@gmail.com", "rep@gmail.com", "rep@gmail.com", SIDE_CA},
    {"Foo: x", "r@gmail.com", "rep@gmail.com", "other@gmail.com",
	SIDE_COMMUNITY},
    {"Foo: x", "r@gmx.de", "rep@gmx.de", "other@gmx.de", SIDE_COMMUNITY},
    {"Foo: x", "r@x.org", "rep@proton.me", "o@proton.me", SIDE_COMMUNITY},
    /* Placeholder and root program assignees do not make anyone CA. */
    {"Foo: x", "r@foo.com", "nobody@mozilla.org", "a@mozilla.org",
	SIDE_PROGRAM},
    {"Foo: x", "r@x.org", "ben@mozilla.com", "ben@mozilla.com", SIDE_PROGRAM},
    {"Foo: x", "r@x.org", "ben@mozilla.com", "other@mozilla.com", SIDE_PROGRAM},
    {"Foo: x", "r@x.org", "a@foo.com", "c@chromium.org", SIDE_PROGRAM},
    {"Foo: x", "r@x.org", "a@foo.com", "c@ccadb.org", SIDE_PROGRAM},
    {"Foo: x", "r@x.org", "a@foo.com", "c@apple.com", SIDE_PROGRAM},
    /* Rule 4: the creator in a domain that names the CA. */
    {"Sectigo: x", "rob@sectigo.com", "nobody@mozilla.org", "rob@sectigo.com",
	SIDE_CA},
    {"Sectigo: x", "rob@sectigo.com", "nobody@mozilla.org", "tim@sectigo.com",
	SIDE_COMMUNITY},
    {"Telia: x", "a@teliacompany.com", NULL, "a@teliacompany.com", SIDE_CA},
    {"Sectigo: x", "rob@gmail.com", "nobody@mozilla.org", "rob@gmail.com",
	SIDE_COMMUNITY},
    {"Sectigo: x", "rob@other.com", NULL, "rob@other.com", SIDE_COMMUNITY},
    /* Bots. */
    {"Foo: x", "r@x.org", "a@foo.com", "nobody@mozilla.org", SIDE_BOT},
    {"Foo: x", "r@x.org", "a@foo.com", "release-mgmt@mozilla.bugs", SIDE_BOT},
    {"Foo: x", "r@x.org", "a@foo.com", "bot@example.tld", SIDE_BOT},
    {"Foo: x", "r@x.org", "a@foo.com", "", SIDE_BOT},
    {"Foo: x", "r@x.org", "a@foo.com", NULL, SIDE_BOT},
    /* Disabled accounts keep their side: never a bot, never a domain. */
    {"Foo: x", "r@x.org", "u654666@disabled.tld", "u654666@disabled.tld",
	SIDE_CA},
    {"Foo: x", "r@x.org", "u654666@disabled.tld", "u671069@disabled.tld",
	SIDE_COMMUNITY},
    {"Foo: x", "r@x.org", "a@foo.com", "u636358@disabled.tld", SIDE_COMMUNITY},
    /* Everyone else. */
    {"Foo: x", "r@x.org", "a@foo.com", "r@x.org", SIDE_COMMUNITY},
    {"Foo: x", "r@x.org", "a@foo.com", "nodomain", SIDE_COMMUNITY},
};

START_TEST(test_people_defaults_table)
{
	struct people p;
	struct bug b;

	people_defaults(&p);
	bug_make(&b, 1, defaults_table[_i].summary, defaults_table[_i].creator,
	    defaults_table[_i].assignee);
	ck_assert_msg(people_side(&p, &b, defaults_table[_i].login, 0) ==
		defaults_table[_i].want,
	    "row %d: %s is %s", _i,
	    defaults_table[_i].login != NULL ? defaults_table[_i].login
					     : "NULL",
	    people_side_name(people_side(&p, &b, defaults_table[_i].login, 0)));
	model_bug_free(&b);
	people_free(&p);
}
END_TEST

/* Two configured CAs: Google Trust Services (a program domain) and Acme. */
static void
people_configure(struct people *p)
{
	struct people_ca *ca;

	people_defaults(p);
	ca = people_add_ca(p, "Google Trust Services");
	strlist_add(&ca->domains, "google.com");
	strlist_add(&ca->accounts, "gts-alias@gmail.com");
	ca = people_add_ca(p, "Acme CA");
	strlist_add(&ca->domains, "acme.example");
	strlist_add(&ca->accounts, "pseudonym42@proton.me");
	strlist_add(&ca->accounts, "u671069@disabled.tld");
}

static const struct {
	const char *summary;
	const char *assignee;
	const char *login;
	enum side want;
} config_table[] = {
    /* On its own bug (summary prefix, any case) a CA's people are CA. */
    {"Google Trust Services: x", "nobody@mozilla.org", "a@google.com", SIDE_CA},
    {"google trust services : x", NULL, "gts-alias@gmail.com", SIDE_CA},
    {"Acme CA: x", NULL, "pseudonym42@proton.me", SIDE_CA},
    {"Acme CA: x", NULL, "PSEUDONYM42@proton.me", SIDE_CA},
    {"Acme CA: x", NULL, "u671069@disabled.tld", SIDE_CA},
    {"Acme CA: x", NULL, "x@sub.acme.example", SIDE_CA},
    /* Elsewhere: community, or the root program for program domains. */
    {"Other: x", "o@other.example", "pseudonym42@proton.me", SIDE_COMMUNITY},
    {"Other: x", "o@other.example", "a@acme.example", SIDE_COMMUNITY},
    {"Other: x", "o@other.example", "a@google.com", SIDE_PROGRAM},
    {"Other: x", "o@other.example", "gts-alias@gmail.com", SIDE_COMMUNITY},
    /* The assignee being one of its people makes it the CA's bug. */
    {"Renamed Owner: x", "rep@acme.example", "pseudonym42@proton.me", SIDE_CA},
    /* The other CA's people on Acme's bug. */
    {"Acme CA: x", NULL, "a@google.com", SIDE_PROGRAM},
};

START_TEST(test_people_config_table)
{
	struct people p;
	struct bug b;

	people_configure(&p);
	bug_make(&b, 2, config_table[_i].summary, "r@x.org",
	    config_table[_i].assignee);
	ck_assert_msg(people_side(&p, &b, config_table[_i].login, 0) ==
		config_table[_i].want,
	    "row %d: %s is %s", _i, config_table[_i].login,
	    people_side_name(people_side(&p, &b, config_table[_i].login, 0)));
	model_bug_free(&b);
	people_free(&p);
}
END_TEST

START_TEST(test_people_overrides)
{
	struct people p;
	struct bug b, other;

	people_configure(&p);
	bug_make(&b, 10, "Acme CA: x", "r@x.org", NULL);
	bug_make(&other, 11, "Acme CA: y", "r@x.org", NULL);
	/* A consultant speaks for the CA from 1000 to 2000 on every bug. */
	people_add_override(
	    &p, "consultant@x.org", 0, SIDE_CA, NULL, 1000, 2000);
	ck_assert_int_eq(
	    people_side(&p, &b, "consultant@x.org", 999), SIDE_COMMUNITY);
	ck_assert_int_eq(
	    people_side(&p, &b, "consultant@x.org", 1000), SIDE_CA);
	ck_assert_int_eq(
	    people_side(&p, &b, "consultant@x.org", 1999), SIDE_CA);
	ck_assert_int_eq(
	    people_side(&p, &b, "consultant@x.org", 2000), SIDE_COMMUNITY);
	/* A per-bug override wins over the per-account one. */
	people_add_override(
	    &p, "consultant@x.org", 11, SIDE_COMMUNITY, NULL, 0, 0);
	ck_assert_int_eq(
	    people_side(&p, &other, "consultant@x.org", 1500), SIDE_COMMUNITY);
	ck_assert_int_eq(
	    people_side(&p, &b, "consultant@x.org", 1500), SIDE_CA);
	/* An override naming a CA applies on that CA's bugs only. */
	people_add_override(&p, "helper@y.org", 0, SIDE_CA, "Acme CA", 0, 0);
	ck_assert_int_eq(people_side(&p, &b, "helper@y.org", 5), SIDE_CA);
	model_bug_free(&other);
	bug_make(&other, 12, "Other: z", "r@x.org", NULL);
	ck_assert_int_eq(
	    people_side(&p, &other, "helper@y.org", 5), SIDE_COMMUNITY);
	/* Explicit configuration beats the bot rules. */
	people_add_override(&p, "person@host.tld", 0, SIDE_PROGRAM, NULL, 0, 0);
	ck_assert_int_eq(
	    people_side(&p, &b, "person@host.tld", 5), SIDE_PROGRAM);
	model_bug_free(&b);
	model_bug_free(&other);
	people_free(&p);
}
END_TEST

START_TEST(test_people_self_and_lists)
{
	struct people p;
	struct bug b;

	people_init(&p);
	bug_make(&b, 3, "Foo: x", "r@x.org", "rep@foo.com");
	/* Without defaults nothing is program or bot but the empty login. */
	ck_assert_int_eq(
	    people_side(&p, &b, "a@mozilla.com", 0), SIDE_COMMUNITY);
	ck_assert_int_eq(
	    people_side(&p, &b, "nobody@mozilla.org", 0), SIDE_COMMUNITY);
	people_set_self(&p, "ccwatch@example.org");
	ck_assert_int_eq(
	    people_side(&p, &b, "CCWatch@example.org", 0), SIDE_BOT);
	strlist_add(&p.program_accounts, "overseer@x.org");
	ck_assert_int_eq(
	    people_side(&p, &b, "overseer@x.org", 0), SIDE_PROGRAM);
	people_set_self(&p, NULL);
	ck_assert_int_eq(
	    people_side(&p, &b, "ccwatch@example.org", 0), SIDE_COMMUNITY);
	ck_assert_int_eq(people_side(&p, &b, "rep@foo.com", 0), SIDE_CA);
	people_free(&p);
	people_free(NULL);
	model_bug_free(&b);
}
END_TEST

START_TEST(test_people_owner)
{
	struct people p;
	struct bug b;
	char *s;

	people_configure(&p);
	bug_make(&b, 4, "  EXAMPLE CA OWNER : Incorrect: RDN", "r@x.org", NULL);
	s = people_ca_owner(&p, &b);
	ck_assert_str_eq(s, "EXAMPLE CA OWNER");
	free(s);
	ck_assert_ptr_null(people_bug_ca(&p, &b));
	model_bug_free(&b);
	bug_make(&b, 4, "ACME ca: x", "r@x.org", NULL);
	s = people_ca_owner(&p, &b);
	ck_assert_str_eq(s, "Acme CA");
	free(s);
	model_bug_free(&b);
	bug_make(&b, 4, "No colon here", "r@x.org", NULL);
	ck_assert_ptr_null(people_ca_owner(&p, &b));
	model_bug_free(&b);
	bug_make(&b, 4, ": empty prefix", "r@x.org", "rep@acme.example");
	s = people_ca_owner(&p, &b);
	ck_assert_str_eq(s, "Acme CA");
	free(s);
	model_bug_free(&b);
	ck_assert_str_eq(people_side_name(SIDE_CA), "ca");
	ck_assert_str_eq(people_side_name(SIDE_BOT), "bot");
	people_free(&p);
}
END_TEST

/* Summaries and the owner each names (NULL: none). */
static const struct {
	const char *summary;
	const char *owner;
} owner_table[] = {
    {"Netlock: OCSP outage", "Netlock"},
    {"NETLOCK Kft.: CRL too large", "NETLOCK Kft."},
    {"NETLOCK - Unavailability of the document repository", "NETLOCK"},
    {"NETLOCK - OCSP outage between 10:00 and 12:00", "NETLOCK"},
    {"NETLOCK – Missing audit letter", "NETLOCK"},
    {"NETLOCK \xe2\x80\x94 Late report", "NETLOCK"},
    {"[Netlock] CPS out of date", "Netlock"},
    {"  Agencia Notarial de Certificacion (ANCERT): x",
	"Agencia Notarial de Certificacion (ANCERT)"},
    {"OCSP outage at 10:00: Acme", "OCSP outage at 10:00"},
    {"Acme:", "Acme"},
    {"[meta] Delayed Revocation", NULL},
    {"Private keys exposed through a web server", NULL},
    {": empty", NULL},
    {"- no owner", NULL},
    {"[unclosed bracket: x", "[unclosed bracket"},
    {"", NULL},
};

START_TEST(test_ca_owner)
{
	char *s = caname_owner(owner_table[_i].summary);

	if (owner_table[_i].owner == NULL)
		ck_assert_msg(s == NULL, "row %d: '%s'", _i, s);
	else {
		ck_assert_msg(s != NULL, "row %d: no owner", _i);
		ck_assert_str_eq(s, owner_table[_i].owner);
	}
	free(s);
}
END_TEST

/* Names and their keys. */
static const struct {
	const char *name;
	const char *key;
} key_table[] = {
    {"Netlock", "netlock"},
    {"NETLOCK", "netlock"},
    {"NETLOCK Kft.", "netlock"},
    {"NetLock Kft", "netlock"},
    {"Example CA", "exampleca"},
    {"ExampleCA", "exampleca"},
    {"D-TRUST GmbH", "dtrust"},
    {"e-commerce monitoring gmbh", "ecommercemonitoring"},
    {"Firmaprofesional S.A.", "firmaprofesional"},
    {"SECOM Trust Systems Co., Ltd.", "secomtrustsystems"},
    {"Acme Inc.", "acme"},
    {"Acme B.V.", "acme"},
    {"Siemens AG", "siemens"},
    {"Visa", "visa"},
    {"AG", "ag"},
    {"GmbH", "gmbh"},
    {"Agencia Notarial de Certificacion (ANCERT)",
	"agencianotarialdecertificacionancert"},
    {"", ""},
    {"---", ""},
};

START_TEST(test_ca_key)
{
	char *s = caname_key(key_table[_i].name);

	ck_assert_msg(strcmp(s, key_table[_i].key) == 0, "row %d: %s -> %s", _i,
	    key_table[_i].name, s);
	free(s);
}
END_TEST

/* Unconfigured spellings are shown by the most frequent one. */
START_TEST(test_ca_table)
{
	static const char *netlock[] = {"NetLock Kft.", "NETLOCK Ltd"};
	struct caname_table t;
	char *k;

	caname_table_init(&t);
	caname_table_count(&t, "Netlock");
	caname_table_count(&t, "NETLOCK");
	caname_table_count(&t, "NETLOCK Kft.");
	caname_table_count(&t, "NETLOCK");
	caname_table_count(&t, "Izenpe");
	caname_table_count(&t, "IZENPE");
	caname_table_count(&t, NULL);
	caname_table_count(&t, "--");
	ck_assert_str_eq(caname_table_show(&t, "netlock"), "NETLOCK");
	/* A tie goes to the spelling counted first. */
	ck_assert_str_eq(caname_table_show(&t, "izenpe"), "Izenpe");
	ck_assert_ptr_null(caname_table_show(&t, "acme"));
	ck_assert_ptr_null(caname_table_show(&t, NULL));
	ck_assert_uint_eq(t.n, 2);
	caname_table_free(&t);
	/* A configured CA is shown by its name; its aliases map to it. */
	caname_table_configure(&t, "ExampleCA", netlock, 0);
	caname_table_configure(&t, "NetLock", netlock, 2);
	caname_table_count(&t, "NETLOCK");
	ck_assert_str_eq(caname_table_show(&t, "exampleca"), "ExampleCA");
	ck_assert_str_eq(caname_table_show(&t, "netlock"), "NetLock");
	k = caname_table_key(&t, "netlock ltd.");
	ck_assert_str_eq(k, "netlock");
	free(k);
	k = caname_table_key(&t, "Example CA");
	ck_assert_str_eq(k, "exampleca");
	free(k);
	caname_table_free(&t);
	caname_table_free(NULL);
}
END_TEST

/*
 * One CA key everywhere: spellings of a configured CA, its aliases, and
 * an owner cut at a time's colon all find the CA, and its people speak
 * for it on every such bug.
 */
static const struct {
	const char *summary;
	const char *owner; /* people_ca_owner */
	enum side side;    /* of ops@netlock.hu, one of NetLock's people */
} alias_table[] = {
    {"Netlock: x", "NetLock", SIDE_CA},
    {"NETLOCK: x", "NetLock", SIDE_CA},
    {"NETLOCK Kft.: x", "NetLock", SIDE_CA},
    {"NETLOCK - Unavailability of the repository", "NetLock", SIDE_CA},
    {"NETLOCK - OCSP outage between 10:00 and 12:00", "NetLock", SIDE_CA},
    {"Netlock Tanusitvanykiado: x", "NetLock", SIDE_CA},
    {"Example CA: x", "ExampleCA", SIDE_COMMUNITY},
    {"Other: x", "Other", SIDE_COMMUNITY},
};

START_TEST(test_ca_aliases)
{
	struct people p;
	struct people_ca *ca;
	struct bug b;
	char *s;

	people_defaults(&p);
	ca = people_add_ca(&p, "NetLock");
	strlist_add(&ca->domains, "netlock.hu");
	strlist_add(&ca->aliases, "Netlock Tanusitvanykiado");
	ca = people_add_ca(&p, "ExampleCA");
	strlist_add(&ca->domains, "example-ca.test");
	bug_make(&b, 9, alias_table[_i].summary, "r@x.org", NULL);
	s = people_ca_owner(&p, &b);
	ck_assert_str_eq(s, alias_table[_i].owner);
	free(s);
	ck_assert_int_eq(
	    people_side(&p, &b, "ops@netlock.hu", 0), alias_table[_i].side);
	/* ExampleCA's people speak for it as "Example CA" too. */
	ck_assert_int_eq(people_side(&p, &b, "rep@example-ca.test", 0),
	    strncmp(alias_table[_i].summary, "Example", 7) == 0
		? SIDE_CA
		: SIDE_COMMUNITY);
	s = people_ca_key(&p, "netlock tanusitvanykiado");
	ck_assert_str_eq(s, "netlock");
	free(s);
	model_bug_free(&b);
	people_free(&p);
}
END_TEST

/* Without configuration, "NETLOCK Kft." names netlock.hu's creator's CA. */
START_TEST(test_ca_creator_domain)
{
	struct people p;
	struct bug b;

	people_defaults(&p);
	bug_make(&b, 9, "NETLOCK Kft. - CRL", "ops@netlock.hu", NULL);
	ck_assert_int_eq(people_side(&p, &b, "ops@netlock.hu", 0), SIDE_CA);
	model_bug_free(&b);
	people_free(&p);
}
END_TEST

static Suite *
people_suite(void)
{
	Suite *s = suite_create("people");
	TCase *tc;

	tc = tcase_create("defaults");
	tcase_add_loop_test(
	    tc, test_people_defaults_table, 0, CCWATCH_NELEM(defaults_table));
	tcase_add_test(tc, test_people_self_and_lists);
	suite_add_tcase(s, tc);
	tc = tcase_create("configured");
	tcase_add_loop_test(
	    tc, test_people_config_table, 0, CCWATCH_NELEM(config_table));
	tcase_add_test(tc, test_people_overrides);
	tcase_add_test(tc, test_people_owner);
	suite_add_tcase(s, tc);
	tc = tcase_create("ca-names");
	tcase_add_loop_test(tc, test_ca_owner, 0, CCWATCH_NELEM(owner_table));
	tcase_add_loop_test(tc, test_ca_key, 0, CCWATCH_NELEM(key_table));
	tcase_add_test(tc, test_ca_table);
	tcase_add_loop_test(tc, test_ca_aliases, 0, CCWATCH_NELEM(alias_table));
	tcase_add_test(tc, test_ca_creator_domain);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(people_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
