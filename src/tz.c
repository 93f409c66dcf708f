/*
 * The TZif reader (see tz.h): the one place that reads zone files.
 *
 * The version 2+ block (64-bit times) is used when present, else the
 * version 1 block.  Times before the first transition take type 0; times
 * after the last take the footer's POSIX rule ("CET-1CEST,M3.5.0,M10.5.0/3")
 * when there is one, else the last transition's type.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "timeutil.h"
#include "tz.h"
#include "xmalloc.h"

/* Offsets beyond this many seconds are refused (RFC 8536 allows 26 h). */
#define TZ_MAX_UTOFF (26L * 3600)
/* A local time lies within this many seconds of its UTC instant. */
#define TZ_SPAN (30L * 3600)

/* One local time type. */
struct tz_type {
	long utoff;
	int isdst;
};

/* A rule's date: Jn, n, or Mm.w.d, and the local time of the change. */
struct tz_date {
	char kind; /* 'J', 'n' or 'M' */
	int a, b, c;
	long secs;
};

/* The footer's rule. */
struct tz_rule {
	int have;     /* a footer was read */
	int dst;      /* it has a daylight time */
	long std_off; /* east positive */
	long dst_off;
	struct tz_date start, end;
};

struct tz {
	char *path; /* the file, for the cache of tz_get */
	int64_t *times;
	unsigned char *idx;
	size_t ntimes;
	struct tz_type *types;
	size_t ntypes;
	struct tz_rule rule;
	struct tz *next; /* the cache */
};

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz *tz_cache;

/* A big-endian 32-bit signed integer. */
static int64_t
tz_be32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* A big-endian 64-bit signed integer. */
static int64_t
tz_be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)tz_be32(p) << 32 | (uint32_t)tz_be32(p + 4));
}

/* Read [+-]hh[:mm[:ss]] into *secs; returns the end, or NULL. */
static const char *
tz_parse_hms(const char *p, long *secs)
{
	long sign = 1, v[3] = {0, 0, 0};
	int i;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9' && v[i] < 1000)
			v[i] = v[i] * 10 + (*p++ - '0');
		if (*p != ':' || i == 2)
			break;
		p++;
	}
	if (v[0] > 167 || v[1] > 59 || v[2] > 59)
		return NULL;
	*secs = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
	return p;
}

/* Skip a zone abbreviation: letters, or <...>. */
static const char *
tz_skip_name(const char *p)
{
	const char *s = p;

	if (*p == '<') {
		p = strchr(p, '>');
		return p != NULL && p - s >= 4 ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* Read a number of at most max. */
static const char *
tz_parse_num(const char *p, int min, int max, int *v)
{
	*v = 0;
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9' && *v <= max)
		*v = *v * 10 + (*p++ - '0');
	return *v >= min && *v <= max ? p : NULL;
}

/* Read one rule date and its optional /time. */
static const char *
tz_parse_date(const char *p, struct tz_date *d)
{
	d->secs = 7200;
	if (*p == 'J') {
		d->kind = 'J';
		p = tz_parse_num(p + 1, 1, 365, &d->a);
	} else if (*p == 'M') {
		d->kind = 'M';
		p = tz_parse_num(p + 1, 1, 12, &d->a);
		if (p == NULL || *p++ != '.')
			return NULL;
		p = tz_parse_num(p, 1, 5, &d->b);
		if (p == NULL || *p++ != '.')
			return NULL;
		p = tz_parse_num(p, 0, 6, &d->c);
	} else {
		d->kind = 'n';
		p = tz_parse_num(p, 0, 365, &d->a);
	}
	if (p != NULL && *p == '/')
		p = tz_parse_hms(p + 1, &d->secs);
	return p;
}

/* Parse the footer's POSIX TZ string ("" means none). */
static int
tz_parse_rule(const char *s, struct tz_rule *r)
{
	const char *p = s;
	long off;

	memset(r, 0, sizeof *r);
	if (*p == '\0')
		return 0;
	if ((p = tz_skip_name(p)) == NULL ||
	    (p = tz_parse_hms(p, &off)) == NULL)
		return -1;
	r->have = 1;
	r->std_off = -off; /* POSIX offsets are west positive */
	if (*p == '\0')
		return 0;
	if ((p = tz_skip_name(p)) == NULL)
		return -1;
	r->dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = tz_parse_hms(p, &off)) == NULL)
			return -1;
		r->dst_off = -off;
	}
	if (*p == '\0') {
		/* No dates: the US rules, as POSIX leaves it to the system. */
		r->start = (struct tz_date){'M', 3, 2, 0, 7200};
		r->end = (struct tz_date){'M', 11, 1, 0, 7200};
		return 0;
	}
	if (*p++ != ',' || (p = tz_parse_date(p, &r->start)) == NULL ||
	    *p++ != ',' || (p = tz_parse_date(p, &r->end)) == NULL)
		return -1;
	return *p == '\0' ? 0 : -1;
}

