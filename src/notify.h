/*
 * Notification channels: an alert (or a digest of alerts) rendered and sent
 * by mail (SMTP), to Slack (incoming webhook) or to a generic signed
 * webhook.  Each channel is a struct notifier_ops table, as OpenSMTPD's
 * backends are; the outbox worker of the alerts module holds one struct
 * notifier per [channel "NAME"] and calls notify_send on it.
 *
 * Delivery is at least once: a send that fails is retried later with the
 * same alert, and the alert's id becomes the mail's Message-ID and the
 * webhook's delivery id, so a receiver can drop a duplicate.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "http.h"

/*
 * One alert: plain data, every string borrowed from the caller.  id is
 * stable across retries and restarts (the alerts module builds it, e.g.
 * "ccw-<bug>-<clock>-<deadline unix>-<level>") and may hold only letters,
 * digits, '.', '-' and '_'.
 */
struct alert {
	const char *id;
	int64_t bug_id;
	const char *bug_summary;
	const char *bug_url;
	const char *ca;    /* the CA owner's name, may be NULL */
	const char *clock; /* "initial-report", "full-report", ... */
	const char *state; /* "due-soon", "overdue", "met" */
	int level;         /* escalation level, 0 first */
	time_t due;
	time_t started_at;
	const char *rule;        /* why this deadline exists */
	const char *evidence;    /* the start event and how due was computed */
	const char *comment_url; /* may be NULL */
	const char *query_url;   /* a live Bugzilla query, may be NULL */
	int restricted;          /* the bug has groups: keep its text private */
	time_t created;
	int late;          /* met: after its due time */
	long long late_by; /* met: seconds after its due time, 0 on time */
	/*
	 * met: why, from the policy engine's evidence (NULL when unknown):
	 * reason_kind met, withdrawn, moved, resolved, paused or gone, the
	 * words ("met by comment 5 (login), 22 days late"), who, the
	 * comment (-1 none) and a moved deadline's date (or NULL).
	 */
	const char *reason_kind;
	const char *reason;
	const char *reason_by;
	int64_t reason_comment;
	const char *reason_date;
};

/*
 * Several alerts for one recipient as one message.  id is the delivery id
 * (same rules as an alert's); NULL derives one from recipient and when.
 */
struct alert_digest {
	const char *id;
	const char *recipient;
	const struct alert *items;
	size_t n;
	time_t when;
	size_t more;          /* alerts not listed, told as "and M more" */
	const char *more_url; /* where they are all seen (the dashboard) */
};

/* Why a send failed, for the outbox's retry decision. */
struct notify_failure {
	/* 0 only for a definite rejection: HTTP 400, 401, 403, 404, 410, SMTP
	 * 5xx to RCPT */
	int retryable;
	long retry_after; /* seconds the receiver asked for (429), or 0 */
};

struct notifier;
struct http;

/*
 * A channel's request, prepared: the transfer and the storage it points
 * into.  notify_request_free releases it.
 */
#define NOTIFY_MAX_HEADERS 6
struct notify_request {
	struct http_request http;
	struct buf body;
	char *headers[NOTIFY_MAX_HEADERS + 1]; /* allocated, NULL-terminated */
	const char *kind;                      /* "smtp", "slack", "webhook" */
};

/*
 * A channel's operations.  A network channel renders (prepare: an alert,
 * or a digest when the alert is NULL) into a request for the transport and
 * judges the finished transfer (judge: 0 delivered, or -1 with *fail and
 * *cause).  A channel without a network (the record channel of the tests)
 * has send and send_digest instead, which answer at once.  Causes never
 * hold a secret.
 */
struct notifier_ops {
	const char *name; /* "smtp", "slack", "webhook", "record" */
	int (*prepare)(struct notifier *, const struct alert *,
	    const struct alert_digest *, struct notify_request *, char **cause);
	int (*judge)(struct notifier *, enum http_result,
	    const struct http_response *, const char *why,
	    struct notify_failure *, char **cause);
	int (*send)(struct notifier *, const struct alert *,
	    struct notify_failure *, char **cause);
	int (*send_digest)(struct notifier *, const struct alert_digest *,
	    struct notify_failure *, char **cause);
	void (*free)(struct notifier *);
};

struct notifier {
	const struct notifier_ops *ops;
	char *name;        /* the channel's name in the config */
	void *data;        /* the channel's own state */
	struct http *http; /* own transport of notify_send, made on demand */
};

