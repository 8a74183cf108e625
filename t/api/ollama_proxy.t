#!/usr/bin/env perl
# The Ollama-compatible proxy (/ollama/api/...) driven by the real Ollama
# client library (npm "ollama", t/ollama-client) against two Ollama
# stand-ins and a server that is down: merged model lists, show, chat and
# generate streamed line by line and not, embed, version; API keys and
# session tokens (401 without, 403 for a read-only key on a model run);
# Ollama's error shape and statuses; failover before the first byte; a
# client that leaves stopping the model; the stream cap (503).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep);
use HTTP::Tiny;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $J = JSON::PP->new->utf8->canonical;
my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\nPlanningMaxStreamsPerUser 1";
my ($T, $F) = (JSON::PP::true, JSON::PP::false);

# One call through ollama-js (see client.mjs): {result}, {parts, error?} or {error}.
my $ollama = node_client('t/ollama-client', 'ollama');
sub ollama { $ollama->(@_) }
sub calls { fake_calls(@_) }
sub last_call { fake_last_call(@_) }

# What a relayed part must share with the stand-in's own: all but times.
sub steady {
    my ($part) = @_;
    my %p = %$part;
    delete @p{qw(created_at total_duration load_duration prompt_eval_duration eval_duration)};
    if (ref $p{message} eq 'HASH' && $p{message}{tool_calls}) {
        $p{message} = { %{ $p{message} } };
        $p{message}{tool_calls} = [ map { my %c = %$_; delete $c{id}; \%c } @{ $p{message}{tool_calls} } ];
    }
    return $J->encode(\%p);
}

sub chat_req {
    my ($model, $text, %o) = @_;
    return { model => $model, messages => [ { role => 'user', content => $text } ], stream => $F, %o };
}

