/* SPDX-License-Identifier: Apache-2.0 */
/* The database, borrowed from mod_dbd for the length of a request. */
#ifndef MP_DBD_H
#define MP_DBD_H

#include "mp_request.h"

/* Hooks mod_dbd's post_connect so each new connection is set up once. */
void mp_dbd_register_hooks(apr_pool_t *p);
/* Fetches mod_dbd's functions; fails start-up with advice when it is absent. */
int mp_dbd_post_config(apr_pool_t *p, server_rec *s);

/* The request's connection into req->db, taken from mod_dbd's pool until
 * mp_dbd_release or the end of the request; NULL when the database cannot
 * be reached (logged by mod_dbd), or when it has not answered for
 * PlanningDatabaseTimeout (then nothing more is queued behind it). The first
 * connection of a request waits for SQLite's locks until the request is
 * PlanningSQLiteBusyTimeout old, in all; each later one that long again. */
pl_db_t *mp_dbd_acquire(mp_req_t *req);
/* Gives the connection back to the pool before the request ends: a stream
 * holds none while it waits for the model. req->db is NULL after it. */
void mp_dbd_release(mp_req_t *req);
/* The reply when mp_dbd_acquire failed: 503 with Retry-After, or 500 when
 * the database refused DBDParams' login at start. Returns OK. */
int mp_dbd_unavailable(mp_req_t *req);

/* Bounds every read and write of a MariaDB/MySQL connection (and its
 * reconnections) to secs (mp_dbd_mysql.c). 1 when it could. */
int mp_dbd_mysql_limit(const apr_dbd_driver_t *driver, apr_dbd_t *handle, int secs);
/* The connection's socket (-1: not known), for the watch's cut. */
int mp_dbd_mysql_socket(const apr_dbd_driver_t *driver, apr_dbd_t *handle);

/* At start: warns about pool settings that can still starve requests, and
 * logs a database that refuses DBDParams (mp_dbd_check.c). */
void mp_dbd_check_config(apr_pool_t *p, server_rec *s);

/* A connection of host s for work outside a request (the job runner),
 * given back to mod_dbd's pool when p is cleared; NULL when the database
 * cannot be reached (logged by mod_dbd). */
pl_db_t *mp_dbd_open(apr_pool_t *p, server_rec *s);

/* Acquires the connection and checks the schema version. Returns 1, or 0
 * after sending the 503 reply. */
int mp_dbd_ready(mp_req_t *req);

#endif
