/*
 * The sample the notify test programs share: an overdue full-report alert
 * with a non-ASCII summary, at the demo corpus's anchor time, and a bug
 * text that tries to inject mail headers.
 */
#ifndef NOTIFY_FIXTURE_H
#define NOTIFY_FIXTURE_H

#include "notify.h"

/* 2026-03-13T12:00:00Z, the demo corpus's anchor. */
#define NOW     1773403200
#define HOSTILE "x\r\nBcc: evil@example.net\r\n\r\nbody"

struct alert nfix_alert_sample(void);

#endif
