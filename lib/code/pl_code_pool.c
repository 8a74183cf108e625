/* SPDX-License-Identifier: Apache-2.0 */
#include <apr_allocator.h>
#include <apr_thread_mutex.h>

#include "code/pl_code_pool.h"

static apr_pool_t *with_allocator(apr_pool_t *parent, int locked)
{
    apr_allocator_t *alloc;
    apr_thread_mutex_t *mutex;
    apr_pool_t *pool;

    if (apr_allocator_create(&alloc) != APR_SUCCESS)
        return NULL;
    if (apr_pool_create_ex(&pool, parent, NULL, alloc) != APR_SUCCESS) {
        apr_allocator_destroy(alloc);
        return NULL;
    }
    apr_allocator_owner_set(alloc, pool);
    if (locked && apr_thread_mutex_create(&mutex, APR_THREAD_MUTEX_DEFAULT, pool) == APR_SUCCESS)
        apr_allocator_mutex_set(alloc, mutex);
    return pool;
}

apr_pool_t *pl_code_pool_private(apr_pool_t *parent)
{
    return with_allocator(parent, 0);
}

apr_pool_t *pl_code_pool_for_threads(apr_pool_t *parent)
{
    return with_allocator(parent, 1);
}
