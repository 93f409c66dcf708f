/*
 * Alerts (see alerts.h): the runtime with its notifiers, the SQL and time
 * zone helpers the other files share, and the operator's commands (snooze,
 * ack, the listing, test-notify).  The configuration ([alerts], [route],
 * [channel]) is plain data of config.h.
 * Evaluation is in alerts_eval.c, delivery in alerts_outbox.c.
 *
 * Time zones: a route's zone is UTC, a fixed offset "+HH:MM", or a zoneinfo
 * name, read from its file by tz.c (never through TZ, so it is safe while
 * the HTTP server's thread runs).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts_int.h"
#include "buf.h"
#include "feed.h"
#include "log.h"
#include "store_alerts.h"
#include "timeutil.h"
#include "tz.h"
#include "xmalloc.h"

/* Largest listing of "ccwatch alerts". */
#define ALERTS_MAX_TEXT (16 * 1024 * 1024)
/* Rows of each table the listing shows. */
#define ALERTS_LIST_ROWS 200

/* Build the notifier of one configured channel. */
static struct notifier *
alerts_channel_notifier(const struct config_channel *ch, char **cause)
{
	struct smtp_channel sc;
	struct slack_channel kc;
	struct webhook_channel wc;

	if (strcmp(ch->type, "smtp") == 0) {
		notify_smtp_channel_init(&sc);
		sc.url = ch->url;
		sc.from = ch->from;
		sc.to = (const char *const *)ch->to.v;
		sc.nto = ch->to.n;
		sc.require_starttls = ch->require_starttls;
		sc.username = ch->username;
		sc.password = ch->password;
		sc.ca_file = ch->ca_file;
		sc.timeout = (long)ch->timeout;
		return notify_smtp_new(ch->name, &sc, cause);
	}
	if (strcmp(ch->type, "slack") == 0) {
		notify_slack_channel_init(&kc);
		kc.webhook_url = ch->webhook_url;
		kc.private_data = ch->private_data;
		kc.timeout = (long)ch->timeout;
		return notify_slack_new(ch->name, &kc, cause);
	}
	if (strcmp(ch->type, "webhook") == 0) {
		notify_webhook_channel_init(&wc);
		wc.url = ch->url;
		wc.secret = ch->secret;
		wc.timeout = (long)ch->timeout;
		return notify_webhook_new(ch->name, &wc, cause);
	}
	xasprintf(cause, "channel %s: unknown type %s", ch->name, ch->type);
	return NULL;
}

/*
 * Make the runtime: one notifier per configured channel.  A channel that
 * cannot be made (the configuration's checks refuse what the channels
 * would, so this is a defence) is logged and left without a notifier: the
 * others deliver, and its own deliveries fail, retryably, with the reason.
 */
struct alerts *
alerts_new(const struct config_alerts *cfg, char **cause)
{
	struct alerts *al;
	struct alerts_broken *b;
	struct notifier *n;
	char *why = NULL;
	size_t i;

	al = xcalloc(1, sizeof *al);
	al->cfg = cfg;
	for (i = 0; i < cfg->nchannels; i++) {
		n = alerts_channel_notifier(&cfg->channels[i], &why);
		if (n != NULL) {
			alerts_set_notifier(al, n);
			continue;
		}
		log_warnx("alerts: %s; this channel's alerts wait, and are "
			  "retried until it is fixed",
		    why);
		al->broken = xreallocarray(
		    al->broken, al->nbroken + 1, sizeof *al->broken);
		b = &al->broken[al->nbroken++];
		b->channel = xstrdup(cfg->channels[i].name);
		b->why = why;
		why = NULL;
	}
	return al;
}

/* Free the runtime and its notifiers; accepts NULL. */
void
alerts_free(struct alerts *al)
{
	size_t i;

	if (al == NULL)
		return;
	for (i = 0; i < al->nnotifiers; i++)
		notify_free(al->notifiers[i]);
	for (i = 0; i < al->nbroken; i++) {
		free(al->broken[i].channel);
		free(al->broken[i].why);
	}
	free(al->broken);
	free(al->notifiers);
	alerts_unmarked_free(al);
	free(al);
}

