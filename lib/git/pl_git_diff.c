/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "git/pl_git_diff.h"

const char *pl_git_delta_name(git_delta_t status)
{
    switch (status) {
    case GIT_DELTA_ADDED:      return "added";
    case GIT_DELTA_DELETED:    return "deleted";
    case GIT_DELTA_MODIFIED:   return "modified";
    case GIT_DELTA_RENAMED:    return "renamed";
    case GIT_DELTA_COPIED:     return "copied";
    case GIT_DELTA_TYPECHANGE: return "typechange";
    case GIT_DELTA_UNTRACKED:  return "untracked";
    case GIT_DELTA_IGNORED:    return "ignored";
    case GIT_DELTA_CONFLICTED: return "conflicted";
    case GIT_DELTA_UNREADABLE: return "unreadable";
    default:                   return "unmodified";
    }
}

static const char *delta_path(const git_diff_delta *d)
{
    return d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
}

int pl_git_diff_count(git_diff *diff, size_t idx, pl_git_counts_t *c)
{
    git_patch *patch;
    size_t ctx, add = 0, del = 0;
    const git_diff_delta *d = git_diff_get_delta(diff, idx);
    int rc;

    if ((rc = git_patch_from_diff(&patch, diff, idx)) != 0)
        return rc;
    if (patch) {
        git_patch_line_stats(&ctx, &add, &del, patch);
        d = git_patch_get_delta(patch);
    }
    c->additions = (int)add;
    c->deletions = (int)del;
    c->binary = (d->flags & GIT_DIFF_FLAG_BINARY) != 0;
    git_patch_free(patch);
    return 0;
}

int pl_git_diff_counts(apr_pool_t *p, git_diff *diff, apr_hash_t **by_path)
{
    size_t i, n = git_diff_num_deltas(diff);

    *by_path = apr_hash_make(p);
    for (i = 0; i < n; i++) {
        pl_git_counts_t *c = apr_pcalloc(p, sizeof(*c));
        int rc;

        if ((rc = pl_git_diff_count(diff, i, c)) != 0)
            return rc;
        apr_hash_set(*by_path, apr_pstrdup(p, delta_path(git_diff_get_delta(diff, i))),
                     APR_HASH_KEY_STRING, c);
    }
    return 0;
}

/* One line of a hunk; end-of-file markers ("\ No newline") are left out. */
static void write_line(pl_jsonw_t *w, apr_pool_t *p, const git_diff_line *l)
{
    size_t len = l->content_len;
    char origin[2] = { l->origin, '\0' };

    if (l->origin != GIT_DIFF_LINE_CONTEXT && l->origin != GIT_DIFF_LINE_ADDITION
        && l->origin != GIT_DIFF_LINE_DELETION)
        return;
    if (len && l->content[len - 1] == '\n')
        len--;
    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "origin", origin);
    if (l->old_lineno > 0)
        pl_jsonw_int(w, "old_no", l->old_lineno);
    else
        pl_jsonw_str(w, "old_no", NULL);
    if (l->new_lineno > 0)
        pl_jsonw_int(w, "new_no", l->new_lineno);
    else
        pl_jsonw_str(w, "new_no", NULL);
    pl_jsonw_str(w, "content", apr_pstrndup(p, l->content, len));
    pl_jsonw_end(w);
}

