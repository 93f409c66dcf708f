/*
 * A bump allocator released all at once, and jansson's allocations of one
 * json_loadb made in it.
 *
 * Parsing a response builds a tree of small objects (every value, every
 * key, every hash table) that the model copies out of and then drops whole.
 * In an arena each of them is a pointer bump and the whole tree goes in one
 * free per chunk.  jansson's allocator is process-wide, so the arena in use
 * is per thread: another thread's jansson calls (the feed server's) go to
 * malloc as before.
 */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

#include <jansson.h>

struct arena;

/* An empty arena; its first chunk is allocated on the first request. */
struct arena *arena_new(void);
/* n bytes aligned for any type; aborts when memory is out. */
void *arena_alloc(struct arena *, size_t n);
/* 1 if p points into one of the arena's chunks, 0 if not. */
int arena_owns(const struct arena *, const void *p);
/* Bytes handed out so far, and bytes held in chunks. */
size_t arena_used(const struct arena *);
size_t arena_held(const struct arena *);
/* Release every chunk and the arena; accepts NULL. */
void arena_free(struct arena *);

/*
 * json_loadb with every allocation jansson makes on this thread until it
 * returns taken from a (a NULL a is plain json_loadb).  The values returned
 * live in a: they must never be released with json_decref, only dropped
 * with the arena, and nothing may keep one after arena_free.
 */
json_t *arena_json_loadb(struct arena *a, const char *buf, size_t len,
    size_t flags, json_error_t *err);

#endif
