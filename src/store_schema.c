/*
 * The store's schema: the migrations that store_open applies in order
 * (store.c), each in its own transaction.
 */
#include "ccwatch.h"
#include "store_int.h"
#include "store_record.h"

/*
 * Version N of the schema is the first N entries.  Never edit an entry that
 * has shipped; append a new one.  Comments carry no foreign key to bugs so
 * that a cycle may store them in any order.  History keeps one row per
 * changed field; removed and added are NOT NULL so that UNIQUE (where NULLs
 * never collide) makes a repeated insert a no-op.
 */
const char *const store_migrations[] = {
    /* 1: bugs, comments, history, the cursor. */
    "CREATE TABLE bugs ("
    "  id INTEGER PRIMARY KEY,"
    "  summary TEXT, status TEXT, resolution TEXT NOT NULL DEFAULT '',"
    "  is_open INTEGER NOT NULL DEFAULT -1, whiteboard TEXT,"
    "  product TEXT, component TEXT, creator TEXT, assigned_to TEXT,"
    "  creation_time INTEGER NOT NULL DEFAULT 0,"
    "  last_change_time INTEGER NOT NULL DEFAULT 0,"
    "  comment_count INTEGER NOT NULL DEFAULT -1,"
    "  cc TEXT NOT NULL DEFAULT '[]', \"groups\" TEXT NOT NULL DEFAULT '[]',"
    "  keywords TEXT NOT NULL DEFAULT '[]',"
    "  flags TEXT NOT NULL DEFAULT '[]',"
    "  fetched_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE comments ("
    "  id INTEGER PRIMARY KEY, bug_id INTEGER NOT NULL,"
    "  count INTEGER NOT NULL DEFAULT 0, creator TEXT,"
    "  time INTEGER NOT NULL DEFAULT 0, text TEXT,"
    "  is_private INTEGER NOT NULL DEFAULT 0,"
    "  tags TEXT NOT NULL DEFAULT '[]');"
    "CREATE INDEX comments_bug_time ON comments (bug_id, time);"
    "CREATE TABLE history ("
    "  bug_id INTEGER NOT NULL, time INTEGER NOT NULL,"
    "  who TEXT NOT NULL, field TEXT NOT NULL,"
    "  removed TEXT NOT NULL, added TEXT NOT NULL,"
    "  UNIQUE (bug_id, time, who, field, removed, added));"
    "CREATE TABLE sync_state ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  db_time INTEGER NOT NULL DEFAULT 0,"
    "  last_full INTEGER NOT NULL DEFAULT 0,"
    "  last_sync INTEGER NOT NULL DEFAULT 0,"
    "  last_attempt INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT);"
    "INSERT INTO sync_state (id) VALUES (1);",
    /* 2: the operator's "not a question" marks on comments. */
    "CREATE TABLE question_overrides ("
    "  bug_id INTEGER NOT NULL, comment_id INTEGER NOT NULL,"
    "  not_question INTEGER NOT NULL DEFAULT 1,"
    "  set_at INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (bug_id, comment_id));",
    /*
     * 3: the alerts module's tables (see alerts.h): the state of every
     * clock instance last seen and last notified, the ledger of alerts
     * (one row per id, so an alert never fires twice), the outbox (one row
     * per delivery and channel), snoozes, and the digests already made.
     */
    "CREATE TABLE alert_clocks ("
    "  bug_id INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  started_at INTEGER NOT NULL, due INTEGER NOT NULL,"
    "  state TEXT NOT NULL, level INTEGER NOT NULL DEFAULT 0,"
    "  notified_state TEXT NOT NULL DEFAULT '',"
    "  notified_level INTEGER NOT NULL DEFAULT 0,"
    "  notified_at INTEGER NOT NULL DEFAULT 0,"
    "  acked_state TEXT NOT NULL DEFAULT '',"
    "  acked_level INTEGER NOT NULL DEFAULT 0,"
    "  acked_at INTEGER NOT NULL DEFAULT 0,"
    "  seen_at INTEGER NOT NULL DEFAULT 0,"
    "  payload TEXT,"
    "  PRIMARY KEY (bug_id, kind, started_at, due));"
    "CREATE TABLE alerts ("
    "  id TEXT PRIMARY KEY, bug_id INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  started_at INTEGER NOT NULL, due INTEGER NOT NULL,"
    "  state TEXT NOT NULL, level INTEGER NOT NULL,"
    "  route TEXT NOT NULL DEFAULT '', seq INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL, dry_run INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (bug_id, kind, started_at, due, state, level, route, seq));"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY, delivery_id TEXT NOT NULL,"
    "  channel TEXT NOT NULL, route TEXT NOT NULL,"
    "  digest INTEGER NOT NULL DEFAULT 0, payload TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'pending',"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL, ready_at INTEGER NOT NULL,"
    "  next_attempt INTEGER NOT NULL, held INTEGER NOT NULL DEFAULT 0,"
    "  sent_at INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
    "  UNIQUE (delivery_id, channel));"
    "CREATE INDEX outbox_due ON outbox (status, next_attempt);"
    "CREATE TABLE snoozes ("
    "  bug_id INTEGER NOT NULL, kind TEXT NOT NULL DEFAULT '',"
    "  until INTEGER NOT NULL, reason TEXT NOT NULL,"
    "  set_at INTEGER NOT NULL, PRIMARY KEY (bug_id, kind));"
    "CREATE TABLE alert_digests ("
    "  route TEXT NOT NULL, day TEXT NOT NULL, made_at INTEGER NOT NULL,"
    "  PRIMARY KEY (route, day));",
    /*
     * 4: an instance's transitions so far (an alert's id is numbered by
     * them, so a state reached again is a new alert), why a met alert was
     * met, and each channel's last success and failure.
     */
    "ALTER TABLE alert_clocks ADD COLUMN transitions INTEGER NOT NULL"
    "  DEFAULT 0;"
    "UPDATE alert_clocks SET transitions = (SELECT count(*) FROM alerts a"
    "  WHERE a.bug_id = alert_clocks.bug_id AND a.kind = alert_clocks.kind"
    "  AND a.started_at = alert_clocks.started_at"
    "  AND a.due = alert_clocks.due AND a.route = '');"
    "CREATE TABLE alerts4 ("
    "  id TEXT PRIMARY KEY, bug_id INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  started_at INTEGER NOT NULL, due INTEGER NOT NULL,"
    "  episode INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL, level INTEGER NOT NULL,"
    "  route TEXT NOT NULL DEFAULT '', seq INTEGER NOT NULL DEFAULT 0,"
    "  created INTEGER NOT NULL, dry_run INTEGER NOT NULL DEFAULT 0,"
    "  reason TEXT,"
    "  UNIQUE (bug_id, kind, started_at, due, episode, state, level,"
    "  route, seq));"
    "INSERT INTO alerts4 (id, bug_id, kind, started_at, due, state, level,"
    "  route, seq, created, dry_run) SELECT id, bug_id, kind, started_at,"
    "  due, state, level, route, seq, created, dry_run FROM alerts;"
    "DROP TABLE alerts;"
    "ALTER TABLE alerts4 RENAME TO alerts;"
    "CREATE TABLE channel_health ("
    "  channel TEXT PRIMARY KEY,"
    "  last_success INTEGER NOT NULL DEFAULT 0,"
    "  last_failure INTEGER NOT NULL DEFAULT 0,"
    "  failures INTEGER NOT NULL DEFAULT 0, last_error TEXT);",
    /* 5: the track record's tables (store_record.c). */
    store_record_schema,
    /*
     * 6: what Bugzilla no longer shows: a bug hidden from the key or moved
     * out of the watched components ("gone" names why; '' while tracked),
     * and comments that vanished or turned private for the key.
     */
    "ALTER TABLE bugs ADD COLUMN gone TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE comments ADD COLUMN vanished INTEGER NOT NULL DEFAULT 0;",
    /*
     * 7: when the send of an outbox row began, written before the send and
     * cleared with its outcome: a pending row that still has one after a
     * restart may have gone out (docs/DESIGN.md, delivery contract).
     */
    "ALTER TABLE outbox ADD COLUMN claimed_at INTEGER NOT NULL DEFAULT 0;",
};
const int store_nmigrations = (int)CCWATCH_NELEM(store_migrations);

/* The version of the SQLite library in use; see store.h. */
const char *
store_sqlite_version(void)
{
	return sqlite3_libversion();
}
