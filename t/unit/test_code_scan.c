/* SPDX-License-Identifier: Apache-2.0 */
/* The pieces under pl_code_analyze, on snippets: line classes and branch
 * counts (pl_code_scan), body ends by braces, docs (pl_code_doc), language
 * detection and test paths (pl_lang), the walk's skip rules, and the
 * chunks of the evidence index (pl_code_chunk). */
#include "unit.h"
#include "code/pl_code_chunk.h"
#include "code/pl_ctags.h"
#include "code/pl_code_doc.h"
#include "code/pl_code_scan.h"
#include "code/pl_lang.h"
#include "code/pl_walk.h"

/* One character per line: b blank, c comment, d docstring, x code. */
static void expect_kinds(const char *lang_file, const char *text, const char *kinds,
                         const char *decisions)
{
    const pl_lang_t *lang = pl_lang_by_name(lang_file);
    pl_code_scan_t s;
    int i;

    assert_non_null(lang);
    assert_int_equal(pl_code_scan(&s, text, strlen(text), lang), APR_SUCCESS);
    if (s.nlines != (int)strlen(kinds))
        fail_msg("%s: %d lines, expected %d", lang_file, s.nlines, (int)strlen(kinds));
    for (i = 0; i < s.nlines; i++) {
        char got = "bcdx"[s.kind[i]];
        if (got != kinds[i])
            fail_msg("%s line %d: '%c', expected '%c'", lang_file, i + 1, got, kinds[i]);
        if (decisions && s.decisions[i] != decisions[i] - '0')
            fail_msg("%s line %d: %d branches, expected %c", lang_file, i + 1, s.decisions[i],
                     decisions[i]);
    }
    pl_code_scan_free(&s);
}

static void test_line_classes(void **state)
{
    expect_kinds("x.c",
                 "/* a\n"
                 "\n"
                 "   b */ int x;\n"
                 "char *s = \"/* no\"; // yes\n"
                 "  // only\n"
                 "int y; /* trailing */\n"
                 "   \t\n"
                 "c = '\"'; if (a && b || c) d = e ? f : g;\n",
                 "cbxxcxbx", "00000004");
    expect_kinds("x.py",
                 "#!/usr/bin/env python3\n"
                 "'''Module.\n"
                 "\n"
                 "More.'''\n"
                 "x = \"\"\"not a\n"
                 "docstring\"\"\"\n"
                 "s = '# not a comment'  # a comment\n"
                 "    r\"\"\"raw doc\"\"\"\n"
                 "if a and b or c: pass\n"
                 "elif x.if_: pass\n",
                 "cdbdxxxdxx", "0000000031");
    expect_kinds("x.sh",
                 "# comment\n"
                 "echo ${#arr} $# a#b # real\n"
                 "[ -f x ] && echo 'it''s' || exit\n",
                 "cxx", "002");
    expect_kinds("x.go",
                 "s := `raw\n"
                 "// inside\n"
                 "end`\n"
                 "for i := range x { if a || b { } }\n",
                 "xxxx", "0003");
    expect_kinds("x.lua",
                 "--[[ block\n"
                 "comment ]]\n"
                 "-- line\n"
                 "if a and b then end\n",
                 "cccx", "0002");
    expect_kinds("x.html", "<!-- c -->\n<p>it's \"quoted\"</p>\n", "cx", NULL);
    expect_kinds("x.rs", "match x {\n  A => 1,\n  B if y => 2,\n}\nlet r = f()?;\n", "xxxxx",
                 "01200");
    expect_kinds("bom.py", "\xEF\xBB\xBF# comment\nx = 1\n", "cx", NULL);
    expect_kinds("empty.c", "", "", NULL);
    expect_kinds("noeol.c", "int x;", "x", NULL);
}

