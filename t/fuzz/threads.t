#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_threads.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from seeds of each kind: search queries, an
# exported thread, model titles. Passes when the fuzzer finds no crash,
# leak, UB or contract violation.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

# The first byte picks the parser: 0 search, 1 import, 2 title.
my $doc = '{"format":"mod_planning.thread","format_version":1,"exported_at":"2026-01-02T03:04:05.678Z",'
    . '"thread":{"id":4,"title":"t","project_id":null,"model":"m","system_prompt":null,'
    . '"options":{"temperature":0.5,"stop":["x"]},"pinned":false,"archived":false,"leaf_id":2,'
    . '"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05+01:00"},"messages":['
    . '{"id":1,"parent_id":null,"role":"user","content":"hi","thinking":null,"state":"complete","model":null,'
    . '"prompt_tokens":0,"completion_tokens":0,"total_ns":0,"eval_ns":0,"error_code":null,'
    . '"created_at":"2026-01-02T03:04:05.678Z","updated_at":null},'
    . '{"id":2,"parent_id":1,"role":"assistant","content":"yo","state":"streaming","completion_tokens":3},'
    . '{"id":3,"parent_id":1,"role":"assistant","content":"again","state":"incomplete","error_code":"stopped"}]}';
my %seeds = (
    q_words   => "\0sourdough bread",
    q_phrase  => "\0\"bake sourdough\" sour* -x",
    q_ops     => "\0NEAR(a b) OR title:x^2 '; DROP --",
    q_utf8    => "\0caf\xc3\xa9 \xe2\x80\x94 cr\xc3\xa8me*",
    q_stop    => "\0the \"in c\" of it",
    import    => "\1$doc",
    cycle     => "\1" . '{"format":"mod_planning.thread","format_version":1,"thread":{},"messages":['
                 . '{"id":1,"parent_id":2,"role":"user","content":"a","state":"complete"},'
                 . '{"id":2,"parent_id":1,"role":"user","content":"b","state":"complete"}]}',
    unordered => "\1" . '{"format":"mod_planning.thread","format_version":1,"thread":{},"messages":['
                 . '{"id":3,"parent_id":2,"role":"user","content":"a","state":"complete"},'
                 . '{"id":2,"parent_id":null,"role":"user","content":"b","state":"complete"}]}',
    title     => "\2**Title:** \"Baking Sourdough\".\nmore",
    ollama    => "\2" . '{"message":{"role":"assistant","content":"\u201cKernel notes\u201d"},"done":true}',
    openai    => "\2" . '{"choices":[{"message":{"content":"A title"}}]}',
    time      => "\x022026-11-22T10:00:00.123456789+02:30",
);

fuzz(target => 'threads', packages => [qw(apr-1 apr-util-1 jansson)], seeds => \%seeds,
     lib => [qw(chat/pl_thread_search.c chat/pl_thread_export.c chat/pl_threads.c chat/pl_messages.c chat/pl_chat_title.c chat/pl_chat_oneshot.c
                db/pl_db.c db/pl_db_watch.c core/pl_json.c core/pl_jsonw.c core/pl_text.c core/pl_time.c core/pl_log.c)]);
