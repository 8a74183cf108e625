#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_plan.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from the fixture plans of the unit tests and
# a dictionary of the Markdown and the words the parser reads. Passes when
# the fuzzer finds no crash, leak, UB, time-out or contract violation.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

my $root = "$FindBin::Bin/../..";

# The Markdown and the words the parser looks for.
my @tokens = ("\n# ", "\n## ", "\n### ", "\n#### ", "\n- [ ] ", "\n- [x] ", "\n  - [X] ",
    "\n1. ", "\n> ", "\n---\n", "\ntitle: ", "\n| Task | Status |\n|---|---|\n| a | x |",
    "```", "**", "[x]", "[ ]", "[~]", "(#", "](#", "Depends on: ", "ID: ", "Status: ",
    "Priority: ", "Level: ", "Tasks", "Acceptance criteria", "Done when:", "Primary objectives",
    "Secondary objectives", "Nice to have", "Phase 1: ", "1.2 ", "AUTH-001", "P1", "(P2)",
    "Overview", "Notes", "\xE2\x9C\x85", "\xF0\x9F\x9F\xA1", "\xE2\x9A\xAA", "\xE2\x9D\x8C",
    "\xF0\x9F\x9A\xA7", "\xE2\xAC\x9C", "\xEF\xB8\x8F", "T\xC3\xA2ches",
    "Crit\xC3\xA8res d'acceptation", "Abh\xC3\xA4ngig von: ", "Aufgaben", "Tareas", "\r\n",
    # containers, claims, issue references, outlines, status tables
    "Phase 2 \xE2\x80\x94 ", "Milestone 3: ", "Epic: ", "EPIC-2: ", "Release 2.0", "Q3 2025",
    "v1.2 ", "Sprint 4", "\n## Now\n", "\n## Next\n", "\n## Later\n", "\n## Shipped\n",
    "Won't have", "User stories", "Story US-1: ", " \xE2\x80\x94 40%", "(60%)", "Progress: ",
    " \xE2\x80\x94 done", "*(done)*", "~~", " DONE", " WIP", " \xE2\x80\x94 erledigt",
    " \xE2\x80\x94 en cours", " \xE2\x80\x94 hecho", " \xE2\x80\x94 pendiente",
    " \xE2\x80\x94 in Arbeit", "#142 ", "(#7)", "GH-12 ", "acme/x#3", "\n1.2 ", "\n1.2.3 ",
    "\n| ID | Feature | Status | Progress |\n|---|---|---|---|\n| F-1 | a | done | 40% |",
    "\n| Task | Status |\n|---|---|\n| a | QA |", "P1 \xE2\x80\x94 ", "High", "Must have");
fuzz(target => 'plan', packages => [qw(apr-1 apr-util-1 jansson libcmark-gfm libutf8proc)],
     lib => [qw(plan/pl_plan.c plan/pl_plan_md.c plan/pl_plan_blocks.c plan/pl_plan_head.c
                plan/pl_plan_claim.c plan/pl_plan_words.c plan/pl_plan_table.c plan/pl_plan_json.c
                core/pl_jsonw.c core/pl_json.c)],
     max_len => 16384, seed_files => [glob("$root/t/unit/plans/*.md")], dict => \@tokens);
