#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_plan_edit.c with libFuzzer, ASan and UBSan and runs it
# for PL_FUZZ_SECONDS (default 15) from the fixture plans of the unit tests,
# each behind an argument (a task, a title, a heading: "ARGUMENT\0PLAN").
# Passes when the fuzzer finds no crash, leak, UB, time-out or broken
# contract of the plan's edits.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

my $root = "$FindBin::Bin/../..";
my %seeds;
for my $f (glob("$root/t/unit/plans/*.md")) {
    open my $fh, '<:raw', $f or die "$f: $!";
    local $/;
    my $plan = <$fh>;
    (my $name = $f) =~ s{.*/}{};
    $seeds{"tick-$name"} = "Login form\0$plan";
    $seeds{"heading-$name"} = "## Overview\n- [ ] new\0$plan";
}
fuzz(target => 'plan_edit', packages => [qw(apr-1 apr-util-1 jansson libcmark-gfm libutf8proc)],
     lib => [qw(plan/pl_plan_edit.c plan/pl_plan.c plan/pl_plan_md.c plan/pl_plan_blocks.c
                plan/pl_plan_head.c plan/pl_plan_claim.c plan/pl_plan_words.c plan/pl_plan_table.c
                plan/pl_plan_json.c core/pl_jsonw.c core/pl_json.c)],
     max_len => 16384, seeds => \%seeds,
     dict => ["\0", "\n# ", "\n## ", "\n### ", "\n- [ ] ", "\n- [x] ", "\n1. ", "```\n", "~~~\n",
              "AUTH-001", "| a | b |", "\r\n", "#"]);
