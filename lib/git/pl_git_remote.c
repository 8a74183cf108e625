/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "git/pl_git_remote.h"
#include "git/pl_git_sshkey.h"

#define ORIGIN "refs/remotes/origin/"

/* One operation's state, the payload of every callback. */
typedef struct {
    apr_pool_t *p;
    const pl_git_remote_opts_t *o;
    const char *fail_code;      /* set by a callback that stopped the operation */
    const char *fail_message;
    int cred_asked;             /* credentials are given once: a refusal ends it */
    const char *rejected;       /* a push refused by the remote, and why */
} op_t;

static int stop_with(op_t *op, const char *code, const char *message)
{
    op->fail_code = code;
    op->fail_message = message;
    git_error_set_str(GIT_ERROR_CALLBACK, message);
    return -1;
}

/* The deadline and the cancel flag, checked from every callback. */
static int keep_going(op_t *op)
{
    if (op->fail_code)
        return -1;
    if (op->o->deadline && apr_time_now() >= op->o->deadline)
        return stop_with(op, PL_ERR_REMOTE_TIMEOUT,
                         "the remote did not finish within PlanningGitTimeout");
    if (op->o->sink && op->o->sink->stop && op->o->sink->stop(op->o->sink->baton))
        return stop_with(op, PL_ERR_INTERRUPTED, "canceled");
    return 0;
}

static void report(op_t *op, const char *stage, apr_int64_t done, apr_int64_t total,
                   apr_int64_t bytes)
{
    pl_git_xfer_t x;

    if (!op->o->sink || !op->o->sink->progress)
        return;
    x.stage = stage;
    x.objects = done;
    x.total = total;
    x.bytes = bytes;
    x.percent = total > 0 ? (int)(done * 100 / total) : 0;
    op->o->sink->progress(op->o->sink->baton, &x);
}

static int on_transfer(const git_indexer_progress *s, void *payload)
{
    op_t *op = payload;

    /* every object in: what is left is resolving deltas, if any */
    if (s->total_deltas > 0 && s->received_objects == s->total_objects)
        report(op, "resolving", s->indexed_deltas, s->total_deltas,
               (apr_int64_t)s->received_bytes);
    else
        report(op, "receiving", s->received_objects, s->total_objects,
               (apr_int64_t)s->received_bytes);
    return keep_going(op);
}

static int on_push_transfer(unsigned int current, unsigned int total, size_t bytes,
                            void *payload)
{
    op_t *op = payload;

    report(op, "pushing", current, total, (apr_int64_t)bytes);
    return keep_going(op);
}

static int on_sideband(const char *str, int len, void *payload)
{
    return keep_going(payload);
}

static int on_push_ref(const char *refname, const char *status, void *payload)
{
    op_t *op = payload;

    if (status)
        op->rejected = apr_pstrndup(op->p, status, 200);
    return 0;
}

static int on_credentials(git_credential **out, const char *url, const char *user_from_url,
                          unsigned int allowed, void *payload)
{
    op_t *op = payload;
    const pl_git_remote_opts_t *o = op->o;

    if (keep_going(op))
        return -1;
    if (op->cred_asked++)
        return stop_with(op, PL_ERR_AUTH_FAILED, o->url->ssh
                         ? "the remote refused the project's deploy key (add its public key"
                           " to the repository, with write access to push)"
                         : "the remote refused the token");
    if (o->url->ssh && (allowed & GIT_CREDENTIAL_SSH_KEY)) {
        if (!o->ssh_private)
            return stop_with(op, PL_ERR_NO_DEPLOY_KEY, "the project has no deploy key");
        return git_credential_ssh_key_memory_new(out, o->url->user, NULL, o->ssh_private, NULL);
    }
    if (o->url->ssh && (allowed & GIT_CREDENTIAL_USERNAME))
        return git_credential_username_new(out, o->url->user);
    if (!o->url->ssh && (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && o->https_token)
        return git_credential_userpass_plaintext_new(
            out, o->https_user ? o->https_user : "x-access-token", o->https_token);
    return stop_with(op, PL_ERR_AUTH_FAILED, o->url->ssh
                     ? "the remote offers no public-key login"
                     : "the remote asks for credentials and the project has no token");
}

static const char *key_type(git_cert_ssh_raw_type_t t)
{
    switch (t) {
    case GIT_CERT_SSH_RAW_TYPE_RSA: return "ssh-rsa";
    case GIT_CERT_SSH_RAW_TYPE_DSS: return "ssh-dss";
    case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256: return "ecdsa-sha2-nistp256";
    case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384: return "ecdsa-sha2-nistp384";
    case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521: return "ecdsa-sha2-nistp521";
    case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519: return "ssh-ed25519";
    default: return "unknown";
    }
}

/* ssh: the host key against the recorded one; https: libgit2's own
 * validation (GIT_PASSTHROUGH), which fails an invalid certificate. */
static int on_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
    op_t *op = payload;
    const pl_git_remote_opts_t *o = op->o;
    git_cert_hostkey *hk;
    const char *fp;

    if (keep_going(op))
        return -1;
    if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
        return GIT_PASSTHROUGH;
    hk = (git_cert_hostkey *)cert;
    if (!(hk->type & GIT_CERT_SSH_SHA256))
        return stop_with(op, PL_ERR_REMOTE_UNREACHABLE,
                         "the ssh host key's SHA-256 is not available");
    fp = pl_git_sshkey_fingerprint(op->p, hk->hash_sha256);
    if (o->host_fingerprint && o->host_confirmed) {
        if (!strcmp(fp, o->host_fingerprint))
            return 0;
        return stop_with(op, PL_ERR_HOST_KEY_CHANGED,
                         apr_pstrcat(op->p, "the ssh host ", o->url->host_id,
                                     " presented another key than the confirmed one; nothing"
                                     " was transferred", NULL));
    }
    if (o->sink && o->sink->host_key)
        o->sink->host_key(o->sink->baton, o->url->host_id,
                          hk->type & GIT_CERT_SSH_RAW ? key_type(hk->raw_type) : "unknown", fp);
    return stop_with(op, PL_ERR_HOST_KEY_UNCONFIRMED,
                     apr_pstrcat(op->p, "the ssh host key of ", o->url->host_id, " (", fp,
                                 ") is recorded as pending: an admin confirms it, then retry",
                                 NULL));
}

