/* SPDX-License-Identifier: Apache-2.0 */
/* A project's git repository, opened through libgit2 for one request (no
 * shell, no git binary). What is never done, whatever the repository's own
 * configuration says (SECURITY.md "git", items 28 and 30):
 *   - the global, XDG, system and ProgramData config files are not read:
 *     their search paths are set to "" once for the process (see pl_git.c),
 *     so the server account's ~/.gitconfig (credential helpers, excludes)
 *     is unseen;
 *   - no parent directory is searched (GIT_REPOSITORY_OPEN_NO_SEARCH): a
 *     project without .git never climbs to a repository around it;
 *   - the repository must be the project's own: its work tree is the
 *     project's directory (a core.worktree elsewhere is refused) and its git
 *     directory lies inside it (a gitlink out is refused);
 *   - hooks are never run: libgit2 runs none (core.hooksPath is never
 *     consulted), nor core.fsmonitor, core.pager, core.sshCommand or
 *     filter.<driver>.clean/smudge programs (it has no process filters;
 *     only its built-in crlf and ident filters apply). No operation here
 *     talks to a remote, so nothing can prompt.
 * Objects are tied to the pool: the repository is freed, and libgit2's
 * reference taken by pl_git_open released, when the pool is cleared. */
#ifndef PL_GIT_H
#define PL_GIT_H

#include <git2.h>

#include <apr_pools.h>
#include <apr_tables.h>

/* Why an operation failed, for the reply: an UPPER_SNAKE code of
 * pl_errors (its HTTP status is in that table), a sentence of ours (never
 * libgit2's, which can name absolute paths), and the body field at fault. */
typedef struct {
    const char *code;
    const char *message;
    const char *field;
} pl_git_fail_t;

typedef struct {
    apr_pool_t *p;
    git_repository *repo;
    const char *root;           /* the project's resolved directory */
    /* The first pass over the work tree of a request also brings the index's
     * cached stat data up to date, as git status does: otherwise every file
     * whose stat data changed (a chown, a copy, another tool's checkout) is
     * read and hashed again on every request (10,000 files: 5.7 s instead
     * of 0.3 s). Best effort: a locked or read-only index is left as it is
     * (slower, not wrong). */
    int refreshed;
} pl_git_t;

/* libgit2 brought up for as long as p lives (the search paths of the
 * global and system config emptied once per process first). pl_git_open
 * does it; a caller without a repository yet (a clone) calls it. */
void pl_git_init(apr_pool_t *p);

/* Opens the repository at root (a directory pl_project_confine resolved).
 * NOT_A_REPOSITORY when root is no git work tree of its own. */
apr_status_t pl_git_open(apr_pool_t *p, const char *root, pl_git_t **out, pl_git_fail_t *why);

/* Sets *why and returns PL_EINVAL (or APR_EGENERAL for INTERNAL_ERROR). */
apr_status_t pl_git_fail(pl_git_fail_t *why, const char *code, const char *message,
                         const char *field);
/* A libgit2 failure of what: libgit2's own message goes to the log (tag
 * PLN02401), the caller gets INTERNAL_ERROR and a sentence of ours. */
apr_status_t pl_git_failed(pl_git_fail_t *why, const char *what, int rc);

/* The lowercase hex id of oid, from p. */
const char *pl_git_oid_str(apr_pool_t *p, const git_oid *oid);

/* HEAD's commit, or NULL (and APR_SUCCESS) on an unborn branch. */
apr_status_t pl_git_head_commit(pl_git_t *g, git_commit **out, pl_git_fail_t *why);

/* Ties a libgit2 object to the pool: free(obj) runs when p is cleared. */
void pl_git_own(apr_pool_t *p, void *obj, void (*free_fn)(void *));
#define PL_GIT_OWN(p, obj, fn) pl_git_own((p), (obj), (void (*)(void *))(fn))

#endif
