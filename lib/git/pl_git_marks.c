/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "git/pl_git_marks.h"

#define WT_CHANGED (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED)
#define INDEX_CHANGED (GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_TYPECHANGE \
                       | GIT_STATUS_INDEX_RENAMED)

/* A file's mark (see the header for the order). */
static const char *file_mark(unsigned int s)
{
    return s & GIT_STATUS_CONFLICTED ? "conflicted"
         : s & (GIT_STATUS_INDEX_DELETED | GIT_STATUS_WT_DELETED) ? "deleted"
         : s & GIT_STATUS_INDEX_NEW ? "added"
         : s & GIT_STATUS_WT_NEW ? "untracked"
         : s & WT_CHANGED ? "modified"
         : s & INDEX_CHANGED ? "staged" : NULL;
}

static const char *entry_path(const git_status_entry *e)
{
    const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;

    return d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : NULL;
}

/* git_status_list_new, which on the request's first pass over the work
 * tree also refreshes the index's stat data (pl_git_t.refreshed), as
 * git status does; when the index cannot be written it runs again
 * without. */
static int status_list(pl_git_t *g, git_status_options *opts, git_status_list **list)
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

/* One status pass over rel's subtree (all of it for the root). */
static int status_of(pl_git_t *g, const char *rel, int recurse, git_status_list **list)
{
    git_status_options opts;
    char *paths[1];

    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    /* No rename detection (a mark does not name the old path, and pairing
     * files costs a comparison of every added with every deleted one), no
     * submodule (each would be another repository opened and walked), and
     * an untracked directory is one entry unless asked: its files would
     * all get the same mark. */
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_EXCLUDE_SUBMODULES
                 | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH;
    if (recurse)
        opts.flags |= GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
    if (*rel) {
        paths[0] = (char *)rel;
        opts.pathspec.strings = paths;
        opts.pathspec.count = 1;
    }
    return status_list(g, &opts, list);
}

/* The mark of a directory so far, given a new one beneath it. */
static const char *dir_mark(const char *had, const char *beneath)
{
    if (had && !strcmp(had, "conflicted"))
        return had;
    return !strcmp(beneath, "conflicted") ? beneath : "modified";
}

apr_status_t pl_git_marks(pl_git_t *g, const char *rel, apr_hash_t **marks, pl_git_fail_t *why)
{
    apr_hash_t *out = apr_hash_make(g->p);
    git_status_list *list;
    apr_size_t rlen = strlen(rel);
    const char *relslash = apr_pstrcat(g->p, rel, "/", NULL);
    size_t i, n;
    int rc, recurse = 0;

    /* Inside an untracked directory libgit2 reports nothing at all when
     * the pathspec lies below it, so there every file is looked at (the
     * subtree only); the index has an entry under a tracked directory. */
    if (rlen) {
        git_index *index;
        size_t pos;

        if ((rc = git_repository_index(&index, g->repo)) != 0)
            return pl_git_failed(why, "reading the index", rc);
        recurse = git_index_find_prefix(&pos, index, relslash) == GIT_ENOTFOUND;
        git_index_free(index);
    }
    if ((rc = status_of(g, rel, recurse, &list)) != 0)
        return pl_git_failed(why, "reading the status of a directory", rc);
    n = git_status_list_entrycount(list);
    for (i = 0; i < n; i++) {
        const git_status_entry *e = git_status_byindex(list, i);
        const char *path = entry_path(e), *name, *slash, *mark = file_mark(e->status);

        if (!path || !mark)
            continue;
        if (rlen) {
            if (strncmp(path, rel, rlen) || path[rlen] != '/')
                continue;
            path += rlen + 1;
        }
        slash = strchr(path, '/');
        if (!slash) {
            apr_hash_set(out, apr_pstrdup(g->p, path), APR_HASH_KEY_STRING, mark);
            continue;
        }
        name = apr_pstrmemdup(g->p, path, (apr_size_t)(slash - path));
        /* "dir/" is a directory untracked whole; inside an untracked one
         * everything is untracked */
        if (slash[1] && !recurse)
            mark = dir_mark(apr_hash_get(out, name, APR_HASH_KEY_STRING), mark);
        apr_hash_set(out, name, APR_HASH_KEY_STRING, mark);
    }
    git_status_list_free(list);
    *marks = out;
    return APR_SUCCESS;
}