static void test_block_end(void **state)
{
    const char *text =
        "function f(a,\n"         /* 1 */
        "           b)\n"         /* 2 */
        "{\n"                     /* 3 */
        "  if (a) { b(); }\n"     /* 4 */
        "  return `}`;\n"         /* 5 */
        "}\n"                     /* 6 */
        "declare function g();\n" /* 7 */
        "class C { m() {} }\n"    /* 8 */
        "const x = 1\n";          /* 9 */
    pl_code_scan_t s;

    assert_int_equal(pl_code_scan(&s, text, strlen(text), pl_lang_by_name("a.ts")), APR_SUCCESS);
    assert_int_equal(pl_code_scan_block_end(&s, 1, 1), 6);
    assert_int_equal(pl_code_scan_block_end(&s, 4, 0), 4);
    assert_int_equal(pl_code_scan_block_end(&s, 7, 1), 7);
    assert_int_equal(pl_code_scan_block_end(&s, 8, 0), 8);
    assert_int_equal(pl_code_scan_block_end(&s, 9, 0), 0);
    assert_int_equal(pl_code_scan_block_end(&s, 99, 1), 0);
    pl_code_scan_free(&s);
    /* Python has no braces: ctags gives its end lines. */
    assert_int_equal(pl_code_scan(&s, "def f():\n  {}\n", 14, pl_lang_by_name("a.py")),
                     APR_SUCCESS);
    assert_int_equal(pl_code_scan_block_end(&s, 1, 1), 0);
    pl_code_scan_free(&s);
}

static const char *doc(apr_pool_t *p, const char *file, const char *text, int line, int which)
{
    pl_code_scan_t s;
    const char *d;

    assert_int_equal(pl_code_scan(&s, text, strlen(text), pl_lang_by_name(file)), APR_SUCCESS);
    d = which == 0 ? pl_code_doc_leading(p, &s, line)
        : which == 1 ? pl_code_doc_docstring(p, &s, line) : pl_code_doc_header(p, &s);
    pl_code_scan_free(&s);
    return d;
}

static void test_docs(void **state)
{
    apr_pool_t *p = *state;
    char big[5100];

    assert_string_equal(doc(p, "a.java", "/**\n * Adds.\n *\n * @param a one\n */\n"
                                          "@Override\n@Deprecated\nint add(int a) {}\n", 8, 0),
                        "Adds.\n\n@param a one");
    assert_string_equal(doc(p, "a.rs", "//! crate\n\n/// Parses.\n#[inline]\nfn p() {}\n", 5, 0),
                        "Parses.");
    assert_null(doc(p, "a.c", "int x; /* not above */\nint f(void);\n", 2, 0));
    assert_null(doc(p, "a.c", "/* far */\n\nint f(void);\n", 3, 0));
    assert_null(doc(p, "a.py", "def a():\n    \"\"\"A.\"\"\"\ndef b(): pass\n", 3, 0));
    assert_string_equal(doc(p, "a.py", "class K(\n    Base):\n\n    '''K does.\n\n    Really.\n"
                                        "    '''\n    x = 1\n", 1, 1),
                        "K does.\n\nReally.");
    assert_null(doc(p, "a.py", "def f():\n    return 1\n", 1, 1));
    assert_string_equal(doc(p, "a.rb", "# frozen_string_literal: true\n\n# Does it.\nclass A\nend\n",
                            4, 0), "Does it.");
    assert_string_equal(doc(p, "a.c", "/* SPDX-License-Identifier: MIT */\n/* What it is.\n"
                                      " * More. */\n#include <x.h>\n", 0, 2),
                        "What it is.\nMore.");
    assert_string_equal(doc(p, "a.py", "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"
                                       "# Copyright 2020 X\n# All rights reserved.\n\n"
                                       "\"\"\"Tool.\"\"\"\n", 0, 2), "Tool.");
    assert_string_equal(doc(p, "a.sh", "# SPDX-License-Identifier: MIT\n# Builds it.\nmake\n", 0, 2),
                        "Builds it.");
    assert_null(doc(p, "a.go", "package x\n// late\n", 0, 2));
    /* libstdc++: the title beside the mode line, then the licence. */
    assert_string_equal(doc(p, "a.h", "// Smart pointers -*- C++ -*-\n\n// Copyright (C) 2007 FSF\n"
                                      "//\n// This library is free software.\n\n#pragma once\n",
                            0, 2), "Smart pointers");
    /* LLVM: one block with banner rules; the licence paragraph goes. */
    assert_string_equal(doc(p, "a.h", "//===- X.h - The X pass ---------*- C++ -*-===//\n//\n"
                                      "// Part of the LLVM Project, under the Apache License v2.0.\n"
                                      "// SPDX-License-Identifier: Apache-2.0\n//\n"
                                      "//===------------------------------===//\n//\n"
                                      "// This file defines X.\n//\n//===----===//\n\n#if 1\n",
                            0, 2), "X.h - The X pass\n\nThis file defines X.");
    /* Only notices: no header. */
    assert_null(doc(p, "a.py", "# Copyright 2020 X\n# Licensed under MIT.\nx = 1\n", 0, 2));

    /* Long comments are cut, on a character boundary. */
    memcpy(big, "// x", 4);
    for (int i = 4; i < 4996; i += 2)
        memcpy(big + i, "\xC3\xA9", 2);     /* e acute: 2 bytes, so the cut at 2000 splits one */
    strcpy(big + 4996, "\nint f(void);\n");
    assert_int_equal(strlen(doc(p, "a.c", big, 2, 0)), PL_CODE_DOC_MAX - 1);
}

