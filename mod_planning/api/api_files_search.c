/* SPDX-License-Identifier: Apache-2.0 */
/* GET /projects/{id}/files/search?q=TEXT[&path=DIR][&case=0][&limit=N]:
 * lines holding TEXT (case=0: ASCII letters in either case) in the text
 * files below DIR, with the walker's rules (pl_files_search), capped at
 * limit matches (default 50, at most 200) and SEARCH_SECONDS. */
#include <string.h>

#include <apr_strings.h>

#include "api_files.h"
#include "core/pl_status.h"
#include "files/pl_files_search.h"
#include "projects/pl_confine.h"

#define SEARCH_SECONDS 5
#define Q_MAX 200

int api_files_search(mp_req_t *req)
{
    const char *root, *q, *rel;
    apr_table_t *args;
    api_file_t f;
    struct stat st;
    pl_files_search_opts_t o;
    apr_array_header_t *matches;
    pl_jsonw_t *w;
    int limit, offset, truncated, i;
    apr_status_t rv;

    if (!mp_request_paging(req, &args, &limit, &offset))
        return OK;
    q = apr_table_get(args, "q");
    if (!q || !*q || strlen(q) > Q_MAX)
        return mp_reply_error(req, HTTP_BAD_REQUEST, PL_ERR_VALIDATION,
                              "q (the text to find, 1 to 200 bytes) is required", "q");
    if (!api_files_root(req, &root) || !api_files_arg(req, "path", &rel)
        || !api_files_resolve(req, root, rel ? rel : "", API_FILES_READ, &f))
        return OK;
    if ((f.flags & PL_PROJECT_PATH_MISSING) || stat(f.abs, &st) != 0 || !S_ISDIR(st.st_mode))
        return mp_reply_error(req, HTTP_NOT_FOUND, PL_ERR_NOT_FOUND, "no such directory", "path");
    o.max_matches = limit;
    o.deadline = apr_time_now() + apr_time_from_sec(SEARCH_SECONDS);
    o.ignore_case = api_files_flag(req, "case") ? 0 : apr_table_get(args, "case") != NULL;
    if ((rv = pl_files_search(req->r->pool, root, f.rel, f.abs, q, &o, &matches, &truncated))
        != APR_SUCCESS)
        return api_files_fail(req, rv, "directory");
    w = mp_reply_writer(req, 256 + 256 * (apr_size_t)matches->nelts);
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "q", q);
    pl_jsonw_array(w, "items");
    for (i = 0; i < matches->nelts; i++) {
        const pl_files_match_t *m = &APR_ARRAY_IDX(matches, i, pl_files_match_t);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "path", m->path);
        pl_jsonw_int(w, "line", m->line);
        pl_jsonw_int(w, "column", m->column);
        pl_jsonw_str(w, "text", m->text);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_int(w, "total", matches->nelts);
    pl_jsonw_int(w, "limit", limit);
    pl_jsonw_bool(w, "truncated", truncated);
    pl_jsonw_end(w);
    return mp_reply_json(req, HTTP_OK, w);
}
