/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <apr_strings.h>

#include "core/pl_errors.h"
#include "core/pl_status.h"
#include "chat/pl_stream.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

#define END_MARK ".end"

/* Only a reply still streaming takes the text: a save that comes late never
 * overwrites what the reply ended as. */
static const pl_sql_t SQL_SAVE = {
    "pl.stream.save",
    "UPDATE messages SET content = %s, thinking = %s, updated_at = %s"
    " WHERE id = %s AND state = 'streaming'", NULL
};
static const pl_sql_t SQL_INTERRUPT = {
    "pl.stream.interrupt",
    "UPDATE messages SET state = 'incomplete', error_code = '" PL_ERR_INTERRUPTED "',"
    " updated_at = %s WHERE id = %s AND state = 'streaming' AND updated_at < %s", NULL
};

const char *pl_stream_id(char buf[PL_STREAM_ID_MAX], const pl_stream_pos_t *pos)
{
    apr_snprintf(buf, PL_STREAM_ID_MAX, "%" APR_SIZE_T_FMT ".%" APR_SIZE_T_FMT "%s",
                 pos->content, pos->thinking, pos->end ? END_MARK : "");
    return buf;
}

/* A run of decimal digits at *s up to stop (or the end), advancing *s. */
static apr_status_t offset(const char **s, char stop, apr_size_t *out)
{
    const char *d = *s, *e = stop ? strchr(d, stop) : d + strlen(d);
    char digits[24];
    apr_int64_t v;

    if (!e || e == d || (apr_size_t)(e - d) >= sizeof(digits) || (e - d > 1 && *d == '0'))
        return PL_EINVAL;
    memcpy(digits, d, (apr_size_t)(e - d));
    digits[e - d] = '\0';
    if (strspn(digits, "0123456789") != (apr_size_t)(e - d)
        || pl_text_int(digits, 0, APR_INT32_MAX, &v) != APR_SUCCESS)
        return PL_EINVAL;
    *out = (apr_size_t)v;
    *s = e;
    return APR_SUCCESS;
}

apr_status_t pl_stream_id_parse(const char *id, pl_stream_pos_t *pos)
{
    const char *s = id;

    memset(pos, 0, sizeof(*pos));
    if (!id || !*id)
        return APR_SUCCESS;
    if (strlen(id) > PL_STREAM_ID_MAX || offset(&s, '.', &pos->content) != APR_SUCCESS)
        return PL_EINVAL;
    s++;
    if (strchr(s, '.')) {
        if (offset(&s, '.', &pos->thinking) != APR_SUCCESS || strcmp(s, END_MARK))
            return PL_EINVAL;
        pos->end = 1;
        return APR_SUCCESS;
    }
    return offset(&s, 0, &pos->thinking);
}

#define CONTINUATION(c) (((unsigned char)(c) & 0xC0) == 0x80)

/* An offset past the end fits only text that is still growing. */
static int fits(const char *text, apr_size_t at, int growing)
{
    apr_size_t len = text ? strlen(text) : 0;

    return at < len ? !CONTINUATION(text[at]) : at == len || growing;
}

int pl_stream_pos_fits(const pl_stream_pos_t *pos, const char *content, const char *thinking,
                       int growing)
{
    return fits(content, pos->content, growing) && fits(thinking, pos->thinking, growing);
}

const char *pl_stream_rest(const char *text, apr_size_t offset)
{
    apr_size_t len = text ? strlen(text) : 0;

    if (offset >= len)
        return NULL;
    text += offset;
    while (CONTINUATION(*text))
        text++;
    return *text ? text : NULL;
}

apr_status_t pl_stream_save(pl_db_t *db, apr_pool_t *p, apr_int64_t message_id,
                            const char *content, const char *thinking)
{
    const char *a[4];

    a[0] = content ? content : "";
    a[1] = thinking;
    a[2] = pl_time_rfc3339(p, apr_time_now());
    a[3] = pl_text_i64(p, message_id);
    return pl_db_exec(db, p, &SQL_SAVE, 4, a, NULL);
}

apr_status_t pl_stream_interrupt(pl_db_t *db, apr_pool_t *p, apr_int64_t message_id,
                                 apr_time_t stale_before, int *swept)
{
    const char *a[3];
    int n = 0;
    apr_status_t rv;

    a[0] = pl_time_rfc3339(p, apr_time_now());
    a[1] = pl_text_i64(p, message_id);
    a[2] = pl_time_rfc3339(p, stale_before);
    rv = pl_db_exec(db, p, &SQL_INTERRUPT, 3, a, &n);
    if (swept)
        *swept = n;
    return rv;
}
