/* SPDX-License-Identifier: Apache-2.0 */
/* What the source analysis knows about each language: how to recognise its
 * files (extension, file name, shebang, Emacs mode line), its comment and
 * string syntax for line metrics, the keywords that add a branch for the
 * complexity estimate, and the universal-ctags parser that extracts its
 * symbols. Also which paths are tests. One table, in pl_lang.c. */
#ifndef PL_LANG_H
#define PL_LANG_H

#include <apr.h>

enum {
    PL_LANG_BRACES = 1 << 0,     /* bodies in { }: end lines by brace matching */
    PL_LANG_DOCSTRING = 1 << 1,  /* Python: triple-quoted strings, docstrings */
    PL_LANG_LOGIC_OPS = 1 << 2,  /* && and || add a branch */
    PL_LANG_TERNARY = 1 << 3,    /* a spaced " ? " adds a branch */
    PL_LANG_MATCH_ARMS = 1 << 4, /* Rust: each "=>" arm adds a branch */
    PL_LANG_MARKUP = 1 << 5,     /* prose and data: no strings, no complexity */
    PL_LANG_ATTRIBUTES = 1 << 6, /* lines starting '@' or "#[" sit between a comment and its symbol */
    PL_LANG_WORD_HASH = 1 << 7   /* shell: '#' starts a comment only at the start of a word */
};

typedef struct {
    const char *name;           /* shown to users: "Python", "C++", ... */
    const char *ctags;          /* universal-ctags parser, NULL: metrics only */
    const char *line_comment[3];/* NULL-terminated */
    const char *block_open, *block_close;
    const char *quotes;         /* characters that open a one-line string */
    const char *multiline_quote;/* a quote character whose strings span lines ('`' in Go, JS) */
    const char *const *decisions;  /* keywords that add a branch, NULL-terminated */
    unsigned flags;             /* PL_LANG_* */
} pl_lang_t;

/* The language of a file by its name (path may include directories), or
 * NULL when the name says nothing. */
const pl_lang_t *pl_lang_by_name(const char *path);

/* The language by a file's first bytes: a #! line or an Emacs mode line
 * ("-*- C++ -*-"). NULL when neither names a known language. */
const pl_lang_t *pl_lang_by_content(const char *head, apr_size_t len);

/* What a file is to the plan analysis. Only code is evidence that a
 * feature exists: tests, examples and docs are where the false friends
 * live (a README naming a plugin that lives elsewhere, an example doing by
 * hand what the library lacks), build files say how, not what. */
typedef enum {
    PL_FILE_CODE,
    PL_FILE_TEST,
    PL_FILE_EXAMPLE,
    PL_FILE_DOC,
    PL_FILE_BUILD
} pl_file_role_e;

/* The role of a file by its path and language: tests as pl_lang_is_test
 * says; docs (Markdown, reStructuredText, README, CHANGELOG, files under
 * doc/ or docs/); examples (under example(s)/, sample(s)/, demo(s)/,
 * tutorial(s)/); build and configuration (Makefile, CMake, Autoconf,
 * Dockerfile, YAML, TOML, JSON, INI, setup.py, build.rs, CI directories);
 * everything else is code. lang may be NULL. */
pl_file_role_e pl_lang_role(const char *path, const pl_lang_t *lang);

/* "code", "test", "example", "doc", "build" */
const char *pl_lang_role_name(pl_file_role_e role);

/* 1 when the path names a test: a file in a tests directory or named as
 * test frameworks expect (test_x.py, x_test.go, x.spec.ts, XTest.java...). */
int pl_lang_is_test(const char *path);

/* The i-th language of the table (0-based), NULL past the end. */
const pl_lang_t *pl_lang_at(int i);

/* The i-th file pattern that ctags does not map to the parser itself (.tsx,
 * .pyi, Gemfile...), as ctags --map-<parser>=+<pattern> wants it: ".tsx" or
 * "(Gemfile)". 0 past the end. */
int pl_lang_ctags_map(int i, const char **parser, const char **pattern);

/* 1 for a ctags kind that counts towards complexity (functions, methods). */
int pl_lang_is_function_kind(const char *kind);

#endif
