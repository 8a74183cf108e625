#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_confine.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from the file paths of SECURITY.md 13 and 15
# (traversal, absolute, encoded, backslashes, NUL, .git, symlinks out,
# chained and as a middle directory). Passes when the fuzzer finds no crash,
# leak, UB or broken contract of pl_project_path.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

my @paths = (
    'src/main.c', '', '.', 'src/new/file.txt', '../../etc/passwd', '/etc/passwd', '%2e%2e%2f',
    '%252e%252e%252f', '..\\..\\x', "src\0/../x", 'a' x 300, '.git/config', '.GIT/hooks/x',
    'cfg', 'gitdir/hooks/pre-commit', 'to-passwd', 'to-root/etc/passwd', 'link1/passwd',
    'src/mid/passwd', 'src/deep/up/main.c', 'sibling/secret', 'dangling', 'loop/x', 'src/main.c/x',
    'src/./deep//up/../x',
);
my %seeds = map { sprintf('path%02d', $_) => $paths[$_] } 0 .. $#paths;

fuzz(target => 'confine', lib => [qw(projects/pl_confine.c core/pl_path.c)],
     packages => [qw(apr-1 apr-util-1)], max_len => 512, seeds => \%seeds,
     dict => ['/', '..', '.', '.git', '.GIT', 'src', 'deep', 'up', 'mid', 'link1', 'to-root', 'cfg',
              'gitdir', 'sibling', 'dangling', 'loop', 'etc', 'passwd', "\\", "\0", '%2e']);
