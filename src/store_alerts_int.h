/*
 * What the store files of the alerts module's tables (store_alerts.c,
 * store_holds.c) share: statements prepared and bound from a type string,
 * and the errors they report.
 */
#ifndef STORE_ALERTS_INT_H
#define STORE_ALERTS_INT_H

#include <sqlite3.h>

#include "store.h"

/* Set *cause to "store: PATH: alerts: what: sqlite's error". */
void store_sa_error(struct store *, char **cause, const char *what);
/*
 * Statement sql with its parameters bound from types, one letter each ('i'
 * an int64_t, 't' a const char *, NULL binds NULL): prepared once into
 * cache slot slot (reset later), or, with slot -1, prepared for this call
 * (the caller finalizes it).  NULL with *cause.
 */
sqlite3_stmt *store_sa_prepare(struct store *, int slot, char **cause,
    const char *sql, const char *types, ...);
/* Release a statement of store_sa_prepare. */
void store_sa_done(sqlite3_stmt *, int slot);
/* Run a statement without rows: the rows changed, or -1 with *cause. */
int store_sa_exec(struct store *, int slot, char **cause, const char *what,
    const char *sql, const char *types, ...);
/* A copy of a text column ("" for NULL). */
char *store_sa_text(sqlite3_stmt *, int col);

#endif
