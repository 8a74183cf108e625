/* SPDX-License-Identifier: Apache-2.0 */
/* pl_stream: the event ids of a reply stream (positions in the reply) and
 * where a reconnecting reader may resume. The database part is covered by
 * t/api/stream.t against SQLite and MariaDB. */
#include "unit.h"
#include "core/pl_status.h"
#include "chat/pl_stream.h"

static void ids_round_trip(void **state)
{
    static const pl_stream_pos_t cases[] = {
        { 0, 0, 0 }, { 5, 0, 0 }, { 0, 17, 0 }, { 123456, 789, 0 }, { 42, 7, 1 }, { 0, 0, 1 },
        { 2147483647, 2147483647, 1 }
    };
    char buf[PL_STREAM_ID_MAX];
    pl_stream_pos_t back;
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *id = pl_stream_id(buf, &cases[i]);
        assert_int_equal(pl_stream_id_parse(id, &back), APR_SUCCESS);
        assert_int_equal(back.content, cases[i].content);
        assert_int_equal(back.thinking, cases[i].thinking);
        assert_int_equal(back.end, cases[i].end);
    }
    assert_string_equal(pl_stream_id(buf, &cases[3]), "123456.789");
    assert_string_equal(pl_stream_id(buf, &cases[4]), "42.7.end");
}

static void no_id_is_the_start(void **state)
{
    pl_stream_pos_t pos = { 9, 9, 1 };

    (void)state;
    assert_int_equal(pl_stream_id_parse(NULL, &pos), APR_SUCCESS);
    assert_true(pos.content == 0 && pos.thinking == 0 && !pos.end);
    assert_int_equal(pl_stream_id_parse("", &pos), APR_SUCCESS);
    assert_true(pos.content == 0 && pos.thinking == 0 && !pos.end);
}

static void refuses_other_ids(void **state)
{
    static const char *const bad[] = {
        "7", "1.", ".1", "1..2", "1.2.", "1.2.3", "1.2.END", "1.2.end.", "1.2.endx", "-1.0",
        "+1.0", "1.-2", " 1.2", "1.2 ", "01.2", "1.02", "0x1.2", "1e3.0", "a.b", "1.2\n",
        "2147483648.0", "99999999999999999999.0", "1.2;3", "\xff.1", NULL
    };
    const char *const *id;
    pl_stream_pos_t pos;

    (void)state;
    for (id = bad; *id; id++)
        if (pl_stream_id_parse(*id, &pos) != PL_EINVAL)
            fail_msg("accepted \"%s\"", *id);
    {
        char longest[PL_STREAM_ID_MAX + 8];
        memset(longest, '1', sizeof(longest) - 1);
        longest[sizeof(longest) - 1] = '\0';
        longest[3] = '.';
        assert_int_equal(pl_stream_id_parse(longest, &pos), PL_EINVAL);
    }
}

static void positions_that_fit(void **state)
{
    /* "é" is two bytes (0xC3 0xA9): offset 7 would split it */
    const char *content = "Echo: \xC3\xA9t\xC3\xA9", *thinking = "hm";
    pl_stream_pos_t pos = { 0, 0, 0 };

    (void)state;
    assert_true(pl_stream_pos_fits(&pos, content, thinking, 0));
    pos.content = 6;
    assert_true(pl_stream_pos_fits(&pos, content, thinking, 0));
    pos.content = 7;
    assert_false(pl_stream_pos_fits(&pos, content, thinking, 0));
    assert_false(pl_stream_pos_fits(&pos, content, thinking, 1));
    pos.content = strlen(content);
    assert_true(pl_stream_pos_fits(&pos, content, thinking, 0));
    pos.content++;
    assert_false(pl_stream_pos_fits(&pos, content, thinking, 0));
    /* a reply still generated may be saved behind what the client saw */
    assert_true(pl_stream_pos_fits(&pos, content, thinking, 1));
    pos.content = 0;
    pos.thinking = 3;
    assert_false(pl_stream_pos_fits(&pos, content, thinking, 0));
    assert_true(pl_stream_pos_fits(&pos, content, NULL, 1));
    pos.thinking = 0;
    assert_true(pl_stream_pos_fits(&pos, "", NULL, 0));
}

static void the_rest(void **state)
{
    const char *text = "ab\xC3\xA9" "c";

    (void)state;
    assert_string_equal(pl_stream_rest(text, 0), text);
    assert_string_equal(pl_stream_rest(text, 2), "\xC3\xA9" "c");
    /* never half a character */
    assert_string_equal(pl_stream_rest(text, 3), "c");
    assert_null(pl_stream_rest(text, 5));
    assert_null(pl_stream_rest(text, 50));
    assert_null(pl_stream_rest(NULL, 0));
    assert_null(pl_stream_rest("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(ids_round_trip),
        UNIT_TEST(no_id_is_the_start),
        UNIT_TEST(refuses_other_ids),
        UNIT_TEST(positions_that_fit),
        UNIT_TEST(the_rest),
    };
    return UNIT_RUN(tests);
}
