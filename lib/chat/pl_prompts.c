/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "chat/pl_prompt_render.h"
#include "chat/pl_prompts.h"
#include "core/pl_status.h"
#include "core/pl_text.h"
#include "core/pl_time.h"

#define P_COLUMNS "p.id, p.owner_id, u.username, p.name, p.description, p.body, p.version," \
                  " p.created_at, p.updated_at"
/* The tags of each prompt in one column; a tag holds no comma. */
#define P_TAGS_SQLITE " (SELECT group_concat(tag, ',') FROM prompt_tags t WHERE t.prompt_id = p.id)"
#define P_TAGS_MYSQL  " (SELECT GROUP_CONCAT(tag SEPARATOR ',') FROM prompt_tags t" \
                      " WHERE t.prompt_id = p.id)"
#define P_FROM " FROM prompts p LEFT JOIN users u ON u.id = p.owner_id"
/* Every filter is optional: a NULL parameter matches everything. */
#define P_WHERE " WHERE (%s IS NULL OR EXISTS (SELECT 1 FROM prompt_tags t" \
                " WHERE t.prompt_id = p.id AND t.tag = %s))" \
                " AND (%s IS NULL OR LOWER(p.name) LIKE LOWER(%s) ESCAPE '!')" \
                " AND (%s IS NULL OR p.owner_id = %s)"
#define V_COLUMNS "v.prompt_id, v.version, v.name, v.description, v.body, v.author_id, u.username," \
                  " v.restored_from, v.created_at"

static const pl_sql_t SQL_INSERT = {
    "pl.prompts.insert",
    "INSERT INTO prompts (owner_id, name, description, body, version, created_at, updated_at)"
    " VALUES (%s, %s, %s, %s, 1, %s, %s)", NULL
};
/* Only over the version read: a concurrent change makes this one a no-op. */
static const pl_sql_t SQL_UPDATE = {
    "pl.prompts.update",
    "UPDATE prompts SET name = %s, description = %s, body = %s, version = %s, updated_at = %s"
    " WHERE id = %s AND version = %s", NULL
};
static const pl_sql_t SQL_DELETE = {
    "pl.prompts.delete", "DELETE FROM prompts WHERE id = %s", NULL
};
static const pl_sql_t SQL_GET = {
    "pl.prompts.get",
    "SELECT " P_COLUMNS "," P_TAGS_SQLITE P_FROM " WHERE p.id = %s",
    "SELECT " P_COLUMNS "," P_TAGS_MYSQL P_FROM " WHERE p.id = %s"
};
static const pl_sql_t SQL_LIST = {
    "pl.prompts.list",
    "SELECT " P_COLUMNS "," P_TAGS_SQLITE P_FROM P_WHERE " ORDER BY p.name, p.id LIMIT %s OFFSET %s",
    "SELECT " P_COLUMNS "," P_TAGS_MYSQL P_FROM P_WHERE " ORDER BY p.name, p.id LIMIT %s OFFSET %s"
};
static const pl_sql_t SQL_COUNT = {
    "pl.prompts.count", "SELECT COUNT(*)" P_FROM P_WHERE, NULL
};
static const pl_sql_t SQL_TAGS_CLEAR = {
    "pl.prompts.tags_clear", "DELETE FROM prompt_tags WHERE prompt_id = %s", NULL
};
static const pl_sql_t SQL_TAG_ADD = {
    "pl.prompts.tag_add", "INSERT INTO prompt_tags (prompt_id, tag) VALUES (%s, %s)", NULL
};
static const pl_sql_t SQL_V_INSERT = {
    "pl.prompt_versions.insert",
    "INSERT INTO prompt_versions (prompt_id, version, name, description, body, author_id,"
    " restored_from, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", NULL
};
static const pl_sql_t SQL_V_LIST = {
    "pl.prompt_versions.list",
    "SELECT " V_COLUMNS " FROM prompt_versions v LEFT JOIN users u ON u.id = v.author_id"
    " WHERE v.prompt_id = %s ORDER BY v.version DESC LIMIT %s OFFSET %s", NULL
};
static const pl_sql_t SQL_V_COUNT = {
    "pl.prompt_versions.count", "SELECT COUNT(*) FROM prompt_versions WHERE prompt_id = %s", NULL
};
static const pl_sql_t SQL_V_GET = {
    "pl.prompt_versions.get",
    "SELECT " V_COLUMNS " FROM prompt_versions v LEFT JOIN users u ON u.id = v.author_id"
    " WHERE v.prompt_id = %s AND v.version = %s", NULL
};

