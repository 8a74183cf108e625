/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>
#include <apr_uri.h>

#include "core/pl_path.h"
#include "git/pl_git_url.h"
#include "projects/pl_project.h"
#include "core/pl_status.h"
#include "core/pl_text.h"

#define F_NAME        "name"
#define F_DESCRIPTION "description"
#define F_LOCAL_PATH  "local_path"
#define F_REPO_URL    "repository_url"
#define F_STATUS      "status"

static const char *const KNOWN_FIELDS[] = {
    F_NAME, F_DESCRIPTION, F_LOCAL_PATH, F_REPO_URL, F_STATUS, NULL
};

static apr_status_t refuse(pl_invalid_t *inv, const char *field, const char *message)
{
    inv->field = field;
    inv->message = message;
    return PL_EINVAL;
}

int pl_project_status_valid(const char *status)
{
    return !strcmp(status, "active") || !strcmp(status, "archived");
}

/* https:// or ssh:// with a host, or scp-like user@host:path: the forms git
 * will later be allowed to fetch from. Nothing that git could read as an
 * option or a transport helper. */
/* The rules of a git remote (pl_git_url): what a clone of the project
 * will be asked to reach. */
static const char *url_problem(apr_pool_t *p, const char *url)
{
    pl_git_url_t *u;
    const char *why;

    return pl_git_url_parse(p, url, &u, &why) ? NULL : why;
}

/* Reads an optional string field: APR_SUCCESS with *out set (NULL for JSON
 * null when nullable), APR_ENOENT when absent. */
static apr_status_t string_field(const pl_json_t *in, const char *field, int nullable,
                                 const char **out, pl_invalid_t *inv)
{
    switch (pl_json_type_of(in, field)) {
    case PL_JSON_ABSENT:
        return APR_ENOENT;
    case PL_JSON_STRING:
        *out = pl_json_get_str(in, field);
        return APR_SUCCESS;
    case PL_JSON_NULL:
        if (nullable) {
            *out = NULL;
            return APR_SUCCESS;
        }
        /* fall through */
    default:
        return refuse(inv, field, nullable ? "must be a string or null" : "must be a string");
    }
}

apr_status_t pl_project_apply(pl_project_t *proj, const pl_json_t *in, pl_project_mode_e mode,
                              const apr_array_header_t *roots, apr_pool_t *p,
                              pl_invalid_t *inv)
{
    const char *unknown, *v, *why, *resolved;
    int whole = mode != PL_PROJECT_PATCH;
    apr_status_t rv;

    if (pl_json_type(in) != PL_JSON_OBJECT)
        return refuse(inv, NULL, "the body must be a JSON object");
    if ((unknown = pl_json_unknown_key(in, KNOWN_FIELDS)))
        return refuse(inv, apr_pstrdup(p, unknown), "is not a field of a project");

    rv = string_field(in, F_NAME, 0, &v, inv);
    if (rv == APR_SUCCESS) {
        if ((why = pl_text_line_problem(p, v, 1, PL_PROJECT_NAME_MAX)))
            return refuse(inv, F_NAME, why);
        proj->name = v;
    }
    else if (rv != APR_ENOENT)
        return rv;
    else if (whole)
        return refuse(inv, F_NAME, "is required");

    rv = string_field(in, F_DESCRIPTION, 0, &v, inv);
    if (rv == APR_SUCCESS) {
        if (pl_text_utf8_chars(v) > PL_PROJECT_DESCRIPTION_MAX)
            return refuse(inv, F_DESCRIPTION, "must be at most 10000 characters");
        proj->description = v;
    }
    else if (rv != APR_ENOENT)
        return rv;
    else if (whole)
        proj->description = "";

    rv = string_field(in, F_LOCAL_PATH, 0, &v, inv);
    if (rv == APR_SUCCESS) {
        if (pl_path_confine_dir(p, v, roots, &resolved, &why) != APR_SUCCESS)
            return refuse(inv, F_LOCAL_PATH, why);
        proj->local_path = resolved;
    }
    else if (rv != APR_ENOENT)
        return rv;
    else if (whole)
        return refuse(inv, F_LOCAL_PATH, "is required");

    rv = string_field(in, F_REPO_URL, 1, &v, inv);
    if (rv == APR_SUCCESS) {
        if (v && (why = url_problem(p, v)))
            return refuse(inv, F_REPO_URL, why);
        proj->repository_url = v;
    }
    else if (rv != APR_ENOENT)
        return rv;
    else if (whole)
        proj->repository_url = NULL;

    rv = string_field(in, F_STATUS, 0, &v, inv);
    if (rv == APR_SUCCESS) {
        if (!pl_project_status_valid(v))
            return refuse(inv, F_STATUS, "must be \"active\" or \"archived\"");
        proj->status = v;
    }
    else if (rv != APR_ENOENT)
        return rv;
    else if (mode == PL_PROJECT_CREATE)
        proj->status = "active";
    return APR_SUCCESS;
}

void pl_project_write(pl_jsonw_t *w, const pl_project_t *proj)
{
    pl_jsonw_int(w, "id", proj->id);
    pl_jsonw_str(w, F_NAME, proj->name);
    pl_jsonw_str(w, F_DESCRIPTION, proj->description);
    pl_jsonw_str(w, F_LOCAL_PATH, proj->local_path);
    pl_jsonw_str(w, F_REPO_URL, proj->repository_url);
    pl_jsonw_str(w, F_STATUS, proj->status);
    pl_jsonw_str(w, "created_at", proj->created_at);
    pl_jsonw_str(w, "updated_at", proj->updated_at);
    if (proj->owner_id)
        pl_jsonw_int(w, "owner_id", proj->owner_id);
    else
        pl_jsonw_str(w, "owner_id", NULL);
}