/* Say why a channel has no notifier. */
char *
alerts_channel_error(const struct alerts *al, const char *name)
{
	char *msg;
	size_t i;

	for (i = 0; i < al->nbroken; i++)
		if (strcmp(al->broken[i].channel, name) == 0)
			return xstrdup(al->broken[i].why);
	xasprintf(&msg, "no [channel \"%s\"] configured", name);
	return msg;
}

/* Replace (or add) the notifier of n's channel name. */
void
alerts_set_notifier(struct alerts *al, struct notifier *n)
{
	size_t i;

	for (i = 0; i < al->nnotifiers; i++) {
		if (strcmp(al->notifiers[i]->name, n->name) == 0) {
			notify_free(al->notifiers[i]);
			al->notifiers[i] = n;
			return;
		}
	}
	al->notifiers = xreallocarray(
	    al->notifiers, al->nnotifiers + 1, sizeof(struct notifier *));
	al->notifiers[al->nnotifiers++] = n;
}

/* Find the notifier of a channel. */
struct notifier *
alerts_notifier(struct alerts *al, const char *name)
{
	size_t i;

	for (i = 0; i < al->nnotifiers; i++)
		if (strcmp(al->notifiers[i]->name, name) == 0)
			return al->notifiers[i];
	return NULL;
}

/* The configuration of a channel; see alerts_int.h. */
const struct config_channel *
alerts_channel_config(const struct config_alerts *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nchannels; i++)
		if (strcmp(cfg->channels[i].name, name) == 0)
			return &cfg->channels[i];
	return NULL;
}

/* 1 for a webhook channel; see alerts_int.h. */
int
alerts_channel_is_machine(const struct config_alerts *cfg, const char *name)
{
	const struct config_channel *ch = alerts_channel_config(cfg, name);

	return ch != NULL && ch->type != NULL &&
	    strcmp(ch->type, "webhook") == 0;
}

/*
 * The zone of a name (tz.c: read from its file once, never through TZ,
 * so this is safe while the HTTP server's thread runs); a zone that cannot
 * be read, which the config check refused already, counts as UTC.
 */
static const struct tz *
alerts_zone(const char *tz)
{
	const struct tz *z;
	char *cause = NULL;

	z = tz_get(tz, &cause);
	if (z == NULL) {
		log_warnx("alerts: time zone %s: %s; using UTC", tz, cause);
		free(cause);
	}
	return z;
}

/* Break t down in a zone. */
int
alerts_localtime(time_t t, const char *tz, struct tm *tm)
{
	const struct tz *z;
	long off;

	if (timeutil_zone_is_utc(tz))
		return gmtime_r(&t, tm) != NULL ? 0 : -1;
	if (timeutil_zone_offset(tz, &off) == 0) {
		t += off;
		return gmtime_r(&t, tm) != NULL ? 0 : -1;
	}
	z = alerts_zone(tz);
	if (z == NULL)
		return gmtime_r(&t, tm) != NULL ? 0 : -1;
	return tz_localtime(z, t, tm);
}

/*
 * The time of a local time in a zone: the earlier of a time that happens
 * twice, the first instant after a time the clocks skip.
 */
time_t
alerts_mktime(struct tm *tm, const char *tz)
{
	const struct tz *z;
	time_t t;
	long off;

	if (timeutil_zone_is_utc(tz))
		return timegm(tm);
	if (timeutil_zone_offset(tz, &off) == 0)
		return timegm(tm) - off;
	z = alerts_zone(tz);
	if (z == NULL)
		return timegm(tm);
	t = tz_from_local(z, timegm(tm));
	tz_localtime(z, t, tm);
	return t;
}

/* Tell whether now is in the route's quiet hours, and until when. */
int
alerts_quiet(const struct config_route *r, time_t now, time_t *until)
{
	struct tm tm;
	int m, in;

	if (r->quiet_start < 0 || alerts_localtime(now, r->timezone, &tm) == -1)
		return 0;
	m = tm.tm_hour * 60 + tm.tm_min;
	if (r->quiet_start < r->quiet_end)
		in = m >= r->quiet_start && m < r->quiet_end;
	else
		in = m >= r->quiet_start || m < r->quiet_end;
	if (!in)
		return 0;
	tm.tm_hour = r->quiet_end / 60;
	tm.tm_min = r->quiet_end % 60;
	tm.tm_sec = 0;
	if (m >= r->quiet_end)
		tm.tm_mday++;
	*until = alerts_mktime(&tm, r->timezone);
	if (*until <= now)
		*until = now + 60;
	return 1;
}

