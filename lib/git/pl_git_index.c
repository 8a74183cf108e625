/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_errors.h"
#include "git/pl_git_compare.h"
#include "git/pl_git_index.h"

static git_strarray strarray(const apr_array_header_t *paths)
{
    git_strarray a;

    a.strings = (char **)paths->elts;
    a.count = (size_t)paths->nelts;
    return a;
}

static apr_status_t open_index(pl_git_t *g, git_index **index, pl_git_fail_t *why)
{
    int rc = git_repository_index(index, g->repo);

    if (rc != 0)
        return pl_git_failed(why, "opening the index", rc);
    PL_GIT_OWN(g->p, *index, git_index_free);
    return APR_SUCCESS;
}

apr_status_t pl_git_stage(pl_git_t *g, const apr_array_header_t *paths, pl_git_fail_t *why)
{
    git_strarray ps = strarray(paths);
    git_index *index;
    apr_status_t rv;
    int rc;

    if ((rv = open_index(g, &index, why)) != APR_SUCCESS)
        return rv;
    /* add_all records new and changed files, update_all removed ones. */
    if ((rc = git_index_add_all(index, &ps, GIT_INDEX_ADD_DISABLE_PATHSPEC_MATCH, NULL, NULL)) != 0
        || (rc = git_index_update_all(index, &ps, NULL, NULL)) != 0
        || (rc = git_index_write(index)) != 0)
        return pl_git_failed(why, "staging", rc);
    return APR_SUCCESS;
}

/* The index entry of HEAD's version of a file. */
static int entry_from_head(const git_diff_file *f, git_index_entry *e)
{
    memset(e, 0, sizeof(*e));
    e->mode = f->mode;
    e->id = f->id;
    e->path = f->path;
    e->file_size = (uint32_t)f->size;
    return 0;
}

/* Literal: each staged change under the paths (HEAD -> index, matched
 * without globs) is undone entry by entry, where git_reset_default would
 * read the paths as patterns. */
apr_status_t pl_git_unstage(pl_git_t *g, const apr_array_header_t *paths, pl_git_fail_t *why)
{
    git_diff_options opts;
    git_index *index;
    git_tree *head;
    git_diff *diff;
    apr_status_t rv;
    size_t i, n;
    int rc;

    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    if ((rv = open_index(g, &index, why)) != APR_SUCCESS
        || (rv = pl_git_head_tree(g, &head, why)) != APR_SUCCESS)
        return rv;
    opts.pathspec = strarray(paths);
    opts.flags = GIT_DIFF_DISABLE_PATHSPEC_MATCH;
    if ((rc = git_diff_tree_to_index(&diff, g->repo, head, index, &opts)) != 0)
        return pl_git_failed(why, "reading the staged changes", rc);
    PL_GIT_OWN(g->p, diff, git_diff_free);
    n = git_diff_num_deltas(diff);
    for (i = 0; i < n; i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        git_index_entry e;

        if (d->status == GIT_DELTA_CONFLICTED)
            continue;           /* resolving a conflict is for git itself */
        if (d->status == GIT_DELTA_ADDED)
            rc = git_index_remove_bypath(index, d->new_file.path);
        else if (entry_from_head(&d->old_file, &e) == 0)
            rc = git_index_add(index, &e);
        if (rc != 0)
            return pl_git_failed(why, "unstaging", rc);
    }
    if ((rc = git_index_write(index)) != 0)
        return pl_git_failed(why, "writing the index", rc);
    return APR_SUCCESS;
}

/* The patch of the chosen hunks: file header as is, each chosen hunk with
 * its new_start moved by the hunks left out before it (libgit2 applies a
 * hunk exactly where its header says, with no fuzz). */
typedef struct {
    apr_array_header_t *text;       /* char */
    const apr_array_header_t *want; /* int */
    int hunk;                       /* the index of the current hunk, -1 before the first */
    int keep;
    int skipped_shift;              /* new - old lines of the hunks left out so far */
    int chosen;
} pick_t;

static void put(pick_t *k, const char *s, size_t n)
{
    while (n--)
        *(char *)apr_array_push(k->text) = *s++;
}

static int wanted(const apr_array_header_t *want, int h)
{
    int i;

    for (i = 0; i < want->nelts; i++)
        if (APR_ARRAY_IDX(want, i, int) == h)
            return 1;
    return 0;
}

