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

/* Room for what utf8_visible writes: "<U+XXXX>" and a NUL. */
#define UTF8_VISIBLE_MAX 12

/*
 * Show a character that changes how the text around it displays while
 * showing nothing itself: given the valid sequence of len bytes at s,
 * write "<U+XXXX>" into out (UTF8_VISIBLE_MAX bytes) and return its length
 * when it is a bidirectional embedding, override or isolate (U+202A-202E,
 * U+2066-2069), a direction mark (U+200E, U+200F, U+061C), a line or
 * paragraph separator (U+2028, U+2029) or a zero-width character (U+200B-
 * U+200D, U+2060, U+FEFF); else return 0.  Every renderer of bug text for
 * people (the terminal, mail, Slack, the dashboard) calls it.
 */
size_t utf8_visible(const unsigned char *s, size_t len, char *out);

#endif
