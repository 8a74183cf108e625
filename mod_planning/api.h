/* SPDX-License-Identifier: Apache-2.0 */
/* The handlers of the REST API, one file per resource. Each writes its whole
 * reply through mp_reply_* and returns OK. */
#ifndef MP_API_H
#define MP_API_H

#include "mp_request.h"

int api_health_get(mp_req_t *req);

int api_projects_create(mp_req_t *req);
int api_projects_list(mp_req_t *req);
int api_projects_get(mp_req_t *req);
int api_projects_replace(mp_req_t *req);
int api_projects_patch(mp_req_t *req);
int api_projects_archive(mp_req_t *req);

#endif