static int pick_line(const git_diff_delta *d, const git_diff_hunk *h, const git_diff_line *l,
                     void *payload)
{
    pick_t *k = payload;
    char hdr[96];

    (void)d;
    if (l->origin == GIT_DIFF_LINE_FILE_HDR) {
        put(k, l->content, l->content_len);
        return 0;
    }
    if (l->origin == GIT_DIFF_LINE_HUNK_HDR) {
        k->hunk++;
        k->keep = wanted(k->want, k->hunk);
        if (!k->keep) {
            k->skipped_shift += h->new_lines - h->old_lines;
            return 0;
        }
        k->chosen++;
        apr_snprintf(hdr, sizeof(hdr), "@@ -%d,%d +%d,%d @@\n", h->old_start, h->old_lines,
                     h->new_start - k->skipped_shift, h->new_lines);
        put(k, hdr, strlen(hdr));
        return 0;
    }
    if (!k->keep)
        return 0;
    if (l->origin == GIT_DIFF_LINE_CONTEXT || l->origin == GIT_DIFF_LINE_ADDITION
        || l->origin == GIT_DIFF_LINE_DELETION)
        put(k, &l->origin, 1);
    put(k, l->content, l->content_len);
    return 0;
}

/* The chosen hunks of the one diff `what` names (the unstaged diff to
 * stage, the staged diff reversed to unstage: its old side is then the
 * index) applied to the index. side names the diff in messages. */
static apr_status_t apply_hunks(pl_git_t *g, const pl_git_compare_t *what,
                                const apr_array_header_t *hunks, const char *side,
                                pl_git_fail_t *why)
{
    pick_t k = { apr_array_make(g->p, 4096, 1), hunks, -1, 0, 0, 0 };
    git_diff *diff, *part;
    git_patch *patch;
    apr_status_t rv;
    int i, rc;

    if ((rv = pl_git_compare(g, what, &diff, why)) != APR_SUCCESS)
        return rv;
    if (git_diff_num_deltas(diff) != 1
        || git_diff_get_delta(diff, 0)->status != GIT_DELTA_MODIFIED)
        return pl_git_fail(why, PL_ERR_VALIDATION,
                           apr_psprintf(g->p, "path must be one tracked file with %s changes", side),
                           "path");
    if ((rc = git_patch_from_diff(&patch, diff, 0)) != 0)
        return pl_git_failed(why, apr_psprintf(g->p, "reading the %s changes", side), rc);
    PL_GIT_OWN(g->p, patch, git_patch_free);
    for (i = 0; i < hunks->nelts; i++)
        if (APR_ARRAY_IDX(hunks, i, int) < 0
            || (size_t)APR_ARRAY_IDX(hunks, i, int) >= git_patch_num_hunks(patch))
            return pl_git_fail(why, PL_ERR_VALIDATION,
                               apr_psprintf(g->p, "hunks must be indexes of the file's %s hunks", side),
                               "hunks");
    if (git_patch_get_delta(patch)->flags & GIT_DIFF_FLAG_BINARY)
        return pl_git_fail(why, PL_ERR_VALIDATION, "a binary file is staged whole", "path");
    if ((rc = git_patch_print(patch, pick_line, &k)) != 0)
        return pl_git_failed(why, "cutting the patch", rc);
    if (!k.chosen)
        return pl_git_fail(why, PL_ERR_VALIDATION, "hunks must name at least one hunk", "hunks");
    if ((rc = git_diff_from_buffer(&part, k.text->elts, (size_t)k.text->nelts)) != 0)
        return pl_git_failed(why, "reading the chosen hunks", rc);
    PL_GIT_OWN(g->p, part, git_diff_free);
    if ((rc = git_apply(g->repo, part, GIT_APPLY_LOCATION_INDEX, NULL)) != 0)
        return pl_git_fail(why, PL_ERR_CONFLICT,
                           "the hunks no longer apply to the index; read the diff again", NULL);
    return APR_SUCCESS;
}

apr_status_t pl_git_stage_hunks(pl_git_t *g, const char *path, const apr_array_header_t *hunks,
                                pl_git_fail_t *why)
{
    pl_git_compare_t what = { 0, NULL, NULL, path, 0, 0 };

    return apply_hunks(g, &what, hunks, "unstaged", why);
}

apr_status_t pl_git_unstage_hunks(pl_git_t *g, const char *path, const apr_array_header_t *hunks,
                                  pl_git_fail_t *why)
{
    pl_git_compare_t what = { 1, NULL, NULL, path, 0, 1 };

    return apply_hunks(g, &what, hunks, "staged", why);
}
