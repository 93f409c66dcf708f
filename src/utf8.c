/*
 * UTF-8 sequence checking.
 */
#include <stddef.h>
#include <stdio.h>

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

/* The code point of a valid sequence of len bytes. */
static unsigned long
utf8_decode(const unsigned char *s, size_t len)
{
	unsigned long cp;
	size_t i;

	if (len == 1)
		return s[0];
	cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Write "<U+XXXX>" for an invisible formatting character; see utf8.h. */
size_t
utf8_visible(const unsigned char *s, size_t len, char *out)
{
	unsigned long cp;
	int n;

	if (len < 2)
		return 0;
	cp = utf8_decode(s, len);
	if (!((cp >= 0x202a && cp <= 0x202e) ||
		(cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
		cp == 0x200f || cp == 0x061c || cp == 0x2028 || cp == 0x2029 ||
		(cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff))
		return 0;
	n = snprintf(out, UTF8_VISIBLE_MAX, "<U+%04lX>", cp);
	return n > 0 ? (size_t)n : 0;
}
