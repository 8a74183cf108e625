/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for pl_project_path, the check of every path a caller
 * names inside a project (SECURITY.md 13 and 15). The input is the name, NUL
 * bytes included. The tree is real and built once: a project directory with
 * sources and .git, next to another project and a directory outside, and
 * symlinks to a file outside, to /, into .git, chained, as a middle
 * directory, into the neighbour, dangling and in a loop.
 *
 * Contracts, judged apart from the library: an accepted name resolves, part
 * by part (realpath of the longest existing prefix, written here), to a place
 * inside the project; the answer is that place, canonical; nothing in .git
 * goes unflagged; a name with a NUL, a backslash, a ".." component or a
 * leading '/' is never accepted; a refusal says why and gives no path. */
#include <errno.h>
#include <limits.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <apr_strings.h>

#include "fuzz.h"
#include "core/pl_path.h"
#include "core/pl_status.h"
#include "projects/pl_confine.h"

static char base[PATH_MAX];
static const char *proj;

static void at(const char *rel, char *out)
{
    snprintf(out, PATH_MAX, "%s/%s", base, rel);
}

static void mkd(const char *rel)
{
    char p[PATH_MAX];

    at(rel, p);
    if (mkdir(p, 0755) != 0)
        abort();
}

static void mkf(const char *rel)
{
    char p[PATH_MAX];
    int fd;

    at(rel, p);
    if ((fd = open(p, O_CREAT | O_WRONLY, 0644)) < 0)
        abort();
    close(fd);
}

static void ln(const char *target, const char *rel)
{
    char p[PATH_MAX], t[PATH_MAX];

    at(rel, p);
    if (target[0] == '@')
        at(target + 1, t);
    else
        snprintf(t, sizeof(t), "%s", target);
    if (symlink(t, p) != 0)
        abort();
}

static void remove_tree(void)
{
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", base);
}

static void build_tree(void)
{
    static char path[PATH_MAX];
    char tmpl[] = "/tmp/pl_fuzz_confine_XXXXXX";

    if (!mkdtemp(tmpl) || !realpath(tmpl, base))
        abort();
    atexit(remove_tree);
    mkd("roots");
    mkd("roots/proj");
    mkd("roots/proj/src");
    mkd("roots/proj/src/deep");
    mkf("roots/proj/src/main.c");
    mkd("roots/proj/.git");
    mkd("roots/proj/.git/hooks");
    mkf("roots/proj/.git/config");
    mkd("roots/other");
    mkf("roots/other/secret");
    mkd("outside");
    mkf("outside/passwd");
    ln("@outside/passwd", "roots/proj/to-passwd");
    ln("/", "roots/proj/to-root");
    ln(".git/config", "roots/proj/cfg");
    ln(".git", "roots/proj/gitdir");
    ln("link2", "roots/proj/link1");
    ln("link3", "roots/proj/link2");
    ln("@outside", "roots/proj/link3");
    ln("../src", "roots/proj/src/deep/up");
    ln("@outside", "roots/proj/src/mid");
    ln("../other", "roots/proj/sibling");
    ln("nowhere", "roots/proj/dangling");
    ln("loop", "roots/proj/loop");
    at("roots/proj", path);
    proj = path;
}

/* The place name leads to, found here: realpath of the longest prefix that
 * exists, and the rest appended. NULL when a prefix exists but does not
 * resolve (dangling, loop). */
static const char *expected(apr_pool_t *p, const char *clean)
{
    char *prefix = apr_pstrdup(p, clean), *cut, real[PATH_MAX];
    const char *rest = "";

    for (;;) {
        struct stat st;
        if (realpath(prefix, real))
            return apr_pstrcat(p, real, rest, NULL);
        if (lstat(prefix, &st) == 0 || errno != ENOENT)
            return NULL;
        cut = strrchr(prefix, '/');
        if (!cut || cut == prefix)
            return NULL;
        rest = apr_pstrcat(p, cut, rest, NULL);
        *cut = '\0';
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool();
    const char *rel = fuzz_copy(p, data, size, 0), *abs = (const char *)1, *why = NULL, *want;
    const char *git = NULL;
    int flags = -1, dotdot = 0;
    struct stat st;
    size_t i;
    apr_status_t rv;

    if (!proj)
        build_tree();
    git = apr_pstrcat(p, proj, "/.git", NULL);
    for (i = 0; i + 1 < size; i++)
        if (data[i] == '.' && data[i + 1] == '.' && (i == 0 || data[i - 1] == '/')
            && (i + 2 == size || data[i + 2] == '/'))
            dotdot = 1;
    rv = pl_project_path(p, proj, rel, size, &abs, &flags, &why);
    if (rv != APR_SUCCESS) {
        require(rv == PL_EINVAL || rv == PL_EFORBIDDEN);
        require(why && *why && !abs);
        apr_pool_destroy(p);
        return 0;
    }
    require(abs && pl_path_is_under(abs, proj));
    require(!memchr(data, '\0', size) && !memchr(data, '\\', size) && !dotdot);
    require(!size || data[0] != '/');
    require(!strstr(abs, "//") && !strstr(abs, "/./") && !strstr(abs, "/../"));
    /* every component that exists was followed: the answer is canonical up
     * to the first missing one, and agrees with a plain realpath walk */
    want = expected(p, abs);
    require(want && !strcmp(want, abs));
    if (flags & PL_PROJECT_PATH_MISSING)
        require(access(abs, F_OK) != 0);
    else
        require(lstat(abs, &st) == 0);
    if (pl_path_is_under(abs, git))
        require(flags & PL_PROJECT_PATH_GIT);
    apr_pool_destroy(p);
    return 0;
}
