/* SPDX-License-Identifier: Apache-2.0 */
/* What every file of the glue includes. */
#ifndef MP_MODULE_H
#define MP_MODULE_H

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_core.h>
#include <util_script.h>

extern module AP_MODULE_DECLARE_DATA planning_module;

#ifndef MP_MODULE_MAIN
APLOG_USE_MODULE(planning);
#endif

#endif