#define I64OR0(p, v) ((v) ? pl_text_i64((p), (v)) : NULL)
#define ATOI64(s) ((s) ? apr_atoi64(s) : 0)

static apr_status_t refuse(const char *f, const char *m, const char **field, const char **why)
{
    *field = f;
    *why = m;
    return PL_EINVAL;
}

int pl_prompt_tag_valid(const char *tag)
{
    apr_size_t n = strlen(tag), i;

    if (n == 0 || n > PL_PROMPT_TAG_CHARS || !(apr_islower(tag[0]) || apr_isdigit(tag[0])))
        return 0;
    for (i = 1; i < n; i++)
        if (!(apr_islower(tag[i]) || apr_isdigit(tag[i]) || strchr("._-", tag[i])))
            return 0;
    return 1;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static apr_status_t tags_apply(pl_prompt_t *pr, const pl_json_t *in, apr_pool_t *p,
                               const char **field, const char **why)
{
    apr_array_header_t *tags;
    int i;

    if (!pl_json_get_strings(in, "tags", p, &tags))
        return refuse("tags", "must be an array of strings", field, why);
    if (tags->nelts > PL_PROMPT_TAGS_MAX)
        return refuse("tags", "must hold at most 20 tags", field, why);
    for (i = 0; i < tags->nelts; i++)
        if (!pl_prompt_tag_valid(APR_ARRAY_IDX(tags, i, const char *)))
            return refuse("tags", "must each be 1 to 50 of a-z, 0-9, '.', '_' and '-', starting"
                          " with a letter or digit", field, why);
    qsort(tags->elts, (size_t)tags->nelts, sizeof(const char *), by_text);
    for (i = 1; i < tags->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(tags, i, const char *), APR_ARRAY_IDX(tags, i - 1, const char *)))
            return refuse("tags", apr_pstrcat(p, "must not repeat a tag (", APR_ARRAY_IDX(tags, i,
                                              const char *), ")", NULL), field, why);
    pr->tags = tags;
    return APR_SUCCESS;
}

/* Text with no control character but line breaks and tabs. */
static int printable_text(const char *s)
{
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && !strchr("\n\r\t", *s)) || *s == 0x7f)
            return 0;
    return 1;
}

/* *out from the string under key: absent (APR_ENOENT), or checked. */
static apr_status_t string_member(const pl_json_t *in, const char *key, apr_size_t min,
                                  apr_size_t max, const char **out, const char **field,
                                  const char **why)
{
    const char *v = pl_json_get_str(in, key);
    apr_size_t n;

    if (pl_json_type_of(in, key) == PL_JSON_ABSENT)
        return APR_ENOENT;
    if (!v)
        return refuse(key, "must be a string", field, why);
    n = pl_text_utf8_chars(v);
    if (n < min || n > max)
        return refuse(key, min ? "is empty or too long" : "is too long", field, why);
    *out = v;
    return APR_SUCCESS;
}

