/* SPDX-License-Identifier: Apache-2.0 */
/* Chat threads: what a valid one is, and their rows. Their messages are in
 * pl_messages.h. */
#ifndef PL_THREADS_H
#define PL_THREADS_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "chat/pl_messages.h"

#define PL_THREAD_TITLE_MAX 255       /* characters */
#define PL_THREAD_PROMPT_MAX 100000   /* characters of a system prompt */

typedef struct {
    apr_int64_t id;
    apr_int64_t user_id;
    apr_int64_t project_id;     /* 0: none */
    const char *title;
    int title_auto;             /* the title is empty or ours: a generated one may replace it */
    const char *model;          /* NULL: none chosen */
    const char *system_prompt;
    const char *options;        /* canonical JSON object text */
    int pinned, archived;
    apr_int64_t leaf_id;        /* 0: no message yet */
    const char *created_at, *updated_at;
} pl_thread_t;

/* Applies a JSON body (whole: create); PL_EINVAL with *field, *why. The
 * options are checked against the model options a chat may set. */
apr_status_t pl_thread_apply(pl_thread_t *t, const pl_json_t *in, int whole, apr_pool_t *p,
                             const char **field, const char **why);
/* The same checks without refusing other keys: for documents (an import)
 * whose other keys the caller knows. */
apr_status_t pl_thread_apply_fields(pl_thread_t *t, const pl_json_t *in, int whole, apr_pool_t *p,
                                    const char **field, const char **why);
/* Sets options.temperature when the thread's options have none. */
apr_status_t pl_thread_default_temperature(pl_thread_t *t, double temperature, apr_pool_t *p);
void pl_thread_write(pl_jsonw_t *w, const pl_thread_t *t);

/* Maps a row that starts with the thread's columns (PL_THREAD_COLUMNS). */
void *pl_thread_row(apr_pool_t *p, const char **row);
#define PL_THREAD_COLUMNS(t) t "id, " t "user_id, " t "project_id, " t "title, " t "title_auto, " \
    t "model, " t "system_prompt, " t "options, " t "pinned, " t "archived, " t "leaf_id, "       \
    t "created_at, " t "updated_at"
#define PL_THREAD_NCOLUMNS 13

apr_status_t pl_threads_insert(pl_db_t *db, apr_pool_t *p, pl_thread_t *t);
apr_status_t pl_threads_update(pl_db_t *db, apr_pool_t *p, pl_thread_t *t);
apr_status_t pl_threads_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t id);
/* PL_ENOTFOUND unless it exists and belongs to user_id. */
apr_status_t pl_threads_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, apr_int64_t user_id,
                            pl_thread_t **pt);
apr_status_t pl_threads_list(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id,
                             apr_array_header_t **threads);
/* Stores a generated title unless the user has named the thread meanwhile;
 * *stored says whether it was. */
apr_status_t pl_threads_set_auto_title(pl_db_t *db, apr_pool_t *p, apr_int64_t id,
                                       const char *title, int *stored);

#endif