/* 1 in a leap year. */
static int
tz_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds since the epoch, as local time of year y, of a rule date. */
static int64_t
tz_date_secs(const struct tz_date *d, int64_t y)
{
	static const int mdays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t day, first;
	int dim, wd;

	if (d->kind == 'J')
		day = timeutil_days(y, 1, 1) + d->a - 1 +
		    (tz_leap(y) && d->a >= 60 ? 1 : 0);
	else if (d->kind == 'n')
		day = timeutil_days(y, 1, 1) + d->a;
	else {
		first = timeutil_days(y, d->a, 1);
		wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01: Thu */
		day = first + (d->c - wd + 7) % 7 + (int64_t)(d->b - 1) * 7;
		dim = mdays[d->a - 1] + (d->a == 2 && tz_leap(y));
		while (day >= first + dim)
			day -= 7;
	}
	return day * 86400 + d->secs;
}

/* The type of t by the footer's rule. */
static struct tz_type
tz_rule_type(const struct tz_rule *r, int64_t t)
{
	struct tz_type ty = {r->std_off, 0};
	int64_t y, start, end;
	int in;

	if (!r->dst)
		return ty;
	y = 1970 + (t + r->std_off) / 31556952;
	/* Correct the estimate of the year around its ends. */
	while (timeutil_days(y, 1, 1) * 86400 > t + r->std_off)
		y--;
	while (timeutil_days(y + 1, 1, 1) * 86400 <= t + r->std_off)
		y++;
	start = tz_date_secs(&r->start, y) - r->std_off;
	end = tz_date_secs(&r->end, y) - r->dst_off;
	in = start < end ? t >= start && t < end : !(t >= end && t < start);
	if (in) {
		ty.utoff = r->dst_off;
		ty.isdst = 1;
	}
	return ty;
}

/* The type in force at t. */
static struct tz_type
tz_type_at(const struct tz *z, int64_t t)
{
	size_t lo = 0, hi = z->ntimes;

	if (z->ntimes == 0 || t < z->times[0]) {
		if (z->ntimes == 0 && z->rule.have)
			return tz_rule_type(&z->rule, t);
		return z->types[0];
	}
	if (t >= z->times[z->ntimes - 1] && z->rule.have)
		return tz_rule_type(&z->rule, t);
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->types[z->idx[lo]];
}

/* The offset from UTC at t. */
long
tz_offset(const struct tz *z, time_t t)
{
	return tz_type_at(z, (int64_t)t).utoff;
}

/* Break t down in the zone. */
int
tz_localtime(const struct tz *z, time_t t, struct tm *tm)
{
	struct tz_type ty = tz_type_at(z, (int64_t)t);
	time_t local = t + ty.utoff;

	if (gmtime_r(&local, tm) == NULL)
		return -1;
	tm->tm_isdst = ty.isdst;
	tm->tm_gmtoff = ty.utoff;
	return 0;
}

/* Keep t as the answer when the zone is at offset off there and t is earlier.
 */
static void
tz_candidate(
    const struct tz *z, time_t local, long off, time_t *best, int *found)
{
	time_t t = local - off;

	if (tz_offset(z, t) == off && (!*found || t < *best)) {
		*best = t; /* -1 is an instant too, not "none" */
		*found = 1;
	}
}

/*
 * The first instant whose local time is local (seconds as if UTC): every
 * offset the zone can be at (its types and its footer's two) gives a
 * candidate local - offset, kept when the zone has that offset at the
 * candidate, so even an offset in force for a moment is seen.  None: local
 * falls in a gap, and the first instant after it is found by bisection.
 */
