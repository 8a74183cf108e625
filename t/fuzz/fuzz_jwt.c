/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for pl_jwt_verify: looks for crashes, leaks and UB on
 * hostile tokens (SECURITY.md 5, 40). Random bytes almost never carry a
 * valid MAC, so the claim checks that run only after it would go unfuzzed:
 * each input is therefore also re-signed with the fixed key, and an input
 * of the form "<header JSON>\n<payload JSON>" is encoded and signed whole,
 * so that mutations land in the JSON rather than in its base64. Whatever
 * verifies must satisfy the contract, or the target aborts. t/fuzz/jwt.t
 * signs its seeds with the same key and clock. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz.h"
#include "auth/pl_jwt.h"
#include "core/pl_status.h"

#define FUZZ_KEY "fuzz-key-0123456789abcdef0123456"   /* 32 bytes */
#define FUZZ_NOW 1700000000

static const pl_jwt_claims_t expect = { "mod_planning", "planning.example", "access",
                                        0, 0, 0, 0, NULL, 0 };

/* Written apart from the library's, so the two cannot share a mistake. */
static const char *b64url(apr_pool_t *p, const void *in, size_t len)
{
    char *out = apr_palloc(p, 4 * ((len + 2) / 3) + 1);
    int n = EVP_EncodeBlock((unsigned char *)out, in, (int)len), i;

    while (n > 0 && out[n - 1] == '=')
        n--;
    out[n] = '\0';
    for (i = 0; i < n; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    return out;
}

/* "<input>.<base64url HMAC-SHA256 of input>" */
static const char *resign(apr_pool_t *p, const char *input)
{
    unsigned char mac[32];
    unsigned int maclen = 0;

    if (!HMAC(EVP_sha256(), FUZZ_KEY, (int)(sizeof(FUZZ_KEY) - 1),
              (const unsigned char *)input, strlen(input), mac, &maclen) || maclen != 32)
        abort();
    return apr_pstrcat(p, input, ".", b64url(p, mac, maclen), NULL);
}

static void check(apr_pool_t *p, const char *token)
{
    pl_jwt_claims_t c;
    const char *why = NULL;
    apr_status_t rv = pl_jwt_verify(p, (const unsigned char *)FUZZ_KEY, sizeof(FUZZ_KEY) - 1,
                                    token, FUZZ_NOW, &expect, &c, &why);

    if (rv == APR_SUCCESS)
        require(!why && c.sub >= 1 && c.ver >= 0 && c.exp > FUZZ_NOW && c.iss && c.aud && c.typ
                && !strcmp(c.iss, expect.iss) && !strcmp(c.aud, expect.aud)
                && !strcmp(c.typ, expect.typ));
    else
        require(rv == PL_EAUTH && why && *why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    char *token;

    /* Tokens arrive as C strings; an embedded NUL simply ends one early. */
    token = apr_pstrmemdup(p, (const char *)data, size);
    check(p, token);
    if (size <= PL_JWT_MAX_LEN) {
        const char *nl = memchr(data, '\n', size);

        check(p, resign(p, token));
        if (nl) {
            size_t hlen = (size_t)(nl - (const char *)data);
            check(p, resign(p, apr_pstrcat(p, b64url(p, data, hlen), ".",
                                           b64url(p, nl + 1, size - hlen - 1), NULL)));
        }
    }
    apr_pool_destroy(p);
    return 0;
}
