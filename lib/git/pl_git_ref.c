/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <git2.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "git/pl_git_ref.h"

/* git_reference_name_is_valid allocates through libgit2's allocator, which
 * exists between init and shutdown (reference-counted, cheap). */
static int git_ref_valid(const char *full)
{
    int valid = 0;

    git_libgit2_init();
    if (git_reference_name_is_valid(&valid, full) != 0)
        valid = 0;
    git_libgit2_shutdown();
    return valid;
}

int pl_git_branch_name_ok(const char *name, const char **why)
{
    char full[PL_GIT_REF_MAX + sizeof("refs/heads/")];

    if (!name || !*name) {
        *why = "is empty";
        return 0;
    }
    if (strlen(name) > PL_GIT_REF_MAX) {
        *why = "is longer than 200 bytes";
        return 0;
    }
    if (name[0] == '-') {
        *why = "may not begin with '-'";
        return 0;
    }
    /* "@" alone means HEAD to git, as "@{...}" reads the reflog */
    if (!strcmp(name, "HEAD") || !strcmp(name, "@") || strstr(name, "..") || strstr(name, "@{")) {
        *why = "is not a branch name git accepts";
        return 0;
    }
    apr_snprintf(full, sizeof(full), "refs/heads/%s", name);
    if (!git_ref_valid(full)) {
        *why = "is not a branch name git accepts";
        return 0;
    }
    return 1;
}

int pl_git_sha_ok(const char *hex)
{
    size_t n = hex ? strlen(hex) : 0;
    size_t i;

    if (n < 4 || n > 40)
        return 0;
    for (i = 0; i < n; i++)
        if (!apr_isxdigit(hex[i]))
            return 0;
    return 1;
}

int pl_git_rev_ok(const char *rev, const char **why)
{
    char base[PL_GIT_REF_MAX + 1];
    const char *steps;
    size_t n;

    *why = "must be HEAD, a commit id or a branch or tag name, with ~N or ^N steps";
    if (!rev || !*rev || strlen(rev) > PL_GIT_REF_MAX)
        return 0;
    if (rev[0] == '-') {
        *why = "may not begin with '-'";
        return 0;
    }
    n = strcspn(rev, "~^");
    for (steps = rev + n; *steps; ) {
        if (*steps != '~' && *steps != '^')
            return 0;
        for (steps++; apr_isdigit(*steps); steps++)
            ;
    }
    if (n == 0)
        return 0;
    memcpy(base, rev, n);
    base[n] = '\0';
    if (!strcmp(base, "HEAD") || pl_git_sha_ok(base))
        return 1;
    return pl_git_branch_name_ok(base, why);   /* tag names follow the same rules */
}
