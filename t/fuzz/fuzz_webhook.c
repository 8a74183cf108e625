/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for pl_hook_verify (SECURITY.md 32): hostile proofs and
 * bodies. Input: one byte choosing the provider, the proof header up to
 * the first '\n', the body after it. The body is copied into a buffer of
 * exactly its length (ASan: the verifier never reads past it), the proof
 * into its own string. Contract:
 *   - the verdict equals a reference written apart from the library's
 *     (OpenSSL's HMAC here, strcmp for GitLab's token): random input never
 *     verifies unless it is the proof for that body under the secret;
 *   - with no secret nothing verifies;
 *   - the true proof of the same body verifies, and one changed character
 *     of it does not (so the accepting path is fuzzed too). */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz.h"
#include "hooks/pl_hook_verify.h"

#define SECRET "fuzz-secret-0123456789abcdef0123456789abcde"

static const char *const NAMES[] = { "github", "gitlab", "gitea" };

/* The proof a provider would send for body. */
static void true_proof(const pl_hook_provider_t *prov, const char *body, size_t len,
                       char *out, size_t cap)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    size_t at;

    if (!prov->hmac) {
        snprintf(out, cap, "%s", SECRET);
        return;
    }
    HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (const unsigned char *)(len ? body : ""), len,
         mac, &n);
    at = (size_t)snprintf(out, cap, "%s", prov->prefix);
    for (i = 0; i < n && at + 2 < cap; i++, at += 2)
        snprintf(out + at, cap - at, "%02x", mac[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const pl_hook_provider_t *prov;
    const char *nl;
    char *proof, *body, truth[160];
    size_t plen, blen;
    int got;

    if (size < 1)
        return 0;
    prov = pl_hook_provider(NAMES[data[0] % 3]);
    require(prov != NULL);
    data++, size--;
    nl = memchr(data, '\n', size);
    plen = nl ? (size_t)(nl - (const char *)data) : size;
    blen = nl ? size - plen - 1 : 0;
    proof = malloc(plen + 1);
    memcpy(proof, data, plen);
    proof[plen] = '\0';
    body = malloc(blen ? blen : 1);
    if (blen)
        memcpy(body, nl + 1, blen);

    true_proof(prov, body, blen, truth, sizeof(truth));
    got = pl_hook_verify(prov, (const unsigned char *)SECRET, strlen(SECRET), body, blen, proof);
    require(got == !strcmp(proof, truth));
    require(!pl_hook_verify(prov, (const unsigned char *)"", 0, body, blen, proof));
    require(!pl_hook_verify(prov, (const unsigned char *)SECRET, strlen(SECRET), body, blen, NULL));
    require(pl_hook_verify(prov, (const unsigned char *)SECRET, strlen(SECRET), body, blen, truth));
    truth[plen % strlen(truth)] ^= 1;
    require(!pl_hook_verify(prov, (const unsigned char *)SECRET, strlen(SECRET), body, blen, truth));
    free(proof);
    free(body);
    return 0;
}