time_t
tz_from_local(const struct tz *z, time_t local)
{
	time_t best = 0, lo, hi, mid;
	size_t i;
	int found = 0;

	for (i = 0; i < z->ntypes; i++)
		tz_candidate(z, local, z->types[i].utoff, &best, &found);
	if (z->rule.have) {
		tz_candidate(z, local, z->rule.std_off, &best, &found);
		tz_candidate(z, local, z->rule.dst_off, &best, &found);
	}
	if (z->ntypes == 0 && !z->rule.have)
		tz_candidate(z, local, tz_offset(z, local), &best, &found);
	if (found)
		return best;
	lo = local - TZ_SPAN;
	hi = local + TZ_SPAN;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (mid + tz_offset(z, mid) >= local)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* Free a zone. */
void
tz_free(struct tz *z)
{
	if (z == NULL)
		return;
	free(z->path);
	free(z->times);
	free(z->idx);
	free(z->types);
	free(z);
}

/* Read the data block after the header at p (tsize 4 or 8 bytes a time). */
static const unsigned char *
tz_parse_block(struct tz *z, const unsigned char *p, const unsigned char *end,
    int tsize, char **cause)
{
	size_t isut, isstd, leap, nt, nty, nch, need, i;

	if (end - p < 44 || memcmp(p, "TZif", 4) != 0)
		goto bad;
	isut = (size_t)tz_be32(p + 20);
	isstd = (size_t)tz_be32(p + 24);
	leap = (size_t)tz_be32(p + 28);
	nt = (size_t)tz_be32(p + 32);
	nty = (size_t)tz_be32(p + 36);
	nch = (size_t)tz_be32(p + 40);
	p += 44;
	if (leap > 0) {
		/* "right/" zones count leap seconds: their offsets differ. */
		xasprintf(cause, "leap-second zones are not supported");
		return NULL;
	}
	if (nt > 100000 || nty == 0 || nty > 256 || nch > 65536 || isut > nty ||
	    isstd > nty)
		goto bad;
	need = nt * (size_t)tsize + nt + nty * 6 + nch +
	    leap * (size_t)(tsize + 4) + isstd + isut;
	if ((size_t)(end - p) < need)
		goto bad;
	free(z->times);
	free(z->idx);
	free(z->types);
	z->ntimes = nt;
	z->ntypes = nty;
	z->times = xcalloc(nt + 1, sizeof *z->times);
	z->idx = xcalloc(nt + 1, 1);
	z->types = xcalloc(nty, sizeof *z->types);
	for (i = 0; i < nt; i++)
		z->times[i] =
		    tsize == 8 ? tz_be64(p + i * 8) : tz_be32(p + i * 4);
	p += nt * (size_t)tsize;
	for (i = 0; i < nt; i++)
		if ((z->idx[i] = p[i]) >= nty)
			goto bad;
	p += nt;
	for (i = 0; i < nty; i++) {
		z->types[i].utoff = (long)tz_be32(p + i * 6);
		z->types[i].isdst = p[i * 6 + 4] != 0;
		if (z->types[i].utoff > TZ_MAX_UTOFF ||
		    z->types[i].utoff < -TZ_MAX_UTOFF)
			goto bad;
	}
	return p + nty * 6 + nch + leap * (size_t)(tsize + 4) + isstd + isut;
bad:
	xasprintf(cause, "not a valid TZif file");
	return NULL;
}

/* Parse a TZif image. */
struct tz *
tz_parse(const unsigned char *data, size_t len, char **cause)
{
	const unsigned char *p, *end = data + len, *nl;
	struct tz *z = xcalloc(1, sizeof *z);
	char footer[256];
	size_t n;

	p = tz_parse_block(z, data, end, 4, cause);
	if (p == NULL)
		goto fail;
	if (data[4] < '2')
		return z;
	p = tz_parse_block(z, p, end, 8, cause);
	if (p == NULL)
		goto fail;
	if (p < end && *p == '\n') {
		nl = memchr(p + 1, '\n', (size_t)(end - p - 1));
		n = nl != NULL ? (size_t)(nl - p - 1) : sizeof footer;
		if (n >= sizeof footer) {
			xasprintf(cause, "the TZif footer is too long");
			goto fail;
		}
		memcpy(footer, p + 1, n);
		footer[n] = '\0';
		if (tz_parse_rule(footer, &z->rule) == -1) {
			xasprintf(cause, "the TZif footer is not a TZ rule");
			goto fail;
		}
	}
	return z;
fail:
	tz_free(z);
	return NULL;
}

/* 1 if name is a safe zone name: parts of [A-Za-z0-9_+-] between '/'. */
int
tz_name_ok(const char *name)
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

/* The file of a zone name: under $TZDIR, or TZ_DIR. */
static char *
tz_path(const char *name)
{
	const char *dir = getenv("TZDIR");
	char *path;

	xasprintf(
	    &path, "%s/%s", dir != NULL && *dir != '\0' ? dir : TZ_DIR, name);
	return path;
}

/* Read a whole regular file of at most TZ_MAX_FILE bytes. */
static unsigned char *
tz_read_file(const char *path, size_t *len, char **cause)
{
	struct stat st;
	unsigned char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > TZ_MAX_FILE) {
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

/* Read and parse the zone file of name; see tz.h. */
struct tz *
tz_read(const char *name, char **cause)
{
	unsigned char *data;
	struct tz *z;
	char *path, *why = NULL;
	size_t len;

	if (!tz_name_ok(name)) {
		xasprintf(cause,
		    "\"%.64s\" is not UTC, an offset like +02:00 or a zone "
		    "name like Europe/Berlin",
		    name);
		return NULL;
	}
	path = tz_path(name);
	data = tz_read_file(path, &len, &why);
	if (data == NULL) {
		xasprintf(cause, "\"%s\" is not a time zone: %s", name, why);
		free(why);
		free(path);
		return NULL;
	}
	z = tz_parse(data, len, &why);
	free(data);
	if (z == NULL) {
		xasprintf(cause, "zone %s: %s", name, why);
		free(why);
		free(path);
		return NULL;
	}
	z->path = path;
	return z;
}

/* The cached zone of name, loaded on first use. */
const struct tz *
tz_get(const char *name, char **cause)
{
	struct tz *z;
	char *path;

	if (!tz_name_ok(name))
		return tz_read(name, cause); /* NULL, with the reason */
	path = tz_path(name);
	pthread_mutex_lock(&tz_lock);
	for (z = tz_cache; z != NULL; z = z->next)
		if (strcmp(z->path, path) == 0)
			break;
	if (z == NULL) {
		z = tz_read(name, cause);
		if (z != NULL) {
			z->next = tz_cache;
			tz_cache = z;
		}
	}
	pthread_mutex_unlock(&tz_lock);
	free(path);
	return z;
}
