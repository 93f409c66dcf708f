/*
 * Tests of the configuration: the defaults, and every directive with its
 * bounds (the daemon's intervals and timeouts, URLs, the query's size,
 * people, CA and override sections, the policy section).  Errors with
 * their file:line and long and continued lines are tested in
 * check_config_errors.c, the secrecy rules for secret files in
 * check_config_secrets.c.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "config_fixture.h"
#include "testutil.h"
#include "xmalloc.h"
#include "zone.h"

/* Check the built-in defaults field by field. */
static void
check_defaults(const struct config *cfg)
{
	ck_assert_str_eq(cfg->url, "https://bugzilla.mozilla.org");
	ck_assert_ptr_null(cfg->api_key_file);
	ck_assert_ptr_null(cfg->api_key);
	ck_assert_uint_eq(cfg->products.n, 2);
	ck_assert_str_eq(cfg->products.v[0], "CA Program");
	ck_assert_str_eq(cfg->products.v[1], "NSS");
	ck_assert_uint_eq(cfg->components.n, 1);
	ck_assert_str_eq(cfg->components.v[0], "CA Certificate Compliance");
	ck_assert_ptr_null(cfg->ca_file);
	ck_assert_int_eq(cfg->page_size, 500);
	ck_assert_int_eq(cfg->timeout, 60);
	ck_assert_int_eq(cfg->connect_timeout, 10);
	ck_assert_int_eq(cfg->retries, 4);
	ck_assert_str_eq(
	    cfg->store_path, LOCALSTATEDIR "/lib/ccwatch/ccwatch.db");
	ck_assert_int_eq(cfg->poll_interval, 600);
	ck_assert_int_eq(cfg->poll_jitter, 10);
	ck_assert_int_eq(cfg->backoff_max, 3600);
	ck_assert_int_eq(cfg->full_every, 86400);
}

START_TEST(test_defaults)
{
	struct config *cfg;

	cfg = config_default();
	check_defaults(cfg);
	ck_assert_ptr_null(cfg->path);
	config_free(cfg);
	config_free(NULL);
}
END_TEST

