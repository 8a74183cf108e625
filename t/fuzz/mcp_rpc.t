#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_mcp_rpc.c with libFuzzer, ASan and UBSan and runs it
# for PL_FUZZ_SECONDS (default 15) from JSON-RPC bodies as MCP clients send
# them and as they go wrong: requests, notifications, responses, batches
# (empty, over the cap, mixed), ids of every type, params of every type,
# scalars, truncated and invalid text. The first byte of an input picks the
# batch cap (1 + byte % 32). Passes when the fuzzer finds no crash, leak, UB
# or broken contract of pl_rpc_parse and the reply envelopes.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

my %bodies = (
    request      => '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_plan","arguments":{"project_id":1},"_meta":{"progressToken":"t"}}}',
    string_id    => '{"jsonrpc":"2.0","id":"a\u00e9\"b","method":"ping"}',
    notification => '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    response     => '{"jsonrpc":"2.0","id":3,"result":{}}',
    error_reply  => '{"jsonrpc":"2.0","id":"x","error":{"code":-1,"message":"m"}}',
    both         => '{"jsonrpc":"2.0","id":4,"result":{},"error":{"code":1}}',
    null_id      => '{"jsonrpc":"2.0","id":null,"method":"ping"}',
    real_id      => '{"jsonrpc":"2.0","id":1.5,"method":"ping"}',
    big_id       => '{"jsonrpc":"2.0","id":9223372036854775807,"method":"ping"}',
    object_id    => '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}',
    old          => '{"jsonrpc":"1.0","id":1,"method":"ping"}',
    no_version   => '{"id":1,"method":"ping"}',
    empty_method => '{"jsonrpc":"2.0","id":1,"method":""}',
    array_params => '{"jsonrpc":"2.0","id":1,"method":"ping","params":[1,2]}',
    null_params  => '{"jsonrpc":"2.0","id":1,"method":"ping","params":null}',
    batch        => '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},5,[],{"id":2}]',
    empty_batch  => '[]',
    long_batch   => '[' . join(',', map { qq({"jsonrpc":"2.0","id":$_,"method":"ping"}) } 1 .. 40) . ']',
    nested_batch => '[[{"jsonrpc":"2.0","id":1,"method":"ping"}]]',
    scalar       => '5',
    string       => '"ping"',
    truncated    => '{"jsonrpc":"2.0","id":1,"meth',
    bad_utf8     => qq({"jsonrpc":"2.0","id":"\xff","method":"ping"}),
    dup          => '{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}',
    nul          => qq({"jsonrpc":"2.0","id":1,"method":"p\\u0000"}),
    raw_nul      => qq(5\0),
    empty        => '',
);
my %seeds;
for my $name (keys %bodies) {
    $seeds{"${name}_1"} = "\x00$bodies{$name}";
    $seeds{"${name}_20"} = "\x13$bodies{$name}";
}

fuzz(target => 'mcp_rpc', lib => [qw(mcp/pl_mcp_rpc.c core/pl_json.c core/pl_jsonw.c)],
     packages => [qw(apr-1 apr-util-1 jansson)], max_len => 4096, seeds => \%seeds,
     dict => ['{', '}', '[', ']', '"jsonrpc":"2.0"', '"id":', '"method":', '"params":', '"result":',
              '"error":', 'null', '1.5', '"_meta":', 'ping', ',']);
