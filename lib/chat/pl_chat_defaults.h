/* SPDX-License-Identifier: Apache-2.0 */
/* What a chat in a project starts with: a preferred model server, a model,
 * a temperature and a system prompt, each used where the thread names none
 * of its own. */
#ifndef PL_CHAT_DEFAULTS_H
#define PL_CHAT_DEFAULTS_H

#include "auth/pl_settings.h"
#include "db/pl_db.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "chat/pl_threads.h"

typedef struct {
    apr_int64_t project_id;
    apr_int64_t server_id;      /* 0: none preferred */
    const char *model;          /* NULL: none */
    int has_temperature;
    double temperature;
    const char *system_prompt;  /* NULL: none */
    const char *updated_at;     /* NULL: never set */
} pl_chat_defaults_t;

/* Replaces d's values with the body's (absent or null: none). PL_EINVAL
 * with *field and *why; whether server_id names a server is the caller's. */
apr_status_t pl_chat_defaults_apply(pl_chat_defaults_t *d, const pl_json_t *in, apr_pool_t *p,
                                    const char **field, const char **why);
void pl_chat_defaults_write(pl_jsonw_t *w, const pl_chat_defaults_t *d);

/* The project's defaults; all empty when none were set. */
apr_status_t pl_chat_defaults_get(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                                  pl_chat_defaults_t **pd);
apr_status_t pl_chat_defaults_put(pl_db_t *db, apr_pool_t *p, pl_chat_defaults_t *d);

/* Gives t the defaults it has no value of its own for: model, system
 * prompt, options.temperature. */
apr_status_t pl_chat_defaults_fill(const pl_chat_defaults_t *d, pl_thread_t *t, apr_pool_t *p);
/* The same from a user's settings, which come after the project's: a new
 * thread takes what its request gives, then its project's defaults, then
 * the user's settings. */
apr_status_t pl_chat_defaults_fill_settings(const pl_settings_t *s, pl_thread_t *t, apr_pool_t *p);

#endif
