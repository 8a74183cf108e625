/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "core/pl_status.h"
#include "git/pl_git_netjob.h"
#include "git/pl_git_netproc.h"
#include "git/pl_git_remote.h"

/* ---- the request ---- */

static apr_size_t len_of(const char *s)
{
    return s ? strlen(s) : 0;
}

char *pl_git_netreq_json(apr_pool_t *p, const pl_git_netreq_t *r, apr_size_t *len)
{
    /* room for the worst escaping (\u00XX), so the buffer never grows and
     * leaves a copy of a secret behind */
    apr_size_t hint = 1024 + 6 * (len_of(r->operation) + len_of(r->dir) + len_of(r->url)
                                  + len_of(r->branch) + len_of(r->ssh_private)
                                  + len_of(r->https_user) + len_of(r->https_token)
                                  + len_of(r->host_fingerprint) + len_of(r->ca_file));
    pl_jsonw_t *w = pl_jsonw_create(p, hint);

    pl_jsonw_object(w, NULL);
    pl_jsonw_str(w, "operation", r->operation);
    pl_jsonw_str(w, "dir", r->dir);
    pl_jsonw_str(w, "url", r->url);
    pl_jsonw_str(w, "branch", r->branch);
    pl_jsonw_str(w, "ssh_private", r->ssh_private);
    pl_jsonw_str(w, "https_user", r->https_user);
    pl_jsonw_str(w, "https_token", r->https_token);
    if (r->host_fingerprint) {
        pl_jsonw_object(w, "host_key");
        pl_jsonw_str(w, "fingerprint", r->host_fingerprint);
        pl_jsonw_bool(w, "confirmed", r->host_confirmed);
        pl_jsonw_end(w);
    }
    else
        pl_jsonw_raw(w, "host_key", "null");
    pl_jsonw_str(w, "ca_file", r->ca_file);
    pl_jsonw_int(w, "timeout_ms", apr_time_as_msec(r->timeout));
    pl_jsonw_end(w);
    return (char *)pl_jsonw_text(w, len);
}

/* A string or null under key: 1, or 0 for anything else. */
static int str_or_null(const pl_json_t *j, const char *key, const char **out)
{
    pl_json_type_e t = pl_json_type_of(j, key);

    *out = pl_json_get_str(j, key);
    return t == PL_JSON_STRING || t == PL_JSON_NULL;
}

apr_status_t pl_git_netreq_parse(apr_pool_t *p, const char *text, apr_size_t len,
                                 pl_git_netreq_t *r, const char **why)
{
    static const char *const KEYS[] = {
        "operation", "dir", "url", "branch", "ssh_private", "https_user", "https_token",
        "host_key", "ca_file", "timeout_ms", NULL
    };
    static const char *const HOST_KEYS[] = { "fingerprint", "confirmed", NULL };
    pl_json_t *j, *hk;
    apr_int64_t ms;
    const char *bad;

    memset(r, 0, sizeof(*r));
    if (pl_json_parse(&j, p, text, len, 4, why) != APR_SUCCESS)
        return PL_EINVAL;
    if (pl_json_type(j) != PL_JSON_OBJECT) {
        *why = "the request is not a JSON object";
        return PL_EINVAL;
    }
    if ((bad = pl_json_unknown_key(j, KEYS))) {
        *why = apr_pstrcat(p, "the request has an unknown member ", bad, NULL);
        return PL_EINVAL;
    }
    r->operation = pl_json_get_str(j, "operation");
    if (!pl_git_netjob_kind(r->operation)) {
        *why = "operation must be git.fetch, git.pull, git.push or git.clone";
        return PL_EINVAL;
    }
    if (!(r->dir = pl_json_get_str(j, "dir")) || r->dir[0] != '/') {
        *why = "dir must be an absolute path";
        return PL_EINVAL;
    }
    if (!(r->url = pl_json_get_str(j, "url"))) {
        *why = "url must be a string";
        return PL_EINVAL;
    }
    if (!str_or_null(j, "branch", &r->branch) || !str_or_null(j, "ssh_private", &r->ssh_private)
        || !str_or_null(j, "https_user", &r->https_user)
        || !str_or_null(j, "https_token", &r->https_token)
        || !str_or_null(j, "ca_file", &r->ca_file)) {
        *why = "branch, ssh_private, https_user, https_token and ca_file must be strings or null";
        return PL_EINVAL;
    }
    if (pl_json_type_of(j, "host_key") == PL_JSON_OBJECT) {
        hk = pl_json_get_object(p, j, "host_key");
        if (pl_json_unknown_key(hk, HOST_KEYS)
            || !(r->host_fingerprint = pl_json_get_str(hk, "fingerprint"))
            || pl_json_type_of(hk, "confirmed") != PL_JSON_BOOL) {
            *why = "host_key must be {\"fingerprint\":\"SHA256:...\",\"confirmed\":true|false}";
            return PL_EINVAL;
        }
        r->host_confirmed = pl_json_is_true(hk, "confirmed");
    }
    else if (pl_json_type_of(j, "host_key") != PL_JSON_NULL) {
        *why = "host_key must be an object or null";
        return PL_EINVAL;
    }
    if (!pl_json_get_int(j, "timeout_ms", &ms) || ms < 1 || ms > 86400 * 1000) {
        *why = "timeout_ms must be a whole number from 1 to 86400000";
        return PL_EINVAL;
    }
    r->timeout = apr_time_from_msec(ms);
    return APR_SUCCESS;
}

