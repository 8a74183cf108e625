/* SPDX-License-Identifier: Apache-2.0 */
/* A project's ssh deploy key: ed25519, made on the server with OpenSSL.
 * libssh2 1.10 (what libgit2 uses for ssh) reads an ed25519 private key
 * from memory only in OpenSSH's own container ("BEGIN OPENSSH PRIVATE
 * KEY"; its OpenSSL backend refuses PKCS#8 for ed25519), which OpenSSL
 * does not write: the container is encoded here (PROTOCOL.key of OpenSSH),
 * unencrypted inside because it is sealed at rest (pl_seal). */
#ifndef PL_GIT_SSHKEY_H
#define PL_GIT_SSHKEY_H

#include <apr_pools.h>

typedef struct {
    const char *public_line;    /* "ssh-ed25519 AAAA... comment" (authorized_keys) */
    const char *fingerprint;    /* "SHA256:<base64, unpadded>", as ssh-keygen -l shows */
    const char *private_pem;    /* the OpenSSH private key (a secret: seal it) */
} pl_git_sshkey_t;

/* A new key pair with comment (one line, no control characters). */
apr_status_t pl_git_sshkey_generate(apr_pool_t *p, const char *comment, pl_git_sshkey_t **out);

/* The OpenSSH container of the raw ed25519 key (seed 32, public 32 bytes);
 * checkint makes it deterministic for tests (OpenSSH uses a random one). */
const char *pl_git_sshkey_encode_private(apr_pool_t *p, const unsigned char seed[32],
                                         const unsigned char pub[32], const char *comment,
                                         unsigned int checkint);
/* The authorized_keys line of a raw ed25519 public key. */
const char *pl_git_sshkey_public_line(apr_pool_t *p, const unsigned char pub[32],
                                      const char *comment);

/* "SHA256:" and the unpadded base64 of a 32-byte SHA-256 (of a key blob). */
const char *pl_git_sshkey_fingerprint(apr_pool_t *p, const unsigned char sha256[32]);

#endif
