/*
 * libFuzzer target: any bytes as a comment through the Markdown scanner and
 * the policy engine's readers of it (questions, report sections, closure
 * summaries), and as a bug summary through the CA owner and key.  Aborts
 * when a line points outside the text, when the lines overlap or go
 * backwards, when a count is out of its range, or when a key holds
 * anything but lowercase letters and digits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "caname.h"
#include "markdown.h"
#include "policy.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Check the scanner's lines against the text they point into. */
static void
fuzz_check_lines(const char *text, size_t len)
{
	struct markdown md;
	struct markdown_label label;
	const char *prev = text;
	size_t i, at;

	markdown_scan(text, &md);
	for (i = 0; i < md.n; i++) {
		if (md.lines[i].s < prev ||
		    md.lines[i].s + md.lines[i].len > text + len ||
		    (int)md.lines[i].kind < MARKDOWN_BLANK ||
		    md.lines[i].kind > MARKDOWN_INDENTED)
			abort();
		prev = md.lines[i].s + md.lines[i].len;
		at = markdown_prose_find(md.lines[i].s, md.lines[i].len, '?');
		if (at > md.lines[i].len ||
		    (at < md.lines[i].len && md.lines[i].s[at] != '?'))
			abort();
		if (markdown_label(md.lines[i].s, md.lines[i].len, &label) ==
			0 &&
		    (label.text < md.lines[i].s ||
			label.text + label.len >
			    md.lines[i].s + md.lines[i].len))
			abort();
	}
	markdown_free(&md);
}

/* The CA owner of text as a summary, and its key. */
static void
fuzz_check_owner(const char *text)
{
	char *owner = caname_owner(text), *key, *p;

	key = caname_key(owner != NULL ? owner : text);
	for (p = key; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			abort();
	free(key);
	free(owner);
}

/* Scan one input (cut at its first NUL, as a C string is). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	int n;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_check_lines(text, strlen(text));
	fuzz_check_owner(text);
	(void)policy_text_asks(text);
	(void)policy_is_closure_summary(text);
	n = policy_report_sections(text, 0);
	if (n < 0 || n > 8)
		abort();
	n = policy_report_sections(text, 1);
	if (n < 0 || n > 7)
		abort();
	free(text);
	return 0;
}
