#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_multipart.c with libFuzzer, ASan and UBSan and runs it
# for PL_FUZZ_SECONDS (default 15) from the multipart bodies of SECURITY.md
# 17 (boundaries split across reads, a missing final boundary, many parts,
# huge part headers, CRLF and LF). Passes when the fuzzer finds no crash,
# leak, UB or broken contract of pl_multipart (the way a body is cut into
# reads changes nothing).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

my $cd = 'Content-Disposition: form-data; name="f"; filename="a.txt"';
my @bodies = (
    "--xYz\r\n$cd\r\n\r\nhello\r\n--xYz--\r\n",
    "--xYz\n$cd\n\nhello\n--xYz--\n",
    "preamble\r\n--xYz\r\n$cd\r\nContent-Type: text/plain\r\n\r\nA\r\n--xY\r\n--xYz\r\n"
        . "Content-Disposition: form-data; name=\"g\"\r\n\r\nB\r\n--xYz--epilogue",
    "--xYz\r\n$cd\r\n\r\nno final boundary",
    join('', map { "--xYz\r\nContent-Disposition: form-data; name=\"p$_\"\r\n\r\nv\r\n" } 1 .. 12) . "--xYz--\r\n",
    "--xYz\r\n$cd\r\nX-Pad: " . ('p' x 300) . "\r\n\r\nx\r\n--xYz--\r\n",
    "--xYz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\0b\"\r\n\r\nx\r\n--xYz--\r\n",
    "--xYz\r\n\r\n\r\n--xYz--\r\n",
    "--xYz\r\n$cd\r\n\r\n\r\n--xYz--\r\n",
    "--xYz  \t\r\n$cd\r\n\r\n\r\r\n\r\n--xYz--",
);
my %seeds = map { sprintf('body%02d', $_) => chr(3 + $_) . $bodies[$_] } 0 .. $#bodies;

fuzz(target => 'multipart', lib => [qw(files/pl_multipart.c)],
     packages => [qw(apr-1 apr-util-1)], max_len => 2048, seeds => \%seeds,
     dict => ['--xYz', '--xYz--', "\r\n", "\n", "\r\n\r\n", 'Content-Disposition: form-data',
              '; name="', '; filename="', 'Content-Type: ', '"', ':']);
