/*
 * UTF-8 sequence checking, shared by every module that cleans untrusted
 * text (log, report, feed, notify).
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

/*
 * The length (1 to 4) of the valid UTF-8 sequence at s, reading at most n
 * bytes (n >= 1), or 0 if the sequence is invalid: a bad lead or
 * continuation byte, an overlong form, a surrogate (U+D800 to U+DFFF), a
 * code point beyond U+10FFFF, or one cut short by n.  For NUL-terminated
 * text a caller may pass the remaining length or SIZE_MAX: a NUL never
 * continues a sequence, so no byte past it is read.
 */
size_t utf8_len(const unsigned char *s, size_t n);

#endif