/* One send in flight (notify_start). */
struct notify_send;

/*
 * The end of a send: rc 0 delivered, or -1 with fail and cause (borrowed
 * for the call).
 */
typedef void (*notify_done_cb)(
    void *arg, int rc, const struct notify_failure *fail, const char *cause);

/* [channel "NAME"] type = smtp. */
struct smtp_channel {
	const char *url;       /* smtp://host:port or smtps://host:port */
	const char *from;      /* envelope sender and From: */
	const char *const *to; /* recipients */
	size_t nto;
	int require_starttls; /* 1 (default); 0 only for loopback */
	const char *username; /* NULL: no AUTH */
	const char *password; /* secret, read from a file by caller */
	const char *ca_file;  /* NULL: system trust store */
	long timeout;         /* seconds, whole transaction */
};

/* [channel "NAME"] type = slack. */
struct slack_channel {
	const char *webhook_url; /* secret: only its host is ever logged */
	int private_data;        /* 1: may show a restricted bug's summary */
	long timeout;
};

/* [channel "NAME"] type = webhook. */
struct webhook_channel {
	const char *url;    /* https://, or http:// on a loopback host */
	const char *secret; /* HMAC-SHA256 key */
	long timeout;
};

/* Longest rendered message or payload. */
#define NOTIFY_MAX_MESSAGE ((size_t)1024 * 1024)
/*
 * The text a digest lists items into before it cuts the list with "and M
 * more": room for the longest item and the mail's quoted-printable growth.
 */
#define NOTIFY_DIGEST_BUDGET (NOTIFY_MAX_MESSAGE / 4)
/* Default whole-transfer timeout of a channel, seconds. */
#define NOTIFY_TIMEOUT CCWATCH_CHANNEL_TIMEOUT

/*
 * Start sending an alert, or a digest when a is NULL, over transport h.
 * Returns 1 when the transfer started (done is called later, on the
 * loop), or, when the send ended at once (a render error, a channel
 * without a network), 0 delivered or -1 with *fail and *cause; then done
 * is never called.
 */
int notify_start(struct notifier *, struct http *h, const struct alert *a,
    const struct alert_digest *d, notify_done_cb done, void *arg,
    struct notify_send **sendp, struct notify_failure *, char **cause);
/* Abort a send in flight: done is never called. */
void notify_cancel(struct notify_send *);
/* Most transfers at once to one channel's host. */
#define NOTIFY_CONCURRENCY 2

/*
 * Send at once, on the notifier's own transport and loop (the CLI and
 * tests): 0 delivered, or -1 with *fail and *cause.
 */
int notify_send(struct notifier *, const struct alert *,
    struct notify_failure *, char **cause);
int notify_send_digest(struct notifier *, const struct alert_digest *,
    struct notify_failure *, char **cause);
/* Release a prepared request. */
void notify_request_free(struct notify_request *);
/* Free a notifier and zero its secrets; accepts NULL. */
void notify_free(struct notifier *);
/* A notifier named name over ops and the channel state data (owned). */
struct notifier *notify_new(
    const char *name, const struct notifier_ops *ops, void *data);

/*
 * Shared rendering helpers.  notify_format_relative writes "overdue by 2
 * days 3 hours" or "due in 5 hours" for due seen at now; notify_format_date
 * writes an RFC 5322 date in UTC ("Tue, 01 Dec 2026 18:53:45 +0000").
 */
void notify_format_relative(time_t due, time_t now, struct buf *out);
/* A span of seconds in its two largest units: "22 days 3 hours". */
void notify_format_span(long long d, struct buf *out);
/* For a met alert that was late, " (late by 2 days 3 hours)"; else nothing. */
void notify_format_late(const struct alert *a, struct buf *out);
void notify_format_date(time_t t, struct buf *out);
/*
 * Copy untrusted text s (NULL reads as "") into out as valid UTF-8 (bad
 * bytes become '?'), at most max bytes, cut at a character boundary with
 * "..." appended.  With oneline every control character, CR and LF
 * included, becomes a space; otherwise line ends become LF and other
 * controls but tab become spaces.
 */
void notify_clean_text(const char *s, size_t max, int oneline, struct buf *out);
/* How a channel writes untrusted text: notify_clean_text or its own. */
typedef void (*notify_escape_fn)(
    const char *s, size_t max, int oneline, struct buf *out);
