/*
 * Tests of the one validation: the configuration loader refuses what the
 * modules would refuse at start (the channels, the feed's server, the
 * store and feed directories), at the line to blame, all at once, in
 * words that name the key; a channel the modules cannot build does not
 * stop the others; and the example configuration lists every directive
 * of the table with its true default.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "alerts_fixture.h"
#include "config.h"
#include "config_fixture.h"
#include "daemon.h"
#include "log.h"
#include "notify_record.h"
#include "people.h"
#include "policy.h"
#include "store.h"
#include "testutil.h"
#include "timeutil.h"
#include "xmalloc.h"

/* Load text as the file with flags; NULL with *cause on errors. */
static struct config *
load(const char *text, int flags, char **cause)
{
	testutil_write_file(conf, text);
	*cause = NULL;
	return config_load_flags(conf, flags, cause);
}

/* Load text and check it is refused with exactly these lines. */
static void
expect_errors(const char *text, int flags, const char *const *want)
{
	struct buf b;
	struct config *cfg;
	char *cause;
	size_t i;

	cfg = load(text, flags, &cause);
	ck_assert_msg(cfg == NULL, "accepted: %s", text);
	buf_init(&b, 1 << 20);
	for (i = 0; want[i] != NULL; i++)
		buf_printf(&b, "%s%s:%s", i > 0 ? "\n" : "", conf, want[i]);
	ck_assert_str_eq(cause, buf_str(&b));
	buf_free(&b);
	free(cause);
}

/* Load text and check it is accepted. */
static void
expect_ok(const char *text, int flags)
{
	struct config *cfg;
	char *cause;

	cfg = load(text, flags, &cause);
	ck_assert_msg(cfg != NULL, "%s\n%s", text, cause);
	config_free(cfg);
}

#define ERRS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Each key a channel type needs is named on its own, at the header. */
START_TEST(test_channel_required_keys)
{
	expect_errors(
	    "[channel \"mail\"]\ntype = smtp\nurl = smtps://mx.test\n", 0,
	    ERRS("1: [channel \"mail\"]: from is required for an smtp channel",
		"1: [channel \"mail\"]: to is required for an smtp channel"));
	expect_errors("[channel \"hook\"]\ntype = webhook\n", 0,
	    ERRS("1: [channel \"hook\"]: url is required for a webhook "
		 "channel",
		"1: [channel \"hook\"]: secret_file is required for a webhook "
		"channel"));
	expect_errors("[channel \"s\"]\ntype = slack\n", 0,
	    ERRS("1: [channel \"s\"]: webhook_url_file is required for a "
		 "slack channel"));
	expect_errors("[channel \"x\"]\nurl = https://h.test/\n", 0,
	    ERRS("1: [channel \"x\"]: type is required (smtp, slack or "
		 "webhook)"));
	/* A bad type has its own error only. */
	expect_errors("[channel \"x\"]\ntype = pigeon\n", 0,
	    ERRS("2: type: \"pigeon\" is not smtp, slack or webhook"));
}
END_TEST

/* A directive the channel's type never reads is an error at its line. */
START_TEST(test_channel_foreign_keys)
{
	char *secret, *text;

	secret = cfix_write_file("hook.secret", "s3cret\n", 0600);
	xasprintf(&text,
	    "[channel \"hook\"]\ntype = webhook\nurl = https://h.test/\n"
	    "secret_file = %s\nfrom = a@b.test\nrequire_starttls = no\n"
	    "[channel \"s\"]\ntype = slack\nwebhook_url_file = %s\n"
	    "url = https://hooks.slack.test/x\n",
	    secret, secret);
	expect_errors(text, CONFIG_NO_SECRETS,
	    ERRS("5: from: not used by a webhook channel",
		"6: require_starttls: not used by a webhook channel",
		"10: url: a slack channel reads its URL, a secret, from "
		"webhook_url_file"));
	free(text);
	free(secret);
}
END_TEST