static void test_languages(void **state)
{
    static const struct { const char *path, *lang; } NAMES[] = {
        { "a/b.py", "Python" }, { "x.h", "C" }, { "x.hpp", "C++" }, { "x.tsx", "TypeScript" },
        { "x.mjs", "JavaScript" }, { "Makefile", "Makefile" }, { "Dockerfile.dev", "Dockerfile" },
        { "Gemfile", "Ruby" }, { "x.C", "C++" }, { "a.t", "Perl" }, { ".bashrc", NULL },
        { "README", NULL }, { "x.unknown", NULL },
    };
    static const struct { const char *head, *lang; } HEADS[] = {
        { "#!/usr/bin/env python3.11\n", "Python" }, { "#!/bin/sh\n", "Shell" },
        { "#!/usr/bin/env -S node --flag\n", "JavaScript" }, { "#!/usr/bin/perl -w\n", "Perl" },
        { "// <vector> -*- C++ -*-\n", "C++" }, { "#!/bin/false\n# -*- mode: ruby -*-\n", "Ruby" },
        { "# -*- coding: utf-8 -*-\n", NULL }, { "plain\n", NULL }, { "#!\n", NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(NAMES) / sizeof(NAMES[0]); i++) {
        const pl_lang_t *l = pl_lang_by_name(NAMES[i].path);
        if (NAMES[i].lang ? !l || strcmp(l->name, NAMES[i].lang) != 0 : l != NULL)
            fail_msg("%s: %s", NAMES[i].path, l ? l->name : "none");
    }
    for (i = 0; i < sizeof(HEADS) / sizeof(HEADS[0]); i++) {
        const pl_lang_t *l = pl_lang_by_content(HEADS[i].head, strlen(HEADS[i].head));
        if (HEADS[i].lang ? !l || strcmp(l->name, HEADS[i].lang) != 0 : l != NULL)
            fail_msg("%s: %s", HEADS[i].head, l ? l->name : "none");
    }
}

static void test_test_paths(void **state)
{
    static const char *const TESTS[] = {
        "tests/x.py", "a/test/b.c", "test_x.py", "x_test.go", "x_test.rb", "x_spec.rb",
        "a/b.spec.ts", "c.test.jsx", "FooTest.java", "FooTests.cs", "TestFoo.php", "t/basic.t",
        "src/__tests__/a.js", "conftest.py", NULL
    };
    static const char *const NOT_TESTS[] = {
        "src/testing_utils_helper.py", "latest.py", "contest.py", "attestation.go",
        "Testament.java", "protest/x.py", "src/test.py", NULL
    };
    int i;

    for (i = 0; TESTS[i]; i++)
        if (!pl_lang_is_test(TESTS[i]))
            fail_msg("%s is a test", TESTS[i]);
    for (i = 0; NOT_TESTS[i]; i++)
        if (pl_lang_is_test(NOT_TESTS[i]))
            fail_msg("%s is not a test", NOT_TESTS[i]);
}

static void test_skip_rules(void **state)
{
    static const char *const GENERATED[] = {
        "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n",
        "/*\n * @generated SignedSource<<abc>>\n */\n",
        "#!/bin/sh\n# Generated by configure.\n",
        "# This file is automatically generated\n",
        "\n\n\n\n/* DO NOT EDIT */\n", NULL
    };
    static const char *const NOT_GENERATED[] = {
        "def tokens():\n    \"\"\"Return the tokens generated by the lexer.\"\"\"\n",
        "a\nb\nc\nd\ne\n# DO NOT EDIT on line six\n", "", NULL
    };
    int i;

    for (i = 0; GENERATED[i]; i++)
        if (!pl_walk_has_generated_marker(GENERATED[i], strlen(GENERATED[i])))
            fail_msg("generated: %s", GENERATED[i]);
    for (i = 0; NOT_GENERATED[i]; i++)
        if (pl_walk_has_generated_marker(NOT_GENERATED[i], strlen(NOT_GENERATED[i])))
            fail_msg("not generated: %s", NOT_GENERATED[i]);
    assert_true(pl_walk_is_generated_name("app.min.js"));
    assert_true(pl_walk_is_generated_name("yarn.lock"));
    assert_true(pl_walk_is_generated_name("api_pb2.py"));
    assert_false(pl_walk_is_generated_name("minimal.js"));
    assert_true(pl_walk_is_vendored_dir("node_modules"));
    assert_true(pl_walk_is_vendored_dir("foo.egg-info"));
    assert_true(pl_walk_is_vendored_dir("__pycache__"));
    assert_false(pl_walk_is_vendored_dir("src"));
    assert_false(pl_walk_is_vendored_dir("vendors"));
}

/* Chunks of text cut at tags (name, kind, line, end line; NULL name ends). */
static apr_array_header_t *chunks_of(apr_pool_t *p, const char *path, const char *text,
                                     const pl_ctags_tag_t *tags)
{
    apr_array_header_t *t = apr_array_make(p, 4, sizeof(pl_ctags_tag_t));
    pl_code_file_t f;
    pl_code_scan_t s;

    for (; tags && tags->name; tags++)
        *(pl_ctags_tag_t *)apr_array_push(t) = *tags;
    memset(&f, 0, sizeof(f));
    assert_int_equal(pl_code_scan(&s, text, strlen(text), pl_lang_by_name(path)), APR_SUCCESS);
    pl_code_chunks(p, &f, &s, t);
    pl_code_scan_free(&s);
    return f.chunks;
}

static void expect_chunk(const apr_array_header_t *c, int i, int start, int end, const char *name)
{
    const pl_code_chunk_t *k;

    if (i >= c->nelts)
        fail_msg("no chunk %d (%d chunks)", i, c->nelts);
    k = &APR_ARRAY_IDX(c, i, pl_code_chunk_t);
    if (k->start != start || k->end != end || (name ? !k->name || strcmp(k->name, name) : !!k->name))
        fail_msg("chunk %d: %d-%d %s, expected %d-%d %s", i, k->start, k->end,
                 k->name ? k->name : "(window)", start, end, name ? name : "(window)");
}

/* A line of code per line, n of them. */
static const char *code_lines(apr_pool_t *p, int n)
{
    apr_array_header_t *lines = apr_array_make(p, n, sizeof(const char *));
    int i;

    for (i = 0; i < n; i++)
        APR_ARRAY_PUSH(lines, const char *) = apr_psprintf(p, "x%d = %d;\n", i, i);
    return apr_array_pstrcat(p, lines, 0);
}

static void test_chunks(void **state)
{
    apr_pool_t *p = *state;
    /* a struct whose fields carry their help text, a function with its
     * comment above it, and trailing code no tag holds */
    static const char *const text =
        "#include <stdio.h>\n"                      /* 1 */
        "\n"                                        /* 2 */
        "/* Options of the tool. */\n"              /* 3 */
        "struct opts {\n"                           /* 4 */
        "    /* print in colour */\n"               /* 5 */
        "    int colour;\n"                         /* 6 */
        "    int width;  /* wrap at this width */\n" /* 7 */
        "};\n"                                      /* 8 */
        "\n"                                        /* 9 */
        "/* Parses the command line. */\n"          /* 10 */
        "int parse(int argc)\n"                     /* 11 */
        "{\n"                                       /* 12 */
        "    return argc;\n"                        /* 13 */
        "}\n";                                      /* 14 */
    static const pl_ctags_tag_t tags[] = {
        { "opts", "struct", NULL, NULL, NULL, NULL, 4, 8 },
        { "colour", "member", "opts", "struct", NULL, NULL, 6, 6 },
        { "width", "member", "opts", "struct", NULL, NULL, 7, 7 },
        { "parse", "function", NULL, NULL, "(int argc)", NULL, 11, 14 },
        { "stdio.h", "header", NULL, NULL, NULL, "system", 1, 0 },   /* a reference: no cut */
        { NULL, NULL, NULL, NULL, NULL, NULL, 0, 0 }
    };
    apr_array_header_t *c = chunks_of(p, "x.c", text, tags);

    expect_chunk(c, 0, 1, 2, NULL);             /* the include: a window */
    expect_chunk(c, 1, 3, 4, "opts");           /* its comment above, up to the first field */
    expect_chunk(c, 2, 5, 6, "opts.colour");    /* a field with the comment above it */
    expect_chunk(c, 3, 7, 7, "opts.width");     /* a field ends where ctags ends it */
    expect_chunk(c, 4, 8, 9, NULL);             /* the rest of the struct: a window */
    expect_chunk(c, 5, 10, 14, "parse");        /* the comment above the function is its own */
    assert_int_equal(c->nelts, 6);

    /* a definition longer than the cap: windows of 150 lines every 75 */
    {
        static const pl_ctags_tag_t big[] = {
            { "huge", "function", NULL, NULL, NULL, NULL, 1, 400 },
            { NULL, NULL, NULL, NULL, NULL, NULL, 0, 0 }
        };
        c = chunks_of(p, "x.c", code_lines(p, 400), big);
        expect_chunk(c, 0, 1, 150, "huge");
        expect_chunk(c, 1, 76, 225, "huge");
        expect_chunk(c, 2, 151, 300, "huge");
        expect_chunk(c, 3, 226, 375, "huge");
        expect_chunk(c, 4, 301, 400, "huge");
        assert_int_equal(c->nelts, 5);
    }
    /* no tag at all (a shell script, a header behind export macros):
     * windows of 40 lines every 20 */
    c = chunks_of(p, "x.c", code_lines(p, 100), NULL);
    expect_chunk(c, 0, 1, 40, NULL);
    expect_chunk(c, 1, 21, 60, NULL);
    expect_chunk(c, 2, 41, 80, NULL);
    expect_chunk(c, 3, 61, 100, NULL);
    assert_int_equal(c->nelts, 4);
    /* nothing but blank lines: no chunk */
    c = chunks_of(p, "x.c", "\n\n\n", NULL);
    assert_int_equal(c->nelts, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_line_classes),
        UNIT_TEST(test_block_end),
        UNIT_TEST(test_docs),
        UNIT_TEST(test_languages),
        UNIT_TEST(test_test_paths),
        UNIT_TEST(test_skip_rules),
        UNIT_TEST(test_chunks),
    };
    return UNIT_RUN(tests);
}
