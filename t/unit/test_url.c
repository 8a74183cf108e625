/* SPDX-License-Identifier: Apache-2.0 */
/* pl_url: outbound URLs for model servers (SECURITY.md item 20). Only IP
 * literals and localhost are resolved, so no network is needed. */
#include "unit.h"
#include "core/pl_status.h"
#include "core/pl_http.h"
#include "core/pl_url.h"

static apr_array_header_t *allow(apr_pool_t *p, const char *ip, const char *mask)
{
    apr_array_header_t *a = apr_array_make(p, 1, sizeof(apr_ipsubnet_t *));
    apr_ipsubnet_t *sub;

    assert_int_equal(apr_ipsubnet_create(&sub, ip, mask, p), APR_SUCCESS);
    APR_ARRAY_PUSH(a, apr_ipsubnet_t *) = sub;
    return a;
}

static apr_status_t check(apr_pool_t *p, const char *url, const apr_array_header_t *allowed)
{
    pl_url_t u;
    const char *why = NULL;
    apr_status_t rv = pl_url_parse(p, url, &u, &why);

    if (rv == APR_SUCCESS)
        rv = pl_url_resolve(p, &u, allowed, &why);
    if (rv != APR_SUCCESS)
        assert_non_null(why);
    return rv;
}

static void refuses_bad_forms(void **state)
{
    static const char *const bad[] = {
        "file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://h/", "http://", "http:///x",
        "http://user:pass@93.184.216.34/", "http://evil@93.184.216.34/",
        "http://93.184.216.34/?a=1", "http://93.184.216.34/#f", "http://93.184.216.34:0/",
        "http://93.184.216.34/a b", "javascript:alert(1)", "", NULL
    };
    const char *const *u;
    pl_url_t out;
    const char *why;

    for (u = bad; *u; u++)
        if (pl_url_parse(*state, *u, &out, &why) == APR_SUCCESS)
            fail_msg("accepted %s", *u);
}

/* Found by t/fuzz/fuzz_url.c: apr_uri_parse wraps ports past 65535 (65617
 * became 81, -1 became 65535) and reads "[::1]x" as the host "::1]". */
static void port_and_host_as_written(void **state)
{
    static const char *const bad[] = {
        "http://93.184.216.34:65617/", "http://93.184.216.34:65536/", "http://93.184.216.34:-1/",
        "http://93.184.216.34:+80/", "http://93.184.216.34:99999999999999999999/",
        "http://93.184.216.34:/", "http://[::1]x/", "http://[::1]http://[::1]:11434/",
        "http://[::1/", "http://[]/", "http://a'b/", "http://h%2e/", NULL
    };
    static const struct { const char *url, *host; apr_port_t port; } good[] = {
        { "http://93.184.216.34:65535/", "93.184.216.34", 65535 },
        { "http://h:00080", "h", 80 },
        { "https://[2001:4860::8888]:8443/v1", "2001:4860::8888", 8443 },
        { "http://ollama_1.lan-x/", "ollama_1.lan-x", 80 },
    };
    const char *const *u;
    pl_url_t out;
    const char *why;
    apr_size_t i;

    for (u = bad; *u; u++)
        if (pl_url_parse(*state, *u, &out, &why) == APR_SUCCESS)
            fail_msg("accepted %s (host %s, port %u)", *u, out.host, (unsigned)out.port);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(pl_url_parse(*state, good[i].url, &out, &why), APR_SUCCESS);
        assert_string_equal(out.host, good[i].host);
        assert_int_equal(out.port, good[i].port);
    }
}

static void refuses_private_targets(void **state)
{
    static const char *const bad[] = {
        "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:11434", "http://localhost:11434",
        "http://[::1]:11434", "http://[::ffff:127.0.0.1]:11434", "http://[::ffff:169.254.169.254]/",
        "http://2130706433:11434", "http://0x7f000001:11434", "http://0177.0.0.1/",
        "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.10/", "http://100.64.0.1/",
        "http://0.0.0.0/", "http://[fd00::1]/", "http://[fe80::1]/", "http://224.0.0.1/", NULL
    };
    const char *const *u;

    for (u = bad; *u; u++)
        if (check(*state, *u, NULL) != PL_EINVAL)
            fail_msg("reached %s", *u);
}

static void allow_list_opens_a_subnet(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *loop = allow(p, "127.0.0.0", "8");
    pl_url_t u;
    const char *why;

    assert_int_equal(check(p, "http://127.0.0.1:11434", loop), APR_SUCCESS);
    assert_int_equal(check(p, "http://[::ffff:127.0.0.1]:11434", loop), APR_SUCCESS);
    assert_int_equal(check(p, "http://2130706433:11434", loop), APR_SUCCESS);
    /* the allowed subnet does not open the others */
    assert_int_equal(check(p, "http://169.254.169.254/", loop), PL_EINVAL);
    assert_int_equal(check(p, "http://192.168.1.10/", loop), PL_EINVAL);

    assert_int_equal(pl_url_parse(p, "http://127.0.0.1:11434/ollama/", &u, &why), APR_SUCCESS);
    assert_int_equal(pl_url_resolve(p, &u, loop, &why), APR_SUCCESS);
    assert_string_equal(u.path, "/ollama");
    assert_int_equal(u.port, 11434);
    assert_string_equal(u.connect_to, "::127.0.0.1:11434");
}