/* The mail channel's values, as the mail sender checks them. */
START_TEST(test_channel_smtp_values)
{
	static const char *base =
	    "[channel \"m\"]\ntype = smtp\nfrom = a@b.test\nto = c@d.test\n";
	char *text;

	xasprintf(&text, "%surl = http://mx.test\n", base);
	expect_errors(text, 0,
	    ERRS("5: url: \"http://mx.test\" is not smtp://HOST:PORT or "
		 "smtps://HOST:PORT"));
	free(text);
	xasprintf(&text, "%surl = smtp://me:pw@mx.test:25\n", base);
	expect_errors(text, 0,
	    ERRS("5: url: must not hold a user name or password (give "
		 "username and password_file)"));
	free(text);
	/* An smtp:// URL off this machine without STARTTLS: clear text. */
	xasprintf(
	    &text, "%surl = smtp://mx.test:25\nrequire_starttls = no\n", base);
	expect_errors(text, 0,
	    ERRS("6: require_starttls: \"no\" is for a mail server on this "
		 "machine only, and mx.test is not: mail would go in clear "
		 "text (use smtps://, or require STARTTLS)"));
	free(text);
	xasprintf(&text, "%surl = smtp://127.0.0.1:25\nrequire_starttls = no\n",
	    base);
	expect_ok(text, 0);
	free(text);
	xasprintf(
	    &text, "%surl = smtps://mx.test\nrequire_starttls = no\n", base);
	expect_ok(text, 0);
	free(text);
	expect_errors("[channel \"m\"]\ntype = smtp\nurl = smtps://mx.test\n"
		      "from = Team <a@b.test>\nto = c@d.test, \"e f@g.test\"\n",
	    0,
	    ERRS("4: from: \"Team <a@b.test>\" is not a plain mail address",
		"5: to: \"e f@g.test\" is not a plain mail address"));
}
END_TEST

/* The HTTP channels: https://, or http:// to this machine only. */
START_TEST(test_channel_http_urls)
{
	char *secret, *url_ok, *url_bad, *text;

	secret = cfix_write_file("hook.secret", "s3cret\n", 0600);
	xasprintf(&text,
	    "[channel \"h\"]\ntype = webhook\nsecret_file = %s\n"
	    "url = http://hooks.example.com/x\n",
	    secret);
	expect_errors(text, 0,
	    ERRS("4: url: \"http://hooks.example.com/x\" must be https:// "
		 "(http:// only to this machine: localhost, 127.0.0.0/8, "
		 "[::1])"));
	free(text);
	xasprintf(&text,
	    "[channel \"h\"]\ntype = webhook\nsecret_file = %s\n"
	    "url = http://[::1]:8080/x\n",
	    secret);
	expect_ok(text, 0);
	free(text);

	/* A Slack URL is a secret: the error names its file only. */
	url_ok =
	    cfix_write_file("ok.url", "https://hooks.slack.test/T/B/X\n", 0600);
	url_bad =
	    cfix_write_file("bad.url", "http://hooks.slack.test/T/B/X\n", 0600);
	xasprintf(&text,
	    "[channel \"s\"]\ntype = slack\nwebhook_url_file = %s\n"
	    "[channel \"t\"]\ntype = slack\nwebhook_url_file = %s\n",
	    url_ok, url_bad);
	testutil_write_file(conf, text);
	{
		char *cause = NULL, *want;

		ck_assert_ptr_null(config_load(conf, &cause));
		xasprintf(&want,
		    "%s:6: webhook_url_file: the URL in %s must be https:// "
		    "(http:// only to this machine)",
		    conf, url_bad);
		ck_assert_str_eq(cause, want);
		ck_assert_ptr_null(strstr(cause, "hooks.slack.test"));
		free(want);
		free(cause);
	}
	/* Without the secrets (a read-only command) there is no URL to see. */
	expect_ok(text, CONFIG_NO_SECRETS);
	free(text);
	free(url_ok);
	free(url_bad);
	free(secret);
}
END_TEST

/* A route's unknown channels are errors at its channels line, all of them. */
START_TEST(test_route_channels)
{
	expect_errors("[route \"r\"]\nstate = overdue\n"
		      "channels = mail, slack, mail2\n"
		      "[channel \"mail\"]\ntype = smtp\nurl = smtps://mx.test\n"
		      "from = a@b.test\nto = c@d.test\n"
		      "[route \"q\"]\nstate = met\n",
	    0,
	    ERRS("3: channels: no [channel \"slack\"] in this file",
		"3: channels: no [channel \"mail2\"] in this file",
		"9: [route \"q\"]: channels is required"));
}
END_TEST

