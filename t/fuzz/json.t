#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_json.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from the bad bodies of SECURITY.md 19
# (truncated, deeply nested, invalid UTF-8, duplicate keys, 1e99999, \u0000)
# and good ones. The first byte of an input picks the depth limit (1 + byte
# % 32). Passes when the fuzzer finds no crash, leak, UB or broken contract
# of pl_json_parse.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

my %docs = (
    object     => '{"name":"p","local_path":"/srv/p","tags":["a","b"],"n":1,"r":0.5,"t":true,"z":null}',
    array      => '[1,-2,3.25e10,"x",{"a":[]},[[]],false]',
    nested     => '{"a":{"b":{"c":{"d":[[[{"e":1}]]]}}}}',
    deep       => ('[' x 40) . (']' x 40),
    deep_obj   => ('{"a":' x 20) . '1' . ('}' x 20),
    truncated  => '{"name":"p","tags":["a",',
    dup        => '{"a":1,"b":2,"a":3}',
    dup_escape => '{"a":1,"\u0061":2}',
    dup_inner  => '{"x":{"k":1,"k":1}}',
    nul        => '{"a":"x\u0000y"}',
    huge_exp   => '{"n":1e99999}',
    huge_int   => '{"n":99999999999999999999999}',
    bad_utf8   => qq({"s":"\xC3\x28\xED\xA0\x80\xF5"}),
    utf8       => qq({"s":"h\xC3\xA9llo \xF0\x9F\x98\x80","\xE2\x9C\x85":"\\ud83d\\ude00"}),
    strings    => '{"q":"a\\"b\\\\c:{[","k:":"]}"}',
    trailing   => '{"a":1} x',
    two        => '{}{}',
    scalar     => '"just a string"',
    empty      => '',
    ws         => " \n\t{ \"a\" : [ 1 , 2 ] }\r\n",
);
# first byte: 1 + b % 32 levels; 7 gives 8, 31 gives 32
my %seeds;
for my $name (keys %docs) {
    $seeds{"${name}_8"} = "\x07$docs{$name}";
    $seeds{"${name}_32"} = "\x1f$docs{$name}";
}

fuzz(target => 'json', lib => [qw(core/pl_json.c core/pl_jsonw.c)], packages => [qw(apr-1 apr-util-1 jansson)],
     max_len => 4096, seeds => \%seeds,
     dict => ['{', '}', '[', ']', '"', ':', ',', 'true', 'false', 'null', '\\u0000', '\\ud83d',
              '\\"', '1e99999', '-0', '0.5e-3', '"a":', '\\u0061']);
