/*
 * A growable byte buffer with a hard maximum, always NUL-terminated.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

#include "ccwatch.h"

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* appends beyond this fail */
	int toobig; /* set once an append failed */
};

/* Start an empty buffer that may grow to max bytes (not counting the NUL). */
void buf_init(struct buf *, size_t max);
void buf_free(struct buf *);
void buf_reset(struct buf *);
/* Append n bytes; returns 0, or -1 and sets toobig past the maximum. */
int buf_add(struct buf *, const void *, size_t);
int buf_addstr(struct buf *, const char *);
int buf_addch(struct buf *, char);
int buf_printf(struct buf *, const char *, ...) CCWATCH_PRINTF(2, 3);
/*
 * Append s URL-encoded (RFC 3986): the unreserved characters as they are,
 * every other byte as %XX.  0, or -1 past the maximum.
 */
int buf_add_escaped(struct buf *, const char *s);
/* The contents, NUL-terminated ("" when empty); borrowed. */
const char *buf_str(const struct buf *);
/* Hand the contents to the caller (who frees them) and reset the buffer. */
char *buf_detach(struct buf *);

#endif
