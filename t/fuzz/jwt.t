#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Builds t/fuzz/fuzz_jwt.c with libFuzzer, ASan and UBSan and runs it for
# PL_FUZZ_SECONDS (default 15) from a small seed corpus. Passes when the
# fuzzer finds no crash, leak, UB or contract violation.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use PlanningFuzz qw(fuzz);
use MIME::Base64 qw(encode_base64url);
use Digest::SHA qw(hmac_sha256 hmac_sha512);

# Same key and clock as fuzz_jwt.c.
my $key = 'fuzz-key-0123456789abcdef0123456';
my $now = 1700000000;

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

fuzz(target => 'jwt', lib => [qw(auth/pl_jwt.c core/pl_json.c core/pl_jsonw.c core/pl_text.c core/pl_log.c)],
     packages => [qw(apr-1 apr-util-1 jansson openssl)], max_len => 8192, seeds => \%seeds);