/* A string member, or null. */
static json_t *
alerts_json_str(const char *s)
{
	json_t *j;

	if (s == NULL)
		return json_null();
	j = json_string(s);
	return j != NULL ? j : json_string("?");
}

/* An alert as the JSON payload of an outbox row. */
json_t *
alerts_payload_new(const struct alert *a)
{
	return json_pack("{s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:i, s:I, s:I,"
			 " s:o, s:o, s:o, s:o, s:b, s:I, s:b, s:I}",
	    "id", alerts_json_str(a->id), "bug_id", (json_int_t)a->bug_id,
	    "bug_summary", alerts_json_str(a->bug_summary), "bug_url",
	    alerts_json_str(a->bug_url), "ca", alerts_json_str(a->ca), "clock",
	    alerts_json_str(a->clock), "state", alerts_json_str(a->state),
	    "level", a->level, "due", (json_int_t)a->due, "started_at",
	    (json_int_t)a->started_at, "rule", alerts_json_str(a->rule),
	    "evidence", alerts_json_str(a->evidence), "comment_url",
	    alerts_json_str(a->comment_url), "query_url",
	    alerts_json_str(a->query_url), "restricted", a->restricted,
	    "created", (json_int_t)a->created, "late", a->late, "late_by",
	    (json_int_t)a->late_by);
}

