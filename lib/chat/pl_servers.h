/* SPDX-License-Identifier: Apache-2.0 */
/* Model servers: what a valid one is, and their rows. */
#ifndef PL_SERVERS_H
#define PL_SERVERS_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_http.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "chat/pl_ollama.h"

typedef struct {
    apr_int64_t id;
    const char *name;
    const char *base_url;
    pl_server_kind_e kind;
    const char *api_key;      /* NULL: none; never written out */
    int priority;             /* higher is tried first */
    int enabled;
    const char *created_at;
    const char *updated_at;
} pl_server_t;

/* Applies a JSON body: whole (create) or partial (patch). The base URL is
 * parsed here; resolving and checking its addresses is the caller's (it
 * knows the allow-list). A base URL of another scheme, host or port drops
 * the stored API key unless the body sets api_key too: a key is never sent
 * to a host it was not given for. PL_EINVAL with *field and *why. */
apr_status_t pl_server_apply(pl_server_t *s, const pl_json_t *in, int whole, apr_pool_t *p,
                             const char **field, const char **why);

/* Public fields; has_api_key instead of the key. */
void pl_server_write(pl_jsonw_t *w, const pl_server_t *s);

apr_status_t pl_servers_insert(pl_db_t *db, apr_pool_t *p, pl_server_t *s);
apr_status_t pl_servers_update(pl_db_t *db, apr_pool_t *p, pl_server_t *s);
apr_status_t pl_servers_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t id);
apr_status_t pl_servers_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_server_t **ps);
/* Every server, best first: priority descending, then id. */
apr_status_t pl_servers_list(pl_db_t *db, apr_pool_t *p, int enabled_only,
                             apr_array_header_t **servers);

/* A request to server s, set up to reach the address its base URL resolves
 * to only if allow admits it (SECURITY.md 20): *hr is cleared and given the
 * base, the server's key, method, path and body; timeouts are the caller's.
 * PL_EINVAL and *why when the URL may not be reached. */
apr_status_t pl_servers_request(apr_pool_t *p, const pl_server_t *s,
                                const apr_array_header_t *allow, const char *method,
                                const char *path, const char *body, pl_http_req_t *hr,
                                const char **why);

#endif