/* [feed] listen off loopback needs a token, wherever token_file is. */
START_TEST(test_feed_listen_token)
{
	char *token, *text;

	expect_errors(
	    "[feed]\ninclude_restricted = no\nlisten = 0.0.0.0:8377\n", 0,
	    ERRS("3: listen: 0.0.0.0:8377 is not a loopback address: set "
		 "token_file, the bearer token every request must then "
		 "present"));
	expect_errors("[feed]\nlisten = [2001:db8::1]:8377\n", 0,
	    ERRS("2: listen: [2001:db8::1]:8377 is not a loopback address: "
		 "set token_file, the bearer token every request must then "
		 "present"));
	expect_ok("[feed]\nlisten = [::1]:8377\n", 0);
	expect_ok("[feed]\nlisten = 8377\n", 0);
	token = cfix_write_file("token", "t0ken\n", 0600);
	xasprintf(&text,
	    "[feed]\nlisten = 0.0.0.0:8377\n[store]\n[feed]\ntoken_file = %s\n",
	    token);
	expect_ok(text, 0);
	free(text);
	free(token);
}
END_TEST

/* What the daemon opens on disk, checked with CONFIG_DAEMON only. */
START_TEST(test_daemon_disk)
{
	char *text, *file, *want, *cause = NULL;

	xasprintf(&text, "[store]\npath = %s/no/such/dir/ccwatch.db\n", tmpdir);
	expect_ok(text, 0);
	testutil_write_file(conf, text);
	ck_assert_ptr_null(config_load_flags(conf, CONFIG_DAEMON, &cause));
	xasprintf(&want,
	    "%s:2: path: %s/no/such/dir/ccwatch.db: directory %s/no/such/dir: "
	    "No such file or directory",
	    conf, tmpdir, tmpdir);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(text);

	/* A directory where the store should be. */
	xasprintf(&text, "[store]\npath = %s\n", tmpdir);
	testutil_write_file(conf, text);
	cause = NULL;
	ck_assert_ptr_null(config_load_flags(conf, CONFIG_DAEMON, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "is a directory"));
	free(cause);
	free(text);

	/* [feed] directory: missing, or a file. */
	xasprintf(&file, "%s/plain", tmpdir);
	testutil_write_file(file, "x");
	xasprintf(&text,
	    "[store]\npath = %s/ccwatch.db\n[feed]\ndirectory = %s/feed\n"
	    "[feed]\nlisten = 0\n",
	    tmpdir, tmpdir);
	expect_ok(text, 0);
	testutil_write_file(conf, text);
	cause = NULL;
	ck_assert_ptr_null(config_load_flags(conf, CONFIG_DAEMON, &cause));
	xasprintf(&want, "%s:4: directory: %s/feed: No such file or directory",
	    conf, tmpdir);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(text);
	xasprintf(&text,
	    "[store]\npath = %s/ccwatch.db\n[feed]\ndirectory = %s\n", tmpdir,
	    file);
	testutil_write_file(conf, text);
	cause = NULL;
	ck_assert_ptr_null(config_load_flags(conf, CONFIG_DAEMON, &cause));
	xasprintf(&want, "%s:4: directory: %s is not a directory", conf, file);
	ck_assert_str_eq(cause, want);
	free(want);
	free(cause);
	free(text);

	/* Both there: accepted. */
	xasprintf(&text,
	    "[store]\npath = %s/ccwatch.db\n[feed]\ndirectory = %s\n", tmpdir,
	    tmpdir);
	expect_ok(text, CONFIG_DAEMON);
	free(text);
	free(file);
}
END_TEST

/* Errors come sorted by line, whichever pass found them. */
START_TEST(test_errors_in_line_order)
{
	expect_errors("[route \"r\"]\nchannels = nope\n"
		      "[channel \"m\"]\ntype = smtp\n"
		      "[bugzilla]\npage_size = 0\n"
		      "[feed]\nlisten = 0.0.0.0:1\n",
	    0,
	    ERRS("2: channels: no [channel \"nope\"] in this file",
		"3: [channel \"m\"]: url is required for an smtp channel",
		"3: [channel \"m\"]: from is required for an smtp channel",
		"3: [channel \"m\"]: to is required for an smtp channel",
		"6: page_size: 0 is out of range (1..10000)",
		"8: listen: 0.0.0.0:1 is not a loopback address: set "
		"token_file, the bearer token every request must then "
		"present"));
}
END_TEST

