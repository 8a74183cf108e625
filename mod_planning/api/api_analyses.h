/* SPDX-License-Identifier: Apache-2.0 */
/* What the handlers of analyses and of their results share. */
#ifndef API_ANALYSES_H
#define API_ANALYSES_H

#include "api.h"
#include "analyses/pl_analyses.h"

/* The revision-based ETag of everything analyses serve: sets ETag, answers
 * 304 or a page this process rendered at the same revision. Returns 1 when
 * the handler must render (then *rev and *key go to api_analyses_cache_end),
 * 0 after a reply. */
int api_analyses_cache_begin(mp_req_t *req, apr_int64_t *rev, const char **key);
/* Keeps the page and sends it (200). */
int api_analyses_cache_end(mp_req_t *req, apr_int64_t rev, const char *key, pl_jsonw_t *w);

#endif
