/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>
#include <curl/curl.h>

#include "pl_http.h"
#include "pl_status.h"

typedef struct {
    apr_pool_t *p;
    char *buf;
    apr_size_t len, cap, max;
    int too_big;
} sink_t;

apr_status_t pl_http_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? APR_SUCCESS : APR_EGENERAL;
}

/* Returning less than given makes curl stop: the cap holds while the body
 * arrives, not after. */
static size_t collect(char *data, size_t size, size_t n, void *baton)
{
    sink_t *s = baton;
    apr_size_t add = size * n;

    if (s->len + add > s->max) {
        s->too_big = 1;
        return 0;
    }
    if (s->len + add + 1 > s->cap) {
        apr_size_t cap = s->cap ? s->cap * 2 : 4096;
        char *bigger;
        while (cap < s->len + add + 1)
            cap *= 2;
        bigger = apr_palloc(s->p, cap);
        if (s->len)
            memcpy(bigger, s->buf, s->len);
        s->buf = bigger;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, add);
    s->len += add;
    return add;
}

static apr_status_t release_easy(void *data)
{
    curl_easy_cleanup(data);
    return APR_SUCCESS;
}

static apr_status_t release_list(void *data)
{
    curl_slist_free_all(data);
    return APR_SUCCESS;
}

/* Every option is checked: one that does not take is a request not made. */
#define SET(opt, val) do { if (curl_easy_setopt(h, opt, val) != CURLE_OK) goto setup_failed; } while (0)

apr_status_t pl_http_do(apr_pool_t *p, const pl_http_req_t *req, pl_http_resp_t *resp)
{
    CURL *h = curl_easy_init();
    struct curl_slist *resolve = NULL, *headers = NULL;
    sink_t sink = { p, NULL, 0, 0, req->max_response, 0 };
    const pl_url_t *b = req->base;
    const char *url = apr_psprintf(p, "%s://%s%s%s:%u%s%s", b->scheme,
                                   strchr(b->host, ':') ? "[" : "", b->host,
                                   strchr(b->host, ':') ? "]" : "", (unsigned)b->port,
                                   b->path, req->path);
    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode rc;

    memset(resp, 0, sizeof(*resp));
    if (!h) {
        resp->error = "cannot create a curl handle";
        return PL_EUPSTREAM;
    }
    apr_pool_cleanup_register(p, h, release_easy, apr_pool_cleanup_null);
    resolve = curl_slist_append(NULL, b->resolve);
    headers = curl_slist_append(NULL, "Accept: application/json");
    if (req->body)
        headers = curl_slist_append(headers, "Content-Type: application/json");
    if (req->bearer)
        headers = curl_slist_append(headers, apr_pstrcat(p, "Authorization: Bearer ",
                                                         req->bearer, NULL));
    apr_pool_cleanup_register(p, resolve, release_list, apr_pool_cleanup_null);
    apr_pool_cleanup_register(p, headers, release_list, apr_pool_cleanup_null);
    if (!resolve || !headers)
        goto setup_failed;

    SET(CURLOPT_URL, url);
    SET(CURLOPT_RESOLVE, resolve);
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_NOPROXY, "*");
    SET(CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, req->timeout_ms);
    SET(CURLOPT_WRITEFUNCTION, collect);
    SET(CURLOPT_WRITEDATA, &sink);
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_CUSTOMREQUEST, req->method);
    if (req->body) {
        SET(CURLOPT_POSTFIELDS, req->body);
        SET(CURLOPT_POSTFIELDSIZE, (long)strlen(req->body));
    }
    else if (!strcmp(req->method, "GET"))
        SET(CURLOPT_HTTPGET, 1L);

    rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    {
        double secs = 0;
        curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &secs);
        resp->elapsed_ms = secs * 1000.0;
    }
    resp->body = sink.buf ? sink.buf : "";
    if (sink.buf)
        sink.buf[sink.len] = '\0';
    resp->len = sink.len;
    if (rc == CURLE_OK)
        return APR_SUCCESS;
    resp->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    resp->error = sink.too_big ? "the response is larger than allowed"
                : apr_pstrdup(p, *errbuf ? errbuf : curl_easy_strerror(rc));
    return PL_EUPSTREAM;

setup_failed:
    resp->error = "cannot set up the request";
    return PL_EUPSTREAM;
}
