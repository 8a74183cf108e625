#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# The MCP server at /api/v1/mcp (issue 17 item 3), on both databases:
# driven with raw JSON-RPC over the Streamable HTTP transport (the lifecycle
# and revision negotiation down to 2025-06-18 and 2025-03-26, every JSON-RPC
# error, batches per revision, the Origin guard, API keys with scopes and a
# project limit, resources, prompts, the shared tools, progress of
# run_analysis as an event stream), and with the official TypeScript SDK
# client (t/mcp-client) at the newest revision and at 2025-06-18.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use IO::Socket::INET;
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use Test::More;
use PlanningTest qw(:all);
use PlanningAnalysis qw(write_tree);

PlanningTest::require_build();

my $J = JSON::PP->new->utf8->canonical;
my $CLI = $PlanningTest::CLI;
my $CLIENT = repo_root() . '/t/mcp-client';
# script/bootstrap installs it; a lone `prove` of this file does it here.
unless (-f "$CLIENT/node_modules/\@modelcontextprotocol/sdk/package.json") {
    system("cd '$CLIENT' && npm ci --no-audit --no-fund --loglevel=error >&2") == 0
        or die "npm ci in $CLIENT failed: the MCP TypeScript SDK is needed\n";
}
my $LATEST = '2025-11-25';
my $ALLOWED = 'https://agent.example.com';
my $PNG = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89";

sub bearer { { Authorization => "Bearer $_[0]" } }

