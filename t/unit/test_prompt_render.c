/* SPDX-License-Identifier: Apache-2.0 */
/* pl_prompt_render: placeholders, the literal-brace escape, missing names,
 * no recursion, the size cap and the built-in values. */
#include "unit.h"
#include "chat/pl_prompt_render.h"
#include "core/pl_status.h"

static apr_hash_t *vals(apr_pool_t *p, const char *const *kv)
{
    apr_hash_t *h = apr_hash_make(p);

    for (; kv && kv[0]; kv += 2)
        apr_hash_set(h, kv[0], APR_HASH_KEY_STRING, kv[1]);
    return h;
}

static const char *render_ok(apr_pool_t *p, const char *tmpl, const char *const *kv)
{
    apr_array_header_t *missing;
    const char *out = NULL, *why = NULL;
    apr_status_t rv = pl_prompt_render(p, tmpl, vals(p, kv), 1 << 20, &out, &missing, &why);

    if (rv != APR_SUCCESS)
        fail_msg("render of \"%s\" failed: %s", tmpl, why ? why : "?");
    return out;
}

static const char *joined(apr_pool_t *p, const apr_array_header_t *names)
{
    return apr_array_pstrcat(p, names, ',');
}

static void fills_placeholders(void **state)
{
    apr_pool_t *p = *state;
    static const char *const kv[] = { "topic", "owls", "tone", "dry", "a.b-c_d", "X", NULL };
    static const struct { const char *tmpl, *want; } cases[] = {
        { "Write about {{topic}}.", "Write about owls." },
        { "{{ topic }} and {{\ttone\t}}", "owls and dry" },
        { "{{topic}}{{topic}}", "owlsowls" },
        { "{{a.b-c_d}}", "X" },
        { "no placeholders at all", "no placeholders at all" },
        { "", "" },
        { "braces } and }} and { alone stay", "braces } and }} and { alone stay" },
        { "JSON {\"a\": {\"b\": 1}}", "JSON {\"a\": {\"b\": 1}}" },
        { "caf\xc3\xa9 {{topic}} \xe2\x9c\x93", "caf\xc3\xa9 owls \xe2\x9c\x93" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(render_ok(p, cases[i].tmpl, kv), cases[i].want);
}

static void escapes_literal_braces(void **state)
{
    apr_pool_t *p = *state;
    static const char *const kv[] = { "x", "1", NULL };

    assert_string_equal(render_ok(p, "{{{{x}}", kv), "{{x}}");
    assert_string_equal(render_ok(p, "{{{{ x }}", kv), "{{ x }}");
    assert_string_equal(render_ok(p, "{{{{{{x}}", kv), "{{1");
    assert_string_equal(render_ok(p, "a {{{{ b", kv), "a {{ b");
    assert_string_equal(render_ok(p, "{{{{{{{{", kv), "{{{{");
}

static void never_recurses(void **state)
{
    apr_pool_t *p = *state;
    static const char *const kv[] = { "a", "{{b}}", "b", "no", "c", "{{{{", NULL };

    /* a value holding a placeholder (or the escape) is text, not a template */
    assert_string_equal(render_ok(p, "[{{a}}]", kv), "[{{b}}]");
    assert_string_equal(render_ok(p, "{{c}}", kv), "{{{{");
}

static void lists_missing_names_once(void **state)
{
    apr_pool_t *p = *state;
    static const char *const kv[] = { "have", "1", NULL };
    static const char *const empty[] = { "v", "", NULL };
    apr_array_header_t *missing;
    const char *out = NULL, *why = NULL;

    assert_int_equal(pl_prompt_render(p, "{{b}} {{have}} {{a}} {{b}} {{ a }}", vals(p, kv), 1024,
                                      &out, &missing, &why), PL_ENOTFOUND);
    assert_string_equal(joined(p, missing), "b,a");
    assert_null(out);
    /* an empty value is a value */
    assert_string_equal(render_ok(p, "<{{v}}>", empty), "<>");
}

static void refuses_malformed_placeholders(void **state)
{
    apr_pool_t *p = *state;
    static const char *const bad[] = {
        "{{}}", "{{ }}", "{{name}", "{{name", "oops {{", "{{ two words }}", "{{1abc}}",
        "{{a..b}}", "{{a.}}", "{{.a}}", "{{-a}}", "{{a|upper}}", "{{{x}}}", "{{\nx}}", "{{x\n}}",
        "{{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}}", NULL
    };
    const char *const *t;

    for (t = bad; *t; t++) {
        apr_array_header_t *names, *missing;
        const char *why = NULL, *out;

        if (pl_prompt_parse(p, *t, &names, &why) != PL_EINVAL)
            fail_msg("parse accepted \"%s\"", *t);
        assert_non_null(why);
        if (pl_prompt_render(p, *t, apr_hash_make(p), 1024, &out, &missing, &why) != PL_EINVAL)
            fail_msg("render accepted \"%s\"", *t);
    }
}

static void names_the_position(void **state)
{
    apr_array_header_t *names;
    const char *why = NULL;

    /* characters, not bytes: the e-acute counts once */
    assert_int_equal(pl_prompt_parse(*state, "caf\xc3\xa9 {{ ok }} {{bad", &names, &why), PL_EINVAL);
    assert_non_null(strstr(why, "character 15"));
}

static void parses_names_in_order(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *names;
    const char *why;

    assert_int_equal(pl_prompt_parse(p, "{{b}} {{{{a}} {{ c }} {{b}} {{project.name}}", &names, &why),
                     APR_SUCCESS);
    assert_string_equal(joined(p, names), "b,c,project.name");
    assert_int_equal(pl_prompt_parse(p, "plain", &names, &why), APR_SUCCESS);
    assert_int_equal(names->nelts, 0);
}

static void validates_names(void **state)
{
    static const char *const good[] = { "a", "_", "A_b-9", "project.name", "a.b.c", "x-y.z_1", NULL };
    static const char *const bad[] = { "", "1", "a b", "a..b", ".a", "a.", "a.1", "-", "\xc3\xa9", "{{a}}",
                                       NULL };
    const char *const *n;

    (void)state;
    for (n = good; *n; n++)
        if (!pl_prompt_name_valid(*n))
            fail_msg("refused \"%s\"", *n);
    for (n = bad; *n; n++)
        if (pl_prompt_name_valid(*n))
            fail_msg("accepted \"%s\"", *n);
    assert_false(pl_prompt_name_valid(NULL));
}

static void caps_the_size(void **state)
{
    apr_pool_t *p = *state;
    static const char *const kv[] = { "v", "0123456789", NULL };
    apr_array_header_t *missing;
    const char *out, *why;

    assert_int_equal(pl_prompt_render(p, "{{v}}{{v}}{{v}}", vals(p, kv), 30, &out, &missing, &why),
                     APR_SUCCESS);
    assert_int_equal(strlen(out), 30);
    assert_int_equal(pl_prompt_render(p, "{{v}}{{v}}{{v}}!", vals(p, kv), 30, &out, &missing, &why),
                     PL_ETOOBIG);
}

static void fills_builtins(void **state)
{
    apr_pool_t *p = *state;
    apr_hash_t *v = apr_hash_make(p);
    apr_array_header_t *missing;
    const char *out, *why;
    /* 2026-03-04T05:06:07.890Z */
    apr_time_t t = apr_time_from_sec(1772600767) + 890000;

    pl_prompt_builtins(v, p, t, "ada", NULL, NULL);
    assert_int_equal(pl_prompt_render(p, "{{date}}|{{datetime}}|{{user}}", v, 1024, &out, &missing,
                                      &why), APR_SUCCESS);
    assert_string_equal(out, "2026-03-04|2026-03-04T05:06:07Z|ada");
    /* without a project its names are missing */
    assert_int_equal(pl_prompt_render(p, "{{project.name}}{{project.description}}", v, 1024, &out,
                                      &missing, &why), PL_ENOTFOUND);
    assert_string_equal(joined(p, missing), "project.name,project.description");
    pl_prompt_builtins(v, p, t, "ada", "Orrery", NULL);
    assert_int_equal(pl_prompt_render(p, "{{project.name}}[{{project.description}}]", v, 1024, &out,
                                      &missing, &why), APR_SUCCESS);
    assert_string_equal(out, "Orrery[]");

    assert_true(pl_prompt_builtin("date"));
    assert_true(pl_prompt_builtin("project.description"));
    assert_false(pl_prompt_builtin("project.owner"));
    assert_false(pl_prompt_builtin("topic"));
}

/* A system prompt is not a template of the library: what has a value is
 * filled, the rest reaches the model as written. */
static void fills_what_it_knows(void **state)
{
    apr_pool_t *p = *state;
    static const char *const kv[] = { "project.name", "Owls", "user", "ann", NULL };
    static const struct { const char *tmpl, *want; } cases[] = {
        { "On {{project.name}} for {{ user }}.", "On Owls for ann." },
        { "{{project.name}} and {{ topic }} stay", "Owls and {{ topic }} stay" },
        { "a malformed {{ 1x }} keeps {{user}} as written",
          "a malformed {{ 1x }} keeps {{user}} as written" },
        { "{{{{user}} is literal, {{user}} is not", "{{user}} is literal, ann is not" },
        { "no placeholders", "no placeholders" },
        { "", "" },
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_string_equal(pl_prompt_render_known(p, cases[i].tmpl, vals(p, kv)), cases[i].want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(fills_placeholders),
        UNIT_TEST(escapes_literal_braces),
        UNIT_TEST(never_recurses),
        UNIT_TEST(lists_missing_names_once),
        UNIT_TEST(refuses_malformed_placeholders),
        UNIT_TEST(names_the_position),
        UNIT_TEST(parses_names_in_order),
        UNIT_TEST(validates_names),
        UNIT_TEST(caps_the_size),
        UNIT_TEST(fills_builtins),
        UNIT_TEST(fills_what_it_knows),
    };
    return UNIT_RUN(tests);
}
