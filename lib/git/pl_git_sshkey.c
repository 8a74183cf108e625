/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_base64.h>
#include <apr_strings.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/pl_status.h"
#include "git/pl_git_sshkey.h"

#define KEY_TYPE "ssh-ed25519"
#define MAGIC "openssh-key-v1"    /* with its NUL */
#define LINE 70                   /* base64 per line, as ssh-keygen writes */

/* The SSH wire format (RFC 4251): uint32 big-endian, string = length + bytes. */
typedef struct {
    unsigned char *buf;
    apr_size_t len, cap;
    apr_pool_t *p;
} wire_t;

static void put(wire_t *w, const void *data, apr_size_t n)
{
    if (w->len + n > w->cap) {
        apr_size_t cap = (w->cap + n) * 2;
        unsigned char *grown = apr_palloc(w->p, cap);
        if (w->len)
            memcpy(grown, w->buf, w->len);
        w->buf = grown;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, data, n);
    w->len += n;
}

static void put_u32(wire_t *w, apr_uint32_t v)
{
    unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 8), (unsigned char)v };

    put(w, b, 4);
}

static void put_string(wire_t *w, const void *data, apr_size_t n)
{
    put_u32(w, (apr_uint32_t)n);
    put(w, data, n);
}

static void put_cstring(wire_t *w, const char *s)
{
    put_string(w, s, strlen(s));
}

/* string "ssh-ed25519", string pub: the public key blob. */
static void put_public_blob(wire_t *w, const unsigned char pub[32])
{
    put_cstring(w, KEY_TYPE);
    put_string(w, pub, 32);
}

static char *b64(apr_pool_t *p, const unsigned char *data, apr_size_t n)
{
    char *out = apr_palloc(p, (apr_size_t)apr_base64_encode_len((int)n));

    apr_base64_encode_binary(out, data, (int)n);
    return out;
}

const char *pl_git_sshkey_public_line(apr_pool_t *p, const unsigned char pub[32],
                                      const char *comment)
{
    wire_t w = { NULL, 0, 0, p };

    put_public_blob(&w, pub);
    return apr_pstrcat(p, KEY_TYPE " ", b64(p, w.buf, w.len), comment ? " " : "", comment,
                       NULL);
}

const char *pl_git_sshkey_fingerprint(apr_pool_t *p, const unsigned char sha256[32])
{
    char *s = b64(p, sha256, 32);
    apr_size_t n = strlen(s);

    while (n && s[n - 1] == '=')
        s[--n] = '\0';
    return apr_pstrcat(p, "SHA256:", s, NULL);
}

const char *pl_git_sshkey_encode_private(apr_pool_t *p, const unsigned char seed[32],
                                         const unsigned char pub[32], const char *comment,
                                         unsigned int checkint)
{
    wire_t w = { NULL, 0, 0, p }, priv = { NULL, 0, 0, p }, pubblob = { NULL, 0, 0, p };
    unsigned char pad = 1;
    char *text, *out, *o;
    apr_size_t n, i;

    put_public_blob(&pubblob, pub);
    /* the private section: two equal check words, the key, its comment,
     * then 1, 2, 3 ... up to the cipher's block size (8 for "none") */
    put_u32(&priv, checkint);
    put_u32(&priv, checkint);
    put_cstring(&priv, KEY_TYPE);
    put_string(&priv, pub, 32);
    put_u32(&priv, 64);
    put(&priv, seed, 32);
    put(&priv, pub, 32);
    put_cstring(&priv, comment ? comment : "");
    while (priv.len % 8)
        put(&priv, &pad, 1), pad++;

    put(&w, MAGIC, sizeof(MAGIC));
    put_cstring(&w, "none");          /* cipher */
    put_cstring(&w, "none");          /* kdf */
    put_string(&w, "", 0);            /* kdf options */
    put_u32(&w, 1);                   /* one key */
    put_string(&w, pubblob.buf, pubblob.len);
    put_string(&w, priv.buf, priv.len);

    text = b64(p, w.buf, w.len);
    n = strlen(text);
    out = o = apr_palloc(p, n + n / LINE + 128);
    o += apr_cpystrn(o, "-----BEGIN OPENSSH PRIVATE KEY-----\n", 64) - o;
    for (i = 0; i < n; i += LINE) {
        apr_size_t k = n - i < LINE ? n - i : LINE;
        memcpy(o, text + i, k);
        o += k;
        *o++ = '\n';
    }
    apr_cpystrn(o, "-----END OPENSSH PRIVATE KEY-----\n", 64);
    /* the clear key bytes do not outlive their use more than they must */
    OPENSSL_cleanse(priv.buf, priv.len);
    OPENSSL_cleanse(w.buf, w.len);
    OPENSSL_cleanse(text, n);
    return out;
}

apr_status_t pl_git_sshkey_generate(apr_pool_t *p, const char *comment, pl_git_sshkey_t **out)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    EVP_PKEY *key = NULL;
    unsigned char seed[32], pub[32], digest[32];
    size_t sn = sizeof(seed), pn = sizeof(pub);
    unsigned int checkint, dn = 0;
    wire_t blob = { NULL, 0, 0, p };
    pl_git_sshkey_t *k;
    int ok;

    ok = c && EVP_PKEY_keygen_init(c) > 0 && EVP_PKEY_keygen(c, &key) > 0
         && EVP_PKEY_get_raw_private_key(key, seed, &sn) > 0 && sn == 32
         && EVP_PKEY_get_raw_public_key(key, pub, &pn) > 0 && pn == 32
         && RAND_bytes((unsigned char *)&checkint, sizeof(checkint)) == 1;
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(c);
    if (!ok) {
        OPENSSL_cleanse(seed, sizeof(seed));
        return APR_EGENERAL;
    }
    k = apr_pcalloc(p, sizeof(*k));
    k->public_line = pl_git_sshkey_public_line(p, pub, comment);
    k->private_pem = pl_git_sshkey_encode_private(p, seed, pub, comment, checkint);
    OPENSSL_cleanse(seed, sizeof(seed));
    put_public_blob(&blob, pub);
    if (EVP_Digest(blob.buf, blob.len, digest, &dn, EVP_sha256(), NULL) != 1)
        return APR_EGENERAL;
    k->fingerprint = pl_git_sshkey_fingerprint(p, digest);
    *out = k;
    return APR_SUCCESS;
}
