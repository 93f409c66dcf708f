/*
 * Time zones (see zone.h).  A TZif file holds the transitions of a zone and
 * the local time types they switch to; after the last transition its
 * footer, a POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"), gives the yearly
 * rule.  Both are read into a plain struct once; every lookup after that is
 * a binary search or a little calendar arithmetic, with no global state.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timeutil.h"
#include "xmalloc.h"
#include "zone.h"

#define ZONE_HOUR 3600L
#define ZONE_DAY  86400L
/* Offsets beyond this many seconds are refused (RFC 8536 allows 26 h). */
#define ZONE_MAX_UTOFF (26 * ZONE_HOUR)
/* A local time lies within this many seconds of its UTC instant. */
#define ZONE_SPAN (30 * ZONE_HOUR)
/* Transitions and types a TZif file may hold. */
#define ZONE_MAX_TRANS 100000
#define ZONE_MAX_TYPES 256

/* One date rule of a POSIX TZ string: when a change happens in a year. */
struct zone_rule {
	char kind; /* 'J': day 1-365 without 29 Feb; 'D': day 0-365; 'M' */
	int a;     /* J, D: the day; M: the month */
	int week;  /* M: 1-5, 5 the last */
	int wday;  /* M: 0 Sunday to 6 */
	long secs; /* local time of day of the change */
};

struct zone {
	char *name;
	long fixed; /* when there are no types and no rule */
	int64_t *trans;
	unsigned char *idx;
	size_t ntrans;
	long *utoff;
	unsigned char *isdst;
	size_t ntypes;
	int has_rule; /* the footer's rule applies after the transitions */
	int has_dst;
	long std_off, dst_off; /* seconds east of UTC */
	struct zone_rule start, end;
};

/* A zone of a fixed offset. */
struct zone *
zone_fixed(long offset)
{
	struct zone *z = xcalloc(1, sizeof *z);
	long a = offset < 0 ? -offset : offset;

	z->fixed = offset;
	if (offset == 0)
		z->name = xstrdup("UTC");
	else
		xasprintf(&z->name, "%c%02ld:%02ld", offset < 0 ? '-' : '+',
		    a / ZONE_HOUR, (a % ZONE_HOUR) / 60);
	return z;
}

/* Free a zone. */
void
zone_free(struct zone *z)
{
	if (z == NULL)
		return;
	free(z->name);
	free(z->trans);
	free(z->idx);
	free(z->utoff);
	free(z->isdst);
	free(z);
}

/* The zone's name. */
const char *
zone_name(const struct zone *z)
{
	return z != NULL ? z->name : "UTC";
}

/* A big-endian 32-bit signed number. */
static int32_t
zone_be32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]);
}

/* A big-endian 64-bit signed number. */
static int64_t
zone_be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)(uint32_t)zone_be32(p) << 32 |
	    (uint64_t)(uint32_t)zone_be32(p + 4));
}

/* The six counts of a TZif header. */
struct zone_counts {
	size_t isut, isstd, leap, time, type, chars;
};

/* Read a header at p; its data block's size for times of tsize bytes. */
static int
zone_header(const unsigned char *p, size_t left, size_t tsize,
    struct zone_counts *c, size_t *block)
{
	if (left < 44 || memcmp(p, "TZif", 4) != 0)
		return -1;
	c->isut = (uint32_t)zone_be32(p + 20);
	c->isstd = (uint32_t)zone_be32(p + 24);
	c->leap = (uint32_t)zone_be32(p + 28);
	c->time = (uint32_t)zone_be32(p + 32);
	c->type = (uint32_t)zone_be32(p + 36);
	c->chars = (uint32_t)zone_be32(p + 40);
	if (c->time > ZONE_MAX_TRANS || c->type == 0 ||
	    c->type > ZONE_MAX_TYPES || c->chars > 65536 || c->leap > 65536 ||
	    c->isut > c->type || c->isstd > c->type)
		return -1;
	*block = c->time * tsize + c->time + c->type * 6 + c->chars +
	    c->leap * (tsize + 4) + c->isstd + c->isut;
	return left - 44 < *block ? -1 : 0;
}

