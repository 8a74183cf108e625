/* SPDX-License-Identifier: Apache-2.0 */
/* What every libFuzzer target of t/fuzz/ shares: APR started once with a
 * root pool, and require(), which aborts on a broken contract so that
 * libFuzzer saves the input and t/lib/PlanningFuzz.pm prints it. Included
 * once, by the target's only C file. */
#ifndef PL_FUZZ_H
#define PL_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <apr_general.h>
#include <apr_pools.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static apr_pool_t *fuzz_root;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (apr_initialize() != APR_SUCCESS || apr_pool_create(&fuzz_root, NULL) != APR_SUCCESS)
        abort();
    return 0;
}

static inline void fuzz_broken(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: contract broken: %s\n", file, line, what);
    abort();
}

#define require(cond) ((cond) ? (void)0 : fuzz_broken(#cond, __FILE__, __LINE__))

/* A pool for one input, a child of the root. */
static inline apr_pool_t *fuzz_pool(void)
{
    apr_pool_t *p;

    if (apr_pool_create(&p, fuzz_root) != APR_SUCCESS)
        abort();
    return p;
}

static inline apr_status_t fuzz_free(void *mem)
{
    free(mem);
    return APR_SUCCESS;
}

/* len bytes of data (and a NUL after them when nul) in a malloc block of
 * exactly that size, freed with p: ASan sees a read one byte past it, which
 * it would not inside a pool's larger block. */
static inline char *fuzz_copy(apr_pool_t *p, const void *data, size_t len, int nul)
{
    char *mem = malloc(len + (nul ? 1 : 0) + (len || nul ? 0 : 1));

    if (!mem)
        abort();
    if (len)
        memcpy(mem, data, len);
    if (nul)
        mem[len] = '\0';
    apr_pool_cleanup_register(p, mem, fuzz_free, apr_pool_cleanup_null);
    return mem;
}

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF), written apart from the library's checks. */
static inline int fuzz_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i], n, cp, k;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, cp = c & 0x07;
        else
            return 0;
        if (len - i <= n)
            return 0;
        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
            || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        i += n + 1;
    }
    return 1;
}

#endif