/* A too-long section header takes its section with it, quietly. */
START_TEST(test_long_header_no_second_error)
{
	char name[256], *text;

	memset(name, 'A', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	xasprintf(&text,
	    "[bugzilla]\nurl = http://127.0.0.1:9\n[ca \"%s\"]\n"
	    "domains = a.example\naccounts = x@y.test\n[daemon]\n"
	    "poll_interval = 0\n",
	    name);
	expect_errors(text, 0,
	    ERRS("3: line too long (262 bytes, at most 190); split long "
		 "lists with continuation lines",
		"7: poll_interval: 0 is out of range (1..86400)"));
	free(text);
}
END_TEST

/* Names in the wrong case say that names are lower case. */
START_TEST(test_lower_case_names)
{
	expect_errors("[Bugzilla]\nurl = https://x.test\n", 0,
	    ERRS("1: section names are lower case: [bugzilla], not "
		 "[Bugzilla]"));
	expect_errors("[Channel \"x\"]\n", 0,
	    ERRS("1: section names are lower case: [channel], not "
		 "[Channel]"));
	expect_errors(
	    "[Nothing]\n", 0, ERRS("1: section names are lower case"));
	expect_errors("[bugzilla]\nTimeout = 5\n", 0,
	    ERRS("2: unknown directive \"Timeout\" in [bugzilla]: names are "
		 "lower case: timeout"));
}
END_TEST

/* The table's defaults of [route] and [channel] apply to new sections. */
START_TEST(test_subsection_defaults)
{
	struct config_alerts a;
	struct config_channel *ch;
	struct config_route *r;

	config_alerts_init(&a);
	ch = config_add_channel(&a, "c");
	ck_assert_int_eq(ch->require_starttls, 1);
	ck_assert_int_eq(ch->timeout, 30);
	ck_assert_int_eq(ch->private_data, 0);
	r = config_add_route(&a, "r");
	ck_assert_int_eq(r->min_level, 0);
	ck_assert_int_eq(r->private_data, 0);
	ck_assert_int_eq(r->quiet_start, -1);
	config_alerts_free(&a);
}
END_TEST

/* One line of the example configuration. */
struct example_line {
	char section[64]; /* the section it is in */
	int sect_index;   /* which section of the file, from 1 */
	char name[64];    /* a directive's name, or "" */
	char value[2048]; /* its value, continuation lines joined */
	char raw[2048];   /* its lines, uncommented */
};

/*
 * Read the example's directives: a section header is "[...]" or "#[...]";
 * a directive is "#name = value" (no blank after '#'), continued on lines
 * "#<TAB>..." right after it; every other comment is prose.  Fills up to
 * max lines and writes the file with each directive uncommented (and the
 * prose dropped) into out.  Returns the number of directives.
 */
static size_t
example_read(
    const char *path, struct example_line *v, size_t max, struct buf *out)
{
	char *text, *line, *next, *p;
	char section[64] = "";
	size_t n = 0, len;
	int in_dir = 0, sect = 0;

	text = testutil_read_file(path, NULL);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		p = line[0] == '#' ? line + 1 : line;
		if (p[0] == '[') {
			len = strcspn(p + 1, " ]");
			ck_assert_uint_lt(len, sizeof section);
			memcpy(section, p + 1, len);
			section[len] = '\0';
			sect++;
			buf_printf(out, "%s\n", p);
			in_dir = 0;
		} else if (line[0] == '#' && p[0] == '\t' && in_dir) {
			ck_assert_uint_gt(n, 0);
			len = strlen(v[n - 1].value);
			snprintf(v[n - 1].value + len,
			    sizeof v[n - 1].value - len, " %s", p + 1);
			len = strlen(v[n - 1].raw);
			snprintf(v[n - 1].raw + len, sizeof v[n - 1].raw - len,
			    "%s\n", p);
			buf_printf(out, "%s\n", p);
		} else if (line[0] == '#' && p[0] >= 'a' && p[0] <= 'z' &&
		    strstr(p, " = ") != NULL) {
			ck_assert_uint_lt(n, max);
			len = strcspn(p, " ");
			ck_assert_uint_lt(len, sizeof v[n].name);
			snprintf(
			    v[n].section, sizeof v[n].section, "%s", section);
			v[n].sect_index = sect;
			memcpy(v[n].name, p, len);
			v[n].name[len] = '\0';
			snprintf(v[n].value, sizeof v[n].value, "%s",
			    strstr(p, " = ") + 3);
			snprintf(v[n].raw, sizeof v[n].raw, "%s\n", p);
			buf_printf(out, "%s\n", p);
			n++;
			in_dir = 1;
		} else
			in_dir = 0;
	}
	free(text);
	return n;
}

