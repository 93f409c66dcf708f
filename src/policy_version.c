/*
 * The policy versions: the rule texts in force over time, and the names of
 * versions, clock kinds and states.
 */
#include <string.h>
#include <strings.h>

#include "policy.h"
#include "timeutil.h"

static const struct {
	const char *name;
	int year, mon, day;
} policy_versions[POLICY_NVERSIONS] = {
    {"wiki-2017", 2017, 1, 1},
    {"ccadb-1.0", 2023, 2, 15},
    {"2.0", 2023, 10, 17},
    {"3.0", 2025, 3, 1},
    {"3.1", 2025, 7, 15},
    {"3.2", 2026, 3, 20},
};

/* The version's name. */
const char *
policy_version_name(enum policy_version v)
{
	if ((int)v < 0 || v >= POLICY_NVERSIONS)
		return "unknown";
	return policy_versions[v].name;
}

/* Parse a version name. */
int
policy_version_from_name(const char *s, enum policy_version *out)
{
	size_t i;

	if (*s == 'v' || *s == 'V')
		s++;
	for (i = 0; i < POLICY_NVERSIONS; i++) {
		if (strcasecmp(s, policy_versions[i].name) == 0 ||
		    (i == POLICY_CCADB_1_0 && strcmp(s, "1.0") == 0) ||
		    (i == POLICY_WIKI_2017 && strcasecmp(s, "wiki") == 0)) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

/* The first second of a version. */
time_t
policy_version_start(enum policy_version v)
{
	return timeutil_from_civil(policy_versions[v].year,
	    policy_versions[v].mon, policy_versions[v].day, 0, 0, 0);
}

/* The version in force at t. */
int
policy_version_at(time_t t)
{
	int v;

	for (v = POLICY_NVERSIONS - 1; v >= 0; v--) {
		if (t >= policy_version_start(v))
			return v;
	}
	return -1;
}

/* The clock kind's name. */
const char *
policy_clock_kind_name(enum clock_kind k)
{
	switch (k) {
	case CLOCK_INITIAL_REPORT:
		return "initial-report";
	case CLOCK_FULL_REPORT:
		return "full-report";
	case CLOCK_RESPONSE:
		return "response";
	case CLOCK_UPDATE:
		return "update";
	case CLOCK_REVOCATION_UPDATE:
		return "revocation-update";
	}
	return "unknown";
}

/* The clock state's name. */
const char *
policy_clock_state_name(enum clock_state s)
{
	switch (s) {
	case CLOCK_OK:
		return "ok";
	case CLOCK_DUE_SOON:
		return "due-soon";
	case CLOCK_OVERDUE:
		return "overdue";
	case CLOCK_MET:
		return "met";
	case CLOCK_PAUSED:
		return "paused";
	}
	return "unknown";
}
