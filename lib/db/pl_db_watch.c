/* SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <apr_atomic.h>

#include "db/pl_db_watch.h"

/* Process-wide: a process serves one database in practice, and a silent
 * one holds every thread that asks it. Times are read and written as whole
 * words (64-bit platforms); a race lets a request more through, no worse. */
static apr_interval_time_t limit = APR_USEC_PER_SEC * 5;
static apr_uint32_t in_flight;
static volatile apr_time_t last_answer;   /* a call came back answered */
static volatile apr_time_t silent_since;  /* 0: not silent */
static volatile apr_time_t next_probe;    /* while silent: when one may ask again */

void pl_db_watch_configure(apr_interval_time_t l)
{
    limit = l;
}

/* The call each thread has under way on a socket, for the cut: found
 * through a list every thread joins on its first call. The entry's mutex
 * keeps the cut from reaching a socket its call has left (and that may
 * be another connection's by then). */
typedef struct call_t {
    pthread_mutex_t lock;
    int fd;                       /* -1: no call on a socket */
    apr_time_t since;
    struct call_t *next;
} call_t;

static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;
static call_t *calls;
static __thread call_t *mine;

static void mark(int fd, apr_time_t since)
{
    if (!mine) {
        if (fd < 0 || !(mine = calloc(1, sizeof(*mine))))
            return;   /* no socket: no entry needed yet */
        pthread_mutex_init(&mine->lock, NULL);
        mine->fd = -1;
        pthread_mutex_lock(&calls_lock);
        mine->next = calls;
        calls = mine;
        pthread_mutex_unlock(&calls_lock);
    }
    pthread_mutex_lock(&mine->lock);
    mine->fd = fd;
    mine->since = since;
    pthread_mutex_unlock(&mine->lock);
}

/* Cuts the calls hanging for the limit: their reads fail at once
 * ("lost connection") and the driver reconnects on the next use. */
static void cut_hanging(apr_time_t now)
{
    call_t *c;

    pthread_mutex_lock(&calls_lock);
    for (c = calls; c; c = c->next) {
        pthread_mutex_lock(&c->lock);
        if (c->fd >= 0 && now - c->since > limit) {
            shutdown(c->fd, SHUT_RDWR);
            c->fd = -1;
        }
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&calls_lock);
}

apr_time_t pl_db_watch_enter(int fd)
{
    apr_time_t now = apr_time_now();

    /* the first call after a quiet spell starts the clock anew */
    if (apr_atomic_inc32(&in_flight) == 0)
        last_answer = now;
    mark(fd, now);
    return now;
}

void pl_db_watch_leave(apr_time_t started, int answered)
{
    apr_time_t now = apr_time_now();

    if (mine)
        mark(-1, 0);

    if (answered) {
        last_answer = now;
        silent_since = 0;
    }
    else if (now - started >= limit / 2 && !silent_since) {
        silent_since = now;
        next_probe = now + limit;
    }
    apr_atomic_dec32(&in_flight);
}

int pl_db_watch_stalled(void)
{
    apr_time_t now = apr_time_now();

    if (apr_atomic_read32(&in_flight) > 0 && now - last_answer > limit) {
        cut_hanging(now);
        return 1;
    }
    if (!silent_since)
        return 0;
    if (now < next_probe)
        return 1;
    next_probe = now + limit;   /* this caller finds out */
    return 0;
}
