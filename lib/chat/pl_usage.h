/* SPDX-License-Identifier: Apache-2.0 */
/* Model usage per user, day, source and model. Replies in threads are
 * summed from the stored messages (source "chat"); runs that leave no
 * message (the Ollama proxy's chat, generate and embed: "proxy"; a prompt's
 * test run: "prompt_test") are rows of usage_runs, recorded as they end.
 * A reply is counted in one place only. */
#ifndef PL_USAGE_H
#define PL_USAGE_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_jsonw.h"

#define PL_USAGE_CHAT        "chat"
#define PL_USAGE_PROXY       "proxy"
#define PL_USAGE_PROMPT_TEST "prompt_test"

typedef struct {
    const char *day;              /* YYYY-MM-DD, UTC */
    const char *source;           /* PL_USAGE_* */
    const char *model;
    apr_int64_t requests, tokens_in, tokens_out, generation_ns;
    apr_int64_t user_id;
} pl_usage_t;

/* Records one run outside the threads (source PL_USAGE_PROXY or
 * PL_USAGE_PROMPT_TEST); u->day and u->requests are not read: it is now,
 * and one. */
apr_status_t pl_usage_record(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                             const pl_usage_t *u);
/* Days on or after since (YYYY-MM-DD), newest first; in a day by model,
 * then source, then user. user_id 0: every user's. */
apr_status_t pl_usage_list(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char *since,
                           apr_array_header_t **rows);
void pl_usage_write(pl_jsonw_t *w, const pl_usage_t *u);

#endif