/* The table's default as the example shows it (LOCALSTATEDIR as /var). */
static void
example_default(const char *dflt, char *out, size_t size)
{
	size_t k = strlen(LOCALSTATEDIR);

	if (strncmp(dflt, LOCALSTATEDIR "/", k + 1) == 0)
		snprintf(out, size, "/var%s", dflt + k);
	else
		snprintf(out, size, "%s", dflt);
}

/* 1 if section is a plain one ([bugzilla]), 0 for [route "NAME"] ones. */
static int
plain_section(const char *section)
{
	static const char *named[] = {"ca", "override", "route", "channel"};
	size_t i;

	for (i = 0; i < sizeof named / sizeof *named; i++)
		if (strcmp(section, named[i]) == 0)
			return 0;
	return 1;
}

/*
 * conf/ccwatch.conf.example lists every directive of the table, each of a
 * plain section once; a directive with a default shows it (in a named
 * section, at least once); and the file with every directive uncommented
 * is accepted.
 */
START_TEST(test_example_lists_every_directive)
{
	static struct example_line v[256];
	const char *section, *name, *dflt, *alias;
	char *path, *cause = NULL, want[256];
	struct config *cfg;
	struct buf out;
	size_t n, i, k, seen, with_default;

	path = testutil_srcpath("conf/ccwatch.conf.example");
	buf_init(&out, 1 << 20);
	n = example_read(path, v, sizeof v / sizeof *v, &out);
	ck_assert_uint_gt(n, 50);
	for (k = 0; config_directive_at(k, &section, &name, &dflt, &alias) == 0;
	     k++) {
		seen = with_default = 0;
		if (dflt != NULL)
			example_default(dflt, want, sizeof want);
		for (i = 0; i < n; i++) {
			if (strcmp(v[i].section, section) != 0 ||
			    strcmp(v[i].name, name) != 0)
				continue;
			seen++;
			if (dflt != NULL && strcmp(v[i].value, want) == 0)
				with_default++;
			if (dflt != NULL && plain_section(section))
				ck_assert_msg(strcmp(v[i].value, want) == 0,
				    "[%s] %s: the example shows \"%s\", the "
				    "default is \"%s\"",
				    section, name, v[i].value, want);
		}
		/* An older name needs no line of its own: its new one has. */
		ck_assert_msg(seen > 0 || alias != NULL,
		    "[%s] %s is not in the example", section, name);
		ck_assert_msg(!plain_section(section) || seen <= 1,
		    "[%s] %s is in the example %zu times", section, name, seen);
		ck_assert_msg(dflt == NULL || with_default > 0,
		    "[%s] %s: the example never shows its default \"%s\"",
		    section, name, want);
	}
	/* And nothing that the table does not know. */
	for (i = 0; i < n; i++) {
		for (k = 0; config_directive_at(
				k, &section, &name, &dflt, &alias) == 0;
		     k++)
			if (strcmp(v[i].section, section) == 0 &&
			    strcmp(v[i].name, name) == 0)
				break;
		ck_assert_msg(
		    config_directive_at(k, &section, &name, &dflt, &alias) == 0,
		    "the example's [%s] %s is no directive", v[i].section,
		    v[i].name);
	}
	testutil_write_file(conf, buf_str(&out));
	cfg = config_load_flags(conf, CONFIG_NO_SECRETS, &cause);
	ck_assert_msg(cfg != NULL, "the example uncommented: %s", cause);
	config_free(cfg);
	buf_free(&out);
	free(path);
}
END_TEST

