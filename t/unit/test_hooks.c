/* SPDX-License-Identifier: Apache-2.0 */
/* lib/hooks: the proof of a webhook delivery (GitHub's published test
 * vector, GitLab's token, Gitea's bare hex; SECURITY.md item 32) and the
 * sealing of the secret at rest. */
#include "unit.h"
#include "core/pl_status.h"
#include "hooks/pl_hook_secret.h"
#include "hooks/pl_hook_verify.h"

/* GitHub's docs, "Validating webhook deliveries". */
#define GH_SECRET "It's a Secret to Everybody"
#define GH_BODY "Hello, World!"
#define GH_HEX "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

#define SECRET(s) (const unsigned char *)(s), strlen(s)

static void test_github_vector(void **state)
{
    char hex[65];

    (void)state;
    assert_true(pl_hook_hmac_hex(SECRET(GH_SECRET), GH_BODY, strlen(GH_BODY), hex));
    assert_string_equal(hex, GH_HEX);
    assert_true(pl_hook_verify(pl_hook_provider("github"), SECRET(GH_SECRET), GH_BODY,
                               strlen(GH_BODY), "sha256=" GH_HEX));
}

static void test_github_refusals(void **state)
{
    const pl_hook_provider_t *gh = pl_hook_provider("github");
    const char *b = GH_BODY;

    (void)state;
    /* missing, sha1= only, no prefix, altered body, other secret, case, length */
    assert_false(pl_hook_verify(gh, SECRET(GH_SECRET), b, strlen(b), NULL));
    assert_false(pl_hook_verify(gh, SECRET(GH_SECRET), b, strlen(b),
                                "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59"));
    assert_false(pl_hook_verify(gh, SECRET(GH_SECRET), b, strlen(b), GH_HEX));
    assert_false(pl_hook_verify(gh, SECRET(GH_SECRET), "Hello, World?", 13,
                                "sha256=" GH_HEX));
    assert_false(pl_hook_verify(gh, SECRET(GH_SECRET), b, strlen(b) - 1, "sha256=" GH_HEX));
    assert_false(pl_hook_verify(gh, SECRET("It's a Secret to Everybody!"), b, strlen(b),
                                "sha256=" GH_HEX));
    assert_false(pl_hook_verify(gh, SECRET(GH_SECRET), b, strlen(b),
                  "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17"));
    assert_false(pl_hook_verify(gh, SECRET(GH_SECRET), b, strlen(b), "sha256=" GH_HEX "0"));
    assert_false(pl_hook_verify(gh, SECRET(GH_SECRET), b, strlen(b), "sha256="));
    /* no secret: nothing verifies, not even the HMAC under the empty key */
    assert_false(pl_hook_verify(gh, (const unsigned char *)"", 0, b, strlen(b),
                                "sha256=" GH_HEX));
}

static void test_gitea_and_gitlab(void **state)
{
    const pl_hook_provider_t *gitea = pl_hook_provider("gitea");
    const pl_hook_provider_t *gitlab = pl_hook_provider("gitlab");
    const char *b = GH_BODY;

    (void)state;
    assert_true(pl_hook_verify(gitea, SECRET(GH_SECRET), b, strlen(b), GH_HEX));
    assert_false(pl_hook_verify(gitea, SECRET(GH_SECRET), b, strlen(b), "sha256=" GH_HEX));
    assert_true(pl_hook_verify(gitlab, SECRET(GH_SECRET), b, strlen(b), GH_SECRET));
    assert_false(pl_hook_verify(gitlab, SECRET(GH_SECRET), b, strlen(b), GH_SECRET "x"));
    assert_false(pl_hook_verify(gitlab, SECRET(GH_SECRET), b, strlen(b), "It's a Secret"));
    assert_false(pl_hook_verify(gitlab, SECRET(GH_SECRET), b, strlen(b), ""));
    assert_false(pl_hook_verify(gitlab, SECRET(GH_SECRET), b, strlen(b), NULL));
    assert_null(pl_hook_provider("bitbucket"));
    assert_null(pl_hook_provider(NULL));
    assert_string_equal(pl_hook_provider("github")->event_header, "X-GitHub-Event");
}

static void test_seal(void **state)
{
    apr_pool_t *p = *state;
    static const unsigned char KEY[32] = "0123456789abcdef0123456789abcdef";
    static const unsigned char OTHER[32] = "0123456789abcdef0123456789abcdeX";
    const char *sealed, *again, *back;
    char *bad;

    assert_int_equal(pl_hook_secret_seal(p, KEY, 32, 7, GH_SECRET, &sealed), APR_SUCCESS);
    assert_null(strstr(sealed, "Secret"));
    assert_int_equal(pl_hook_secret_open(p, KEY, 32, 7, sealed, &back), APR_SUCCESS);
    assert_string_equal(back, GH_SECRET);
    /* a fresh nonce each time */
    assert_int_equal(pl_hook_secret_seal(p, KEY, 32, 7, GH_SECRET, &again), APR_SUCCESS);
    assert_string_not_equal(sealed, again);
    /* another key, another project, an altered byte, junk */
    assert_int_equal(pl_hook_secret_open(p, OTHER, 32, 7, sealed, &back), PL_EINVAL);
    assert_int_equal(pl_hook_secret_open(p, KEY, 32, 8, sealed, &back), PL_EINVAL);
    bad = apr_pstrdup(p, sealed);
    bad[30] = bad[30] == '0' ? '1' : '0';
    assert_int_equal(pl_hook_secret_open(p, KEY, 32, 7, bad, &back), PL_EINVAL);
    assert_int_equal(pl_hook_secret_open(p, KEY, 32, 7, "zz", &back), PL_EINVAL);
    assert_int_equal(pl_hook_secret_open(p, KEY, 32, 7, NULL, &back), PL_EINVAL);
    assert_int_equal(pl_hook_secret_open(p, KEY, 32, 7, apr_pstrndup(p, sealed, 40), &back),
                     PL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_github_vector),
        UNIT_TEST(test_github_refusals),
        UNIT_TEST(test_gitea_and_gitlab),
        UNIT_TEST(test_seal),
    };

    return UNIT_RUN(tests);
}