static void callbacks(op_t *op, git_remote_callbacks *cb)
{
    git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
    cb->credentials = on_credentials;
    cb->certificate_check = on_certificate;
    cb->transfer_progress = on_transfer;
    cb->sideband_progress = on_sideband;
    cb->push_transfer_progress = on_push_transfer;
    cb->push_update_reference = on_push_ref;
    cb->payload = op;
}

static void fetch_options(op_t *op, git_fetch_options *fo)
{
    git_fetch_options_init(fo, GIT_FETCH_OPTIONS_VERSION);
    callbacks(op, &fo->callbacks);
    fo->proxy_opts.type = GIT_PROXY_NONE;
    fo->follow_redirects = GIT_REMOTE_REDIRECT_NONE;
    fo->download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    fo->update_fetchhead = 0;
}

/* What a failed libgit2 call becomes: what a callback decided, else the
 * class of libgit2's error. Network messages are the remote's or the
 * system's (no local paths), so they are passed on. */
static apr_status_t failed(op_t *op, const char *what, int rc, pl_git_fail_t *why)
{
    const git_error *e = git_error_last();
    const char *detail = e && e->message ? apr_pstrdup(op->p, e->message) : "no detail";

    if (op->fail_code)
        return pl_git_fail(why, op->fail_code, op->fail_message, NULL);
    if (rc == GIT_ENONFASTFORWARD || op->rejected)
        return pl_git_fail(why, PL_ERR_PUSH_REJECTED, apr_pstrcat(
            op->p, "the push was refused: ", op->rejected ? op->rejected
                                                          : "not a fast-forward; pull first",
            NULL), NULL);
    if (rc == GIT_EAUTH || op->cred_asked > 1)
        return pl_git_fail(why, PL_ERR_AUTH_FAILED,
                           apr_pstrcat(op->p, "the remote refused the credentials: ", detail,
                                       NULL), NULL);
    if (rc == GIT_ECERTIFICATE)
        return pl_git_fail(why, PL_ERR_REMOTE_UNREACHABLE, apr_pstrcat(
            op->p, "the remote's TLS certificate is not valid: ", detail, NULL), NULL);
    if (e && (e->klass == GIT_ERROR_NET || e->klass == GIT_ERROR_SSL
              || e->klass == GIT_ERROR_SSH || e->klass == GIT_ERROR_OS
              || e->klass == GIT_ERROR_HTTP))
        return pl_git_fail(why, op->cred_asked && e->klass == GIT_ERROR_SSH
                           ? PL_ERR_AUTH_FAILED : PL_ERR_REMOTE_UNREACHABLE,
                           apr_pstrcat(op->p, what, " failed: ", detail, NULL), NULL);
    if (e && e->klass == GIT_ERROR_ODB)
        return pl_git_fail(why, PL_ERR_REMOTE_FAILED,
                           apr_pstrcat(op->p, what, " failed: ", detail, NULL), NULL);
    return pl_git_failed(why, what, rc);
}

static void op_init(op_t *op, apr_pool_t *p, const pl_git_remote_opts_t *o)
{
    memset(op, 0, sizeof(*op));
    op->p = p;
    op->o = o;
}

