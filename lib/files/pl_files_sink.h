/* SPDX-License-Identifier: Apache-2.0 */
/* A file written atomically: the bytes go to a new temporary file in the
 * target's own directory (created O_EXCL|O_NOFOLLOW, so it cannot be a
 * planted symlink), are fsynced, and the file is renamed over its name only
 * when all of them arrived. Until then nobody sees a partial file; a sink
 * not committed (an error, a client gone) is unlinked when its pool is
 * cleared, so an aborted upload leaves nothing behind. */
#ifndef PL_FILES_SINK_H
#define PL_FILES_SINK_H

#include <apr_pools.h>

typedef struct pl_files_sink_t pl_files_sink_t;

/* A temporary file in dir (an absolute, already confined directory). */
apr_status_t pl_files_sink_open(apr_pool_t *p, const char *dir, pl_files_sink_t **out);
apr_status_t pl_files_sink_write(pl_files_sink_t *s, const char *buf, apr_size_t len);
apr_off_t pl_files_sink_size(const pl_files_sink_t *s);
/* Renames the file to name in dir. With noreplace an existing name is left
 * alone: PL_ECONFLICT. The mode of a file replaced is kept. */
apr_status_t pl_files_sink_commit(pl_files_sink_t *s, const char *name, int noreplace);
/* Removes the temporary file now (also done by the pool's cleanup). */
void pl_files_sink_abort(pl_files_sink_t *s);

#define PL_FILES_TMP_PREFIX ".pl-tmp-"

#endif
