/*
 * A bump allocator released all at once, and jansson's allocations of one
 * json_loadb made in it.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "arena.h"
#include "log.h"
#include "xmalloc.h"

/* The first chunk's size; each next one doubles, up to ARENA_CHUNK_MAX. */
#define ARENA_CHUNK_MIN ((size_t)64 * 1024)
#define ARENA_CHUNK_MAX ((size_t)1024 * 1024)
/* What every allocation is aligned to. */
#define ARENA_ALIGN alignof(max_align_t)

/* One block of memory handed out front to back. */
struct arena_chunk {
	struct arena_chunk *next; /* the one filled before this */
	size_t size;              /* bytes of data */
	size_t used;              /* bytes of data handed out */
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct arena_chunk *head; /* the chunk being filled */
	size_t next;              /* the size of the next chunk */
	size_t used;              /* bytes handed out, all chunks */
	size_t held;              /* bytes of data in all chunks */
};

/* The arena jansson allocates in on this thread, or NULL for malloc. */
static _Thread_local struct arena *arena_json;

/* Create an empty arena. */
struct arena *
arena_new(void)
{
	struct arena *a;

	a = xcalloc(1, sizeof *a);
	a->next = ARENA_CHUNK_MIN;
	return a;
}

/* Start a new chunk that holds at least n bytes. */
static void
arena_grow(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t size = a->next;

	if (size < n)
		size = n;
	if (size > SIZE_MAX - sizeof *c)
		fatalx("arena: allocating %zu bytes", n);
	c = xmalloc(sizeof *c + size);
	c->size = size;
	c->used = 0;
	c->next = a->head;
	a->head = c;
	a->held += size;
	if (a->next < ARENA_CHUNK_MAX)
		a->next *= 2;
}

/* Hand out n bytes from the current chunk, starting a new one if needed. */
void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	void *p;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		fatalx("arena: allocating %zu bytes", n);
	n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (c == NULL || c->size - c->used < n) {
		arena_grow(a, n);
		c = a->head;
	}
	p = c->data + c->used;
	c->used += n;
	a->used += n;
	return p;
}

/* Tell whether p lies in one of the arena's chunks. */
int
arena_owns(const struct arena *a, const void *p)
{
	const struct arena_chunk *c;
	uintptr_t u = (uintptr_t)p, lo;

	for (c = a->head; c != NULL; c = c->next) {
		lo = (uintptr_t)c->data;
		if (u >= lo && u < lo + c->size)
			return 1;
	}
	return 0;
}

/* Bytes handed out so far. */
size_t
arena_used(const struct arena *a)
{
	return a->used;
}

/* Bytes of data held in the arena's chunks. */
size_t
arena_held(const struct arena *a)
{
	return a->held;
}

/* Release every chunk, then the arena. */
void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* jansson's malloc: this thread's arena while one is set, else malloc. */
static void *
arena_json_malloc(size_t n)
{
	if (arena_json != NULL)
		return arena_alloc(arena_json, n);
	return malloc(n);
}

/*
 * jansson's free: nothing for memory of this thread's arena (it goes with
 * the arena), free(3) for the rest.
 */
static void
arena_json_free(void *p)
{
	if (p == NULL || (arena_json != NULL && arena_owns(arena_json, p)))
		return;
	free(p);
}

/*
 * Install the allocator before main, so before any thread runs: it serves
 * every thread, and with no arena set it is malloc and free.
 */
__attribute__((constructor)) static void
arena_json_install(void)
{
	json_set_alloc_funcs(arena_json_malloc, arena_json_free);
}

/* Parse buf with this thread's jansson allocations taken from a. */
json_t *
arena_json_loadb(struct arena *a, const char *buf, size_t len, size_t flags,
    json_error_t *err)
{
	json_t *root;

	if (a == NULL)
		return json_loadb(buf, len, flags, err);
	arena_json = a;
	root = json_loadb(buf, len, flags, err);
	arena_json = NULL;
	return root;
}
