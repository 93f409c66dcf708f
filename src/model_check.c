/*
 * The checks of a response that are not a field's parse: a scan that
 * bounds its size in JSON values before jansson builds it, and the
 * Bugzilla error object.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

/* Recognise a Bugzilla error object; see model.h. */
int
model_error_from_json(const char *body, size_t len, long *code, char **message)
{
	json_t *root, *v;
	json_error_t jerr;
	int rc = 0;

	/* An error object is small; a big body is not worth a parse here. */
	if (len > MODEL_MAX_STRING)
		return 0;
	root = json_loadb(
	    body != NULL ? body : "", len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return 0;
	v = json_object_get(root, "code");
	if (json_is_object(root) &&
	    json_is_true(json_object_get(root, "error")) && v != NULL &&
	    json_is_integer(v) && json_integer_value(v) >= INT_MIN &&
	    json_integer_value(v) <= INT_MAX) {
		*code = (long)json_integer_value(v);
		v = json_object_get(root, "message");
		*message =
		    xstrdup(json_is_string(v) ? json_string_value(v) : "");
		rc = 1;
	}
	json_decref(root);
	return rc;
}
