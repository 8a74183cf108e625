/* SPDX-License-Identifier: Apache-2.0 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_log.h"
#include "core/pl_status.h"
#include "git/pl_git.h"

apr_status_t pl_git_fail(pl_git_fail_t *why, const char *code, const char *message,
                         const char *field)
{
    why->code = code;
    why->message = message;
    why->field = field;
    return strcmp(code, PL_ERR_INTERNAL) ? PL_EINVAL : APR_EGENERAL;
}

apr_status_t pl_git_failed(pl_git_fail_t *why, const char *what, int rc)
{
    const git_error *e = git_error_last();

    /* another writer (git, or a concurrent request) holds index.lock or a
     * ref's lock: a moment's state, not a fault */
    if (rc == GIT_ELOCKED)
        return pl_git_fail(why, PL_ERR_REPOSITORY_LOCKED,
                           "another git operation holds the repository's lock; try again", NULL);

    pl_log(PL_LOG_ERR, PL_LOG_MARK, APR_EGENERAL,
           "PLN02401: git: %s failed (%d): %s; check the repository (git fsck) and that the"
           " server's user owns it and may write it", what, rc,
           e && e->message ? e->message : "no detail");
    return pl_git_fail(why, PL_ERR_INTERNAL,
                       "the git operation failed; the server's error log says why", NULL);
}

const char *pl_git_oid_str(apr_pool_t *p, const git_oid *oid)
{
    char hex[GIT_OID_HEXSZ + 1];

    return apr_pstrdup(p, git_oid_tostr(hex, sizeof(hex), oid));
}

typedef struct {
    void *obj;
    void (*free_fn)(void *);
} owned_t;

static apr_status_t release(void *data)
{
    owned_t *o = data;

    o->free_fn(o->obj);
    return APR_SUCCESS;
}

void pl_git_own(apr_pool_t *p, void *obj, void (*free_fn)(void *))
{
    owned_t *o;

    if (!obj)
        return;
    o = apr_palloc(p, sizeof(*o));
    o->obj = obj;
    o->free_fn = free_fn;
    apr_pool_cleanup_register(p, o, release, apr_pool_cleanup_null);
}

static apr_status_t shutdown_git(void *data)
{
    (void)data;
    git_libgit2_shutdown();
    return APR_SUCCESS;
}

/* The search paths are emptied once per process, under a reference to
 * libgit2 that is never released: libgit2 re-reads $HOME for them whenever
 * its state is created afresh (first init after a full shutdown), and
 * setting them while another thread reads configuration would race. With
 * this reference held the state is never torn down, so they stay empty
 * for every later user in the process (pl_gitlog included). */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void empty_search_paths(void)
{
    static const int levels[] = { GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG,
                                  GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA };
    size_t i;

    git_libgit2_init();
    for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, levels[i], "");
}

void pl_git_init(apr_pool_t *p)
{
    pthread_once(&once, empty_search_paths);
    git_libgit2_init();
    apr_pool_cleanup_register(p, NULL, shutdown_git, apr_pool_cleanup_null);
}

/* path (canonical) is root or below it. */
static int inside(const char *root, const char *path)
{
    size_t n = strlen(root);

    return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

static const char *canonical(apr_pool_t *p, const char *path)
{
    char buf[PATH_MAX];

    return path && realpath(path, buf) ? apr_pstrdup(p, buf) : NULL;
}

apr_status_t pl_git_open(apr_pool_t *p, const char *root, pl_git_t **out, pl_git_fail_t *why)
{
    git_repository *repo = NULL;
    const char *work, *gitdir;
    pl_git_t *g;
    int rc;

    pl_git_init(p);
    rc = git_repository_open_ext(&repo, root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
    if (rc == GIT_ENOTFOUND)
        return pl_git_fail(why, PL_ERR_NOT_A_REPOSITORY,
                           "the project's directory is not a git work tree", NULL);
    if (rc == GIT_EOWNER)
        return pl_git_fail(why, PL_ERR_NOT_A_REPOSITORY,
                           "the repository belongs to another user than the server's, so git"
                           " refuses it", NULL);
    if (rc != 0)
        return pl_git_failed(why, "opening the repository", rc);
    PL_GIT_OWN(p, repo, git_repository_free);
    /* Its work tree must be this directory and its git data inside it: a
     * core.worktree or gitlink elsewhere would let the API act outside the
     * project. A bare repository has no work tree to act on. */
    work = canonical(p, git_repository_workdir(repo));
    gitdir = canonical(p, git_repository_path(repo));
    if (git_repository_is_bare(repo) || !work || strcmp(work, root) || !gitdir
        || !inside(root, gitdir))
        return pl_git_fail(why, PL_ERR_NOT_A_REPOSITORY,
                           "the project's directory is not the work tree of a repository inside"
                           " it", NULL);
    g = apr_pcalloc(p, sizeof(*g));
    g->p = p;
    g->repo = repo;
    g->root = root;
    *out = g;
    return APR_SUCCESS;
}

apr_status_t pl_git_head_commit(pl_git_t *g, git_commit **out, pl_git_fail_t *why)
{
    git_reference *head;
    git_object *obj;
    int rc;

    *out = NULL;
    rc = git_repository_head(&head, g->repo);
    if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND)
        return APR_SUCCESS;
    if (rc != 0)
        return pl_git_failed(why, "reading HEAD", rc);
    PL_GIT_OWN(g->p, head, git_reference_free);
    if ((rc = git_reference_peel(&obj, head, GIT_OBJECT_COMMIT)) != 0)
        return pl_git_failed(why, "reading HEAD's commit", rc);
    PL_GIT_OWN(g->p, obj, git_object_free);
    *out = (git_commit *)obj;
    return APR_SUCCESS;
}
