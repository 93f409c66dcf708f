/*
 * The check of a response before its parse: a scan that bounds its size
 * in JSON values before jansson builds it.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xmalloc.h"

/*
 * The index of the quote that closes the string whose text starts at i, or
 * len: the next quote not escaped, that is not after an odd run of
 * backslashes.  memchr skips the text (most of a response) a word at a time.
 */
static size_t
model_prescan_string(const char *body, size_t len, size_t i)
{
	const char *q;
	size_t at, bs;

	while (i < len) {
		q = memchr(body + i, '"', len - i);
		if (q == NULL)
			return len;
		at = (size_t)(q - body);
		bs = 0;
		while (at - bs > i && body[at - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			return at;
		i = at + 1;
	}
	return len;
}

/*
 * Count the values of a body by its separators and openers outside
 * strings: a value ends at a comma or a closing bracket, so commas plus
 * openers bound the values from above within one.  Linear, no allocation.
 */
int
model_prescan(const char *body, size_t len, char **cause)
{
	size_t i, values = 0;

	for (i = 0; i < len; i++) {
		switch (body[i]) {
		case '"':
			i = model_prescan_string(body, len, i + 1);
			break;
		case ',':
		case '[':
		case '{':
			values++;
			break;
		default:
			break;
		}
		if (values > MODEL_MAX_VALUES) {
			xasprintf(cause,
			    "model: the response holds more than %d JSON "
			    "values: refused",
			    MODEL_MAX_VALUES);
			return -1;
		}
	}
	return 0;
}
