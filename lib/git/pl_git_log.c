/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_time.h"
#include "git/pl_git_diff.h"
#include "git/pl_git_log.h"
#include "git/pl_git_ref.h"

/* Times are RFC 3339 UTC, as everywhere in the API; the author's own
 * offset from UTC stays beside it, in minutes. */
static void write_sig(pl_jsonw_t *w, apr_pool_t *p, const char *key, const git_signature *s)
{
    pl_jsonw_object(w, key);
    pl_jsonw_str(w, "name", s ? s->name : NULL);
    pl_jsonw_str(w, "email", s ? s->email : NULL);
    pl_jsonw_str(w, "time", s ? pl_time_rfc3339(p, apr_time_from_sec(s->when.time)) : NULL);
    pl_jsonw_int(w, "offset_minutes", s ? s->when.offset : 0);
    pl_jsonw_end(w);
}

void pl_git_commit_write(pl_jsonw_t *w, apr_pool_t *p, git_commit *c)
{
    unsigned int i, n = git_commit_parentcount(c);

    pl_jsonw_str(w, "sha", pl_git_oid_str(p, git_commit_id(c)));
    pl_jsonw_str(w, "summary", git_commit_summary(c));
    pl_jsonw_str(w, "message", git_commit_message(c));
    write_sig(w, p, "author", git_commit_author(c));
    write_sig(w, p, "committer", git_commit_committer(c));
    pl_jsonw_array(w, "parents");
    for (i = 0; i < n; i++)
        pl_jsonw_str(w, NULL, pl_git_oid_str(p, git_commit_parent_id(c, i)));
    pl_jsonw_end(w);
}

/* The id of path in commit c's tree (zero when absent). */
static void path_id(git_commit *c, const char *path, git_oid *out)
{
    git_tree *tree;
    git_tree_entry *e;

    memset(out, 0, sizeof(*out));
    if (git_commit_tree(&tree, c) != 0)
        return;
    if (git_tree_entry_bypath(&e, tree, path) == 0) {
        git_oid_cpy(out, git_tree_entry_id(e));
        git_tree_entry_free(e);
    }
    git_tree_free(tree);
}

/* Whether c changed path: it differs from every parent (a merge that took
 * one side's version unchanged is left out, as git log does). */
static int touches(git_commit *c, const char *path)
{
    unsigned int i, n = git_commit_parentcount(c);
    git_oid mine, theirs;

    path_id(c, path, &mine);
    if (n == 0)
        return !git_oid_is_zero(&mine);
    for (i = 0; i < n; i++) {
        git_commit *parent;
        int same;

        if (git_commit_parent(&parent, c, i) != 0)
            return 1;
        path_id(parent, path, &theirs);
        same = git_oid_equal(&mine, &theirs);
        git_commit_free(parent);
        if (same)
            return 0;
    }
    return 1;
}

apr_status_t pl_git_log_write(pl_git_t *g, pl_jsonw_t *w, const char *path, int limit, int offset,
                              int *more, pl_git_fail_t *why)
{
    git_revwalk *walk;
    git_oid oid;
    int rc, seen = 0, written = 0;

    *more = 0;
    pl_jsonw_array(w, "items");
    if (git_repository_head_unborn(g->repo) == 1) {
        pl_jsonw_end(w);
        return APR_SUCCESS;     /* no commit yet: an empty history */
    }
    if ((rc = git_revwalk_new(&walk, g->repo)) != 0)
        return pl_git_failed(why, "walking the history", rc);
    PL_GIT_OWN(g->p, walk, git_revwalk_free);
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);   /* parents after children, even within a second */
    if ((rc = git_revwalk_push_head(walk)) != 0)
        return pl_git_failed(why, "reading HEAD", rc);
    while ((rc = git_revwalk_next(&oid, walk)) == 0) {
        git_commit *c;

        if ((rc = git_commit_lookup(&c, g->repo, &oid)) != 0)
            return pl_git_failed(why, "reading a commit", rc);
        if (!path || touches(c, path)) {
            if (written == limit) {
                *more = 1;
                git_commit_free(c);
                break;
            }
            if (seen++ >= offset) {
                pl_jsonw_object(w, NULL);
                pl_git_commit_write(w, g->p, c);
                pl_jsonw_end(w);
                written++;
            }
        }
        git_commit_free(c);
    }
    if (rc != 0 && rc != GIT_ITEROVER)
        return pl_git_failed(why, "walking the history", rc);
    pl_jsonw_end(w);
    return APR_SUCCESS;
}

apr_status_t pl_git_commit_find(pl_git_t *g, const char *sha, git_commit **out,
                                pl_git_fail_t *why)
{
    git_oid oid;
    size_t n = strlen(sha);
    int rc;

    if (!pl_git_sha_ok(sha) || git_oid_fromstrn(&oid, sha, n) != 0)
        return pl_git_fail(why, PL_ERR_COMMIT_NOT_FOUND, "no such commit", NULL);
    rc = git_commit_lookup_prefix(out, g->repo, &oid, n);
    if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC)
        return pl_git_fail(why, PL_ERR_COMMIT_NOT_FOUND,
                           rc == GIT_EAMBIGUOUS ? "the id is ambiguous: give more digits"
                                                : "no such commit", NULL);
    if (rc != 0)
        return pl_git_failed(why, "reading a commit", rc);
    PL_GIT_OWN(g->p, *out, git_commit_free);
    return APR_SUCCESS;
}

apr_status_t pl_git_commit_diff(pl_git_t *g, git_commit *c, git_diff **out, pl_git_fail_t *why)
{
    git_diff_options opts;
    git_tree *mine = NULL, *theirs = NULL;
    git_commit *parent = NULL;
    int rc;

    if ((rc = git_commit_tree(&mine, c)) != 0)
        return pl_git_failed(why, "reading a commit's tree", rc);
    PL_GIT_OWN(g->p, mine, git_tree_free);
    if (git_commit_parentcount(c) > 0) {
        if ((rc = git_commit_parent(&parent, c, 0)) != 0
            || (rc = git_commit_tree(&theirs, parent)) != 0) {
            git_commit_free(parent);
            return pl_git_failed(why, "reading a parent commit", rc);
        }
        git_commit_free(parent);
        PL_GIT_OWN(g->p, theirs, git_tree_free);
    }
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.max_size = PL_GIT_DIFF_MAX_BLOB;
    if ((rc = git_diff_tree_to_tree(out, g->repo, theirs, mine, &opts)) != 0)
        return pl_git_failed(why, "computing a commit's diff", rc);
    PL_GIT_OWN(g->p, *out, git_diff_free);
    return APR_SUCCESS;
}
