/*
 * The "record" channel: a fake notifier for the tests of the alerts and
 * notify modules.  It records what it was asked to send, instead of
 * touching the network, and can be told to fail the next sends.
 */
#ifndef NOTIFY_RECORD_H
#define NOTIFY_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "notify.h"

struct notify_record {
	int digest;     /* 1 for a digest */
	char *id;       /* the alert's id, or the digest's delivery id */
	int64_t bug_id; /* of the alert, or of a digest's first item */
	char *clock;
	char *state;
	int level;
	char *ca;          /* of the alert, NULL for none or a digest */
	int late;          /* of a met alert */
	long long late_by; /* seconds */
	char *recipient;   /* digests only */
	size_t nitems;     /* 1, or a digest's count */
	char *reason_kind; /* of a met alert, or NULL */
	char *reason;      /* its words, or NULL */
	size_t more;       /* a digest's alerts not listed */
	int more_url;      /* 1 if the digest points at where they are */
};

struct notifier *notify_record_new(const char *name);
/* Sends accepted so far, and one of them (borrowed). */
size_t notify_record_count(struct notifier *);
const struct notify_record *notify_record_get(struct notifier *, size_t i);
/* Fail the next count sends with the given failure (not recorded). */
void notify_record_fail_next(
    struct notifier *, int count, int retryable, long retry_after);
/* Sends attempted, failed ones included. */
size_t notify_record_attempts(struct notifier *);

#endif
