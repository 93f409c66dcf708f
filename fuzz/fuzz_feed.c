/*
 * libFuzzer target for the feed's text escapers: any bytes (cut at their
 * first NUL, as a C string is) through the iCalendar TEXT escape and the
 * line folding, and through the HTML escape.  A folded line longer than 75
 * octets, a raw CR or LF inside an escaped value, or a raw '<', '>' or
 * quote in the HTML output aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Abort unless folded is CRLF-ended lines of at most 75 octets, each
 * after the first starting with a space. */
static void
fuzz_feed_check_folded(const char *folded)
{
	const char *p = folded, *eol;
	int first = 1;

	while (*p != '\0') {
		eol = strstr(p, "\r\n");
		if (eol == NULL)
			abort(); /* every line ends in CRLF */
		if (eol - p > 75)
			abort();
		if (memchr(p, '\n', (size_t)(eol - p)) != NULL ||
		    memchr(p, '\r', (size_t)(eol - p)) != NULL)
			abort();
		if (!first && *p != ' ')
			abort(); /* a continuation starts with a space */
		first = 0;
		p = eol + 2;
	}
}

/* The libFuzzer entry point. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *esc, *line, *folded, *html;
	const char *p;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	esc = feed_ics_escape(text);
	if (strchr(esc, '\r') != NULL || strchr(esc, '\n') != NULL)
		abort(); /* a raw line end would start a new property */
	for (p = esc; *p != '\0'; p++) {
		if (*p == '\\') {
			if (strchr("\\;,nN", p[1]) == NULL || p[1] == '\0')
				abort();
			p++;
		} else if (*p == ';' || *p == ',')
			abort(); /* unescaped separators */
	}
	xasprintf(&line, "SUMMARY:%s", esc);
	folded = feed_ics_fold(line);
	fuzz_feed_check_folded(folded);
	free(folded);
	free(line);
	/* The raw text folded too: folding alone never makes a long line. */
	if (strchr(text, '\r') == NULL && strchr(text, '\n') == NULL) {
		folded = feed_ics_fold(text);
		fuzz_feed_check_folded(folded);
		free(folded);
	}
	free(esc);

	html = feed_html_escape(text);
	if (strpbrk(html, "<>\"'") != NULL)
		abort();
	for (p = html; (p = strchr(p, '&')) != NULL; p++) {
		if (strncmp(p, "&amp;", 5) != 0 && strncmp(p, "&lt;", 4) != 0 &&
		    strncmp(p, "&gt;", 4) != 0 &&
		    strncmp(p, "&quot;", 6) != 0 &&
		    strncmp(p, "&#39;", 5) != 0 &&
		    strncmp(p, "&#x27;", 6) != 0 &&
		    strncmp(p, "&apos;", 6) != 0)
			abort();
	}
	free(html);
	free(text);
	return 0;
}