START_TEST(test_comments_only_file_gives_defaults)
{
	struct config *cfg;
	char *path, *cause = NULL;

	path = testutil_srcpath("tests/data/config/empty.conf");
	cfg = config_load(path, &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	check_defaults(cfg);
	ck_assert_str_eq(cfg->path, path);
	config_free(cfg);
	free(path);
}
END_TEST

START_TEST(test_example_file_gives_defaults)
{
	struct config *cfg;
	char *path, *cause = NULL;

	/* Every directive of the example is commented out at its default. */
	path = testutil_srcpath("conf/ccwatch.conf.example");
	cfg = config_load(path, &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	check_defaults(cfg);
	config_free(cfg);
	free(path);
}
END_TEST

START_TEST(test_every_directive)
{
	struct config *cfg;
	char *ca, *key, *text;

	ca = cfix_write_file("ca.pem", "-----BEGIN CERTIFICATE-----\n", 0644);
	key = cfix_write_file("key", "s3cr3t-key\n", 0600);
	xasprintf(&text,
	    "[bugzilla]\n"
	    "url = https://bmo.example.org/\n"
	    "api_key_file = %s\n"
	    "products = \"Alpha\", \"Beta, with comma\"\n"
	    "components = One, Two Words\n"
	    "ca_file = %s\n"
	    "page_size = 250\n"
	    "timeout = 30\n"
	    "connect_timeout = 5\n"
	    "retries = 0\n"
	    "[store]\n"
	    "path = /tmp/x/ccwatch.db\n",
	    key, ca);
	cfg = cfix_expect_ok(text);
	ck_assert_str_eq(cfg->path, conf);
	ck_assert_str_eq(cfg->url, "https://bmo.example.org");
	ck_assert_str_eq(cfg->api_key_file, key);
	ck_assert_str_eq(cfg->api_key, "s3cr3t-key");
	ck_assert_uint_eq(cfg->products.n, 2);
	ck_assert_str_eq(cfg->products.v[0], "Alpha");
	ck_assert_str_eq(cfg->products.v[1], "Beta, with comma");
	ck_assert_uint_eq(cfg->components.n, 2);
	ck_assert_str_eq(cfg->components.v[0], "One");
	ck_assert_str_eq(cfg->components.v[1], "Two Words");
	ck_assert_str_eq(cfg->ca_file, ca);
	ck_assert_int_eq(cfg->page_size, 250);
	ck_assert_int_eq(cfg->timeout, 30);
	ck_assert_int_eq(cfg->connect_timeout, 5);
	ck_assert_int_eq(cfg->retries, 0);
	ck_assert_str_eq(cfg->store_path, "/tmp/x/ccwatch.db");
	config_free(cfg);
	free(text);
	free(ca);
	free(key);
}
END_TEST

START_TEST(test_int_bounds)
{
	static const struct {
		const char *name;
		long long min, max;
	} ints[] = {
	    {"page_size", 1, 10000},
	    {"timeout", 1, 300},
	    {"connect_timeout", 1, 120},
	    {"retries", 0, 10},
	};
	struct config *cfg;
	char *text, *msg;
	size_t i;

	for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		xasprintf(&text, "[bugzilla]\n%s = %lld\n", ints[i].name,
		    ints[i].min);
		cfg = cfix_expect_ok(text);
		config_free(cfg);
		free(text);

		xasprintf(&text, "[bugzilla]\n%s = %lld\n", ints[i].name,
		    ints[i].max);
		cfg = cfix_expect_ok(text);
		config_free(cfg);
		free(text);

		xasprintf(&text, "[bugzilla]\n%s = %lld\n", ints[i].name,
		    ints[i].min - 1);
		xasprintf(&msg, "2: %s: %lld is out of range (%lld..%lld)",
		    ints[i].name, ints[i].min - 1, ints[i].min, ints[i].max);
		cfix_expect_error(text, msg);
		free(text);
		free(msg);

		xasprintf(&text, "[bugzilla]\n%s = %lld\n", ints[i].name,
		    ints[i].max + 1);
		xasprintf(&msg, "2: %s: %lld is out of range (%lld..%lld)",
		    ints[i].name, ints[i].max + 1, ints[i].min, ints[i].max);
		cfix_expect_error(text, msg);
		free(text);
		free(msg);
	}
	cfix_expect_error("[bugzilla]\npage_size = 12x\n",
	    "2: page_size: \"12x\" is not a number");
	cfix_expect_error("[bugzilla]\ntimeout = 99999999999999999999\n",
	    "2: timeout: 99999999999999999999 is out of range (1..300)");
}
END_TEST

START_TEST(test_people_defaults)
{
	struct config *cfg;

	cfg = config_default();
	/* POLICY.md's defaults, as people_defaults gives them. */
	ck_assert(
	    strlist_contains(&cfg->people.program_domains, "mozilla.com"));
	ck_assert(strlist_contains(&cfg->people.program_domains, "ccadb.org"));
	ck_assert(
	    strlist_contains(&cfg->people.bot_accounts, "nobody@mozilla.org"));
	ck_assert(strlist_contains(&cfg->people.bot_suffixes, ".bugs"));
	ck_assert(strlist_contains(&cfg->people.public_domains, "gmail.com"));
	ck_assert_uint_eq(cfg->people.ncas, 0);
	ck_assert_uint_eq(cfg->people.noverrides, 0);
	ck_assert_ptr_null(cfg->people.self);
	ck_assert_int_eq(cfg->policy.pin, POLICY_VERSION_AUTO);
	ck_assert_int_eq(cfg->policy.warn_window, 48 * 3600);
	ck_assert_str_eq(zone_name(cfg->policy.zone), "UTC");
	ck_assert_int_eq(zone_offset_at(cfg->policy.zone, 0), 0);
	ck_assert_str_eq(cfg->policy.base_url, "https://bugzilla.mozilla.org");
	/* Three poll intervals of 600 s are less than the 2 h floor. */
	ck_assert_int_eq(cfg->stale_after, 7200);
	config_free(cfg);
}
END_TEST

START_TEST(test_people_lists)
{
	struct config *cfg;
	char *cause = NULL;

	cfg = cfix_load_text("[people]\n"
			     "program_domains = example.org\n"
			     "extra_bot_accounts = helper@example.net\n"
			     "extra_public_domains = mail.example\n"
			     "bot_suffixes =\n"
			     "program_accounts = overseer@example.com\n"
			     "self = ccwatch-bot@example.net\n",
	    &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	/* program_domains replaces the defaults... */
	ck_assert_uint_eq(cfg->people.program_domains.n, 1);
	ck_assert_str_eq(cfg->people.program_domains.v[0], "example.org");
	/* ...the extra_ lists add to them, an empty list empties. */
	ck_assert(
	    strlist_contains(&cfg->people.bot_accounts, "nobody@mozilla.org"));
	ck_assert(
	    strlist_contains(&cfg->people.bot_accounts, "helper@example.net"));
	ck_assert(strlist_contains(&cfg->people.public_domains, "gmail.com"));
	ck_assert(
	    strlist_contains(&cfg->people.public_domains, "mail.example"));
	ck_assert_uint_eq(cfg->people.bot_suffixes.n, 0);
	ck_assert_str_eq(
	    cfg->people.program_accounts.v[0], "overseer@example.com");
	ck_assert_str_eq(cfg->people.self, "ccwatch-bot@example.net");
	config_free(cfg);

	cfix_expect_error("[people]\nprogram_domains = bob@example.org\n",
	    "2: program_domains: \"bob@example.org\" is not a domain name");
}
END_TEST

START_TEST(test_ca_sections)
{
	struct config *cfg;
	char *cause = NULL;

	cfg = cfix_load_text("[ca \"Foo Trust\"]\n"
			     "domains = foo.com, foo-pki.net\n"
			     "accounts = \"pseudo@gmail.com\"\n"
			     "[ca \"Bar CA\"]\n"
			     "domains = bar.example\n"
			     "[ca \"Empty\"]\n",
	    &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_uint_eq(cfg->people.ncas, 3);
	ck_assert_str_eq(cfg->people.cas[0].name, "Foo Trust");
	ck_assert_uint_eq(cfg->people.cas[0].domains.n, 2);
	ck_assert_str_eq(cfg->people.cas[0].domains.v[1], "foo-pki.net");
	ck_assert_str_eq(cfg->people.cas[0].accounts.v[0], "pseudo@gmail.com");
	/* The same directive in the next [ca] is not a duplicate. */
	ck_assert_str_eq(cfg->people.cas[1].domains.v[0], "bar.example");
	ck_assert_uint_eq(cfg->people.cas[2].domains.n, 0);
	config_free(cfg);

	cfix_expect_error(
	    "[ca \"A\"]\n[ca \"a\"]\n", "2: [ca \"a\"] given twice");
	/* One CA key: a legal form or punctuation makes no new CA. */
	cfix_expect_error("[ca \"NetLock\"]\n[ca \"NETLOCK Kft.\"]\n",
	    "2: [ca \"NETLOCK Kft.\"] given twice");
	cfix_expect_error("[ca \"--\"]\n", "1: [ca \"--\"] names no CA");
	/* Aliases, with continuation lines for a long list. */
	cfg = cfix_load_text("[ca \"NetLock\"]\n"
			     "aliases = \"NETLOCK Ltd\",\n"
			     "    \"Netlock Tanusitvanykiado\",\n"
			     "    NetLock Zrt.\n"
			     "domains = netlock.hu\n",
	    &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_uint_eq(cfg->people.cas[0].aliases.n, 3);
	ck_assert_str_eq(
	    cfg->people.cas[0].aliases.v[1], "Netlock Tanusitvanykiado");
	ck_assert_str_eq(cfg->people.cas[0].aliases.v[2], "NetLock Zrt.");
	config_free(cfg);
	cfix_expect_error("[ca \"A\"]\naliases = \"---\"\n",
	    "2: aliases: \"---\" names no CA");
	cfix_expect_error(
	    "[ca \"Alpha\"]\naliases = Beta Inc.\n[ca \"Beta\"]\n",
	    " [ca \"Alpha\"] and [ca \"Beta\"] both answer to \"Beta Inc.\"");
	cfix_expect_error("[ca \"A\"]\ndomains = a.com\ndomains = b.com\n",
	    "3: duplicate directive domains (first set at line 2)");
}
END_TEST

START_TEST(test_override_sections)
{
	struct config *cfg;
	const struct people_override *o;
	char *cause = NULL;

	cfg = cfix_load_text("[override \"u123@disabled.tld\"]\n"
			     "side = ca\n"
			     "ca = Foo Trust\n"
			     "[override \"helper@gmail.com\"]\n"
			     "side = community\n"
			     "bug = 1234567\n"
			     "from = 2024-01-01\n"
			     "until = 2024-06-01T12:00:00Z\n",
	    &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_uint_eq(cfg->people.noverrides, 2);
	o = &cfg->people.overrides[0];
	ck_assert_str_eq(o->login, "u123@disabled.tld");
	ck_assert_int_eq(o->side, SIDE_CA);
	ck_assert_str_eq(o->ca, "Foo Trust");
	ck_assert_int_eq(o->bug_id, 0);
	ck_assert_int_eq(o->from, 0);
	ck_assert_int_eq(o->until, 0);
	o = &cfg->people.overrides[1];
	ck_assert_int_eq(o->side, SIDE_COMMUNITY);
	ck_assert_ptr_null(o->ca);
	ck_assert_int_eq(o->bug_id, 1234567);
	ck_assert_int_eq(o->from, 1704067200);
	ck_assert_int_eq(o->until, 1717243200);
	config_free(cfg);

	cfix_expect_error("[override \"x@y.z\"]\nbug = 1\n",
	    "1: [override \"x@y.z\"] needs side = ca|program|community|bot");
	cfix_expect_error("[override \"x@y.z\"]\nside = root\n",
	    "2: side: \"root\" is not ca, program, community or bot");
	cfix_expect_error("[override \"x@y.z\"]\nside = ca\nbug = 0\n",
	    "3: bug: \"0\" is not a bug number");
	cfix_expect_error("[override \"x@y.z\"]\nside = ca\nfrom = soon\n",
	    "3: from: \"soon\" is not a time (YYYY-MM-DD or "
	    "YYYY-MM-DDTHH:MM:SSZ)");
	cfix_expect_error("[override \"x@y.z\"]\nside = ca\nfrom = 2024-02-01\n"
			  "until = 2024-01-01\n",
	    "1: [override \"x@y.z\"]: from must be before until");
}
END_TEST

START_TEST(test_policy_section)
{
	struct config *cfg;
	char *cause = NULL;

	cfg = cfix_load_text("[bugzilla]\n"
			     "url = http://127.0.0.1:8080\n"
			     "[daemon]\n"
			     "poll_interval = 3600\n"
			     "[policy]\n"
			     "pin = 3.1\n"
			     "warn_window = 24\n"
			     "date_zone_offset = -05:30\n",
	    &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_int_eq(cfg->policy.pin, POLICY_CCADB_3_1);
	ck_assert_int_eq(cfg->policy.warn_window, 24 * 3600);
	ck_assert_int_eq(
	    zone_offset_at(cfg->policy.zone, 0), -(5 * 3600 + 30 * 60));
	/* Links follow [bugzilla] url; stale after three poll intervals. */
	ck_assert_str_eq(cfg->policy.base_url, "http://127.0.0.1:8080");
	ck_assert_int_eq(cfg->stale_after, 3 * 3600);
	config_free(cfg);

	cfg = cfix_load_text("[policy]\n"
			     "pin = wiki-2017\n"
			     "date_zone_offset = +14:00\n"
			     "base_url = https://bmo.example/\n"
			     "stale_after = 600\n",
	    &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_int_eq(cfg->policy.pin, POLICY_WIKI_2017);
	ck_assert_int_eq(zone_offset_at(cfg->policy.zone, 0), 14 * 3600);
	ck_assert_str_eq(cfg->policy.base_url, "https://bmo.example");
	ck_assert_int_eq(cfg->stale_after, 600);
	config_free(cfg);

	/* An IANA zone: daylight saving time is known. */
	cfg = cfix_load_text("[policy]\ndate_zone = Europe/Berlin\n", &cause);
	ck_assert_msg(cfg != NULL, "%s", cause);
	ck_assert_str_eq(zone_name(cfg->policy.zone), "Europe/Berlin");
	ck_assert_int_eq(zone_offset_at(cfg->policy.zone, 1767225600), 3600);
	ck_assert_int_eq(zone_offset_at(cfg->policy.zone, 1782864000), 7200);
	config_free(cfg);

	cfix_expect_error("[policy]\npin = 4.0\n",
	    "2: pin: \"4.0\" is not auto, wiki-2017, ccadb-1.0, 2.0, 3.0, 3.1 "
	    "or 3.2");
	cfix_expect_error("[policy]\ndate_zone_offset = +2\n",
	    "2: date_zone_offset: \"+2\" is not an offset like +02:00 "
	    "(-14:00 to +14:00)");
	cfix_expect_error("[policy]\ndate_zone = +15:00\n",
	    "2: date_zone: \"+15:00\" is not an offset like +02:00 "
	    "(-14:00 to +14:00)");
	cfix_expect_error("[policy]\ndate_zone = ../etc/passwd\n",
	    "2: date_zone: \"../etc/passwd\" is not UTC, an offset like "
	    "+02:00 or a zone name like Europe/Berlin");
	cfix_expect_error("[policy]\ndate_zone = Mars/Olympus_Mons\n",
	    "2: date_zone: \"Mars/Olympus_Mons\" is not a time zone: "
	    "/usr/share/zoneinfo/Mars/Olympus_Mons: No such file or "
	    "directory");
	cfix_expect_error("[policy]\nwarn_window = 721\n",
	    "2: warn_window: 721 is out of range (0..720)");
	cfix_expect_error("[policy]\nstale_after = 59\n",
	    "2: stale_after: 59 is out of range (60..2592000)");
}
END_TEST

START_TEST(test_watchdog_timeouts)
{
	static const char *mail = "[channel \"mail\"]\ntype = smtp\n"
				  "url = smtp://127.0.0.1:25\n"
				  "require_starttls = no\n"
				  "from = ccwatch@example.test\n"
				  "to = team@example.test\n";
	struct config *cfg;
	char *text;

	/* Under a 5 s watchdog every timeout is at most 2.5 s. */
	setenv("WATCHDOG_USEC", "5000000", 1);
	unsetenv("WATCHDOG_PID");
	cfix_expect_error("[bugzilla]\ntimeout = 3\nconnect_timeout = 2\n",
	    "2: timeout: 3 s is more than half the watchdog interval "
	    "(WATCHDOG_USEC 5.0 s)");
	cfix_expect_error("[bugzilla]\ntimeout = 2\n\nconnect_timeout = 5\n",
	    "4: connect_timeout: 5 s is more than half the watchdog interval "
	    "(WATCHDOG_USEC 5.0 s)");
	cfg = cfix_expect_ok("[bugzilla]\ntimeout = 2\nconnect_timeout = 2\n");
	config_free(cfg);
	/* The defaults are checked too: 60 s and 10 s, named by file. */
	ck_assert_ptr_null(cfix_load_text("[store]\n", &text));
	ck_assert_msg(
	    strstr(text, "c.conf: timeout: 60 s is more than half") != NULL,
	    "%s", text);
	ck_assert_ptr_nonnull(
	    strstr(text, "c.conf: connect_timeout: 10 s is more than half"));
	free(text);
	/* A channel's default 30 s, at its header; its own, at its line. */
	xasprintf(
	    &text, "[bugzilla]\ntimeout = 2\nconnect_timeout = 2\n%s", mail);
	cfix_expect_error(text,
	    "4: [channel \"mail\"] timeout: 30 s is more than half the "
	    "watchdog interval (WATCHDOG_USEC 5.0 s)");
	free(text);
	xasprintf(&text,
	    "[bugzilla]\ntimeout = 2\nconnect_timeout = 2\n%stimeout = 3\n",
	    mail);
	cfix_expect_error(text,
	    "10: [channel \"mail\"] timeout: 3 s is more than half the "
	    "watchdog interval (WATCHDOG_USEC 5.0 s)");
	free(text);
	xasprintf(&text,
	    "[bugzilla]\ntimeout = 2\nconnect_timeout = 2\n%stimeout = 2\n",
	    mail);
	cfg = cfix_expect_ok(text);
	ck_assert_int_eq(cfg->alerts.channels[0].timeout, 2);
	config_free(cfg);
	/* Another process's watchdog is not ours. */
	setenv("WATCHDOG_PID", "1", 1);
	cfg = cfix_expect_ok(text);
	config_free(cfg);
	free(text);
	/* Without a watchdog the table's bound, half the unit's 10 min. */
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	cfg = cfix_expect_ok(
	    "[bugzilla]\ntimeout = 300\nconnect_timeout = 120\n");
	config_free(cfg);
	cfix_expect_error("[bugzilla]\ntimeout = 600\n",
	    "2: timeout: 600 is out of range (1..300)");
}
END_TEST

/* Append a products directive of n long names over continuation lines. */
static void
long_products(struct buf *b, size_t n)
{
	size_t i;

	buf_addstr(b, "[bugzilla]\nproducts =\n");
	for (i = 0; i < n; i++)
		buf_printf(b, "  \"Retired product number %03zu\"%s\n", i,
		    i + 1 < n ? "," : "");
}

START_TEST(test_query_fits_a_url)
{
	struct config *cfg;
	struct buf b;
	char *cause;
	size_t n;

	/*
	 * Grow the list until the check refuses it: the error names the
	 * products' line, and the last list it took still has room for
	 * every search of a cycle (check_bugzilla tests the packing).
	 */
	buf_init(&b, 64 * 1024);
	for (n = 150; n < 250; n++) {
		buf_reset(&b);
		long_products(&b, n);
		cfg = cfix_load_text(buf_str(&b), &cause);
		if (cfg == NULL)
			break;
		config_free(cfg);
	}
	ck_assert_uint_gt(n, 150);
	ck_assert_uint_lt(n, 250);
	ck_assert_msg(
	    strstr(cause, "c.conf:2: products, components: search: ") != NULL,
	    "%s", cause);
	ck_assert_ptr_nonnull(strstr(cause, "shorten the products"));
	ck_assert_ptr_null(strchr(cause, '\n'));
	free(cause);
	buf_free(&b);
}
END_TEST

START_TEST(test_daemon_interval)
{
	struct config *cfg;

	/* Against BMO the floor is five minutes... */
	cfix_expect_error("[bugzilla]\nurl = https://bugzilla.mozilla.org\n"
			  "[daemon]\npoll_interval = 299\n",
	    "4: poll_interval: at least 300 seconds against "
	    "bugzilla.mozilla.org");
	cfix_expect_error("[daemon]\n\npoll_interval = 60\n",
	    "3: poll_interval: at least 300 seconds against "
	    "bugzilla.mozilla.org");
	cfg = cfix_expect_ok("[daemon]\npoll_interval = 300\n");
	ck_assert_int_eq(cfg->poll_interval, 300);
	config_free(cfg);
	/* ...and other servers may be polled faster. */
	cfg = cfix_expect_ok("[bugzilla]\nurl = http://127.0.0.1:9\n"
			     "[daemon]\npoll_interval = 5\npoll_jitter = 0\n"
			     "backoff_max = 60\nfull_every = 3600\n");
	ck_assert_int_eq(cfg->poll_interval, 5);
	ck_assert_int_eq(cfg->poll_jitter, 0);
	config_free(cfg);
	cfg = cfix_expect_ok(
	    "[bugzilla]\nurl = https://bugzilla.mozilla.org.example\n"
	    "[daemon]\npoll_interval = 5\n");
	config_free(cfg);
	cfix_expect_error("[daemon]\npoll_jitter = 51\n",
	    "2: poll_jitter: 51 is out of range (0..50)");
}
END_TEST

START_TEST(test_url_rules)
{
	static const char *ok[][2] = {
	    {"https://bugzilla.mozilla.org/", "https://bugzilla.mozilla.org"},
	    {"https://bmo.example/bugzilla//", "https://bmo.example/bugzilla"},
	    {"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
	    {"http://127.3.4.5/", "http://127.3.4.5"},
	    {"http://localhost:3000/", "http://localhost:3000"},
	    {"http://[::1]:3000", "http://[::1]:3000"},
	};
	static const char *bad[][2] = {
	    {"http://bugzilla.mozilla.org",
		"must be https:// (http:// only to localhost)"},
	    {"http://128.0.0.1/",
		"must be https:// (http:// only to localhost)"},
	    {"http://localhost.example.org/",
		"must be https:// (http:// only to localhost)"},
	    {"ftp://bugzilla.mozilla.org",
		"must be https:// (http:// only to localhost)"},
	    {"https://bugzilla.mozilla.org/rest/",
		"give the base URL, "
		"without /rest"},
	    {"https://u:p@bugzilla.mozilla.org",
		"must not hold a user name or password"},
	    {"https://bugzilla.mozilla.org/?x=1",
		"must not have a query or fragment"},
	};
	struct config *cfg;
	char *text, *msg;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		xasprintf(&text, "[bugzilla]\nurl = %s\n", ok[i][0]);
		cfg = cfix_expect_ok(text);
		ck_assert_str_eq(cfg->url, ok[i][1]);
		config_free(cfg);
		free(text);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		xasprintf(&text, "[bugzilla]\nurl = %s\n", bad[i][0]);
		xasprintf(&msg, "2: url: %s", bad[i][1]);
		cfix_expect_error(text, msg);
		free(text);
		free(msg);
	}
	cfix_expect_error(
	    "[bugzilla]\nurl = not a url\n", "2: url: not a URL: Bad scheme");
}
END_TEST

/* The suite: defaults and directives. */
static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("defaults");
	tcase_add_checked_fixture(tc, cfix_setup, cfix_teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_comments_only_file_gives_defaults);
	tcase_add_test(tc, test_example_file_gives_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("directives");
	tcase_add_checked_fixture(tc, cfix_setup, cfix_teardown);
	tcase_add_test(tc, test_every_directive);
	tcase_add_test(tc, test_int_bounds);
	tcase_add_test(tc, test_url_rules);
	tcase_add_test(tc, test_daemon_interval);
	tcase_add_test(tc, test_watchdog_timeouts);
	tcase_add_test(tc, test_query_fits_a_url);
	tcase_add_test(tc, test_people_defaults);
	tcase_add_test(tc, test_people_lists);
	tcase_add_test(tc, test_ca_sections);
	tcase_add_test(tc, test_override_sections);
	tcase_add_test(tc, test_policy_section);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
