#!/usr/bin/env perl
# The OpenAI side of the proxy (/ollama/v1/...) driven by the official
# OpenAI client library (npm "openai", t/openai-client) and by raw requests,
# over the shared servers: a server that is down (asked first), two Ollama
# stand-ins answering through their own /v1, and an OpenAI-kind server
# reached with its own key. Chat completions streamed (SSE, data: [DONE])
# and not, completions, embeddings, models (the union, each id once) and
# one model; tools relayed untouched; errors in OpenAI's shape with its
# statuses (bad JSON, no model, unknown model, no key, a bad key, a
# read-only key, a request the server refuses, rate limited, over the
# stream cap, a failure mid-stream); fallback to the next server; usage
# counted, from streams too (include_usage asked upstream, its chunk kept
# from a client that did not ask for it).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP;
use Time::HiRes qw(sleep time);
use HTTP::Tiny;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $J = JSON::PP->new->utf8->canonical;
my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\nPlanningMaxStreamsPerUser 1";
my ($T, $F) = (JSON::PP::true, JSON::PP::false);

# One call through the openai library (see client.mjs): {result}, {chunks, error?} or {error}.
my $openai = node_client('t/openai-client', 'openai');
sub openai { $openai->(@_) }
sub calls { fake_calls(@_) }
sub last_call { fake_last_call(@_) }

sub chat_req {
    my ($model, $text, %o) = @_;
    return { model => $model, messages => [ { role => 'user', content => $text } ], %o };
}

# What a relayed chunk must share with the stand-in's own: all but ids and times.
sub steady {
    my ($c) = @_;
    my %c = %$c;
    delete @c{qw(id created)};
    $c{choices} = [ map {
        my %ch = %$_;
        if ($ch{delta} && $ch{delta}{tool_calls}) {
            $ch{delta} = { %{ $ch{delta} } };
            $ch{delta}{tool_calls} = [ map { my %t = %$_; delete $t{id}; \%t } @{ $ch{delta}{tool_calls} } ];
        }
        \%ch } @{ $c{choices} || [] } ];
    return $J->encode(\%c);
}