/*
 * The defaults that the table does not hold (people.c's lists, the stale
 * age derived from the poll interval) are the example's values too.
 */
START_TEST(test_example_derived_defaults)
{
	static struct example_line v[256];
	static const char *lists[] = {"program_domains", "bot_accounts",
	    "bot_suffixes", "public_domains"};
	const struct strlist *got, *want;
	struct config *dflt, *cfg;
	struct buf out;
	char *path, *text, *cause = NULL;
	size_t n, i, j;

	path = testutil_srcpath("conf/ccwatch.conf.example");
	buf_init(&out, 1 << 20);
	n = example_read(path, v, sizeof v / sizeof *v, &out);
	dflt = config_default();
	for (j = 0; j < sizeof lists / sizeof *lists; j++) {
		for (i = 0; i < n && strcmp(v[i].name, lists[j]) != 0; i++)
			;
		ck_assert_uint_lt(i, n);
		xasprintf(&text, "[people]\n%s", v[i].raw);
		testutil_write_file(conf, text);
		cfg = config_load(conf, &cause);
		ck_assert_msg(cfg != NULL, "%s", cause);
		got = j == 0 ? &cfg->people.program_domains
		    : j == 1 ? &cfg->people.bot_accounts
		    : j == 2 ? &cfg->people.bot_suffixes
			     : &cfg->people.public_domains;
		want = j == 0 ? &dflt->people.program_domains
		    : j == 1  ? &dflt->people.bot_accounts
		    : j == 2  ? &dflt->people.bot_suffixes
			      : &dflt->people.public_domains;
		ck_assert_uint_eq(got->n, want->n);
		for (i = 0; i < got->n; i++)
			ck_assert_str_eq(got->v[i], want->v[i]);
		config_free(cfg);
		free(text);
	}
	for (i = 0; i < n && strcmp(v[i].name, "stale_after") != 0; i++)
		;
	ck_assert_uint_lt(i, n);
	ck_assert_int_eq(atoll(v[i].value), dflt->stale_after);
	config_free(dflt);
	buf_free(&out);
	free(path);
}
END_TEST

/* One channel, as a configuration file and as a struct. */
struct channel_case {
	const char *type;
	const char *url; /* smtp, webhook; for slack, the secret's content */
	const char *from;
	const char *to;
	int starttls;
};

/*
 * The loader accepts a channel exactly when the channel's constructor
 * does: every case is loaded from a file, and built straight from a
 * struct by alerts_new, which logs the channels it cannot build.
 */
