/* SPDX-License-Identifier: Apache-2.0 */
/* Model usage per user, model and day, summed from the stored replies. */
#ifndef PL_USAGE_H
#define PL_USAGE_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_jsonw.h"

typedef struct {
    const char *day;              /* YYYY-MM-DD, UTC */
    const char *model;
    apr_int64_t requests, tokens_in, tokens_out, generation_ns;
} pl_usage_t;

/* Days on or after since (YYYY-MM-DD), newest first. */
apr_status_t pl_usage_list(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char *since,
                           apr_array_header_t **rows);
void pl_usage_write(pl_jsonw_t *w, const pl_usage_t *u);

#endif