/* A string member of o, or NULL. */
static const char *
alerts_json_get(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Fill *a from a payload; the strings stay o's. */
void
alerts_payload_alert(json_t *o, struct alert *a)
{
	json_t *r;

	memset(a, 0, sizeof *a);
	a->id = alerts_json_get(o, "id");
	a->bug_id = json_integer_value(json_object_get(o, "bug_id"));
	a->bug_summary = alerts_json_get(o, "bug_summary");
	a->bug_url = alerts_json_get(o, "bug_url");
	a->ca = alerts_json_get(o, "ca");
	a->clock = alerts_json_get(o, "clock");
	a->state = alerts_json_get(o, "state");
	a->level = (int)json_integer_value(json_object_get(o, "level"));
	a->due = json_integer_value(json_object_get(o, "due"));
	a->started_at = json_integer_value(json_object_get(o, "started_at"));
	a->rule = alerts_json_get(o, "rule");
	a->evidence = alerts_json_get(o, "evidence");
	a->comment_url = alerts_json_get(o, "comment_url");
	a->query_url = alerts_json_get(o, "query_url");
	a->restricted = json_is_true(json_object_get(o, "restricted"));
	a->created = json_integer_value(json_object_get(o, "created"));
	a->late = json_is_true(json_object_get(o, "late"));
	a->late_by = json_integer_value(json_object_get(o, "late_by"));
	r = json_object_get(o, "reason");
	a->reason_kind = alerts_json_get(r, "kind");
	a->reason = alerts_json_get(r, "text");
	a->reason_by = alerts_json_get(r, "by");
	a->reason_comment = json_is_integer(json_object_get(r, "comment"))
	    ? json_integer_value(json_object_get(r, "comment"))
	    : -1;
	a->reason_date = alerts_json_get(r, "date");
}

/* Snooze a bug, or one of its clocks. */
int
alerts_snooze(struct store *st, int64_t bug, const char *kind, time_t until,
    const char *reason, time_t now, char **cause)
{
	if (until <= now) {
		xasprintf(cause, "snooze: the end is not in the future");
		return -1;
	}
	if (store_snooze_put(st, bug, kind, until, reason, now, cause) == -1)
		return -1;
	return 0;
}

/* Remove a bug's snoozes (of one kind, or all). */
int
alerts_unsnooze(struct store *st, int64_t bug, const char *kind, char **cause)
{
	return store_snooze_drop(st, bug, kind, cause);
}

/* Acknowledge a bug's notified clocks at their current state and level. */
int
alerts_ack(
    struct store *st, int64_t bug, const char *kind, time_t now, char **cause)
{
	return store_ack_put(st, bug, kind, now, cause);
}

/* Judge the channels' delivery health; see alerts.h. */
int
alerts_health(struct store *st, const struct config_alerts *cfg,
    struct alerts_health *h, char **cause)
{
	const struct store_channel_health *c;
	char iso[TIMEUTIL_ISO_LEN];
	size_t i, len = 0;

	memset(h, 0, sizeof *h);
	if (store_channel_health_list(st, &h->channels, &h->n, cause) == -1)
		return -1;
	for (i = 0; i < h->n; i++) {
		c = &h->channels[i];
		h->dead += c->dead;
		if (cfg->check_failures <= 0 ||
		    c->failures < cfg->check_failures)
			continue;
		h->failing++;
		if (len < sizeof h->text)
			len += (size_t)snprintf(h->text + len,
			    sizeof h->text - len,
			    "%schannel %s failing (%lld attempts in a row, "
			    "last at %s)",
			    len > 0 ? "; " : "", c->channel, c->failures,
			    timeutil_format_iso(c->last_failure, iso));
	}
	if (h->dead > 0 && len < sizeof h->text)
		(void)snprintf(h->text + len, sizeof h->text - len,
		    "%s%lld dead letter%s (ccwatch alerts --retry-dead)",
		    len > 0 ? "; " : "", h->dead, h->dead == 1 ? "" : "s");
	h->warning = h->failing > 0;
	h->critical = cfg->check_dead > 0 && h->dead >= cfg->check_dead;
	return 0;
}

/* Fill the metrics' outbox counters; see alerts.h. */
int
alerts_feed_counters(struct store *st, const struct config_alerts *cfg,
    struct feed_counters *fc, char **cause)
{
	struct alerts_counts ac;
	struct alerts_health h;
	struct feed_channel *c;
	size_t i;

	if (alerts_counts(st, &ac, cause) == -1 ||
	    alerts_health(st, cfg, &h, cause) == -1)
		return -1;
	fc->have_outbox = 1;
	fc->outbox_depth = ac.pending;
	fc->dead_letters = ac.dead;
	fc->nchannels = 0;
	for (i = 0; i < h.n && i < FEED_MAX_CHANNELS; i++) {
		c = &fc->channels[fc->nchannels++];
		snprintf(c->name, sizeof c->name, "%s", h.channels[i].channel);
		c->pending = h.channels[i].pending - h.channels[i].held;
		c->held = h.channels[i].held;
		c->dead = h.channels[i].dead;
		c->last_success = (long long)h.channels[i].last_success;
		c->last_failure = (long long)h.channels[i].last_failure;
		c->failures = h.channels[i].failures;
	}
	alerts_health_free(&h);
	return 0;
}

/* Free what alerts_health made. */
void
alerts_health_free(struct alerts_health *h)
{
	store_channel_health_free(h->channels, h->n);
	h->channels = NULL;
	h->n = 0;
}

/* Requeue dead letters in one transaction; see alerts.h. */
int
alerts_retry_dead(struct store *st, const char *const *ids, size_t n,
    time_t now, char **cause)
{
	int r;

	if (store_begin(st, cause) == -1)
		return -1;
	r = store_outbox_retry_dead(st, ids, n, now, cause);
	if (store_end(st, r == -1 ? -1 : 0, cause) == -1)
		return -1;
	log_info(
	    "alerts: %d dead letter%s back in the queue", r, r == 1 ? "" : "s");
	return r;
}

/* Count the ledger, the outbox by status, and the snoozes. */
int
alerts_counts(struct store *st, struct alerts_counts *c, char **cause)
{
	struct store_alert_counts k;

	memset(c, 0, sizeof *c);
	if (store_alert_counts(st, &k, cause) == -1)
		return -1;
	c->alerts = k.alerts;
	c->pending = k.pending;
	c->held = k.held;
	c->sent = k.sent;
	c->dead = k.dead;
	c->snoozes = k.snoozes;
	return 0;
}

/* A time as ISO 8601, or null for 0. */
static json_t *
alerts_json_time(int64_t t)
{
	char iso[TIMEUTIL_ISO_LEN];

	if (t == 0)
		return json_null();
	return json_string(timeutil_format_iso((time_t)t, iso));
}

/* The ledger, the outbox and the snoozes as JSON. */
char *
alerts_to_json(struct store *st, time_t now, char **cause)
{
	struct alerts_counts c;
	json_t *root, *ledger, *outbox, *snoozes;
	char *out = NULL;

	if (alerts_counts(st, &c, cause) == -1)
		return NULL;
	ledger = json_array();
	outbox = json_array();
	snoozes = json_array();
	root = json_pack("{s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:o,"
			 " s:o}",
	    "generated_at", alerts_json_time(now), "counts", "alerts",
	    (json_int_t)c.alerts, "pending", (json_int_t)c.pending, "held",
	    (json_int_t)c.held, "sent", (json_int_t)c.sent, "dead",
	    (json_int_t)c.dead, "snoozes", (json_int_t)c.snoozes, "alerts",
	    ledger, "outbox", outbox, "snoozes", snoozes);
	if (store_alert_rows_json(st, ledger, outbox, snoozes, cause) == -1)
		goto out;
	out = json_dumps(root, JSON_INDENT(2));
out:
	json_decref(root);
	return out;
}

/* Print one array of the JSON listing as lines of key=value. */
static void
alerts_text_rows(json_t *a, const char *title, FILE *f)
{
	const char *key;
	json_t *o, *v;
	size_t i;
	char *s;

	(void)fprintf(f, "%s (%zu):\n", title, json_array_size(a));
	json_array_foreach(a, i, o)
	{
		(void)fputs(" ", f);
		json_object_foreach(o, key, v)
		{
			if (json_is_null(v))
				continue;
			s = json_dumps(v, JSON_ENCODE_ANY);
			(void)fprintf(f, " %s=%s", key, s != NULL ? s : "?");
			free(s);
		}
		(void)fputc('\n', f);
	}
}

/* Write the listing for a terminal. */
int
alerts_write_text(struct store *st, time_t now, FILE *f, char **cause)
{
	json_t *root, *c;
	char *json;

	json = alerts_to_json(st, now, cause);
	if (json == NULL)
		return -1;
	root = json_loads(json, 0, NULL);
	free(json);
	if (root == NULL) {
		xasprintf(cause, "alerts: listing");
		return -1;
	}
	c = json_object_get(root, "counts");
	(void)fprintf(f,
	    "alerts: %lld in the ledger; outbox: %lld pending (%lld held), "
	    "%lld sent, %lld dead letters; %lld snoozes\n",
	    (long long)json_integer_value(json_object_get(c, "alerts")),
	    (long long)json_integer_value(json_object_get(c, "pending")),
	    (long long)json_integer_value(json_object_get(c, "held")),
	    (long long)json_integer_value(json_object_get(c, "sent")),
	    (long long)json_integer_value(json_object_get(c, "dead")),
	    (long long)json_integer_value(json_object_get(c, "snoozes")));
	alerts_text_rows(json_object_get(root, "outbox"), "outbox", f);
	alerts_text_rows(json_object_get(root, "alerts"), "ledger", f);
	alerts_text_rows(json_object_get(root, "snoozes"), "snoozes", f);
	json_decref(root);
	return 0;
}

/* Send a sample alert through one channel. */
int
alerts_test_notify(struct alerts *al, const char *channel, const char *base_url,
    time_t now, char **cause)
{
	struct notify_failure fail;
	struct notifier *n;
	struct alert a;
	char *id, *url;
	int rc;

	n = alerts_notifier(al, channel);
	if (n == NULL) {
		*cause = alerts_channel_error(al, channel);
		return -1;
	}
	xasprintf(&id, "ccw-test-%lld", (long long)now);
	memset(&a, 0, sizeof a);
	a.id = id;
	a.bug_id = 0;
	a.bug_summary = "ccwatch test alert: this channel works";
	xasprintf(&url, "%s/", base_url);
	a.bug_url = url;
	a.clock = "initial-report";
	a.state = "due-soon";
	a.due = now + 86400;
	a.started_at = now - (time_t)2 * 86400;
	a.rule = "A test message sent by \"ccwatch test-notify\"; no "
		 "deadline is at stake.";
	a.evidence = "sent on request";
	a.created = now;
	memset(&fail, 0, sizeof fail);
	rc = notify_send(n, &a, &fail, cause);
	free(url);
	free(id);
	return rc;
}
