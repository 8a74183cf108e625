#!/usr/bin/env perl
# Self-test of the fake Ollama server (t/fake-ollama/server.js). Core Perl only.
use strict;
use warnings;
use Test::More;
use HTTP::Tiny;
use IO::Socket::INET;
use IO::Select;
use JSON::PP;
use Time::HiRes qw(time sleep);
use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);

my $dir    = dirname(File::Spec->rel2abs(__FILE__));
my $script = "$dir/server.js";
plan skip_all => 'node not found on PATH' unless grep { -x "$_/node" } split /:/, ($ENV{PATH} // '');

my $J = JSON::PP->new->canonical->allow_nonref;
my @servers;

sub start_server {
    my (@args) = @_;
    my $pid = open(my $out, '-|', 'node', $script, @args) // die "spawn node: $!";
    my $sel = IO::Select->new($out);
    my $line;
    if ($sel->can_read(10)) { $line = <$out> }
    die "fake-ollama did not start (@args)" unless defined $line && $line =~ /^LISTENING (\d+)$/;
    push @servers, [$pid, $out];
    return { pid => $pid, port => $1, base => "http://127.0.0.1:$1" };
}
END { for (@servers) { kill 'TERM', $_->[0]; waitpid($_->[0], 0) } }

my $http = HTTP::Tiny->new(timeout => 10);
my $S;    # current server

sub req {
    my ($method, $path, $body, $hdrs) = @_;
    my %o = (headers => { %{ $hdrs // {} } });
    if (defined $body) {
        $o{content} = ref $body ? $J->encode($body) : $body;
        $o{headers}{'Content-Type'} = 'application/json';
    }
    my $r = $http->request($method, "$S->{base}$path", \%o);
    my $data = eval { $J->decode($r->{content}) };
    return ($r, $data);
}
sub control { my ($r) = req('POST', "/_control/$_[0]", $_[1] // {}); die "control $_[0]: $r->{status}" unless $r->{status} == 200 }
sub log_entries { my (undef, $d) = req('GET', '/_control/log' . ($_[0] ? "?path=$_[0]" : '')); return @$d }

# Streaming POST: returns (response, [ [time, line], ... ]) with arrival times per NDJSON line.
sub stream_lines {
    my ($path, $body, $hdrs) = @_;
    my ($buf, @lines) = ('');
    my $t0 = time;
    my $r = $http->request('POST', "$S->{base}$path", {
        headers => { 'Content-Type' => 'application/json', %{ $hdrs // {} } },
        content => $J->encode($body),
        data_callback => sub {
            $buf .= $_[0];
            while ($buf =~ s/^([^\n]*)\n//) { push @lines, [time - $t0, $1] }
        },
    });
    push @lines, [time - $t0, $buf] if length $buf;
    return ($r, \@lines);
}
sub decode_lines { [ map { $J->decode($_->[1]) } grep { $_->[1] =~ /\S/ } @{ $_[0] } ] }

# Raw socket: send a request, read until $want NDJSON/SSE payload lines arrived, then close.
sub raw_stream_and_close {
    my ($path, $body, $want) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $S->{port}, Proto => 'tcp', Timeout => 5)
        or die "connect: $!";
    my $json = $J->encode($body);
    print $sock "POST $path HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        . "Content-Length: " . length($json) . "\r\n\r\n$json";
    my ($buf, $n, $deadline) = ('', 0, time + 10);
    my $sel = IO::Select->new($sock);
    while ($n < $want && time < $deadline) {
        next unless $sel->can_read(0.5);
        my $got = sysread($sock, $buf, 65536, length $buf) or last;
        $n = () = $buf =~ /^(?:data: )?\{"(?:model|id|status)"/mg;
    }
    close $sock;
    return $n;
}
# (up to 15 s: on a loaded machine the stand-in may notice a closed
# connection late; a poll returns as soon as the entry is there)
sub poll_log {
    my ($path, $pred) = @_;
    for (1 .. 150) {
        my @e = grep { $pred->($_) } log_entries($path);
        return $e[-1] if @e;
        sleep 0.1;
    }
    return undef;
}

my $tmp = tempdir(CLEANUP => 1);
$S = start_server('--version', '0.9.9', '--max-parallel', '1', '--port-file', "$tmp/port");
ok $S->{port} > 0, "server listening on $S->{port}";
{
    open my $pf, '<', "$tmp/port" or die; chomp(my $p = <$pf>);
    is $p, $S->{port}, '--port-file written';
}

# ---- liveness, version, catalogue -------------------------------------------------------------
{
    my ($r) = req('GET', '/');
    is $r->{status}, 200, 'GET / 200';
    is $r->{content}, 'Ollama is running', 'GET / body';
    like $r->{headers}{'content-type'}, qr{^text/plain}, 'GET / text/plain';
    ($r) = req('HEAD', '/');
    is $r->{status}, 200, 'HEAD / 200';
    my $d;
    ($r, $d) = req('GET', '/api/version');
    is_deeply $d, { version => '0.9.9' }, '/api/version from --version';
    ($r) = req('HEAD', '/api/version');
    is $r->{status}, 200, 'HEAD /api/version';
    ($r) = req('HEAD', '/api/tags');
    is $r->{status}, 200, 'HEAD /api/tags';
    ($r) = req('GET', '/api/nowhere');
    is $r->{status}, 404, 'unknown route 404';

    ($r, $d) = req('GET', '/api/tags');
    my %m = map { $_->{name} => $_ } @{ $d->{models} };
    ok $m{'llama3.2:latest'} && $m{'qwen3:0.6b'} && $m{'nomic-embed-text:latest'}, 'default catalogue in /api/tags';
    my $l = $m{'llama3.2:latest'};
    is_deeply [ @{ $l->{details} }{qw(family parameter_size quantization_level)} ], [qw(llama 3.2B Q4_K_M)], 'llama3.2 details';
    like $l->{digest}, qr/^[0-9a-f]{64}$/, 'digest is 64 hex';
    like $l->{modified_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, 'modified_at RFC 3339';

    ($r, $d) = req('POST', '/api/show', { model => 'qwen3:0.6b' });
    is $r->{status}, 200, 'show 200';
    ok((grep { $_ eq 'thinking' } @{ $d->{capabilities} }), 'show: qwen3 capabilities include thinking');
    ok $d->{model_info}{'qwen3.context_length'}, 'show: model_info has <arch>.context_length';
    ok defined $d->{template} && defined $d->{modelfile} && $d->{details}{family}, 'show: template, modelfile, details';
    ($r, $d) = req('POST', '/api/show', { model => 'nope:1b' });
    is $r->{status}, 404, 'show unknown 404';
    is $d->{error}, "model 'nope:1b' not found", 'show unknown message';
    ($r, $d) = req('POST', '/api/show', {});
    is $r->{status}, 400, 'show without model 400';
    is $d->{error}, 'model is required', 'model is required';
}

# ---- chat streaming with per-line timing ------------------------------------------------------
{
    control('config', { token_delay_ms => 50 });
    my ($r, $lines) = stream_lines('/api/chat', { model => 'llama3.2', messages => [ { role => 'user', content => 'hello big world' } ] });
    is $r->{status}, 200, 'stream chat 200';
    is $r->{headers}{'content-type'}, 'application/x-ndjson', 'stream content-type x-ndjson';
    like $r->{headers}{'transfer-encoding'} // '', qr/chunked/, 'chunked transfer';
    my $chunks = decode_lines($lines);
    is scalar(@$chunks), 6, '5 token lines + final line';
    is_deeply [ map { $_->{message}{content} } @$chunks[0 .. 4] ], [ 'Echo:', ' hello', ' big', ' world', ' [end]' ], 'deterministic tokens';
    ok !(grep { $_->{done} || exists $_->{eval_count} || exists $_->{done_reason} } @$chunks[0 .. 4]), 'token chunks: done false, no metrics';
    my $f = $chunks->[-1];
    ok $f->{done} && $f->{done_reason} eq 'stop' && $f->{message}{content} eq '' && $f->{message}{role} eq 'assistant', 'final chunk done/stop';
    is $f->{eval_count}, 5, 'eval_count = tokens';
    ok $f->{eval_duration} >= 4 * 50 * 1e6 * 0.8 && $f->{total_duration} >= $f->{eval_duration}, 'durations in ns';
    ok !exists $f->{message}{images}, 'images omitted';
    like $f->{created_at}, qr/T\d\d:\d\d:\d\d\.\d+Z$/, 'created_at with fraction';
    # Token k cannot arrive before k + 1 delays have passed. (Gaps between
    # reads are no measure: a reader the machine held up reads two lines
    # close together.)
    my @early = grep { $lines->[$_][0] < ($_ + 1) * 0.050 * 0.95 } 0 .. 4;
    ok !@early, 'each token line waits for its delay'
        or diag(join ' ', map { sprintf 'line %d at %.3fs', $_, $lines->[$_][0] } 0 .. 4);
    control('config', { token_delay_ms => 0 });
}

# ---- stream:false, num_predict, thinking, tools, errors --------------------------------------
{
    my ($r, $d) = req('POST', '/api/chat', { model => 'llama3.2', stream => JSON::PP::false,
        messages => [ { role => 'user', content => 'hello world' } ] });
    is $r->{headers}{'content-type'}, 'application/json; charset=utf-8', 'stream:false content-type';
    is $d->{message}{content}, 'Echo: hello world [end]', 'stream:false full content';
    ok $d->{done} && $d->{done_reason} eq 'stop' && $d->{prompt_eval_count} > 0, 'stream:false final fields';

    ($r, $d) = req('POST', '/api/chat', { model => 'llama3.2', stream => JSON::PP::false, options => { num_predict => 2 },
        messages => [ { role => 'user', content => 'hello world' } ] });
    is $d->{message}{content}, 'Echo: hello', 'num_predict caps tokens';
    is $d->{done_reason}, 'length', 'done_reason length';

    my (undef, $lines) = stream_lines('/api/chat', { model => 'qwen3:0.6b', think => JSON::PP::true,
        messages => [ { role => 'user', content => 'why' } ] });
    my $c = decode_lines($lines);
    is_deeply [ map { $_->{message}{thinking} // '' } @$c[0 .. 2] ], [ 'Let', ' me', ' think.' ], 'thinking chunks first';
    is $c->[3]{message}{content}, 'Echo:', 'then content';
    ok !exists $c->[3]{message}{thinking}, 'content chunk has no thinking';
    ($r, $d) = req('POST', '/api/chat', { model => 'qwen3:0.6b', think => JSON::PP::false, stream => JSON::PP::false,
        messages => [ { role => 'user', content => 'why' } ] });
    ok !exists $d->{message}{thinking}, 'think:false → no thinking';
    ($r, $d) = req('POST', '/api/chat', { model => 'llama3.2', think => JSON::PP::true, messages => [ { role => 'user', content => 'x' } ] });
    is $r->{status}, 400, 'think on non-thinking model 400';
    is $d->{error}, '"llama3.2" does not support thinking', 'thinking error text';

    my $tools = [ { type => 'function', function => { name => 'get_weather', description => 'w',
        parameters => { type => 'object', properties => { city => { type => 'string' }, days => { type => 'integer' } } } } } ];
    (undef, $lines) = stream_lines('/api/chat', { model => 'llama3.2', tools => $tools,
        messages => [ { role => 'user', content => 'call get_weather city="Paris" days=3' } ] });
    $c = decode_lines($lines);
    is scalar(@$c), 2, 'tool call chunk + final';
    my $tc = $c->[0]{message}{tool_calls}[0];
    is $c->[0]{message}{content}, '', 'tool chunk content empty';
    ok !$c->[0]{done}, 'tool chunk done:false';
    like $tc->{id}, qr/^call_[a-z0-9]{8}$/, 'tool call id';
    is_deeply $tc->{function}, { index => 0, name => 'get_weather', arguments => { city => 'Paris', days => 3 } }, 'tool call arguments object';
    is $c->[1]{done_reason}, 'stop', 'final after tool call';
    ($r, $d) = req('POST', '/api/chat', { model => 'nomic-embed-text', messages => [ { role => 'user', content => 'x' } ] });
    is $r->{status}, 400, 'chat with embedding model 400';

    ($r, $d) = req('POST', '/api/chat', { model => 'missing:7b', messages => [] });
    is $r->{status}, 404, 'chat unknown model 404';
    is $d->{error}, "model 'missing:7b' not found", 'chat unknown model message';
    like $r->{headers}{'content-type'}, qr{^application/json}, 'error before stream is JSON';
    ($r, $d) = req('POST', '/api/chat', '');
    is_deeply [ $r->{status}, $d->{error} ], [ 400, 'missing request body' ], 'missing request body';
    ($r, $d) = req('POST', '/api/chat', { model => 'llama3.2', messages => [] });
    is $d->{done_reason}, 'load', 'empty messages loads';
}

# ---- generate, embed, ps ---------------------------------------------------------------------
{
    my ($r, $lines) = stream_lines('/api/generate', { model => 'llama3.2', prompt => 'why is the sky blue' });
    my $c = decode_lines($lines);
    is join('', map { $_->{response} } @$c), 'Echo: why is the sky blue [end]', 'generate stream text';
    ok $c->[-1]{done} && ref $c->[-1]{context} eq 'ARRAY', 'generate final has context';
    my $d;
    ($r, $d) = req('POST', '/api/generate', { model => 'llama3.2', prompt => '' });
    is_deeply [ $d->{done}, $d->{done_reason}, $d->{response} ], [ JSON::PP::true, 'load', '' ], 'generate empty prompt loads';
    ($r, $d) = req('POST', '/api/generate', { model => 'llama3.2', prompt => 'x', raw => JSON::PP::true, system => 's' });
    is $d->{error}, 'raw mode does not support template, system, or context', 'raw mode error';

    ($r, $d) = req('POST', '/api/embed', { model => 'nomic-embed-text', input => [ 'a', 'b' ] });
    is scalar(@{ $d->{embeddings} }), 2, 'embed: two vectors';
    is scalar(@{ $d->{embeddings}[0] }), 768, 'embed: 768 dims';
    my $n = 0; $n += $_**2 for @{ $d->{embeddings}[0] };
    ok abs($n - 1) < 1e-4, 'embed: unit norm';
    my (undef, $d2) = req('POST', '/api/embed', { model => 'nomic-embed-text', input => 'a' });
    is_deeply $d2->{embeddings}[0], $d->{embeddings}[0], 'embed deterministic';
    ($r, $d) = req('POST', '/api/embed', { model => 'nomic-embed-text', input => 42 });
    is_deeply [ $r->{status}, $d->{error} ], [ 400, 'invalid input type' ], 'embed invalid input type';

    ($r, $d) = req('GET', '/api/ps');
    my ($p) = grep { $_->{name} eq 'llama3.2:latest' } @{ $d->{models} };
    ok $p && $p->{expires_at} && defined $p->{size_vram} && $p->{context_length}, '/api/ps lists the loaded model';
}

# ---- pull, delete ----------------------------------------------------------------------------
{
    my ($r, $lines) = stream_lines('/api/pull', { model => 'gemma3:1b' });
    my $c = decode_lines($lines);
    is $r->{headers}{'content-type'}, 'application/x-ndjson', 'pull ndjson';
    is $c->[0]{status}, 'pulling manifest', 'pull starts with pulling manifest';
    is_deeply [ map { $_->{status} } @$c[ -3 .. -1 ] ], [ 'verifying sha256 digest', 'writing manifest', 'success' ], 'pull ends verify/write/success';
    my %last; my $mono = 1; my $layers = 0;
    for my $x (grep { $_->{status} =~ /^pulling [0-9a-f]{12}$/ } @$c) {
        $mono = 0 unless $x->{digest} =~ /^sha256:[0-9a-f]{64}$/ && substr($x->{digest}, 7, 12) eq substr($x->{status}, 8) && $x->{total};
        my $cur = $x->{completed} // -1;
        $layers++ unless exists $last{ $x->{digest} };
        $mono = 0 if exists $last{ $x->{digest} } && $cur < $last{ $x->{digest} };
        $last{ $x->{digest} } = $cur;
    }
    ok $mono && $layers >= 2, "pull: $layers layers with increasing completed";
    ok !(grep { $last{$_} <= 0 } keys %last), 'pull: each layer completes';
    my (undef, $d) = req('GET', '/api/tags');
    ok((grep { $_->{name} eq 'gemma3:1b' } @{ $d->{models} }), 'pulled model appears in tags');

    ($r, $lines) = stream_lines('/api/pull', { model => 'no-such-model:1b' });
    $c = decode_lines($lines);
    is $r->{status}, 200, 'pull unknown: 200 (error is mid-stream)';
    is_deeply $c, [ { status => 'pulling manifest' }, { error => 'pull model manifest: file does not exist' } ], 'pull unknown sequence';
    ($r, $d) = req('POST', '/api/pull', { model => 'no-such-model:1b', stream => JSON::PP::false });
    is_deeply [ $r->{status}, $d->{error} ], [ 500, 'pull model manifest: file does not exist' ], 'pull unknown stream:false';
    ($r, $d) = req('POST', '/api/pull', { model => 'smollm2:135m', stream => JSON::PP::false });
    is_deeply $d, { status => 'success' }, 'pull stream:false success';

    ($r) = req('DELETE', '/api/delete', { model => 'gemma3:1b' });
    is $r->{status}, 200, 'delete 200';
    is $r->{content}, '', 'delete empty body';
    ($r, $d) = req('DELETE', '/api/delete', { model => 'gemma3:1b' });
    is_deeply [ $r->{status}, $d->{error} ], [ 404, "model 'gemma3:1b' not found" ], 'delete again 404';

    control('config', { pull_delay_ms => 50 });
    my $n = raw_stream_and_close('/api/pull', { model => 'all-minilm' }, 2);
    ok $n >= 1, 'pull: read some progress then closed';
    my $e = poll_log('/api/pull', sub { $_[0]{body}{model} eq 'all-minilm' && $_[0]{ended} });
    ok $e && $e->{aborted}, 'pull abort recorded';
    (undef, $d) = req('GET', '/api/tags');
    ok !(grep { $_->{name} eq 'all-minilm:latest' } @{ $d->{models} }), 'aborted pull did not install the model';
    control('config', { pull_delay_ms => 5 });
}

# ---- abort, max-parallel, busy, faults ---------------------------------------------------------
{
    control('reset');
    control('config', { token_delay_ms => 50 });
    my $body = { model => 'llama3.2', messages => [ { role => 'user', content => 'one two three four five six seven eight' } ] };
    my $n = raw_stream_and_close('/api/chat', $body, 2);
    is $n, 2, 'raw socket read 2 lines';
    my $e = poll_log('/api/chat', sub { $_[0]{ended} });
    ok $e, 'chat request ended';
    ok $e->{aborted}, 'client abort recorded in /_control/log';
    cmp_ok $e->{tokens_sent}, '<', 10, "generation stopped after abort (tokens_sent $e->{tokens_sent})";
    sleep 0.3;
    my @all = log_entries('/api/chat');
    is $all[-1]{tokens_sent}, $e->{tokens_sent}, 'no tokens after the abort';
    for my $k (qw(method path body started ended aborted tokens_sent)) { ok exists $e->{$k}, "log entry has $k" }

    # --max-parallel 1: a second concurrent generation gets 503
    control('config', { token_delay_ms => 200 });
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $S->{port}, Proto => 'tcp') or die;
    my $json = $J->encode($body);
    print $sock "POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " . length($json) . "\r\n\r\n$json";
    sleep 0.1;
    my ($r, $d) = req('POST', '/api/chat', $body);
    is $r->{status}, 503, 'max-parallel: second generation 503';
    is $d->{error}, 'server busy, please try again.  maximum pending requests exceeded', 'busy message (two spaces)';
    close $sock;
    ok poll_log('/api/chat', sub { $_[0]{aborted} && $_[0]{ended} && !defined $_[0]{status} }), 'first request aborted';
    sleep 0.2;
    control('config', { token_delay_ms => 0, busy => JSON::PP::true });
    ($r, $d) = req('POST', '/api/chat', $body);
    is_deeply [ $r->{status}, $d->{error} ], [ 503, 'server busy, please try again.  maximum pending requests exceeded' ], 'busy control';

    control('config', { busy => JSON::PP::false, fail_before_stream => { status => 500, error => 'boom' } });
    ($r, $d) = req('POST', '/api/chat', $body);
    is_deeply [ $r->{status}, $d->{error} ], [ 500, 'boom' ], 'fail_before_stream';

    control('config', { fail_before_stream => undef, fail_after_tokens => 2 });
    my $lines;
    ($r, $lines) = stream_lines('/api/chat', $body);
    my $c = decode_lines($lines);
    is $r->{status}, 200, 'mid-stream error keeps 200';
    is scalar(@$c), 3, 'two tokens then the error line';
    ok $c->[2]{error} && !exists $c->[2]{done}, 'mid-stream {"error":...} line';

    control('config', { fail_after_tokens => undef, die_after_tokens => 1 });
    ($r, $lines) = stream_lines('/api/chat', $body);
    ok $r->{status} == 599 || !grep({ /"done":true/ } map { $_->[1] } @$lines), 'die_after_tokens: stream cut';
    $e = poll_log('/api/chat', sub { $_[0]{died} });
    ok $e && !$e->{aborted} && $e->{tokens_sent} == 1, 'die recorded as died (not aborted)';

    control('config', { die_after_tokens => undef, hang_after_tokens => 1 });
    my $t0 = time;
    my $short = HTTP::Tiny->new(timeout => 1);
    $r = $short->request('POST', "$S->{base}/api/chat", { content => $J->encode($body) });
    ok $r->{status} == 599 && time - $t0 >= 0.9, 'hang_after_tokens: client times out';
    ok poll_log('/api/chat', sub { $_[0]{hung} && $_[0]{aborted} }), 'hang then client close recorded';

    control('config', { hang_after_tokens => undef, invalid_ndjson => JSON::PP::true });
    ($r, $lines) = stream_lines('/api/chat', $body);
    ok((grep { !eval { $J->decode($_->[1]); 1 } } @$lines), 'invalid_ndjson: a line is not JSON');

    control('config', { invalid_ndjson => JSON::PP::false, endless => JSON::PP::true, token_delay_ms => 10 });
    $n = raw_stream_and_close('/api/chat', $body, 30);
    is $n, 30, 'endless: streamed 30 lines (more than the reply)';
    ok poll_log('/api/chat', sub { $_[0]{aborted} && $_[0]{tokens_sent} >= 30 }), 'endless stream aborted by client';

    control('config', { endless => JSON::PP::false, token_delay_ms => 0, gzip_bomb => 1_000_000 });
    $r = $http->request('GET', "$S->{base}/api/tags");
    ok $r->{headers}{'content-encoding'} eq 'gzip' && length($r->{content}) < 20000, 'gzip_bomb: small gzip body';
    control('reset');
    ($r) = req('GET', '/api/tags');
    ok !$r->{headers}{'content-encoding'}, 'reset clears the bomb';
    is scalar(log_entries()), 1, 'reset clears the log';
}

# ---- OpenAI compatibility --------------------------------------------------------------------
{
    my ($r, $d) = req('GET', '/v1/models');
    ok $d->{object} eq 'list' && (grep { $_->{id} eq 'llama3.2:latest' && $_->{owned_by} eq 'library' } @{ $d->{data} }), '/v1/models';
    ($r, $d) = req('POST', '/v1/chat/completions', { model => 'llama3.2', messages => [ { role => 'user', content => 'hi there' } ] });
    is $d->{object}, 'chat.completion', 'v1 non-stream object';
    is $d->{choices}[0]{message}{content}, 'Echo: hi there [end]', 'v1 content';
    is $d->{choices}[0]{finish_reason}, 'stop', 'v1 finish_reason';
    ok $d->{usage}{total_tokens} == $d->{usage}{prompt_tokens} + $d->{usage}{completion_tokens}, 'v1 usage';
    like $d->{id}, qr/^chatcmpl-\d+$/, 'v1 id';
    my $lines;
    ($r, $lines) = stream_lines('/v1/chat/completions', { model => 'llama3.2', stream => JSON::PP::true,
        stream_options => { include_usage => JSON::PP::true }, messages => [ { role => 'user', content => 'hi' } ] });
    is $r->{headers}{'content-type'}, 'text/event-stream', 'SSE content-type';
    my @data = map { $_->[1] =~ /^data: (.*)$/ ? $1 : () } @$lines;
    is $data[-1], '[DONE]', 'SSE ends with [DONE]';
    my @ev = map { $J->decode($_) } @data[ 0 .. $#data - 1 ];
    is $ev[0]{choices}[0]{delta}{role}, 'assistant', 'first chunk has role';
    is join('', map { @{ $_->{choices} } ? $_->{choices}[0]{delta}{content} // '' : () } @ev), 'Echo: hi [end]', 'SSE content';
    is $ev[-2]{choices}[0]{finish_reason}, 'stop', 'finish chunk';
    ok((!@{ $ev[-1]{choices} } && $ev[-1]{usage}), 'usage chunk') or diag $J->encode($ev[-1]);
    ok !(grep { $_->{object} ne 'chat.completion.chunk' || $_->{created} != $ev[0]{created} } @ev), 'same created on every chunk';
    ($r, $d) = req('POST', '/v1/chat/completions', { model => 'llama3.2', messages => [ { role => 'user', content => 'call lookup q=x' } ],
        tools => [ { type => 'function', function => { name => 'lookup', parameters => { type => 'object', properties => { q => { type => 'string' } } } } } ] });
    my $tc = $d->{choices}[0]{message}{tool_calls}[0];
    ok $tc->{type} eq 'function' && $tc->{function}{arguments} eq '{"q":"x"}' && $d->{choices}[0]{finish_reason} eq 'tool_calls', 'v1 tool call arguments string';
    ($r, $d) = req('POST', '/v1/chat/completions', { model => 'nope', messages => [ { role => 'user', content => 'x' } ] });
    is $r->{status}, 404, 'v1 unknown model 404';
    is_deeply [ sort keys %{ $d->{error} } ], [qw(code message param type)], 'OpenAI error shape';
    is $d->{error}{type}, 'not_found_error', 'OpenAI error type';

    # /v1/completions, as Ollama's middleware serves it over /api/generate
    ($r, $d) = req('POST', '/v1/completions', { model => 'llama3.2', prompt => 'one two' });
    is $d->{object}, 'text_completion', 'completions: text_completion';
    like $d->{id}, qr/^cmpl-\d+$/, 'completions: cmpl- id';
    is_deeply $d->{choices}, [ { text => 'Echo: one two [end]', index => 0, finish_reason => 'stop' } ], 'completions: choices';
    ok $d->{usage}{total_tokens} == $d->{usage}{prompt_tokens} + $d->{usage}{completion_tokens}, 'completions: usage';
    ($r, $lines) = stream_lines('/v1/completions', { model => 'llama3.2', prompt => 'hi', stream => JSON::PP::true,
        stream_options => { include_usage => JSON::PP::true } });
    @data = map { $_->[1] =~ /^data: (.*)$/ ? $1 : () } @$lines;
    is $data[-1], '[DONE]', 'completions stream ends with [DONE]';
    @ev = map { $J->decode($_) } @data[ 0 .. $#data - 1 ];
    is join('', map { @{ $_->{choices} } ? $_->{choices}[0]{text} : () } @ev), 'Echo: hi [end]', 'completions stream text';
    is_deeply $ev[-2]{choices}, [ { text => '', index => 0, finish_reason => 'stop' } ], 'completions: the finish chunk';
    ok((!@{ $ev[-1]{choices} } && $ev[-1]{usage}), 'completions: the usage chunk');
    ok !(grep { $_->{object} ne 'text_completion' } @ev), 'completions: text_completion chunks';
    ($r, $d) = req('POST', '/v1/completions', { model => 'nope', prompt => 'x' });
    is_deeply [ $r->{status}, $d->{error}{type} ], [ 404, 'not_found_error' ], 'completions: unknown model 404';
    ($r, $d) = req('POST', '/v1/completions', { model => 'llama3.2', prompt => [ 'a' ] });
    is $r->{status}, 400, 'completions: a prompt that is not a string 400';
}

# ---- bearer key (second server) ----------------------------------------------------------------
{
    $S = start_server('--api-key', 'k3y', '--port', '0');
    my ($r, $d) = req('GET', '/api/tags');
    is_deeply [ $r->{status}, $d->{error} ], [ 401, 'unauthorized' ], 'no key: 401 unauthorized';
    ($r) = req('GET', '/api/tags', undef, { Authorization => 'Bearer wrong' });
    is $r->{status}, 401, 'wrong key: 401';
    ($r) = req('GET', '/api/tags', undef, { Authorization => 'Bearer k3y' });
    is $r->{status}, 200, 'right key: 200';
    ($r) = req('POST', '/v1/chat/completions', { model => 'llama3.2', messages => [ { role => 'user', content => 'x' } ] });
    is $r->{status}, 401, '/v1 also needs the key';
    ($r) = req('GET', '/');
    is $r->{status}, 200, '/ stays open';
    my $e = poll_log('/api/tags', sub { ($_[0]{headers}{authorization} // '') eq 'Bearer k3y' });
    ok $e, 'log records request headers';
}

done_testing;