apr_status_t pl_prompt_apply(pl_prompt_t *pr, const pl_json_t *in, int whole, apr_pool_t *p,
                             int *versioned, const char **field, const char **why)
{
    static const char *const known[] = { "name", "description", "body", "tags", NULL };
    const char *unknown, *name = pr->name, *desc = pr->description, *body = pr->body;
    apr_array_header_t *used;
    apr_status_t rv;

    *field = NULL;
    *versioned = 0;
    if ((unknown = pl_json_unknown_key(in, known)))
        return refuse(apr_pstrdup(p, unknown), "is not a field of a prompt", field, why);
    rv = string_member(in, "name", 1, PL_PROMPT_NAME_CHARS, &name, field, why);
    if (rv == APR_SUCCESS && (pl_text_line_problem(p, name, 1, PL_PROMPT_NAME_CHARS)
                              || !name[strspn(name, " ")]))
        return refuse("name", "must be 1 to 200 printable characters", field, why);
    if (rv != APR_SUCCESS && (rv != APR_ENOENT || whole))
        return rv == APR_ENOENT ? refuse("name", "is required", field, why) : rv;
    if (pl_json_type_of(in, "description") == PL_JSON_NULL)
        desc = "";
    else if ((rv = string_member(in, "description", 0, PL_PROMPT_DESC_CHARS, &desc, field, why))
             == APR_SUCCESS && !printable_text(desc))
        return refuse("description", "must not hold control characters", field, why);
    else if (rv != APR_SUCCESS && rv != APR_ENOENT)
        return rv;
    rv = string_member(in, "body", 1, PL_PROMPT_BODY_CHARS, &body, field, why);
    if (rv != APR_SUCCESS && (rv != APR_ENOENT || whole))
        return rv == APR_ENOENT ? refuse("body", "is required", field, why) : rv;
    /* a template that cannot be rendered is refused when it is saved */
    if (rv == APR_SUCCESS && pl_prompt_parse(p, body, &used, why) != APR_SUCCESS)
        return refuse("body", *why, field, why);
    if (pl_json_type_of(in, "tags") != PL_JSON_ABSENT) {
        if ((rv = tags_apply(pr, in, p, field, why)) != APR_SUCCESS)
            return rv;
    }
    else if (whole)
        pr->tags = apr_array_make(p, 0, sizeof(const char *));
    if (!desc)
        desc = "";
    *versioned = whole || strcmp(name, pr->name) || strcmp(desc, pr->description)
                 || strcmp(body, pr->body);
    pr->name = name;
    pr->description = desc;
    pr->body = body;
    return APR_SUCCESS;
}

static void strings(pl_jsonw_t *w, const char *key, const apr_array_header_t *a, int builtins)
{
    int i;

    pl_jsonw_array(w, key);
    for (i = 0; a && i < a->nelts; i++) {
        const char *s = APR_ARRAY_IDX(a, i, const char *);
        if (builtins < 0 || pl_prompt_builtin(s) == builtins)
            pl_jsonw_str(w, NULL, s);
    }
    pl_jsonw_end(w);
}

static void id_or_null(pl_jsonw_t *w, const char *key, apr_int64_t id)
{
    if (id)
        pl_jsonw_int(w, key, id);
    else
        pl_jsonw_str(w, key, NULL);
}

void pl_prompt_write(pl_jsonw_t *w, apr_pool_t *p, const pl_prompt_t *pr)
{
    apr_array_header_t *used = NULL;
    const char *why;

    /* stored bodies were parsed when saved; a failure here lists nothing */
    if (pl_prompt_parse(p, pr->body, &used, &why) != APR_SUCCESS)
        used = NULL;
    pl_jsonw_int(w, "id", pr->id);
    pl_jsonw_str(w, "name", pr->name);
    pl_jsonw_str(w, "description", pr->description);
    pl_jsonw_str(w, "body", pr->body);
    strings(w, "tags", pr->tags, -1);
    strings(w, "variables", used, 0);
    strings(w, "builtins", used, 1);
    id_or_null(w, "owner_id", pr->owner_id);
    pl_jsonw_str(w, "owner", pr->owner);
    pl_jsonw_int(w, "version", pr->version);
    pl_jsonw_str(w, "created_at", pr->created_at);
    pl_jsonw_str(w, "updated_at", pr->updated_at);
}

void pl_prompt_version_write(pl_jsonw_t *w, const pl_prompt_version_t *v, int with_body)
{
    pl_jsonw_int(w, "version", v->version);
    pl_jsonw_str(w, "name", v->name);
    pl_jsonw_str(w, "description", v->description);
    if (with_body)
        pl_jsonw_str(w, "body", v->body);
    id_or_null(w, "author_id", v->author_id);
    pl_jsonw_str(w, "author", v->author);
    id_or_null(w, "restored_from", v->restored_from);
    pl_jsonw_str(w, "created_at", v->created_at);
}

static void *prompt_row(apr_pool_t *p, const char **r)
{
    pl_prompt_t *pr = apr_pcalloc(p, sizeof(*pr));
    char *tags = r[9] ? apr_pstrdup(p, r[9]) : NULL, *tag, *state;

    pr->id = ATOI64(r[0]);
    pr->owner_id = ATOI64(r[1]);
    pr->owner = r[2];
    pr->name = r[3];
    pr->description = r[4] ? r[4] : "";
    pr->body = r[5] ? r[5] : "";
    pr->version = ATOI64(r[6]);
    pr->created_at = r[7];
    pr->updated_at = r[8];
    pr->tags = apr_array_make(p, 4, sizeof(const char *));
    for (tag = tags ? apr_strtok(tags, ",", &state) : NULL; tag; tag = apr_strtok(NULL, ",", &state))
        APR_ARRAY_PUSH(pr->tags, const char *) = tag;
    /* neither engine promises the order of a concatenation */
    qsort(pr->tags->elts, (size_t)pr->tags->nelts, sizeof(const char *), by_text);
    return pr;
}

