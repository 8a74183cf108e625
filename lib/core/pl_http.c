/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>
#include <curl/curl.h>

#include "core/pl_http.h"
#include "core/pl_status.h"

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

typedef struct {
    pl_http_data_fn *on_data;
    pl_http_poll_fn *on_poll;
    void *baton;
    CURL *h;
    int aborted;
} stream_t;

static size_t relay(char *data, size_t size, size_t n, void *baton)
{
    stream_t *s = baton;
    long status = 0;

    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &status);
    if (s->on_data(s->baton, status, data, size * n)) {
        s->aborted = 1;
        return 0;
    }
    return size * n;
}

static int poll_cb(void *baton, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                   curl_off_t ulnow)
{
    stream_t *s = baton;

    if (s->on_poll && s->on_poll(s->baton)) {
        s->aborted = 1;
        return 1;
    }
    return 0;
}

/* The base path ends in "/v1" when an OpenAI-compatible server is written
 * the way its SDKs take it ("http://host:8000/v1"); our OpenAI paths carry
 * the "/v1" already, so it is not said twice. */
const char *pl_http_url(apr_pool_t *p, const pl_url_t *b, const char *path)
{
    apr_size_t n = strlen(b->path);
    int twice = n >= 3 && !strcmp(b->path + n - 3, "/v1") && !strncmp(path, "/v1/", 4);

    return apr_psprintf(p, "%s://%s%s%s:%u%.*s%s", b->scheme,
                        strchr(b->host, ':') ? "[" : "", b->host,
                        strchr(b->host, ':') ? "]" : "", (unsigned)b->port,
                        (int)(twice ? n - 3 : n), b->path, path);
}

/* Every option is checked: one that does not take is a request not made. */
#define SET(opt, val) do { if (curl_easy_setopt(h, opt, val) != CURLE_OK) return NULL; } while (0)

/* A handle for req with everything but where the body goes; NULL (and
 * resp->error) when it cannot be set up. */
static CURL *prepare(apr_pool_t *p, const pl_http_req_t *req, char *errbuf)
{
    CURL *h = curl_easy_init();
    struct curl_slist *connect_to, *headers;
    const pl_url_t *b = req->base;
    const char *url = pl_http_url(p, b, req->path);

    if (!h)
        return NULL;
    apr_pool_cleanup_register(p, h, release_easy, apr_pool_cleanup_null);
    connect_to = curl_slist_append(NULL, b->connect_to);
    headers = curl_slist_append(NULL, "Accept: application/json");
    if (req->body)
        headers = curl_slist_append(headers, "Content-Type: application/json");
    if (req->bearer)
        headers = curl_slist_append(headers, apr_pstrcat(p, "Authorization: Bearer ",
                                                         req->bearer, NULL));
    apr_pool_cleanup_register(p, connect_to, release_list, apr_pool_cleanup_null);
    apr_pool_cleanup_register(p, headers, release_list, apr_pool_cleanup_null);
    if (!connect_to || !headers)
        return NULL;
    SET(CURLOPT_URL, url);
    SET(CURLOPT_CONNECT_TO, connect_to);
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_NOPROXY, "*");
    SET(CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, req->timeout_ms);
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_CUSTOMREQUEST, req->method);
    if (req->idle_timeout_s > 0) {
        /* a model thinking is silent, a dead one too: below 1 byte/s for this long is dead */
        SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
        SET(CURLOPT_LOW_SPEED_TIME, req->idle_timeout_s);
    }
    if (req->body) {
        SET(CURLOPT_POSTFIELDS, req->body);
        SET(CURLOPT_POSTFIELDSIZE, (long)strlen(req->body));
    }
    else if (!strcmp(req->method, "GET"))
        SET(CURLOPT_HTTPGET, 1L);
    return h;
}
#undef SET

static apr_status_t finish(apr_pool_t *p, CURL *h, CURLcode rc, const char *errbuf,
                           pl_http_resp_t *resp)
{
    double secs = 0;

    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &secs);
    resp->elapsed_ms = secs * 1000.0;
    if (rc == CURLE_OK)
        return APR_SUCCESS;
    resp->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    resp->connected = rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST;
    resp->error = apr_pstrdup(p, *errbuf ? errbuf : curl_easy_strerror(rc));
    return PL_EUPSTREAM;
}

apr_status_t pl_http_do(apr_pool_t *p, const pl_http_req_t *req, pl_http_resp_t *resp)
{
    sink_t sink = { p, NULL, 0, 0, req->max_response, 0 };
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *h;
    CURLcode rc;
    apr_status_t rv;

    memset(resp, 0, sizeof(*resp));
    if (!(h = prepare(p, req, errbuf))
        || curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect) != CURLE_OK
        || curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink) != CURLE_OK) {
        resp->error = "cannot set up the request";
        return PL_EUPSTREAM;
    }
    rc = curl_easy_perform(h);
    rv = finish(p, h, rc, errbuf, resp);
    resp->body = sink.buf ? sink.buf : "";
    if (sink.buf)
        sink.buf[sink.len] = '\0';
    resp->len = sink.len;
    if (sink.too_big)
        resp->error = "the response is larger than allowed";
    return rv;
}

apr_status_t pl_http_stream(apr_pool_t *p, const pl_http_req_t *req, pl_http_data_fn *on_data,
                            pl_http_poll_fn *on_poll, void *baton, pl_http_resp_t *resp)
{
    stream_t s = { on_data, on_poll, baton, NULL, 0 };
    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode rc;
    apr_status_t rv;

    memset(resp, 0, sizeof(*resp));
    if (!(s.h = prepare(p, req, errbuf))
        || curl_easy_setopt(s.h, CURLOPT_WRITEFUNCTION, relay) != CURLE_OK
        || curl_easy_setopt(s.h, CURLOPT_WRITEDATA, &s) != CURLE_OK
        || curl_easy_setopt(s.h, CURLOPT_XFERINFOFUNCTION, poll_cb) != CURLE_OK
        || curl_easy_setopt(s.h, CURLOPT_XFERINFODATA, &s) != CURLE_OK
        || curl_easy_setopt(s.h, CURLOPT_NOPROGRESS, 0L) != CURLE_OK) {
        resp->error = "cannot set up the request";
        return PL_EUPSTREAM;
    }
    rc = curl_easy_perform(s.h);
    rv = finish(p, s.h, rc, errbuf, resp);
    resp->body = "";
    return s.aborted ? APR_EINTR : rv;
}