/* An anonymous remote of the stored URL: the repository's remote.* and
 * url.*.insteadOf settings play no part. */
static apr_status_t remote_of(pl_git_t *g, op_t *op, git_remote **out, pl_git_fail_t *why)
{
    git_remote_create_options co;
    int rc;

    git_remote_create_options_init(&co, GIT_REMOTE_CREATE_OPTIONS_VERSION);
    co.repository = g->repo;
    co.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
    if ((rc = git_remote_create_with_opts(out, op->o->url_text, &co)) != 0)
        return failed(op, "opening the remote", rc, why);
    PL_GIT_OWN(g->p, *out, git_remote_free);
    return APR_SUCCESS;
}

const char *pl_git_remote_branch(pl_git_t *g, const pl_git_remote_opts_t *o,
                                 pl_git_fail_t *why)
{
    git_reference *head;
    const char *name;

    if (o->branch)
        return o->branch;
    if (git_repository_head(&head, g->repo) != 0) {
        /* an unborn branch still has a name */
        if (git_reference_lookup(&head, g->repo, "HEAD") == 0
            && git_reference_type(head) == GIT_REFERENCE_SYMBOLIC
            && !strncmp(git_reference_symbolic_target(head), "refs/heads/", 11)) {
            name = apr_pstrdup(g->p, git_reference_symbolic_target(head) + 11);
            git_reference_free(head);
            return name;
        }
        pl_git_fail(why, PL_ERR_CONFLICT, "HEAD names no branch; set the remote's branch", NULL);
        return NULL;
    }
    name = git_reference_is_branch(head) ? apr_pstrdup(g->p, git_reference_shorthand(head))
                                         : NULL;
    git_reference_free(head);
    if (!name)
        pl_git_fail(why, PL_ERR_CONFLICT, "HEAD is detached; check out a branch first", NULL);
    return name;
}

static apr_status_t fetch_branch(pl_git_t *g, op_t *op, const char *branch, pl_git_fail_t *why)
{
    char *spec = apr_psprintf(g->p, "+refs/heads/%s:" ORIGIN "%s", branch, branch);
    git_strarray specs = { &spec, 1 };
    git_fetch_options fo;
    git_remote *remote;
    apr_status_t rv;
    int rc;

    if ((rv = remote_of(g, op, &remote, why)) != APR_SUCCESS)
        return rv;
    fetch_options(op, &fo);
    if ((rc = git_remote_fetch(remote, &specs, &fo, "fetch")) != 0)
        return failed(op, "the fetch", rc, why);
    return APR_SUCCESS;
}

apr_status_t pl_git_fetch(pl_git_t *g, const pl_git_remote_opts_t *o, pl_git_fail_t *why)
{
    const char *branch = pl_git_remote_branch(g, o, why);
    op_t op;

    if (!branch)
        return PL_EINVAL;
    op_init(&op, g->p, o);
    return fetch_branch(g, &op, branch, why);
}

/* HEAD moved to theirs, its tree checked out safely: a local change that
 * would be overwritten stops it before anything is written. */
static apr_status_t fast_forward(pl_git_t *g, op_t *op, const char *branch,
                                 const git_oid *theirs, pl_git_fail_t *why)
{
    git_checkout_options co;
    git_reference *ref;
    git_object *target;
    const char *name = apr_pstrcat(g->p, "refs/heads/", branch, NULL);
    int rc;

    if ((rc = git_object_lookup(&target, g->repo, theirs, GIT_OBJECT_COMMIT)) != 0)
        return failed(op, "reading the fetched commit", rc, why);
    PL_GIT_OWN(g->p, target, git_object_free);
    git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
    co.checkout_strategy = GIT_CHECKOUT_SAFE;
    rc = git_checkout_tree(g->repo, target, &co);
    if (rc == GIT_ECONFLICT)
        return pl_git_fail(why, PL_ERR_PULL_CONFLICT,
                           "local changes would be overwritten by the pull; commit or discard"
                           " them first (nothing was changed)", NULL);
    if (rc != 0)
        return failed(op, "checking out the fetched commit", rc, why);
    if ((rc = git_reference_create(&ref, g->repo, name, theirs, 1, "pull: fast-forward")) != 0)
        return failed(op, "moving the branch", rc, why);
    git_reference_free(ref);
    return APR_SUCCESS;
}

