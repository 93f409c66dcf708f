/*
 * libFuzzer target for the zone file reader: any bytes as a TZif image
 * (tz_parse), and for a zone that parses, times across and far beyond its
 * transitions broken down and put back together (tz_localtime,
 * tz_from_local).  It aborts when the instant tz_from_local returns shows
 * another wall clock than the one asked for while its offset holds a day
 * around, or, in a zone of sane offsets, is later than the instant broken
 * down or earlier with another wall clock.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Times to try: the epoch, now-ish, the far past and future, the edges. */
static const time_t fuzz_tz_times[] = {0, 1, -1, 86400, 1700000000, 1773403200,
    2147483647, -2147483648LL, 4102444800LL, 253402300799LL, -62135596800LL};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tm tm, back, chk;
	struct tz *z;
	char *cause = NULL;
	time_t t, u;
	size_t i;
	long off;

	z = tz_parse(data, size, &cause);
	if (z == NULL) {
		free(cause);
		return 0;
	}
	for (i = 0; i < sizeof fuzz_tz_times / sizeof fuzz_tz_times[0]; i++) {
		t = fuzz_tz_times[i];
		off = tz_offset(z, t);
		if (tz_localtime(z, t, &tm) == -1)
			continue;
		memcpy(&back, &tm, sizeof back);
		u = tz_from_local(z, timegm(&back));
		/* Where the offset holds a day around, the asked wall clock. */
		if (tz_offset(z, u - 86400) == tz_offset(z, u) &&
		    tz_offset(z, u + 86400) == tz_offset(z, u) &&
		    tz_localtime(z, u, &chk) == 0 &&
		    (chk.tm_year != back.tm_year || chk.tm_mon != back.tm_mon ||
			chk.tm_mday != back.tm_mday ||
			chk.tm_hour != back.tm_hour ||
			chk.tm_min != back.tm_min || chk.tm_sec != back.tm_sec))
			abort();
		/* t shows this wall clock, so the first instant that does is
		 * never later, and an earlier one shows the same wall clock
		 * (clocks set back in between, however briefly).  Real zones
		 * stay within -12h..+14h of UTC. */
		if (off > -86400 && off < 86400 && u > t)
			abort();
		if (off > -86400 && off < 86400 && u < t &&
		    tz_localtime(z, u, &chk) == 0 &&
		    (chk.tm_year != back.tm_year || chk.tm_mon != back.tm_mon ||
			chk.tm_mday != back.tm_mday ||
			chk.tm_hour != back.tm_hour ||
			chk.tm_min != back.tm_min || chk.tm_sec != back.tm_sec))
			abort();
	}
	tz_free(z);
	return 0;
}
