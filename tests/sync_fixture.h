/*
 * The fixture the poll-cycle test programs share: the fake Bugzilla, a
 * client of it with quick retries, a store on disk and the options of a
 * cycle over the compliance component, with both clocks set together.
 */
#ifndef SYNC_FIXTURE_H
#define SYNC_FIXTURE_H

#include <time.h>

#include "bugzilla.h"
#include "fakebz.h"
#include "store.h"
#include "sync.h"

#define T0   1700000000
#define ROOT "bwilson@mozilla.com"
#define REP  "rep@ca.example"

extern struct fakebz *fb;
extern struct bugzilla *bz;
extern const char *api_key; /* the client's key (NULL: none) */
extern struct store *st;
extern char *dir;
extern struct strlist products, components;
extern struct sync_options so;

void sfix_setup(void);
void sfix_teardown(void);
void sfix_at(time_t t);
void sfix_add_bugs(int n);
struct sync_stats sfix_cycle(void);
long long sfix_stored_comments(void);

#endif
