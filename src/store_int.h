/*
 * What the files of the store module share: the statements that the other
 * store files (store_alerts.c) prepare once and store_close finalizes.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <sqlite3.h>

#include "store.h"

/* The migrations: schema version N is the first N (store_schema.c). */
extern const char *const store_migrations[];
extern const int store_nmigrations;

/* Slots of prepared statements kept for the other store files. */
#define STORE_CACHE 8

/* Slot i (below STORE_CACHE) of the statements kept until store_close. */
sqlite3_stmt **store_cache_slot(struct store *, int i);
/* The path of the store's file. */
const char *store_path(struct store *);

#endif
