/* SPDX-License-Identifier: Apache-2.0 */
/* A user's defaults that every client (UI, CLI) starts from: the model
 * server, model, system prompt, temperature, theme and language. Only known
 * keys, each with its type; absent keys are null (theme: "system"). */
#ifndef PL_SETTINGS_H
#define PL_SETTINGS_H

#include "db/pl_db.h"
#include "core/pl_json.h"

/* Checks in and renders it as the canonical JSON text that is stored.
 * PL_EINVAL with *field and *why for the client. */
apr_status_t pl_settings_validate(const pl_json_t *in, apr_pool_t *p, const char **text,
                                  const char **field, const char **why);

/* The user's settings as the chats read them: NULL for each key not set. */
typedef struct {
    const char *server;         /* a model server's name (or id) to ask first */
    const char *model;
    const char *system_prompt;
    const char *language;
    const char *theme;          /* "light", "dark" or "system" */
    int has_temperature;
    double temperature;
} pl_settings_t;

/* The stored text rendered again (numbers in their shortest form, whatever
 * an older release stored), or the defaults when the user saved none. */
apr_status_t pl_settings_get(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char **text);
/* The same, read into *s. */
apr_status_t pl_settings_load(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, pl_settings_t **s);
apr_status_t pl_settings_put(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char *text);

#endif
