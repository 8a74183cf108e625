#!/usr/bin/env perl
# Routing, methods, media types, body limits (SECURITY 18) and hostile JSON
# (SECURITY 19).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(time sleep);
use IO::Socket::INET;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $J = JSON::PP->new->utf8->canonical;

sub allow_set { my $a = shift // ''; return { map { uc($_) => 1 } grep { length } split /\s*,\s*/, $a } }

sub total { my ($srv) = @_; my $r = $srv->json('GET', '/api/v1/projects?limit=200'); $r->{json}{total} }

sub names { my ($srv) = @_; [map { $_->{name} } @{ $srv->json('GET', '/api/v1/projects?limit=200')->{json}{items} || [] }] }

# A valid project body of exactly $size bytes (padded through description).
sub body_of_size {
    my ($size, $name, $dir) = @_;
    my $base = $J->encode({ name => $name, local_path => $dir, description => '' });
    my $pad = $size - length $base;
    die "size $size too small" if $pad < 0;
    my $b = $J->encode({ name => $name, local_path => $dir, description => 'x' x $pad });
    die 'size mismatch' unless length $b == $size;
    return $b;
}

for my $backend (backends()) {
    my $R = make_roots();

    subtest "$backend: routing and methods" => sub {
        my $srv = start_server(backend => $backend, roots => [$R->{root}]);
        my %ids;
        for my $p ('/api/v1/nope', '/api/v1/', '/api/v1/projectsx', '/api/v1/projects/1/nope',
                   '/api/v1/health/x', '/api/v1/projects//1') {
            my $r = $srv->request('GET', $p);
            error_is($r, 404, 'NOT_FOUND', "GET $p => 404");
            $ids{ $r->{json}{error}{request_id} // '' }++;
        }
        is(scalar(keys %ids), 6, 'request ids differ between requests');

        my @m405 = (['DELETE', '/api/v1/projects', [qw(GET POST)]],
                    ['PUT', '/api/v1/projects', [qw(GET POST)]],
                    ['POST', '/api/v1/health', ['GET']],
                    ['DELETE', '/api/v1/health', ['GET']],
                    ['POST', '/api/v1/projects/1', [qw(GET PUT PATCH DELETE)]]);
        for my $c (@m405) {
            my ($m, $p, $want) = @$c;
            my $r = $srv->json($m, $p, $m eq 'DELETE' ? undef : {});
            error_is($r, 405, 'METHOD_NOT_ALLOWED', "$m $p => 405");
            my $allow = allow_set($r->{headers}{allow});
            ok(!grep({ !$allow->{$_} } @$want), "Allow lists @$want") or diag_res($r);
            ok(!$allow->{$m}, "Allow does not list $m") or diag_res($r);
        }
        for my $c (['/api/v1/projects', [qw(GET POST)]], ['/api/v1/projects/1', [qw(GET PUT PATCH DELETE)]],
                   ['/api/v1/health', ['GET']]) {
            my ($p, $want) = @$c;
            my $r = $srv->request('OPTIONS', $p);
            status_is($r, 204, "OPTIONS $p => 204");
            my $allow = allow_set($r->{headers}{allow});
            ok(!grep({ !$allow->{$_} } @$want), "Allow lists @$want") or diag_res($r);
            is($r->{content} // '', '', 'no body');
        }
        my $h = $srv->request('HEAD', '/api/v1/projects');
        status_is($h, 200, 'HEAD /api/v1/projects => 200');
        is($h->{content} // '', '', 'HEAD has no body');
        ok(!allow_set($srv->request('OPTIONS', '/api/v1/health')->{headers}{allow})->{POST},
           'health does not allow POST');
        error_is($srv->request('OPTIONS', '/api/v1/nope'), 404, 'NOT_FOUND', 'OPTIONS unknown => 404');

        # Media types.
        my $dir = project_dir($R, "mt-$backend");
        my $good = $J->encode({ name => 'mt', local_path => $dir });
        for my $ct ('text/plain', 'application/x-www-form-urlencoded', 'text/json', 'application/jsonx',
                    'application/merge-patch+json', 'multipart/form-data; boundary=x') {
            error_is($srv->request('POST', '/api/v1/projects', { 'Content-Type' => $ct }, $good),
                     415, 'UNSUPPORTED_MEDIA_TYPE', "POST as $ct => 415");
        }
        error_is($srv->raw_request(method => 'POST', path => '/api/v1/projects', body => $good),
                 415, 'UNSUPPORTED_MEDIA_TYPE', 'POST without Content-Type => 415');
        is(total($srv), 0, 'no project created by 415s');
        error_is($srv->json('POST', '/api/v1/projects', ''), 400, 'INVALID_JSON', 'empty body => 400');
        error_is($srv->raw_request(method => 'POST', path => '/api/v1/projects',
                                   headers => ['Content-Type' => 'application/json']),
                 400, 'INVALID_JSON', 'no body at all => 400');
        my $r = $srv->request('POST', '/api/v1/projects', { 'Content-Type' => 'application/json; charset=utf-8' }, $good);
        status_is($r, 201, 'charset=utf-8 accepted');
        my $id = $r->{json}{id} // 0;
        for my $m (qw(PUT PATCH)) {
            error_is($srv->request($m, "/api/v1/projects/$id", { 'Content-Type' => 'text/plain' }, $good),
                     415, 'UNSUPPORTED_MEDIA_TYPE', "$m as text/plain => 415");
            error_is($srv->json($m, "/api/v1/projects/$id", ''), 400, 'INVALID_JSON', "$m empty body => 400");
        }
        $srv->stop;
    };

    subtest "$backend: SECURITY 18 body limit" => sub {
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningMaxBodySize 1024\nPlanningJSONMaxDepth 3");
        my $dir = project_dir($R, "lim-$backend");
        my @ct = ('Content-Type' => 'application/json');
        my $over = body_of_size(1025, 'over-cl', $dir);
        my $r = $srv->raw_request(method => 'POST', path => '/api/v1/projects', headers => [@ct], body => $over);
        error_is($r, 413, 'PAYLOAD_TOO_LARGE', 'Content-Length 1025 => 413');

        $over = body_of_size(1025, 'over-chunked', $dir);
        $r = $srv->raw_request(method => 'POST', path => '/api/v1/projects', headers => [@ct],
                               chunks => [substr($over, 0, 600), substr($over, 600)]);
        error_is($r, 413, 'PAYLOAD_TOO_LARGE', 'chunked 600+425 => 413');
        $r = $srv->raw_request(method => 'POST', path => '/api/v1/projects', headers => [@ct],
                               chunks => [map { substr($over, $_ * 100, 100) } 0 .. 10]);
        error_is($r, 413, 'PAYLOAD_TOO_LARGE', 'chunked in 100-byte chunks => 413');
        $r = $srv->raw_request(method => 'PUT', path => '/api/v1/projects/1', headers => [@ct], body => $over);
        error_is($r, 413, 'PAYLOAD_TOO_LARGE', 'PUT Content-Length 1025 => 413');
        # A chunked body is read only once the caller may act on the project:
        # a project that does not exist is 404 without reading anything.
        $r = $srv->raw_request(method => 'PATCH', path => '/api/v1/projects/999999', headers => [@ct],
                               chunks => [$over]);
        error_is($r, 404, 'NOT_FOUND', 'PATCH chunked 1025 to a missing project => 404 unread');
        my $pdir = project_dir($R, "patch-$backend");
        my $made = $srv->json('POST', '/api/v1/projects', { name => "patch-$backend", local_path => $pdir });
        status_is($made, 201, 'a project to PATCH');
        $r = $srv->raw_request(method => 'PATCH', path => "/api/v1/projects/$made->{json}{id}",
                               headers => [@ct], chunks => [$over]);
        error_is($r, 413, 'PAYLOAD_TOO_LARGE', 'PATCH chunked 1025 => 413');

        my $t0 = time;
        $r = $srv->raw_request(method => 'POST', path => '/api/v1/projects', headers => [@ct],
                               content_length => 10_000_000_000, timeout => 10);
        error_is($r, 413, 'PAYLOAD_TOO_LARGE', 'Content-Length 10 GB (not sent) => 413 before reading');
        ok(time - $t0 < 5, 'answered at once');
        is(total($srv), 1, 'no project row after the 413s (only the one made to PATCH)');

        $r = $srv->raw_request(method => 'POST', path => '/api/v1/projects', headers => [@ct],
                               body => body_of_size(1024, 'exact-cl', $dir));
        status_is($r, 201, 'Content-Length exactly 1024 => 201');
        # (a directory of its own: no two projects share one)
        my $b = body_of_size(1024, 'exact-chunked', project_dir($R, "lim2-$backend"));
        $r = $srv->raw_request(method => 'POST', path => '/api/v1/projects', headers => [@ct],
                               chunks => [substr($b, 0, 512), substr($b, 512)]);
        status_is($r, 201, 'chunked exactly 1024 => 201');

        # Client aborts mid-upload: nothing stored, server fine.
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $srv->port, Proto => 'tcp');
        my $partial = body_of_size(1000, 'aborted', $dir);
        print $s "POST /api/v1/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               . "Content-Length: 1000\r\n\r\n" . substr($partial, 0, 500);
        sleep 0.2;
        close $s;
        sleep 0.3;
        is_deeply([sort @{ names($srv) }], [qw(exact-chunked exact-cl), "patch-$backend"],
                  'only the two accepted bodies stored');

        # Depth limit 3.
        error_is($srv->json('POST', '/api/v1/projects', '{"name":{"a":{"b":{"c":{"d":1}}}},"local_path":"/"}'),
                 400, 'INVALID_JSON', 'depth 5 with PlanningJSONMaxDepth 3 => INVALID_JSON');
        error_is($srv->json('POST', '/api/v1/projects', '{"name":{"a":1},"local_path":"/"}'),
                 400, 'VALIDATION_ERROR', 'depth 2 parses, then wrong type => VALIDATION_ERROR');
        status_is($srv->request('GET', '/api/v1/health'), 200, 'server still healthy');
        $srv->stop;
    };

    subtest "$backend: SECURITY 19 hostile JSON" => sub {
        my $srv = start_server(backend => $backend, roots => [$R->{root}]);
        my $dir = project_dir($R, "js-$backend");
        my $lp = $J->encode([$dir]);
        $lp =~ s/^\[|\]$//g;    # the JSON string for local_path
        my @invalid = (
            ['truncated',              qq({"name":"t","local_path":$lp)],
            ['truncated in string',    qq({"name":"t)],
            ['nested objects 10000',   '{"a":' x 10000 . '1' . '}' x 10000],
            ['nested arrays 10000',    '{"name":' . '[' x 10000 . ']' x 10000 . '}'],
            ['unclosed arrays 500000', '{"name":' . '[' x 500_000],
            ['nested 40 in a field',   qq({"name":"t","local_path":$lp,"description":) . '[' x 40 . ']' x 40 . '}'],
            ['invalid UTF-8 \xff',     qq({"name":"a\xff\xfeb","local_path":$lp})],
            ['overlong UTF-8',         qq({"name":"a\xc0\xafb","local_path":$lp})],
            ['UTF-8 surrogate',        qq({"name":"a\xed\xa0\x80b","local_path":$lp})],
            ['truncated UTF-8',        qq({"name":"a\xe6\x97","local_path":$lp})],
            ['invalid UTF-8 in key',   qq({"na\xffme":"a","local_path":$lp})],
            ['duplicate keys',         qq({"name":"a","name":"b","local_path":$lp})],
            ['duplicate local_path',   qq({"name":"dl","local_path":$lp,"local_path":$lp})],
            ['1e99999',                qq({"name":"t","local_path":$lp,"description":1e99999})],
            ['-1e99999',               qq({"name":"t","local_path":$lp,"description":-1e99999})],
            ['top-level array',        qq([{"name":"t","local_path":$lp}])],
            ['top-level string',       '"x"'],
            ['top-level number',       '42'],
            ['top-level null',         'null'],
            ['trailing garbage',       qq({"name":"t","local_path":$lp} xyz)],
            ['two objects',            qq({"name":"t","local_path":$lp}{})],
            ['raw NUL in string',      qq({"name":"a\x00b","local_path":$lp})],
            ['raw newline in string',  qq({"name":"a\nb","local_path":$lp})],
            ['single quotes',          qq({'name':'t'})],
            ['trailing comma',         qq({"name":"t","local_path":$lp,})],
            ['comment',                qq({"name":"t",/* c */"local_path":$lp})],
            ['NaN',                    qq({"name":"t","local_path":$lp,"description":NaN})],
            ['bad escape',             qq({"name":"a\\qb","local_path":$lp})],
            ['whitespace only',        "  \r\n "],
        );
        for my $c (@invalid) {
            my $t0 = time;
            my $r = $srv->json('POST', '/api/v1/projects', $c->[1]);
            error_is($r, 400, 'INVALID_JSON', "$c->[0] => 400 INVALID_JSON");
            ok(time - $t0 < 5, "$c->[0]: answered within 5 s");
        }
        for my $c (['\u0000 in a string', qq({"name":"a\\u0000b","local_path":$lp})],
                   ['lone surrogate escape', qq({"name":"a\\ud800b","local_path":$lp})]) {
            my $r = $srv->json('POST', '/api/v1/projects', $c->[1]);
            error_is($r, 400, undef, "$c->[0] => 400");
            like($r->{json}{error}{code} // '', qr/^(?:INVALID_JSON|VALIDATION_ERROR)$/, 'code') or diag_res($r);
        }
        for my $c (['name number', qq({"name":1,"local_path":$lp})],
                   ['name huge number', qq({"name":1e308,"local_path":$lp})],
                   ['local_path bool', qq({"name":"t","local_path":true})],
                   ['description object', qq({"name":"t","local_path":$lp,"description":{}})]) {
            error_is($srv->json('POST', '/api/v1/projects', $c->[1]), 400, 'VALIDATION_ERROR', "$c->[0] => 400");
        }
        # Same for PUT and PATCH on an existing project.
        my $c = $srv->json('POST', '/api/v1/projects', { name => 'target', local_path => $dir });
        status_is($c, 201, 'a valid POST works between the bad ones');
        my $id = $c->{json}{id} // 0;
        for my $m (qw(PUT PATCH)) {
            for my $bad (@invalid[0, 2, 6, 11, 13, 15, 19]) {
                error_is($srv->json($m, "/api/v1/projects/$id", $bad->[1]), 400, 'INVALID_JSON', "$m $bad->[0] => 400");
            }
        }
        my $g = $srv->json('GET', "/api/v1/projects/$id");
        is_deeply($g->{json}, $c->{json}, 'project unchanged by the bad PUT/PATCH bodies') or diag_res($g);
        is(total($srv), 1, 'only the valid project exists');
        status_is($srv->request('GET', '/api/v1/health'), 200, 'server still healthy');
        $srv->stop;
    };
}

done_testing;