/* ---- the process: libgit2, two pipes, nothing else ---- */

static void say(int fd, const char *line)
{
    size_t n = strlen(line);

    while (n) {
        ssize_t k = write(fd, line, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;
        line += k;
        n -= (size_t)k;
    }
}

/* Tabs and newlines would break the line protocol. */
static const char *flat(apr_pool_t *p, const char *s)
{
    char *c = apr_pstrndup(p, s ? s : "", 400), *q;

    for (q = c; *q; q++)
        if (*q == '\t' || *q == '\n' || *q == '\r')
            *q = ' ';
    return c;
}

typedef struct {
    apr_pool_t *p;
    int fd;
} out_t;

static void on_progress(void *baton, const pl_git_xfer_t *x)
{
    out_t *o = baton;

    say(o->fd, apr_psprintf(o->p, "P\t%s\t%d\t%" APR_INT64_T_FMT "\t%" APR_INT64_T_FMT "\t%"
                            APR_INT64_T_FMT "\n", x->stage, x->percent, x->objects, x->total,
                            x->bytes));
}

static void on_host_key(void *baton, const char *host_id, const char *type, const char *fp)
{
    out_t *o = baton;

    say(o->fd, apr_pstrcat(o->p, "H\t", flat(o->p, host_id), "\t", flat(o->p, type), "\t",
                           flat(o->p, fp), "\n", NULL));
}

static void fail(apr_pool_t *p, int fd, const char *code, const char *message)
{
    say(fd, apr_pstrcat(p, "E\t", code, "\t", flat(p, message), "\n", NULL));
}

/* The request, read to the end of standard input (NULL with *why). */
static char *read_request(apr_pool_t *p, int fd, apr_size_t *len, const char **why)
{
    char *buf = apr_palloc(p, PL_GIT_NETPROC_REQUEST_MAX + 1);
    apr_size_t n = 0;

    for (;;) {
        ssize_t k = read(fd, buf + n, PL_GIT_NETPROC_REQUEST_MAX + 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            *why = "the request could not be read from standard input";
            return NULL;
        }
        if (k == 0)
            break;
        n += (apr_size_t)k;
        if (n > PL_GIT_NETPROC_REQUEST_MAX) {
            *why = "the request is too large";
            return NULL;
        }
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Under an address-space limit, libgit2's pack windows (1 GiB each, up to
 * 8 GiB mapped on 64 bits) are kept well inside it. */
static void fit_windows(void)
{
    struct rlimit as;

    if (getrlimit(RLIMIT_AS, &as) != 0 || as.rlim_cur == RLIM_INFINITY)
        return;
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)(as.rlim_cur / 16));
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)(as.rlim_cur / 4));
}

int pl_git_netproc_main(apr_pool_t *p, int in_fd, int out_fd)
{
    out_t out = { p, out_fd };
    pl_git_sink_t sink = { on_progress, on_host_key, NULL, &out };
    pl_git_fail_t why = { NULL, NULL, NULL };
    pl_git_remote_opts_t o;
    pl_git_netreq_t r;
    const char *outcome = "done", *head = NULL, *bad;
    pl_git_url_t *url;
    apr_size_t len;
    apr_status_t rv;
    pl_git_t *g;
    char *text;

    if (!(text = read_request(p, in_fd, &len, &bad))
        || pl_git_netreq_parse(p, text, len, &r, &bad) != APR_SUCCESS) {
        fail(p, out_fd, PL_ERR_INTERNAL, apr_pstrcat(p, "planning git-remote: ", bad, NULL));
        return 2;
    }
    /* checked when it was stored; checked again: it decides what runs */
    if (!pl_git_url_parse(p, r.url, &url, &bad)) {
        fail(p, out_fd, PL_ERR_VALIDATION, apr_pstrcat(p, "the remote's url ", bad, NULL));
        return 2;
    }
    memset(&o, 0, sizeof(o));
    o.url = url;
    o.url_text = r.url;
    o.branch = r.branch;
    o.ssh_private = r.ssh_private;
    o.https_user = r.https_user;
    o.https_token = r.https_token;
    o.host_fingerprint = r.host_fingerprint;
    o.host_confirmed = r.host_confirmed;
    o.deadline = apr_time_now() + r.timeout;
    o.sink = &sink;
    pl_git_init(p);
    fit_windows();
    /* process-wide: this process does this one operation */
    if (r.ca_file)
        git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, r.ca_file, NULL);
    if (!strcmp(r.operation, PL_JOB_GIT_CLONE))
        rv = pl_git_clone(p, r.dir, &o, &head, &why);
    else if ((rv = pl_git_open(p, r.dir, &g, &why)) == APR_SUCCESS) {
        if (!strcmp(r.operation, PL_JOB_GIT_FETCH)) {
            rv = pl_git_fetch(g, &o, &why);
            outcome = "fetched";
        }
        else if (!strcmp(r.operation, PL_JOB_GIT_PULL))
            rv = pl_git_pull(g, &o, &outcome, &head, &why);
        else {
            rv = pl_git_push(g, &o, &head, &why);
            outcome = "pushed";
        }
    }
    if (rv == APR_SUCCESS)
        say(out_fd, apr_pstrcat(p, "R\t", outcome, "\t", head ? head : "", "\n", NULL));
    else
        fail(p, out_fd, why.code ? why.code : PL_ERR_INTERNAL,
             why.message ? why.message : "the git operation failed");
    return 0;
}