static void *version_row(apr_pool_t *p, const char **r)
{
    pl_prompt_version_t *v = apr_pcalloc(p, sizeof(*v));

    v->prompt_id = ATOI64(r[0]);
    v->version = ATOI64(r[1]);
    v->name = r[2];
    v->description = r[3] ? r[3] : "";
    v->body = r[4] ? r[4] : "";
    v->author_id = ATOI64(r[5]);
    v->author = r[6];
    v->restored_from = ATOI64(r[7]);
    v->created_at = r[8];
    return v;
}

/* The tags of pr replace those stored. */
static apr_status_t tags_store(pl_db_t *db, apr_pool_t *p, const pl_prompt_t *pr)
{
    const char *a[2];
    apr_status_t rv;
    int i;

    a[0] = pl_text_i64(p, pr->id);
    if ((rv = pl_db_exec(db, p, &SQL_TAGS_CLEAR, 1, a, NULL)) != APR_SUCCESS)
        return rv;
    for (i = 0; pr->tags && i < pr->tags->nelts && rv == APR_SUCCESS; i++) {
        a[1] = APR_ARRAY_IDX(pr->tags, i, const char *);
        rv = pl_db_exec(db, p, &SQL_TAG_ADD, 2, a, NULL);
    }
    return rv;
}

static apr_status_t version_store(pl_db_t *db, apr_pool_t *p, const pl_prompt_t *pr,
                                  apr_int64_t author_id, apr_int64_t restored_from)
{
    const char *a[8];

    a[0] = pl_text_i64(p, pr->id);
    a[1] = pl_text_i64(p, pr->version);
    a[2] = pr->name;
    a[3] = pr->description;
    a[4] = pr->body;
    a[5] = I64OR0(p, author_id);
    a[6] = I64OR0(p, restored_from);
    a[7] = pr->updated_at;
    return pl_db_exec(db, p, &SQL_V_INSERT, 8, a, NULL);
}

apr_status_t pl_prompts_insert(pl_db_t *db, apr_pool_t *p, pl_prompt_t *pr)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *a[6];
    apr_dbd_transaction_t *tx = NULL;
    apr_status_t rv, end;

    a[0] = I64OR0(p, pr->owner_id);
    a[1] = pr->name;
    a[2] = pr->description;
    a[3] = pr->body;
    a[4] = now;
    a[5] = now;
    if ((rv = pl_db_begin(db, p, &tx)) != APR_SUCCESS)
        return rv;
    if ((rv = pl_db_exec(db, p, &SQL_INSERT, 6, a, NULL)) == APR_SUCCESS)
        rv = pl_db_last_id(db, p, &pr->id);
    pr->version = 1;
    pr->created_at = pr->updated_at = now;
    if (rv == APR_SUCCESS)
        rv = version_store(db, p, pr, pr->owner_id, 0);
    if (rv == APR_SUCCESS)
        rv = tags_store(db, p, pr);
    end = pl_db_end(db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}

apr_status_t pl_prompts_update(pl_db_t *db, apr_pool_t *p, pl_prompt_t *pr, int versioned,
                               apr_int64_t author_id, apr_int64_t restored_from)
{
    const char *now = pl_time_rfc3339(p, apr_time_now()), *a[7];
    apr_dbd_transaction_t *tx = NULL;
    apr_int64_t version = pr->version + (versioned ? 1 : 0);
    apr_status_t rv, end;
    int n = 0;

    a[0] = pr->name;
    a[1] = pr->description;
    a[2] = pr->body;
    a[3] = pl_text_i64(p, version);
    a[4] = now;
    a[5] = pl_text_i64(p, pr->id);
    a[6] = pl_text_i64(p, pr->version);
    if ((rv = pl_db_begin(db, p, &tx)) != APR_SUCCESS)
        return rv;
    if ((rv = pl_db_exec(db, p, &SQL_UPDATE, 7, a, &n)) == APR_SUCCESS && n != 1)
        rv = APR_EAGAIN;
    if (rv == APR_SUCCESS) {
        pr->version = version;
        pr->updated_at = now;
        if (versioned)
            rv = version_store(db, p, pr, author_id, restored_from);
    }
    if (rv == APR_SUCCESS)
        rv = tags_store(db, p, pr);
    end = pl_db_end(db, p, tx, rv != APR_SUCCESS);
    return rv != APR_SUCCESS ? rv : end;
}

