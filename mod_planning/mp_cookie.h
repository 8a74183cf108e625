/* SPDX-License-Identifier: Apache-2.0 */
/* The session cookies, written and read without httpd's util_cookies: at
 * LogLevel debug ap_cookie_write logs every Set-Cookie value (AH00007), and
 * ap_cookie_read logs the whole Cookie header when a name comes twice
 * (AH00011), so access and refresh tokens would end up in the error log.
 * The wire format is the one ap_cookie_write uses. */
#ifndef MP_COOKIE_H
#define MP_COOKIE_H

#include "mp_module.h"

/* Adds "name=value;Max-Age=maxage;attrs" to r->err_headers_out (kept on
 * error replies too). */
void mp_cookie_set(request_rec *r, const char *name, const char *value, const char *attrs,
                   long maxage);
/* Tells the browser to drop the cookie (empty, Max-Age=0, the same attrs). */
void mp_cookie_clear(request_rec *r, const char *name, const char *attrs);
/* The value of cookie name from the request's Cookie headers; NULL when it is
 * absent or sent more than once (as ap_cookie_read: which one would count?). */
const char *mp_cookie_get(request_rec *r, const char *name);

#endif