/* IPv6 addresses that carry an IPv4 one are judged by it (issue 10, item
 * 14): 6to4 2002:AABB:CCDD::, NAT64 64:ff9b::a.b.c.d, Teredo 2001:0:S:S::
 * with the client in the last 32 bits inverted. */
static void embedded_ipv4_is_judged(void **state)
{
    static const char *const bad[] = {
        "http://[2002:7f00:1::1]/",                 /* 6to4 of 127.0.0.1 */
        "http://[2002:a9fe:a9fe::]/",               /* 6to4 of 169.254.169.254 */
        "http://[2002:c0a8:10a::5]/",               /* 6to4 of 192.168.1.10 */
        "http://[64:ff9b::7f00:1]/",                /* NAT64 of 127.0.0.1 */
        "http://[64:ff9b::169.254.169.254]/",       /* NAT64 of the metadata address */
        "http://[64:ff9b::a00:1]/",                 /* NAT64 of 10.0.0.1 */
        "http://[2001:0:5db8:d822::80ff:fffe]/",    /* Teredo: client ~80ff:fffe = 127.0.0.1 */
        "http://[2001:0:5db8:d822::5601:5601]/",    /* Teredo: client 169.254.169.254 */
        "http://[2001:0:a00:1::f5ff:fffe]/",        /* Teredo server 10.0.0.1 */
        NULL
    };
    const char *const *u;

    for (u = bad; *u; u++)
        if (check(*state, *u, NULL) != PL_EINVAL)
            fail_msg("reached %s", *u);
    /* the same forms around public addresses are public */
    assert_int_equal(check(*state, "http://[2002:5db8:d822::1]/", NULL), APR_SUCCESS);
    assert_int_equal(check(*state, "http://[64:ff9b::5db8:d822]/", NULL), APR_SUCCESS);
    assert_int_equal(check(*state, "http://[2001:0:5db8:d822::a247:27dd]/", NULL), APR_SUCCESS);
}

/* An IPv6 literal is connected to in brackets: CURLOPT_RESOLVE could not
 * take the host "::1" at all ("Couldn't parse CURLOPT_RESOLVE entry"). */
static void ipv6_literal_connects_in_brackets(void **state)
{
    apr_pool_t *p = *state;
    pl_url_t u;
    const char *why;

    assert_int_equal(pl_url_parse(p, "http://[::1]:11434", &u, &why), APR_SUCCESS);
    assert_int_equal(pl_url_resolve(p, &u, allow(p, "::1", NULL), &why), APR_SUCCESS);
    assert_string_equal(u.connect_to, "::[::1]:11434");
}

static void public_is_allowed(void **state)
{
    pl_url_t u;
    const char *why;

    assert_int_equal(check(*state, "https://93.184.216.34/v1", NULL), APR_SUCCESS);
    assert_int_equal(pl_url_parse(*state, "HTTPS://93.184.216.34", &u, &why), APR_SUCCESS);
    assert_string_equal(u.scheme, "https");
    assert_int_equal(u.port, 443);
}

/* Where a request goes: an OpenAI-kind base written with its /v1 (as the
 * OpenAI SDKs take it) does not get a second one. */
static void base_and_path_joined(void **state)
{
    static const struct { const char *base, *path, *url; } cases[] = {
        { "http://127.0.0.1:8000/v1", "/v1/models", "http://127.0.0.1:8000/v1/models" },
        { "http://127.0.0.1:8000/v1/", "/v1/chat/completions",
          "http://127.0.0.1:8000/v1/chat/completions" },
        { "http://127.0.0.1:8000", "/v1/models", "http://127.0.0.1:8000/v1/models" },
        { "http://h/openai/v1", "/v1/models", "http://h:80/openai/v1/models" },
        { "http://h/v1", "/api/tags", "http://h:80/v1/api/tags" },
        { "http://h/xv1", "/v1/models", "http://h:80/xv1/v1/models" },
        { "http://h/v10", "/v1/models", "http://h:80/v10/v1/models" },
        { "https://[::1]:11434", "/api/chat", "https://[::1]:11434/api/chat" },
    };
    apr_size_t i;
    pl_url_t u;
    const char *why;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(pl_url_parse(*state, cases[i].base, &u, &why), APR_SUCCESS);
        assert_string_equal(pl_http_url(*state, &u, cases[i].path), cases[i].url);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(refuses_bad_forms),
        UNIT_TEST(port_and_host_as_written),
        UNIT_TEST(refuses_private_targets),
        UNIT_TEST(allow_list_opens_a_subnet),
        UNIT_TEST(embedded_ipv4_is_judged),
        UNIT_TEST(ipv6_literal_connects_in_brackets),
        UNIT_TEST(public_is_allowed),
        UNIT_TEST(base_and_path_joined),
    };
    return UNIT_RUN(tests);
}
