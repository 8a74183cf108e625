#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_jwt.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 20) from a small seed corpus. Passes when the
# fuzzer finds no crash, leak, UB or contract violation.
use strict;
use warnings;
use FindBin;
use File::Spec;
use File::Temp qw(tempdir);
use MIME::Base64 qw(encode_base64url);
use Digest::SHA qw(hmac_sha256 hmac_sha512);
use Test::More;

my $root = File::Spec->rel2abs("$FindBin::Bin/../..");
my $seconds = $ENV{PL_FUZZ_SECONDS} // 20;

# Same key and clock as fuzz_jwt.c.
my $key = 'fuzz-key-0123456789abcdef0123456';
my $now = 1700000000;

sub have { my ($cmd) = @_; return system("command -v $cmd >/dev/null 2>&1") == 0 }

plan skip_all => 'clang not found (install clang and libclang-rt-14-dev to fuzz)'
    unless have('clang');
plan skip_all => 'pkg-config not found' unless have('pkg-config');
plan skip_all => "PL_FUZZ_SECONDS=$seconds: fuzzing disabled" unless $seconds =~ /^\d+$/ && $seconds > 0;

my $cflags = `pkg-config --cflags apr-1 apr-util-1 jansson openssl 2>/dev/null`;
my $libs = `pkg-config --libs apr-1 apr-util-1 jansson openssl 2>/dev/null`;
plan skip_all => 'pkg-config does not know apr-1, apr-util-1, jansson or openssl' if $?;
chomp($cflags, $libs);

plan tests => 2;

my $tmp = tempdir('fuzz_jwt.XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $bin = "$tmp/fuzz_jwt";
my @src = map { "$root/$_" } qw(t/fuzz/fuzz_jwt.c lib/pl_jwt.c lib/pl_json.c lib/pl_text.c lib/pl_log.c);

my $build = "clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined "
    . "-Wall -Wextra -Wno-unused-parameter -I'$root/lib' $cflags @src $libs -o '$bin' 2>&1";
my $out = `$build`;
if (!ok($? == 0, 'fuzzer builds')) {
    diag($build);
    diag($out);
    BAIL_OUT('cannot build the fuzzer');
}

sub b64j { return encode_base64url($_[0]) }

sub token {
    my ($hdr, $payload, $alg) = @_;
    my $input = b64j($hdr) . '.' . b64j($payload);
    return "$input." unless $alg;
    my $mac = $alg eq 'HS512' ? hmac_sha512($input, $key) : hmac_sha256($input, $key);
    return "$input." . b64j($mac);
}

my $hdr = '{"alg":"HS256","typ":"JWT"}';
my $claims = '"iss":"mod_planning","aud":"planning.example","typ":"access","sub":7,"ver":3,'
    . '"iat":' . ($now - 1000);
my $exp = $now + 900;
my %seeds = (
    valid      => token($hdr, "{$claims,\"exp\":$exp,\"jti\":\"0011aabb\"}", 'HS256'),
    nbf        => token($hdr, "{$claims,\"exp\":$exp,\"nbf\":$now}", 'HS256'),
    expired    => token($hdr, "{$claims,\"exp\":$now}", 'HS256'),
    exp_string => token($hdr, "{$claims,\"exp\":\"$exp\"}", 'HS256'),
    exp_real   => token($hdr, "{$claims,\"exp\":$exp.5}", 'HS256'),
    refresh    => token($hdr, '{"iss":"mod_planning","aud":"planning.example","typ":"refresh",'
                              . "\"sub\":7,\"ver\":3,\"exp\":$exp}", 'HS256'),
    none       => token('{"alg":"none"}', "{$claims,\"exp\":$exp}", undef),
    hs512      => token('{"alg":"HS512","typ":"JWT"}', "{$claims,\"exp\":$exp}", 'HS512'),
    hints      => token('{"alg":"HS256","kid":"x","jku":"https://e/j","jwk":{"k":"AA"}}',
                        "{$claims,\"exp\":$exp}", 'HS256'),
    # Unsigned: the target signs "header.payload" itself, and encodes and
    # signs "header JSON\npayload JSON", so mutations reach the claims.
    unsigned   => b64j($hdr) . '.' . b64j("{$claims,\"exp\":$exp}"),
    raw        => "$hdr\n{$claims,\"exp\":$exp,\"nbf\":$now,\"jti\":\"ab\"}",
    raw_hints  => "{\"alg\":\"HS256\",\"kid\":\"k\",\"crit\":[\"b64\"]}\n{$claims,\"exp\":$exp}",
    odd        => 'eyJhbGciOiJIUzI1NiJ9=.e30.+/+/',
    dots       => '...',
    spaces     => ' eyJhbGciOiJIUzI1NiJ9 . e30 . x ',
);

my $corpus = "$tmp/corpus";
mkdir $corpus or die "mkdir $corpus: $!";
for my $name (sort keys %seeds) {
    open(my $fh, '>', "$corpus/$name") or die "$corpus/$name: $!";
    print {$fh} $seeds{$name};
    close($fh) or die "$corpus/$name: $!";
}

my $run = "'$bin' -max_total_time=$seconds -rss_limit_mb=1024 -max_len=8192 "
    . "-artifact_prefix='$tmp/' -print_final_stats=1 '$corpus' 2>&1";
local $ENV{ASAN_OPTIONS} = join(':', 'detect_leaks=1', 'abort_on_error=0',
                                $ENV{ASAN_OPTIONS} // ());
local $ENV{UBSAN_OPTIONS} = 'print_stacktrace=1';
my @log = `$run`;
my $rc = $? >> 8;
if (!ok($? == 0, "fuzzer ran ${seconds}s without a finding")) {
    diag("exit status $rc: $run");
    diag(join('', @log > 60 ? @log[-60 .. -1] : @log));
}
