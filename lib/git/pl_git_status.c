/* SPDX-License-Identifier: Apache-2.0 */
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

static const char *staged_name(unsigned int s)
{
    return s & GIT_STATUS_INDEX_NEW ? "added"
         : s & GIT_STATUS_INDEX_DELETED ? "deleted"
         : s & GIT_STATUS_INDEX_RENAMED ? "renamed"
         : s & GIT_STATUS_INDEX_TYPECHANGE ? "typechange"
         : s & GIT_STATUS_INDEX_MODIFIED ? "modified" : NULL;
}

static const char *unstaged_name(unsigned int s)
{
    return s & GIT_STATUS_WT_DELETED ? "deleted"
         : s & GIT_STATUS_WT_RENAMED ? "renamed"
         : s & GIT_STATUS_WT_TYPECHANGE ? "typechange"
         : s & GIT_STATUS_WT_MODIFIED ? "modified" : NULL;
}

static void write_counts(pl_jsonw_t *w, const char *key, apr_hash_t *counts, const char *path)
{
    const pl_git_counts_t *c = path ? apr_hash_get(counts, path, APR_HASH_KEY_STRING) : NULL;

    if (!c) {
        pl_jsonw_str(w, key, NULL);
        return;
    }
    pl_jsonw_object(w, key);
    pl_jsonw_int(w, "additions", c->additions);
    pl_jsonw_int(w, "deletions", c->deletions);
    pl_jsonw_bool(w, "binary", c->binary);
    pl_jsonw_end(w);
}

static const char *entry_path(const git_status_entry *e)
{
    const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;

    if (!d)
        return NULL;
    return d->new_file.path ? d->new_file.path : d->old_file.path;
}

/* The line counts on either side, by path. */
static apr_status_t count_lines(pl_git_t *g, apr_hash_t **staged, apr_hash_t **unstaged,
                                pl_git_fail_t *why)
{
    pl_git_compare_t s = { 1, NULL, NULL, NULL, 0 }, u = { 0, NULL, NULL, NULL, 1 };
    git_diff *ds, *du;
    apr_status_t rv;
    int rc;

    if ((rv = pl_git_compare(g, &s, &ds, why)) != APR_SUCCESS
        || (rv = pl_git_compare(g, &u, &du, why)) != APR_SUCCESS)
        return rv;
    if ((rc = pl_git_diff_counts(g->p, ds, staged)) != 0
        || (rc = pl_git_diff_counts(g->p, du, unstaged)) != 0)
        return pl_git_failed(why, "counting changed lines", rc);
    return APR_SUCCESS;
}

int pl_git_status_list(pl_git_t *g, git_status_options *opts, git_status_list **list)
{
    int rc;

    if (!g->refreshed) {
        opts->flags |= GIT_STATUS_OPT_UPDATE_INDEX;
        rc = git_status_list_new(list, g->repo, opts);
        opts->flags &= ~(unsigned int)GIT_STATUS_OPT_UPDATE_INDEX;
        g->refreshed = 1;
        if (rc == 0)
            return 0;
        git_error_clear();
    }
    return git_status_list_new(list, g->repo, opts);
}

apr_status_t pl_git_status_write(pl_git_t *g, pl_jsonw_t *w, pl_git_fail_t *why)
{
    git_status_options opts;
    git_status_list *list;
    git_commit *head;
    apr_hash_t *staged, *unstaged;
    apr_status_t rv;
    size_t i, n;
    int rc;

    if ((rv = pl_git_head_commit(g, &head, why)) != APR_SUCCESS)
        return rv;
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS
                 | GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
    if ((rc = pl_git_status_list(g, &opts, &list)) != 0)
        return pl_git_failed(why, "reading the status", rc);
    PL_GIT_OWN(g->p, list, git_status_list_free);
    if ((rv = count_lines(g, &staged, &unstaged, why)) != APR_SUCCESS)
        return rv;

    pl_jsonw_str(w, "branch", pl_git_current_branch(g));
    pl_jsonw_bool(w, "detached", git_repository_head_detached(g->repo) == 1);
    pl_jsonw_str(w, "head", head ? pl_git_oid_str(g->p, git_commit_id(head)) : NULL);
    write_upstream(g, w);
    n = git_status_list_entrycount(list);
    pl_jsonw_array(w, "files");
    for (i = 0; i < n && i < PL_GIT_STATUS_MAX_FILES; i++) {
        const git_status_entry *e = git_status_byindex(list, i);
        const char *path = entry_path(e);
        unsigned int s = e->status;

        if (!path || s == GIT_STATUS_CURRENT || (s & GIT_STATUS_IGNORED))
            continue;
        pl_jsonw_object(w, NULL);
        pl_jsonw_str(w, "path", path);
        pl_jsonw_str(w, "staged", staged_name(s));
        pl_jsonw_str(w, "unstaged", unstaged_name(s));
        pl_jsonw_bool(w, "untracked", (s & GIT_STATUS_WT_NEW) != 0);
        pl_jsonw_bool(w, "conflicted", (s & GIT_STATUS_CONFLICTED) != 0);
        write_counts(w, "staged_lines", staged, path);
        write_counts(w, "unstaged_lines", unstaged, path);
        pl_jsonw_end(w);
    }
    pl_jsonw_end(w);
    pl_jsonw_bool(w, "truncated", i < n);
    return APR_SUCCESS;
}
