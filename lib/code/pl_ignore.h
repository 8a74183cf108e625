/* SPDX-License-Identifier: Apache-2.0 */
/* .gitignore semantics (gitignore(5)) over fnmatch(3), since no Debian
 * library offers them: comments, escapes, negation, directory-only patterns,
 * anchored patterns and the three forms of "**". Rules form a stack that a
 * walk pushes when it enters a directory with a .gitignore and pops when it
 * leaves, so that the deepest file speaks last and therefore wins, as in git.
 * Case-sensitive (core.ignoreCase is not read). */
#ifndef PL_IGNORE_H
#define PL_IGNORE_H

#include <apr_pools.h>
#include <apr_tables.h>

typedef struct pl_ignore_t pl_ignore_t;

pl_ignore_t *pl_ignore_create(apr_pool_t *p);

/* Adds the patterns of one ignore file; base is the directory holding it,
 * relative to the root, "" for the root itself (and for .git/info/exclude).
 * text need not be NUL-terminated; it is copied. Returns the number of
 * rules added. */
int pl_ignore_add(pl_ignore_t *ign, const char *base, const char *text, apr_size_t len);

/* A mark to pop back to: rules added after it are dropped by pl_ignore_pop. */
int pl_ignore_mark(const pl_ignore_t *ign);
void pl_ignore_pop(pl_ignore_t *ign, int mark);

/* 1 when path (relative to the root, '/' separated, no leading or trailing
 * '/') is ignored by the rules on the stack. Callers test every directory
 * on the way down and skip ignored ones: git does not look inside an
 * excluded directory, so a later "!" cannot bring a file back from it. */
int pl_ignore_match(const pl_ignore_t *ign, const char *path, int is_dir);

#endif
