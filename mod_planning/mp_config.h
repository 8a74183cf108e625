/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MP_CONFIG_H
#define MP_CONFIG_H

#include "mp_module.h"
#include "pl_cache.h"

#define MP_UNSET (-1)

#define MP_DEFAULT_MAX_BODY      (1024 * 1024)
#define MP_DEFAULT_JSON_DEPTH    32
#define MP_DEFAULT_BUSY_TIMEOUT  5000
#define MP_DEFAULT_CACHE_SIZE    (4 * 1024 * 1024)

/* What this child process knows about its database: checked on first use,
 * then trusted (migrations only move forward). */
typedef struct {
    volatile int schema_ok;
    volatile int schema_logged;
    pl_cache_t *pages;          /* rendered list pages, created in child_init */
} mp_runtime_t;

typedef struct {
    apr_array_header_t *roots;  /* canonical const char *; NULL: unset */
    apr_off_t max_body;
    int json_depth;
    int busy_timeout_ms;
    apr_off_t cache_size;
    mp_runtime_t *rt;
} mp_sconf_t;

extern const command_rec mp_config_cmds[];

void *mp_config_create(apr_pool_t *p, server_rec *s);
void *mp_config_merge(apr_pool_t *p, void *basev, void *addv);
const mp_sconf_t *mp_config_get(const server_rec *s);

/* Fills in defaults; logs what an admin should know. */
int mp_config_post(apr_pool_t *p, server_rec *s);
/* Creates each server's per-process state. */
void mp_config_child_init(apr_pool_t *p, server_rec *s);

#endif
