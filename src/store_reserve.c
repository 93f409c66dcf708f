/*
 * The store's reserve: a preallocated file PATH.reserve beside the store
 * that holds back [store] reserve_kib of the disk.  When the disk fills
 * after a delivery went out, the write that records it fails with
 * SQLITE_FULL; the reserve is then emptied (truncated to 0, never
 * unlinked: a file still open elsewhere would keep its blocks) and the
 * write tried once more, so the mark lands on disk and survives a
 * restart.  While the reserve is empty the daemon starts no send; each
 * delivery run tries to fill it again and does so once the disk has room
 * for the reserve and as much again.
 *
 * The file's size is its state: ccwatch only ever fills it whole or
 * empties it.  (On a compressing file system, ZFS or btrfs with compress,
 * the zeros written where posix_fallocate cannot preallocate take no room,
 * so there the reserve holds nothing back.)
 *
 * ccwatch touches no other file here: the reserve is opened O_NOFOLLOW,
 * and a path that is not a regular file of this user is left alone (the
 * store then keeps no reserve, and says so).
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "xmalloc.h"

/* Bytes written at a time when the file system cannot preallocate. */
#define STORE_RESERVE_CHUNK ((size_t)64 * 1024)

/* 1 if sb is a regular file this user owns (never a link: lstat/fstat). */
static int
store_reserve_ours(const struct stat *sb)
{
	return S_ISREG(sb->st_mode) && sb->st_uid == geteuid();
}

/*
 * Fill fd with size bytes: preallocated with posix_fallocate, or, where
 * the file system cannot (zeros forces it), written with zeros.  Returns 0,
 * or an errno value (ENOSPC: the disk has no room).
 */
int
store_reserve_fill(int fd, long long size, int zeros)
{
	static const char chunk[STORE_RESERVE_CHUNK];
	long long off = 0;
	ssize_t w;
	size_t len;
	int rc;

	if (!zeros) {
		rc = posix_fallocate(fd, 0, (off_t)size);
		if (rc == 0 || rc == ENOSPC || rc == EFBIG)
			return rc;
	}
	while (off < size) {
		len = (unsigned long long)(size - off) < STORE_RESERVE_CHUNK
		    ? (size_t)(size - off)
		    : STORE_RESERVE_CHUNK;
		w = pwrite(fd, chunk, len, (off_t)off);
		if (w <= 0)
			return w == 0 ? ENOSPC : errno;
		off += w;
	}
	/* Delayed allocation may only find the disk full at the flush. */
	return fdatasync(fd) == -1 ? errno : 0;
}

/* Free bytes an unprivileged writer may use in the store's directory. */
static long long
store_reserve_free(const char *path)
{
	struct statvfs sv;

	if (statvfs(path, &sv) == -1)
		return -1;
	return (long long)sv.f_bavail * (long long)sv.f_frsize;
}

/*
 * Open the reserve file for writing, creating it with mode 0600; -1 when
 * the path holds something else (a link, a directory, another's file).
 */
