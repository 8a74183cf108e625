/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded, thread-safe cache of rendered replies, one per process. Each
 * value is stored with the revision of the data it was rendered from and is
 * served only to a reader that finds the same revision in the database, so
 * it never outlives a write made by any process or host. When full it is
 * emptied at once: rendering again is cheap, bookkeeping per entry is not. */
#ifndef PL_CACHE_H
#define PL_CACHE_H

#include <apr_pools.h>

typedef struct pl_cache_t pl_cache_t;

/* max_bytes bounds the stored values; 0 makes a cache that keeps nothing. */
apr_status_t pl_cache_create(pl_cache_t **pcache, apr_pool_t *p, apr_size_t max_bytes);

/* A copy in p of the value stored under key for revision, or NULL. */
const char *pl_cache_get(pl_cache_t *cache, const char *key, apr_int64_t revision,
                         apr_pool_t *p, apr_size_t *len);

void pl_cache_put(pl_cache_t *cache, const char *key, apr_int64_t revision,
                  const char *val, apr_size_t len);

#endif