# One POST of body (a structure, or raw text) to the endpoint.
sub mcp {
    my ($srv, $key, $body, %o) = @_;
    my %h = (Authorization => defined $key ? "Bearer $key" : undef,
             'Content-Type' => 'application/json',
             Accept => $o{accept} // 'application/json, text/event-stream');
    $h{'MCP-Protocol-Version'} = $o{version} // $LATEST unless exists $o{version} && !defined $o{version};
    $h{Origin} = $o{origin} if $o{origin};
    $h{'Content-Type'} = $o{type} if $o{type};
    return $srv->request('POST', '/api/v1/mcp', \%h, ref $body ? $J->encode($body) : $body);
}

my $next_id = 0;
sub req { my ($method, $params) = @_; { jsonrpc => '2.0', id => ++$next_id, method => $method,
                                        $params ? (params => $params) : () } }

# The result of one request, or undef (with a diagnosis) when there is none.
sub result {
    my ($srv, $key, $method, $params, %o) = @_;
    my $r = mcp($srv, $key, req($method, $params), %o);
    return $r->{json}{result} if $r->{status} == 200 && $r->{json} && $r->{json}{result};
    diag("$method: $r->{status} " . ($r->{content} // ''));
    return undef;
}

sub rpc_error_is {
    my ($r, $status, $code, $name) = @_;
    my $e = (($r->{json} || {})->{error}) || {};
    ok($r->{status} == $status && ($e->{code} // 0) == $code, "$name: $status with JSON-RPC error $code")
        or diag("$r->{status} " . ($r->{content} // ''));
    return $e;
}

# A tools/call's result: its text parsed, and isError.
sub call_tool {
    my ($srv, $key, $name, $args, %o) = @_;
    my $res = result($srv, $key, 'tools/call', { name => $name, arguments => $args // {} }, %o) || {};
    my $text = eval { $J->decode($res->{content}[0]{text} // '') };
    return ($text, $res->{isError} ? 1 : 0, $res);
}

# A POST read to its end on a raw socket (Connection: close): status,
# Content-Type, the JSON-RPC messages of its events (SSE) or body, and the
# body's text.
sub post_stream {
    my ($srv, $key, $body, %o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $srv->port, Timeout => 10)
        or die "connect: $!";
    my $json = $J->encode($body);
    print $s "POST /api/v1/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           . "Authorization: Bearer $key\r\nContent-Type: application/json\r\n"
           . "Accept: " . ($o{accept} // 'application/json, text/event-stream') . "\r\n"
           . "MCP-Protocol-Version: $LATEST\r\nContent-Length: " . length($json) . "\r\n\r\n$json";
    my $raw = '';
    while (sysread($s, my $buf, 65536)) { $raw .= $buf }
    close $s;
    my ($head, $rest) = split /\r\n\r\n/, $raw, 2;
    my ($status) = $head =~ m{^HTTP/\d\.\d (\d{3})};
    my ($type) = $head =~ /^content-type:\s*([^\r\n]*)/im;
    if ($head =~ /^transfer-encoding:\s*chunked/im) {
        my $text = '';
        while ($rest =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
            my $n = hex $1;
            last unless $n;
            $text .= substr($rest, 0, $n, '');
            substr($rest, 0, 2, '');
        }
        $rest = $text;
    }
    my @msgs;
    if (($type // '') =~ m{^text/event-stream}) {
        for my $event (split /\n\n/, $rest) {
            my ($data) = $event =~ /^data: ?(.*)$/m;
            push @msgs, $J->decode($data) if defined $data;
        }
    } elsif (length $rest) {
        push @msgs, $J->decode($rest);
    }
    return ($status, $type // '', \@msgs, $rest);
}

# One session of the SDK client (t/mcp-client/client.mjs).
sub sdk {
    my (%a) = @_;
    open(my $fh, '-|', 'node', "$CLIENT/client.mjs", $J->encode(\%a)) or die "node: $!";
    local $/;
    my $out = <$fh>;
    close $fh;
    return eval { $J->decode($out // '') } || { error => { step => 'output', message => $out // '' } };
}

sub shop {
    my ($dir) = @_;
    write_tree($dir,
        'MASTER_PLAN.md' => "# Shop master plan\n\n## Primary objectives\n\n### AUTH-001 User login\n"
                          . "Users sign in with a password that is stored hashed.\n"
                          . "- [x] Hash passwords with a random salt\n- [ ] Lock an account after failures\n",
        'auth/passwords.py' => "import hashlib\n\n\ndef hash_password(password, salt):\n"
                             . "    \"\"\"Hash a password with a random salt.\"\"\"\n"
                             . "    return hashlib.pbkdf2_hmac('sha256', password.encode(), salt, 1000)\n",
        'logo.png' => $PNG,
        "notes/caf\xc3\xa9 #1?.md" => "# Caf\xc3\xa9 notes\n",
        'big.bin' => "\0" x (300 * 1024));
    git_in($dir, 'init', '-q', '-b', 'main');   # (and gives the tree to the children's user)
    git_in($dir, 'add', '-A');
    git_in($dir, 'commit', '-q', '-m', 'first');
}

for my $backend (backends()) {
    subtest "$backend: MCP server" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningAnalyzer $CLI\n"
                                      . "PlanningMCPOrigins $ALLOWED");
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my ($a_dir, $b_dir) = (project_dir($R, 'shop'), project_dir($R, 'other'));
        shop($a_dir);
        write_tree($b_dir, 'MASTER_PLAN.md' => "# Other plan\n");
        my $A = $srv->json('POST', '/api/v1/projects', { name => 'shop', local_path => $a_dir }, bearer($dev))->{json}{id};
        my $B = $srv->json('POST', '/api/v1/projects', { name => 'other', local_path => $b_dir }, bearer($dev))->{json}{id};
        ok($A && $B, 'two projects');
        my $key = sub {
            my (%body) = @_;
            my $r = $srv->json('POST', '/api/v1/auth/keys', \%body, bearer($dev));
            status_is($r, 201, "key $body{name}");
            return $r->{json}{key};
        };
        my $kw = $key->(name => 'agent', scopes => ['write']);
        my $kr = $key->(name => 'reader', scopes => ['read']);
        my $ka = $key->(name => 'shop-only', scopes => ['write'], project_id => $A);

        # ---- lifecycle and revisions
        my $init = sub { { protocolVersion => $_[0], capabilities => {}, clientInfo => { name => 't', version => '1' } } };
        my $r = mcp($srv, $kw, req('initialize', $init->($LATEST)), version => undef);
        status_is($r, 200, 'initialize');
        my $res = $r->{json}{result} || {};
        is($res->{protocolVersion}, $LATEST, "the newest revision, $LATEST");
        ok($res->{capabilities}{$_}, "capability $_") for qw(tools resources prompts);
        is($res->{serverInfo}{name}, 'mod_planning', 'serverInfo');
        like($r->{headers}{'content-type'}, qr{^application/json}, 'a JSON reply');
        ok(!$r->{headers}{'mcp-session-id'}, 'no session is issued (stateless)');
        for my $v ('2025-06-18', '2025-03-26') {
            is((result($srv, $kw, 'initialize', $init->($v), version => undef) || {})->{protocolVersion}, $v,
               "a client asking for $v gets it");
        }
        is((result($srv, $kw, 'initialize', $init->('2024-11-05'), version => undef) || {})->{protocolVersion},
           $LATEST, 'an unknown revision is answered with the newest');
        $r = mcp($srv, $kw, { jsonrpc => '2.0', method => 'notifications/initialized' });
        is($r->{status}, 202, 'notifications/initialized: 202');
        is($r->{content}, '', '... with no body');
        is_deeply(result($srv, $kw, 'ping'), {}, 'ping');
        is_deeply(result($srv, $kw, 'ping', undef, version => '2025-06-18'), {}, 'ping at 2025-06-18');
        rpc_error_is(mcp($srv, $kw, req('ping'), version => '1999-01-01'), 400, -32600,
                     'an unsupported MCP-Protocol-Version');

        # ---- JSON-RPC errors
        rpc_error_is(mcp($srv, $kw, '{"jsonrpc":"2.0",'), 400, -32700, 'truncated JSON');
        rpc_error_is(mcp($srv, $kw, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}"), 400, -32700,
                     'invalid UTF-8');
        my $e = rpc_error_is(mcp($srv, $kw, { jsonrpc => '1.0', id => 7, method => 'ping' }), 400, -32600,
                             'jsonrpc 1.0');
        is(mcp($srv, $kw, { jsonrpc => '1.0', id => 7, method => 'ping' })->{json}{id}, 7, '... answered under its id');
        rpc_error_is(mcp($srv, $kw, '5'), 400, -32600, 'a scalar');
        rpc_error_is(mcp($srv, $kw, ''), 400, -32700, 'an empty body');
        rpc_error_is(mcp($srv, $kw, '1,2'), 400, -32700, 'two values');
        rpc_error_is(mcp($srv, $kw, { jsonrpc => '2.0', id => undef, method => 'ping' }), 400, -32600, 'a null id');
        rpc_error_is(mcp($srv, $kw, { jsonrpc => '2.0', id => 1.5, method => 'ping' }), 400, -32600, 'a real id');
        rpc_error_is(mcp($srv, $kw, { jsonrpc => '2.0', id => 1, method => 3 }), 400, -32600, 'a method not a string');
        rpc_error_is(mcp($srv, $kw, { jsonrpc => '2.0', id => 1, method => 'ping', params => [1] }), 400, -32600,
                     'params as an array');
        rpc_error_is(mcp($srv, $kw, req('tools/nope')), 200, -32601, 'an unknown method');
        rpc_error_is(mcp($srv, $kw, req('initialize', {})), 200, -32602, 'initialize without protocolVersion');
        rpc_error_is(mcp($srv, $kw, req('resources/read', {})), 200, -32602, 'resources/read without uri');
        rpc_error_is(mcp($srv, $kw, req('resources/list', { cursor => 'zz' })), 200, -32602, 'a cursor not ours');
        rpc_error_is(mcp($srv, $kw, req('tools/call', { name => 'format_disk' })), 200, -32602, 'an unknown tool');
        rpc_error_is(mcp($srv, $kw, req('tools/call', { name => 'list_projects', arguments => [] })), 200, -32602,
                     'tool arguments not an object');
        rpc_error_is(mcp($srv, $kw, req('prompts/get', { name => 'no-such-prompt' })), 200, -32602,
                     'an unknown prompt');
        # a tool's own failure is a result the model reads, not a protocol error
        my ($text, $is_err) = call_tool($srv, $kw, 'list_projects', { limit => 'many' });
        ok($is_err, 'arguments against the schema: a result with isError');
        like($J->encode($text // {}), qr/limit/, '... naming the argument');

        # ---- batches: 2025-03-26 only
        my @batch = (req('ping'), { jsonrpc => '2.0', method => 'notifications/initialized' }, req('nope'));
        $r = mcp($srv, $kw, \@batch, version => '2025-03-26');
        status_is($r, 200, 'a batch at 2025-03-26');
        is(ref $r->{json}, 'ARRAY', '... answered with an array');
        is(scalar @{ $r->{json} || [] }, 2, '... one reply per request, none for the notification');
        is_deeply($r->{json}[0]{result}, {}, '... ping');
        is($r->{json}[1]{error}{code}, -32601, '... the unknown method');
        $r = mcp($srv, $kw, [req('initialize', $init->('2025-03-26'))], version => '2025-03-26');
        is($r->{json}[0]{error}{code}, -32600, 'initialize in a batch is refused');
        rpc_error_is(mcp($srv, $kw, [req('ping')]), 400, -32600, "a batch at $LATEST");
        rpc_error_is(mcp($srv, $kw, [req('ping')], version => '2025-06-18'), 400, -32600, 'a batch at 2025-06-18');
        rpc_error_is(mcp($srv, $kw, [], version => '2025-03-26'), 400, -32600, 'an empty batch');
        rpc_error_is(mcp($srv, $kw, [map { req('ping') } 1 .. 21], version => '2025-03-26'), 400, -32600,
                     'a batch over 20');
        is(mcp($srv, $kw, [{ jsonrpc => '2.0', method => 'notifications/cancelled', params => {} }],
               version => '2025-03-26')->{status}, 202, 'a batch of notifications: 202');
        is(mcp($srv, $kw, req('ping'), version => undef)->{status}, 200,
           'no MCP-Protocol-Version header: 2025-03-26 assumed');

        # ---- HTTP
        error_is($srv->request('GET', '/api/v1/mcp', bearer($kw)), 405, 'METHOD_NOT_ALLOWED', 'GET: 405');
        like($srv->request('GET', '/api/v1/mcp', bearer($kw))->{headers}{allow} // '', qr/POST/, '... Allow: POST');
        error_is(mcp($srv, $kw, req('ping'), type => 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE', 'text/plain');
        rpc_error_is(mcp($srv, $kw, req('ping'), accept => 'text/html'), 406, -32600, 'Accept: text/html');

        # ---- credentials and Origin
        error_is(mcp($srv, undef, req('ping')), 401, 'UNAUTHORIZED', 'no key: 401');
        error_is(mcp($srv, 'pl_1_' . ('x' x 43), req('ping')), 401, 'UNAUTHORIZED', 'a wrong key: 401');
        for my $o ('https://evil.example', 'http://127.0.0.1.evil.example:' . $srv->port, 'null',
                   'http://127.0.0.1:1') {
            rpc_error_is(mcp($srv, $kw, req('ping'), origin => $o), 403, -32600, "Origin $o: 403");
        }
        rpc_error_is(mcp($srv, undef, req('ping'), origin => 'https://evil.example'), 403, -32600,
                     'a foreign Origin is refused before the credentials are looked at');
        is(mcp($srv, $kw, req('ping'), origin => 'http://127.0.0.1:' . $srv->port)->{status}, 200,
           'the server\'s own origin');
        is(mcp($srv, $kw, req('ping'), origin => $ALLOWED)->{status}, 200, 'an origin of PlanningMCPOrigins');

        # ---- tools: the shared registry, with the key's rights
        my %tools = map { $_->{name} => $_ } @{ (result($srv, $kw, 'tools/list') || {})->{tools} || [] };
        ok($tools{$_}, "tools/list has $_") for qw(list_projects get_plan read_file add_task run_analysis);
        is($tools{list_projects}{inputSchema}{type}, 'object', 'an input schema');
        ok(is_true($tools{list_projects}{annotations}{readOnlyHint}), 'a read tool is readOnly');
        ok(is_false($tools{add_task}{annotations}{readOnlyHint}), 'a write tool is not');
        my %read_tools = map { $_->{name} => 1 } @{ (result($srv, $kr, 'tools/list') || {})->{tools} || [] };
        ok($read_tools{get_plan} && !$read_tools{add_task}, 'a read key is not offered write tools');
        ($text, $is_err) = call_tool($srv, $kr, 'add_task', { project_id => $A, objective_id => 'AUTH-001',
                                                              task => 'Rate-limit logins' });
        ok($is_err, 'a read key calling a write tool: isError');
        unlike(`cat '$a_dir/MASTER_PLAN.md'`, qr/Rate-limit/, '... and the plan is unchanged');
        ($text, $is_err, $res) = call_tool($srv, $kw, 'add_task', { project_id => $A, objective_id => 'AUTH-001',
                                                                    task => 'Rate-limit logins' });
        ok(!$is_err, 'a write key adds a task') or diag($J->encode($res));
        like(`cat '$a_dir/MASTER_PLAN.md'`, qr/Rate-limit logins/, '... into the plan');
        ($text, $is_err, $res) = call_tool($srv, $kw, 'list_projects');
        ok(!$is_err, 'list_projects');
        ok($res->{structuredContent}, "... with structured content at $LATEST");
        (undef, undef, $res) = call_tool($srv, $kw, 'list_projects', {}, version => '2025-03-26');
        ok(!$res->{structuredContent}, '... none at 2025-03-26');
        ($text) = call_tool($srv, $ka, 'list_projects');
        is_deeply([map { $_->{id} } @{ $text->{items} || $text->{projects} || [] }], [$A],
                  'a project-limited key lists its project only') or diag($J->encode($text));
        (undef, $is_err) = call_tool($srv, $ka, 'get_plan', { project_id => $B });
        ok($is_err, '... and cannot read another\'s plan');

        # ---- resources
        my $list = result($srv, $kw, 'resources/list') || {};
        my %uris = map { $_->{uri} => $_ } @{ $list->{resources} || [] };
        my $pa = "planning://projects/$A";
        ok($uris{"$pa/$_"}, "resource $pa/$_") for qw(plan objectives recommendations files/auth/passwords.py
                                                     files/logo.png);
        ok(!grep({ m{/files/\.git} } keys %uris), 'nothing of .git/ is listed');
        ok($uris{"planning://projects/$B/plan"}, 'the other project\'s plan');
        my %limited = map { $_->{uri} => 1 } @{ (result($srv, $ka, 'resources/list') || {})->{resources} || [] };
        ok($limited{"$pa/plan"} && !grep({ m{projects/$B/} } keys %limited),
           'a project-limited key lists its project\'s resources only');
        my $read = sub { (result($srv, $_[0], 'resources/read', { uri => $_[1] }) || {})->{contents}[0] || {} };
        like($read->($kw, "$pa/plan")->{text} // '', qr/# Shop master plan/, 'the plan as a resource');
        is($read->($kw, "$pa/plan")->{mimeType}, 'text/markdown', '... text/markdown');
        like($read->($kw, "$pa/files/auth/passwords.py")->{text} // '', qr/def hash_password/, 'a text file');
        is(decode_base64($read->($kw, "$pa/files/logo.png")->{blob} // ''), $PNG, 'a small binary file as a blob');
        my $odd = "$pa/files/notes/caf%C3%A9%20%231%3F.md";
        ok($uris{$odd}, 'a name with a space, "#", "?" and UTF-8 is percent-encoded in its URI')
            or diag(join ' ', grep { /notes/ } keys %uris);
        like($read->($kw, $odd)->{text} // '', qr/^# Caf\x{e9} notes/, '... and read back by it');
        for my $bad ("$pa/files/.git/config", "$pa/files/../other/MASTER_PLAN.md", "$pa/files/nope.txt",
                     "$pa/files/%2e%2e/other/MASTER_PLAN.md", "$pa/files/auth%00/passwords.py",
                     "$pa/files/auth%2fpasswords.py%", "$pa/files/%2Fetc/passwd",
                     "$pa/objectives", "planning://projects/$B/plan?x", "planning://projects/999/plan",
                     'file:///etc/passwd', "$pa/secrets") {
            rpc_error_is(mcp($srv, $kw, req('resources/read', { uri => $bad })), 200, -32002, "read $bad");
        }
        rpc_error_is(mcp($srv, $kw, req('resources/read', { uri => "$pa/files/big.bin" })), 200, -32602,
                     'a binary file over the cap');
        rpc_error_is(mcp($srv, $ka, req('resources/read', { uri => "planning://projects/$B/plan" })), 200, -32002,
                     'a project-limited key cannot read another project');
        my %tmpl = map { $_->{uriTemplate} => 1 } @{ (result($srv, $kw, 'resources/templates/list') || {})->{resourceTemplates} || [] };
        ok($tmpl{'planning://projects/{id}/files/{+path}'}, 'the file template');

        # ---- prompts
        status_is($srv->json('POST', '/api/v1/prompts', { name => 'review', description => 'Review a topic',
                  body => 'Review {{topic}} for {{user}} on {{date}}.' }, bearer($dev)), 201, 'a prompt');
        my $about = $srv->json('POST', '/api/v1/prompts', { name => 'about', body => 'About {{project.name}}: {{ask}}' },
                               bearer($dev));
        my %prompts = map { $_->{name} => $_ } @{ (result($srv, $kr, 'prompts/list') || {})->{prompts} || [] };
        is_deeply([map { $_->{name} } @{ $prompts{review}{arguments} || [] }], ['topic'],
                  'a prompt\'s variables are its arguments, the built-ins filled in');
        is_deeply([sort map { $_->{name} } @{ $prompts{about}{arguments} || [] }], ['ask', 'project'],
                  '... project.name asks for a project');
        my $got = result($srv, $kr, 'prompts/get', { name => 'review', arguments => { topic => 'passwords' } }) || {};
        like($got->{messages}[0]{content}{text} // '', qr/^Review passwords for dev on \d{4}-\d\d-\d\d\.$/,
             'prompts/get renders it');
        $got = result($srv, $kr, 'prompts/get', { name => 'about', arguments => { project => "$A", ask => 'why?' } }) || {};
        is($got->{messages}[0]{content}{text}, 'About shop: why?', '... with the project\'s name');
        rpc_error_is(mcp($srv, $ka, req('prompts/get', { name => 'about', arguments => { project => "$B", ask => 'x' } })),
                     200, -32602, 'a project outside the key\'s limit');
        $e = rpc_error_is(mcp($srv, $kr, req('prompts/get', { name => 'review' })), 200, -32602, 'a missing argument');
        is_deeply($e->{data}{missing}, ['topic'], '... named');
        rpc_error_is(mcp($srv, $kr, req('prompts/get', { name => 'review', arguments => { topic => 5 } })), 200, -32602,
                     'an argument not a string');
        $srv->sql("UPDATE prompts SET body = 'broken {{' WHERE name = 'review'");
        rpc_error_is(mcp($srv, $kr, req('prompts/get', { name => 'review', arguments => { topic => 'x' } })), 200,
                     -32603, 'a stored template that no longer parses: internal error');

        # ---- run_analysis: progress over an event stream
        my ($status, $type, $msgs) = post_stream($srv, $kw, { jsonrpc => '2.0', id => 'run-1', method => 'tools/call',
            params => { name => 'run_analysis', arguments => { project_id => $A }, _meta => { progressToken => 'tok-1' } } });
        is($status, 200, 'run_analysis with a progressToken');
        like($type, qr{^text/event-stream}, '... answered as an event stream');
        my @progress = grep { ($_->{method} // '') eq 'notifications/progress' } @$msgs;
        ok(@progress >= 1, '... with progress notifications (' . scalar(@progress) . ')');
        ok(!grep({ ($_->{params}{progressToken} // '') ne 'tok-1' } @progress), '... carrying the token');
        my @p = map { $_->{params}{progress} } @progress;
        ok(!grep({ $p[$_] <= $p[$_ - 1] } 1 .. $#p), '... growing: ' . join(' ', @p));
        my $final = $msgs->[-1] || {};
        is($final->{id}, 'run-1', '... the reply last');
        ok(!$final->{result}{isError}, '... not an error') or diag($J->encode($final));
        my $run = eval { $J->decode($final->{result}{content}[0]{text}) } || {};
        ($status, $type, $msgs) = post_stream($srv, $kw, { jsonrpc => '2.0', id => 2, method => 'tools/call',
            params => { name => 'run_analysis', arguments => { project_id => $A } } }, accept => 'application/json');
        like($type, qr{^application/json}, 'without a progressToken or SSE: plain JSON');
        is(scalar @$msgs, 1, '... one reply');
        ($text, $is_err) = call_tool($srv, $kr, 'run_analysis', { project_id => $A });
        ok($is_err, 'a read key cannot run an analysis');
        PlanningAnalysis::poll($srv, "/api/v1/projects/$A/analyses", sub {
            !grep { !PlanningAnalysis::ended($_) } @{ $_[0]{items} || [] } }, 120);
        my $obj = eval { $J->decode($read->($kw, "$pa/objectives")->{text} // '') } || {};
        ok(@{ $obj->{items} || [] } >= 1, 'the objectives resource after the analysis') or diag($J->encode($run));

        # ---- the official SDK client
        my %args = (get_objective => { objective_id => 'AUTH-001' }, search_code => { query => 'password salt' },
                    read_file => { path => 'auth/passwords.py' }, add_task => { objective_id => 'AUTH-001', task => 'Audit' },
                    update_task => { objective_id => 'AUTH-001', task => 'Audit', done => JSON::PP::true },
                    add_objective => { title => 'Sessions', tasks => ['Expire idle sessions'] },
                    edit_plan_section => { heading => 'Sessions', markdown => "- [ ] Expire idle sessions\n- [ ] Log out everywhere\n" });
        my @every = map { { name => $_, arguments => { project_id => $A, %{ $args{$_} || {} } } } }
                    grep { $_ ne 'list_projects' } sort keys %tools;
        my $out = sdk(url => $srv->url('/api/v1/mcp'), key => $kw, calls => [{ name => 'list_projects', arguments => {} }, @every],
                      call => { name => 'get_plan', arguments => { project_id => $A } },
                      read => "$pa/plan", prompt => { name => 'about', arguments => { project => "$A", ask => 'q' } });
        ok(!$out->{error}, 'the SDK client: connect, list and call tools, resources, prompts')
            or diag($J->encode($out->{error}));
        is($out->{version}, $LATEST, "... at $LATEST");
        is_deeply([sort map { $_->{name} } @{ $out->{tools} || [] }], [sort keys %tools], '... lists the tools');
        for my $c (@{ $out->{calls} || [] }) {
            ok(!$c->{isError}, "... calls $c->{name}") or diag($c->{text});
        }
        is(scalar @{ $out->{calls} || [] }, scalar keys %tools, '... every one of them');
        like(`cat '$a_dir/MASTER_PLAN.md'`, qr/- \[x\] Audit.*## .*Sessions.*Log out everywhere/s,
             '... and the write tools changed the plan');
        ok($out->{call} && !$out->{call}{isError}, '... calls get_plan');
        like($out->{call}{content}[0]{text} // '', qr/Shop master plan/, '... which reads the plan');
        ok((grep { $_->{uri} eq "$pa/plan" } @{ $out->{resources} || [] }), '... lists resources');
        like($out->{read}{contents}[0]{text} // '', qr/# Shop master plan/, '... reads one');
        is($out->{prompt}{messages}[0]{content}{text}, 'About shop: q', '... gets a prompt');
        $out = sdk(url => $srv->url('/api/v1/mcp'), key => $kr, version => '2025-06-18');
        ok(!$out->{error}, 'the SDK client at 2025-06-18') or diag($J->encode($out->{error}));
        is($out->{version}, '2025-06-18', '... negotiated');
        ok(@{ $out->{headers} } && !grep({ $_ ne '2025-06-18' } @{ $out->{headers} }),
           '... and sent as MCP-Protocol-Version on every later POST');
        $out = sdk(url => $srv->url('/api/v1/mcp'), key => $ka);
        is_deeply([sort keys %{ { map { (m{^planning://projects/(\d+)/} ? ($1 => 1) : ()) } map { $_->{uri} } @{ $out->{resources} || [] } } }],
                  [$A], 'the SDK client with a project-limited key sees one project');
        $out = sdk(url => $srv->url('/api/v1/mcp'), key => 'pl_1_' . ('y' x 43));
        ok($out->{error} && $out->{error}{step} eq 'connect', 'the SDK client with a bad key is refused')
            or diag($J->encode($out));

        $srv->stop;
    };

    subtest "$backend: a long run_analysis keeps its event stream alive" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningSSEHeartbeat 1\n"
                                      . "PlanningAnalyzer $FindBin::Bin/analyzers/misbehave\nPlanningAnalysisTimeout 4");
        my $dir = project_dir($R, 'slow');
        write_tree($dir, 'MASTER_PLAN.md' => "# Slow\n", '.analyzer' => 'hang');   # progress, then silence
        system('chown', '-R', (getpwnam('www-data'))[2], $dir) if $> == 0;
        my $id = $srv->json('POST', '/api/v1/projects', { name => 'slow', local_path => $dir })->{json}{id};
        my $k = $srv->json('POST', '/api/v1/auth/keys', { name => 'agent', scopes => ['write'] })->{json}{key};
        my ($status, $type, $msgs, $text) = post_stream($srv, $k, { jsonrpc => '2.0', id => 9, method => 'tools/call',
            params => { name => 'run_analysis', arguments => { project_id => $id }, _meta => { progressToken => 5 } } });
        like($type, qr{^text/event-stream}, 'an event stream');
        my $beats = () = $text =~ /^: keep-alive$/mg;
        ok($beats >= 2, "keep-alive comments while the analysis is silent ($beats)");
        my @p = map { $_->{params}{progress} } grep { ($_->{method} // '') eq 'notifications/progress' } @$msgs;
        is($p[-1], 100, 'the last progress is 100 once it ended: ' . join(' ', @p));
        is($msgs->[-1]{id}, 9, 'the reply last');
        $srv->stop;
    };

    subtest "$backend: MCP requests count against the API's rate limit" => sub {
        my $srv = start_server(backend => $backend, extra => "PlanningLoginRateLimit 0\nPlanningAPIRateLimit 5");
        my $k = $srv->json('POST', '/api/v1/auth/keys', { name => 'agent', scopes => ['read'] })->{json}{key};
        my @st = map { mcp($srv, $k, req('ping'))->{status} } 1 .. 7;
        is_deeply([@st[0 .. 3]], [200, 200, 200, 200], 'within the limit: answered');
        my $r = mcp($srv, $k, req('ping'));
        error_is($r, 429, 'RATE_LIMITED', 'over it: 429');
        ok($r->{headers}{'retry-after'}, '... with Retry-After');
        $srv->stop;
    };
}

done_testing();