static int
store_reserve_open(struct store *st, struct stat *sb)
{
	int fd;

	fd = open(st->reserve_path,
	    O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
	    0600);
	if (fd == -1) {
		log_warn("store: %s: the reserve cannot be opened; none is "
			 "kept",
		    st->reserve_path);
		return -1;
	}
	if (fstat(fd, sb) == -1 || !store_reserve_ours(sb)) {
		log_warnx("store: %s: not a regular file of this user: left "
			  "alone, no reserve is kept",
		    st->reserve_path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Empty the open reserve file; 0 or -1 (logged). */
static int
store_reserve_empty(struct store *st, int fd)
{
	if (ftruncate(fd, 0) == -1) {
		log_warn("store: %s: truncate", st->reserve_path);
		return -1;
	}
	return 0;
}

/*
 * Bring the reserve file to its size if the disk has room for it and as
 * much again; see store.h.
 */
enum store_reserve_state
store_reserve_refill(struct store *st)
{
	struct stat sb;
	long long have, avail;
	int fd, rc;

	if (st->reserve_size <= 0 || st->reserve_path == NULL)
		return st->reserve_state = STORE_RESERVE_OFF;
	fd = store_reserve_open(st, &sb);
	if (fd == -1)
		return st->reserve_state = STORE_RESERVE_OFF;
	have = (long long)sb.st_size;
	if (have >= st->reserve_size) {
		if (sb.st_size > st->reserve_size &&
		    ftruncate(fd, (off_t)st->reserve_size) == -1)
			log_warn("store: %s: truncate", st->reserve_path);
		close(fd);
		if (st->reserve_state == STORE_RESERVE_SPENT)
			log_info("store: %s: the disk has room again: the "
				 "reserve of %lld bytes is back",
			    st->reserve_path, st->reserve_size);
		return st->reserve_state = STORE_RESERVE_READY;
	}
	avail = store_reserve_free(st->reserve_path);
	rc = ENOSPC;
	if (avail >= 2 * st->reserve_size - have)
		rc = store_reserve_fill(fd, st->reserve_size, 0);
	if (rc != 0)
		(void)store_reserve_empty(st, fd);
	close(fd);
	if (rc != 0 && rc != ENOSPC)
		log_warnx("store: %s: the reserve cannot be written: %s",
		    st->reserve_path, strerror(rc));
	else if (rc != 0 && st->reserve_state != STORE_RESERVE_SPENT)
		log_warnx("store: %s: no room on the disk for the reserve of "
			  "%lld bytes: no delivery starts until there is",
		    st->reserve_path, st->reserve_size);
	if (rc != 0)
		return st->reserve_state = STORE_RESERVE_SPENT;
	if (st->reserve_state == STORE_RESERVE_SPENT)
		log_info("store: %s: reserve of %lld bytes back: the disk has "
			 "room again",
		    st->reserve_path, st->reserve_size);
	else
		log_info("store: %s: reserve of %lld bytes in place",
		    st->reserve_path, st->reserve_size);
	return st->reserve_state = STORE_RESERVE_READY;
}

/* Keep a reserve of size bytes beside the store (0: none); see store.h. */
enum store_reserve_state
store_reserve_set(struct store *st, long long size)
{
	const char *path = store_path(st);

	if (strcmp(path, ":memory:") == 0 || *path == '\0' || st->readonly)
		size = 0;
	st->reserve_size = size > 0 ? size : 0;
	if (st->reserve_path == NULL && size > 0)
		xasprintf(&st->reserve_path, "%s.reserve", path);
	return store_reserve_refill(st);
}

/* The reserve's state as last seen. */
enum store_reserve_state
store_reserve_state(struct store *st)
{
	return st->reserve_state;
}

/* The reserve's size in bytes (0: none kept). */
long long
store_reserve_size(struct store *st)
{
	return st->reserve_state == STORE_RESERVE_OFF ? 0 : st->reserve_size;
}

/* After a failed write: release the reserve if the disk is full. */
int
store_reserve_release_if_full(struct store *st)
{
	struct stat sb;
	int fd;

	if (sqlite3_errcode(st->db) != SQLITE_FULL ||
	    st->reserve_state != STORE_RESERVE_READY)
		return 0;
	st->reserve_state = STORE_RESERVE_SPENT;
	fd = open(st->reserve_path,
	    O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1 || fstat(fd, &sb) == -1 || !store_reserve_ours(&sb) ||
	    store_reserve_empty(st, fd) == -1) {
		log_warnx("store: %s: DISK FULL and the reserve cannot be "
			  "released",
		    st->reserve_path);
		if (fd != -1)
			close(fd);
		return 0;
	}
	close(fd);
	log_event(LOG_CRIT,
	    &(struct log_fields){.event = "store-reserve-released"},
	    "store: %s: DISK FULL: the reserve of %lld bytes was released "
	    "to record a sent delivery; no delivery starts until the disk "
	    "has room for the reserve again",
	    st->reserve_path, st->reserve_size);
	return 1;
}

/* What a reserve file of size bytes at path tells; see store.h. */
enum store_reserve_state
store_reserve_inspect(const char *path, long long size)
{
	struct stat sb;
	char *reserve;
	int rc;

	if (size <= 0)
		return STORE_RESERVE_OFF;
	xasprintf(&reserve, "%s.reserve", path);
	rc = lstat(reserve, &sb);
	free(reserve);
	if (rc == -1 || !S_ISREG(sb.st_mode))
		return STORE_RESERVE_OFF;
	return (long long)sb.st_size >= size ? STORE_RESERVE_READY
					     : STORE_RESERVE_SPENT;
}
