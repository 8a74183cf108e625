/* SPDX-License-Identifier: Apache-2.0 */
/* The webhook tables (schema 17): a project's sealed secret and the
 * deliveries received with their outcome. */
#ifndef PL_HOOK_STORE_H
#define PL_HOOK_STORE_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_jsonw.h"

/* What became of a verified delivery. */
#define PL_HOOK_QUEUED      "analysis_queued"
#define PL_HOOK_PULL_QUEUED "pull_queued"        /* a git.pull job; the analysis follows it */
#define PL_HOOK_BUSY        "analysis_busy"      /* one was already queued or running */
#define PL_HOOK_IGNORED     "ignored_branch"
#define PL_HOOK_DUPLICATE   "duplicate"
#define PL_HOOK_PING        "ping"
#define PL_HOOK_UNSUPPORTED "unsupported_event"
#define PL_HOOK_BAD_PAYLOAD "invalid_payload"
#define PL_HOOK_RECEIVED    "received"           /* recorded, not yet decided */

typedef struct {
    apr_int64_t id, project_id, analysis_id;     /* analysis_id 0: none */
    const char *provider, *event, *delivery_id;  /* event, delivery_id: NULL when not sent */
    const char *received_at, *outcome, *detail;
} pl_hook_delivery_t;

/* Stores (or replaces) the project's sealed secret. */
apr_status_t pl_hook_secret_put(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                const char *sealed);
/* The sealed secret and when it was made; PL_ENOTFOUND when none. */
apr_status_t pl_hook_secret_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                const char **sealed, const char **created_at);

/* Records d (fills id and received_at). The first row of a delivery id
 * claims it: PL_ECONFLICT when the project already has a delivery of that
 * provider and id, and then nothing is written. */
apr_status_t pl_hook_delivery_claim(pl_db_t *db, apr_pool_t *p, pl_hook_delivery_t *d);
/* Records d as a row that claims nothing (a duplicate). */
apr_status_t pl_hook_delivery_note(pl_db_t *db, apr_pool_t *p, pl_hook_delivery_t *d);
/* Sets the outcome, detail and analysis of d's row. */
apr_status_t pl_hook_delivery_decide(pl_db_t *db, apr_pool_t *p, const pl_hook_delivery_t *d);

/* A page of the project's deliveries, newest first, and their total. */
apr_status_t pl_hook_delivery_list(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                   int limit, int offset, apr_array_header_t **items,
                                   apr_int64_t *total);

/* The delivery as the object w has open. */
void pl_hook_delivery_write(pl_jsonw_t *w, const pl_hook_delivery_t *d);

#endif
