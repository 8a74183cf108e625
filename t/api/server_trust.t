#!/usr/bin/env perl
# What a model server is trusted with (issue 10, items 10, 11 and 14), with
# the Ollama stand-in recording the headers it gets:
#   - a server's API key follows its host: a PATCH that moves base_url to
#     another scheme, host or port drops the key unless it sets one; a move
#     of the path keeps it;
#   - GET /api/v1/models tells non-admins a server is unavailable without
#     curl's message (addresses, ports); admins keep the detail;
#   - a server given as an IPv6 literal (http://[::1]:port) is reached;
#   - IPv6 addresses that carry an IPv4 one (6to4, NAT64, Teredo) are judged
#     by the IPv4 address they lead to.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8 ::1\nPlanningLoginRateLimit 0";

sub last_auth {
    my ($fake, $path) = @_;
    my $log = fake_control($fake, 'GET', "log?path=$path") || [];
    return @$log ? ($log->[-1]{headers}{authorization} // '(none)') : '(no request)';
}

for my $backend (backends()) {
    subtest $backend => sub {
        my $home = start_fake(args => ['--api-key', 'home-secret']);
        my $collector = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);

        subtest 'the key follows the host' => sub {
            my $c = $srv->json('POST', '/api/v1/servers', { name => 'home', base_url => $home->{url},
                                                            api_key => 'home-secret' });
            status_is($c, 201, 'a server with a key');
            my $id = $c->{json}{id};
            status_is($srv->request('GET', "/api/v1/servers/$id/test"), 200, 'test');
            is(last_auth($home, '/api/version'), 'Bearer home-secret', 'the key went to its host');

            # the path moves, the host stays: the key stays
            my $p = $srv->json('PATCH', "/api/v1/servers/$id", { base_url => "$home->{url}/" });
            status_is($p, 200, 'a new path on the same host');
            ok($p->{json}{has_api_key}, 'the key is kept');

            # another port: the key is dropped, and never sent there
            $p = $srv->json('PATCH', "/api/v1/servers/$id", { base_url => $collector->{url} });
            status_is($p, 200, 'moved to another port');
            ok(!$p->{json}{has_api_key}, 'has_api_key is false') or diag_res($p);
            $srv->request('GET', "/api/v1/servers/$id/test");
            $srv->request('GET', "/api/v1/servers/$id/models");
            is(last_auth($collector, '/api/version'), '(none)', 'the collector got no key on test');
            is(last_auth($collector, '/api/tags'), '(none)', 'nor on models');
            my $all = fake_control($collector, 'GET', 'log') || [];
            ok(!(grep { ($_->{headers}{authorization} // '') =~ /home-secret/ } @$all),
               'the key reached the collector on no request');

            # back home with the key in the same request: kept
            $p = $srv->json('PATCH', "/api/v1/servers/$id", { base_url => $home->{url}, api_key => 'home-secret' });
            ok($p->{json}{has_api_key}, 'a move that sets the key keeps it');
            # another host name for the same address is another host
            (my $by_name = $home->{url}) =~ s/127\.0\.0\.1/localhost/;
            $p = $srv->json('PATCH', "/api/v1/servers/$id", { base_url => $by_name });
            ok(!$p->{json}{has_api_key}, 'a new host name drops the key');
            $p = $srv->json('PATCH', "/api/v1/servers/$id", { base_url => $home->{url}, api_key => 'home-secret' });
            (my $https = $home->{url}) =~ s/^http:/https:/;
            $p = $srv->json('PATCH', "/api/v1/servers/$id", { base_url => $https });
            ok(!$p->{json}{has_api_key}, 'a new scheme drops the key');
            status_is($srv->request('DELETE', "/api/v1/servers/$id"), 204, 'removed');
        };

        subtest 'viewers do not learn addresses' => sub {
            my $d = $srv->json('POST', '/api/v1/servers', { name => 'dead', base_url => 'http://127.0.0.9:1' });
            status_is($d, 201, 'a server nobody answers on');
            my $admin = $srv->request('GET', '/api/v1/models');
            my ($a) = grep { $_->{name} eq 'dead' } @{ $admin->{json}{unavailable} || [] };
            like($a->{error} // '', qr/127\.0\.0\.9|port 1\b/, "the admin gets curl's detail") or diag_res($admin);
            for my $role (qw(viewer developer)) {
                my (undef, $token) = $srv->add_user("a-$role", $role);
                my $r = $srv->request('GET', '/api/v1/models', { Authorization => "Bearer $token" });
                status_is($r, 200, "$role: models");
                my ($u) = grep { $_->{name} eq 'dead' } @{ $r->{json}{unavailable} || [] };
                ok($u && $u->{id}, "$role: the server is listed by id and name") or diag_res($r);
                like($u->{error} // '', qr/could not be reached/, "$role: a generic reason");
                unlike($r->{content}, qr/127\.0\.0\.9|port|connect/i, "$role: no address, port or curl text");
            }
            status_is($srv->request('DELETE', "/api/v1/servers/$d->{json}{id}"), 204, 'removed');
        };

        subtest 'an IPv6 literal is reached' => sub {
            my $six = start_fake(args => ['--host', '::1']);
            $six->{url} = "http://[::1]:$six->{port}";
            my $c = $srv->json('POST', '/api/v1/servers', { name => 'six', base_url => $six->{url} });
            status_is($c, 201, 'a server at [::1]');
            my $t = $srv->request('GET', "/api/v1/servers/$c->{json}{id}/test");
            ok($t->{json}{reachable}, 'reachable') or diag_res($t);
            is(scalar @{ fake_control($six, 'GET', 'log?path=/api/version') || [] }, 1, 'the stand-in on ::1 was asked');
            my $m = $srv->request('GET', '/api/v1/models');
            ok((grep { grep { $_->{name} eq 'six' } @{ $_->{servers} || [] } } @{ $m->{json}{items} || [] }),
               'its models are listed') or diag_res($m);
        };

        subtest 'embedded IPv4 is judged by what it carries' => sub {
            # loopback is allowed (127.0.0.0/8 ::1): the embedding forms are not
            for my $url ('http://[2002:7f00:1::1]:11434',          # 6to4 of 127.0.0.1
                         'http://[2002:a9fe:a9fe::1]/',             # 6to4 of 169.254.169.254
                         'http://[64:ff9b::a9fe:a9fe]/',            # NAT64 of 169.254.169.254
                         'http://[64:ff9b::10.0.0.1]/',             # NAT64 of 10.0.0.1
                         'http://[2001:0:5db8:d822::5601:5601]/',   # Teredo, client 169.254.169.254
                         'http://[2001:0:a00:1::a247:27dd]/') {     # Teredo, server 10.0.0.1
                my $r = $srv->json('POST', '/api/v1/servers', { name => "e$url", base_url => $url });
                error_is($r, 400, 'URL_NOT_ALLOWED', "$url => 400");
            }
        };
        $srv->stop;
    };
}

done_testing;
