/* SPDX-License-Identifier: Apache-2.0 */
/* Time limits on a MariaDB/MySQL connection. apr_dbd_mysql (apr-util 1.6)
 * takes no timeouts from DBDParams (connecttimeout, readtimeout and
 * writetimeout are ignored), and the client library applies them only when
 * it connects: a frozen server holds a thread in a read of a connection
 * mod_dbd opened for as long as it stays frozen. The module sets them, through
 * the client library the driver loaded (found with dlsym: no build
 * dependency on its headers), in the options the library's automatic
 * reconnections use; a call hanging on the connection itself is cut by the
 * watch (pl_db_watch.h). */
#include <dlfcn.h>

#include "mp_dbd.h"

/* enum mysql_option of mysql.h: a stable ABI since MySQL 4.1 */
#define OPT_CONNECT_TIMEOUT 0
#define OPT_READ_TIMEOUT    11
#define OPT_WRITE_TIMEOUT   12

typedef int options_fn(void *mysql, int option, const void *arg);
typedef int get_socket_fn(void *mysql);

int mp_dbd_mysql_socket(const apr_dbd_driver_t *driver, apr_dbd_t *handle)
{
    static get_socket_fn *get_socket;
    void *mysql = apr_dbd_native_handle(driver, handle);

    if (!get_socket)
        get_socket = (get_socket_fn *)dlsym(RTLD_DEFAULT, "mysql_get_socket");
    return mysql && get_socket ? get_socket(mysql) : -1;
}

int mp_dbd_mysql_limit(const apr_dbd_driver_t *driver, apr_dbd_t *handle, int secs)
{
    options_fn *options = (options_fn *)dlsym(RTLD_DEFAULT, "mysql_options");
    void *mysql = apr_dbd_native_handle(driver, handle);
    unsigned int t = (unsigned int)secs;

    if (!mysql || !options)
        return 0;
    options(mysql, OPT_CONNECT_TIMEOUT, &t);
    options(mysql, OPT_READ_TIMEOUT, &t);
    options(mysql, OPT_WRITE_TIMEOUT, &t);
    return 1;
}
