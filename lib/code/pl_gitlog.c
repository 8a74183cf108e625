/* SPDX-License-Identifier: Apache-2.0 */
#include <git2.h>

#include <apr_strings.h>

#include "code/pl_gitlog.h"
#include "core/pl_log.h"
#include "core/pl_status.h"

/* libgit2's messages can hold absolute paths, which must not reach a
 * reply: they go to the log, the caller gets a sentence of ours. */
static apr_status_t failed(const char *what, int code, const char **err)
{
    const git_error *e = git_error_last();

    pl_log(PL_LOG_WARN, PL_LOG_MARK, APR_EGENERAL, "git history: %s failed (%d): %s", what,
           code, e && e->message ? e->message : "no detail");
    *err = "the git history of the checkout cannot be read";
    return APR_EGENERAL;
}

static void read_head(apr_pool_t *p, git_repository *repo, pl_gitlog_t *log)
{
    git_reference *ref;

    if (git_repository_head_detached(repo) == 1 || git_repository_head(&ref, repo) != 0)
        return;
    log->head = apr_pstrdup(p, git_reference_shorthand(ref));
    git_reference_free(ref);
}

static apr_status_t walk(apr_pool_t *p, git_repository *repo, int max, pl_gitlog_t *log,
                         const char **err)
{
    git_revwalk *w = NULL;
    git_oid oid;
    apr_status_t rv = APR_SUCCESS;
    int rc;

    if (git_repository_head_unborn(repo) == 1)
        return PL_ENOTFOUND;    /* no commit yet */
    if ((rc = git_revwalk_new(&w, repo)) != 0)
        return failed("revwalk", rc, err);
    git_revwalk_sorting(w, GIT_SORT_TIME);
    rc = git_revwalk_push_head(w);
    if (rc != 0) {
        rv = failed("reading HEAD", rc, err);
        goto leave;
    }
    while ((rc = git_revwalk_next(&oid, w)) == 0) {
        git_commit *c;
        pl_gitlog_commit_t *out;
        const git_signature *author;
        char hex[GIT_OID_HEXSZ + 1];

        if (log->commits->nelts == max) {
            log->truncated = 1;
            break;
        }
        if ((rc = git_commit_lookup(&c, repo, &oid)) != 0) {
            rv = failed("reading a commit", rc, err);
            goto leave;
        }
        out = apr_array_push(log->commits);
        out->id = apr_pstrdup(p, git_oid_tostr(hex, sizeof(hex), &oid));
        out->time = apr_time_from_sec(git_commit_time(c));
        author = git_commit_author(c);
        out->author = apr_pstrdup(p, author && author->name ? author->name : "");
        out->summary = apr_pstrdup(p, git_commit_summary(c) ? git_commit_summary(c) : "");
        out->message = apr_pstrdup(p, git_commit_message(c) ? git_commit_message(c) : "");
        git_commit_free(c);
    }
    if (rc != 0 && rc != GIT_ITEROVER)
        rv = failed("walking the history", rc, err);
leave:
    git_revwalk_free(w);
    return rv;
}

apr_status_t pl_gitlog_read(apr_pool_t *p, const char *root, int max,
                            pl_gitlog_t **out, const char **err)
{
    git_repository *repo = NULL;
    pl_gitlog_t *log;
    apr_status_t rv;
    int rc;

    *err = NULL;
    if (max <= 0)
        max = PL_GITLOG_DEFAULT_MAX;
    /* Reference-counted and thread-safe: each call brings libgit2 up and
     * takes it down again, so no caller has to know. */
    git_libgit2_init();
    rc = git_repository_open_ext(&repo, root, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
    if (rc == GIT_ENOTFOUND) {
        rv = PL_ENOTFOUND;
        goto leave;
    }
    if (rc != 0) {
        rv = failed("opening the repository", rc, err);
        if (rc == GIT_EOWNER)
            *err = "the checkout belongs to another user, so git refuses to read it";
        goto leave;
    }
    log = apr_pcalloc(p, sizeof(*log));
    log->commits = apr_array_make(p, 64, sizeof(pl_gitlog_commit_t));
    read_head(p, repo, log);
    if ((rv = walk(p, repo, max, log, err)) == APR_SUCCESS)
        *out = log;
leave:
    git_repository_free(repo);
    git_libgit2_shutdown();
    return rv;
}
