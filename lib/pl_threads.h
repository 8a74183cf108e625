/* SPDX-License-Identifier: Apache-2.0 */
/* Chat threads and their messages. Messages form a tree: a thread shows the
 * branch that ends at its leaf. */
#ifndef PL_THREADS_H
#define PL_THREADS_H

#include <apr_tables.h>

#include "pl_db.h"
#include "pl_json.h"
#include "pl_jsonw.h"

typedef struct {
    apr_int64_t id;
    apr_int64_t user_id;
    apr_int64_t project_id;     /* 0: none */
    const char *title;
    const char *model;          /* NULL: none chosen */
    const char *system_prompt;
    const char *options;        /* canonical JSON object text */
    int pinned, archived;
    apr_int64_t leaf_id;        /* 0: no message yet */
    const char *created_at, *updated_at;
} pl_thread_t;

typedef struct {
    apr_int64_t id, thread_id, parent_id;   /* parent 0: a root */
    const char *role;           /* "user" or "assistant" */
    const char *content;
    const char *thinking;       /* NULL: none */
    const char *state;          /* "complete", "streaming", "incomplete" */
    const char *model;
    apr_int64_t server_id;
    apr_int64_t prompt_tokens, completion_tokens, total_ns, eval_ns;
    const char *error_code;     /* why it is incomplete */
    const char *created_at, *updated_at;
} pl_message_t;

/* Applies a JSON body (whole: create); PL_EINVAL with *field, *why. The
 * options are checked against the model options a chat may set. */
apr_status_t pl_thread_apply(pl_thread_t *t, const pl_json_t *in, int whole, apr_pool_t *p,
                             const char **field, const char **why);
void pl_thread_write(pl_jsonw_t *w, const pl_thread_t *t);
void pl_message_write(pl_jsonw_t *w, const pl_message_t *m);
/* What a message says, without its place in a thread: content, thinking,
 * state, model and, for a reply, its counts (a prompt test's reply). */
void pl_message_write_content(pl_jsonw_t *w, const pl_message_t *m);

apr_status_t pl_threads_insert(pl_db_t *db, apr_pool_t *p, pl_thread_t *t);
apr_status_t pl_threads_update(pl_db_t *db, apr_pool_t *p, pl_thread_t *t);
apr_status_t pl_threads_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t id);
/* PL_ENOTFOUND unless it exists and belongs to user_id. */
apr_status_t pl_threads_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, apr_int64_t user_id,
                            pl_thread_t **pt);
apr_status_t pl_threads_list(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                             apr_array_header_t **threads);

apr_status_t pl_messages_insert(pl_db_t *db, apr_pool_t *p, pl_message_t *m);
/* Stores what the reply became: content, thinking, state, counts. */
apr_status_t pl_messages_finish(pl_db_t *db, apr_pool_t *p, const pl_message_t *m);
/* The branch from the root to leaf_id, oldest first (empty for 0). */
apr_status_t pl_messages_branch(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id,
                                apr_int64_t leaf_id, apr_array_header_t **branch);
/* PL_ENOTFOUND unless message id is in thread_id. */
apr_status_t pl_messages_get(pl_db_t *db, apr_pool_t *p, apr_int64_t thread_id, apr_int64_t id,
                             pl_message_t **pm);

#endif
