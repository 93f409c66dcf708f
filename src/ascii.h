/*
 * ASCII character classes and case, the same in every locale (ctype's
 * depend on it, and take an int that a negative char would overflow).
 */
#ifndef ASCII_H
#define ASCII_H

/* Return 1 for an ASCII digit. */
static inline int
ascii_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Return 1 for an ASCII letter. */
static inline int
ascii_isalpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Return 1 for an ASCII letter or digit. */
static inline int
ascii_isalnum(char c)
{
	return ascii_isalpha(c) || ascii_isdigit(c);
}

/* Return 1 for ASCII white space: space, tab, newline, VT, FF, CR. */
static inline int
ascii_isspace(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Lowercase an ASCII letter; other bytes are returned unchanged. */
static inline char
ascii_tolower(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	return c;
}

#endif
