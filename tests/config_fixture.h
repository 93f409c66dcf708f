/*
 * The fixture the configuration test programs share: a fresh directory
 * and configuration path for each test (with no credentials directory),
 * files written into it, and loading text that must be accepted or
 * refused with exactly one "file:line: message".
 */
#ifndef CONFIG_FIXTURE_H
#define CONFIG_FIXTURE_H

#include <sys/types.h>

#include "config.h"

extern char *tmpdir;
extern char *conf; /* tmpdir/c.conf */

void cfix_setup(void);
void cfix_teardown(void);
char *cfix_write_file(const char *name, const char *content, mode_t mode);
struct config *cfix_load_text(const char *text, char **cause);
void cfix_expect_error(const char *text, const char *msg);
struct config *cfix_expect_ok(const char *text);

#endif
