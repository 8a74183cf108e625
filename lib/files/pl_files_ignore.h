/* SPDX-License-Identifier: Apache-2.0 */
/* The .gitignore rules in force in one directory of a project: those of
 * .git/info/exclude and of every .gitignore from the root down to it, as
 * git applies them (pl_ignore), read without following links. */
#ifndef PL_FILES_IGNORE_H
#define PL_FILES_IGNORE_H

#include "code/pl_ignore.h"

#define PL_FILES_IGNORE_MAX (1024 * 1024)   /* bytes of one ignore file read */

/* Adds the ignore file abs (if a regular file) with base to ign. */
void pl_files_ignore_read(pl_ignore_t *ign, apr_pool_t *p, const char *abs, const char *base);

/* The rules for the directory rel ("" the root) below root; *dir_ignored
 * is 1 when rel itself or a directory above it is ignored. */
pl_ignore_t *pl_files_ignore_load(apr_pool_t *p, const char *root, const char *rel,
                                  int *dir_ignored);

#endif
