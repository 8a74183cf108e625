/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "git/pl_git_compare.h"
#include "git/pl_git_diff.h"
#include "git/pl_git_status.h"

const char *pl_git_current_branch(pl_git_t *g)
{
    git_reference *head;
    const char *target, *name = NULL;

    if (git_reference_lookup(&head, g->repo, "HEAD") != 0)
        return NULL;
    target = git_reference_symbolic_target(head);
    if (target && !strncmp(target, "refs/heads/", 11))
        name = apr_pstrdup(g->p, target + 11);
    git_reference_free(head);
    return name;
}

/* upstream, ahead and behind of the current branch (null when none). */
static void write_upstream(pl_git_t *g, pl_jsonw_t *w)
{
    git_reference *head = NULL, *up = NULL;
    size_t ahead = 0, behind = 0;
    int known = 0;

    if (git_repository_head(&head, g->repo) == 0 && git_reference_is_branch(head)
        && git_branch_upstream(&up, head) == 0) {
        const git_oid *l = git_reference_target(head), *r = git_reference_target(up);

        known = l && r && git_graph_ahead_behind(&ahead, &behind, g->repo, l, r) == 0;
        pl_jsonw_str(w, "upstream", git_reference_shorthand(up));
    }
    else
        pl_jsonw_str(w, "upstream", NULL);
    if (known) {
        pl_jsonw_int(w, "ahead", (apr_int64_t)ahead);
        pl_jsonw_int(w, "behind", (apr_int64_t)behind);
    }
    else {
        pl_jsonw_str(w, "ahead", NULL);
        pl_jsonw_str(w, "behind", NULL);
    }
    git_reference_free(up);
    git_reference_free(head);
}

/* The line counts of the delta at idx - 1 of diff (none: idx 0), counted
 * only now: a file beyond the list's cap costs nothing. */
static int write_counts(pl_jsonw_t *w, const char *key, git_diff *diff, size_t idx)
{
    pl_git_counts_t c;
    int rc;

    if (!idx) {
        pl_jsonw_str(w, key, NULL);
        return 0;
    }
    if ((rc = pl_git_diff_count(diff, idx - 1, &c)) != 0)
        return rc;
    pl_jsonw_object(w, key);
    pl_jsonw_int(w, "additions", c.additions);
    pl_jsonw_int(w, "deletions", c.deletions);
    pl_jsonw_bool(w, "binary", c.binary);
    pl_jsonw_end(w);
    return 0;
}

/* What changed in one file, on either side. */
typedef struct {
    const char *path;
    const char *staged;         /* HEAD -> index: "added", "modified", ... or NULL */
    const char *unstaged;       /* index -> work tree */
    int untracked;
    int conflicted;
    size_t staged_at;           /* its delta in either diff, + 1 (0: none) */
    size_t unstaged_at;
} change_t;

/* A delta's name for one side; a path met twice on one side is a change of
 * kind (a file become a link: libgit2 gives a deletion and an addition). */
static const char *side_name(const char *had, git_delta_t status)
{
    return had ? "typechange" : pl_git_delta_name(status);
}

/* by path, as git status sorts */
static int by_path(const void *a, const void *b)
{
    return strcmp((*(change_t *const *)a)->path, (*(change_t *const *)b)->path);
}

/* The changes of one side (staged: HEAD -> index) into out, one per path. */
static void collect(apr_pool_t *p, git_diff *diff, int staged, apr_hash_t *seen,
                    apr_array_header_t *out)
{
    size_t i, n = git_diff_num_deltas(diff);

    for (i = 0; i < n; i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        const char *path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
        change_t *c = apr_hash_get(seen, path, APR_HASH_KEY_STRING);

        if (d->status == GIT_DELTA_UNMODIFIED || d->status == GIT_DELTA_IGNORED
            || d->status == GIT_DELTA_UNREADABLE)
            continue;
        if (!c) {
            c = apr_pcalloc(p, sizeof(*c));
            c->path = path;
            apr_hash_set(seen, path, APR_HASH_KEY_STRING, c);
            APR_ARRAY_PUSH(out, change_t *) = c;
        }
        if (staged)
            c->staged_at = i + 1;
        else
            c->unstaged_at = i + 1;
        if (d->status == GIT_DELTA_CONFLICTED)
            c->conflicted = 1;
        else if (d->status == GIT_DELTA_UNTRACKED)
            c->untracked = 1;
        else if (staged)
            c->staged = side_name(c->staged, d->status);
        else
            c->unstaged = side_name(c->unstaged, d->status);
    }
}

/* The status is the two diffs the line counts need, HEAD -> index and
 * index -> work tree (with untracked files), merged by path: what
 * git_status_list_new computes, so asking it as well walked the work tree
 * (an lstat of every file) and compared HEAD with the index twice. Lines
 * are counted for the files listed only (PL_GIT_STATUS_MAX_FILES): a
 * count reads the file and its blob. */
apr_status_t pl_git_status_write(pl_git_t *g, pl_jsonw_t *w, pl_git_fail_t *why)
{
    pl_git_compare_t s = { 1, NULL, NULL, NULL, 0, 0 }, u = { 0, NULL, NULL, NULL, 1, 0 };
    git_diff *ds, *du;
    git_commit *head;
    apr_hash_t *seen = apr_hash_make(g->p);
    apr_array_header_t *changes = apr_array_make(g->p, 64, sizeof(change_t *));
    apr_status_t rv;
    int i, rc;

    if ((rv = pl_git_head_commit(g, &head, why)) != APR_SUCCESS
        || (rv = pl_git_compare(g, &s, &ds, why)) != APR_SUCCESS
        || (rv = pl_git_compare(g, &u, &du, why)) != APR_SUCCESS)
        return rv;
    collect(g->p, ds, 1, seen, changes);
    collect(g->p, du, 0, seen, changes);
    qsort(changes->elts, (size_t)changes->nelts, sizeof(change_t *), by_path);

    pl_jsonw_str(w, "branch", pl_git_current_branch(g));
    pl_jsonw_bool(w, "detached", git_repository_head_detached(g->repo) == 1);
    pl_jsonw_str(w, "head", head ? pl_git_oid_str(g->p, git_commit_id(head)) : NULL);
    write_upstream(g, w);
    pl_jsonw_array(w, "files");
    for (i = 0; i < changes->nelts && i < PL_GIT_STATUS_MAX_FILES; i++) {
        const change_t *c = APR_ARRAY_IDX(changes, i, change_t *);

        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "path", c->path);
        pl_jsonw_str(w, "staged", c->conflicted ? NULL : c->staged);
        pl_jsonw_str(w, "unstaged", c->conflicted ? NULL : c->unstaged);
        pl_jsonw_bool(w, "untracked", c->untracked);
        pl_jsonw_bool(w, "conflicted", c->conflicted);
        if ((rc = write_counts(w, "staged_lines", ds, c->staged_at)) != 0
            || (rc = write_counts(w, "unstaged_lines", du, c->unstaged_at)) != 0)
            return pl_git_failed(why, "counting changed lines", rc);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_bool(w, "truncated", i < changes->nelts);
    return APR_SUCCESS;
}