/* Read the number at **p of at most max digits; -1 if none. */
static long
zone_num(const char **p, int max)
{
	long n = 0;
	int k = 0;

	while (**p >= '0' && **p <= '9' && k < max) {
		n = n * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	return k > 0 ? n : -1;
}

/* Read "[+-]h[h[h]][:mm[:ss]]" (hours up to max) as seconds. */
static int
zone_hms(const char **p, long max, long *out)
{
	long h, m = 0, s = 0, sign = 1;

	if (**p == '+' || **p == '-')
		sign = *(*p)++ == '-' ? -1 : 1;
	h = zone_num(p, 3);
	if (h < 0 || h > max)
		return -1;
	if (**p == ':') {
		(*p)++;
		m = zone_num(p, 2);
		if (m < 0 || m > 59)
			return -1;
		if (**p == ':') {
			(*p)++;
			s = zone_num(p, 2);
			if (s < 0 || s > 59)
				return -1;
		}
	}
	*out = sign * (h * ZONE_HOUR + m * 60 + s);
	return 0;
}

/* Skip a zone abbreviation: 3 or more letters, or "<...>". */
static int
zone_abbr(const char **p)
{
	const char *s = *p;

	if (*s == '<') {
		while (*s != '\0' && *s != '>')
			s++;
		if (*s != '>' || s - *p < 4)
			return -1;
		*p = s + 1;
		return 0;
	}
	while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
		s++;
	if (s - *p < 3)
		return -1;
	*p = s;
	return 0;
}

/* Read one date rule ",Jn", ",n" or ",Mm.w.d", with its "/time". */
static int
zone_rule_read(const char **p, struct zone_rule *r)
{
	long n;

	if (**p == 'J' || (**p >= '0' && **p <= '9')) {
		r->kind = **p == 'J' ? 'J' : 'D';
		if (**p == 'J')
			(*p)++;
		n = zone_num(p, 3);
		if (n < (r->kind == 'J') || n > 365)
			return -1;
		r->a = (int)n;
	} else if (**p == 'M') {
		(*p)++;
		r->kind = 'M';
		r->a = (int)zone_num(p, 2);
		if (r->a < 1 || r->a > 12 || *(*p)++ != '.')
			return -1;
		r->week = (int)zone_num(p, 1);
		if (r->week < 1 || r->week > 5 || *(*p)++ != '.')
			return -1;
		r->wday = (int)zone_num(p, 1);
		if (r->wday < 0 || r->wday > 6)
			return -1;
	} else
		return -1;
	r->secs = 2 * ZONE_HOUR;
	if (**p == '/') {
		(*p)++;
		return zone_hms(p, 167, &r->secs);
	}
	return 0;
}

/*
 * Read the POSIX TZ rule of a TZif footer: "STD offset [DST [offset]
 * [,start[/time],end[/time]]]", offsets west of UTC.  Empty: no rule.
 */
static int
zone_rule_parse(struct zone *z, const char *s)
{
	const char *p = s;
	long off;

	if (*s == '\0')
		return 0;
	if (zone_abbr(&p) == -1 || zone_hms(&p, 24, &off) == -1)
		return -1;
	z->std_off = z->dst_off = -off;
	z->has_rule = 1;
	if (*p == '\0')
		return 0;
	if (zone_abbr(&p) == -1)
		return -1;
	z->has_dst = 1;
	z->dst_off = z->std_off + ZONE_HOUR;
	if (*p != ',' && *p != '\0') {
		if (zone_hms(&p, 24, &off) == -1)
			return -1;
		z->dst_off = -off;
	}
	if (*p == '\0') {
		/* POSIX leaves the default to the system; the US rule. */
		p = ",M3.2.0,M11.1.0";
	}
	if (*p++ != ',' || zone_rule_read(&p, &z->start) == -1 || *p++ != ',' ||
	    zone_rule_read(&p, &z->end) == -1 || *p != '\0')
		return -1;
	return 0;
}

/* Read the types and transitions of one data block. */
static int
zone_block(struct zone *z, const unsigned char *p, size_t tsize,
    const struct zone_counts *c)
{
	size_t i;

	z->ntrans = c->time;
	z->ntypes = c->type;
	z->trans = xcalloc(c->time + 1, sizeof *z->trans);
	z->idx = xcalloc(c->time + 1, 1);
	z->utoff = xcalloc(c->type, sizeof *z->utoff);
	z->isdst = xcalloc(c->type, 1);
	for (i = 0; i < c->time; i++) {
		z->trans[i] =
		    tsize == 8 ? zone_be64(p + i * 8) : zone_be32(p + i * 4);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return -1;
	}
	p += c->time * tsize;
	for (i = 0; i < c->time; i++)
		if ((z->idx[i] = p[i]) >= c->type)
			return -1;
	p += c->time;
	for (i = 0; i < c->type; i++) {
		z->utoff[i] = zone_be32(p + i * 6);
		z->isdst[i] = p[i * 6 + 4] != 0;
		if (z->utoff[i] > ZONE_MAX_UTOFF ||
		    z->utoff[i] < -ZONE_MAX_UTOFF)
			return -1;
	}
	return 0;
}

/* Parse TZif bytes; see zone.h. */
struct zone *
zone_from_tzif(const char *name, const void *data, size_t len, char **cause)
{
	const unsigned char *p = data, *end = p + len, *nl;
	struct zone_counts c;
	struct zone *z;
	size_t block, tsize = 4;
	char *rule;

	z = xcalloc(1, sizeof *z);
	z->name = xstrdup(name);
	if (zone_header(p, len, 4, &c, &block) == -1)
		goto bad;
	if (p[4] >= '2') {
		p += 44 + block;
		tsize = 8;
		if (zone_header(p, (size_t)(end - p), 8, &c, &block) == -1)
			goto bad;
	}
	if (c.leap > 0) {
		xasprintf(cause, "zone %s: leap-second zones are not supported",
		    name);
		zone_free(z);
		return NULL;
	}
	if (zone_block(z, p + 44, tsize, &c) == -1)
		goto bad;
	p += 44 + block;
	if (tsize == 8) {
		if (p >= end || *p != '\n')
			goto bad;
		nl = memchr(p + 1, '\n', (size_t)(end - p - 1));
		if (nl == NULL)
			goto bad;
		rule = xstrndup((const char *)p + 1, (size_t)(nl - p - 1));
		if (zone_rule_parse(z, rule) == -1) {
			free(rule);
			goto bad;
		}
		free(rule);
	}
	return z;
bad:
	xasprintf(cause, "zone %s: not a valid TZif file", name);
	zone_free(z);
	return NULL;
}

/* 1 if name is a safe IANA zone name: parts of [A-Za-z0-9_+-] and '/'. */
static int
zone_name_ok(const char *name)
{
	const char *p;
	size_t part = 0;

	if (*name == '\0' || strlen(name) > 255)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (*p == '/') {
			if (part == 0)
				return 0;
			part = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
			*p == '+'))
			return 0;
		part++;
	}
	return part > 0;
}

