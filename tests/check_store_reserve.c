/*
 * Tests of the store's reserve (src/store_reserve.c): the file it keeps
 * beside the store, its release when the mark of a sent delivery meets a
 * full disk, the pause while it is spent, its return, and the files it
 * leaves alone; the claim written before each send, which tells a delivery
 * that may have gone out from one never sent.  A full disk is an SQLite VFS
 * over the default one whose writes fail with SQLITE_FULL while disk_full is
 * set, until the reserve file is emptied (which gives the disk its room back).
 */
#include <check.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "alerts_fixture.h"
#include "notify_record.h"
#include "store.h"
#include "store_int.h" /* store_reserve_fill */
#include "testutil.h"
#include "timeutil.h"
#include "vfs_fixture.h"
#include "xmalloc.h"

#define KIB 1024

static int disk_full;
/* 1: the disk fills while the record channel sends (after the claim). */
static int fill_on_send;
static const struct notifier_ops *record_ops;
static struct notifier_ops fill_ops;

/* The size of the file at path, -1 when there is none (lstat). */
static long long
file_size(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == -1 ? -1 : (long long)sb.st_size;
}

/* The test store's reserve file (allocated). */
static char *
reserve_path(void)
{
	char *p;

	xasprintf(&p, "%s.reserve", test_path);
	return p;
}

/* A write: refused as on a full disk until the reserve is emptied. */
static int
full_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	char *p;
	int room = 1;

	if (disk_full && test_path != NULL) {
		p = reserve_path();
		room = file_size(p) == 0;
		free(p);
	}
	if (!room)
		return SQLITE_FULL;
	return vfs_fixture_real(f)->xWrite(f, buf, n, off);
}

/* Route the writes of every file the default VFS opens above. */
static void
full_patch(sqlite3_io_methods *io)
{
	io->xWrite = full_write;
}

/* Send through the record channel, filling the disk first if asked. */
static int
fill_send(struct notifier *n, const struct alert *a,
    struct notify_failure *fail, char **cause)
{
	if (fill_on_send)
		disk_full = 1;
	return record_ops->send(n, a, fail, cause);
}

/* Make the record channel n fill the disk as it sends. */
static void
fill_when_sending(struct notifier *n)
{
	record_ops = n->ops;
	fill_ops = *n->ops;
	fill_ops.send = fill_send;
	n->ops = &fill_ops;
	fill_on_send = 1;
}

/* Outbox rows of a status. */
static long long
outbox(const char *status)
{
	char *sql;
	long long v;

	xasprintf(
	    &sql, "SELECT count(*) FROM outbox WHERE status = '%s'", status);
	v = afix_query(sql);
	free(sql);
	return v;
}

/* Queue the overdue alerts of bugs 1 and 2, sending nothing yet. */
static struct notifier *
two_queued(void)
{
	struct alerts_stats s;
	struct notifier *n;
	char *cause = NULL;

	afix_add_route("all", "rec", "initial-report");
	n = afix_start("rec");
	afix_put_bug(1, "Example CA", "example-ca.test", T0);
	afix_put_bug(2, "Example CA", "example-ca.test", T0);
	memset(&s, 0, sizeof s);
	timeutil_set_now(T0 + 73 * H);
	ck_assert_msg(alerts_evaluate(test_al, test_st, &test_people,
			  &test_opts, T0 + 73 * H, &s, &cause) == 0,
	    "%s", cause);
	ck_assert_int_eq(outbox("pending"), 2);
	return n;
}

/* Deliver at T0 + 73 h; the result, with *cause freed. */
static int
deliver(const char *want)
{
	struct alerts_stats s;
	char *cause = NULL;
	int rc;

	memset(&s, 0, sizeof s);
	rc = alerts_deliver(test_al, test_st, T0 + 73 * H, &s, &cause);
	if (want != NULL) {
		ck_assert_ptr_nonnull(cause);
		ck_assert_msg(strstr(cause, want) != NULL, "%s", cause);
	} else
		ck_assert_msg(rc == 0, "%s", cause);
	free(cause);
	return rc;
}

