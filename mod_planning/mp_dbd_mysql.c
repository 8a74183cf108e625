/* SPDX-License-Identifier: Apache-2.0 */
/* Time limits on a MariaDB/MySQL connection. apr_dbd_mysql (apr-util 1.6)
 * takes no timeouts from DBDParams (connecttimeout, readtimeout and
 * writetimeout are ignored), so a frozen server holds a thread in a read
 * for as long as it stays frozen. The module sets them on each new
 * connection through the client library the driver loaded (found with
 * dlsym: no build dependency on its headers): on the socket now, and in the
 * options its automatic reconnection copies. */
#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "mp_dbd.h"

/* enum mysql_option of mysql.h: a stable ABI since MySQL 4.1 */
#define OPT_CONNECT_TIMEOUT 0
#define OPT_READ_TIMEOUT    11
#define OPT_WRITE_TIMEOUT   12

typedef int options_fn(void *mysql, int option, const void *arg);
typedef int get_socket_fn(void *mysql);

int mp_dbd_mysql_limit(const apr_dbd_driver_t *driver, apr_dbd_t *handle, int secs)
{
    options_fn *options = (options_fn *)dlsym(RTLD_DEFAULT, "mysql_options");
    get_socket_fn *get_socket = (get_socket_fn *)dlsym(RTLD_DEFAULT, "mysql_get_socket");
    void *mysql = apr_dbd_native_handle(driver, handle);
    unsigned int t = (unsigned int)secs;
    struct timeval tv;
    int fd;

    if (!mysql || !options || !get_socket)
        return 0;
    options(mysql, OPT_CONNECT_TIMEOUT, &t);
    options(mysql, OPT_READ_TIMEOUT, &t);
    options(mysql, OPT_WRITE_TIMEOUT, &t);
    if ((fd = get_socket(mysql)) < 0)
        return 0;
    tv.tv_sec = secs;
    tv.tv_usec = 0;
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0
           && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0;
}
