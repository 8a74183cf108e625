#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_plan.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 20) from the fixture plans of the unit tests and
# a dictionary of the Markdown and the words the parser reads. Passes when
# the fuzzer finds no crash, leak, UB, time-out or contract violation.
use strict;
use warnings;
use FindBin;
use File::Spec;
use File::Copy qw(copy);
use File::Temp qw(tempdir);
use Test::More;

my $root = File::Spec->rel2abs("$FindBin::Bin/../..");
my $seconds = $ENV{PL_FUZZ_SECONDS} // 20;

sub have { my ($cmd) = @_; return system("command -v $cmd >/dev/null 2>&1") == 0 }

plan skip_all => 'clang not found (install clang and libclang-rt-14-dev to fuzz)'
    unless have('clang');
plan skip_all => 'pkg-config not found' unless have('pkg-config');
plan skip_all => "PL_FUZZ_SECONDS=$seconds: fuzzing disabled" unless $seconds =~ /^\d+$/ && $seconds > 0;

my $pkgs = 'apr-1 apr-util-1 jansson libcmark-gfm libutf8proc';
my $cflags = `pkg-config --cflags $pkgs 2>/dev/null`;
my $libs = `pkg-config --libs $pkgs 2>/dev/null`;
plan skip_all => "pkg-config does not know one of $pkgs" if $?;
chomp($cflags, $libs);

plan tests => 2;

my $tmp = tempdir('fuzz_plan.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $bin = "$tmp/fuzz_plan";
my @src = map { "$root/$_" } qw(t/fuzz/fuzz_plan.c lib/pl_plan.c lib/pl_plan_md.c
    lib/pl_plan_head.c lib/pl_plan_words.c lib/pl_jsonw.c lib/pl_json.c);

my $build = "clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined "
    . "-Wall -Wextra -Wno-unused-parameter -I'$root/lib' $cflags @src $libs -lpthread -o '$bin' 2>&1";
my $out = `$build`;
if (!ok($? == 0, 'fuzzer builds')) {
    diag($build);
    diag($out);
    BAIL_OUT('cannot build the fuzzer');
}

my $corpus = "$tmp/corpus";
mkdir $corpus or die "mkdir $corpus: $!";
for my $plan (glob("$root/t/unit/plans/*.md")) {
    my (undef, undef, $name) = File::Spec->splitpath($plan);
    copy($plan, "$corpus/$name") or die "$plan: $!";
}

# libFuzzer dictionary: one quoted token a line, bytes as \xNN.
my @tokens = ("\n# ", "\n## ", "\n### ", "\n#### ", "\n- [ ] ", "\n- [x] ", "\n  - [X] ",
    "\n1. ", "\n> ", "\n---\n", "\ntitle: ", "\n| Task | Status |\n|---|---|\n| a | x |",
    "```", "**", "[x]", "[ ]", "[~]", "(#", "](#", "Depends on: ", "ID: ", "Status: ",
    "Priority: ", "Level: ", "Tasks", "Acceptance criteria", "Done when:", "Primary objectives",
    "Secondary objectives", "Nice to have", "Phase 1: ", "1.2 ", "AUTH-001", "P1", "(P2)",
    "Overview", "Notes", "\xE2\x9C\x85", "\xF0\x9F\x9F\xA1", "\xE2\x9A\xAA", "\xE2\x9D\x8C",
    "\xF0\x9F\x9A\xA7", "\xE2\xAC\x9C", "\xEF\xB8\x8F", "T\xC3\xA2ches",
    "Crit\xC3\xA8res d'acceptation", "Abh\xC3\xA4ngig von: ", "Aufgaben", "Tareas", "\r\n");
open(my $dict, '>', "$tmp/plan.dict") or die "$tmp/plan.dict: $!";
for my $t (@tokens) {
    my $escaped = join('', map {
        my $o = ord($_);
        ($o < 0x20 || $o > 0x7e || $_ eq '"' || $_ eq '\\') ? sprintf('\\x%02X', $o) : $_
    } split(//, $t));
    print {$dict} "\"$escaped\"\n";
}
close($dict) or die "$tmp/plan.dict: $!";

my $run = "'$bin' -max_total_time=$seconds -rss_limit_mb=1024 -max_len=16384 -timeout=10 "
    . "-dict='$tmp/plan.dict' -artifact_prefix='$tmp/' -print_final_stats=1 '$corpus' 2>&1";
local $ENV{ASAN_OPTIONS} = join(':', 'detect_leaks=1', 'abort_on_error=0',
                                $ENV{ASAN_OPTIONS} // ());
local $ENV{UBSAN_OPTIONS} = 'print_stacktrace=1';
my @log = `$run`;
my $rc = $? >> 8;
if (!ok($? == 0, "fuzzer ran ${seconds}s without a finding")) {
    diag("exit status $rc: $run");
    diag(join('', @log > 60 ? @log[-60 .. -1] : @log));
}
