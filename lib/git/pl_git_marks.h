/* SPDX-License-Identifier: Apache-2.0 */
/* The git status marks of one directory's entries, for the file tree: what
 * a file browser colours. One status pass limited to the directory (its
 * path as a literal pathspec, so libgit2 walks that subtree only), not one
 * per entry; untracked directories are reported whole, not descended into,
 * unless the listed directory itself lies inside one. */
#ifndef PL_GIT_MARKS_H
#define PL_GIT_MARKS_H

#include <apr_hash.h>

#include "git/pl_git.h"

/* The marks, most telling first when a file has several changes:
 *   conflicted  unmerged in the index
 *   deleted     deleted in the index or the work tree
 *   added       new in the index (staged, maybe changed since)
 *   untracked   not in the index (a directory: nothing in it is)
 *   modified    changed in the work tree against the index
 *   staged      changed in the index against HEAD, the work tree as staged
 * A directory is "conflicted" when anything beneath it is, else "modified"
 * when anything beneath it has any mark, else "untracked" when it is
 * untracked as a whole. */

/* The mark of each entry of directory rel ("" the root) that has one, by
 * its name (a clean entry is absent) into *marks (const char *). Ignored
 * files get none (the tree has its own flag); submodules are not opened. */
apr_status_t pl_git_marks(pl_git_t *g, const char *rel, apr_hash_t **marks, pl_git_fail_t *why);

#endif
