/*
 * Private to the model's files: a parsed response body's tree.
 */
#ifndef MODEL_INT_H
#define MODEL_INT_H

#include <jansson.h>

struct arena;

/* A response body parsed once; see model.h. */
struct model_doc {
	struct arena *arena; /* where the tree lives, or NULL: json_decref */
	json_t *root;        /* an object */
};

/* The top-level object of doc. */
const json_t *model_doc_root(const struct model_doc *);

#endif
