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

/* The stored text, or the defaults when the user saved none. */
apr_status_t pl_settings_get(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char **text);
apr_status_t pl_settings_put(pl_db_t *db, apr_pool_t *p, apr_int64_t user_id, const char *text);

#endif
