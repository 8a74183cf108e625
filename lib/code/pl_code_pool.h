/* SPDX-License-Identifier: Apache-2.0 */
/* Pools for the worker threads of the source analysis. Pools that share an
 * allocator must not be used from two threads at once, and APR destroys a
 * thread's pool from the thread itself when it exits; so each worker gets a
 * pool with an allocator of its own, and threads are created from a pool
 * whose allocator has a mutex. Both are children of the caller's pool, so
 * results allocated in them live as long as the caller asked. */
#ifndef PL_CODE_POOL_H
#define PL_CODE_POOL_H

#include <apr_pools.h>

/* Created by the thread that owns parent, before any worker starts. */
apr_pool_t *pl_code_pool_private(apr_pool_t *parent);
apr_pool_t *pl_code_pool_for_threads(apr_pool_t *parent);

#endif
