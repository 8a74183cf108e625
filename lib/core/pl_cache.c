/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "core/pl_cache.h"

typedef struct {
    apr_int64_t revision;
    apr_size_t len;
    char *val;
} entry_t;

struct pl_cache_t {
    apr_size_t max_bytes, used;
    apr_pool_t *store;           /* entries and keys; cleared when full */
    apr_hash_t *entries;
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock;
#endif
};

static void lock(pl_cache_t *c)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(c->lock);
#endif
}

static void unlock(pl_cache_t *c)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(c->lock);
#endif
}

apr_status_t pl_cache_create(pl_cache_t **pcache, apr_pool_t *p, apr_size_t max_bytes)
{
    pl_cache_t *c = apr_pcalloc(p, sizeof(*c));
    apr_allocator_t *a;
    apr_status_t rv;

    c->max_bytes = max_bytes;
    /* An allocator of its own: the store is used by every request thread
     * (under c->lock), while p's allocator (httpd's pchild) has no mutex
     * and other threads allocate from it at the same time (mod_dbd makes
     * its connections' pools there); sharing it corrupted its free lists. */
    if ((rv = apr_allocator_create(&a)) != APR_SUCCESS)
        return rv;
    if ((rv = apr_pool_create_ex(&c->store, p, NULL, a)) != APR_SUCCESS) {
        apr_allocator_destroy(a);
        return rv;
    }
    apr_allocator_owner_set(a, c->store);
    c->entries = apr_hash_make(c->store);
#if APR_HAS_THREADS
    if ((rv = apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, p)) != APR_SUCCESS)
        return rv;
#endif
    *pcache = c;
    return APR_SUCCESS;
}

const char *pl_cache_get(pl_cache_t *c, const char *key, apr_int64_t revision,
                         apr_pool_t *p, apr_size_t *len)
{
    const char *copy = NULL;
    entry_t *e;

    if (!c->max_bytes)
        return NULL;
    lock(c);
    e = apr_hash_get(c->entries, key, APR_HASH_KEY_STRING);
    if (e && e->revision == revision) {
        copy = apr_pmemdup(p, e->val, e->len + 1);
        *len = e->len;
    }
    unlock(c);
    return copy;
}

void pl_cache_put(pl_cache_t *c, const char *key, apr_int64_t revision,
                  const char *val, apr_size_t len)
{
    apr_size_t need = len + strlen(key) + sizeof(entry_t) + 64;
    entry_t *e;

    if (need > c->max_bytes)
        return;
    lock(c);
    if (c->used + need > c->max_bytes) {
        apr_pool_clear(c->store);
        c->entries = apr_hash_make(c->store);
        c->used = 0;
    }
    e = apr_palloc(c->store, sizeof(*e));
    e->revision = revision;
    e->len = len;
    /* val need not end in a NUL at len: copy len bytes, then add one */
    e->val = apr_palloc(c->store, len + 1);
    memcpy(e->val, val, len);
    e->val[len] = '\0';
    apr_hash_set(c->entries, apr_pstrdup(c->store, key), APR_HASH_KEY_STRING, e);
    c->used += need;
    unlock(c);
}
