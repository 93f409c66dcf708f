/*
 * What the files of the config module share: the directive table's types,
 * the state of one file being read, and the functions each file gives the
 * others.  config.c reads lines, config_table.c knows every directive,
 * config_value.c parses typed values, config_check.c relates directives.
 */
#ifndef CONFIG_INT_H
#define CONFIG_INT_H

#include <stdio.h>

#include "buf.h"
#include "ccwatch.h"
#include "config.h"

/* Longest value quoted back in an error message. */
#define CONFIG_QUOTE_LEN 64
/* Room for the table's rows in the reader's bookkeeping. */
#define CONFIG_MAX_DIRECTIVES 128

enum config_type {
	CONFIG_STRING,  /* char *, non-empty */
	CONFIG_PATH,    /* char *, a file name */
	CONFIG_INT,     /* long long in [min, max] */
	CONFIG_BOOL,    /* int, "yes" or "no" */
	CONFIG_LIST,    /* struct strlist, "a", "b" or a, b; continues */
	CONFIG_ID,      /* int64_t in [min, max] */
	CONFIG_TIME,    /* time_t, an ISO 8601 UTC time or date */
	CONFIG_SIDE,    /* enum side: ca, program, community or bot */
	CONFIG_PIN,     /* int: auto or a policy version name */
	CONFIG_DURATION /* long long seconds: 3600, 90m, 24h, 7d */
};

/* Validates, and may rewrite, a field once its value is parsed. */
typedef int (*config_check_cb)(struct config *, void *field, char **cause);

struct config_directive {
	const char *section;
	const char *name;
	enum config_type type;
	size_t offset; /* into the section's base struct */
	long long min;
	long long max;
	const char *dflt;      /* written as in a file; NULL: none */
	config_check_cb check; /* NULL: the type's rules only */
};

/*
 * Finds the struct that a section's directives write into: the config
 * itself for plain sections, a new element for [ca "NAME"]-style ones.
 */
typedef void *(*config_base_cb)(
    struct config *, const char *subname, char **cause);

struct config_section {
	const char *name;
	int subname;         /* 1: [name "SUBNAME"], 0: [name] */
	config_base_cb base; /* NULL: the struct config */
};

/* The table (config_table.c): every section and every directive. */
extern const struct config_section config_sections[];
extern const size_t config_nsections;
extern const struct config_directive config_directives[];
extern const size_t config_ndirectives;

/* One error found, kept until all are sorted by line. */
struct config_msg {
	int line; /* 0: about the file as a whole */
	char *text;
};

/* The state of one file being read. */
struct config_parse {
	struct config *cfg;
	const char *file;
	FILE *f;
	char *line; /* getline's buffer */
	size_t linesize;
	int lineno;

	int in_value; /* libinih would continue a value */
	int cont;     /* this line continues a value */
	int skip;     /* this line was rejected already */

	const struct config_section *sect; /* NULL: none or rejected */
	int sect_bad;  /* the header was rejected: stay quiet */
	int sect_line; /* line of the current header */
	void *base;
	int cur;                         /* directive being continued, or -1 */
	int seen[CONFIG_MAX_DIRECTIVES]; /* line first set, or 0 */

	/* The service's WATCHDOG_USEC when it runs under one, else 0. */
	unsigned long long watchdog_usec;

	struct config_msg *msgs; /* the errors, in the order found */
	size_t nmsgs;
	size_t msgbytes;
	int nerrors; /* all of them, those past the bounds too */
};

/* config.c: record one "file:line: message" (line 0: "file: message"). */
void config_error(struct config_parse *, int line, const char *fmt, ...)
    CCWATCH_PRINTF(3, 4);
/* Copy s into dst, escaped and cut, for quoting it in a message. */
const char *config_quote(char dst[CONFIG_QUOTE_LEN], const char *s);
const char *config_skip_space(const char *s);

/* config_table.c: find a section (or NULL) or a directive's row (or -1). */
const struct config_section *config_find_section(const char *name);
int config_find_directive(const char *section, const char *name);
/*
 * Parse value into directive d's field of base and run its check; first
 * is 0 on a continuation line.  Errors name the directive.
 */
int config_set(struct config *, const struct config_directive *d, void *base,
    const char *value, int first, char **cause);
/* The defaults: POLICY.md's people, the table's values, before finish. */
struct config *config_new(void);

/* config_value.c: parse value into the field of d (see config_set). */
int config_parse_value(const struct config_directive *d, void *field,
    const char *value, int first, char **cause);

/* config_check.c: the checks that relate directives (see there). */
void config_check_section(struct config_parse *);
void config_cross_check(struct config_parse *);
/* Derive what the directives imply (extra lists joined, policy options). */
void config_finish(struct config *);

#endif
