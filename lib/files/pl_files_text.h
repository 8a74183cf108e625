/* SPDX-License-Identifier: Apache-2.0 */
/* What the files API tells about a file's bytes before it sends them as
 * text: whether they are text at all (no NUL byte and valid UTF-8 in the
 * first 8 KiB), how its lines end, and the ETag that names this version of
 * the file (from its inode, size and modification time in nanoseconds, so
 * no read of the content is needed to compare it, and every atomic write,
 * a new inode renamed into place, gets a new one). */
#ifndef PL_FILES_TEXT_H
#define PL_FILES_TEXT_H

#include <sys/stat.h>
#include <apr_pools.h>

#define PL_FILES_SNIFF 8192    /* bytes looked at to tell text from binary */

/* 1 when buf (the first len bytes of a file; complete when whole) holds no
 * NUL byte and is valid UTF-8; a sequence cut by the end of a partial buffer
 * (whole 0) is not held against it. */
int pl_files_is_text(const char *buf, apr_size_t len, int whole);

/* "lf", "crlf" or "mixed" ("lf" when there is no line break). */
const char *pl_files_line_endings(const char *buf, apr_size_t len);

/* Up to size bytes of the open file fd, until its end or an error, in a
 * buffer of p with a NUL after them; *got says how many (a file that shrank
 * meanwhile gives fewer). */
char *pl_files_read_fd(apr_pool_t *p, int fd, apr_size_t size, apr_size_t *got);

/* The strong ETag of the file st describes, quotes included. */
const char *pl_files_etag(apr_pool_t *p, const struct stat *st);

/* 1 when the If-Match value given (a list, or "*") names etag. */
int pl_files_etag_matches(const char *given, const char *etag);

#endif