sub content_of { join '', map { ($_->{choices}[0]{delta} || {})->{content} // '' } @{ $_[0] || [] } }

# An error reply in OpenAI's shape: exactly {"error":{message,type,param,code}}.
sub openai_error_ok {
    my ($r, $status, $type, $name, $msg) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    is($r->{status}, $status, "$name => $status") or diag_res($r);
    my $e = ($r->{json} || {})->{error};
    ok(ref $e eq 'HASH' && keys %{ $r->{json} } == 1, '... as {"error":{...}}') or diag_res($r);
    is_deeply([ sort keys %{ $e || {} } ], [qw(code message param type)], '... with message, type, param, code');
    is($e->{type}, $type, "... type $type");
    like($e->{message} // '', $msg, '... saying why') if $msg;
    return $e;
}

for my $backend (backends()) {
    subtest "$backend: the OpenAI side of the proxy" => sub {
        my $A = start_fake(args => ['--token-delay-ms', '40']);
        my $B = start_fake();
        my $C = start_fake(args => ['--api-key', 'sk-upstream-1']);
        my $D = start_fake();
        fake_control($B, 'POST', 'models', { models => [ { name => 'onlyb:latest', capabilities => ['completion'] } ] });
        fake_control($C, 'POST', 'models', { models => [ { name => 'onlyc:latest', capabilities => ['completion', 'tools'] },
                                                         { name => 'llama3.2:latest', capabilities => ['completion'] } ] });
        fake_control($D, 'POST', 'models', { models => [ { name => 'onlyd:latest', capabilities => ['completion'] } ] });
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my $dead = PlanningTest::free_port();
        for my $s ([ 'down', "http://127.0.0.1:$dead", 1000 ], [ 'a', $A->{url}, 900 ], [ 'b', $B->{url}, 100 ],
                   [ 'oa', $C->{url}, 50, kind => 'openai', api_key => 'sk-upstream-1' ],
                   [ 'off', $D->{url}, 10, enabled => $F ]) {
            my ($name, $url, $prio, %more) = @$s;
            status_is($srv->json('POST', '/api/v1/servers', { name => $name, base_url => $url, priority => $prio, %more }),
                      201, "server $name");
        }
        my (undef, $dev) = $srv->add_user('dev', 'developer');
        my $key = sub { $srv->api_key($dev, @_) };
        my $rw = $key->('rw', ['write']);
        my $ro = $key->('ro', ['read']);
        my $base = $srv->base . '/ollama/v1';
        my $as = sub { my ($k, %a) = @_; openai(base => $base, key => $k, %a) };
        my $call = sub { $as->($rw, @_) };
        my $raw = sub {    # method, path, body (ref: JSON; string: as is), key
            my ($m, $path, $body, $k) = @_;
            return $srv->request($m, "/ollama/v1$path", { 'Content-Type' => 'application/json',
                                 Authorization => defined $k ? "Bearer $k" : undef },
                                 ref $body ? $J->encode($body) : $body);
        };

        # models: the union over the enabled servers, each id once
        my $l = $call->(method => 'models');
        is_deeply([ sort map { $_->{id} } @{ $l->{result} || [] } ],
                  [ sort 'llama3.2:latest', 'qwen3:0.6b', 'nomic-embed-text:latest', 'onlyb:latest', 'onlyc:latest' ],
                  'models.list: every enabled server\'s models, each once (the down one skipped, the disabled one not asked)')
            or diag explain $l;
        is(calls($D, '/v1/models'), 0, 'the disabled server was not asked');
        my $lr = $raw->('GET', '/models', undef, $rw);
        is(($lr->{json} || {})->{object}, 'list', 'GET /v1/models: {"object":"list","data":[...]}') or diag_res($lr);
        my ($one) = grep { $_->{id} eq 'llama3.2:latest' } @{ $lr->{json}{data} || [] };
        is_deeply([ sort keys %{ $one || {} } ], [qw(created id object owned_by)], '... entries as the server wrote them');
        my $m = $call->(method => 'model', request => 'onlyc:latest');
        is(($m->{result} || {})->{id}, 'onlyc:latest', 'models.retrieve: a model only the OpenAI-kind server has')
            or diag explain $m;
        is(($raw->('GET', '/models/llama3.2', undef, $rw)->{json} || {})->{id}, 'llama3.2:latest',
           'GET /v1/models/llama3.2: the tag defaults to latest');
        my $nm = $call->(method => 'model', request => 'nosuch:1b');
        is_deeply([ @{ $nm->{error} || {} }{qw(class api_error status)} ], [ 'NotFoundError', $T, 404 ],
                  'models.retrieve of an unknown model: the library\'s NotFoundError (an APIError), 404') or diag explain $nm;
        openai_error_ok($raw->('GET', '/models/nosuch:1b', undef, $rw), 404, 'not_found_error', 'GET an unknown model');

        # chat completions, not streamed: the request and the reply untouched
        my $req = chat_req('llama3.2', 'hello there', temperature => 0.2, max_tokens => 50);
        my $c = $call->(method => 'chat', request => $req);
        is((($c->{result}{choices} || [])->[0]{message} || {})->{content}, 'Echo: hello there [end]',
           'chat.completions.create') or diag explain $c;
        is($c->{result}{object}, 'chat.completion', '... a chat.completion');
        ok($c->{result}{usage}{completion_tokens} > 0, '... with usage');
        is_deeply(last_call($A, '/v1/chat/completions')->{body}, $req,
                  'the request went upstream as sent, to the Ollama server\'s /v1 (the down server failed first)');

        # streamed: SSE chunks as generated, then [DONE]
        my $s = $call->(method => 'chat', request => chat_req('llama3.2', 'one two three', stream => $T));
        is(content_of($s->{chunks}), 'Echo: one two three [end]', 'chat streamed') or diag explain $s;
        ok(!$s->{error}, '... without an error');
        ok(!(grep { !@{ $_->{choices} || [] } } @{ $s->{chunks} || [] }),
           '... no usage chunk: the client did not ask for one');
        is_deeply(last_call($A, '/v1/chat/completions')->{body}{stream_options}, { include_usage => $T },
                  '... but upstream was asked for it (to count the tokens)');
        $s = $call->(method => 'chat', request => chat_req('llama3.2', 'a b', stream => $T,
                                                           stream_options => { include_usage => $T }));
        ok(($s->{chunks}[-1]{usage} || {})->{completion_tokens}, 'include_usage asked: the usage chunk is relayed')
            or diag explain $s;
        my ($st, $events) = $srv->sse('POST', '/ollama/v1/chat/completions', chat_req('llama3.2', 'w x y z', stream => $T),
                                      token => $rw);
        is($st, 200, 'raw SSE: 200');
        is($events->[-1]{data}, '[DONE]', '... ends with data: [DONE]') or diag explain $events;
        is(scalar(grep { ref $_->{data} } @$events), 7, '... after a chunk per token and the finish chunk');
        my @at = map { $_->{at} } @$events;
        cmp_ok($at[-2] - $at[0], '>=', 0.12, '... arriving as generated (40 ms a token), not at once');

        # completions
        my $co = $call->(method => 'complete', request => { model => 'llama3.2', prompt => 'one two' });
        is((($co->{result}{choices} || [])->[0] || {})->{text}, 'Echo: one two [end]', 'completions.create')
            or diag explain $co;
        $s = $call->(method => 'complete', request => { model => 'llama3.2', prompt => 'a b c', stream => $T });
        is(join('', map { $_->{choices}[0]{text} // '' } @{ $s->{chunks} || [] }), 'Echo: a b c [end]',
           'completions streamed') or diag explain $s;

        # embeddings
        my $e = $call->(method => 'embed', request => { model => 'nomic-embed-text', input => ['hello'], encoding_format => 'float' });
        my $ed = openai(base => "$A->{url}/v1", method => 'embed', request => { model => 'nomic-embed-text', input => ['hello'], encoding_format => 'float' });
        is(scalar @{ (($e->{result}{data} || [])->[0] || {})->{embedding} || [] }, 768, 'embeddings.create: 768 dimensions')
            or diag explain $e;
        is_deeply($e->{result}{data}, $ed->{result}{data}, '... the vectors the server computed');

        # tools: the request's tools and the reply's tool_calls as the server has them
        my $tools = [ { type => 'function', function => { name => 'get_weather',
                        parameters => { type => 'object', properties => { city => { type => 'string' } } } } } ];
        my $treq = chat_req('llama3.2', 'call get_weather city="Paris"', tools => $tools);
        my $tc = $call->(method => 'chat', request => $treq);
        my $msg = (($tc->{result}{choices} || [])->[0] || {})->{message} || {};
        is(($msg->{tool_calls}[0]{function} || {})->{name}, 'get_weather', 'tools: the tool call in the reply')
            or diag explain $tc;
        is_deeply($J->decode($msg->{tool_calls}[0]{function}{arguments} // '{}'), { city => 'Paris' },
                  '... its arguments, a JSON string as OpenAI has them');
        is($tc->{result}{choices}[0]{finish_reason}, 'tool_calls', '... finish_reason tool_calls');
        is_deeply(last_call($A, '/v1/chat/completions')->{body}{tools}, $tools, '... the tools went upstream untouched');
        my $via = $call->(method => 'chat', request => { %$treq, stream => $T });
        my $direct = openai(base => "$A->{url}/v1", method => 'chat', request => { %$treq, stream => $T });
        is_deeply([ map { steady($_) } @{ $via->{chunks} || [] } ], [ map { steady($_) } @{ $direct->{chunks} || [] } ],
                  '... streamed: the same chunks as from the server');
        # a tool result sent back reaches the model as the client wrote it
        my $back = { %$treq, messages => [ @{ $treq->{messages} },
                     { role => 'assistant', content => '', tool_calls => [ { id => 'call_1', type => 'function',
                       function => { name => 'get_weather', arguments => '{"city":"Paris"}' } } ] },
                     { role => 'tool', tool_call_id => 'call_1', content => 'sunny' } ] };
        is((($call->(method => 'chat', request => $back)->{result}{choices} || [])->[0]{message} || {})->{content},
           'Echo: sunny [end]', '... and the tool message sent back');
        is_deeply(last_call($A, '/v1/chat/completions')->{body}{messages}, $back->{messages}, '... untouched');

        # an OpenAI-kind server: asked directly, with its own key
        my $oc = $call->(method => 'chat', request => chat_req('onlyc', 'over there'));
        is((($oc->{result}{choices} || [])->[0]{message} || {})->{content}, 'Echo: over there [end]',
           'a model only the OpenAI-kind server has: answered with the server\'s key') or diag explain $oc;
        is(last_call($C, '/v1/chat/completions')->{status}, 200, '... by that server');
        $s = $call->(method => 'chat', request => chat_req('onlyc', 'and back', stream => $T));
        is(content_of($s->{chunks}), 'Echo: and back [end]', '... streamed too') or diag explain $s;

        # errors, in OpenAI's shape with its statuses
        openai_error_ok($raw->('POST', '/chat/completions', '{"model":', $rw), 400, 'invalid_request_error', 'bad JSON');
        openai_error_ok($raw->('POST', '/chat/completions', { messages => [] }, $rw), 400, 'invalid_request_error',
                        'no model', qr/^model is required$/);
        openai_error_ok($raw->('POST', '/chat/completions', { model => 'llama3.2', stream => 'yes' }, $rw), 400,
                        'invalid_request_error', 'stream "yes"');
        my $err = openai_error_ok($raw->('POST', '/chat/completions', chat_req('nosuch:1b', 'x'), $rw), 404,
                                  'not_found_error', 'a model no server has', qr/nosuch:1b/);
        is($err->{code}, 'model_not_found', '... code model_not_found');
        openai_error_ok($raw->('POST', '/chat/completions', chat_req('onlyd', 'x'), $rw), 404, 'not_found_error',
                        'a model only a disabled server has');
        $err = openai_error_ok($raw->('POST', '/chat/completions', chat_req('llama3.2', 'x'), undef), 401,
                               'authentication_error', 'no key');
        openai_error_ok($raw->('POST', '/chat/completions', chat_req('llama3.2', 'x'), 'pl_999_' . ('x' x 43)), 401,
                        'authentication_error', 'a bad key');
        openai_error_ok($raw->('POST', '/chat/completions', chat_req('llama3.2', 'x'), $ro), 403, 'permission_error',
                        'a read-only key running a model');
        openai_error_ok($raw->('POST', '/nothing', {}, $rw), 404, 'not_found_error', 'a route the proxy does not offer');
        my %want = (nokey => [ undef, 'AuthenticationError', 401 ], badkey => [ 'pl_999_' . ('y' x 43), 'AuthenticationError', 401 ],
                    readonly => [ $ro, 'PermissionDeniedError', 403 ]);
        for my $w (sort keys %want) {
            my ($k, $class, $status) = @{ $want{$w} };
            my $r = $as->($k, method => 'chat', request => chat_req('llama3.2', 'hi'));
            is_deeply([ @{ $r->{error} || {} }{qw(class api_error status)} ], [ $class, $T, $status ],
                      "the library raises $class ($status) for $w") or diag explain $r;
        }
        ok($as->($ro, method => 'models')->{result}, 'a read-only key lists the models');
        my $nf = $call->(method => 'chat', request => chat_req('nosuch:1b', 'x', stream => $T));
        is_deeply([ @{ $nf->{error} || {} }{qw(class status code)} ], [ 'NotFoundError', 404, 'model_not_found' ],
                  'streamed, an unknown model: NotFoundError before the stream') or diag explain $nf;
        my $before = calls($A, '/v1/chat/completions') + calls($B, '/v1/chat/completions');
        my $refused = $call->(method => 'chat', request => chat_req('llama3.2', 'x', reasoning_effort => 'high'));
        is_deeply([ @{ $refused->{error} || {} }{qw(class status message)} ],
                  [ 'BadRequestError', 400, '400 "llama3.2" does not support thinking' ],
                  'a request the server refuses (400): the server\'s words') or diag explain $refused;
        is(calls($A, '/v1/chat/completions') + calls($B, '/v1/chat/completions') - $before, 1, '... asked of one server only');

        # fallback: a server failing before the first byte hands over to the next
        my $b_before = calls($B, '/v1/chat/completions');
        fake_control($A, 'POST', 'config', { fail_before_stream => { status => 500, error => 'boom', times => 2 } });
        $c = $call->(method => 'chat', request => chat_req('llama3.2', 'still there'));
        is((($c->{result}{choices} || [])->[0]{message} || {})->{content}, 'Echo: still there [end]',
           'a server failing before the first byte: the next answers') or diag explain $c;
        $s = $call->(method => 'chat', request => chat_req('llama3.2', 'and streamed', stream => $T));
        is(content_of($s->{chunks}), 'Echo: and streamed [end]', '... streamed too');
        is(calls($B, '/v1/chat/completions') - $b_before, 2, '... both by the next server');
        fake_control($A, 'POST', 'reset');
        fake_control($_, 'POST', 'config', { busy => $T }) for $A, $B, $C;
        my $busy = $call->(method => 'chat', request => chat_req('llama3.2', 'busy?'));
        is_deeply([ @{ $busy->{error} || {} }{qw(class status)} ], [ 'InternalServerError', 503 ],
                  'every server busy => 503') or diag explain $busy;
        fake_control($_, 'POST', 'config', { busy => $F }) for $A, $B, $C;

        # a failure after the first chunk: an error event, which the library raises
        fake_control($A, 'POST', 'config', { fail_after_tokens => 2, fail_error => 'the model fell over' });
        $s = $call->(method => 'chat', request => chat_req('llama3.2', 'a b c d', stream => $T));
        is(scalar @{ $s->{chunks} || [] }, 2, 'a mid-stream error: the chunks before it');
        is_deeply([ @{ $s->{error} || {} }{qw(api_error message)} ], [ $T, 'the model fell over' ],
                  '... then the server\'s error, raised as an APIError') or diag explain $s;
        fake_control($A, 'POST', 'reset');
        fake_control($A, 'POST', 'config', { invalid_ndjson => $T });
        ($st, $events) = $srv->sse('POST', '/ollama/v1/chat/completions', chat_req('llama3.2', 'a b c d', stream => $T),
                                   token => $rw);
        like((($events->[-1]{data} || {})->{error} || {})->{message} // '', qr/not one JSON object/,
             'an event that is not JSON is not relayed: the stream ends with an error event') or diag explain $events;
        is(scalar(grep { !ref $_->{data} } @$events), 0, '... and no [DONE]');
        fake_control($A, 'POST', 'reset');

        # the stream cap: one model run per user here (PlanningMaxStreamsPerUser 1)
        fake_control($A, 'POST', 'config', { token_delay_ms => 100, endless => $T });
        my ($hst, $hev, $hold) = $srv->sse('POST', '/ollama/v1/chat/completions',
                                           chat_req('llama3.2', 'hold the slot', stream => $T),
                                           token => $rw, leave_after => 1, keep => 1);
        is($hst, 200, 'a stream holds the user\'s slot');
        $err = openai_error_ok($raw->('POST', '/chat/completions', chat_req('llama3.2', 'me too'), $rw), 503,
                               'api_error', 'a second model run while one streams');
        is($err->{code}, 'too_many_streams', '... code too_many_streams');
        my $capped = $call->(method => 'chat', request => chat_req('llama3.2', 'me too', stream => $T));
        is_deeply([ @{ $capped->{error} || {} }{qw(class status)} ], [ 'InternalServerError', 503 ],
                  '... which the library raises') or diag explain $capped;
        ok($call->(method => 'models')->{result}, '... while other calls go on');
        close $hold;
        my $gone;
        for (1 .. 50) { $gone = last_call($A, '/v1/chat/completions'); last if $gone->{aborted}; sleep 0.1 }
        ok($gone->{aborted}, 'the client that held it left: the stand-in saw the generation aborted') or diag explain $gone;
        fake_control($A, 'POST', 'reset');
        sleep 0.5;
        is((($call->(method => 'chat', request => chat_req('llama3.2', 'free again'))->{result}{choices} || [])->[0]{message}
            || {})->{content}, 'Echo: free again [end]', 'the slot is free again');

        # usage: every run counts, streamed ones from the usage asked upstream
        my $usage = sub { $srv->usage_by($dev) };
        my $u0 = $usage->();
        ok($u0->{'proxy llama3.2'}{requests}, 'the runs above are in the usage as source proxy') or diag explain $u0;
        my $cu = $call->(method => 'chat', request => chat_req('llama3.2', 'count me'));
        $call->(method => 'chat', request => chat_req('llama3.2', 'me too please', stream => $T));
        $call->(method => 'complete', request => { model => 'llama3.2', prompt => 'and me' });
        $call->(method => 'embed', request => { model => 'nomic-embed-text', input => ['and me'] });
        $call->(method => 'models');
        my $u1 = $usage->();
        is($u1->{'proxy llama3.2'}{requests} - $u0->{'proxy llama3.2'}{requests}, 3,
           'two chats and a completion: three runs (a model list runs none)') or diag explain $u1;
        is($u1->{'proxy llama3.2'}{tokens_out} - $u0->{'proxy llama3.2'}{tokens_out},
           $cu->{result}{usage}{completion_tokens} + 5 + 4,
           '... with the tokens the server counted, the stream\'s too');
        cmp_ok($u1->{'proxy nomic-embed-text'}{tokens_in} - ($u0->{'proxy nomic-embed-text'}{tokens_in} // 0), '>', 0,
               'an embedding: its input tokens');

        security_headers_ok($srv, skip => sub { $_[0]{req} =~ /^raw/ });
        $srv->stop;

        # rate limits: PlanningAPIRateLimit, answered in OpenAI's shape
        my $lim = start_server(backend => $backend, extra => "$EXTRA\nPlanningAPIRateLimit 3");
        status_is($lim->json('POST', '/api/v1/servers', { name => 'a', base_url => $B->{url} }), 201, 'a server');
        my $k = $lim->json('POST', '/api/v1/auth/keys', { name => 'k', scopes => ['write'] });
        status_is($k, 201, 'a key');
        # the limit counts in fixed one-minute windows: the requests below stay in one
        sleep(61 - time % 60) if time % 60 > 50;
        my @st = map { $lim->request('GET', '/ollama/v1/models', { Authorization => "Bearer $k->{json}{key}" }) } 1 .. 4;
        is_deeply([ map { $_->{status} } @st[0 .. 2] ], [ 200, 200, 200 ], 'within the limit: answered');
        $err = openai_error_ok($st[3], 429, 'rate_limit_error', 'over PlanningAPIRateLimit');
        is($err->{code}, 'rate_limited', '... code rate_limited');
        ok($st[3]{headers}{'retry-after'}, '... with Retry-After');
        my $rl = openai(base => $lim->base . '/ollama/v1', key => $k->{json}{key}, method => 'models');
        is_deeply([ @{ $rl->{error} || {} }{qw(class status)} ], [ 'RateLimitError', 429 ],
                  '... which the library raises as RateLimitError') or diag explain $rl;
        $lim->stop;
    };
}

done_testing;