START_TEST(test_loader_agrees_with_channels)
{
	static const struct channel_case cases[] = {
	    {"smtp", "smtp://127.0.0.1:25", "a@b.test", "c@d.test", 0},
	    {"smtp", "smtp://localhost:25", "a@b.test", "c@d.test", 0},
	    {"smtp", "smtp://mx.example.com:25", "a@b.test", "c@d.test", 0},
	    {"smtp", "smtp://mx.example.com:25", "a@b.test", "c@d.test", 1},
	    {"smtp", "smtps://mx.example.com", "a@b.test", "c@d.test", 0},
	    {"smtp", "https://mx.example.com", "a@b.test", "c@d.test", 1},
	    {"smtp", "smtp://u:p@mx.example.com", "a@b.test", "c@d.test", 1},
	    {"smtp", "smtps://mx.example.com", "a b@c.test", "c@d.test", 1},
	    {"smtp", "smtps://mx.example.com", "a@b.test", "<c@d.test>", 1},
	    {"smtp", "smtps://mx.example.com", "nobody", "c@d.test", 1},
	    {"webhook", "https://hooks.example.com/x", NULL, NULL, 1},
	    {"webhook", "http://hooks.example.com/x", NULL, NULL, 1},
	    {"webhook", "http://127.0.0.9:8/x", NULL, NULL, 1},
	    {"webhook", "http://[::1]/x", NULL, NULL, 1},
	    {"webhook", "ftp://hooks.example.com/x", NULL, NULL, 1},
	    {"slack", "https://hooks.slack.test/T/B/X", NULL, NULL, 1},
	    {"slack", "http://hooks.slack.test/T/B/X", NULL, NULL, 1},
	    {"slack", "http://localhost:9/T", NULL, NULL, 1},
	};
	struct config_alerts a;
	struct config_channel *ch;
	struct config *cfg;
	struct alerts *al;
	char *secret, *urlfile, *text, *cause;
	size_t i;
	int loader_ok, module_ok;

	secret = cfix_write_file("secret", "s3cret\n", 0600);
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct channel_case *c = &cases[i];

		urlfile = cfix_write_file("url", c->url, 0600);
		if (strcmp(c->type, "smtp") == 0)
			xasprintf(&text,
			    "[channel \"c\"]\ntype = smtp\nurl = %s\n"
			    "from = %s\nto = \"%s\"\nrequire_starttls = %s\n",
			    c->url, c->from, c->to, c->starttls ? "yes" : "no");
		else if (strcmp(c->type, "webhook") == 0)
			xasprintf(&text,
			    "[channel \"c\"]\ntype = webhook\nurl = %s\n"
			    "secret_file = %s\n",
			    c->url, secret);
		else
			xasprintf(&text,
			    "[channel \"c\"]\ntype = slack\n"
			    "webhook_url_file = %s\n",
			    urlfile);
		cfg = load(text, 0, &cause);
		loader_ok = cfg != NULL;
		config_free(cfg);
		free(cause);

		config_alerts_init(&a);
		ch = config_add_channel(&a, "c");
		ch->type = xstrdup(c->type);
		ch->require_starttls = c->starttls;
		if (strcmp(c->type, "slack") == 0)
			ch->webhook_url = xstrdup(c->url);
		else
			ch->url = xstrdup(c->url);
		if (c->from != NULL) {
			ch->from = xstrdup(c->from);
			strlist_add(&ch->to, c->to);
		}
		if (strcmp(c->type, "webhook") == 0)
			ch->secret = xstrdup("s3cret");
		testutil_log_begin();
		cause = NULL;
		al = alerts_new(&a, &cause);
		module_ok = testutil_log_count("alerts: channel c") == 0;
		testutil_log_end();
		ck_assert_ptr_nonnull(al);
		ck_assert_msg(loader_ok == module_ok,
		    "case %zu (%s %s): the loader %s it, the channel %s it", i,
		    c->type, c->url, loader_ok ? "accepts" : "refuses",
		    module_ok ? "accepts" : "refuses");
		alerts_free(al);
		config_alerts_free(&a);
		free(text);
		free(urlfile);
	}
	free(secret);
}
END_TEST

/*
 * A channel that cannot be built does not stop the others: they deliver,
 * and its rows wait with the reason, which test-notify gives too.
 */
