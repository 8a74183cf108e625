/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for pl_json_parse, the parser of every request body
 * (SECURITY.md 19). The first byte picks the depth limit, the rest is the
 * document. The verdict is checked against an oracle built here: Jansson
 * alone, without the limit and accepting duplicate keys, gives the value;
 * its depth comes from walking it, and duplicates show as fewer members in
 * the value than ':' outside strings in the text (one per member written).
 * pl_json_parse must accept exactly the documents that Jansson reads, that
 * are no deeper than the limit and have no duplicate key; what it accepts
 * must dump to valid UTF-8 that parses again to the same value and dumps to
 * the same bytes. t/fuzz/json.t seeds it with the bad inputs of item 19. */
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "core/pl_json.h"
#include "core/pl_status.h"

/* Nesting of objects and arrays: [] is 1, [[]] is 2, a scalar 0. */
static int depth_of(json_t *j)
{
    int deepest = 0, d;
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_object(j)) {
        json_object_foreach(j, key, v)
            if ((d = depth_of(v)) > deepest)
                deepest = d;
        return deepest + 1;
    }
    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            if ((d = depth_of(v)) > deepest)
                deepest = d;
        return deepest + 1;
    }
    return 0;
}

static size_t members_of(json_t *j)
{
    size_t n = 0, i;
    const char *key;
    json_t *v;

    if (json_is_object(j)) {
        n = json_object_size(j);
        json_object_foreach(j, key, v)
            n += members_of(v);
    }
    else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            n += members_of(v);
    }
    return n;
}

/* In a valid document every ':' outside a string separates one member. */
static size_t colons(const char *s, size_t len)
{
    size_t i, n = 0;
    int in_str = 0;

    for (i = 0; i < len; i++) {
        if (in_str && s[i] == '\\')
            i++;
        else if (s[i] == '"')
            in_str = !in_str;
        else if (!in_str && s[i] == ':')
            n++;
    }
    return n;
}

/* Every member of an object through the accessors, against the oracle. */
static void check_members(apr_pool_t *p, const pl_json_t *obj, json_t *ref)
{
    apr_array_header_t *keys = pl_json_keys(p, obj);
    int i;

    require((size_t)keys->nelts == json_object_size(ref));
    for (i = 0; i < keys->nelts; i++) {
        const char *key = APR_ARRAY_IDX(keys, i, const char *);
        const char *text = pl_json_member_text(p, obj, key);
        json_t *want = json_object_get(ref, key), *got;

        require(want && text && pl_json_type_of(obj, key) != PL_JSON_ABSENT);
        got = json_loads(text, JSON_DECODE_ANY, NULL);
        require(got && json_equal(got, want));
        json_decref(got);
        if (json_is_string(want))
            require(!strcmp(pl_json_get_str(obj, key), json_string_value(want)));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *doc, *err = NULL, *dump, *dump2;
    size_t len;
    apr_size_t dump_len, dump2_len;
    int max_depth, want;
    json_t *ref, *back;
    pl_json_t *j = NULL, *j2 = NULL;
    apr_status_t rv;

    if (size < 1)
        return 0;
    max_depth = 1 + data[0] % 32;
    /* the document in a buffer of its own, so a read past it is caught */
    len = size - 1;
    p = fuzz_pool();
    doc = fuzz_copy(p, data + 1, len, 0);

    ref = len ? json_loadb(doc, len, 0, NULL) : NULL;
    want = ref && depth_of(ref) <= max_depth && members_of(ref) == colons(doc, len);
    rv = pl_json_parse(&j, p, doc, len, max_depth, &err);
    if (!want) {
        require(rv == PL_EJSON && !j && err && *err);
        json_decref(ref);
        apr_pool_destroy(p);
        return 0;
    }
    require(rv == APR_SUCCESS && j);
    require(pl_json_type(j) == PL_JSON_OBJECT || pl_json_type(j) == PL_JSON_ARRAY);

    dump = pl_json_dump(p, j, &dump_len);
    require(dump && strlen(dump) == dump_len && fuzz_utf8((const unsigned char *)dump, dump_len));
    back = json_loadb(dump, dump_len, 0, NULL);
    require(back && json_equal(back, ref));
    require(pl_json_parse(&j2, p, dump, dump_len, max_depth, &err) == APR_SUCCESS);
    dump2 = pl_json_dump(p, j2, &dump2_len);
    require(dump2 && dump2_len == dump_len && !memcmp(dump, dump2, dump_len));

    if (json_is_object(ref))
        check_members(p, j, ref);
    else
        require(pl_json_array_size(j) == json_array_size(ref));
    json_decref(back);
    json_decref(ref);
    apr_pool_destroy(p);
    return 0;
}
