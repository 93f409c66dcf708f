/*
 * libFuzzer target: any bytes through the whiteboard parser, the tag lookup,
 * the date arithmetic and the JSON rendering.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "whiteboard.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Parse one input (cut at its first NUL, as a C string is) and render it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct whiteboard wb;
	char *text, *json;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	whiteboard_parse_at(text, 1774000000, &wb);
	(void)whiteboard_has_tag(&wb, "revocation-delay");
	(void)whiteboard_has_tag(&wb, text);
	if (wb.has_next_update)
		(void)whiteboard_date_end(&wb.next_update, NULL);
	if (wb.has_close_on)
		(void)whiteboard_date_end(&wb.close_on, NULL);
	json = whiteboard_to_json(&wb);
	free(json);
	whiteboard_free(&wb);
	free(text);
	return 0;
}