START_TEST(test_reserve_made)
{
	struct stat sb;
	char *p = reserve_path();

	ck_assert_int_eq(
	    store_reserve_inspect(test_path, 256 * KIB), STORE_RESERVE_OFF);
	ck_assert_int_eq(
	    store_reserve_set(test_st, 256 * KIB), STORE_RESERVE_READY);
	ck_assert_int_eq(store_reserve_size(test_st), 256 * KIB);
	ck_assert_int_eq(lstat(p, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(sb.st_size, 256 * KIB);
	/* Preallocated: blocks, not a hole. */
	ck_assert_int_ge((long long)sb.st_blocks * 512, 256 * KIB);
	ck_assert_int_eq(
	    store_reserve_inspect(test_path, 256 * KIB), STORE_RESERVE_READY);
	ck_assert_int_eq(
	    store_reserve_inspect(test_path, 512 * KIB), STORE_RESERVE_SPENT);
	ck_assert_int_eq(
	    store_reserve_inspect(test_path, 0), STORE_RESERVE_OFF);
	/* A smaller size shrinks it, a larger one grows it. */
	ck_assert_int_eq(
	    store_reserve_set(test_st, 64 * KIB), STORE_RESERVE_READY);
	ck_assert_int_eq(file_size(p), 64 * KIB);
	ck_assert_int_eq(
	    store_reserve_set(test_st, 128 * KIB), STORE_RESERVE_READY);
	ck_assert_int_eq(file_size(p), 128 * KIB);
	/* None kept: the file is left as it is, never removed. */
	ck_assert_int_eq(store_reserve_set(test_st, 0), STORE_RESERVE_OFF);
	ck_assert_int_eq(store_reserve_size(test_st), 0);
	ck_assert_int_eq(file_size(p), 128 * KIB);
	free(p);
}
END_TEST

START_TEST(test_memory_and_readonly_keep_none)
{
	struct store *st;
	char *cause = NULL, *p = reserve_path();

	st = store_open(":memory:", &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	ck_assert_int_eq(store_reserve_set(st, 256 * KIB), STORE_RESERVE_OFF);
	store_close(st);
	st = store_open_readonly(test_path, &cause);
	ck_assert_msg(st != NULL, "%s", cause);
	ck_assert_int_eq(store_reserve_set(st, 256 * KIB), STORE_RESERVE_OFF);
	store_close(st);
	ck_assert_int_eq(file_size(p), -1);
	free(p);
}
END_TEST

/*
 * The disk fills while the first delivery is sent: it is marked with the
 * reserve's room, and nothing more starts.  After a restart the reserve
 * comes back (the disk has room for it), and the disk fills again while
 * the second delivery is sent, which spends it the same way: each alert
 * once.
 */
START_TEST(test_mark_spends_reserve)
{
	struct notifier *n = two_queued();
	char *p = reserve_path();

	ck_assert_int_eq(
	    store_reserve_set(test_st, 256 * KIB), STORE_RESERVE_READY);
	fill_when_sending(n);
	deliver(NULL);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(outbox("sent"), 1);
	ck_assert_int_eq(outbox("pending"), 1);
	ck_assert_int_eq(file_size(p), 0);
	ck_assert_int_eq(store_reserve_state(test_st), STORE_RESERVE_SPENT);
	ck_assert_int_eq(
	    store_reserve_inspect(test_path, 256 * KIB), STORE_RESERVE_SPENT);

	disk_full = 0;
	n = afix_restart("rec");
	ck_assert_int_eq(
	    store_reserve_set(test_st, 256 * KIB), STORE_RESERVE_READY);
	ck_assert_int_eq(file_size(p), 256 * KIB);
	fill_when_sending(n);
	deliver(NULL);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(outbox("sent"), 2);
	ck_assert_int_eq(file_size(p), 0);

	/* Room again: the reserve returns and nothing is sent twice. */
	fill_on_send = 0;
	disk_full = 0;
	deliver(NULL);
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(store_reserve_state(test_st), STORE_RESERVE_READY);
	ck_assert_int_eq(file_size(p), 256 * KIB);
	free(p);
}
END_TEST

/*
 * A disk without room for the reserve (one far larger than any disk):
 * the file is made empty, and delivery pauses, saying why, until the
 * reserve fits.
 */
START_TEST(test_no_room_pauses)
{
	struct notifier *n = two_queued();
	char *p = reserve_path();

	ck_assert_int_eq(
	    store_reserve_set(test_st, 1LL << 60), STORE_RESERVE_SPENT);
	ck_assert_int_eq(file_size(p), 0);
	ck_assert_int_eq(
	    deliver("delivery paused: the store's disk is full"), -1);
	ck_assert_uint_eq(notify_record_count(n), 0);
	ck_assert_int_eq(outbox("pending"), 2);
	ck_assert_int_eq(
	    store_reserve_set(test_st, 64 * KIB), STORE_RESERVE_READY);
	deliver(NULL);
	ck_assert_uint_eq(notify_record_count(n), 2);
	ck_assert_int_eq(outbox("sent"), 2);
	free(p);
}
END_TEST

/*
 * A mark refused for another reason than a full disk keeps the reserve:
 * the last resort (the mark kept in memory) handles it.
 */
START_TEST(test_other_error_keeps_reserve)
{
	struct notifier *n = two_queued();
	char *p = reserve_path();

	ck_assert_int_eq(
	    store_reserve_set(test_st, 64 * KIB), STORE_RESERVE_READY);
	ck_assert_int_eq(sqlite3_exec(store_sqlite(test_st),
			     "CREATE TEMP TRIGGER refuse BEFORE UPDATE OF "
			     "status ON outbox BEGIN SELECT RAISE(ABORT, "
			     "'refused'); END",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	deliver("refused");
	ck_assert_uint_eq(notify_record_count(n), 1);
	ck_assert_int_eq(file_size(p), 64 * KIB);
	ck_assert_int_eq(store_reserve_state(test_st), STORE_RESERVE_READY);
	deliver("delivery paused: 1 sent deliveries cannot be marked");
	ck_assert_uint_eq(notify_record_count(n), 1);
	free(p);
}
END_TEST

/*
 * A disk already full when a delivery is due: its claim is refused, so
 * nothing is sent and the reserve is kept for a mark.
 */
START_TEST(test_full_before_send_sends_nothing)
{
	struct notifier *n = two_queued();
	char *p = reserve_path();

	ck_assert_int_eq(
	    store_reserve_set(test_st, 64 * KIB), STORE_RESERVE_READY);
	disk_full = 1;
	deliver("claim a delivery: database or disk is full");
	ck_assert_uint_eq(notify_record_count(n), 0);
	ck_assert_int_eq(file_size(p), 64 * KIB);
	ck_assert_int_eq(outbox("pending"), 2);
	disk_full = 0;
	deliver(NULL);
	ck_assert_uint_eq(notify_record_count(n), 2);
	free(p);
}
END_TEST

/*
 * A mark lost with the process (kept in memory, then a restart): the
 * claim tells the row that may have gone out from the one never sent, and
 * its second send, with the same delivery id, is logged.  Every mark
 * clears the claim.
 */
START_TEST(test_claim_tells_maybe_sent)
{
	struct notifier *n = two_queued();
	char *first;

	ck_assert_int_eq(sqlite3_exec(store_sqlite(test_st),
			     "CREATE TEMP TRIGGER refuse BEFORE UPDATE OF "
			     "status ON outbox BEGIN SELECT RAISE(ABORT, "
			     "'refused'); END",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	deliver("refused");
	ck_assert_uint_eq(notify_record_count(n), 1);
	first = xstrdup(notify_record_get(n, 0)->id);
	ck_assert_int_eq(afix_query("SELECT count(*) FROM outbox WHERE"
				    " status = 'pending' AND claimed_at > 0"),
	    1);
	n = afix_restart("rec"); /* the temporary trigger goes too */
	testutil_log_begin();
	deliver(NULL);
	ck_assert_int_eq(testutil_log_count("may have gone out"), 1);
	ck_assert_int_eq(testutil_log_count(first), 2); /* warned, sent */
	testutil_log_end();
	ck_assert_uint_eq(notify_record_count(n), 2);
	ck_assert_str_eq(notify_record_get(n, 0)->id, first);
	ck_assert_int_eq(outbox("sent"), 2);
	ck_assert_int_eq(
	    afix_query("SELECT count(*) FROM outbox WHERE claimed_at > 0"), 0);
	free(first);
}
END_TEST

/* What sits at PATH.reserve and is not ccwatch's file is left alone. */
START_TEST(test_others_left_alone)
{
	char *p = reserve_path(), *victim;
	char buf[16];
	int fd;

	xasprintf(&victim, "%s/victim", test_dir);
	fd = open(victim, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "keep", 4), 4);
	close(fd);
	ck_assert_int_eq(symlink(victim, p), 0);
	ck_assert_int_eq(
	    store_reserve_set(test_st, 64 * KIB), STORE_RESERVE_OFF);
	disk_full = 1;
	ck_assert_int_eq(store_reserve_release_if_full(test_st), 0);
	disk_full = 0;
	fd = open(victim, O_RDONLY);
	ck_assert_int_eq(read(fd, buf, sizeof buf), 4);
	close(fd);
	ck_assert_int_eq(memcmp(buf, "keep", 4), 0);
	ck_assert_int_eq(unlink(p), 0);
	/* A directory is not a reserve either. */
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(
	    store_reserve_set(test_st, 64 * KIB), STORE_RESERVE_OFF);
	ck_assert_int_eq(
	    store_reserve_inspect(test_path, 64 * KIB), STORE_RESERVE_OFF);
	ck_assert_int_eq(rmdir(p), 0);
	/* Nor is a FIFO, which must not block the daemon either. */
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	ck_assert_int_eq(
	    store_reserve_set(test_st, 64 * KIB), STORE_RESERVE_OFF);
	ck_assert_int_eq(unlink(p), 0);
	/* Nor is another user's file (made as root, as CI runs). */
	if (geteuid() == 0) {
		testutil_write_file(p, "keep");
		ck_assert_int_eq(chown(p, 65534, 65534), 0);
		ck_assert_int_eq(
		    store_reserve_set(test_st, 64 * KIB), STORE_RESERVE_OFF);
		disk_full = 1;
		ck_assert_int_eq(store_reserve_release_if_full(test_st), 0);
		disk_full = 0;
		ck_assert_int_eq(file_size(p), 4);
		ck_assert_int_eq(unlink(p), 0);
	}
	free(victim);
	free(p);
}
END_TEST

/* Where posix_fallocate cannot, zeros fill the file to its size. */
START_TEST(test_fill_with_zeros)
{
	struct stat sb;
	char *p, buf[4096];
	ssize_t i, r;
	int fd;

	xasprintf(&p, "%s/zeros", test_dir);
	fd = open(p, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(store_reserve_fill(fd, 200000, 1), 0);
	ck_assert_int_eq(fstat(fd, &sb), 0);
	ck_assert_int_eq(sb.st_size, 200000);
	ck_assert_int_ge((long long)sb.st_blocks * 512, 200000);
	r = pread(fd, buf, sizeof buf, 200000 - (off_t)sizeof buf);
	ck_assert_int_eq(r, (ssize_t)sizeof buf);
	for (i = 0; i < r; i++)
		ck_assert_int_eq(buf[i], 0);
	close(fd);
	free(p);
}
END_TEST

static Suite *
store_reserve_suite(void)
{
	Suite *s = suite_create("store reserve");
	TCase *tc;

	tc = tcase_create("reserve");
	tcase_add_checked_fixture(tc, afix_setup, afix_teardown);
	tcase_add_test(tc, test_reserve_made);
	tcase_add_test(tc, test_memory_and_readonly_keep_none);
	tcase_add_test(tc, test_mark_spends_reserve);
	tcase_add_test(tc, test_no_room_pauses);
	tcase_add_test(tc, test_other_error_keeps_reserve);
	tcase_add_test(tc, test_full_before_send_sends_nothing);
	tcase_add_test(tc, test_claim_tells_maybe_sent);
	tcase_add_test(tc, test_others_left_alone);
	tcase_add_test(tc, test_fill_with_zeros);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	vfs_fixture_register("ccwatch-test-full", full_patch);
	sr = srunner_create(store_reserve_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