apr_status_t pl_prompts_delete(pl_db_t *db, apr_pool_t *p, apr_int64_t id)
{
    const char *a = pl_text_i64(p, id);

    return pl_db_exec(db, p, &SQL_DELETE, 1, &a, NULL);
}

apr_status_t pl_prompts_get(pl_db_t *db, apr_pool_t *p, apr_int64_t id, pl_prompt_t **pr)
{
    const char *a = pl_text_i64(p, id);
    pl_db_result_t *res;
    apr_status_t rv;

    if ((rv = pl_db_select(db, p, &SQL_GET, 1, &a, &res)) != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    *pr = prompt_row(p, PL_DB_ROW(res, 0));
    return APR_SUCCESS;
}

/* The LIKE pattern for a part of a name: '!' escapes the wildcards. */
static const char *name_pattern(apr_pool_t *p, const char *q)
{
    char *out = apr_palloc(p, 2 * strlen(q) + 3), *o = out;

    *o++ = '%';
    for (; *q; q++) {
        if (*q == '%' || *q == '_' || *q == '!')
            *o++ = '!';
        *o++ = *q;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}

/* The SELECT of one number (a COUNT) into *n. */
static apr_status_t count(pl_db_t *db, apr_pool_t *p, const pl_sql_t *sql, int nargs,
                          const char **args, apr_int64_t *n)
{
    pl_db_result_t *res;
    apr_status_t rv = pl_db_select(db, p, sql, nargs, args, &res);

    if (rv == APR_SUCCESS)
        *n = res->rows->nelts ? ATOI64(PL_DB_ROW(res, 0)[0]) : 0;
    return rv;
}

apr_status_t pl_prompts_list(pl_db_t *db, apr_pool_t *p, const pl_prompt_filter_t *f,
                             apr_array_header_t **items, apr_int64_t *total)
{
    const char *a[8];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = a[1] = f->tag;
    a[2] = a[3] = f->q ? name_pattern(p, f->q) : NULL;
    a[4] = a[5] = I64OR0(p, f->owner_id);
    a[6] = apr_itoa(p, f->limit);
    a[7] = apr_itoa(p, f->offset);
    if ((rv = count(db, p, &SQL_COUNT, 6, a, total)) != APR_SUCCESS
        || (rv = pl_db_select(db, p, &SQL_LIST, 8, a, &res)) != APR_SUCCESS)
        return rv;
    *items = pl_db_map(p, res, prompt_row);
    return APR_SUCCESS;
}

apr_status_t pl_prompt_versions_list(pl_db_t *db, apr_pool_t *p, apr_int64_t prompt_id, int limit,
                                     int offset, apr_array_header_t **items, apr_int64_t *total)
{
    const char *a[3];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = pl_text_i64(p, prompt_id);
    a[1] = apr_itoa(p, limit);
    a[2] = apr_itoa(p, offset);
    if ((rv = count(db, p, &SQL_V_COUNT, 1, a, total)) != APR_SUCCESS
        || (rv = pl_db_select(db, p, &SQL_V_LIST, 3, a, &res)) != APR_SUCCESS)
        return rv;
    *items = pl_db_map(p, res, version_row);
    return APR_SUCCESS;
}

apr_status_t pl_prompt_versions_get(pl_db_t *db, apr_pool_t *p, apr_int64_t prompt_id,
                                    apr_int64_t version, pl_prompt_version_t **v)
{
    const char *a[2];
    pl_db_result_t *res;
    apr_status_t rv;

    a[0] = pl_text_i64(p, prompt_id);
    a[1] = pl_text_i64(p, version);
    if ((rv = pl_db_select(db, p, &SQL_V_GET, 2, a, &res)) != APR_SUCCESS)
        return rv;
    if (!res->rows->nelts)
        return PL_ENOTFOUND;
    *v = version_row(p, PL_DB_ROW(res, 0));
    return APR_SUCCESS;
}
