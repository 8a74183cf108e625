#!/usr/bin/env perl
# Model servers against the Ollama stand-in: CRUD (the API key is sent
# upstream and never returned), test, models, ps, model delete, the merged
# /models, upstream failures, SECURITY.md item 20 through the API; which
# server a chat goes to (priority, a failing one skipped for a while, then
# the least busy), and OpenAI-kind servers.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(sleep);
use PlanningTest qw(:all);

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningStreamGrace 0";

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

    subtest "$backend: which server answers a chat" => sub {
        my $fa = start_fake();
        my $fb = start_fake();
        my $srv = start_server(backend => $backend, extra => "$EXTRA\nPlanningModelServerRetry 2");
        my $sa = $srv->json('POST', '/api/v1/servers', { name => 'a', base_url => $fa->{url}, priority => 900 })->{json};
        my $sb = $srv->json('POST', '/api/v1/servers', { name => 'b', base_url => $fb->{url}, priority => 100 })->{json};
        my $tid = $srv->json('POST', '/api/v1/threads', { title => 'named', model => 'llama3.2:latest' })->{json}{id};
        my $chats = sub { scalar @{ fake_control($_[0], 'GET', 'log?path=/api/chat') || [] } };
        my $chat = sub {
            my $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => $_[0], stream => JSON::PP::false });
            status_is($r, 201, "chat '$_[0]' answered");
            return $r;
        };

        $chat->('first');
        is($chats->($fa), 1, 'the higher priority is asked first');
        is($chats->($fb), 0, 'the other is not');

        # a answers 500 once: b takes over, and a is left alone for a while
        fake_control($fa, 'POST', 'config', { fail_before_stream => { status => 500, error => 'boom', times => 1 } });
        $chat->('second');
        is($chats->($fa), 2, 'a was asked and failed');
        is($chats->($fb), 1, 'b answered instead (failover before the first token)');
        $chat->('third');
        is($chats->($fa), 2, 'a failed lately: skipped');
        is($chats->($fb), 2, 'b answered');
        sleep 2.5;   # PlanningModelServerRetry 2
        $chat->('fourth');
        is($chats->($fa), 3, 'after the retry time a is asked again');
        is($chats->($fb), 2, 'and answers');

        # Equal priorities: the one with fewer replies streaming.
        status_is($srv->json('PATCH', "/api/v1/servers/$sa->{id}", { priority => 100 }), 200, 'a and b equal');
        fake_control($fa, 'POST', 'config', { endless => JSON::PP::true, token_delay_ms => 50 });
        my ($st, $held, $sock) = $srv->sse('POST', "/api/v1/threads/$tid/messages", { content => 'hold on' },
                                          leave_after => 3, keep => 1);
        is_deeply([ map { $_->{event} } @$held ], [qw(start token token)], 'a stream is held open');
        fake_control($fa, 'POST', 'config', { endless => JSON::PP::false, token_delay_ms => 0 });
        is($chats->($fa), 4, 'on a (the lower id of equals)');
        my $t2 = $srv->json('POST', '/api/v1/threads', { title => 'named', model => 'llama3.2:latest' })->{json}{id};
        my $r = $srv->json('POST', "/api/v1/threads/$t2/messages", { content => 'meanwhile', stream => JSON::PP::false });
        status_is($r, 201, 'a second chat meanwhile');
        is($chats->($fb), 3, 'goes to b, which streams nothing');
        is($chats->($fa), 4, 'not to the busy a');
        close $sock;
        my $aborted;
        for (1 .. 50) {
            my $l = fake_control($fa, 'GET', 'log?path=/api/chat') || [];
            last if ($aborted = $l->[-1] && $l->[-1]{aborted});
            sleep 0.1;
        }
        ok($aborted, 'the held stream ended when its client left');
        sleep 0.3;
        $r = $srv->json('POST', "/api/v1/threads/$t2/messages", { content => 'and now', stream => JSON::PP::false });
        status_is($r, 201, 'another chat');
        is($chats->($fa), 5, 'a streams nothing any more: it is first again');
        $srv->stop;
    };

    subtest "$backend: OpenAI-kind server" => sub {
        my $fake = start_fake(args => ['--api-key', 'sk-test-1']);
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my $s = $srv->json('POST', '/api/v1/servers', { name => 'oa', base_url => $fake->{url}, kind => 'openai',
                                                       api_key => 'sk-test-1' });
        status_is($s, 201, 'an OpenAI-kind server');
        my $sid = $s->{json}{id};
        my $t = $srv->request('GET', "/api/v1/servers/$sid/test");
        ok($t->{json}{reachable}, 'test: reachable through /v1/models') or diag_res($t);
        my $m = $srv->request('GET', "/api/v1/servers/$sid/models");
        ok((grep { $_->{name} eq 'llama3.2:latest' } @{ $m->{json}{items} || [] }), 'models from /v1/models');
        error_is($srv->request('GET', "/api/v1/servers/$sid/ps"), 400, 'NOT_SUPPORTED', 'no ps for this kind');

        my $tid = $srv->json('POST', '/api/v1/threads', { title => 'named', model => 'llama3.2:latest', system_prompt => 'Be brief.',
                                                         options => { temperature => 0.5, num_predict => 50, top_k => 3 } })->{json}{id};
        my ($st, $ev) = $srv->sse('POST', "/api/v1/threads/$tid/messages", { content => 'hi there' });
        is($st, 200, 'a streamed chat');
        is_deeply([ map { $_->{event} } @$ev ], [qw(start token token token token done)],
                  'start, a token per word, done') or diag explain $ev;
        is(join('', map { $_->{data}{text} } grep { $_->{event} eq 'token' } @$ev), 'Echo: hi there [end]',
           'the tokens make the reply');
        my $done = $ev->[-1]{data} || {};
        is($done->{state}, 'complete', 'complete');
        cmp_ok($done->{completion_tokens} // 0, '>', 0, 'completion tokens from the usage chunk');
        cmp_ok($done->{prompt_tokens} // 0, '>', 0, 'prompt tokens too');
        my $log = fake_control($fake, 'GET', 'log?path=/v1/chat/completions') || [];
        my $up = ($log->[-1] || {})->{body} || {};
        ok($up->{stream} && $up->{stream_options}{include_usage}, 'stream with include_usage');
        is($up->{max_tokens}, 50, 'num_predict went as max_tokens');
        is($up->{temperature}, 0.5, 'temperature');
        ok(!exists $up->{top_k} && !exists $up->{options}, 'no Ollama-only options');
        is($up->{messages}[0]{role}, 'system', 'the system prompt first');
        is(($log->[-1] || {})->{headers}{authorization}, 'Bearer sk-test-1', 'the key as Bearer');
        is(scalar @{ fake_control($fake, 'GET', 'log?path=/api/chat') || [] }, 0, 'nothing through /api/chat');

        my $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'once more', stream => JSON::PP::false });
        status_is($r, 201, 'a reply as JSON');
        is($r->{json}{message}{content}, 'Echo: once more [end]', 'the reply');

        # base_url written as the OpenAI SDKs take it, with its /v1: not said twice
        my $v1 = $srv->json('POST', '/api/v1/servers', { name => 'oa-v1', base_url => "$fake->{url}/v1/", kind => 'openai',
                                                        api_key => 'sk-test-1', priority => 10 });
        status_is($v1, 201, 'an OpenAI-kind server whose base_url ends in /v1');
        my $vid = $v1->{json}{id};
        my $since = (fake_control($fake, 'GET', 'log') || [])->[-1]{id} // 0;
        ok($srv->request('GET', "/api/v1/servers/$vid/test")->{json}{reachable}, '... test: reachable');
        ok((grep { $_->{name} eq 'llama3.2:latest' } @{ $srv->request('GET', "/api/v1/servers/$vid/models")->{json}{items} || [] }),
           '... its models');
        $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'through v1', stream => JSON::PP::false });
        is($r->{json}{message}{content}, 'Echo: through v1 [end]', '... a chat (it is first now)');
        my @paths = map { $_->{path} } @{ fake_control($fake, 'GET', "log?since=$since") || [] };
        ok(@paths >= 3 && !(grep { m{^/v1/v1/} || !m{^/v1/} } @paths), '... every call to /v1/..., none to /v1/v1/...')
            or diag explain \@paths;
        is(scalar(grep { $_ eq '/v1/chat/completions' } @paths), 1, '... the chat went to it');
        status_is($srv->request('DELETE', "/api/v1/servers/$vid"), 204, 'removed again');

        my $think = $srv->json('POST', '/api/v1/threads', { title => 'named', model => 'qwen3:0.6b' })->{json}{id};
        ($st, $ev) = $srv->sse('POST', "/api/v1/threads/$think/messages", { content => 'why' });
        ok((grep { $_->{event} eq 'thinking' } @$ev), 'reasoning comes as thinking events') or diag explain $ev;

        $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'x', model => 'nosuch:1b',
                                                                 stream => JSON::PP::false });
        status_is($r, 404, 'an unknown model => 404');
        is($r->{json}{error}{code}, 'MODEL_NOT_FOUND', 'MODEL_NOT_FOUND');
        fake_control($fake, 'POST', 'config', { fail_after_tokens => 2 });
        ($st, $ev) = $srv->sse('POST', "/api/v1/threads/$tid/messages", { content => 'a b c d' });
        is($ev->[-1]{event}, 'error', 'an error in the stream ends in an error event');
        is($ev->[-1]{data}{code}, 'UPSTREAM_ERROR', 'UPSTREAM_ERROR');
        fake_control($fake, 'POST', 'config', { fail_after_tokens => undef, busy => JSON::PP::true });
        $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'x', stream => JSON::PP::false });
        status_is($r, 503, 'busy => 503');
        is($r->{json}{error}{code}, 'BUSY', 'BUSY');
        $srv->stop;
    };
}

done_testing;
