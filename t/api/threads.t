#!/usr/bin/env perl
# Threads beyond the basics, against the Ollama stand-in: full-text search
# (FTS5 / InnoDB FULLTEXT) with what users type made safe, messages as a
# tree (the whole tree, siblings on the branch, regenerate, edit and rerun,
# switching branches, deleting a subtree), export as JSON and Markdown and
# import back, per-project chat defaults, and titles made by the model.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use File::Copy qw(copy);
use File::Temp qw(tempdir);
use JSON::PP;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0";
my $F = JSON::PP::false;
my $T = JSON::PP::true;

sub bearer { { Authorization => "Bearer $_[0]" } }

# A thread with a model and, when given, a title.
sub thread {
    my ($srv, %o) = @_;
    my $auth = delete $o{auth};
    my $r = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest', %o }, $auth);
    status_is($r, 201, 'a thread' . ($o{title} ? " ($o{title})" : ''));
    return $r->{json}{id};
}

sub say_to {
    my ($srv, $tid, $content, %o) = @_;
    my $auth = delete $o{auth};
    my $r = $srv->json('POST', "/api/v1/threads/$tid/messages", { content => $content, stream => $F, %o }, $auth);
    status_is($r, 201, "said: " . ($content =~ s/\n/ /gr));
    return $r->{json};
}

