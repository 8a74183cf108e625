#!/usr/bin/env perl
# Model servers against the Ollama stand-in: CRUD (the API key is sent
# upstream and never returned), test, models, ps, model delete, the merged
# /models, upstream failures, and SECURITY.md item 20 through the API.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8";

for my $backend (backends()) {
    subtest "$backend: servers and models" => sub {
        my $one = start_fake(args => ['--api-key', 'upstream-secret-1', '--version', '0.9.1']);
        my $two = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);

        my $c = $srv->json('POST', '/api/v1/servers', { name => 'one', base_url => $one->{url},
                                                        api_key => 'upstream-secret-1', priority => 200 });
        status_is($c, 201, 'create a server with an API key');
        my $s1 = $c->{json} || {};
        ok(!exists $s1->{api_key}, 'the key is not returned') or diag_res($c);
        ok(JSON::PP::is_bool($s1->{has_api_key}) && $s1->{has_api_key}, 'has_api_key is true');
        unlike($c->{content}, qr/upstream-secret-1/, 'the key appears nowhere in the reply');
        like($c->{headers}{location} // '', qr{/api/v1/servers/\d+$}, 'Location');
        is($s1->{kind}, 'ollama', 'kind defaults to ollama');
        my $s2 = ($srv->json('POST', '/api/v1/servers', { name => 'two', base_url => "$two->{url}/" }))->{json};
        ok($s2 && $s2->{id}, 'a second server');
        error_is($srv->json('POST', '/api/v1/servers', { name => 'one', base_url => $two->{url} }),
                 409, 'CONFLICT', 'a taken name => 409');

        my $t = $srv->request('GET', "/api/v1/servers/$s1->{id}/test");
        status_is($t, 200, 'test');
        ok($t->{json}{reachable}, 'reachable') or diag_res($t);
        is($t->{json}{version}, '0.9.1', 'the version the server reports');
        cmp_ok($t->{json}{latency_ms} // -1, '>=', 0, 'a latency');
        my $log = fake_control($one, 'GET', 'log?path=/api/version');
        is(($log->[-1] || {})->{headers}{authorization}, 'Bearer upstream-secret-1',
           'the API key went upstream as Bearer');

        my $m = $srv->request('GET', "/api/v1/servers/$s1->{id}/models");
        status_is($m, 200, 'models');
        my %by = map { $_->{name} => $_ } @{ $m->{json}{items} || [] };
        ok($by{'llama3.2:latest'}, 'llama3.2 listed') or diag_res($m);
        is($by{'llama3.2:latest'}{family}, 'llama', 'family');
        like($by{'llama3.2:latest'}{quantization} // '', qr/^Q/, 'quantization');
        ok(grep({ $_ eq 'tools' } @{ $by{'llama3.2:latest'}{capabilities} || [] }), 'capabilities');

        status_is($srv->request('GET', "/api/v1/servers/$s1->{id}/ps"), 200, 'ps');

        my $merged = $srv->request('GET', '/api/v1/models');
        status_is($merged, 200, 'merged models');
        my ($ll) = grep { $_->{name} eq 'llama3.2:latest' } @{ $merged->{json}{items} || [] };
        is_deeply([ map { $_->{name} } @{ $ll->{servers} || [] } ], ['one', 'two'],
                  'the model lists both servers, best priority first') or diag_res($merged);
        is_deeply($merged->{json}{unavailable}, [], 'none unavailable');

        status_is($srv->request('DELETE', "/api/v1/servers/$s2->{id}/models/llama3.2:latest"), 204,
                  'delete a model on two');
        error_is($srv->request('DELETE', "/api/v1/servers/$s2->{id}/models/llama3.2:latest"), 404,
                 'MODEL_NOT_FOUND', 'deleting it again => 404');
        $merged = $srv->request('GET', '/api/v1/models');
        ($ll) = grep { $_->{name} eq 'llama3.2:latest' } @{ $merged->{json}{items} || [] };
        is_deeply([ map { $_->{name} } @{ $ll->{servers} || [] } ], ['one'], 'now only on one');

        # Failures upstream are answers, not 5xx of ours.
        my $p = $srv->json('PATCH', "/api/v1/servers/$s1->{id}", { api_key => 'wrong' });
        status_is($p, 200, 'change the key');
        error_is($srv->request('GET', "/api/v1/servers/$s1->{id}/models"), 502, 'UPSTREAM_ERROR',
                 'a refused key => 502');
        my $tt = $srv->request('GET', "/api/v1/servers/$s1->{id}/test");
        ok(!$tt->{json}{reachable} && $tt->{json}{error}, 'test reports the failure') or diag_res($tt);

        my $dead = PlanningTest::free_port();
        my $d = $srv->json('POST', '/api/v1/servers', { name => 'dead', base_url => "http://127.0.0.1:$dead" });
        status_is($d, 201, 'a server where nothing listens');
        error_is($srv->request('GET', "/api/v1/servers/$d->{json}{id}/models"), 502, 'UPSTREAM_UNREACHABLE',
                 'unreachable => 502');
        $merged = $srv->request('GET', '/api/v1/models');
        status_is($merged, 200, 'the merged list still answers');
        ok((grep { $_->{name} eq 'dead' } @{ $merged->{json}{unavailable} || [] }), 'dead is unavailable');
        $srv->expect_log(qr/PLN00501/);

        status_is($srv->json('PATCH', "/api/v1/servers/$d->{json}{id}", { enabled => JSON::PP::false }),
                  200, 'disable it');
        $merged = $srv->request('GET', '/api/v1/models');
        ok(!(grep { $_->{name} eq 'dead' } @{ $merged->{json}{unavailable} || [] }), 'a disabled server is not asked');

        my $l = $srv->request('GET', '/api/v1/servers');
        is($l->{json}{total}, 3, 'three servers');
        unlike($l->{content}, qr/upstream-secret|wrong/, 'no key in the list');
        status_is($srv->request('DELETE', "/api/v1/servers/$d->{json}{id}"), 204, 'delete a server');
        error_is($srv->request('GET', "/api/v1/servers/$d->{json}{id}"), 404, 'NOT_FOUND', 'gone');

        # Validation.
        for my $bad ([{ base_url => $one->{url} }, 'name'], [{ name => 'x' }, 'base_url'],
                     [{ name => 'x', base_url => $one->{url}, kind => 'llama' }, 'kind'],
                     [{ name => 'x', base_url => $one->{url}, priority => 5000 }, 'priority'],
                     [{ name => 'x', base_url => $one->{url}, enabled => 'yes' }, 'enabled'],
                     [{ name => 'x', base_url => $one->{url}, api_key => 7 }, 'api_key'],
                     [{ name => 'x', base_url => $one->{url}, extra => 1 }, 'extra']) {
            my $r = $srv->json('POST', '/api/v1/servers', $bad->[0]);
            error_is($r, 400, 'VALIDATION_ERROR', "missing or bad $bad->[1] => 400");
        }
        $srv->stop;
    };

    subtest "$backend: SECURITY 20 outbound URLs" => sub {
        my $srv = start_server(backend => $backend);   # no PlanningModelServerAllow
        for my $url ('http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:11434',
                     'http://localhost:11434', 'http://[::ffff:127.0.0.1]:11434', 'http://2130706433:11434',
                     'http://0x7f000001:11434', 'http://10.1.2.3/', 'http://[::1]/', 'http://[fe80::1]/') {
            error_is($srv->json('POST', '/api/v1/servers', { name => 'x', base_url => $url }), 400,
                     'URL_NOT_ALLOWED', "$url refused");
        }
        for my $url ('file:///etc/passwd', 'gopher://127.0.0.1:70/', 'http://user:pw@example.com/',
                     'http://a@169.254.169.254/', 'ftp://example.com/') {
            error_is($srv->json('POST', '/api/v1/servers', { name => 'x', base_url => $url }), 400,
                     'VALIDATION_ERROR', "$url refused");
        }
        is($srv->request('GET', '/api/v1/servers')->{json}{total}, 0, 'nothing stored');
        $srv->stop;
    };
}

done_testing;