/*
 * After an alert's state: ": REASON" (written by escape) when it has a
 * reason, else how late a met alert was (notify_format_late).
 */
void notify_format_reason(
    const struct alert *a, notify_escape_fn escape, struct buf *out);
/*
 * The escalation level when there is one, then label and the due time,
 * and how far due is from now unless the alert is met.
 */
void notify_format_due(
    const struct alert *a, time_t now, const char *label, struct buf *out);
/*
 * "and M more - see URL" for the alerts a digest does not list (M is
 * more; without a URL, "and M more"), as one line.
 */
void notify_format_more(size_t more, const char *url, struct buf *out);
/*
 * 1 if a is a met alert: a digest lists it in one line.  notify_digest_met
 * counts a digest's listed met alerts.
 */
int notify_is_met(const struct alert *a);
size_t notify_digest_met(const struct alert_digest *d);
/* 1 if id is non-empty and made only of [A-Za-z0-9._-]. */
int notify_valid_id(const char *id);
/* The digest's delivery id (its own, or derived), allocated. */
char *notify_digest_id(const struct alert_digest *);
/* 1 if url is https://, or http:// to a loopback host; 0 also for NULL. */
int notify_url_is_allowed(const char *url);

/* Channel defaults (STARTTLS required, NOTIFY_TIMEOUT), for the config. */
void notify_smtp_channel_init(struct smtp_channel *);
void notify_slack_channel_init(struct slack_channel *);
void notify_webhook_channel_init(struct webhook_channel *);

/*
 * Channel constructors: the configuration is copied (the caller keeps its
 * own).  NULL with *cause when it is unusable, e.g. an smtp:// URL to a
 * remote host without require_starttls, or an http:// webhook off loopback.
 */
struct notifier *notify_smtp_new(
    const char *name, const struct smtp_channel *, char **cause);
struct notifier *notify_slack_new(
    const char *name, const struct slack_channel *, char **cause);
struct notifier *notify_webhook_new(
    const char *name, const struct webhook_channel *, char **cause);

/*
 * Pure renderers: no network, disk or clock.  Each appends to *out and
 * returns 0, or -1 with *cause (an invalid id, a message past
 * NOTIFY_MAX_MESSAGE).
 *
 * The mail is RFC 5322 with CRLF line endings and is not dot-stuffed:
 * libcurl escapes a leading "." on upload itself.
 */
int notify_smtp_build_message(const struct alert *, const struct smtp_channel *,
    time_t now, struct buf *out, char **cause);
int notify_smtp_build_digest(const struct alert_digest *,
    const struct smtp_channel *, time_t now, struct buf *out, char **cause);
int notify_slack_build_payload(const struct alert *,
    const struct slack_channel *, time_t now, struct buf *out, char **cause);
int notify_slack_build_digest(const struct alert_digest *,
    const struct slack_channel *, time_t now, struct buf *out, char **cause);
int notify_webhook_build_payload(
    const struct alert *, struct buf *out, char **cause);
int notify_webhook_build_digest(
    const struct alert_digest *, struct buf *out, char **cause);
/* "sha256=<hex HMAC-SHA256 of body under secret>", allocated. */
char *notify_webhook_signature(
    const char *secret, const void *body, size_t len);

/*
 * Classify an HTTP status into *fail; returns 0 for 2xx, -1 otherwise
 * (permanent for 400, 401, 403, 404 and 410 only).
 */
int notify_http_classify(
    long status, long retry_after, struct notify_failure *fail);
struct json_t;
/*
 * For the HTTP channels: serialise root (consumed) compactly into out; -1
 * with *cause set to toolarge when it cannot be encoded or is too large.
 */
int notify_json_dump(
    struct json_t *root, struct buf *out, const char *toolarge, char **cause);
/*
 * For the HTTP channels: make req a POST of its body to url (https, or
 * http to a loopback host) with the headers (NULL-terminated, copied),
 * the URL kept secret, timeout seconds.
 */
void notify_http_prepare(struct notify_request *req, const char *url,
    const char *const *headers, long timeout);
/*
 * Judge a POST: 0 when delivered, or -1 with *fail filled and *cause
 * "NAME: KIND: ..." naming only the URL's host (a 429 with its
 * Retry-After); a network failure is retryable.
 */
int notify_http_judge(const struct notifier *n, const char *url,
    enum http_result, const struct http_response *, const char *why,
    struct notify_failure *fail, char **cause);

#endif
