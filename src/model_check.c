/*
 * The check of a response before its parse: a scan that bounds its size
 * in JSON values before jansson builds it.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xmalloc.h"

/*
 * Count the values of a body by its separators and openers outside
 * strings: a value ends at a comma or a closing bracket, so commas plus
 * openers bound the values from above within one.  Linear, no allocation.
 */
int
model_prescan(const char *body, size_t len, char **cause)
{
	size_t i, values = 0;
	int in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (body[i] == '\\')
				i++;
			else if (body[i] == '"')
				in_string = 0;
			continue;
		}
		switch (body[i]) {
		case '"':
			in_string = 1;
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
