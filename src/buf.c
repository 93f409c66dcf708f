/*
 * A growable byte buffer with a hard maximum.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

/* Start an empty buffer bounded by max bytes. */
void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

/* Release the storage of a buffer; it may be reused after buf_init. */
void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->toobig = 0;
}

/* Empty a buffer but keep its storage. */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->toobig = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Append n bytes, growing geometrically up to the maximum. */
int
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t need, cap;

	if (n > b->max || b->len > b->max - n) {
		b->toobig = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need > b->cap) {
		cap = b->cap == 0 ? 256 : b->cap;
		while (cap < need)
			cap *= 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		b->data = xreallocarray(b->data, cap, 1);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/* Append a NUL-terminated string. */
int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* Append one byte. */
int
buf_addch(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

/* Append formatted text. */
int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	rc = buf_addstr(b, s);
	free(s);
	return rc;
}

/* Append s with every byte but A-Z a-z 0-9 - . _ ~ as %XX. */
int
buf_add_escaped(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char pct[3];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			if (buf_addch(b, (char)*p) == -1)
				return -1;
			continue;
		}
		pct[0] = '%';
		pct[1] = hex[*p >> 4];
		pct[2] = hex[*p & 0xf];
		if (buf_add(b, pct, sizeof pct) == -1)
			return -1;
	}
	return 0;
}

/* Return the contents as a string; never NULL. */
const char *
buf_str(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

/* Give the contents to the caller and leave the buffer empty. */
char *
buf_detach(struct buf *b)
{
	char *p;

	p = b->data != NULL ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	b->toobig = 0;
	return p;
}
