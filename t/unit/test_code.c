/* SPDX-License-Identifier: Apache-2.0 */
/* pl_code_analyze on a checkout the test builds: files in several languages
 * with known symbols, docs, imports and metrics, plus everything the walk
 * must skip (ignored, excluded, vendored, generated, binary, huge, symlink,
 * unknown). Needs universal-ctags (script/bootstrap installs it). */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "code/pl_code.h"
#include "core/pl_json.h"
#include "core/pl_jsonw.h"
#include "core/pl_status.h"

typedef struct {
    apr_pool_t *p;
    const char *root;
    pl_code_t *code;
} fixture_t;

static void put(fixture_t *f, const char *rel, const char *text, apr_size_t len)
{
    char *path = apr_pstrcat(f->p, f->root, "/", rel, NULL), *slash;
    FILE *fp;

    for (slash = strchr(path + strlen(f->root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    assert_non_null(fp = fopen(path, "wb"));
    assert_int_equal(fwrite(text, 1, len, fp), len);
    fclose(fp);
}

#define PUT(f, rel, text) put(f, rel, text, strlen(text))

static const char APP_PY[] =
    "\"\"\"The application: runs jobs.\"\"\"\n"                 /* 1 */
    "import os\n"                                               /* 2 */
    "from .util import helper\n"                                /* 3 */
    "from . import models\n"                                    /* 4 */
    "import pkg.mod\n"                                          /* 5 */
    "\n"                                                        /* 6 */
    "# Runs jobs in order.\n"                                   /* 7 */
    "class App(object):\n"                                      /* 8 */
    "    \"\"\"An application.\n"                              /* 9 */
    "\n"                                                        /* 10 */
    "    It has jobs.\n"                                        /* 11 */
    "    \"\"\"\n"                                              /* 12 */
    "\n"                                                        /* 13 */
    "    @property\n"                                           /* 14 */
    "    def run(self, jobs,\n"                                 /* 15 */
    "            strict=False):\n"                              /* 16 */
    "        \"\"\"Run every job.\"\"\"\n"                      /* 17 */
    "        for job in jobs:\n"                                /* 18 */
    "            if job and not strict or job.ok:\n"            /* 19 */
    "                helper(job)  # if this fails, stop\n"      /* 20 */
    "        return 'for if while'\n"                           /* 21 */
    "\n"                                                        /* 22 */
    "# Leading comment\n"                                       /* 23 */
    "# on two lines.\n"                                         /* 24 */
    "def main():\n"                                             /* 25 */
    "    return App()\n";                                       /* 26 */

static const char CALC_C[] =
    "/* SPDX-License-Identifier: Apache-2.0 */\n"               /* 1 */
    "/* Arithmetic on arrays. */\n"                             /* 2 */
    "#include <stdio.h>\n"                                      /* 3 */
    "#include \"calc.h\"\n"                                     /* 4 */
    "\n"                                                        /* 5 */
    "/**\n"                                                     /* 6 */
    " * Sums the positive values.\n"                            /* 7 */
    " */\n"                                                     /* 8 */
    "int add_all(const int *v, int n)\n"                        /* 9 */
    "{\n"                                                       /* 10 */
    "    int s = 0; /* if for while */\n"                       /* 11 */
    "    for (int i = 0; i < n; i++)\n"                         /* 12 */
    "        if (v[i] > 0 && v[i] < 100)\n"                     /* 13 */
    "            s += v[i];\n"                                  /* 14 */
    "    printf(\"if /* not a comment\");\n"                    /* 15 */
    "    return s > 0 ? s : 0;\n"                               /* 16 */
    "}\n";                                                      /* 17 */

static const char MAIN_TS[] =
    "import { format } from './helpers';\n"                     /* 1 */
    "import type { Opts } from \"./types.js\";\n"               /* 2 */
    "import React from 'react';\n"                              /* 3 */
    "\n"                                                        /* 4 */
    "// Renders a greeting.\n"                                  /* 5 */
    "export function greet(name: string, opts?: Opts): string {\n" /* 6 */
    "  if (!name) {\n"                                          /* 7 */
    "    return format('nobody');\n"                            /* 8 */
    "  }\n"                                                     /* 9 */
    "  return opts?.loud ? format(name) : name;\n"              /* 10 */
    "}\n";                                                      /* 11 */

static void build_tree(fixture_t *f)
{
    static const char BINARY[] = { 'x', '\0', 'y', '\n' };
    char *huge = apr_palloc(f->p, 70000);

    PUT(f, ".gitignore", "*.log\nsecret/\n/ignored.py\n!keep.py\n");
    PUT(f, ".git/info/exclude", "excluded.py\n");
    PUT(f, ".git/config", "[core]\n");
    PUT(f, "ignored.py", "x = 1\n");
    PUT(f, "excluded.py", "x = 1\n");
    PUT(f, "secret/keep.py", "x = 1\n");        /* the directory is out: no way back */
    PUT(f, "src/app.py", APP_PY);
    PUT(f, "src/util.py", "def helper(job):\n    return job\n");
    PUT(f, "src/models.py", "class Model:\n    pass\n");
    PUT(f, "src/__init__.py", "");
    PUT(f, "pkg/__init__.py", "");
    PUT(f, "pkg/mod.py", "VALUE = 1\n");
    PUT(f, "src/.gitignore", "*.py\n!app.py\n!util.py\n!models.py\n!__init__.py\n");
    PUT(f, "src/scratch.py", "x = 1\n");
    PUT(f, "lib/calc.c", CALC_C);
    PUT(f, "lib/calc.h", "struct calc { int n; };\nint add_all(const int *v, int n);\n");
    /* <defs.h> from lib/: two candidates share only the root with it; the
     * shallower one wins. */
    PUT(f, "lib/calc2.c", "#include <defs.h>\nint two(void) { return 2; }\n");
    PUT(f, "include/defs.h", "#define TWO 2\n");
    PUT(f, "include/debug/defs.h", "#define TWO 2\n");
    PUT(f, "web/main.ts", MAIN_TS);
    PUT(f, "web/helpers.ts", "export function format(s: string): string { return s; }\n"
        "export const shout = async (s: string): Promise<string> => {\n"
        "  return s && s.toUpperCase();\n};\nexport const ID = 'x';\n");
    PUT(f, "web/types.ts", "export interface Opts { loud: boolean }\n");
    PUT(f, "web/index.js", "const main = require('./main');\nmodule.exports = main;\n");
    PUT(f, "web/main.spec.ts", "import { greet } from './main';\ndescribe('greet', () => {});\n");
    PUT(f, "go/util/util.go", "package util\n\n// Twice doubles.\nfunc Twice(n int) int {\n\treturn n * 2\n}\n");
    PUT(f, "go/server/server.go",
        "package server\n\nimport (\n\t\"fmt\"\n\t\"example.com/app/go/util\"\n)\n\n"
        "func Serve() { fmt.Println(util.Twice(2)) }\n");
    PUT(f, "go/server/server_test.go", "package server\n\nimport \"testing\"\n\n"
        "func TestServe(t *testing.T) { Serve() }\n");
    PUT(f, "rust/src/lib.rs", "mod parser;\nuse crate::parser::parse;\n\n/// Entry point.\n"
        "pub fn run(s: &str) -> usize {\n    parse(s).len()\n}\n");
    PUT(f, "rust/src/parser.rs", "pub fn parse(s: &str) -> Vec<String> {\n"
        "    s.split(' ').map(|x| x.to_string()).collect()\n}\n");
    PUT(f, "java/com/ex/App.java", "package com.ex;\nimport com.ex.util.Helper;\n"
        "public class App {\n  public int twice(int a) { return Helper.twice(a); }\n}\n");
    PUT(f, "java/com/ex/util/Helper.java", "package com.ex.util;\npublic class Helper {\n"
        "  public static int twice(int a) { return a * 2; }\n}\n");
    PUT(f, "php/src/Models/User.php", "<?php\nnamespace App\\Models;\nuse App\\Util\\Str;\n"
        "class User { public function name() { return Str::lower('X'); } }\n");
    PUT(f, "php/src/Util/Str.php", "<?php\nnamespace App\\Util;\n"
        "class Str { public static function lower($s) { return strtolower($s); } }\n");
    PUT(f, "ruby/lib/app.rb", "require 'json'\nrequire_relative 'helpers/fmt'\n\n"
        "# The app.\nclass App\n  def run(x)\n    x unless x.nil?\n  end\nend\n");
    PUT(f, "ruby/lib/helpers/fmt.rb", "module Fmt\n  def self.fmt(x)\n    x.to_s\n  end\nend\n");
    PUT(f, "tests/test_app.py", "from src.app import App\n\ndef test_run():\n    assert App()\n");
    PUT(f, "tool", "#!/usr/bin/env python3\ndef cli():\n    pass\n");
    PUT(f, "node_modules/left-pad/index.js", "module.exports = function () {};\n");
    PUT(f, "vendor/dep/dep.go", "package dep\n");
    PUT(f, "gen.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage gen\n");
    PUT(f, "web/app.min.js", "function a(){}\n");
    PUT(f, "package-lock.json", "{}\n");
    put(f, "blob.c", BINARY, sizeof(BINARY));
    memset(huge, 'x', 70000);
    memcpy(huge, "# big\n", 6);
    put(f, "big.py", huge, 70000);
    PUT(f, "notes.txt", "plain text\n");
    /* A name ctags would read as an option if it came first on a list line. */
    PUT(f, "--output-format=xref.py", "def dashed():\n    pass\n");
    PUT(f, "debug.log", "log\n");
    assert_int_equal(symlink("src", apr_pstrcat(f->p, f->root, "/link", NULL)), 0);
}

static int setup(void **state)
{
    fixture_t *f;
    char tmpl[] = "/tmp/pl_code_XXXXXX";
    pl_code_options_t o;
    const char *err = NULL;
    apr_status_t rv;

    unit_pool_setup(state);
    f = apr_pcalloc(*state, sizeof(*f));
    f->p = *state;
    assert_non_null(mkdtemp(tmpl));
    f->root = apr_pstrdup(f->p, tmpl);
    build_tree(f);
    memset(&o, 0, sizeof(o));
    o.max_file_bytes = 64 * 1024;
    rv = pl_code_analyze(f->p, f->root, &o, &f->code, &err);
    if (rv != APR_SUCCESS)
        fail_msg("analyze: %s", err ? err : "?");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(system(apr_psprintf(f->p, "rm -rf '%s'", f->root)), 0);
    *state = f->p;
    return unit_pool_teardown(state);
}

static const pl_code_file_t *file(const fixture_t *f, const char *path)
{
    int i;

    for (i = 0; i < f->code->files->nelts; i++) {
        const pl_code_file_t *cf = APR_ARRAY_IDX(f->code->files, i, const pl_code_file_t *);
        if (strcmp(cf->path, path) == 0)
            return cf;
    }
    fail_msg("no file %s", path);
    return NULL;
}

static const pl_symbol_t *symbol(const pl_code_file_t *cf, const char *name)
{
    int i;

    for (i = 0; i < cf->symbols->nelts; i++) {
        const pl_symbol_t *s = &APR_ARRAY_IDX(cf->symbols, i, pl_symbol_t);
        if (strcmp(s->name, name) == 0)
            return s;
    }
    fail_msg("no symbol %s in %s", name, cf->path);
    return NULL;
}

static int has_import(const pl_code_file_t *cf, const char *module)
{
    int i;

    for (i = 0; i < cf->imports->nelts; i++)
        if (strcmp(APR_ARRAY_IDX(cf->imports, i, const char *), module) == 0)
            return 1;
    return 0;
}

static void test_files_and_skips(void **state)
{
    fixture_t *f = *state;
    static const char *const EXPECTED[] = {
        "--output-format=xref.py", "go/server/server.go", "go/server/server_test.go", "go/util/util.go",
        "include/debug/defs.h", "include/defs.h",
        "java/com/ex/App.java", "java/com/ex/util/Helper.java", "lib/calc.c", "lib/calc.h",
        "lib/calc2.c",
        "php/src/Models/User.php", "php/src/Util/Str.php", "pkg/__init__.py", "pkg/mod.py",
        "ruby/lib/app.rb", "ruby/lib/helpers/fmt.rb", "rust/src/lib.rs", "rust/src/parser.rs",
        "src/__init__.py", "src/app.py", "src/models.py", "src/util.py", "tests/test_app.py",
        "tool", "web/helpers.ts", "web/index.js", "web/main.spec.ts", "web/main.ts",
        "web/types.ts", NULL
    };
    const pl_code_t *c = f->code;
    int i;

    for (i = 0; EXPECTED[i]; i++) {
        assert_true(i < c->files->nelts);
        assert_string_equal(APR_ARRAY_IDX(c->files, i, const pl_code_file_t *)->path, EXPECTED[i]);
    }
    assert_int_equal(c->files->nelts, i);
    /* ignored.py, excluded.py, secret/, src/scratch.py, debug.log */
    assert_int_equal(c->skipped_ignored, 5);
    assert_int_equal(c->skipped_vendored, 2);      /* node_modules, vendor */
    assert_int_equal(c->skipped_generated, 3);     /* gen.go, app.min.js, package-lock.json */
    assert_int_equal(c->skipped_binary, 1);
    assert_int_equal(c->skipped_huge, 1);
    assert_int_equal(c->skipped_other, 3);         /* notes.txt and the two .gitignore files */
    assert_int_equal(c->symbols_missing, 0);
}

static void test_languages_and_tests(void **state)
{
    fixture_t *f = *state;
    const pl_code_t *c = f->code;
    int i, python = 0;

    assert_string_equal(file(f, "tool")->language, "Python");
    assert_string_equal(file(f, "lib/calc.h")->language, "C");
    assert_string_equal(file(f, "web/index.js")->language, "JavaScript");
    assert_true(file(f, "tests/test_app.py")->is_test);
    assert_true(file(f, "web/main.spec.ts")->is_test);
    assert_true(file(f, "go/server/server_test.go")->is_test);
    assert_false(file(f, "src/app.py")->is_test);
    assert_int_equal(c->test_files, 3);
    for (i = 0; i < c->languages->nelts; i++) {
        const pl_code_lang_t *l = &APR_ARRAY_IDX(c->languages, i, pl_code_lang_t);
        if (i > 0)
            assert_true(l->code_lines <= APR_ARRAY_IDX(c->languages, i - 1, pl_code_lang_t).code_lines);
        if (strcmp(l->language, "Python") == 0) {
            python = 1;
            assert_int_equal(l->files, 9);
        }
    }
    assert_true(python);
}

static void test_python_symbols_docs_complexity(void **state)
{
    fixture_t *f = *state;
    const pl_code_file_t *app = file(f, "src/app.py");
    const pl_symbol_t *s;

    assert_int_equal(app->lines, 26);
    assert_int_equal(app->blank_lines, 4);
    /* Docstrings (1, 9-12, 17) and comments (7, 23, 24) */
    assert_int_equal(app->comment_lines, 8);
    assert_int_equal(app->code_lines, 14);
    assert_string_equal(app->header_comment, "The application: runs jobs.");

    s = symbol(app, "App");
    assert_string_equal(s->kind, "class");
    assert_int_equal(s->line, 8);
    assert_int_equal(s->end_line, 21);
    assert_string_equal(s->doc, "An application.\n\nIt has jobs.");
    assert_int_equal(s->complexity, 0);

    s = symbol(app, "run");
    assert_string_equal(s->kind, "method");
    assert_string_equal(s->scope, "App");
    assert_int_equal(s->line, 15);
    assert_int_equal(s->end_line, 21);
    assert_non_null(strstr(s->signature, "strict=False"));
    assert_string_equal(s->doc, "Run every job.");
    /* 1 + for + if + and + or; words in the comment and the string do not count */
    assert_int_equal(s->complexity, 5);

    s = symbol(app, "main");
    assert_string_equal(s->doc, "Leading comment\non two lines.");
    assert_int_equal(s->complexity, 1);
    assert_int_equal(app->complexity, 6);

    assert_true(has_import(app, "os"));
    assert_true(has_import(app, ".util"));
    assert_true(has_import(app, "pkg.mod"));
    assert_int_equal(symbol(file(f, "tool"), "cli")->line, 2);
    assert_int_equal(symbol(file(f, "--output-format=xref.py"), "dashed")->line, 1);
}

static void test_c_metrics_and_docs(void **state)
{
    fixture_t *f = *state;
    const pl_code_file_t *c = file(f, "lib/calc.c");
    const pl_symbol_t *s = symbol(c, "add_all");

    assert_int_equal(c->lines, 17);
    assert_int_equal(c->comment_lines, 5);
    assert_int_equal(c->blank_lines, 1);
    assert_int_equal(c->code_lines, 11);
    assert_string_equal(c->header_comment, "Arithmetic on arrays.");
    assert_int_equal(s->line, 9);
    assert_int_equal(s->end_line, 17);
    assert_string_equal(s->doc, "Sums the positive values.");
    /* 1 + for + if + && + ?: */
    assert_int_equal(s->complexity, 5);
    assert_true(has_import(c, "stdio.h"));
    assert_true(has_import(c, "calc.h"));
    assert_string_equal(symbol(file(f, "lib/calc.h"), "calc")->kind, "struct");
}

static void test_typescript_and_others(void **state)
{
    fixture_t *f = *state;
    const pl_code_file_t *ts = file(f, "web/main.ts");
    const pl_symbol_t *s = symbol(ts, "greet");

    assert_int_equal(s->line, 6);
    assert_int_equal(s->end_line, 11);            /* by brace matching: ctags gives none */
    assert_string_equal(s->signature, "(name: string, opts?: Opts)");
    assert_string_equal(s->doc, "Renders a greeting.");
    assert_int_equal(s->complexity, 3);           /* if, ?: (not ?. or ?:) */
    assert_true(has_import(ts, "./helpers"));
    assert_true(has_import(ts, "react"));

    /* ctags calls an arrow function held in a constant a constant. */
    s = symbol(file(f, "web/helpers.ts"), "shout");
    assert_string_equal(s->kind, "function");
    assert_string_equal(s->signature, "(s: string)");
    assert_int_equal(s->end_line, 4);
    assert_int_equal(s->complexity, 2);
    assert_string_equal(symbol(file(f, "web/helpers.ts"), "ID")->kind, "constant");

    s = symbol(file(f, "go/util/util.go"), "Twice");
    assert_string_equal(s->doc, "Twice doubles.");
    assert_int_equal(s->end_line, 6);
    s = symbol(file(f, "rust/src/lib.rs"), "run");
    assert_string_equal(s->doc, "Entry point.");
    assert_int_equal(s->end_line, 7);
    assert_string_equal(symbol(file(f, "java/com/ex/App.java"), "twice")->scope, "App");
    assert_string_equal(symbol(file(f, "ruby/lib/app.rb"), "App")->doc, "The app.");
    assert_int_equal(symbol(file(f, "ruby/lib/app.rb"), "run")->complexity, 2);
    assert_string_equal(symbol(file(f, "php/src/Models/User.php"), "name")->kind, "function");
}

static int has_edge(const fixture_t *f, const char *from, const char *to)
{
    int i;

    for (i = 0; i < f->code->edges->nelts; i++) {
        const pl_code_edge_t *e = &APR_ARRAY_IDX(f->code->edges, i, pl_code_edge_t);
        if (strcmp(APR_ARRAY_IDX(f->code->files, e->from, const pl_code_file_t *)->path, from) == 0
            && strcmp(APR_ARRAY_IDX(f->code->files, e->to, const pl_code_file_t *)->path, to) == 0)
            return 1;
    }
    return 0;
}

static void test_import_graph(void **state)
{
    fixture_t *f = *state;
    static const char *const EDGES[][2] = {
        { "src/app.py", "src/util.py" },
        { "src/app.py", "src/models.py" },
        { "src/app.py", "pkg/mod.py" },
        { "tests/test_app.py", "src/app.py" },
        { "lib/calc.c", "lib/calc.h" },
        { "lib/calc2.c", "include/defs.h" },
        { "web/main.ts", "web/helpers.ts" },
        { "web/main.ts", "web/types.ts" },
        { "web/index.js", "web/main.ts" },
        { "web/main.spec.ts", "web/main.ts" },
        { "go/server/server.go", "go/util/util.go" },
        { "rust/src/lib.rs", "rust/src/parser.rs" },
        { "java/com/ex/App.java", "java/com/ex/util/Helper.java" },
        { "php/src/Models/User.php", "php/src/Util/Str.php" },
        { "ruby/lib/app.rb", "ruby/lib/helpers/fmt.rb" },
    };
    size_t i;

    for (i = 0; i < sizeof(EDGES) / sizeof(EDGES[0]); i++)
        if (!has_edge(f, EDGES[i][0], EDGES[i][1]))
            fail_msg("no edge %s -> %s", EDGES[i][0], EDGES[i][1]);
    /* Nothing else: external imports (os, react, fmt, json, stdio.h) resolve nowhere. */
    assert_int_equal(f->code->edges->nelts, (int)(sizeof(EDGES) / sizeof(EDGES[0])));
}

static void test_totals_and_json(void **state)
{
    fixture_t *f = *state;
    const pl_code_t *c = f->code;
    pl_jsonw_t *w = pl_jsonw_create(f->p, 4096);
    pl_json_t *doc, *totals, *files, *first;
    const char *text, *err;
    apr_size_t len;
    apr_int64_t n;
    int i, lines = 0, symbols = 0;

    for (i = 0; i < c->files->nelts; i++) {
        const pl_code_file_t *cf = APR_ARRAY_IDX(c->files, i, const pl_code_file_t *);
        lines += cf->lines;
        symbols += cf->symbols->nelts;
        assert_int_equal(cf->lines, cf->code_lines + cf->comment_lines + cf->blank_lines);
    }
    assert_int_equal(c->lines, lines);
    assert_int_equal(c->symbols, symbols);

    pl_code_write(w, NULL, c, 1);
    text = pl_jsonw_text(w, &len);
    assert_int_equal(pl_json_parse(&doc, f->p, text, len, 8, &err), APR_SUCCESS);
    assert_null(strstr(text, f->root));           /* no server path in the document */
    totals = pl_json_get_object(f->p, doc, "totals");
    assert_true(pl_json_get_int(totals, "files", &n));
    assert_int_equal(n, c->files->nelts);
    assert_true(pl_json_get_int(totals, "import_edges", &n));
    assert_int_equal(n, c->edges->nelts);
    files = pl_json_get_array(f->p, doc, "files");
    first = pl_json_array_get(f->p, files, 1);
    assert_string_equal(pl_json_get_str(first, "path"), "go/server/server.go");
    assert_int_equal(pl_json_array_size(pl_json_get_array(f->p, first, "symbols")), 1);
    assert_int_equal(pl_json_array_size(pl_json_get_array(f->p, doc, "imports")),
                     (apr_size_t)c->edges->nelts);
}

static int cancel_at_symbols(void *baton, const char *stage, apr_int64_t done, apr_int64_t total)
{
    int *calls = baton;

    (*calls)++;
    return strcmp(stage, "symbols") == 0;
}

static void test_cancel_and_missing_ctags(void **state)
{
    fixture_t *f = *state;
    pl_code_options_t o;
    pl_code_t *c;
    const char *err;
    int calls = 0;

    memset(&o, 0, sizeof(o));
    o.progress = cancel_at_symbols;
    o.baton = &calls;
    assert_int_equal(pl_code_analyze(f->p, f->root, &o, &c, &err), PL_ECANCELED);
    assert_true(calls > 0);
    assert_null(c);

    memset(&o, 0, sizeof(o));
    o.ctags = "/nonexistent/ctags";
    assert_int_equal(pl_code_analyze(f->p, f->root, &o, &c, &err), PL_ETOOL);
    assert_non_null(strstr(err, "universal-ctags"));

    assert_int_equal(pl_code_analyze(f->p, apr_pstrcat(f->p, f->root, "/nope", NULL), NULL, &c,
                                     &err), PL_ENOTFOUND);
}

static void test_one_job_same_result(void **state)
{
    fixture_t *f = *state;
    pl_code_options_t o;
    pl_code_t *c;
    const char *err;

    memset(&o, 0, sizeof(o));
    o.jobs = 1;
    o.max_file_bytes = 64 * 1024;
    assert_int_equal(pl_code_analyze(f->p, f->root, &o, &c, &err), APR_SUCCESS);
    assert_int_equal(c->files->nelts, f->code->files->nelts);
    assert_int_equal(c->symbols, f->code->symbols);
    assert_int_equal(c->edges->nelts, f->code->edges->nelts);
    assert_int_equal(c->complexity, f->code->complexity);
}

#define CODE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        CODE_TEST(test_files_and_skips),
        CODE_TEST(test_languages_and_tests),
        CODE_TEST(test_python_symbols_docs_complexity),
        CODE_TEST(test_c_metrics_and_docs),
        CODE_TEST(test_typescript_and_others),
        CODE_TEST(test_import_graph),
        CODE_TEST(test_totals_and_json),
        CODE_TEST(test_cancel_and_missing_ctags),
        CODE_TEST(test_one_job_same_result),
    };
    return UNIT_RUN(tests);
}
