/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PL_VERSION_H
#define PL_VERSION_H

#define PL_VERSION "0.1.0"

/* The schema version this code expects: the number of the newest file in
 * schema/<driver>/. Bump it with every migration. */
#define PL_SCHEMA_VERSION 19

#endif
