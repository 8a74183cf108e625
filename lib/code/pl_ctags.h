/* SPDX-License-Identifier: Apache-2.0 */
/* Symbols and import references of source files from universal-ctags
 * (JSON output), run without a shell in parallel processes that read their
 * file list on stdin ("-L -"). Files are dealt to the processes by size, so
 * they finish together; each process's output is parsed by a thread of its
 * own into a pool of its own while the others run. */
#ifndef PL_CTAGS_H
#define PL_CTAGS_H

#include <apr_pools.h>
#include <apr_tables.h>

#include "core/pl_progress.h"

typedef struct {
    const char *name;
    const char *kind;           /* ctags' long kind name: function, class, member, header... */
    const char *scope;          /* NULL at top level */
    const char *scope_kind;
    const char *signature;      /* NULL when none */
    const char *role;           /* references: imported, local, system, required... NULL: a definition */
    int line, end_line;         /* end_line 0 when ctags does not know */
} pl_ctags_tag_t;

typedef struct {
    const char *program;        /* NULL: "ctags" looked up on PATH */
    int jobs;                   /* processes; 0: 2 */
    pl_progress_fn *progress;   /* stage "symbols", files done of n; may be NULL */
    void *baton;
} pl_ctags_options_t;

/* Runs ctags in root over the n files paths[i] (relative to root; bytes[i]
 * their sizes, to balance the processes). (*tags)[i] is an array of
 * pl_ctags_tag_t in file order, or NULL when the file has none. *failed
 * counts files whose process died before reaching them (their tags are
 * missing); that is not an error. PL_ETOOL when ctags cannot be run at all
 * (not installed, not universal-ctags), PL_ECANCELED when progress asked to
 * stop (the processes are killed). */
apr_status_t pl_ctags_run(apr_pool_t *p, const char *root, const char *const *paths,
                          const apr_off_t *bytes, int n, const pl_ctags_options_t *o,
                          apr_array_header_t ***tags, int *failed, const char **err);

#endif