/* The hunks of patch while *budget lasts; 1 when some were left out. */
static int write_hunks(pl_jsonw_t *w, apr_pool_t *p, git_patch *patch, apr_size_t *budget)
{
    size_t h, nh = git_patch_num_hunks(patch);
    int cut = 0;

    pl_jsonw_array(w, "hunks");
    for (h = 0; h < nh && !cut; h++) {
        const git_diff_hunk *hunk;
        size_t lines, i;
        char *header;

        if (git_patch_get_hunk(&hunk, &lines, patch, h) != 0)
            break;
        header = apr_pstrndup(p, hunk->header, hunk->header_len);
        header[strcspn(header, "\n")] = '\0';
        pl_jsonw_object(w, NULL);
        pl_jsonw_int(w, "index", (apr_int64_t)h);
        pl_jsonw_int(w, "old_start", hunk->old_start);
        pl_jsonw_int(w, "old_lines", hunk->old_lines);
        pl_jsonw_int(w, "new_start", hunk->new_start);
        pl_jsonw_int(w, "new_lines", hunk->new_lines);
        pl_jsonw_str(w, "header", header);
        pl_jsonw_array(w, "lines");
        for (i = 0; i < lines; i++) {
            const git_diff_line *l;

            if (git_patch_get_line_in_hunk(&l, patch, h, i) != 0)
                break;
            if (l->content_len > *budget) {
                cut = 1;
                break;
            }
            *budget -= l->content_len;
            write_line(w, p, l);
        }
        pl_jsonw_end(w);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    return cut || h < nh;
}

int pl_git_diff_write(pl_jsonw_t *w, apr_pool_t *p, git_diff *diff, int with_hunks,
                      apr_size_t max_bytes)
{
    size_t i, n = git_diff_num_deltas(diff);
    apr_size_t budget = max_bytes;
    apr_pool_t *scratch;
    int rc = 0, any_cut = 0;

    apr_pool_create(&scratch, p);
    pl_jsonw_array(w, "files");
    for (i = 0; i < n && i < PL_GIT_DIFF_MAX_FILES; i++) {
        git_patch *patch = NULL;
        const git_diff_delta *d;
        size_t ctx, add = 0, del = 0;

        if ((rc = git_patch_from_diff(&patch, diff, i)) != 0)
            break;
        d = patch ? git_patch_get_delta(patch) : git_diff_get_delta(diff, i);
        if (patch)
            git_patch_line_stats(&ctx, &add, &del, patch);
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "path", delta_path(d));
        pl_jsonw_str(w, "old_path", d->old_file.path);
        pl_jsonw_str(w, "status", pl_git_delta_name(d->status));
        pl_jsonw_bool(w, "binary", (d->flags & GIT_DIFF_FLAG_BINARY) != 0);
        pl_jsonw_int(w, "additions", (apr_int64_t)add);
        pl_jsonw_int(w, "deletions", (apr_int64_t)del);
        if (with_hunks) {
            int cut = patch ? write_hunks(w, scratch, patch, &budget) : 0;

            if (!patch) {
                pl_jsonw_array(w, "hunks");
                pl_jsonw_end(w);
            }
            pl_jsonw_bool(w, "truncated", cut);
            any_cut |= cut;
        }
        pl_jsonw_end(w);
        git_patch_free(patch);
        apr_pool_clear(scratch);
    }
    pl_jsonw_end(w);
    pl_jsonw_bool(w, "truncated", i < n || any_cut);
    apr_pool_destroy(scratch);
    return rc;
}

typedef struct {
    char *buf;
    apr_size_t len, max;
    int truncated;
} patch_out_t;

static int append_line(const git_diff_delta *d, const git_diff_hunk *h, const git_diff_line *l,
                       void *payload)
{
    patch_out_t *o = payload;
    int prefix = l->origin == GIT_DIFF_LINE_CONTEXT || l->origin == GIT_DIFF_LINE_ADDITION
                 || l->origin == GIT_DIFF_LINE_DELETION;
    apr_size_t need = l->content_len + (prefix ? 1 : 0);

    (void)d;
    (void)h;
    if (o->len + need > o->max) {
        o->truncated = 1;
        return GIT_EUSER;       /* stops the walk */
    }
    if (prefix)
        o->buf[o->len++] = l->origin;
    memcpy(o->buf + o->len, l->content, l->content_len);
    o->len += l->content_len;
    return 0;
}

int pl_git_diff_patch(apr_pool_t *p, git_diff *diff, apr_size_t max_bytes, const char **text,
                      apr_size_t *len, int *truncated)
{
    patch_out_t o = { apr_palloc(p, max_bytes + 1), 0, max_bytes, 0 };
    int rc = git_diff_print(diff, GIT_DIFF_FORMAT_PATCH, append_line, &o);

    if (rc != 0 && !(rc == GIT_EUSER && o.truncated))
        return rc;
    o.buf[o.len] = '\0';
    *text = o.buf;
    *len = o.len;
    *truncated = o.truncated;
    return 0;
}
