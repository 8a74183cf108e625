/* SPDX-License-Identifier: Apache-2.0 */
/* Session tokens: compact JWS with HS256 only (RFC 7519, RFC 8725).
 * Verification pins the algorithm, requires exp, checks iss, aud and typ,
 * honours nbf, ignores kid/jku/x5u, compares the MAC in constant time over
 * the bytes received, and refuses oversize or malformed input before any
 * crypto. Every refusal is the same PL_EAUTH to the caller; the reason is
 * for the log only. */
#ifndef PL_JWT_H
#define PL_JWT_H

#include <apr_pools.h>

#define PL_JWT_MAX_LEN      4096   /* longer tokens are refused unparsed */
#define PL_JWT_KEY_MIN      32     /* bytes of signing key */

typedef struct {
    const char *iss;        /* issuer, e.g. "mod_planning" */
    const char *aud;        /* audience, e.g. the server name */
    const char *typ;        /* "access" (the only kind signed as a JWT today) */
    apr_int64_t sub;        /* user id */
    apr_int64_t ver;        /* the user's token version when issued */
    apr_int64_t iat;        /* seconds since the epoch */
    apr_int64_t exp;        /* seconds since the epoch */
    const char *jti;        /* unique id, may be NULL when signing (one is made) */
    apr_int64_t sid;        /* the session (refresh family) it belongs to; 0: none */
} pl_jwt_claims_t;

/* Signs claims with key (>= PL_JWT_KEY_MIN bytes) into a compact token. */
apr_status_t pl_jwt_sign(apr_pool_t *p, const unsigned char *key, apr_size_t keylen,
                         const pl_jwt_claims_t *claims, const char **token);

/* Verifies token: header exactly {"alg":"HS256","typ":"JWT"} in meaning
 * (alg must be "HS256" byte for byte; "none", "None", "hs256", HS512, RS256
 * are refused), a valid MAC, exp present as an integer and > now, nbf (if
 * present, an integer) <= now, iss/aud/typ equal to expect's, sub and ver
 * integers. On success fills *claims (strings in p). Returns APR_SUCCESS or
 * PL_EAUTH with *why set to a short reason for the log. */
apr_status_t pl_jwt_verify(apr_pool_t *p, const unsigned char *key, apr_size_t keylen,
                           const char *token, apr_int64_t now,
                           const pl_jwt_claims_t *expect, pl_jwt_claims_t *claims,
                           const char **why);

#endif
