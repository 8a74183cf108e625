/* SPDX-License-Identifier: Apache-2.0 */
/* Library error codes: APR statuses in APR's user range, so every function
 * returns apr_status_t and the glue maps a few of them to HTTP statuses. */
#ifndef PL_STATUS_H
#define PL_STATUS_H

#include <apr_errno.h>

#define PL_STATUS_BASE     (APR_OS_START_USERERR + 7100)
#define PL_EINVAL          (PL_STATUS_BASE + 1)  /* input failed validation */
#define PL_ENOTFOUND       (PL_STATUS_BASE + 2)  /* no such object */
#define PL_ECONFLICT       (PL_STATUS_BASE + 3)  /* unique constraint */
#define PL_EBUSY           (PL_STATUS_BASE + 4)  /* database locked, retry later */
#define PL_EDB             (PL_STATUS_BASE + 5)  /* database failure */
#define PL_ESCHEMA         (PL_STATUS_BASE + 6)  /* schema older than this code */
#define PL_EJSON           (PL_STATUS_BASE + 7)  /* malformed JSON */
#define PL_ETOOBIG         (PL_STATUS_BASE + 8)  /* over a size limit */
#define PL_EAUTH           (PL_STATUS_BASE + 9)  /* credentials refused */
#define PL_EFORBIDDEN      (PL_STATUS_BASE + 10) /* identified, not allowed */
#define PL_EUPSTREAM       (PL_STATUS_BASE + 11) /* a model server failed or could not be reached */
#define PL_ECANCELED       (PL_STATUS_BASE + 12) /* a progress callback asked to stop */
#define PL_ETOOL           (PL_STATUS_BASE + 13) /* an external program (ctags) is missing or failed */
#define PL_EUNAVAILABLE    (PL_STATUS_BASE + 14) /* the database connection is lost or refused */
#define PL_EFULL           (PL_STATUS_BASE + 15) /* the database's disk is full */

#endif
