/* SPDX-License-Identifier: Apache-2.0 */
/* planning ci's requests to the server, through pl_http (libcurl) with the
 * key as a bearer token; every failure says on stderr what went wrong and
 * maps to the exit status it calls for. */
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>

#include "ci.h"
#include "core/pl_http.h"

/* The server is whatever the user names, on the LAN or loopback as often as
 * not: every address is allowed (pl_url still refuses user info, odd schemes). */
int ci_connect(ci_t *c)
{
    static const char *const HALVES[][2] = {   /* APR takes no /0: two halves each */
        { "0.0.0.0", "1" }, { "128.0.0.0", "1" }, { "::", "1" }, { "8000::", "1" }
    };
    apr_array_header_t *all = apr_array_make(c->p, 4, sizeof(apr_ipsubnet_t *));
    apr_ipsubnet_t *net;
    const char *why;
    apr_size_t n;
    int i;

    for (i = 0; i < 4; i++)
        if (apr_ipsubnet_create(&net, HALVES[i][0], HALVES[i][1], c->p) == APR_SUCCESS)
            APR_ARRAY_PUSH(all, apr_ipsubnet_t *) = net;
    c->server = apr_pstrdup(c->p, c->server);
    n = strlen(c->server);
    while (n > 0 && c->server[n - 1] == '/')   /* "https://host/" is how people write it */
        ((char *)c->server)[--n] = '\0';
    if (pl_url_parse(c->p, c->server, &c->base, &why) != APR_SUCCESS) {
        ci_usage_error("--server: %s", why);
        return CI_USAGE;
    }
    if (pl_url_resolve(c->p, &c->base, all, &why) != APR_SUCCESS) {
        fprintf(stderr, "planning ci: cannot reach the server %s: %s\n", c->server, why);
        return CI_TROUBLE;
    }
    if (pl_http_init() != APR_SUCCESS) {
        fprintf(stderr, "planning ci: cannot initialise libcurl\n");
        return CI_TROUBLE;
    }
    return CI_MET;
}

/* One request. CI_MET with the parsed reply for a 2xx; otherwise it says
 * why on stderr and returns the exit status it calls for: CI_TROUBLE when
 * the server cannot be reached or refuses the key, CI_USAGE for a 404 (what
 * the user named is not there). */
int ci_api(ci_t *c, const char *method, const char *path, const char *body,
               pl_json_t **json, const char **raw)
{
    pl_http_req_t req = { method, &c->base, path, body, c->key, 10000, 60000, CI_MAX_RESPONSE, 0 };
    pl_http_resp_t resp;
    pl_json_t *err = NULL;
    const char *why, *code = "", *msg = "";

    if (pl_http_do(c->p, &req, &resp) != APR_SUCCESS) {
        fprintf(stderr, "planning ci: cannot reach the server %s: %s\n", c->server,
                resp.error ? resp.error : "no reply");
        return CI_TROUBLE;
    }
    *json = NULL;
    if (raw)
        *raw = resp.body;
    if (resp.len && pl_json_parse(json, c->p, resp.body, resp.len, 64, &why) != APR_SUCCESS) {
        fprintf(stderr, "planning ci: the reply of %s to %s %s (HTTP %ld) is not JSON: %s; is %s "
                "a mod_planning server?\n", c->server, method, path, resp.status, why, c->server);
        return CI_TROUBLE;
    }
    if (resp.status >= 200 && resp.status < 300 && *json)
        return CI_MET;
    if (*json && (err = pl_json_get_object(c->p, *json, "error"))) {
        code = pl_json_get_str(err, "code") ? pl_json_get_str(err, "code") : "";
        msg = pl_json_get_str(err, "message") ? pl_json_get_str(err, "message") : "";
    }
    if (resp.status == 401)
        fprintf(stderr, "planning ci: cannot authenticate: %s refused the key in PLANNING_API_KEY "
                "(%s: %s)\n", c->server, code, msg);
    else if (resp.status == 403)
        fprintf(stderr, "planning ci: cannot authenticate: the key in PLANNING_API_KEY may not %s %s "
                "(%s: %s); it needs write scope on the project\n", method, path, code, msg);
    else
        fprintf(stderr, "planning ci: %s %s answered HTTP %ld %s: %s\n", method, path, resp.status,
                code, msg);
    return resp.status == 404 ? CI_USAGE : CI_TROUBLE;
}

apr_int64_t ci_int(const pl_json_t *obj, const char *key)
{
    apr_int64_t v = 0;

    return obj && pl_json_get_int(obj, key, &v) ? v : 0;
}

double ci_number(const pl_json_t *obj, const char *key)
{
    double v;

    return obj && pl_json_get_number(obj, key, &v) ? v : -1;
}

