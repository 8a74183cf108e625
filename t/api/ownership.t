#!/usr/bin/env perl
# Authorization on every route and verb (SECURITY.md item 11), as a matrix
# generated from GET /api/v1/routes: callers admin, owner (the developer who
# created project A), member-viewer (a developer who is a viewer member of A),
# outsider (a developer with no access to A) and no credentials, each sending
# every route with {id} = A, {user}/{key} = another user's; plus per-user
# settings validation and the audit log.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $J = JSON::PP->new->canonical->utf8;
my $EXTRA = "PlanningLoginRateLimit 0\nPlanningModelServerAllow 127.0.0.0/8\nPlanningAnalyzer $PlanningTest::CLI";
my %METHOD_ORDER = (GET => 0, POST => 1, PUT => 2, PATCH => 3, DELETE => 4);

sub bearer { defined $_[0] ? { Authorization => "Bearer $_[0]" } : { Authorization => undef } }

for my $backend (backends()) {
    subtest "$backend: every route and verb" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}], extra => $EXTRA);
        my ($owner_id, $owner) = $srv->add_user('owner', 'developer');
        my ($mv_id, $mv)       = $srv->add_user('member', 'developer');
        my ($out_id, $out)     = $srv->add_user('outsider', 'developer');
        my ($vic_id, $vic)     = $srv->add_user('victim', 'developer');

        my $mk = sub {
            my ($name) = @_;
            my $dir = project_dir($R, $name);
            chmod 0777, $dir;   # a checkout the server may write (its plan: PUT, restore)
            my $r = $srv->json('POST', '/api/v1/projects', { name => $name, local_path => $dir,
                                                            description => "project $name" }, bearer($owner));
            status_is($r, 201, "owner creates $name");
            return $r->{json} || {};
        };
        my $A  = $mk->('alpha');
        my $A2 = $mk->('alpha2');    # the admin's target, so the owner's writes on A do not disturb it
        # Each a git repository on main with a commit, a merged branch "gone"
        # and a staged file, for the git routes (commit needs something staged).
        my %sha_for;
        for my $proj ($A, $A2) {
            my $d = $proj->{local_path};
            PlanningTest::spew("$d/MASTER_PLAN.md", "# Plan\n");
            git_in($d, 'init', '-q', '-b', 'main');
            git_in($d, 'add', '-A');
            git_in($d, 'commit', '-q', '-m', 'plan');
            git_in($d, 'branch', 'gone');
            PlanningTest::spew("$d/staged.txt", "staged\n");
            git_in($d, 'add', 'staged.txt');
            ($sha_for{ $proj->{id} } = git_in($d, 'rev-parse', 'HEAD')) =~ s/\s+//g;
            # the files routes write as the children's user; each project has a file to move
            PlanningTest::spew("$d/to-move.txt", "move me\n");
            system('chown', '-R', 'www-data:www-data', $d) if $> == 0;
        }
        # A complete analysis of each, for the routes of analyses and their results.
        my %analysis_for;
        for my $proj ($A, $A2) {
            PlanningTest::spew("$proj->{local_path}/MASTER_PLAN.md", "# Plan\n\n## Primary objectives\n\n### AUTH-001 Login\n- [ ] Sign in\n");
            my $an = $srv->json('POST', "/api/v1/projects/$proj->{id}/analyze", {}, bearer($owner));
            status_is($an, 202, "an analysis of $proj->{name}");
            my $aid = ($an->{json} || {})->{id} // 0;
            my $st = {};
            for (1 .. 300) {
                $st = $srv->request('GET', "/api/v1/analyses/$aid/status")->{json} || {};
                last if ($st->{state} // '') =~ /^(?:complete|failed|canceled)$/;
                select(undef, undef, undef, 0.2);
            }
            is($st->{state}, 'complete', "the analysis of $proj->{name} completes");
            $analysis_for{ $proj->{id} } = $aid;
        }
        is($A->{owner_id}, $owner_id, 'the creator is the owner') if exists $A->{owner_id};
        # (made by the admin: whether the owner may manage members is part of the matrix)
        status_is($srv->json('PUT', "/api/v1/projects/$A->{id}/members/$mv_id", { role => 'viewer' }),
                  200, 'member becomes a viewer of A');
        status_is($srv->json('PUT', "/api/v1/projects/$A->{id}/members/$vic_id", { role => 'viewer' }),
                  200, 'victim becomes a viewer of A');
        my $ml = $srv->request('GET', "/api/v1/projects/$A->{id}/members");
        is_deeply([ sort map { $_->{user_id} // $_->{id} // $_->{username} } @{ ($ml->{json} || {})->{items} || [] } ],
                  [ sort { $a <=> $b } $mv_id, $vic_id ], 'A has the two members') or diag_res($ml);
        # A project says the caller's role in it (the UI offers what it allows):
        # a developer account that is a viewer member is a viewer there.
        my %role_seen = map { $_->[0] => ($srv->request('GET', "/api/v1/projects/$A->{id}", $_->[1] ? bearer($_->[1]) : {})->{json} || {})->{my_role} }
                        [ owner => $owner ], [ member => $mv ], [ admin => undef ];
        is_deeply(\%role_seen, { owner => 'admin', member => 'viewer', admin => 'admin' }, 'my_role: the caller\'s role in the project');
        my $vk = $srv->json('POST', '/api/v1/auth/keys', { name => 'victim-key', scopes => ['read'] }, bearer($vic));
        status_is($vk, 201, "victim's API key");
        my $vkey = $vk->{json} || {};

        # A model server on a loopback port where nothing listens: its
        # management routes are reachable, its upstream calls fail (502).
        my $dead = PlanningTest::free_port();
        my $ms = $srv->json('POST', '/api/v1/servers', { name => 'dead', base_url => "http://127.0.0.1:$dead" });
        status_is($ms, 201, 'a model server');
        my $server_id = ($ms->{json} || {})->{id};
        # A thread of the owner's: threads belong to one user, admins included.
        my $th = $srv->json('POST', '/api/v1/threads', { title => 'owners', model => 'llama3.2:latest' }, bearer($owner));
        status_is($th, 201, "the owner's thread");
        my $thread_id = ($th->{json} || {})->{id};
        # Two prompts of the owner's: the library is shared, changing one is
        # for its owner and admins; the admin's run gets the second.
        my %prompt_for;
        for my $proj ($A, $A2) {
            my $pr = $srv->json('POST', '/api/v1/prompts', { name => "owners-$proj->{id}", body => 'About {{topic}}' },
                                bearer($owner));
            status_is($pr, 201, "the owner's prompt");
            $prompt_for{ $proj->{id} } = ($pr->{json} || {})->{id};
        }
        # A job of the admin's (a pull from the dead server: it fails at once).
        my $jb = $srv->json('POST', "/api/v1/servers/$server_id/models/pull", { name => 'llama3.2:1b' });
        status_is($jb, 202, "the admin's job");
        my $job_id = ($jb->{json} || {})->{id};
        # A reply in it (incomplete: the server is down) for the routes that name one.
        my $msg = $srv->json('POST', "/api/v1/threads/$thread_id/messages", { content => 'hi', stream => JSON::PP::false },
                             bearer($owner));
        my $message_id = ((($msg->{json} || {})->{error} || {})->{details} || {})->{message_id};
        ok($message_id, "a reply in the owner's thread") or diag_res($msg);

        my $rl = $srv->request('GET', '/api/v1/routes');
        status_is($rl, 200, 'GET /routes');
        my @routes = @{ ($rl->{json} || {})->{routes} || [] };
        cmp_ok(scalar @routes, '>=', 28, 'at least the 28 routes of the auth issue are listed');
        my %listed = map { ("$_->{method} $_->{path}" => 1) } @routes;
        for my $must ('GET /api/v1/projects', 'GET /api/v1/projects/{id}', 'GET /api/v1/users', 'GET /api/v1/auth/me') {
            ok($listed{$must}, "routes lists $must") or diag("listed: " . join(', ', sort keys %listed));
        }
        ok(!(grep { $_->{method} !~ /^(?:GET|POST|PUT|PATCH|DELETE)$/ } @routes),
           'every listed method is GET, POST, PUT, PATCH or DELETE')
            or diag(join ', ', map { "$_->{method} $_->{path}" } grep { $_->{method} !~ /^(?:GET|POST|PUT|PATCH|DELETE)$/ } @routes);
        for my $r (@routes) {
            $r->{method} = 'GET' if $r->{method} eq 'HEAD';    # (see the assertion above)
            ok($r->{permission} =~ /^(?:public|read|write|admin)$/, "$r->{method} $r->{path}: a known permission");
        }
        ok((grep { $_->{permission} eq 'public' } @routes) >= 3, 'some routes are public');
        ok(!(grep { $_->{project_scoped} && $_->{path} !~ /\{id\}/ } @routes), 'project-scoped routes have {id}');
        # Routes every test run sends with its own fixed expectation.
        # (POST /auth/logout-all last: it ends every session of the caller)
        my $ends_all = sub { $_[0]{path} =~ m{/logout-all$} ? 1 : 0 };
        @routes = sort { $ends_all->($a) <=> $ends_all->($b)
                         || $METHOD_ORDER{ $a->{method} } <=> $METHOD_ORDER{ $b->{method} }
                         || ($a->{method} eq 'DELETE' ? length($b->{path}) <=> length($a->{path}) : 0)
                         || $a->{path} cmp $b->{path} } @routes;

        # A message of the owner's thread for {message}: a question to edit, a
        # reply to regenerate, any to delete or show (1 while there is none).
        my $message_of = sub {
            my ($want) = @_;
            my $tree = $srv->request('GET', "/api/v1/threads/$thread_id/messages?view=tree", bearer($owner));
            my @m = @{ ($tree->{json} || {})->{items} || [] };
            @m = grep { $_->{role} eq $want } @m if $want ne 'any';
            return @m ? $m[-1]{id} : 1;
        };
        my $n = 0;
        my $body_for = sub {
            my ($route, $caller, $proj) = @_;
            my $k = "$route->{method} $route->{path}";
            $n++;
            my %b = (
                'POST /api/v1/auth/setup'    => { username => "setup$n", password => 'setup-password-0123' },
                'POST /api/v1/auth/login'    => { username => 'nobody', password => 'wrong-password-0123' },
                'POST /api/v1/auth/refresh'  => { refresh_token => 'plr_1_' . ('A' x 43) },
                'POST /api/v1/auth/logout'   => { refresh_token => 'plr_1_' . ('A' x 43) },
                'PUT /api/v1/auth/password'  => { current_password => 'not-my-password-0', new_password => 'a-new-password-0123' },
                'POST /api/v1/auth/keys'     => { name => "key-$caller-$n", scopes => ['read'] },
                'POST /api/v1/users'         => { username => "made$n", password => 'made-password-0123', role => 'viewer' },
                'PUT /api/v1/users/me/settings' => { theme => 'dark' },
                'PATCH /api/v1/users/{user}' => { role => 'developer' },
                'POST /api/v1/projects'      => { name => "p-$caller-$n", local_path => project_dir($R, "p-$caller-$n") },
                'PUT /api/v1/projects/{id}'  => { name => $proj->{name}, local_path => $proj->{local_path},
                                                  description => "put by $caller" },
                'PATCH /api/v1/projects/{id}' => { description => "patched by $caller" },
                'PUT /api/v1/projects/{id}/plan' => { markdown => "# Plan by $caller\n" },
                'PUT /api/v1/projects/{id}/members/{user}' => { role => 'viewer' },
                'PUT /api/v1/projects/{id}/schedule' => { interval => 'off' },
                'PUT /api/v1/projects/{id}/badge' => { public => JSON::PP::false },
                'POST /api/v1/servers'       => { name => "srv-$caller-$n", base_url => "http://127.0.0.1:$dead" },
                'POST /api/v1/servers/{server}/models/pull' => { name => 'llama3.2:1b' },
                'PATCH /api/v1/servers/{server}' => { priority => 7 },
                'POST /api/v1/threads'       => { title => "t-$caller-$n" },
                'PATCH /api/v1/threads/{thread}' => { title => "renamed by $caller" },
                'POST /api/v1/threads/{thread}/messages' => { content => 'hi', stream => JSON::PP::false },
                'POST /api/v1/threads/{thread}/assign' => { project_id => undef },
                'POST /api/v1/prompts'       => { name => "p-$caller-$n", body => 'Say {{x}}' },
                'PATCH /api/v1/prompts/{prompt}' => { description => "patched by $caller" },
                'POST /api/v1/prompts/{prompt}/render' => { variables => { topic => 'x' } },
                'POST /api/v1/prompts/{prompt}/test' => { model => 'llama3.2:latest', variables => { topic => 'x' },
                                                          stream => JSON::PP::false },
                'POST /ollama/api/chat'      => { model => 'llama3.2', messages => [], stream => JSON::PP::false },
                'POST /ollama/api/generate'  => { model => 'llama3.2', prompt => 'hi', stream => JSON::PP::false },
                'POST /ollama/api/embed'     => { model => 'llama3.2', input => 'hi' },
                'POST /ollama/api/show'      => { model => 'llama3.2' },
                'POST /ollama/v1/chat/completions' => { model => 'llama3.2', messages => [ { role => 'user', content => 'hi' } ] },
                'POST /ollama/v1/completions' => { model => 'llama3.2', prompt => 'hi' },
                'POST /ollama/v1/embeddings' => { model => 'llama3.2', input => 'hi' },
                'POST /api/v1/threads/{thread}/messages/{message}/edit' => { content => 'again', stream => JSON::PP::false },
                'POST /api/v1/threads/{thread}/messages/{message}/regenerate' => { stream => JSON::PP::false },
                'PUT /api/v1/threads/{thread}/leaf' => { message_id => $message_of->('any') },
                'POST /api/v1/threads/{thread}/messages/{message}/confirm' => { call_id => "call-$n", approve => JSON::PP::true },
                'POST /api/v1/projects/{id}/git/stage'   => { paths => ['MASTER_PLAN.md'] },
                'POST /api/v1/projects/{id}/git/unstage' => { paths => ['MASTER_PLAN.md'] },
                'POST /api/v1/projects/{id}/git/commit'  => { message => "commit by $caller" },
                'POST /api/v1/projects/{id}/git/commit-message' => { model => 'llama3.2:latest',
                                                                     stream => JSON::PP::false },
                'POST /api/v1/projects/{id}/git/branches' => { name => "b-$caller-$n" },
                'POST /api/v1/projects/{id}/git/checkout' => { branch => 'main' },
                # a port that refuses at once: the jobs this queues fail fast
                'PUT /api/v1/projects/{id}/git/remote' => { url => 'https://127.0.0.1:1/shop.git' },
                'PUT /api/v1/projects/{id}/files' => { content => "put by $caller\n" },
                'POST /api/v1/projects/{id}/files/mkdir' => { path => "dir-$caller" },
                'POST /api/v1/projects/{id}/files/move' => { from => 'to-move.txt', to => "moved-$caller.txt" },
                # MCP: every identified caller may ping (its methods check rights themselves)
                'POST /api/v1/mcp'           => { jsonrpc => '2.0', id => $n, method => 'ping' },
                'POST /api/v1/threads/import' => { format => 'mod_planning.thread', format_version => 1,
                                                   thread => { title => "imported by $caller" }, messages => [] },
            );
            return exists $b{$k} ? $b{$k} : $route->{body} ? {} : undef;
        };
        my $send = sub {
            my ($route, $caller, $token, $proj) = @_;
            (my $path = $route->{path}) =~ s/\{id\}/$proj->{id}/g;
            $path =~ s/\{user\}/$vic_id/g;
            $path =~ s/\{key\}/$vkey->{id}/g;
            $path =~ s/\{server\}/$server_id/g;
            $path =~ s/\{thread\}/$thread_id/g;
            $path =~ s/\{prompt\}/$prompt_for{$proj->{id}}/g;
            $path =~ s/\{version\}/1/g;
            $path =~ s/\{job\}/$job_id/g;
            $path =~ s/\{analysis\}/$analysis_for{$proj->{id}}/g;
            $path =~ s/\{objective\}/AUTH-001/g;
            $path =~ s/\{name\*\}/nomodel:latest/g;
            $path =~ s/\{sha\}/$sha_for{$proj->{id}}/g;
            $path =~ s/\{branch\*\}/gone/g;
            $path =~ s/\{host\}/127.0.0.1:22/g;        # a host with no key recorded: 404
            $path =~ s/\{provider\}/github/g;     # a delivery: unsigned, so 401 for everyone alike
            $path =~ s/\{project\}/$proj->{id}/g;
            $path =~ s/\{message\}/$message_of->($path =~ m{\/edit$} ? 'user' : $path =~ m{\/(?:regenerate|stream)$} ? 'assistant' : 'any')/e;
            $path .= '?from=1&to=1' if $path =~ m{/plan/diff$};
            my $body = $body_for->($route, $caller, $proj);
            # the files routes: what each names, and the bodies that are not JSON
            my $k = "$route->{method} $route->{path}";
            my %files = ('PUT /api/v1/projects/{id}/files' => "?path=put-$caller.txt",
                         'DELETE /api/v1/projects/{id}/files' => "?path=put-$caller.txt",
                         'PUT /api/v1/projects/{id}/files/raw' => "?path=raw-$caller.bin",
                         'POST /api/v1/projects/{id}/files/upload' => '?path=',
                         'GET /api/v1/projects/{id}/files/search' => '?q=Plan');
            $path .= $files{$k} // '';
            return $srv->request('PUT', $path, { %{ bearer($token) }, 'Content-Type' => 'application/octet-stream' },
                                 "raw by $caller") if $k =~ m{/files/raw$};
            return $srv->request('POST', $path, { %{ bearer($token) }, 'Content-Type' => 'multipart/form-data; boundary=BB' },
                                 "--BB\r\nContent-Disposition: form-data; name=\"f\"; filename=\"up-$caller.txt\"\r\n\r\n"
                                 . "up\r\n--BB--\r\n") if $k =~ m{/files/upload$};
            return defined $body ? $srv->json($route->{method}, $path, $body, bearer($token))
                                 : $srv->request($route->{method}, $path, bearer($token));
        };
        # What each caller must get: [test, description].
        my $expect = sub {
            my ($route, $caller) = @_;
            my ($perm, $proj, $k) = ($route->{permission}, $route->{project_scoped}, "$route->{method} $route->{path}");
            # the project's pictures: public routes that serve a private
            # project's readers and give everyone else the same 404
            if ($route->{path} =~ m{/(?:badge|trends)\.svg$}) {
                return $caller eq 'none' || $caller eq 'outsider' ? [sub { $_[0] == 404 }, '404 (a private project)']
                                                                  : [sub { $_[0] == 200 }, '200 (a reader)'];
            }
            return [sub { $_[0] < 500 }, 'not 5xx'] if $perm eq 'public';
            return [sub { $_[0] == 401 }, '401'] if $caller eq 'none';
            # the Ollama proxy: every caller here may use it, and its only server is down
            return [sub { $_[0] == 502 }, '502 (the server is down)'] if $route->{path} =~ m{^/ollama/};
            if ($route->{path} =~ /\{job\}/) {      # the admin's: everyone else gets 404
                return $caller eq 'admin' ? [sub { $_[0] >= 200 && $_[0] < 300 }, '2xx']
                                          : [sub { $_[0] == 404 }, "404 (another user's job)"];
            }
            if ($route->{path} =~ /\{analysis\}/) {   # its project's: read by whoever sees the project
                return $caller eq 'outsider' ? [sub { $_[0] == 404 }, "404 (another's project)"]
                                             : [sub { $_[0] >= 200 && $_[0] < 300 }, '2xx'];
            }
            if ($route->{path} =~ /\{thread\}/) {   # one user's: everyone else gets 404
                return [sub { $_[0] == 404 }, "404 (another user's thread)"] if $caller ne 'owner';
                return [sub { $_[0] == 502 }, '502 (the server is down)'] if $k =~ m{POST .*/(?:messages|edit|regenerate)$};
                # (no reply of the thread waits on a tool call)
                return [sub { $_[0] == 404 || $_[0] == 409 }, '404 or 409 (no call awaits an answer)'] if $k =~ m{/confirm$};
                return [sub { $_[0] >= 200 && $_[0] < 300 }, '2xx'];
            }
            if ($route->{path} =~ /\{prompt\}/) {   # read by all, changed by the owner or an admin
                return [sub { $_[0] == 502 }, '502 (the server is down)'] if $k =~ m{/test$};
                return [sub { $_[0] >= 200 && $_[0] < 300 }, '2xx']
                    if $route->{method} eq 'GET' || $k =~ m{/render$} || $caller eq 'owner' || $caller eq 'admin';
                return [sub { $_[0] == 403 }, "403 (another's prompt)"];
            }
            my $ok = $k eq 'PUT /api/v1/auth/password' ? [sub { $_[0] == 400 }, '400 (wrong current password: allowed)']
                   : $k eq 'PUT /api/v1/projects/{id}/plan' ? [sub { $_[0] == 428 }, '428 (no If-Match: allowed)']
                   : $k =~ m{/servers/\{server\}/(?:ps|models(?:/\{name\*\})?)$} ? [sub { $_[0] == 502 }, '502 (nothing listens upstream)']
                   # (sorted, the commit runs first and takes what was staged)
                   : $k =~ m{/git/commit-message$} ? [sub { $_[0] == 409 }, '409 (nothing staged any more)']
                   # (sorted, POSTs run before the PUT of the remote)
                   : $k =~ m{/git/(?:fetch|pull|push|clone)$} ? [sub { $_[0] == 202 || $_[0] == 409 }, '202, or 409 NO_REMOTE']
                   : $k =~ m{/git/host-keys/\{host\}} ? [sub { $_[0] == 404 }, '404 (no key of that host)']
                   : [sub { $_[0] >= 200 && $_[0] < 300 }, '2xx'];
            return $ok if $caller eq 'admin';
            if ($proj) {
                return [sub { $_[0] == 404 }, '404'] if $caller eq 'outsider';
                return $ok if $caller eq 'owner';
                return $perm eq 'read' ? [sub { $_[0] == 200 }, '200'] : [sub { $_[0] == 403 }, '403'];   # member-viewer
            }
            return [sub { $_[0] == 403 }, '403'] if $perm eq 'admin';
            return [sub { $_[0] == 404 }, "404 (another user's key)"] if $route->{path} =~ /\{key\}/;
            return $ok;
        };

        my $snapshot = sub {
            my $p = $srv->request('GET', "/api/v1/projects/$A->{id}");
            my $m = $srv->request('GET', "/api/v1/projects/$A->{id}/members");
            my $u = $srv->request('GET', "/api/v1/users/$vic_id");
            my $k = $srv->request('GET', '/api/v1/auth/me', bearer($vkey->{key}));
            my $l = $srv->request('GET', '/api/v1/users');
            my $pr = $srv->request('GET', "/api/v1/prompts/$prompt_for{$A->{id}}");
            return $J->encode({ project => [$p->{status}, $p->{json}], members => [$m->{status}, $m->{json}],
                                prompt => [$pr->{status}, $pr->{json}],
                                victim => [$u->{status}, $u->{json}], victim_key => $k->{status},
                                users => [ map { $_->{username} } @{ ($l->{json} || {})->{items} || [] } ] });
        };

        my %tok = (none => undef, outsider => $out, member => $mv, owner => $owner, admin => $srv->{token});
        my (%got, @bad);
        my $run = sub {
            my ($caller, $proj) = @_;
            for my $route (@routes) {
                my $res = $send->($route, $caller, $tok{$caller}, $proj);
                my ($test, $want) = @{ $expect->($route, $caller) };
                my $k = "$route->{method} $route->{path}";
                my $pass = $test->($res->{status});
                $got{$k}{$caller} = $res->{status} . ($pass ? '' : "!(want $want)");
                push @bad, $res unless $pass;
                if ($pass && $res->{status} >= 400) {    # and the refusal is a proper JSON error
                    my $e = ref $res->{json} eq 'HASH' ? $res->{json}{error} : undef;
                    # (the Ollama proxy answers in Ollama's shape: {"error":"..."})
                    $e = { code => $e, request_id => $res->{headers}{'x-request-id'} }
                        if $route->{path} =~ m{^/ollama/} && defined $e && !ref $e && keys %{ $res->{json} } == 1;
                    # (its OpenAI side in OpenAI's: {"error":{"message","type","param","code"}},
                    # the request's id in X-Request-Id)
                    $e = { %$e, request_id => $res->{headers}{'x-request-id'} }
                        if $route->{path} =~ m{^/ollama/v1/} && ref $e eq 'HASH' && defined $e->{type};
                    unless (ref $e eq 'HASH' && $e->{code} && $e->{request_id}) {
                        $got{$k}{$caller} .= '!(no JSON error)';
                        push @bad, $res;
                    }
                }
            }
        };

        my $before = $snapshot->();
        $run->($_, $A) for qw(none outsider member);
        my $after = $snapshot->();
        is($after, $before, 'no credentials, the outsider and the member-viewer changed nothing of A, victim or users')
            or diag("before: $before\nafter:  $after");
        # The public routes answer alike whoever asks.
        $run->('owner', $A);
        $run->('admin', $A2);
        # Each caller's POST /auth/logout-all ended its sessions: sign in again.
        ($out, $mv, $owner) = map { $srv->login($_, "pw-$_-0123456789") } qw(outsider member owner);
        $srv->{token} = $srv->login($PlanningTest::ADMIN_USER, $PlanningTest::ADMIN_PASSWORD);

        my @callers = qw(none outsider member owner admin);
        my $table = join "\n", sprintf('%-48s %s', 'route', join ' ', map { sprintf '%-9s', $_ } @callers),
            map { my $k = $_; sprintf '%-48s %s', $k, join ' ', map { sprintf '%-9s', $got{$k}{$_} // '-' } @callers }
            map { "$_->{method} $_->{path}" } @routes;
        ok(!@bad, 'every caller got what its role allows on every route (' . scalar(@routes) . ' routes x 5 callers)')
            or do { diag("matrix (status!(expected) where wrong):\n$table"); diag_res($_) for @bad[0 .. ($#bad > 9 ? 9 : $#bad)] };
        my @public = grep { $_->{permission} eq 'public' && $_->{path} !~ m{\.svg$} } @routes;
        for my $r (@public) {
            my $k = "$r->{method} $r->{path}";
            my %s = map { (($got{$k}{$_} // '') =~ /^(\d+)/)[0] => 1 } grep { $_ ne 'admin' && $_ ne 'owner' } @callers;
            is(scalar keys %s, 1, "$k answers alike with or without credentials") or diag(join ' ', %{ $got{$k} });
        }

        # The owner's own writes went through; the admin's on A2.
        my $pa = $srv->request('GET', "/api/v1/projects/$A->{id}");
        is(($pa->{json} || {})->{description}, 'patched by owner', "the owner's PATCH took effect on A");
        my $pa2 = $srv->request('GET', "/api/v1/projects/$A2->{id}");
        is(($pa2->{json} || {})->{description}, 'patched by admin', "the admin's PATCH took effect on A2");
        error_is($srv->request('GET', "/api/v1/users/$vic_id"), 404, 'NOT_FOUND', "the admin's DELETE removed victim");

        # Unknown ids look like forbidden ones for a non-admin: 404 either way.
        error_is($srv->request('GET', '/api/v1/projects/999999', bearer($out)), 404, 'NOT_FOUND', 'no such project => 404');
        error_is($srv->request('GET', "/api/v1/projects/$A->{id}", bearer($out)), 404, 'NOT_FOUND',
                 "another's project => the same 404");
        # Listing shows only what one may see.
        my $names = sub { [ sort map { $_->{name} } @{ ($srv->request('GET', '/api/v1/projects', bearer($_[0]))->{json} || {})->{items} || [] } ] };
        ok(!(grep { $_ eq 'alpha' || $_ eq 'alpha2' } @{ $names->($out) }), 'the outsider does not list A');
        ok((grep { $_ eq 'alpha' } @{ $names->($mv) }) && !(grep { $_ eq 'alpha2' } @{ $names->($mv) }),
           'the member lists A but not A2');
        # An unknown query parameter or header does not change who the caller is.
        for my $h ({ 'X-Remote-User' => 'admin' }, { 'X-User-Id' => 1 }, { 'X-Forwarded-User' => 'admin' },
                   { 'X-Role' => 'admin' }) {
            my ($hn) = keys %$h;
            error_is($srv->request('GET', '/api/v1/users', { Authorization => "Bearer $out", %$h }), 403, 'FORBIDDEN',
                     "$hn does not make the outsider an admin");
            error_is($srv->request('GET', '/api/v1/users', { Authorization => undef, %$h }), 401, 'UNAUTHORIZED',
                     "$hn alone is no credential");
        }
        error_is($srv->request('GET', "/api/v1/projects/$A->{id}?user_id=1&as=admin&role=admin", bearer($out)),
                 404, 'NOT_FOUND', 'query parameters do not widen access');

        # Field rules (issue 10 item 1), generated from the routes' "fields":
        # a developer member changes what its role allows, but a field that
        # needs more (status, local_path: archiving is the project admin's)
        # only with that role, by PUT and PATCH alike.
        my ($dm_id, $dm) = $srv->add_user('devmember', 'developer');
        my $F = $mk->('fields');
        status_is($srv->json('PUT', "/api/v1/projects/$F->{id}/members/$dm_id", { role => 'developer' }), 200,
                  'devmember becomes a developer member of F');
        # (the probe's request, whatever the route table says)
        error_is($srv->json('PATCH', "/api/v1/projects/$F->{id}", { status => 'archived' }, bearer($dm)), 403, 'FORBIDDEN',
                 'a developer member cannot archive by PATCH {"status":"archived"}');
        is(($srv->request('GET', "/api/v1/projects/$F->{id}")->{json} || {})->{status}, 'active', '... F is still active');
        my @ruled = grep { ref $_->{fields} eq 'HASH' } @routes;
        is_deeply([ sort map { "$_->{method} $_->{path}" } @ruled ],
                  [ 'PATCH /api/v1/projects/{id}', 'PUT /api/v1/projects/{id}' ], 'routes lists the field rules of PUT and PATCH');
        my %changed = (status => 'archived', local_path => project_dir($R, 'fields-moved'));
        for my $route (@ruled) {
            for my $field (sort keys %{ $route->{fields} }) {
                my $k = "$route->{method} $route->{path} {$field}";
                my $path = "/api/v1/projects/$F->{id}";
                my $cur = $srv->request('GET', $path);
                my $c = $cur->{json} || {};
                my %base = $route->{method} eq 'PUT'
                    ? (name => $c->{name}, local_path => $c->{local_path}, description => $c->{description}) : ();
                ok(exists $changed{$field}, "$k: the test knows a new value for $field") or next;
                my $r = $srv->json($route->{method}, $path, { %base, $field => $changed{$field} }, bearer($dm));
                error_is($r, 403, 'FORBIDDEN', "$k as a developer member => 403 (needs $route->{fields}{$field})");
                is(((($r->{json} || {})->{error} || {})->{details} || {})->{field}, $field, "$k: the error names the field");
                is($srv->request('GET', $path)->{content}, $cur->{content}, "$k: nothing changed");
                status_is($srv->json($route->{method}, $path, { %base, $field => $c->{$field} }, bearer($dm)), 200,
                          "$k unchanged, as a developer member => 200");
                status_is($srv->json($route->{method}, $path, { %base, $field => $changed{$field} }, bearer($owner)), 200,
                          "$k as the owner (the project's admin) => 200");
                status_is($srv->json('PATCH', $path, { $field => $c->{$field} }, bearer($owner)), 200, "$k: put back");
            }
        }
        status_is($srv->json('PATCH', "/api/v1/projects/$F->{id}", { description => 'by a developer' }, bearer($dm)), 200,
                  'a developer member still PATCHes the description');
        security_headers_ok($srv);
        $srv->stop;
    };

    # Issue 10 item 8: no account or project enumeration.
    subtest "$backend: no enumeration through members or project names" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}], extra => $EXTRA);
        my ($own_id, $own) = $srv->add_user('owner', 'developer');
        my ($str_id, $str) = $srv->add_user('stranger', 'developer');
        my ($kn_id) = $srv->add_user('known', 'developer');
        my $mkp = sub {
            my ($name, $tok) = @_;
            $srv->json('POST', '/api/v1/projects', { name => $name, local_path => project_dir($R, "$name-" . int(rand 1e9)) },
                       bearer($tok));
        };
        my $P = $mkp->('mine', $own)->{json} || {};
        my $Q = $mkp->('shared', $str)->{json} || {};
        my $put = sub { $srv->json('PUT', "/api/v1/projects/$P->{id}/members/$_[0]", { role => 'viewer' }, bearer($own)) };
        my $missing = $put->(999999);
        error_is($missing, 404, 'NOT_FOUND', 'PUT members/<no such account> => 404');
        my $unknown = $put->($str_id);
        error_is($unknown, 404, 'NOT_FOUND', "PUT members/<an account the owner cannot see> => 404");
        is(body_sans_id($unknown), body_sans_id($missing), '... the same body as for no account');
        unlike($unknown->{content}, qr/stranger/, '... and no user name');
        is($srv->request('GET', "/api/v1/projects/$P->{id}/members", bearer($own))->{json}{total}, 0, '... nor a member added');
        my $byname = $put->('stranger');
        status_is($byname, 200, 'by the name the owner knows => 200');
        is(($byname->{json} || {})->{user_id}, $str_id, '... that account');
        error_is($put->('nobody-here'), 404, 'NOT_FOUND', 'an unknown name => 404');
        status_is($put->($str_id), 200, 'a member of the owner\'s project is visible by id now');
        # (a project shows its owner's id, never the name: still unknown by id)
        error_is($srv->json('PUT', "/api/v1/projects/$Q->{id}/members/$own_id", { role => 'developer' }, bearer($str)),
                 404, 'NOT_FOUND', "stranger cannot add by id the owner of a project it is in");
        status_is($srv->json('PUT', "/api/v1/projects/$Q->{id}/members/owner", { role => 'developer' }, bearer($str)),
                  200, '... but can by name');
        my $adm = $srv->json('PUT', "/api/v1/projects/$P->{id}/members/$kn_id", { role => 'viewer' });
        status_is($adm, 200, 'an admin adds any account by id');
        is(($adm->{json} || {})->{username}, 'known', '... and sees its name');

        # Names are unique per owner: another user's private name is free.
        my ($sec_id, $sec) = $srv->add_user('secretive', 'developer');
        status_is($mkp->('secret-plan', $sec), 201, 'secretive creates "secret-plan"');
        my $dup = $mkp->('secret-plan', $own);
        status_is($dup, 201, 'another user creates "secret-plan" too: no 409 reveals the first');
        error_is($mkp->('secret-plan', $own), 409, 'CONFLICT', "the same owner's duplicate => 409");
        security_headers_ok($srv);
        $srv->stop;
    };

    subtest "$backend: settings" => sub {
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my (undef, $u) = $srv->add_user('sett', 'viewer');
        my $get = sub { $srv->request('GET', '/api/v1/users/me/settings', bearer($_[0] // $u)) };
        my $d = $get->();
        status_is($d, 200, 'GET settings');
        is_deeply($d->{json}, { server => undef, model => undef, system_prompt => undef, language => undef,
                                temperature => undef, theme => 'system' }, 'defaults: all null, theme system');
        my $full = { server => 'http://127.0.0.1:11434', model => 'llama3:8b', system_prompt => "Be brief.\nUse \x{e9}.",
                     language => 'pt-BR', temperature => 0.7, theme => 'dark' };
        my $p = $srv->json('PUT', '/api/v1/users/me/settings', $full, bearer($u));
        status_is($p, 200, 'PUT every key (a viewer may)');
        my $g = $get->();
        is_deeply($g->{json}, $full, 'round trip: GET returns what was PUT');
        is(json_type($g, 'temperature'), 'number', 'temperature stays a number');
        my $snap = $g->{content};
        for my $bad ([{ colour => 'red' }, 'an unknown key'],
                     [{ theme => 'blue' }, 'theme blue'],
                     [{ theme => 1 }, 'theme a number'],
                     [{ temperature => 3 }, 'temperature 3'],
                     [{ temperature => -0.1 }, 'temperature -0.1'],
                     [{ temperature => '0.5' }, 'temperature a string'],
                     [{ temperature => JSON::PP::true }, 'temperature true'],
                     [{ language => 'not a tag!' }, 'language "not a tag!"'],
                     [{ language => 'x' x 80 }, 'language 80 characters'],
                     [{ language => '' }, 'language empty'],
                     [{ language => 42 }, 'language a number'],
                     [{ model => ['a'] }, 'model an array'],
                     [{ server => { url => 'x' } }, 'server an object'],
                     [{ system_prompt => 'x' x 20001 }, 'system_prompt over 20,000'],
                     [[], 'an array body']) {
            my $r = $srv->json('PUT', '/api/v1/users/me/settings', $bad->[0], bearer($u));
            error_is($r, 400, undef, "PUT settings with $bad->[1] => 400");
        }
        is($get->()->{content}, $snap, 'the refused PUTs changed nothing');
        for my $lang ('en', 'de-CH', 'zh-Hant-TW') {
            status_is($srv->json('PUT', '/api/v1/users/me/settings', { language => $lang }, bearer($u)), 200,
                      "language $lang is accepted");
        }
        status_is($srv->json('PUT', '/api/v1/users/me/settings', { temperature => 0 }, bearer($u)), 200, 'temperature 0');
        status_is($srv->json('PUT', '/api/v1/users/me/settings', { temperature => 2 }, bearer($u)), 200, 'temperature 2');
        my $admin_view = $get->($srv->{token});
        is_deeply(($admin_view->{json} || {})->{theme}, 'system', "another user's settings are separate");
        error_is($srv->request('GET', '/api/v1/users/me/settings', bearer(undef)), 401, 'UNAUTHORIZED', 'no credentials => 401');
        security_headers_ok($srv);
        $srv->stop;
    };

    subtest "$backend: audit" => sub {
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        my ($aid, $atok) = $srv->add_user('aud', 'developer');
        my ($vid, $vtok) = $srv->add_user('audview', 'viewer');
        my $wrongpw = 'wrong-secret-password-42';
        is($srv->login('aud', $wrongpw), undef, 'a failed login');
        $atok = $srv->login('aud', 'pw-aud-0123456789');
        ok($atok, 'a successful login');
        my $k = $srv->json('POST', '/api/v1/auth/keys', { name => 'audkey', scopes => ['read'] }, bearer($atok));
        status_is($k, 201, 'key created');
        my $kid = ($k->{json} || {})->{id};
        status_is($srv->request('DELETE', "/api/v1/auth/keys/$kid", bearer($atok)), 204, 'key revoked');
        status_is($srv->json('PATCH', "/api/v1/users/$aid", { role => 'viewer' }), 200, 'role change');
        status_is($srv->request('DELETE', "/api/v1/users/$vid"), 204, 'user deleted');

        my $all = $srv->request('GET', '/api/v1/audit?limit=200');
        status_is($all, 200, 'GET /audit');
        my @items = @{ ($all->{json} || {})->{items} || [] };
        my $find = sub {
            my (%w) = @_;
            grep { my $i = $_; !grep { ($i->{$_} // '') ne $w{$_} } keys %w } @items;
        };
        ok(scalar $find->(action => 'auth.login', outcome => 'success', actor => 'aud'), 'login success is audited');
        my ($fail) = $find->(action => 'auth.login', outcome => 'failure', actor => 'aud');
        ok($fail, 'login failure is audited (with the name tried)');
        is(($fail || {})->{client_ip}, '127.0.0.1', '... with the client address');
        ok(scalar $find->(action => 'key.create', outcome => 'success', target_id => $kid), 'key.create is audited');
        ok(scalar $find->(action => 'key.revoke', outcome => 'success', target_id => $kid), 'key.revoke is audited');
        my ($upd) = $find->(action => 'user.update', target_id => $aid);
        ok($upd, 'the role change is audited');
        is(($upd || {})->{actor}, 'admin', '... by the admin');
        ok(scalar $find->(action => 'user.delete', target_id => $vid), 'user.delete is audited');
        ok(scalar $find->(action => 'user.create', target_id => $aid), 'user.create is audited');
        unlike($all->{content}, qr/\Q$wrongpw\E|pw-aud-0123456789|\Q$PlanningTest::ADMIN_PASSWORD\E/,
               'no password in the audit log');
        unlike($all->{content}, qr/pl_\d+_[\w-]{43}|eyJ[\w-]+\.eyJ/, 'no key or token in the audit log');
        is(($all->{json} || {})->{total}, scalar @items, 'total matches (all on one page)');

        my $f = $srv->request('GET', '/api/v1/audit?action=auth.login&limit=200');
        my @fi = @{ ($f->{json} || {})->{items} || [] };
        ok(@fi >= 3 && !(grep { $_->{action} ne 'auth.login' } @fi), 'action filter: only auth.login')
            or diag_res($f);
        is(($f->{json} || {})->{total}, scalar(grep { $_->{action} eq 'auth.login' } @items), 'action filter: total');
        my $o = $srv->request('GET', '/api/v1/audit?outcome=failure&limit=200');
        my @oi = @{ ($o->{json} || {})->{items} || [] };
        ok(@oi >= 1 && !(grep { $_->{outcome} ne 'failure' } @oi), 'outcome filter: only failures') or diag_res($o);
        my $s = $srv->request('GET', '/api/v1/audit?outcome=success&limit=200');
        ok(!(grep { $_->{outcome} ne 'success' } @{ ($s->{json} || {})->{items} || [] }), 'outcome=success: only successes');
        my $none = $srv->request('GET', '/api/v1/audit?action=key.create&outcome=failure');
        is(($none->{json} || {})->{total}, 0, 'combined filters: no failed key.create');
        my $act = $srv->request('GET', "/api/v1/audit?actor_id=$aid&limit=200");
        my @ai = @{ ($act->{json} || {})->{items} || [] };
        ok(@ai >= 2 && !(grep { ($_->{actor_id} // 0) != $aid } @ai), 'actor_id filter') or diag_res($act);
        my $pg = $srv->request('GET', '/api/v1/audit?limit=2&offset=1');
        is(scalar @{ ($pg->{json} || {})->{items} || [] }, 2, 'limit');
        is(($pg->{json} || {})->{offset}, 1, 'offset');
        error_is($srv->request('GET', '/api/v1/audit?outcome=maybe'), 400, 'VALIDATION_ERROR', 'outcome=maybe => 400');
        error_is($srv->request('GET', '/api/v1/audit?limit=abc'), 400, 'VALIDATION_ERROR', 'limit=abc => 400');
        error_is($srv->request('GET', '/api/v1/audit', bearer($atok)), 401, 'UNAUTHORIZED',
                 "aud's token died with the role change");
        my $dev_tok = $srv->login('aud', 'pw-aud-0123456789');
        error_is($srv->request('GET', '/api/v1/audit', bearer($dev_tok)), 403, 'FORBIDDEN', 'a non-admin => 403');
        my (undef, $d2) = $srv->add_user('auddev', 'developer');
        error_is($srv->request('GET', '/api/v1/audit', bearer($d2)), 403, 'FORBIDDEN', 'a developer => 403');
        error_is($srv->request('GET', '/api/v1/audit', bearer(undef)), 401, 'UNAUTHORIZED', 'no credentials => 401');
        security_headers_ok($srv);
        $srv->stop;
    };
}

done_testing;