START_TEST(test_broken_channel_spares_others)
{
	struct config_alerts a;
	struct config_channel *ch;
	struct config_route *r;
	struct people people;
	struct policy_options opts;
	struct alerts_stats s;
	struct notifier *rec;
	struct store *st;
	struct alerts *al;
	char *path, *cause = NULL;
	time_t t0 = 1767628800; /* 2026-01-05T16:00:00Z */

	xasprintf(&path, "%s/ccwatch.db", tmpdir);
	st = store_open(path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	afix_store_bug(st, 7, "Example CA", "example-ca.test", t0);
	people_defaults(&people);
	strlist_add(
	    &people_add_ca(&people, "Example CA")->domains, "example-ca.test");
	policy_options_defaults(&opts);

	config_alerts_init(&a);
	r = config_add_route(&a, "good");
	strlist_add(&r->channels, "rec");
	strlist_add(&r->clocks, "initial-report");
	r = config_add_route(&a, "bad");
	strlist_add(&r->channels, "hook");
	strlist_add(&r->clocks, "initial-report");
	ch = config_add_channel(&a, "hook");
	ch->type = xstrdup("webhook");
	ch->url = xstrdup("http://hooks.example.com/x"); /* off loopback */
	ch->secret = xstrdup("s3cret");
	testutil_log_begin();
	al = alerts_new(&a, &cause);
	ck_assert_ptr_nonnull(al);
	ck_assert_int_eq(testutil_log_count("alerts: channel hook: url must "
					    "be https://"),
	    1);
	rec = notify_record_new("rec");
	alerts_set_notifier(al, rec);
	memset(&s, 0, sizeof s);
	timeutil_set_now(t0 + 30 * 3600);
	ck_assert_msg(alerts_run_cycle(al, st, &people, &opts, t0 + 30 * 3600,
			  &s, &cause) == 0,
	    "%s", cause);
	testutil_log_end();
	timeutil_set_now(0);
	ck_assert_uint_eq(notify_record_count(rec), 1);
	ck_assert_uint_eq(s.sent, 1);
	ck_assert_uint_eq(s.failed, 1);
	cause = NULL;
	ck_assert_int_eq(
	    alerts_test_notify(al, "hook", "http://127.0.0.1:9", t0, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "url must be https://"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(
	    alerts_test_notify(al, "none", "http://127.0.0.1:9", t0, &cause),
	    -1);
	ck_assert_str_eq(cause, "no [channel \"none\"] configured");
	free(cause);
	alerts_free(al);
	config_alerts_free(&a);
	people_free(&people);
	store_close(st);
	free(path);
}
END_TEST

/* After failed cycles, the first good one says how long it took. */
START_TEST(test_outage_line)
{
	static const struct {
		long long secs;
		int failed;
		const char *want;
	} cases[] = {
	    {40, 1, "Bugzilla reachable again after 40 s (1 failed cycle)"},
	    {14 * 60 + 59, 3,
		"Bugzilla reachable again after 14 min (3 failed cycles)"},
	    {2 * 3600 + 5 * 60, 4,
		"Bugzilla reachable again after 2 h 5 min (4 failed cycles)"},
	    {3 * 3600, 5,
		"Bugzilla reachable again after 3 h (5 failed cycles)"},
	    {86400 + 4 * 3600 + 59, 9,
		"Bugzilla reachable again after 1 day 4 h (9 failed cycles)"},
	    {3 * 86400, 30,
		"Bugzilla reachable again after 3 days (30 failed cycles)"},
	};
	struct daemon_outage o;
	time_t t = 1767628800;
	size_t i;
	int k;

	memset(&o, 0, sizeof o);
	ck_assert_int_eq(daemon_outage_note(&o, 1, t), 0);
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		testutil_log_begin();
		for (k = 0; k < cases[i].failed; k++)
			ck_assert_int_eq(daemon_outage_note(&o, 0, t + k), 0);
		ck_assert_int_eq(
		    daemon_outage_note(&o, 1, t + (time_t)cases[i].secs), 1);
		ck_assert_str_eq(o.line, cases[i].want);
		ck_assert_int_eq(testutil_log_count(cases[i].want), 1);
		/* One line only: the next good cycle says nothing. */
		ck_assert_int_eq(daemon_outage_note(&o, 1, t + 86400 * 9), 0);
		ck_assert_int_eq(testutil_log_count("reachable again"), 1);
		testutil_log_end();
	}
}
END_TEST

/* The suite. */
static Suite *
validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc;

	tc = tcase_create("loader");
	tcase_add_checked_fixture(tc, cfix_setup, cfix_teardown);
	tcase_add_test(tc, test_channel_required_keys);
	tcase_add_test(tc, test_channel_foreign_keys);
	tcase_add_test(tc, test_channel_smtp_values);
	tcase_add_test(tc, test_channel_http_urls);
	tcase_add_test(tc, test_route_channels);
	tcase_add_test(tc, test_feed_listen_token);
	tcase_add_test(tc, test_daemon_disk);
	tcase_add_test(tc, test_errors_in_line_order);
	tcase_add_test(tc, test_long_header_no_second_error);
	tcase_add_test(tc, test_lower_case_names);
	tcase_add_test(tc, test_subsection_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("example");
	tcase_add_checked_fixture(tc, cfix_setup, cfix_teardown);
	tcase_add_test(tc, test_example_lists_every_directive);
	tcase_add_test(tc, test_example_derived_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("modules");
	tcase_add_checked_fixture(tc, cfix_setup, cfix_teardown);
	tcase_add_test(tc, test_loader_agrees_with_channels);
	tcase_add_test(tc, test_broken_channel_spares_others);
	tcase_add_test(tc, test_outage_line);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(validate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
