/* SPDX-License-Identifier: Apache-2.0 */
/* The audit trail: who did what to whom, from where, and whether it worked.
 * Never a password, token or key in it. */
#ifndef PL_AUDIT_H
#define PL_AUDIT_H

#include <apr_tables.h>

#include "db/pl_db.h"
#include "core/pl_jsonw.h"

typedef struct {
    apr_int64_t id;
    const char *at;
    apr_int64_t actor_id;      /* 0: none (a failed login by an unknown name) */
    const char *actor;         /* the name given or known */
    const char *action;        /* "auth.login", "key.create", "user.role" ... */
    const char *target_type;   /* "user", "key", ... or NULL */
    const char *target_id;
    const char *client_ip;
    int success;
    const char *details;       /* a JSON object as text, or NULL */
} pl_audit_t;

apr_status_t pl_audit_record(pl_db_t *db, apr_pool_t *p, const pl_audit_t *entry);

typedef struct {
    const char *action;        /* NULL: any */
    apr_int64_t actor_id;      /* 0: any */
    const char *outcome;       /* "success", "failure" or NULL */
    const char *since;         /* RFC 3339 or NULL */
    int limit, offset;
} pl_audit_filter_t;

/* Newest first. */
apr_status_t pl_audit_list(pl_db_t *db, apr_pool_t *p, const pl_audit_filter_t *f,
                           apr_array_header_t **entries, apr_int64_t *total);

void pl_audit_write(pl_jsonw_t *w, const pl_audit_t *entry);

#endif
