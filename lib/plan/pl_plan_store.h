/* SPDX-License-Identifier: Apache-2.0 */
/* A project's plan as the API serves it: the file in its checkout (found
 * with pl_plan_file_find, confined with pl_project_path) and its versions
 * (pl_plan_versions). Reading it records a change made on disk outside the
 * API as a version with no author; saving writes the file atomically and
 * records the version with its author. The caller confines the project's
 * directory first (pl_project_confine). */
#ifndef PL_PLAN_STORE_H
#define PL_PLAN_STORE_H

#include "db/pl_db.h"
#include "plan/pl_plan_versions.h"

#define PL_PLAN_FOUND_ON_DISK "changed on disk outside the API"

typedef struct {
    apr_int64_t project_id;
    const char *dir;        /* the project's directory, confined */
    const char *name;       /* the plan file's name at dir, NULL when there is none */
    const char *path;       /* where it is, or would be written: resolved inside dir */
    char *text;             /* its bytes (NULL when none), NUL-terminated */
    apr_size_t len;
    const char *hash;       /* SHA-256 of text, NULL when none */
    apr_int64_t version;    /* the newest version's n after this read, 0: none */
} pl_plan_current_t;

/* Reads the plan of the project at dir and records it as a version when
 * its bytes differ from the newest one's. APR_SUCCESS also when there is
 * no plan file (cur->name NULL). PL_EFORBIDDEN when the plan file is a
 * symlink leading outside dir or nowhere (*why says so), PL_ETOOBIG when
 * it is over PL_PLAN_MAX_BYTES, PL_EINVAL when it is not a regular file. */
apr_status_t pl_plan_current(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                             const char *dir, pl_plan_current_t **cur, const char **why);

/* Writes text as the plan file of cur (creating MASTER_PLAN.md when there
 * was none) and records it as the next version of v's author, message and
 * restored_from; v->n is its number. PL_ETOOBIG over PL_PLAN_MAX_BYTES,
 * PL_EFORBIDDEN when the place leads outside dir, PL_EINVAL when a link or
 * directory stands there now; *why is set when the write failed. The file
 * is written before the row:
 * when the database fails after, the next read records it with no author. */
apr_status_t pl_plan_save(pl_db_t *db, apr_pool_t *p, pl_plan_current_t *cur,
                          const char *text, apr_size_t len, pl_plan_version_t *v,
                          const char **why);

#endif
