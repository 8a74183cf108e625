#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_chat.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from what Ollama (NDJSON) and OpenAI-style
# servers (Server-Sent Events) send: tokens, thinking, usage, errors before
# and during the stream, keep-alive comments, CRLF, events over several data
# lines, bad JSON. An input is a flags byte (bit 0: OpenAI; bits 1-3: stop
# after that many events; bits 4-6: 7 line cap, 6 data cap), a count n, n
# chunk sizes, then the stream. Passes when the fuzzer finds no crash, leak,
# UB or broken contract of pl_chat_reader_feed.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

my $ndjson = join('', map { "$_\n" }
    '{"model":"m","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"",'
        . '"thinking":"hm"},"done":false}',
    '{"model":"m","message":{"role":"assistant","content":"Hel"},"done":false}',
    '{"model":"m","message":{"role":"assistant","content":"lo \u00e9 \ud83d\ude00"},"done":false}',
    '{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop",'
        . '"total_duration":5191566416,"load_duration":2154458,"prompt_eval_count":26,'
        . '"prompt_eval_duration":383809000,"eval_count":282,"eval_duration":4535599000}');
my $sse = join('', map { "data: $_\n\n" }
    '{"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[{"index":0,"delta":'
        . '{"role":"assistant","content":"Echo:"},"finish_reason":null}]}',
    '{"choices":[{"delta":{"reasoning":"Let me"}}]}',
    '{"choices":[{"delta":{"reasoning_content":" think"}}]}',
    '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
    '{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}',
    '[DONE]');

# flags, chunk sizes, stream
sub input {
    my ($flags, $sizes, $stream) = @_;
    return chr($flags) . chr(scalar @$sizes) . join('', map { chr } @$sizes) . $stream;
}

my %seeds = (
    ndjson          => input(0, [], $ndjson),
    ndjson_chunks   => input(0, [1, 0, 17, 3, 200], $ndjson),
    ndjson_stop     => input(2 << 1, [5, 5], $ndjson),
    ndjson_error    => input(0, [9], qq({"error":"model 'x' not found"}\n)),
    ndjson_mid_err  => input(0, [40], qq({"message":{"content":"a"},"done":false}\n{"error":"out of memory"}\n)),
    ndjson_bad      => input(0, [3], qq({"message":{"content":"a"}}\n{"model":not-json\n)),
    ndjson_crlf     => input(0, [2], qq({"message":{"content":"a"}}\r\n\r\n[1]\n)),
    ndjson_line_cap => input(7 << 4, [4], qq({"message":{"content":"a"}}\n{"message":)),
    sse             => input(1, [], $sse),
    sse_chunks      => input(1, [0, 1, 2, 3, 64, 100], $sse),
    sse_stop        => input(1 | (1 << 1), [], $sse),
    sse_crlf        => input(1, [7], ": keep-alive\r\n\r\nevent: message\r\nid: 1\r\nretry: 100\r\n"
                         . "data:{\"choices\":[{\"delta\":\r\ndata: {\"content\":\"a\"}}]}\r\n\r\n"
                         . "data: [DONE]\r\n\r\n"),
    sse_error       => input(1, [], "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
                         . "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n"),
    sse_bad         => input(1, [3], "data: {\"id\":\"c\",\"object\":not-json\n\ndata: [1,2]\n\n"),
    sse_line_cap    => input(1 | (7 << 4), [], "data: {\"choices\":[]}\n\ndata: {\"cho"),
    sse_data_cap    => input(1 | (6 << 4), [], "data: {\"choices\":\ndata: ["),
);

fuzz(target => 'chat', lib => [qw(chat/pl_chat.c chat/pl_chat_tools.c core/pl_lines.c core/pl_json.c core/pl_jsonw.c core/pl_text.c)],
     packages => [qw(apr-1 apr-util-1 jansson)], max_len => 4096, seeds => \%seeds,
     dict => ["data: ", "data:", "\n\n", "\r\n", ": ", "event: ", "[DONE]", '{"message":{',
              '"content":', '"thinking":', '"done":true', '"done_reason":', '"error":',
              '"choices":[{', '"delta":{', '"reasoning":', '"reasoning_content":',
              '"finish_reason":', '"usage":{', '"prompt_tokens":', '"completion_tokens":',
              '"eval_count":', '"prompt_eval_count":', '"total_duration":', '"eval_duration":']);