/* Read a whole file of at most ZONE_MAX_FILE bytes. */
static char *
zone_read_file(const char *path, size_t *len, char **cause)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > ZONE_MAX_FILE) {
		xasprintf(cause, "%s: not a zone file", path);
		close(fd);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	*len = 0;
	while (*len < (size_t)st.st_size) {
		n = read(fd, buf + *len, (size_t)st.st_size - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			xasprintf(cause, "%s: %s", path,
			    n == 0 ? "short read" : strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		*len += (size_t)n;
	}
	close(fd);
	return buf;
}

/* Parse "+HH:MM" or "-HH:MM" (up to 14:00) as seconds east. */
static int
zone_parse_offset(const char *s, long *out)
{
	int h, m;

	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':' ||
	    s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9' ||
	    s[4] < '0' || s[4] > '5' || s[5] < '0' || s[5] > '9')
		return -1;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	m = (s[4] - '0') * 10 + (s[5] - '0');
	if (h > 14 || (h == 14 && m > 0))
		return -1;
	*out = (s[0] == '-' ? -1L : 1L) * (h * ZONE_HOUR + m * 60L);
	return 0;
}

/* Load a zone; see zone.h. */
struct zone *
zone_load(const char *spec, char **cause)
{
	const char *dir = getenv("TZDIR");
	struct zone *z;
	char *path, *buf, *why = NULL;
	size_t len;
	long off;

	if (strcmp(spec, "UTC") == 0 || strcmp(spec, "Z") == 0)
		return zone_fixed(0);
	if (spec[0] == '+' || spec[0] == '-') {
		if (zone_parse_offset(spec, &off) == 0)
			return zone_fixed(off);
		xasprintf(cause,
		    "\"%.64s\" is not an offset like +02:00 (-14:00 to +14:00)",
		    spec);
		return NULL;
	}
	if (!zone_name_ok(spec)) {
		xasprintf(cause,
		    "\"%.64s\" is not UTC, an offset like +02:00 or a zone "
		    "name like Europe/Berlin",
		    spec);
		return NULL;
	}
	xasprintf(
	    &path, "%s/%s", dir != NULL && *dir != '\0' ? dir : ZONE_DIR, spec);
	buf = zone_read_file(path, &len, &why);
	free(path);
	if (buf == NULL) {
		xasprintf(cause, "\"%s\" is not a time zone: %s", spec, why);
		free(why);
		return NULL;
	}
	z = zone_from_tzif(spec, buf, len, cause);
	free(buf);
	return z;
}

/* Days from 1970-01-01 to year-mon-day (a valid date). */
static long long
zone_days(int year, int mon, int day)
{
	return (
	    long long)(timeutil_from_civil(year, mon, day, 0, 0, 0) / ZONE_DAY);
}

/* The instant (UTC) a rule's change happens in year, at offset off. */
static int
zone_rule_at(const struct zone_rule *r, int year, long off, time_t *out)
{
	static const int mdays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	long long jan1, day;
	int leap, md, first, mday;

	if (!timeutil_valid_date(year, 1, 1) || year >= 9999)
		return -1;
	leap = timeutil_valid_date(year, 2, 29);
	jan1 = zone_days(year, 1, 1);
	if (r->kind == 'J')
		day = jan1 + r->a - 1 + (leap && r->a >= 60);
	else if (r->kind == 'D')
		day = jan1 + r->a;
	else {
		md = mdays[r->a - 1] + (r->a == 2 && leap);
		first = (int)((zone_days(year, r->a, 1) + 4) % 7);
		mday = 1 + (r->wday - first + 7) % 7 + 7 * (r->week - 1);
		while (mday > md)
			mday -= 7;
		day = zone_days(year, r->a, mday);
	}
	*out = (time_t)(day * ZONE_DAY + r->secs - off);
	return 0;
}

/* 1 if the footer's rule has daylight saving time at t. */
static int
zone_rule_dst(const struct zone *z, time_t t)
{
	time_t u = t + z->std_off, s, e;
	struct tm tm;

	if (!z->has_dst || gmtime_r(&u, &tm) == NULL ||
	    zone_rule_at(&z->start, tm.tm_year + 1900, z->std_off, &s) == -1 ||
	    zone_rule_at(&z->end, tm.tm_year + 1900, z->dst_off, &e) == -1)
		return 0;
	if (s < e)
		return t >= s && t < e;
	return !(t >= e && t < s);
}

/* The local time type at t: its offset and whether it is DST. */
static long
zone_lookup(const struct zone *z, time_t t, int *dst)
{
	size_t lo, hi, mid;

	*dst = 0;
	if (z == NULL)
		return 0;
	if (z->ntypes == 0 && !z->has_rule)
		return z->fixed;
	if (z->has_rule && (z->ntrans == 0 || t >= z->trans[z->ntrans - 1])) {
		*dst = zone_rule_dst(z, t);
		return *dst ? z->dst_off : z->std_off;
	}
	if (z->ntrans == 0 || t < z->trans[0]) {
		*dst = z->isdst[0];
		return z->utoff[0];
	}
	lo = 0;
	hi = z->ntrans;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	*dst = z->isdst[z->idx[lo]];
	return z->utoff[z->idx[lo]];
}

/* The offset at t. */
long
zone_offset_at(const struct zone *z, time_t t)
{
	int dst;

	return zone_lookup(z, t, &dst);
}

/* t broken down in the zone. */
void
zone_local(const struct zone *z, time_t t, struct tm *out)
{
	int dst;
	long off = zone_lookup(z, t, &dst);
	time_t u = t + off;

	memset(out, 0, sizeof *out);
	if (gmtime_r(&u, out) == NULL)
		memset(out, 0, sizeof *out);
	out->tm_gmtoff = off;
	out->tm_isdst = dst;
	out->tm_zone = NULL;
}

/*
 * The first instant whose local time is the local seconds l (as if UTC):
 * each offset in force near it gives a candidate l - offset, kept when the
 * zone has that offset at the candidate.  None: l falls in a gap, and the
 * first instant after it is found by bisection.
 */
static time_t
zone_from_seconds(const struct zone *z, time_t l)
{
	long offs[6];
	size_t n = 0, i, j;
	time_t t, best = -1, lo, hi, mid;
	const time_t probes[3] = {l - ZONE_SPAN, l, l + ZONE_SPAN};

	for (i = 0; i < 3; i++)
		offs[n++] = zone_offset_at(z, probes[i]);
	for (i = 0; i < 3; i++)
		offs[n++] = zone_offset_at(z, l - offs[i]);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && offs[j] != offs[i]; j++)
			;
		if (j < i)
			continue;
		t = l - offs[i];
		if (zone_offset_at(z, t) == offs[i] && (best == -1 || t < best))
			best = t;
	}
	if (best != -1)
		return best;
	lo = l - ZONE_SPAN;
	hi = l + ZONE_SPAN;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (mid + zone_offset_at(z, mid) >= l)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* A local time to an instant; see zone.h. */
time_t
zone_from_local(const struct zone *z, int year, int mon, int day, int hour,
    int min, int sec)
{
	time_t l = timeutil_from_civil(year, mon, day, hour, min, sec);

	if (l == -1)
		return -1;
	return zone_from_seconds(z, l);
}

/* The last second of a local day; see zone.h. */
time_t
zone_day_end(const struct zone *z, int year, int mon, int day)
{
	time_t l = timeutil_from_civil(year, mon, day, 0, 0, 0);

	if (l == -1)
		return -1;
	return zone_from_seconds(z, l + ZONE_DAY) - 1;
}
