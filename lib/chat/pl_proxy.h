/* SPDX-License-Identifier: Apache-2.0 */
/* The pure parts of the Ollama-compatible proxy (/ollama/api/...): what a
 * request must hold before it is passed on, the model lists of several
 * servers merged into one, versions put in order, and the line that ends a
 * failed stream. Everything here speaks Ollama's protocol, both ways. */
#ifndef PL_PROXY_H
#define PL_PROXY_H

#include <apr_pools.h>

#include "core/pl_json.h"

#define PL_PROXY_MODEL_MAX 255   /* bytes of a model name */

/* The model a request names ("model", or "name", which Ollama also takes)
 * and whether its reply streams ("stream", true unless false, as Ollama
 * has it; stream NULL for requests that never stream, where Ollama ignores
 * the field). PL_EINVAL and *why, in Ollama's words where it has them, for
 * a request Ollama would refuse. */
apr_status_t pl_proxy_request(const pl_json_t *body, const char **model, int *stream,
                              const char **why);

/* Model lists (/api/tags, /api/ps) of several servers as one: each name
 * once, from the first server that lists it (servers are added best
 * first), the entry as that server wrote it. */
typedef struct pl_proxy_list_t pl_proxy_list_t;

pl_proxy_list_t *pl_proxy_list_create(apr_pool_t *p);
/* The same for OpenAI's /v1/models: {"object":"list","data":[...]}, each
 * entry named by its "id". */
pl_proxy_list_t *pl_proxy_list_create_openai(apr_pool_t *p);
/* Adds one server's reply. PL_EUPSTREAM and *why when it is not a list. */
apr_status_t pl_proxy_list_add(pl_proxy_list_t *l, const char *body, apr_size_t len,
                               const char **why);
/* The entry named name (with ":latest" when it has no tag), as JSON text, or NULL. */
const char *pl_proxy_list_find(const pl_proxy_list_t *l, const char *name);
/* {"models":[...]}, NUL-terminated. */
const char *pl_proxy_list_text(pl_proxy_list_t *l, apr_size_t *len);

/* Negative, zero or positive as version a is older than, the same as or
 * newer than b: "0.12.6", "v0.5.1", "0.6.0-rc2" (a pre-release is older
 * than its release). Text that is not a version sorts first. */
int pl_proxy_version_cmp(const char *a, const char *b);

#endif
