/*
 * UTF-8 sequence checking.
 */
#include <stddef.h>

#include "utf8.h"

/* The length of the valid UTF-8 sequence at s within n bytes, or 0. */
size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0; /* continuation, 0xc0/0xc1 overlong, beyond 0xf4 */
	for (i = 1; i < len; i++)
		if (i >= n || (s[i] & 0xc0) != 0x80)
			return 0;
	if ((len == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||
	    (len == 4 && s[0] == 0xf0 && s[1] < 0x90))
		return 0; /* overlong */
	if (len == 3 && s[0] == 0xed && s[1] >= 0xa0)
		return 0; /* surrogate */
	if (len == 4 && s[0] == 0xf4 && s[1] >= 0x90)
		return 0; /* beyond U+10FFFF */
	return len;
}
