/* SPDX-License-Identifier: Apache-2.0 */
/* The versions of a project's plan, rows of plan_versions (schema 16):
 * numbered per project from 1, each with its author (none for a change
 * found on disk), message, the Markdown and its SHA-256. */
#ifndef PL_PLAN_VERSIONS_H
#define PL_PLAN_VERSIONS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "core/pl_jsonw.h"
#include "db/pl_db.h"

typedef struct {
    apr_int64_t project_id;
    apr_int64_t n;
    apr_int64_t author_id;      /* 0: none (found on disk), or the account is gone */
    const char *author;         /* username, or NULL */
    const char *message;        /* or NULL */
    apr_int64_t restored_from;  /* the n it restored, or 0 */
    const char *markdown;       /* NULL where the list leaves it out */
    apr_int64_t bytes;
    const char *hash;
    const char *created_at;
} pl_plan_version_t;

/* Records v as the project's next version: sets v->n and v->created_at
 * (v->markdown, hash, bytes given). Two at once get different numbers.
 * unless_newest: when the newest version has v's hash already (a change on
 * disk that another request recorded first), *v becomes that one and
 * nothing is added. */
apr_status_t pl_plan_versions_add(pl_db_t *db, apr_pool_t *p, pl_plan_version_t *v,
                                  int unless_newest);

/* The newest version without its Markdown; PL_ENOTFOUND when none. */
apr_status_t pl_plan_versions_newest(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                     pl_plan_version_t **v);

/* Newest first, without the Markdown. */
apr_status_t pl_plan_versions_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                   int limit, int offset, apr_array_header_t **items,
                                   apr_int64_t *total);

/* Version n with its Markdown; PL_ENOTFOUND when none. */
apr_status_t pl_plan_versions_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                  apr_int64_t n, pl_plan_version_t **v);

/* Its fields into the open object (the Markdown when loaded). */
void pl_plan_version_write(pl_jsonw_t *w, const pl_plan_version_t *v);

#endif