# A query string value, percent-encoded from UTF-8.
sub qs {
    my ($s) = @_;
    utf8::encode($s);
    $s =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

sub search {
    my ($srv, $q, $auth, $extra) = @_;
    return $srv->request('GET', '/api/v1/threads?q=' . qs($q) . ($extra // ''), $auth);
}

sub hit_titles { [ map { $_->{thread}{title} } @{ $_[0]{json}{items} || [] } ] }

for my $backend (backends()) {
    subtest "$backend: search" => sub {
        my $fake = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201, 'a server');
        my $kernel = thread($srv, title => 'Kernel scheduling notes');
        my $bread = thread($srv, title => 'Baking');
        my $r = say_to($srv, $bread, 'How do I bake sourdough bread at home?');
        my ($q_id, $a_id) = ($r->{user_message}{id}, $r->{message}{id});
        say_to($srv, $kernel, "What is the Caf\x{e9} scheduler?");
        my (undef, $eve) = $srv->add_user('eve', 'developer');
        my $eves = thread($srv, title => 'Eve sourdough secrets', auth => bearer($eve));
        say_to($srv, $eves, 'my sourdough starter', auth => bearer($eve));

        my $s = search($srv, 'sourdough');
        status_is($s, 200, 'q=sourdough');
        is_deeply(hit_titles($s), ['Baking'], "only the caller's thread, not eve's");
        is_deeply([ sort { $a <=> $b } @{ $s->{json}{items}[0]{message_ids} } ], [$q_id, $a_id],
                  'the question and the echoing reply match');
        like($s->{json}{items}[0]{snippet}, qr/sourdough bread/, 'a snippet around the match');
        ok(is_false($s->{json}{items}[0]{title_match}), 'not by its title');
        is($s->{json}{total}, 1, 'total');
        is_deeply(hit_titles(search($srv, 'sourdough', bearer($eve))), ['Eve sourdough secrets'], "eve finds only hers");

        my $k = search($srv, 'KERNEL');
        is_deeply(hit_titles($k), ['Kernel scheduling notes'], 'by title, whatever the case');
        ok(is_true($k->{json}{items}[0]{title_match}), 'title_match');
        is_deeply(hit_titles(search($srv, 'cafe')), ['Kernel scheduling notes'], 'accents do not matter (cafe finds Café)');
        is_deeply(hit_titles(search($srv, 'sour*')), ['Baking'], 'a prefix');
        is_deeply(hit_titles(search($srv, '"bake sourdough"')), ['Baking'], 'a phrase');
        is_deeply(hit_titles(search($srv, '"sourdough bake"')), [], 'a phrase in another order does not match');
        is_deeply(hit_titles(search($srv, 'sourdough kernel')), [], 'every word must match');
        is_deeply(hit_titles(search($srv, 'sourdough bread')), ['Baking'], 'two words in one thread');

        # What users type never reaches a query parser as syntax.
        for my $q ('sourdough"', "sourdough'", '-sourdough', '+sourdough', 'sourdough)', '(sourdough',
                   'sourdough OR kernel', 'NEAR(sourdough bread)', 'content:sourdough', 'sourdough^2',
                   'sourdough ~bread', '@sourdough', 'sourdough;', "sourdough\\", '%sourdough%',
                   '" OR 1=1 --', "'; DROP TABLE threads; --", 'sour* *', '***sourdough***') {
            my $res = search($srv, $q);
            status_is($res, 200, "q=$q is answered") or next;
            ok(ref $res->{json}{items} eq 'ARRAY', "q=$q: a list");
        }
        is_deeply(hit_titles(search($srv, '-sourdough')), ['Baking'], 'an operator is read as a separator');
        is_deeply(hit_titles(search($srv, 'sourdough OR kernel')), [], 'OR is a word, not an operator');
        status_is($srv->request('GET', '/api/v1/threads'), 200, 'the tables are still there');

        for my $bad (['', 'empty'], ['   ', 'spaces'], ['"', 'a quote'], ['*', 'a star'], ['" "', 'empty quotes'],
                     ['-+()~', 'operators only'], ['x' x 257, 'over 256 bytes'],
                     [join(' ', map { "w$_" } 1 .. 17), '17 terms']) {
            error_is(search($srv, $bad->[0]), 400, 'VALIDATION_ERROR', "q: $bad->[1] => 400");
        }
        error_is($srv->request('GET', '/api/v1/threads?q=%FF%FE'), 400, 'VALIDATION_ERROR', 'q not UTF-8 => 400');
        error_is($srv->request('GET', '/api/v1/threads?q=sourdough&limit=0'), 400, 'VALIDATION_ERROR', 'limit=0 => 400');
        error_is($srv->request('GET', '/api/v1/threads?q=sourdough&archived=perhaps'), 400, 'VALIDATION_ERROR',
                 'a bad filter with q => 400');

        # Filters and paging apply to hits too.
        my $more = thread($srv, title => 'More bread');
        say_to($srv, $more, 'sourdough again');
        is(search($srv, 'sourdough')->{json}{total}, 2, 'two threads now');
        my $p1 = search($srv, 'sourdough', undef, '&limit=1');
        is(scalar @{ $p1->{json}{items} }, 1, 'limit=1: one item');
        is($p1->{json}{total}, 2, '... of 2');
        my $p2 = search($srv, 'sourdough', undef, '&limit=1&offset=1');
        isnt($p2->{json}{items}[0]{thread}{id}, $p1->{json}{items}[0]{thread}{id}, 'offset=1: the other one');
        status_is($srv->json('PATCH', "/api/v1/threads/$more", { archived => $T }), 200, 'archive one');
        is_deeply(hit_titles(search($srv, 'sourdough', undef, '&archived=false')), ['Baking'], 'q with archived=false');

        # Every matching thread is found, however many messages match.
        my $zt = thread($srv, title => 'Zebra herd');
        $srv->sql(join ';', map { "INSERT INTO messages (thread_id, role, content, state, created_at, updated_at)"
                                  . " VALUES ($zt, 'user', 'zebra number $_', 'complete', 'x', 'x')" } 1 .. 25);
        $srv->sql(join ';', map { "INSERT INTO threads (user_id, title, options, created_at, updated_at)"
                                  . " VALUES (1, 'zebra $_', '{}', 'x', 'x')" } 1 .. 30);
        my $z = search($srv, 'zebra', undef, '&limit=200');
        is($z->{json}{total}, 31, 'every matching thread, beyond those of 25 matching messages');
        my ($herd) = grep { $_->{thread}{id} == $zt } @{ $z->{json}{items} };
        is(scalar @{ $herd->{message_ids} || [] }, 20, 'at most 20 message ids per thread');
        ok(is_true($herd->{title_match}), 'and its title matched too');
        is($z->{json}{items}[0]{thread}{id}, $zt, 'the thread with the most to match ranks first');

        # The index follows renames and deletions (triggers / InnoDB).
        status_is($srv->json('PATCH', "/api/v1/threads/$kernel", { title => 'Process notes' }), 200, 'rename');
        is_deeply(hit_titles(search($srv, 'kernel')), [], 'the old title is gone from the index');
        is_deeply(hit_titles(search($srv, 'process')), ['Process notes'], 'the new one is in');
        my ($first_match) = sort { $a <=> $b } @{ search($srv, 'again')->{json}{items}[0]{message_ids} };
        status_is($srv->request('DELETE', "/api/v1/threads/$more/messages/$first_match"), 200,
                  'delete the question that matched (and its reply below it)');
        is_deeply(hit_titles(search($srv, 'again')), [], 'a deleted message is not found');
        status_is($srv->request('DELETE', "/api/v1/threads/$bread"), 204, 'delete a thread');
        is_deeply(hit_titles(search($srv, 'sourdough')), [], "its messages went with it");
        $srv->stop;
    };

    subtest "$backend: rows from before schema 7 are indexed by the migration" => sub {
        # A database at schema 5 with a thread in it, made before any server runs.
        my $root = PlanningTest::repo_root();
        my $old = tempdir(CLEANUP => 1);
        for my $d ('sqlite3', 'mysql') {
            mkdir "$old/$d";
            copy($_, "$old/$d/") or die "copy $_: $!" for grep { m{/00[1-5]_[^/]+$} } glob("$root/schema/$d/*.sql");
        }
        my ($params, $sql);
        if ($backend eq 'sqlite3') {
            my $dir = tempdir_shared();
            $params = "$dir/planning.db";
            $sql = sub { my ($rc, $out) = PlanningTest::run_cmd('sqlite3', '-cmd', '.timeout 5000', $params, $_[0]);
                         die "sqlite3: $out" if $rc };
        } else {
            my $db = PlanningTest::mysql_create_db();
            $params = PlanningTest::mysql_params($db);
            $sql = sub { PlanningTest::mysql_sql("USE `$db`; $_[0]") };
        }
        my ($rc, $out) = PlanningTest::run_cmd($PlanningTest::CLI, 'migrate', '--driver', $backend, '--params', $params,
                                               '--schema-dir', $old);
        like($out, qr/up to 5/, 'schema 5 only') or diag $out;
        $sql->("INSERT INTO users (username, role, created_at, updated_at) VALUES ('old', 'developer', 'x', 'x')");
        $sql->("INSERT INTO threads (user_id, title, options, created_at, updated_at)"
               . " VALUES (1, 'Legacy harpsichord tuning', '{}', 'x', 'x')");
        $sql->("INSERT INTO messages (thread_id, role, content, state, created_at, updated_at)"
               . " VALUES (1, 'user', 'the meantone temperament question', 'complete', 'x', 'x')");
        if ($backend eq 'sqlite3') {
            my ($uid, $gid) = (getpwnam($> == 0 ? 'www-data' : scalar getpwuid($>)))[2, 3];
            chown $uid, $gid, $params =~ s{/[^/]+$}{}r, glob("$params*");
        }
        # The server migrates it to the current schema (007 indexes what is there) and adds its admin.
        my $srv = start_server(backend => $backend, extra => $EXTRA, dbparams => $params);
        $sql->("UPDATE threads SET user_id = (SELECT id FROM users WHERE username = 'admin')");
        is_deeply(hit_titles(search($srv, 'meantone')), ['Legacy harpsichord tuning'], 'an old message is found');
        is_deeply(hit_titles(search($srv, 'harpsichord')), ['Legacy harpsichord tuning'], 'an old title is found');
        $srv->stop;
    };

    subtest "$backend: messages as a tree" => sub {
        my $fake = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        $srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} });
        my $tid = thread($srv, title => 'Tree');
        my $t1 = say_to($srv, $tid, 'first question');
        my $t2 = say_to($srv, $tid, 'second question');
        my ($q1, $a1, $q2, $a2) = ($t1->{user_message}{id}, $t1->{message}{id}, $t2->{user_message}{id}, $t2->{message}{id});

        # Regenerate: a sibling reply under the same question.
        my $rg = $srv->json('POST', "/api/v1/threads/$tid/messages/$a2/regenerate", { stream => $F });
        status_is($rg, 201, 'regenerate');
        my $a2b = $rg->{json}{message}{id};
        is($rg->{json}{message}{parent_id}, $q2, 'under the same question');
        is($rg->{json}{user_message}{id}, $q2, 'the question is the one already there');
        is($rg->{json}{message}{content}, 'Echo: second question [end]', 'answered again');
        my $br = $srv->request('GET', "/api/v1/threads/$tid/messages");
        is_deeply([ map { $_->{id} } @{ $br->{json}{items} } ], [$q1, $a1, $q2, $a2b], 'the branch shows the new reply');
        is($br->{json}{leaf_id}, $a2b, 'leaf_id');
        is_deeply($br->{json}{items}[3]{sibling_ids}, [$a2, $a2b], 'its siblings');
        is($br->{json}{items}[3]{sibling_index}, 1, 'it is the second (index 1)');
        is($br->{json}{items}[3]{sibling_count}, 2, 'of 2');
        is($br->{json}{items}[0]{sibling_count}, 1, 'the root has no other sibling');

        # Regenerate streamed.
        my ($head, $ev) = sse_post($srv, "/api/v1/threads/$tid/messages/$a2/regenerate", {});
        is_deeply([ map { $_->{event} } @$ev ], [qw(start token token token token done)], 'regenerate streamed')
            or diag explain $ev;
        my $a2c = $ev->[-1]{data}{id};
        is($ev->[-1]{data}{parent_id}, $q2, 'a third sibling');

        # Edit and rerun: a new question beside the old one, answered.
        my $ed = $srv->json('POST', "/api/v1/threads/$tid/messages/$q2/edit", { content => 'second question, edited', stream => $F });
        status_is($ed, 201, 'edit');
        my ($q2b, $a2d) = ($ed->{json}{user_message}{id}, $ed->{json}{message}{id});
        is($ed->{json}{user_message}{parent_id}, $a1, 'the edited question is a sibling of the old one');
        is($ed->{json}{message}{content}, 'Echo: second question, edited [end]', 'and answered');
        $br = $srv->request('GET', "/api/v1/threads/$tid/messages");
        is_deeply([ map { $_->{id} } @{ $br->{json}{items} } ], [$q1, $a1, $q2b, $a2d], 'the branch follows the edit');
        is_deeply($br->{json}{items}[2]{sibling_ids}, [$q2, $q2b], 'the two questions are siblings');
        my $sent = (fake_control($fake, 'GET', 'log?path=/api/chat') || [])->[-1]{body} || {};
        is_deeply([ map { $_->{content} } @{ $sent->{messages} || [] } ],
                  ['first question', 'Echo: first question [end]', 'second question, edited'],
                  'the model saw the edited branch only');

        # The whole tree.
        my $tr = $srv->request('GET', "/api/v1/threads/$tid/messages?view=tree");
        status_is($tr, 200, 'view=tree');
        is($tr->{json}{total}, 8, 'every message');
        my %node = map { ($_->{id} => $_) } @{ $tr->{json}{items} };
        is_deeply($node{$q2}{children}, [$a2, $a2b, $a2c], 'a question with its three replies');
        is_deeply($node{$a1}{children}, [$q2, $q2b], 'a reply with its two follow-ups');
        is_deeply($tr->{json}{root_ids}, [$q1], 'one root');
        is($tr->{json}{leaf_id}, $a2d, 'the leaf');
        error_is($srv->request('GET', "/api/v1/threads/$tid/messages?view=forest"), 400, 'VALIDATION_ERROR', 'view=forest => 400');

        # Switch branches: back to the old question, down its newest reply.
        my $lf = $srv->json('PUT', "/api/v1/threads/$tid/leaf", { message_id => $q2 });
        status_is($lf, 200, 'PUT leaf');
        is_deeply([ map { $_->{id} } @{ $lf->{json}{items} } ], [$q1, $a1, $q2, $a2c], 'the branch through q2, newest reply');
        $lf = $srv->json('PUT', "/api/v1/threads/$tid/leaf", { message_id => $a2 });
        is($lf->{json}{leaf_id}, $a2, 'an exact reply');
        is($srv->request('GET', "/api/v1/threads/$tid/messages")->{json}{leaf_id}, $a2, 'kept');
        my $nt = say_to($srv, $tid, 'third question');
        is($nt->{user_message}{parent_id}, $a2, 'a new message continues the branch in view');

        # Delete a subtree: the leaf moves to what survives.
        my $del = $srv->request('DELETE', "/api/v1/threads/$tid/messages/$q2");
        status_is($del, 200, 'delete q2 and below');
        is_deeply([ sort { $a <=> $b } @{ $del->{json}{deleted_ids} } ],
                  [ sort { $a <=> $b } $q2, $a2, $a2b, $a2c, $nt->{user_message}{id}, $nt->{message}{id} ], 'the subtree');
        is($del->{json}{leaf_id}, $a2d, 'the leaf moved to the surviving branch');
        $br = $srv->request('GET', "/api/v1/threads/$tid/messages");
        is_deeply([ map { $_->{id} } @{ $br->{json}{items} } ], [$q1, $a1, $q2b, $a2d], 'the branch');
        is($br->{json}{items}[2]{sibling_count}, 1, 'q2b has no sibling left');
        $del = $srv->request('DELETE', "/api/v1/threads/$tid/messages/$a1");
        is($del->{json}{leaf_id}, $q1, 'deleting below the root leaves the root as leaf');
        $del = $srv->request('DELETE', "/api/v1/threads/$tid/messages/$q1");
        ok(!defined $del->{json}{leaf_id}, 'deleting the root leaves no leaf');
        is($srv->request('GET', "/api/v1/threads/$tid/messages")->{json}{total}, 0, 'empty');
        is(say_to($srv, $tid, 'anew')->{user_message}{parent_id}, undef, 'the next message is a root');

        # Bad input on every new route.
        my $tid2 = thread($srv, title => 'Other');
        my $o = say_to($srv, $tid2, 'elsewhere');
        my ($oq, $oa) = ($o->{user_message}{id}, $o->{message}{id});
        error_is($srv->json('POST', "/api/v1/threads/$tid/messages/$oa/regenerate", {}), 404, 'NOT_FOUND',
                 "regenerate a message of another thread => 404");
        error_is($srv->json('POST', "/api/v1/threads/$tid2/messages/$oq/regenerate", {}), 409, 'CONFLICT',
                 'regenerate a user message => 409');
        error_is($srv->json('POST', "/api/v1/threads/$tid2/messages/999999/regenerate", {}), 404, 'NOT_FOUND', 'no such message');
        error_is($srv->json('POST', "/api/v1/threads/$tid2/messages/abc/regenerate", {}), 404, 'NOT_FOUND', 'a malformed id');
        error_is($srv->json('POST', "/api/v1/threads/$tid2/messages/$oa/regenerate", { stream => 'no' }), 400,
                 'VALIDATION_ERROR', 'regenerate stream "no" => 400');
        error_is($srv->json('POST', "/api/v1/threads/$tid2/messages/$oa/regenerate", { model => 7 }), 400,
                 'VALIDATION_ERROR', 'regenerate model 7 => 400');
        error_is($srv->json('POST', "/api/v1/threads/$tid2/messages/$oa/regenerate", { content => 'x' }), 400,
                 'VALIDATION_ERROR', 'regenerate with content => 400');
        # (without any body it regenerates: t/api/settings.t)
        error_is($srv->raw_request(method => 'POST', path => "/api/v1/threads/$tid2/messages/$oa/regenerate",
                                   headers => ['Content-Type' => 'text/plain'], body => 'again'), 415,
                 'UNSUPPORTED_MEDIA_TYPE', 'regenerate with a body that is not JSON => 415');
        error_is($srv->json('POST', "/api/v1/threads/$tid2/messages/$oa/edit", { content => 'x' }), 409, 'CONFLICT',
                 'edit a reply => 409');
        for my $bad ([{}, 'no content'], [{ content => '' }, 'empty content'], [{ content => ['x'] }, 'content an array'],
                     [{ content => 'x' x 100001 }, 'content over 100000'], [{ content => 'x', parent_id => 1 }, 'parent_id'],
                     [{ content => 'x', stream => 1 }, 'stream 1']) {
            error_is($srv->json('POST', "/api/v1/threads/$tid2/messages/$oq/edit", $bad->[0]), 400, 'VALIDATION_ERROR',
                     "edit: $bad->[1] => 400");
        }
        for my $bad ([{}, 'no message_id'], [{ message_id => 'x' }, 'a string'], [{ message_id => 999999 }, 'unknown'],
                     [{ message_id => $a2d }, 'a message of another thread'], [{ message_id => $oq, x => 1 }, 'an unknown field'],
                     [{ message_id => 0 }, 'zero'], [{ message_id => 1.5 }, 'a fraction']) {
            error_is($srv->json('PUT', "/api/v1/threads/$tid2/leaf", $bad->[0]), 400, 'VALIDATION_ERROR',
                     "leaf: $bad->[1] => 400");
        }
        error_is($srv->request('DELETE', "/api/v1/threads/$tid2/messages/999999"), 404, 'NOT_FOUND', 'delete: no such message');
        error_is($srv->request('DELETE', "/api/v1/threads/$tid/messages/$oq"), 404, 'NOT_FOUND',
                 'delete: a message of another thread => 404');
        my (undef, $eve) = $srv->add_user('eve', 'developer');
        error_is($srv->request('GET', "/api/v1/threads/$tid2/messages?view=tree", bearer($eve)), 404, 'NOT_FOUND',
                 "another user's tree => 404");
        error_is($srv->request('DELETE', "/api/v1/threads/$tid2/messages/$oq", bearer($eve)), 404, 'NOT_FOUND',
                 "deleting in another user's thread => 404");
        error_is($srv->json('PUT', "/api/v1/threads/$tid2/leaf", { message_id => $oq }, bearer($eve)), 404, 'NOT_FOUND',
                 "switching another user's branch => 404");
        error_is($srv->json('POST', "/api/v1/threads/$tid2/messages/$oa/regenerate", {}, bearer($eve)), 404, 'NOT_FOUND',
                 "regenerating in another user's thread => 404");
        is($srv->request('GET', "/api/v1/threads/$tid2/messages?view=tree")->{json}{total}, 2, 'the refusals changed nothing');
        $srv->stop;
    };

    subtest "$backend: titles from the model" => sub {
        my $fake = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        $srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} });
        # The stand-in echoes the last user message: the title request's text
        # is the exchange, then the instruction; the title keeps ten words.
        my $want = 'Echo: User: hello there Assistant: Echo: hello there [end] Write';

        my $tid = thread($srv);
        my $r = say_to($srv, $tid, 'hello there');
        is($r->{title}, $want, 'the JSON reply carries the generated title');
        is($srv->request('GET', "/api/v1/threads/$tid")->{json}{title}, $want, 'stored on the thread');
        my ($req) = grep { ref $_->{body} && is_false($_->{body}{stream}) } @{ fake_control($fake, 'GET', 'log?path=/api/chat') };
        ok($req, 'a request that was not streamed asked for it');
        is($req->{body}{model}, 'llama3.2:latest', 'of the same model');
        say_to($srv, $tid, 'and more');
        is($srv->request('GET', "/api/v1/threads/$tid")->{json}{title}, $want, 'later replies keep it');

        my $sid = thread($srv);
        my ($head, $ev) = sse_post($srv, "/api/v1/threads/$sid/messages", { content => 'hello there' });
        is_deeply([ map { $_->{event} } @$ev ], [qw(start token token token token done title)], 'title comes after done')
            or diag explain $ev;
        is($ev->[-1]{data}{title}, $want, 'the title event');
        is($ev->[-1]{data}{thread_id}, $sid, 'for the thread');

        my $named = thread($srv, title => 'My own name');
        fake_control($fake, 'POST', 'reset');
        $r = say_to($srv, $named, 'hello there');
        is($r->{title}, 'My own name', "a title the user chose is kept");
        ok(!(grep { ref $_->{body} && is_false($_->{body}{stream}) } @{ fake_control($fake, 'GET', 'log?path=/api/chat') }),
           'and no title was asked for');

        # The title request fails after 10 tokens (the replies have fewer): the fallback stays.
        fake_control($fake, 'POST', 'config', { fail_after_tokens => 10 });
        my $fid = thread($srv);
        $r = say_to($srv, $fid, "a question whose title\n request fails");
        is($r->{message}{state}, 'complete', 'the reply itself is complete');
        is($srv->request('GET', "/api/v1/threads/$fid")->{json}{title}, 'a question whose title request fails',
           'the fallback title (the first message, on one line) stays');
        $r = say_to($srv, thread($srv), ('x' x 100) . "\nsecond");
        is($r->{title}, 'x' x 80, 'a fallback title is the first 80 characters');
        fake_control($fake, 'POST', 'reset');

        # Emptying the title asks for a new one at the next first exchange (an edit of the first question).
        status_is($srv->json('PATCH', "/api/v1/threads/$named", { title => '' }), 200, 'clear the title');
        my $first = $srv->request('GET', "/api/v1/threads/$named/messages")->{json}{items}[0]{id};
        $r = $srv->json('POST', "/api/v1/threads/$named/messages/$first/edit", { content => 'hello there', stream => $F });
        is($r->{json}{title}, $want, 'a title again after the first question was edited');
        $srv->expect_log(qr/PLN00611:/);
        $srv->stop;
    };

    subtest "$backend: export and import" => sub {
        my $fake = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        $srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} });
        my $tid = thread($srv, title => "Export me: a \"quoted\" title/\x{e9}", system_prompt => "Be brief.\nReally.",
                         options => { temperature => 0.3, stop => ['END'] });
        my $one = say_to($srv, $tid, 'question one');
        say_to($srv, $tid, 'question two');
        status_is($srv->json('POST', "/api/v1/threads/$tid/messages/$one->{user_message}{id}/edit",
                             { content => "question one,\nedited", stream => $F }), 201, 'a sibling branch');
        fake_control($fake, 'POST', 'config', { fail_after_tokens => 1 });
        $srv->json('POST', "/api/v1/threads/$tid/messages", { content => 'this one fails', stream => $F });
        fake_control($fake, 'POST', 'reset');

        my $ex = $srv->request('GET', "/api/v1/threads/$tid/export?format=json");
        status_is($ex, 200, 'export as JSON');
        like($ex->{headers}{'content-disposition'} // '', qr/^attachment; filename="thread-$tid-export-me-a-quoted-title.json"$/,
             'an attachment with a safe name');
        my $doc = $ex->{json};
        is($doc->{format}, 'mod_planning.thread', 'format');
        is($doc->{format_version}, 1, 'format_version');
        is($doc->{thread}{options}{temperature}, 0.3, 'the options');
        is($doc->{thread}{system_prompt}, "Be brief.\nReally.", 'the system prompt');
        is(scalar @{ $doc->{messages} }, 8, 'every message of the tree');
        my ($failed) = grep { $_->{state} eq 'incomplete' } @{ $doc->{messages} };
        is($failed->{error_code}, 'UPSTREAM_ERROR', 'states and error codes');
        ok((grep { ($_->{completion_tokens} // 0) > 0 } @{ $doc->{messages} }), 'token counts');
        is($srv->request('GET', "/api/v1/threads/$tid/export")->{json}{format}, 'mod_planning.thread', 'json is the default');

        my $md = $srv->request('GET', "/api/v1/threads/$tid/export?format=markdown");
        status_is($md, 200, 'export as Markdown');
        like($md->{headers}{'content-type'}, qr{^text/markdown; charset=utf-8}, 'text/markdown');
        like($md->{headers}{'content-disposition'}, qr/^attachment; filename="thread-$tid-[a-z0-9-]+\.md"$/, 'an attachment');
        like($md->{headers}{'x-content-type-options'} // '', qr/nosniff/, 'nosniff');
        my $text = $md->{content};
        utf8::decode($text);
        like($text, qr/^# Export me: a "quoted" title\/\x{e9}\n/, 'the title as heading');
        like($text, qr/> Be brief\.\n> Really\./, 'the system prompt quoted');
        like($text, qr/## User\n\nquestion one,\nedited\n/, 'a question');
        like($text, qr/## Assistant \(llama3\.2:latest\)\n\nEcho: question one, edited \[end\]/, 'a reply');
        like($text, qr/\*\(incomplete: UPSTREAM_ERROR\)\*/, 'an incomplete reply is marked');
        unlike($text, qr/question two/, 'only the branch in view');
        error_is($srv->request('GET', "/api/v1/threads/$tid/export?format=pdf"), 400, 'VALIDATION_ERROR', 'format=pdf => 400');

        # Import: a new thread of the caller's, every message under a new id.
        my (undef, $eve) = $srv->add_user('eve', 'developer');
        my $im = $srv->json('POST', '/api/v1/threads/import', $doc, bearer($eve));
        status_is($im, 201, 'import');
        my $nid = $im->{json}{id};
        isnt($nid, $tid, 'a new thread');
        is($im->{json}{message_count}, 8, 'with its 8 messages');
        like($im->{headers}{location} // '', qr{/api/v1/threads/$nid$}, 'Location');
        my $back = $srv->request('GET', "/api/v1/threads/$nid/export", bearer($eve));
        status_is($back, 200, 'eve owns it');
        my %old = map { ($_->{id} => $_) } @{ $doc->{messages} };
        my %new = map { ($_->{id} => $_) } @{ $back->{json}{messages} };
        ok(!(grep { $old{$_} } keys %new), 'no id is reused');
        my $shape = sub {
            my ($msgs, $by) = @_;
            [ map { [ $_->{role}, $_->{content}, $_->{state}, $_->{parent_id} ? $by->{ $_->{parent_id} }{content} : undef,
                      $_->{completion_tokens}, $_->{created_at} ] } @$msgs ]
        };
        is_deeply($shape->($back->{json}{messages}, \%new), $shape->($doc->{messages}, \%old),
                  'the same tree: roles, contents, states, parents, counts, times');
        is($back->{json}{thread}{title}, $doc->{thread}{title}, 'the title');
        is_deeply($back->{json}{thread}{options}, $doc->{thread}{options}, 'the options');
        is($new{ $back->{json}{thread}{leaf_id} }{content}, $old{ $doc->{thread}{leaf_id} }{content}, 'the same leaf');
        error_is($srv->request('GET', "/api/v1/threads/$nid"), 404, 'NOT_FOUND', "the admin does not see eve's import");
        my $search = search($srv, 'fails', bearer($eve));
        is_deeply(hit_titles($search), [$doc->{thread}{title}], 'imported messages are searchable');

        # A bad document creates nothing.
        my $count = sub { $srv->request('GET', '/api/v1/threads?limit=200', bearer($eve))->{json}{total} };
        my $before = $count->();
        my $clone = sub { my $c = JSON::PP->new->decode(JSON::PP->new->encode($doc)); $_[0]->($c); $c };
        my @m = map { $_->{id} } @{ $doc->{messages} };
        my @bad = (
            [sub { $_[0]{format} = 'other' }, 'format'],
            [sub { delete $_[0]{format} }, 'format'],
            [sub { $_[0]{format_version} = 2 }, 'format_version'],
            [sub { $_[0]{format_version} = '1' }, 'format_version'],
            [sub { $_[0]{extra} = 1 }, 'extra'],
            [sub { $_[0]{thread} = [] }, 'thread'],
            [sub { $_[0]{thread}{owner} = 'me' }, 'thread.owner'],
            [sub { $_[0]{thread}{title} = 'x' x 256 }, 'thread.title'],
            [sub { $_[0]{thread}{options}{temprature} = 1 }, 'thread.options.temprature'],
            [sub { $_[0]{thread}{leaf_id} = 999999 }, 'thread.leaf_id'],
            [sub { $_[0]{messages} = {} }, 'messages'],
            [sub { $_[0]{messages}[0] = 'x' }, 'messages[0]'],
            [sub { $_[0]{messages}[1]{parent_id} = 999999 }, 'messages[1].parent_id'],
            [sub { $_[0]{messages}[1]{id} = $m[0] }, 'messages[1].id'],
            [sub { $_[0]{messages}[0]{id} = 0 }, 'messages[0].id'],
            [sub { $_[0]{messages}[0]{id} = 'a' }, 'messages[0].id'],
            [sub { $_[0]{messages}[2]{role} = 'system' }, 'messages[2].role'],
            [sub { $_[0]{messages}[2]{state} = 'done' }, 'messages[2].state'],
            [sub { $_[0]{messages}[2]{content} = undef }, 'messages[2].content'],
            [sub { $_[0]{messages}[2]{completion_tokens} = -1 }, 'messages[2].completion_tokens'],
            [sub { $_[0]{messages}[2]{created_at} = 'yesterday' }, 'messages[2].created_at'],
            [sub { $_[0]{messages}[2]{colour} = 'red' }, 'messages[2].colour'],
            [sub { $_[0]{messages}[2]{error_code} = 'x' x 33 }, 'messages[2].error_code'],
            # a cycle: the root's parent is its grandchild
            [sub { $_[0]{messages}[0]{parent_id} = $m[1] }, 'messages'],
            [sub { $_[0]{messages}[0]{parent_id} = $m[0] }, 'messages'],
            [sub { $_[0]{messages} = [ map { +{ id => $_, role => 'user', content => 'x', state => 'complete' } } 1 .. 10001 ] },
             'messages'],
        );
        for my $bd (@bad) {
            my $r = $srv->json('POST', '/api/v1/threads/import', $clone->($bd->[0]), bearer($eve));
            error_is($r, 400, 'VALIDATION_ERROR', "import: bad $bd->[1]");
            is($r->{json}{error}{details}{field}, $bd->[1], "... names $bd->[1]");
        }
        error_is($srv->json('POST', '/api/v1/threads/import', $clone->(sub { $_[0]{messages}[0]{content} = 'x' x (1 << 20) }),
                            bearer($eve)), 413, 'PAYLOAD_TOO_LARGE', 'a document over PlanningMaxBodySize => 413');
        error_is($srv->json('POST', '/api/v1/threads/import', '[1,2]', bearer($eve)), 400, 'INVALID_JSON', 'an array => 400');
        error_is($srv->json('POST', '/api/v1/threads/import', '{"format":', bearer($eve)), 400, 'INVALID_JSON', 'truncated => 400');
        is($count->(), $before, 'none of the bad documents created a thread');
        my $min = { format => 'mod_planning.thread', format_version => 1, thread => { title => 'bare' }, messages => [] };
        my $mi = $srv->json('POST', '/api/v1/threads/import', $min, bearer($eve));
        status_is($mi, 201, 'a minimal document');
        is($mi->{json}{message_count}, 0, 'no messages');
        my $st = $clone->(sub { $_[0]{messages}[-1]{state} = 'streaming'; $_[0]{messages}[-1]{error_code} = undef });
        $mi = $srv->json('POST', '/api/v1/threads/import', $st, bearer($eve));
        status_is($mi, 201, 'a reply that was streaming');
        my $last = $srv->request('GET', "/api/v1/threads/$mi->{json}{id}/export", bearer($eve))->{json}{messages}[-1];
        is_deeply([ $last->{state}, $last->{error_code} ], ['incomplete', 'INTERRUPTED'], 'comes in incomplete: nothing generates it here');
        error_is($srv->request('GET', "/api/v1/threads/$tid/export", bearer($eve)), 404, 'NOT_FOUND', "another user's export => 404");
        $srv->stop;
    };

    subtest "$backend: per-project chat defaults" => sub {
        my $R = make_roots();
        my $fa = start_fake();
        my $fb = start_fake();
        my $srv = start_server(backend => $backend, roots => [$R->{root}], extra => $EXTRA);
        my $sa = $srv->json('POST', '/api/v1/servers', { name => 'a', base_url => $fa->{url}, priority => 100 })->{json}{id};
        my $sb = $srv->json('POST', '/api/v1/servers', { name => 'b', base_url => $fb->{url}, priority => 900 })->{json}{id};
        my ($dev_id, $dev) = $srv->add_user('dana', 'developer');
        my ($view_id, $viewer) = $srv->add_user('vic', 'developer');
        my (undef, $out) = $srv->add_user('otto', 'developer');
        my $pid = $srv->json('POST', '/api/v1/projects', { name => 'p', local_path => project_dir($R, 'p') }, bearer($dev))->{json}{id};
        status_is($srv->json('PUT', "/api/v1/projects/$pid/members/$view_id", { role => 'viewer' }), 200, 'vic views p');
        my $url = "/api/v1/projects/$pid/chat-defaults";

        my $g = $srv->request('GET', $url, bearer($dev));
        status_is($g, 200, 'GET chat-defaults');
        is_deeply([ @{ $g->{json} }{qw(project_id server_id model temperature system_prompt)} ], [$pid, undef, undef, undef, undef],
                  'none yet');
        my $want = { server_id => $sa, model => 'qwen3:0.6b', temperature => 0.25, system_prompt => 'Answer in French.' };
        my $p = $srv->json('PUT', $url, $want, bearer($dev));
        status_is($p, 200, 'the owner sets them');
        is_deeply({ map { ($_ => $p->{json}{$_}) } keys %$want }, $want, 'as given');
        is(json_type($p, 'temperature'), 'number', 'temperature a number');
        is_deeply({ map { ($_ => $srv->request('GET', $url, bearer($viewer))->{json}{$_}) } keys %$want }, $want,
                  'a viewer member reads them');
        error_is($srv->json('PUT', $url, { model => 'x' }, bearer($viewer)), 403, 'FORBIDDEN', 'but may not set them');
        error_is($srv->request('GET', $url, bearer($out)), 404, 'NOT_FOUND', 'an outsider => 404');
        error_is($srv->json('PUT', $url, { model => 'x' }, bearer($out)), 404, 'NOT_FOUND', 'an outsider cannot set => 404');
        for my $bad ([{ colour => 1 }, 'colour'], [{ temperature => 3 }, 'temperature'], [{ temperature => '0.5' }, 'temperature'],
                     [{ temperature => -1 }, 'temperature'], [{ model => '' }, 'model'], [{ model => 'x' x 256 }, 'model'],
                     [{ model => 5 }, 'model'], [{ system_prompt => ['x'] }, 'system_prompt'], [{ server_id => 'a' }, 'server_id'],
                     [{ server_id => 999999 }, 'server_id'], [{ server_id => 0 }, 'server_id']) {
            my $r = $srv->json('PUT', $url, $bad->[0], bearer($dev));
            error_is($r, 400, 'VALIDATION_ERROR', "PUT $bad->[1] bad => 400");
            is($r->{json}{error}{details}{field}, $bad->[1], "... names $bad->[1]");
        }
        error_is($srv->request('GET', '/api/v1/projects/999999/chat-defaults', bearer($dev)), 404, 'NOT_FOUND', 'no such project');
        is_deeply({ map { ($_ => $srv->request('GET', $url, bearer($dev))->{json}{$_}) } keys %$want }, $want,
                  'the refusals changed nothing');

        # A thread in the project takes what it does not set.
        my $t = $srv->json('POST', '/api/v1/threads', { project_id => $pid, options => { top_k => 5 } }, bearer($dev));
        status_is($t, 201, 'a thread in the project');
        is($t->{json}{model}, 'qwen3:0.6b', 'the default model');
        is($t->{json}{system_prompt}, 'Answer in French.', 'the default system prompt');
        is_deeply($t->{json}{options}, { temperature => 0.25, top_k => 5 }, 'the default temperature beside its own options');
        my $own = $srv->json('POST', '/api/v1/threads', { project_id => $pid, model => 'llama3.2:latest', system_prompt => 'Mine.',
                                                          options => { temperature => 0.9 } }, bearer($dev));
        is_deeply([ @{ $own->{json} }{qw(model system_prompt)}, $own->{json}{options}{temperature} ],
                  ['llama3.2:latest', 'Mine.', 0.9], 'a thread that sets its own keeps them');
        my $loose = $srv->json('POST', '/api/v1/threads', { title => 'loose' }, bearer($dev));
        is($loose->{json}{model}, undef, 'a thread outside the project has none');
        my $as = $srv->json('POST', "/api/v1/threads/$loose->{json}{id}/assign", { project_id => $pid }, bearer($dev));
        status_is($as, 200, 'assigned to the project');
        is($as->{json}{model}, 'qwen3:0.6b', 'it takes the defaults then');
        is($as->{json}{options}{temperature}, 0.25, 'with the temperature');
        my $moved = $srv->json('POST', '/api/v1/threads', { title => 'moved' }, bearer($dev))->{json}{id};
        my $pa = $srv->json('PATCH', "/api/v1/threads/$moved", { project_id => $pid, model => 'llama3.2:latest' }, bearer($dev));
        is_deeply([ @{ $pa->{json} }{qw(model system_prompt)} ], ['llama3.2:latest', 'Answer in French.'],
                  'moved in by PATCH: its own model kept, the default system prompt taken');

        # The preferred server is asked first, ahead of a higher priority.
        my $r = $srv->json('POST', "/api/v1/threads/$t->{json}{id}/messages", { content => 'bonjour', stream => $F }, bearer($dev));
        status_is($r, 201, 'a reply');
        my $la = fake_control($fa, 'GET', 'log?path=/api/chat') || [];
        my $lb = fake_control($fb, 'GET', 'log?path=/api/chat') || [];
        ok(@$la && !@$lb, 'from the preferred server a, not b of the higher priority');
        is($la->[0]{body}{options}{temperature}, 0.25, 'with the default temperature');
        is($la->[0]{body}{messages}[0]{content}, 'Answer in French.', 'and system prompt');
        my $r2 = $srv->json('POST', "/api/v1/threads/$own->{json}{id}/messages", { content => 'hi', stream => $F }, bearer($dev));
        ok(@{ fake_control($fa, 'GET', 'log?path=/api/chat') || [] } > @$la, 'every thread of the project prefers a');
        status_is($srv->json('PUT', $url, {}, bearer($dev)), 200, 'PUT {} clears them');
        is($srv->request('GET', $url, bearer($dev))->{json}{model}, undef, 'cleared');
        $r = $srv->json('POST', "/api/v1/threads/$loose->{json}{id}/messages", { content => 'hello', stream => $F }, bearer($dev));
        ok(@{ fake_control($fb, 'GET', 'log?path=/api/chat') || [] }, 'with no preference the priority decides (b)');

        # An import keeps the document's project for a caller who can see it.
        my $doc = $srv->request('GET', "/api/v1/threads/$t->{json}{id}/export", bearer($dev))->{json};
        is($doc->{thread}{project_id}, $pid, 'the export names its project');
        for my $who ([ 'the owner', $dev ], [ 'a viewer member', $viewer ]) {
            my $im = $srv->json('POST', '/api/v1/threads/import', $doc, bearer($who->[1]));
            status_is($im, 201, "imported by $who->[0]");
            is($im->{json}{project_id}, $pid, '... in the project') or diag_res($im);
            is_deeply($im->{json}{warnings}, [], '... without a warning');
            my $listed = $srv->request('GET', "/api/v1/threads?project_id=$pid", bearer($who->[1]))->{json}{items} || [];
            ok((grep { $_->{id} == $im->{json}{id} } @$listed), '... and listed with the project\'s threads');
        }
        my %dropped;
        for my $case ([ 'an outsider', $out, $pid ], [ 'a project that does not exist', $dev, 999999 ]) {
            my $d = JSON::PP->new->decode(JSON::PP->new->encode($doc));
            $d->{thread}{project_id} = $case->[2];
            my $im = $srv->json('POST', '/api/v1/threads/import', $d, bearer($case->[1]));
            status_is($im, 201, "imported for $case->[0]");
            is($im->{json}{project_id}, undef, '... without the project') or diag_res($im);
            my $w = ($im->{json}{warnings} || [])->[0] || {};
            is_deeply([ @$w{qw(code field)} ], [ 'PROJECT_DROPPED', 'thread.project_id' ], '... and a warning says so');
            ($dropped{ $case->[0] } = $w->{message} // '') =~ s/\d+/N/g;
        }
        is($dropped{'an outsider'}, $dropped{'a project that does not exist'},
           "an outsider learns nothing of the project: the words of a project that does not exist");
        $srv->stop;
    };
}

done_testing;
