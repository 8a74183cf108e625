#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_git_url.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from the git remote URLs of SECURITY.md 28
# (options, transport helpers, file://, local paths, tokens in URLs) and
# good ones. Passes when the fuzzer finds no crash, leak, UB or broken
# contract of pl_git_url_parse.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

my @urls = (
    'https://git.example.com/team/shop.git', 'ssh://git@127.0.0.1:2222/srv/repo.git',
    'git@github.com:team/shop.git', 'ssh://root@[::1]:22/x.git', '--upload-pack=touch /tmp/x',
    '-oProxyCommand=x', 'ext::sh -c touch% /tmp/x', 'file:///etc', '/srv/repo.git', '../r',
    'https://user:token@h/x', 'ssh://-oProxyCommand=x/y', 'git@host:-x', 'https://h:0/x',
    'ssh://git@h:65536/x', 'https://h/x?y#z', 'a/b@h:r', 'git@[::1]:x', 'https://[::1]:443/x',
);
my %seeds = map { sprintf('giturl%02d', $_) => $urls[$_] } 0 .. $#urls;

fuzz(target => 'git_url', lib => [qw(git/pl_git_url.c)], packages => [qw(apr-1 apr-util-1)],
     max_len => 256, seeds => \%seeds,
     dict => ['https://', 'ssh://', '://', '::', '[', ']', ':', '@', '/', '?', '#', '-', '.',
              '65535', '65536', 'git@', 'ext::', 'file://']);
