#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_url.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from the model server URLs of SECURITY.md 20
# (metadata addresses, mapped and numeric IPv4, other schemes, user info)
# and plain ones. Passes when the fuzzer finds no crash, leak, UB or broken
# contract of pl_url_parse.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);

my @urls = (
    'http://127.0.0.1:11434', 'https://models.example.com/v1/', 'HTTP://Host:8080/ollama/',
    'http://[::1]:11434/', 'http://[::ffff:169.254.169.254]/', 'http://169.254.169.254/latest/',
    'http://2130706433:11434', 'http://0x7f000001/', 'http://0177.0.0.1/', 'http://h:65535',
    'http://h:0/', 'http://h:/', 'file:///etc/passwd', 'gopher://127.0.0.1:70/_x',
    'http://user:pass@h/', 'http://evil@h/', 'http://h/?a=1', 'http://h/#f', 'http:///x',
    'http:h', 'https://h%2f@x/', 'http://[fe80::1%25eth0]:80/', 'http://h/a b', 'javascript:x',
);
my %seeds = map { sprintf('url%02d', $_) => $urls[$_] } 0 .. $#urls;

fuzz(target => 'url', lib => [qw(core/pl_url.c)], packages => [qw(apr-1 apr-util-1)],
     max_len => 256, seeds => \%seeds,
     dict => ['http://', 'https://', '://', '[', ']', ':', '@', '/', '?', '#', '%', '.', '::ffff:',
              '65535', '65536', '0x', '127.0.0.1', '169.254.169.254']);
