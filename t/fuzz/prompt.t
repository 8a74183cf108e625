#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_prompt.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from templates with placeholders, escapes,
# typos and values that look like placeholders. An input is a mode byte, a
# size byte (the limit is 4 * byte, 255: 1 MiB), then
# "template\0name\0value\0...". Passes when the fuzzer finds no crash, leak,
# UB or broken contract of pl_prompt_parse and pl_prompt_render.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

sub input {
    my ($mode, $size, $tmpl, @kv) = @_;
    return chr($mode) . chr($size) . join("\0", $tmpl, @kv);
}

my %seeds = (
    fill       => input(0, 255, 'Write about {{topic}} in a {{ tone }} tone.', topic => 'owls', tone => 'dry'),
    recursion  => input(0, 255, '{{a}} then {{b}}', a => '{{b}}', b => '{{a}} {{{{'),
    trap       => input(1, 255, '{{x}}{{ y.z }}{{_a-b.c_1}}'),
    all        => input(2, 255, "{{x}}\t{{\tx\t}}", x => 'given'),
    long       => input(3, 30, 'short {{v}} {{w}}'),
    escape     => input(0, 255, '{{{{x}} and {{{{{{x}} and {{{{{{{{', x => '1'),
    typo       => input(0, 255, 'Hello {{ name }, {{1x}}, {{a..b}}, {{a.}}, {{}}', name => 'n'),
    missing    => input(0, 255, '{{a}} {{b}} {{a}} {{c}}', b => 'B'),
    too_big    => input(0, 2, '{{a}}', a => 'a value longer than eight bytes'),
    braces     => input(0, 255, 'JSON {"a": {"b": 1}} } }} {', a => '1'),
    utf8       => input(0, 255, "caf\xc3\xa9 {{topic}} \xe2\x9c\x93 \xff{{", topic => "\xf0\x9f\xa6\x89"),
    long_name  => input(0, 255, '{{' . ('a' x 64) . '}} {{' . ('b' x 65) . '}}', ('a' x 64) => 'x'),
    builtin    => input(1, 255, 'On {{date}} ({{datetime}}) {{user}} asks about {{project.name}}: '
                        . '{{project.description}}'),
);

fuzz(target => 'prompt', lib => [qw(chat/pl_prompt_render.c core/pl_text.c core/pl_jsonw.c)],
     packages => [qw(apr-1 apr-util-1)], max_len => 4096, seeds => \%seeds,
     dict => ['{{', '}}', '{{{{', ' ', "\t", '.', '_', '-', "\0"]);
