/*
 * Allocation wrappers that abort on failure.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

/* Allocate size bytes or die. */
void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		fatalx("xmalloc: zero size");
	p = malloc(size);
	if (p == NULL)
		fatal("xmalloc: allocating %zu bytes", size);
	return p;
}

/* Allocate a zeroed array or die. */
void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		fatalx("xcalloc: zero size");
	p = calloc(nmemb, size);
	if (p == NULL)
		fatal("xcalloc: allocating %zu * %zu bytes", nmemb, size);
	return p;
}

/* Resize an array, checking nmemb * size for overflow first. */
void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		fatalx("xreallocarray: zero size");
	if (nmemb > SIZE_MAX / size)
		fatalx("xreallocarray: %zu * %zu overflows", nmemb, size);
	p = realloc(ptr, nmemb * size);
	if (p == NULL)
		fatal("xreallocarray: allocating %zu * %zu bytes", nmemb, size);
	return p;
}

/* Grow an array by one zeroed element and return that element. */
void *
xappend(void *arrayp, size_t *n, size_t size)
{
	void *v;
	char *slot;

	memcpy(&v, arrayp, sizeof v);
	v = xreallocarray(v, *n + 1, size);
	memcpy(arrayp, &v, sizeof v);
	slot = (char *)v + *n * size;
	(*n)++;
	memset(slot, 0, size);
	return slot;
}

/* Duplicate a string or die. */
char *
xstrdup(const char *s)
{
	char *p;

	p = strdup(s);
	if (p == NULL)
		fatal("xstrdup");
	return p;
}

/* Duplicate at most n bytes of a string, always terminated. */
char *
xstrndup(const char *s, size_t n)
{
	char *p;

	p = strndup(s, n);
	if (p == NULL)
		fatal("xstrndup");
	return p;
}

/* Format into a new string or die. */
int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int n;

	n = vasprintf(ret, fmt, ap);
	if (n < 0 || *ret == NULL)
		fatal("xvasprintf");
	return n;
}

/* Format into a new string or die. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

/* Overwrite a secret string with zeroes and free it. */
void
xfree_secret(char *s)
{
	if (s == NULL)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(s, strlen(s));
#else
	memset(s, 0, strlen(s));
#endif
	free(s);
}
