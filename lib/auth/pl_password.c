/* SPDX-License-Identifier: Apache-2.0 */
/* Passwords: Argon2id through libargon2 with OWASP's recommended parameters.
 * The stored form is libargon2's encoded string, and verify accepts only that
 * form with exactly our parameters, so a row that was planted or migrated with
 * another algorithm, version or cost can never be used to log in. */
#include <string.h>

#include <argon2.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "auth/pl_password.h"
#include "core/pl_status.h"

/* OWASP Password Storage Cheat Sheet, Argon2id: 19 MiB, 2 iterations, 1 lane.
 * One lane also means libargon2 starts no threads inside an httpd child. */
#define PW_T_COST   2
#define PW_M_COST   19456           /* KiB */
#define PW_LANES    1
#define PW_SALT_LEN 16
#define PW_HASH_LEN 32

/* The only prefix verify accepts; it must match the constants above. */
#define PW_PREFIX "$argon2id$v=19$m=19456,t=2,p=1$"

/* Unpadded base64 lengths of the salt and the hash in the encoded form. */
#define PW_SALT_B64 22              /* ceil(16 * 4 / 3) */
#define PW_HASH_B64 43              /* ceil(32 * 4 / 3) */
#define PW_ENCODED_LEN (sizeof(PW_PREFIX) - 1 + PW_SALT_B64 + 1 + PW_HASH_B64)

#define PW_STR(x) #x
#define PW_XSTR(x) PW_STR(x)

/* The Argon2id hash, with the parameters above, of 32 random bytes that were
 * generated once with libargon2 while this file was written and then thrown
 * away. Nobody knows a password for it, so verifying against it always fails,
 * and it costs exactly what a real verify costs. A constant needs no lazy
 * initialisation and so no locking between threads. */
static const char dummy_hash[] =
    "$argon2id$v=19$m=19456,t=2,p=1$+eHuyD5yH4ewcMaJDHAPFA$"
    "WWNweDWZmD6LOubBo7MAyiYLngM5Upw2ZuvAJPoHWCA";

apr_status_t pl_password_check_policy(const char *pw, apr_size_t len, const char **why)
{
    const char *msg = NULL;

    /* Lengths are in bytes, not characters: the limit protects the server
     * (hashing cost is linear in the length) and bytes are what it pays for. */
    if (!pw || len < PL_PASSWORD_MIN || len > PL_PASSWORD_MAX)
        msg = "password must be " PW_XSTR(PL_PASSWORD_MIN) " to "
              PW_XSTR(PL_PASSWORD_MAX) " bytes";
    else if (memchr(pw, '\0', len))
        /* A NUL would be cut off by any C string handling on the way to a
         * hash, making "abc\0x" and "abc\0y" the same password. */
        msg = "password must not contain a NUL byte";
    if (msg) {
        if (why)
            *why = msg;
        return PL_EINVAL;
    }
    return APR_SUCCESS;
}

apr_status_t pl_password_hash(apr_pool_t *p, const char *pw, apr_size_t len,
                              const char **encoded)
{
    unsigned char salt[PW_SALT_LEN];
    apr_size_t enclen;
    char *out;
    apr_status_t rv;
    int rc;

    /* The caller checked the policy; this check only keeps a wrong caller
     * from handing libargon2 a length that it would refuse or that could
     * not be verified later (verify refuses anything over the maximum). */
    if (!pw || len > PL_PASSWORD_MAX)
        return PL_EINVAL;
    rv = apr_generate_random_bytes(salt, sizeof(salt));
    if (rv != APR_SUCCESS)
        return rv;
    /* argon2_encodedlen counts the terminating NUL. */
    enclen = argon2_encodedlen(PW_T_COST, PW_M_COST, PW_LANES, PW_SALT_LEN,
                               PW_HASH_LEN, Argon2_id);
    out = apr_palloc(p, enclen);
    rc = argon2id_hash_encoded(PW_T_COST, PW_M_COST, PW_LANES, pw, len,
                               salt, sizeof(salt), PW_HASH_LEN, out, enclen);
    memset(salt, 0, sizeof(salt));
    if (rc != ARGON2_OK)
        return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? APR_ENOMEM : APR_EGENERAL;
    *encoded = out;
    return APR_SUCCESS;
}

/* True when encoded is exactly PW_PREFIX, a salt of PW_SALT_LEN bytes and a
 * hash of PW_HASH_LEN bytes. libargon2's own decoder would accept any
 * parameters, salt length and hash length, so this check is what keeps a
 * weaker stored hash from ever being accepted. The base64 alphabet itself is
 * left to the decoder. */
static int is_our_encoding(const char *encoded)
{
    apr_size_t n;

    if (!encoded)
        return 0;
    n = strlen(encoded);
    if (n != PW_ENCODED_LEN || memcmp(encoded, PW_PREFIX, sizeof(PW_PREFIX) - 1) != 0)
        return 0;
    return encoded[sizeof(PW_PREFIX) - 1 + PW_SALT_B64] == '$'
        && !memchr(encoded + sizeof(PW_PREFIX) - 1, '$', PW_SALT_B64)
        && !strchr(encoded + sizeof(PW_PREFIX) + PW_SALT_B64, '$');
}

apr_status_t pl_password_verify(const char *encoded, const char *pw, apr_size_t len)
{
    int rc;

    if (!is_our_encoding(encoded))
        return PL_EAUTH;
    /* Over the maximum can never match a hash we made (hash refuses it), and
     * refusing it here bounds the work a client can ask for. */
    if (!pw || len > PL_PASSWORD_MAX)
        return PL_EAUTH;
    /* len, not strlen(pw): every byte takes part, so nothing after a NUL or
     * after byte 72 (bcrypt's limit) is ever ignored. libargon2 compares the
     * computed hash with the stored one in constant time. */
    rc = argon2id_verify(encoded, pw, len);
    if (rc == ARGON2_OK)
        return APR_SUCCESS;
    /* Out of memory is not a wrong password: let the caller answer 503
     * rather than 401. Every other failure refuses. */
    return rc == ARGON2_MEMORY_ALLOCATION_ERROR ? APR_ENOMEM : PL_EAUTH;
}

const char *pl_password_dummy_hash(void)
{
    return dummy_hash;
}
