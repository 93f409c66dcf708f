/*
 * Allocation wrappers that abort on failure: the daemon cannot do useful work
 * without memory and systemd restarts it.
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

#include "ccwatch.h"

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
/*
 * Append one zeroed element of size bytes to the array *arrayp (a pointer
 * to the array's pointer) of *n elements, counting it in *n; returns it.
 */
void *xappend(void *arrayp, size_t *n, size_t size);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...) CCWATCH_PRINTF(2, 3);
int xvasprintf(char **, const char *, va_list) CCWATCH_PRINTF(2, 0);
/* Zero a secret before freeing it; accepts NULL. */
void xfree_secret(char *);

#endif
