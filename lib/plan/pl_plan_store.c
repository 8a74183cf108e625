/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "plan/pl_plan.h"
#include "plan/pl_plan_file.h"
#include "plan/pl_plan_store.h"
#include "core/pl_status.h"
#include "projects/pl_confine.h"

/* Where the plan file is, or would be: a path inside dir, every link on
 * the way resolved and kept inside. */
static apr_status_t locate(apr_pool_t *p, pl_plan_current_t *cur, const char **why)
{
    const char *name = cur->name ? cur->name : PL_PLAN_FILE_NAME;
    int flags;

    return pl_project_path(p, cur->dir, name, strlen(name), &cur->path, &flags, why);
}

apr_status_t pl_plan_current(pl_db_t *db, apr_pool_t *p, apr_int64_t project_id,
                             const char *dir, pl_plan_current_t **out, const char **why)
{
    pl_plan_current_t *cur = apr_pcalloc(p, sizeof(*cur));
    pl_plan_version_t *newest = NULL, *v;
    apr_status_t rv;

    *why = NULL;
    *out = cur;
    cur->project_id = project_id;
    cur->dir = dir;
    cur->name = pl_plan_file_find(p, dir, 1);
    if (locate(p, cur, why) != APR_SUCCESS)
        return PL_EFORBIDDEN;
    rv = pl_plan_versions_newest(db, p, project_id, &newest);
    if (rv != APR_SUCCESS && rv != PL_ENOTFOUND)
        return rv;
    cur->version = newest ? newest->n : 0;
    if (!cur->name)
        return APR_SUCCESS;
    if ((rv = pl_plan_file_read(p, cur->path, 1, &cur->text, &cur->len)) != APR_SUCCESS) {
        *why = rv == PL_ETOOBIG ? "the plan file is larger than the plan size cap"
             : "the plan file cannot be read as a regular file";
        return rv;
    }
    cur->hash = pl_plan_file_hash(p, cur->text, cur->len);
    if (newest && !strcmp(newest->hash, cur->hash))
        return APR_SUCCESS;
    v = apr_pcalloc(p, sizeof(*v));
    v->project_id = project_id;
    v->message = PL_PLAN_FOUND_ON_DISK;
    v->markdown = cur->text;
    v->bytes = (apr_int64_t)cur->len;
    v->hash = cur->hash;
    if ((rv = pl_plan_versions_add(db, p, v, 1)) == APR_SUCCESS)
        cur->version = v->n;
    return rv;
}

apr_status_t pl_plan_save(pl_db_t *db, apr_pool_t *p, pl_plan_current_t *cur,
                          const char *text, apr_size_t len, pl_plan_version_t *v,
                          const char **why)
{
    apr_status_t rv;

    *why = NULL;
    if (len > PL_PLAN_MAX_BYTES)
        return PL_ETOOBIG;
    /* again, just before the write: a link may have been swapped in */
    if (locate(p, cur, why) != APR_SUCCESS)
        return PL_EFORBIDDEN;
    if ((rv = pl_plan_file_write(p, cur->path, text, len)) != APR_SUCCESS) {
        *why = "the plan file could not be written";
        return rv;
    }
    cur->name = cur->name ? cur->name : PL_PLAN_FILE_NAME;
    cur->text = apr_pstrmemdup(p, text, len);
    cur->len = len;
    cur->hash = pl_plan_file_hash(p, text, len);
    v->project_id = cur->project_id;
    v->markdown = cur->text;
    v->bytes = (apr_int64_t)len;
    v->hash = cur->hash;
    if ((rv = pl_plan_versions_add(db, p, v, 0)) == APR_SUCCESS)
        cur->version = v->n;
    return rv;
}