apr_status_t pl_git_pull(pl_git_t *g, const pl_git_remote_opts_t *o, const char **outcome,
                         const char **head, pl_git_fail_t *why)
{
    const char *branch = pl_git_remote_branch(g, o, why), *current;
    git_oid theirs, ours;
    git_commit *local;
    pl_git_fail_t ignored;
    apr_status_t rv;
    op_t op;
    int rc;

    if (!branch)
        return PL_EINVAL;
    current = pl_git_remote_branch(g, &(pl_git_remote_opts_t){ .branch = NULL }, &ignored);
    if (!current || strcmp(current, branch))
        return pl_git_fail(why, PL_ERR_PULL_CONFLICT, apr_pstrcat(
            g->p, "the checkout is not on ", branch, "; check it out to pull it", NULL), NULL);
    op_init(&op, g->p, o);
    if ((rv = fetch_branch(g, &op, branch, why)) != APR_SUCCESS)
        return rv;
    if ((rc = git_reference_name_to_id(&theirs, g->repo,
                                       apr_pstrcat(g->p, ORIGIN, branch, NULL))) != 0)
        return pl_git_fail(why, PL_ERR_BRANCH_NOT_FOUND,
                           apr_pstrcat(g->p, "the remote has no branch ", branch, NULL), NULL);
    if ((rv = pl_git_head_commit(g, &local, why)) != APR_SUCCESS)
        return rv;
    *head = pl_git_oid_str(g->p, &theirs);
    if (local) {
        git_oid_cpy(&ours, git_commit_id(local));
        if (git_oid_equal(&ours, &theirs)) {
            *outcome = "up_to_date";
            return APR_SUCCESS;
        }
        if (git_graph_descendant_of(g->repo, &ours, &theirs) == 1) {
            *outcome = "ahead";
            *head = pl_git_oid_str(g->p, &ours);
            return APR_SUCCESS;
        }
        if (git_graph_descendant_of(g->repo, &theirs, &ours) != 1)
            return pl_git_fail(why, PL_ERR_PULL_CONFLICT, apr_pstrcat(
                g->p, "the local ", branch, " and the remote's have diverged: a pull only"
                " fast-forwards (nothing was changed; merge or rebase with git)", NULL), NULL);
    }
    if ((rv = fast_forward(g, &op, branch, &theirs, why)) != APR_SUCCESS)
        return rv;
    *outcome = "fast_forward";
    return APR_SUCCESS;
}

apr_status_t pl_git_push(pl_git_t *g, const pl_git_remote_opts_t *o, const char **head,
                         pl_git_fail_t *why)
{
    const char *branch = pl_git_remote_branch(g, o, why), *local_ref;
    char *spec;
    git_strarray specs = { &spec, 1 };
    git_push_options po;
    git_remote *remote;
    git_reference *tracking;
    git_oid id;
    apr_status_t rv;
    op_t op;
    int rc;

    if (!branch)
        return PL_EINVAL;
    local_ref = apr_pstrcat(g->p, "refs/heads/", branch, NULL);
    if (git_reference_name_to_id(&id, g->repo, local_ref) != 0)
        return pl_git_fail(why, PL_ERR_BRANCH_NOT_FOUND,
                           apr_pstrcat(g->p, "no local branch ", branch, NULL), NULL);
    /* no '+': never forced */
    spec = apr_pstrcat(g->p, local_ref, ":", local_ref, NULL);
    op_init(&op, g->p, o);
    if ((rv = remote_of(g, &op, &remote, why)) != APR_SUCCESS)
        return rv;
    git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
    callbacks(&op, &po.callbacks);
    po.proxy_opts.type = GIT_PROXY_NONE;
    po.follow_redirects = GIT_REMOTE_REDIRECT_NONE;
    if ((rc = git_remote_push(remote, &specs, &po)) != 0 || op.rejected)
        return failed(&op, "the push", rc, why);
    /* the remote's branch is ours now: so say refs/remotes/origin/ (ahead/behind) */
    if (git_reference_create(&tracking, g->repo, apr_pstrcat(g->p, ORIGIN, branch, NULL), &id,
                             1, "push") == 0)
        git_reference_free(tracking);
    *head = pl_git_oid_str(g->p, &id);
    return APR_SUCCESS;
}

apr_status_t pl_git_clone(apr_pool_t *p, const char *dir, const pl_git_remote_opts_t *o,
                          const char **head, pl_git_fail_t *why)
{
    git_clone_options co;
    git_repository *repo;
    git_reference *ref;
    op_t op;
    int rc;

    op_init(&op, p, o);
    git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
    fetch_options(&op, &co.fetch_opts);
    co.checkout_branch = o->branch;
    co.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE;
    if ((rc = git_clone(&repo, o->url_text, dir, &co)) != 0)
        return failed(&op, "the clone", rc, why);
    *head = NULL;
    if (git_repository_head(&ref, repo) == 0) {
        *head = pl_git_oid_str(p, git_reference_target(ref));
        git_reference_free(ref);
    }
    git_repository_free(repo);
    return APR_SUCCESS;
}
