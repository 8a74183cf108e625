#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_webhook.c with libFuzzer, ASan and UBSan and runs it
# for PL_FUZZ_SECONDS (default 15) from GitHub's, GitLab's and Gitea's
# proof forms (SECURITY.md 32). Passes when no random proof or body
# verifies without the secret, the true proof always does, and the
# verifier never reads past the body.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Digest::SHA qw(hmac_sha256_hex);
use PlanningFuzz qw(fuzz);

my $S = 'fuzz-secret-0123456789abcdef0123456789abcde';
my $push = '{"ref":"refs/heads/main","after":"0123"}';
my %seeds = (
    github_ok    => "\0sha256=" . hmac_sha256_hex($push, $S) . "\n$push",
    github_sha1  => "\0sha1=0123456789abcdef0123456789abcdef01234567\n$push",
    github_empty => "\0sha256=\n",
    gitlab_ok    => "\1$S\n$push",
    gitlab_short => "\1fuzz-secret\n{}",
    gitea_ok     => "\2" . hmac_sha256_hex('Hello, World!', $S) . "\nHello, World!",
    gitea_upper  => "\2" . uc(hmac_sha256_hex('', $S)) . "\n",
    nothing      => "\2",
);

fuzz(target => 'webhook', lib => [qw(hooks/pl_hook_verify.c core/pl_text.c)],
     packages => [qw(apr-1 apr-util-1 openssl)], max_len => 4096, seeds => \%seeds,
     dict => ['sha256=', 'sha1=', "\n", $S]);