for my $backend (backends()) {
    subtest "$backend: the Ollama proxy" => sub {
        my $A = start_fake(args => ['--token-delay-ms', '40']);
        my $B = start_fake(args => ['--version', '0.11.4']);
        my $C = start_fake();
        fake_control($B, 'POST', 'models', { models => [ { name => 'onlyb:latest', family => 'llama',
                                                           capabilities => ['completion'] } ] });
        fake_control($C, 'POST', 'models', { models => [ { name => 'onlyc:latest', capabilities => ['completion'] } ] });
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my $dead = PlanningTest::free_port();
        for my $s ([ 'down', "http://127.0.0.1:$dead", 1000 ], [ 'a', $A->{url}, 900 ], [ 'b', $B->{url}, 100 ]) {
            status_is($srv->json('POST', '/api/v1/servers', { name => $s->[0], base_url => $s->[1], priority => $s->[2] }),
                      201, "server $s->[0]");
        }
        status_is($srv->json('POST', '/api/v1/servers', { name => 'off', base_url => $C->{url}, enabled => $F }),
                  201, 'a disabled server');
        my (undef, $dev) = $srv->add_user('dev', 'developer');
        my $key = sub { $srv->api_key($dev, @_) };
        my $rw = $key->('rw', ['write']);
        my $ro = $key->('ro', ['read']);
        my $host = $srv->base . '/ollama';
        my $as = sub { my ($k, %a) = @_; ollama(host => $host, key => $k, %a) };
        my $call = sub { $as->($rw, @_) };

        # tags: each model once, enabled servers only, the servers' own entries
        my $l = $call->(method => 'list');
        my @names = map { $_->{name} } @{ ($l->{result} || {})->{models} || [] };
        is_deeply([ sort @names ], [ sort 'llama3.2:latest', 'qwen3:0.6b', 'nomic-embed-text:latest', 'onlyb:latest' ],
                  'list: the models of the enabled servers, each once (the server that is down is skipped)')
            or diag explain $l;
        my ($llama) = grep { $_->{name} eq 'llama3.2:latest' } @{ $l->{result}{models} || [] };
        is(($llama->{details} || {})->{quantization_level}, 'Q4_K_M', 'list entries are as the server wrote them');
        is(calls($C, '/api/tags'), 0, 'the disabled server was not asked');

        is_deeply($call->(method => 'version'), { result => { version => '0.11.4' } },
                  'version: the oldest of the servers, in Ollama\'s shape');

        # show: from the first server that has the model
        my $sh = $call->(method => 'show', request => { model => 'llama3.2' });
        ok((grep { $_ eq 'completion' } @{ ($sh->{result} || {})->{capabilities} || [] }), 'show: capabilities')
            or diag explain $sh;
        $sh = $call->(method => 'show', request => { model => 'onlyb:latest' });
        is(($sh->{result}{details} || {})->{family}, 'llama', 'show: a model only the second server has');
        is(last_call($A, '/api/show')->{status}, 404, '... the first said not found, and the next was asked');

        # chat and generate, not streamed: the reply as the server sent it
        my $req = chat_req('llama3.2', 'hello there', options => { temperature => 0.2, num_ctx => 2048 });
        my $c = $call->(method => 'chat', request => $req);
        is(($c->{result}{message} || {})->{content}, 'Echo: hello there [end]', 'chat, stream:false') or diag explain $c;
        ok(is_true($c->{result}{done}) && $c->{result}{eval_count} > 0, '... done, with counts');
        my $sent = last_call($A, '/api/chat');
        is_deeply($sent->{body}, $req, 'the request went upstream as sent (to the preferred server)');
        my $g = $call->(method => 'generate', request => { model => 'llama3.2', prompt => 'one two', stream => $F });
        is($g->{result}{response}, 'Echo: one two [end]', 'generate, stream:false') or diag explain $g;

        # streamed: one part per line, as the model writes them
        my $s = $call->(method => 'chat', request => { %{ chat_req('llama3.2', 'one two three') }, stream => $T });
        my @parts = @{ $s->{parts} || [] };
        is(join('', map { $_->{part}{message}{content} } @parts), 'Echo: one two three [end]', 'chat streamed')
            or diag explain $s;
        is(scalar @parts, 6, '... a part per token and the final one');
        ok(is_true($parts[-1]{part}{done}) && $parts[-1]{part}{eval_count} == 5, '... the last is done, with counts');
        cmp_ok($parts[-2]{at} - $parts[0]{at}, '>=', 100, '... arriving as generated (40 ms a token), not at once');
        ok(!$s->{error}, '... without an error');
        $s = $call->(method => 'generate', request => { model => 'llama3.2', prompt => 'a b', stream => $T });
        is(join('', map { $_->{part}{response} } @{ $s->{parts} || [] }), 'Echo: a b [end]', 'generate streamed');

        # relayed verbatim: thinking and tool-call parts as the server sent them
        for my $case ([ 'thinking', { %{ chat_req('qwen3:0.6b', 'why so') }, think => $T, stream => $T } ],
                      [ 'a tool call', { %{ chat_req('llama3.2', 'call get_weather city="Paris"') }, stream => $T,
                                         tools => [ { type => 'function', function => { name => 'get_weather',
                                             parameters => { type => 'object', properties => { city => { type => 'string' } } } } } ] } ]) {
            my $via = $call->(method => 'chat', request => $case->[1]);
            my $direct = ollama(host => $A->{url}, method => 'chat', request => $case->[1]);
            is_deeply([ map { steady($_->{part}) } @{ $via->{parts} || [] } ],
                      [ map { steady($_->{part}) } @{ $direct->{parts} || [] } ], "$case->[0]: the same parts as from the server");
        }
        my $think = $call->(method => 'chat', request => { %{ chat_req('qwen3:0.6b', 'x') }, think => $T, stream => $T });
        ok((grep { ($_->{part}{message}{thinking} // '') ne '' } @{ $think->{parts} || [] }), '... thinking parts included');

        # embed
        my $e = $call->(method => 'embed', request => { model => 'nomic-embed-text', input => ['hello'] });
        my $ed = ollama(host => $A->{url}, method => 'embed', request => { model => 'nomic-embed-text', input => ['hello'] });
        is(scalar @{ ($e->{result}{embeddings} || [])->[0] || [] }, 768, 'embed: 768 dimensions') or diag explain $e;
        is_deeply($e->{result}{embeddings}, $ed->{result}{embeddings}, '... the vector the server computed');

        # ps: what the servers have loaded
        my $ps = $call->(method => 'ps');
        ok((grep { $_->{name} eq 'llama3.2:latest' && $_->{expires_at} } @{ ($ps->{result} || {})->{models} || [] }),
           'ps: the loaded model with its expiry') or diag explain $ps;

        # credentials
        for my $who ([ 'no key', undef ], [ 'a wrong key', 'pl_999_' . ('x' x 43) ], [ 'a malformed token', 'eyJhbGciOi.x.y' ]) {
            my $r = $as->($who->[1], method => 'list');
            is(($r->{error} || {})->{status_code}, 401, "list with $who->[0] => 401") or diag explain $r;
            $r = $as->($who->[1], method => 'chat', request => chat_req('llama3.2', 'hi'));
            is(($r->{error} || {})->{status_code}, 401, "chat with $who->[0] => 401");
        }
        my $raw = $srv->json('POST', '/ollama/api/chat', chat_req('llama3.2', 'hi'), { Authorization => undef });
        status_is($raw, 401, 'without credentials: 401');
        is_deeply([ keys %{ $raw->{json} || {} } ], ['error'], '... as {"error":"..."}') or diag_res($raw);
        like($raw->{headers}{'www-authenticate'} // '', qr/^Bearer/, '... with WWW-Authenticate');
        is($as->($srv->{token}, method => 'version')->{result}{version}, '0.11.4', 'a session token works too');
        ok($as->($ro, method => 'list')->{result}, 'a read-only key lists');
        # A read key uses only safe methods (SECURITY 42): Ollama's show is a POST.
        is(($as->($ro, method => 'show', request => { model => 'llama3.2' })->{error} || {})->{status_code}, 403,
           '... but may not show (a POST)');
        ok($as->($srv->{token}, method => 'show', request => { model => 'llama3.2' })->{result},
           'a session shows');
        for my $m ([ chat => chat_req('llama3.2', 'hi') ], [ generate => { model => 'llama3.2', prompt => 'x', stream => $F } ],
                   [ embed => { model => 'nomic-embed-text', input => 'x' } ]) {
            my $r = $as->($ro, method => $m->[0], request => $m->[1]);
            is(($r->{error} || {})->{status_code}, 403, "... but may not $m->[0] (a model run needs developer)");
        }

        # a model no server has: 404 as Ollama says it
        my $nf = $call->(method => 'chat', request => chat_req('nosuch:1b', 'hi'));
        is_deeply($nf->{error}, { name => 'ResponseError', message => "model 'nosuch:1b' not found", status_code => 404 },
                  'chat with a model no server has => 404') or diag explain $nf;
        $nf = $call->(method => 'generate', request => { model => 'nosuch:1b', prompt => 'x', stream => $T });
        is(($nf->{error} || {})->{status_code}, 404, '... streamed too, before the stream');
        is(($call->(method => 'show', request => { model => 'nosuch:1b' })->{error} || {})->{status_code}, 404, '... show');
        is(($call->(method => 'chat', request => chat_req('onlyc', 'x'))->{error} || {})->{status_code}, 404,
           '... a model only a disabled server has');
        $raw = $srv->json('POST', '/ollama/api/show', { model => 'nosuch:1b' });
        is($raw->{content}, '{"error":"model \'nosuch:1b\' not found"}', '... the body is Ollama\'s');

        # a request the server finds bad is the client's to hear, not the next server's
        my $a_before = calls($A, '/api/chat') + calls($B, '/api/chat');
        my $refused = $call->(method => 'chat', request => { %{ chat_req('llama3.2', 'x') }, think => $T });
        is_deeply($refused->{error}, { name => 'ResponseError', status_code => 400,
                                       message => '"llama3.2" does not support thinking' },
                  'a request Ollama refuses (400): relayed as it said it') or diag explain $refused;
        is(calls($A, '/api/chat') + calls($B, '/api/chat') - $a_before, 1, '... asked of one server only');

        # failover before the first byte: the next server answers
        my $b_before = calls($B, '/api/chat');
        fake_control($A, 'POST', 'config', { fail_before_stream => { status => 500, error => 'boom', times => 2 } });
        $c = $call->(method => 'chat', request => chat_req('llama3.2', 'still there'));
        is($c->{result}{message}{content}, 'Echo: still there [end]', 'a server failing before the first byte: the next answers');
        $s = $call->(method => 'chat', request => { %{ chat_req('llama3.2', 'and streamed') }, stream => $T });
        is(join('', map { $_->{part}{message}{content} } @{ $s->{parts} || [] }), 'Echo: and streamed [end]', '... streamed too');
        is(calls($B, '/api/chat') - $b_before, 2, '... both by the second server');
        fake_control($A, 'POST', 'reset');
        fake_control($A, 'POST', 'config', { busy => $T });
        is($call->(method => 'chat', request => chat_req('llama3.2', 'busy?'))->{result}{message}{content},
           'Echo: busy? [end]', 'a busy server: the next answers');
        fake_control($B, 'POST', 'config', { busy => $T });
        my $busy = $call->(method => 'chat', request => chat_req('llama3.2', 'busy?'));
        is_deeply($busy->{error}, { name => 'ResponseError', status_code => 503,
                                    message => 'server busy, please try again.  maximum pending requests exceeded' },
                  'all busy => 503 with the server\'s words') or diag explain $busy;
        fake_control($_, 'POST', 'config', { busy => $F }) for $A, $B;

        # failures after the first line end the stream with an {"error"} line
        fake_control($A, 'POST', 'config', { fail_after_tokens => 2, fail_error => 'the model fell over' });
        $s = $call->(method => 'chat', request => { %{ chat_req('llama3.2', 'a b c d') }, stream => $T });
        is(scalar @{ $s->{parts} || [] }, 2, 'a mid-stream error: the parts before it');
        is(($s->{error} || {})->{message}, 'the model fell over', '... then the server\'s error line, verbatim');
        fake_control($A, 'POST', 'reset');
        fake_control($A, 'POST', 'config', { invalid_ndjson => $T });
        $s = $call->(method => 'chat', request => { %{ chat_req('llama3.2', 'a b c d') }, stream => $T });
        is(scalar @{ $s->{parts} || [] }, 1, 'a line that is not JSON is not relayed');
        like(($s->{error} || {})->{message} // '', qr/not one JSON object/, '... the stream ends with an error line');
        fake_control($A, 'POST', 'reset');
        fake_control($A, 'POST', 'config', { die_after_tokens => 2 });
        $s = $call->(method => 'chat', request => { %{ chat_req('llama3.2', 'a b c d') }, stream => $T });
        like(($s->{error} || {})->{message} // '', qr/model server/, 'a server that dies mid-stream: an error line');
        fake_control($A, 'POST', 'reset');

        # a client that leaves stops the model
        fake_control($A, 'POST', 'config', { token_delay_ms => 100, endless => $T });
        $s = $call->(method => 'chat', request => { %{ chat_req('llama3.2', 'go on') }, stream => $T }, abort_after => 3);
        is(scalar @{ $s->{parts} || [] }, 3, 'the client aborts after three parts');
        my $gone;
        for (1 .. 50) { $gone = last_call($A, '/api/chat'); last if $gone->{aborted}; sleep 0.1 }
        ok($gone->{aborted}, 'the stand-in saw the generation aborted') or diag explain $gone;
        cmp_ok($gone->{tokens_sent}, '<', 20, '... soon after');

        # the stream cap: one model run per user here (PlanningMaxStreamsPerUser 1)
        sleep 0.3;
        $s = $call->(method => 'chat', request => { %{ chat_req('llama3.2', 'hold the slot') }, stream => $T },
                     while_streaming => [ { fetch => { path => '/api/chat', body => chat_req('llama3.2', 'me too') } },
                                          { method => 'chat', request => chat_req('llama3.2', 'me too') },
                                          { method => 'list' } ]);
        my ($capped, $client_capped, $list) = @{ $s->{during} || [] };
        is($capped->{result}{status}, 503, 'a second model run of the user while one streams => 503') or diag explain $s;
        ok($capped->{result}{headers}{'retry-after'}, '... with Retry-After');
        my $capped_body = eval { $J->decode($capped->{result}{body}) } || {};
        is_deeply([ keys %$capped_body ], ['error'], '... as {"error":"..."}');
        is(($client_capped->{error} || {})->{status_code}, 503, '... which the client reports');
        ok($list->{result}{models}, '... while other calls go on');
        fake_control($A, 'POST', 'reset');
        sleep 0.3;
        is($call->(method => 'chat', request => chat_req('llama3.2', 'free again'))->{result}{message}{content},
           'Echo: free again [end]', 'the slot is free again');

        # requests Ollama would refuse, in its shape
        my $bad = sub {
            my ($r, $status, $name, $msg) = @_;
            is($r->{status}, $status, "$name => $status") or diag_res($r);
            is_deeply([ keys %{ $r->{json} || {} } ], ['error'], "... as {\"error\":\"...\"}") or diag_res($r);
            like($r->{json}{error} // '', $msg, '... saying why') if $msg;
        };
        $bad->($srv->json('POST', '/ollama/api/chat', 'not json'), 400, 'a body that is not JSON');
        $bad->($srv->json('POST', '/ollama/api/chat', { messages => [] }), 400, 'no model', qr/^model is required$/);
        $bad->($srv->json('POST', '/ollama/api/chat', { model => 'llama3.2', stream => 'yes' }), 400, 'stream "yes"');
        $bad->($srv->json('POST', '/ollama/api/chat', { model => 'x' x 300 }), 400, 'a model name of 300 bytes');
        $bad->($srv->json('POST', '/ollama/api/chat', { model => 'llama3.2', messages => [ { role => 'user', content => 'x' x 2_000_000 } ] }),
              413, 'a body over PlanningMaxBodySize');
        $bad->($srv->request('POST', '/ollama/api/pull', { 'Content-Type' => 'application/json' }, '{"model":"x"}'),
              404, 'a route the proxy does not offer');
        $bad->($srv->request('GET', '/ollama/api/chat'), 405, 'GET on chat');
        my $curl = $srv->request('POST', '/ollama/api/generate', { 'Content-Type' => 'application/x-www-form-urlencoded' },
                                 $J->encode({ model => 'llama3.2', prompt => 'as curl -d', stream => $F }));
        status_is($curl, 200, 'a body sent as curl -d sends it (any type, as Ollama reads it)');
        is(($J->decode($curl->{content} || '{}'))->{response}, 'Echo: as curl -d [end]', '... answered');

        # the root answers as Ollama's does, to clients that probe it first:
        # no credentials needed, and nothing said but that
        my $theirs = HTTP::Tiny->new->get("$A->{url}/");
        for my $path ('/ollama/', '/ollama') {
            my $root = $srv->request('GET', $path, { Authorization => undef });
            status_is($root, 200, "GET $path without credentials => 200");
            is($root->{content}, $theirs->{content}, "... '$theirs->{content}', as Ollama says it");
            like($root->{headers}{'content-type'} // '', qr{^text/plain; charset=utf-8$}i, '... as text/plain');
        }
        my $head = $srv->request('HEAD', '/ollama/', { Authorization => undef });
        status_is($head, 200, 'HEAD /ollama/ => 200');
        is($head->{content} // '', '', '... without a body');
        is($head->{headers}{'content-length'}, length $theirs->{content}, '... the length a GET has');
        is($srv->request('GET', '/ollama/', { Authorization => 'Bearer wrong' })->{status}, 200,
           '... a wrong token does not matter there');

        # model runs through the proxy count in the usage, with their source
        my $usage = sub { $srv->usage_by($dev) };
        my $before = $usage->();
        ok($before->{'proxy llama3.2'}{requests}, 'the runs above are in the usage as source proxy')
            or diag explain $before;
        ok(!(grep { /^chat / } keys %$before), '... and not as chats: dev has no thread');
        my $cu = $call->(method => 'chat', request => chat_req('llama3.2', 'count me'));
        $call->(method => 'generate', request => { model => 'llama3.2', prompt => 'me too', stream => $T });
        $call->(method => 'embed', request => { model => 'nomic-embed-text', input => ['and me'] });
        $call->(method => 'show', request => { model => 'llama3.2' });
        my $after = $usage->();
        is($after->{'proxy llama3.2'}{requests} - $before->{'proxy llama3.2'}{requests}, 2,
           'a chat and a generate: two runs (show runs no model)') or diag explain $after;
        is($after->{'proxy llama3.2'}{tokens_out} - $before->{'proxy llama3.2'}{tokens_out},
           $cu->{result}{eval_count} + 4, '... with the tokens the server counted');
        is($after->{'proxy nomic-embed-text'}{requests} - ($before->{'proxy nomic-embed-text'}{requests} // 0), 1,
           'an embed: one run');

        security_headers_ok($srv, skip => sub { $_[0]{req} =~ /^raw/ });
        $srv->stop;
    };
}

done_testing;
