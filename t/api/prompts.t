#!/usr/bin/env perl
# The prompts library: CRUD with validation, names unique per owner, tags
# and name search, the version history and restore, who may change what
# (owner or admin; 403 for others), rendering with the caller's variables
# and the built-ins, and a test run against the Ollama stand-in, as JSON and
# as Server-Sent Events, that stores nothing.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP;
use POSIX qw(strftime);
use PlanningTest qw(:all);

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0";
my $J = JSON::PP->new->utf8;

sub bearer { { Authorization => "Bearer $_[0]" } }

# The events of a whole event-stream body: [{id, event, data}].
sub events {
    my ($res) = @_;
    my @ev;
    while (($res->{content} // '') =~ /id: (\d+)\nevent: (\w+)\ndata: (.*?)\n\n/g) {
        push @ev, { id => $1, event => $2, data => $J->decode($3) };
    }
    return \@ev;
}

for my $backend (backends()) {
    subtest "$backend: prompts" => sub {
        my $R = make_roots();
        my $fake = start_fake(args => ['--token-delay-ms', '5']);
        my $srv = start_server(backend => $backend, roots => [$R->{root}], extra => $EXTRA);
        my ($ada_id, $ada) = $srv->add_user('ada', 'developer');
        my ($bob_id, $bob) = $srv->add_user('bob', 'developer');
        my (undef, $vic) = $srv->add_user('vic', 'viewer');
        status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
                  'a model server');
        my $proj = $srv->json('POST', '/api/v1/projects', { name => 'Orrery', description => 'A clockwork sky',
                                                           local_path => project_dir($R, 'orrery') }, bearer($ada));
        status_is($proj, 201, "ada's project");
        my $pid = $proj->{json}{id};

        # Create.
        my $body = "Summarize {{topic}} for {{ user }} on {{date}} about {{project.name}} ({{project.description}})."
                 . " Literal: {{{{topic}}";
        my $c = $srv->json('POST', '/api/v1/prompts', { name => 'Summarize', description => 'A summary',
                                                       body => $body, tags => ['writing', 'summary'] }, bearer($ada));
        status_is($c, 201, 'a developer creates a prompt');
        my $p = $c->{json};
        my $id = $p->{id};
        is($c->{headers}{location}, "/api/v1/prompts/$id", 'Location');
        is($p->{version}, 1, 'version 1');
        is_deeply($p->{tags}, ['summary', 'writing'], 'tags, sorted');
        is_deeply($p->{variables}, ['topic'], 'the variables a caller supplies');
        is_deeply($p->{builtins}, ['user', 'date', 'project.name', 'project.description'], 'and the built-ins it uses');
        is($p->{owner}, 'ada', 'owner');
        is($p->{owner_id}, $ada_id, 'owner_id');
        like($p->{created_at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/, 'RFC 3339 time');
        is($p->{_links}{versions}{href}, "/api/v1/prompts/$id/versions", 'a link to the versions');
        is_deeply([ sort keys %{ $p->{_links} } ], [qw(self versions)], '... and self: render and test are POST actions, not links');

        error_is($srv->json('POST', '/api/v1/prompts', { name => 'Summarize', body => 'x' }, bearer($ada)), 409,
                 'CONFLICT', 'the same name twice for one owner => 409');
        my $bp = $srv->json('POST', '/api/v1/prompts', { name => 'Summarize', body => 'Bob says {{what}}',
                                                        tags => ['bob'] }, bearer($bob));
        status_is($bp, 201, 'another owner may use the name');
        my $bid = $bp->{json}{id};
        error_is($srv->json('POST', '/api/v1/prompts', { name => 'v', body => 'x' }, bearer($vic)), 403, 'FORBIDDEN',
                 'a viewer may not create');

        # Validation: 400 naming the field, and nothing stored.
        my $before = $srv->request('GET', '/api/v1/prompts')->{json}{total};
        for my $bad ([{ body => 'x' }, 'name', 'no name'],
                     [{ name => 'n' }, 'body', 'no body'],
                     [{ name => '', body => 'x' }, 'name', 'an empty name'],
                     [{ name => '   ', body => 'x' }, 'name', 'a blank name'],
                     [{ name => 'x' x 201, body => 'x' }, 'name', 'a name of 201 characters'],
                     [{ name => "a\x{1}b", body => 'x' }, 'name', 'a control character in the name'],
                     [{ name => 7, body => 'x' }, 'name', 'a number as name'],
                     [{ name => 'n', body => '' }, 'body', 'an empty body'],
                     [{ name => 'n', body => 'x' x 100001 }, 'body', 'a body of 100001 characters'],
                     [{ name => 'n', body => 'oops {{topic' }, 'body', 'an unclosed placeholder'],
                     [{ name => 'n', body => '{{ two words }}' }, 'body', 'a malformed placeholder'],
                     [{ name => 'n', body => 'x', description => 'd' x 2001 }, 'description', 'a long description'],
                     [{ name => 'n', body => 'x', description => ['d'] }, 'description', 'an array as description'],
                     [{ name => 'n', body => 'x', description => "bell\x{7}" }, 'description', 'a control character'],
                     [{ name => 'n', body => 'x', tags => 'a' }, 'tags', 'tags not an array'],
                     [{ name => 'n', body => 'x', tags => [1] }, 'tags', 'a number as tag'],
                     [{ name => 'n', body => 'x', tags => ['Writing'] }, 'tags', 'an upper-case tag'],
                     [{ name => 'n', body => 'x', tags => ['two words'] }, 'tags', 'a tag with a space'],
                     [{ name => 'n', body => 'x', tags => ['-x'] }, 'tags', 'a tag starting with -'],
                     [{ name => 'n', body => 'x', tags => ['a' x 51] }, 'tags', 'a tag of 51 characters'],
                     [{ name => 'n', body => 'x', tags => ['a', 'b', 'a'] }, 'tags', 'a repeated tag'],
                     [{ name => 'n', body => 'x', tags => [map { "t$_" } 1 .. 21] }, 'tags', '21 tags'],
                     [{ name => 'n', body => 'x', owner_id => 1 }, 'owner_id', 'an unknown field'],
                     [{ name => 'n', body => 'x', version => 3 }, 'version', 'version is not settable']) {
            my $r = $srv->json('POST', '/api/v1/prompts', $bad->[0], bearer($ada));
            error_is($r, 400, 'VALIDATION_ERROR', "$bad->[2] => 400");
            is(($r->{json}{error}{details} || {})->{field}, $bad->[1], "... naming $bad->[1]");
        }
        like($srv->json('POST', '/api/v1/prompts', { name => 'n', body => "caf\x{e9} {{ok}} {{bad" }, bearer($ada))
             ->{json}{error}{message}, qr/character 13\b/, 'the position of a malformed placeholder, in characters');
        is($srv->request('GET', '/api/v1/prompts')->{json}{total}, $before, 'nothing was stored');
        status_is($srv->json('POST', '/api/v1/prompts', { name => "Caf\x{e9} \x{2713}", body => 'ok {{{{', tags => [] },
                             bearer($ada)), 201, 'Unicode names, the literal escape, no tags');

        # Read and list: everyone signed in.
        my $g = $srv->request('GET', "/api/v1/prompts/$id", bearer($vic));
        status_is($g, 200, 'a viewer reads a prompt');
        is($g->{json}{body}, $body, 'the body');
        error_is($srv->request('GET', '/api/v1/prompts/999999'), 404, 'NOT_FOUND', 'no such prompt');
        error_is($srv->request('GET', '/api/v1/prompts/abc'), 404, 'NOT_FOUND', 'a malformed id');
        my $names = sub { [ map { "$_->{name}/$_->{owner}" } @{ $srv->request('GET', "/api/v1/prompts$_[0]", bearer($vic))->{json}{items} } ] };
        is_deeply($names->(''), ["Caf\x{e9} \x{2713}/ada", 'Summarize/ada', 'Summarize/bob'], 'the list, by name');
        is_deeply($names->('?tag=writing'), ['Summarize/ada'], '?tag=');
        is_deeply($names->('?tag=nothing'), [], '?tag= with no match');
        is_deeply($names->('?q=UMMAR'), ['Summarize/ada', 'Summarize/bob'], '?q= is a part of the name, any case');
        is_deeply($names->('?q=%25'), [], '?q=% is not a wildcard');
        is_deeply($names->('?q=_'), [], '?q=_ is not a wildcard');
        is_deeply($names->("?owner_id=$bob_id"), ['Summarize/bob'], '?owner_id=');
        my $page = $srv->request('GET', '/api/v1/prompts?limit=1&offset=1&q=summ');
        is($page->{json}{total}, 2, 'total counts every match');
        is(scalar @{ $page->{json}{items} }, 1, 'limit');
        is($page->{json}{_links}{self}{href}, '/api/v1/prompts?limit=1&offset=1&q=summ', 'self keeps the filter');
        ok(!$page->{json}{_links}{next}, 'no next on the last page');
        ok($srv->request('GET', '/api/v1/prompts?limit=1')->{json}{_links}{next}, 'next on the first page');
        for my $bad ('tag=Bad!', 'tag=', 'limit=0', 'offset=-1', 'owner_id=x', 'q=' . ('x' x 201)) {
            error_is($srv->request('GET', "/api/v1/prompts?$bad"), 400, 'VALIDATION_ERROR', "?$bad => 400");
        }

        # Changes: the owner or an admin; a new version per change of the text.
        error_is($srv->json('PATCH', "/api/v1/prompts/$id", { body => 'mine now' }, bearer($bob)), 403, 'FORBIDDEN',
                 "another developer may not change ada's prompt");
        error_is($srv->json('PATCH', "/api/v1/prompts/$id", { body => 'mine now' }, bearer($vic)), 403, 'FORBIDDEN',
                 'nor a viewer');
        my $u = $srv->json('PATCH', "/api/v1/prompts/$id", { body => 'Short: {{topic}}' }, bearer($ada));
        status_is($u, 200, 'the owner changes the body');
        is($u->{json}{version}, 2, 'version 2');
        is_deeply($u->{json}{variables}, ['topic'], 'variables follow the body');
        is_deeply($u->{json}{builtins}, [], 'no built-ins now');
        $u = $srv->json('PATCH', "/api/v1/prompts/$id", { tags => ['short'] }, bearer($ada));
        is($u->{json}{version}, 2, 'a change of tags is not a version');
        is_deeply($u->{json}{tags}, ['short'], 'the tags replaced');
        $u = $srv->json('PATCH', "/api/v1/prompts/$id", { body => 'Short: {{topic}}', name => 'Summarize' }, bearer($ada));
        is($u->{json}{version}, 2, 'the same text again is not a version');
        $u = $srv->json('PATCH', "/api/v1/prompts/$id", { description => 'Shorter', name => 'Summary' });
        status_is($u, 200, 'an admin changes it too');
        is($u->{json}{version}, 3, 'version 3');
        is($u->{json}{owner}, 'ada', 'the owner stays');
        error_is($srv->json('PATCH', "/api/v1/prompts/$id", { name => "Caf\x{e9} \x{2713}" }, bearer($ada)), 409,
                 'CONFLICT', "a name the owner uses already => 409");
        error_is($srv->json('PATCH', "/api/v1/prompts/$id", { body => '{{' }, bearer($ada)), 400, 'VALIDATION_ERROR',
                 'a malformed body => 400');
        error_is($srv->json('PATCH', "/api/v1/prompts/$id", { owner_id => $bob_id }), 400, 'VALIDATION_ERROR',
                 'the owner is not a field');

        # History.
        my $h = $srv->request('GET', "/api/v1/prompts/$id/versions", bearer($vic));
        status_is($h, 200, 'a viewer reads the history');
        is($h->{json}{total}, 3, 'three versions');
        is($h->{json}{current}, 3, 'the current one');
        is_deeply([ map { $_->{version} } @{ $h->{json}{items} } ], [3, 2, 1], 'newest first');
        is_deeply([ map { $_->{author} } @{ $h->{json}{items} } ], ['admin', 'ada', 'ada'], 'with their authors');
        ok(!exists $h->{json}{items}[0]{body}, 'the list leaves the bodies out');
        is($h->{json}{items}[0]{name}, 'Summary', 'but has the names');
        my $v1 = $srv->request('GET', "/api/v1/prompts/$id/versions/1");
        status_is($v1, 200, 'one version');
        is($v1->{json}{body}, $body, 'its body');
        is($v1->{json}{name}, 'Summarize', 'its name');
        is($v1->{json}{description}, 'A summary', 'its description');
        ok(!$v1->{json}{current}, 'not current');
        error_is($srv->request('GET', "/api/v1/prompts/$id/versions/99"), 404, 'NOT_FOUND', 'no such version');
        error_is($srv->request('GET', "/api/v1/prompts/$id/versions/0"), 404, 'NOT_FOUND', 'version 0');
        error_is($srv->request('GET', "/api/v1/prompts/$bid/versions/2"), 404, 'NOT_FOUND', "another prompt's versions");
        is($srv->request('GET', "/api/v1/prompts/$id/versions?limit=1")->{json}{_links}{next}{href},
           "/api/v1/prompts/$id/versions?limit=1&offset=1", 'the history is paged');

        error_is($srv->request('POST', "/api/v1/prompts/$id/versions/1/restore", bearer($bob)), 403, 'FORBIDDEN',
                 'another developer may not restore');
        my $rs = $srv->request('POST', "/api/v1/prompts/$id/versions/1/restore", bearer($ada));
        status_is($rs, 200, 'the owner restores version 1');
        is($rs->{json}{version}, 4, 'as version 4');
        is($rs->{json}{body}, $body, 'with its body');
        is($rs->{json}{name}, 'Summarize', 'and name');
        my $v4 = $srv->request('GET', "/api/v1/prompts/$id/versions/4");
        is($v4->{json}{restored_from}, 1, 'version 4 says it restored 1');
        ok($v4->{json}{current}, 'and is current');
        error_is($srv->request('POST', "/api/v1/prompts/$id/versions/77/restore", bearer($ada)), 404, 'NOT_FOUND',
                 'restoring no such version => 404');

        # Render: anyone signed in; built-ins; variables as given, never expanded again.
        my $today = strftime('%Y-%m-%d', gmtime);
        my $r = $srv->json('POST', "/api/v1/prompts/$id/render", { variables => { topic => 'owls' }, project_id => $pid },
                           bearer($ada));
        status_is($r, 200, 'render');
        is($r->{json}{text}, "Summarize owls for ada on $today about Orrery (A clockwork sky). Literal: {{topic}}",
           'variables, built-ins and the literal escape');
        is($r->{json}{version}, 4, 'the current version');
        $r = $srv->json('POST', "/api/v1/prompts/$id/render", { variables => { topic => '{{user}} {{{{' }, project_id => $pid,
                                                              version => 2 }, bearer($ada));
        is($r->{json}{text}, 'Short: {{user}} {{{{', 'an old version; a value is not a template');
        is($r->{json}{version}, 2, 'version 2');
        $r = $srv->json('POST', "/api/v1/prompts/$bid/render", { variables => { what => 42.5 } }, bearer($vic));
        status_is($r, 200, 'a viewer renders');
        is($r->{json}{text}, 'Bob says 42.5', 'a number as value');
        is($srv->json('POST', "/api/v1/prompts/$bid/render", { variables => { what => JSON::PP::true } })->{json}{text},
           'Bob says true', 'a boolean as value');
        $r = $srv->json('POST', "/api/v1/prompts/$id/render", {}, bearer($ada));
        error_is($r, 422, 'MISSING_VARIABLES', 'no values => 422');
        is_deeply($r->{json}{error}{details}{missing}, ['topic', 'project.name', 'project.description'],
                  'listing what is missing, each once');
        error_is($srv->json('POST', "/api/v1/prompts/$id/render", { variables => { topic => 'x' }, project_id => $pid },
                            bearer($vic)), 404, 'NOT_FOUND', "a project the caller cannot see => 404");
        error_is($srv->json('POST', "/api/v1/prompts/$id/render", { variables => { topic => 'x' }, project_id => 999999 },
                            bearer($ada)), 404, 'NOT_FOUND', 'no such project => 404');
        for my $bad ([{ variables => [] }, 'variables', 'variables an array'],
                     [{ variables => { topic => { a => 1 } } }, 'variables.topic', 'an object as value'],
                     [{ variables => { topic => undef } }, 'variables.topic', 'null as value'],
                     [{ variables => { 'two words' => 'x' } }, 'variables.two words', 'a bad name'],
                     [{ variables => { user => 'mallory' } }, 'variables.user', 'a built-in'],
                     [{ variables => { date => '1999-01-01' } }, 'variables.date', 'another built-in'],
                     [{ variables => { topic => 'x' x 100001 } }, 'variables.topic', 'a value too long'],
                     [{ variables => { map { ("v$_" => 1) } 1 .. 101 } }, 'variables', '101 variables'],
                     [{ project_id => 'one' }, 'project_id', 'project_id a string'],
                     [{ project_id => 0 }, 'project_id', 'project_id 0'],
                     [{ version => 'x' }, 'version', 'version a string'],
                     [{ stream => JSON::PP::false }, 'stream', 'an unknown field']) {
            my $res = $srv->json('POST', "/api/v1/prompts/$id/render", $bad->[0], bearer($ada));
            error_is($res, 400, 'VALIDATION_ERROR', "render with $bad->[2] => 400");
            is(($res->{json}{error}{details} || {})->{field}, $bad->[1], "... naming $bad->[1]");
        }
        error_is($srv->json('POST', "/api/v1/prompts/$id/render", { version => 9 }), 404, 'NOT_FOUND',
                 'rendering no such version => 404');
        my $huge = $srv->json('POST', '/api/v1/prompts', { name => 'huge', body => '{{v}}' x 2000 }, bearer($ada));
        error_is($srv->json('POST', "/api/v1/prompts/$huge->{json}{id}/render", { variables => { v => 'x' x 1000 } }),
                 422, 'PROMPT_TOO_LARGE', 'a rendering over 1 MiB => 422');

        # Test runs: rendered, sent to the model, streamed like a chat; nothing stored.
        my $vars = { variables => { topic => 'owls' }, project_id => $pid, model => 'llama3.2:latest' };
        my $t = $srv->json('POST', "/api/v1/prompts/$id/test", { %$vars, stream => JSON::PP::false, system => 'Be brief.',
                                                               options => { num_ctx => 1024, temperature => 0.1 } },
                           bearer($ada));
        status_is($t, 200, 'a test run as JSON');
        my $text = "Summarize owls for ada on $today about Orrery (A clockwork sky). Literal: {{topic}}";
        is($t->{json}{prompt}, $text, 'the rendered prompt');
        is($t->{json}{content}, "Echo: $text [end]", "the model's answer");
        is($t->{json}{state}, 'complete', 'complete');
        is($t->{json}{model}, 'llama3.2:latest', 'the model');
        cmp_ok($t->{json}{completion_tokens}, '>', 0, 'token counts');
        ok(!exists $t->{json}{id}, 'no message id: nothing was stored');
        my $sent = (fake_control($fake, 'GET', 'log?path=/api/chat') || [])->[-1] || {};
        my $up = ref $sent->{body} ? $sent->{body} : eval { $J->decode($sent->{body}) } || {};
        is_deeply([ map { $_->{role} } @{ $up->{messages} || [] } ], ['system', 'user'], 'system, then the prompt');
        is($up->{messages}[1]{content}, $text, 'the prompt went upstream rendered');
        is($up->{options}{num_ctx}, 1024, 'with the options');

        my $s = $srv->json('POST', "/api/v1/prompts/$id/test", { %$vars, version => 2 }, bearer($ada));
        status_is($s, 200, 'a test run streamed (the default)');
        like($s->{headers}{'content-type'}, qr{^text/event-stream}, 'as an event stream');
        my $ev = events($s);
        is($ev->[0]{event}, 'start', 'start');
        is($ev->[0]{data}{prompt}, 'Short: owls', 'start carries the rendered prompt');
        is($ev->[0]{data}{version}, 2, 'and the version');
        is_deeply([ map { $_->{event} } @$ev ], [qw(start token token token token done)], 'start, a token per word, done')
            or diag explain $ev;
        is_deeply([ map { $_->{id} } @$ev ], [1 .. @$ev], 'ids');
        is(join('', map { $_->{data}{text} } grep { $_->{event} eq 'token' } @$ev), 'Echo: Short: owls [end]', 'the tokens');
        is($ev->[-1]{data}{content}, 'Echo: Short: owls [end]', 'done carries the answer');
        is($ev->[-1]{data}{state}, 'complete', 'complete');

        $s = $srv->json('POST', "/api/v1/prompts/$id/test", { %$vars, model => 'nosuch:1b' }, bearer($ada));
        is(events($s)->[-1]{event}, 'error', 'an unknown model ends the stream in an error');
        is(events($s)->[-1]{data}{code}, 'MODEL_NOT_FOUND', 'MODEL_NOT_FOUND');
        ok(!exists events($s)->[-1]{data}{message_id}, 'naming no stored message');
        error_is($srv->json('POST', "/api/v1/prompts/$id/test", { %$vars, model => 'nosuch:1b', stream => JSON::PP::false },
                            bearer($ada)), 404, 'MODEL_NOT_FOUND', 'as JSON: 404');
        fake_control($fake, 'POST', 'config', { fail_after_tokens => 2 });
        $ev = events($srv->json('POST', "/api/v1/prompts/$id/test", $vars, bearer($ada)));
        is_deeply([ map { $_->{event} } @$ev[0 .. 2] ], [qw(start token token)], 'two tokens');
        is($ev->[-1]{data}{code}, 'UPSTREAM_ERROR', 'then a mid-stream error');
        fake_control($fake, 'POST', 'reset');

        error_is($srv->json('POST', "/api/v1/prompts/$id/test", $vars, bearer($vic)), 403, 'FORBIDDEN',
                 'a viewer may not run a test');
        status_is($srv->json('POST', "/api/v1/prompts/$id/test", { model => 'llama3.2:latest', version => 2,
                                                                 variables => { topic => 'x' }, stream => JSON::PP::false },
                             bearer($bob)), 200, "another developer may test ada's prompt");
        my $m = $srv->json('POST', "/api/v1/prompts/$id/test", { model => 'llama3.2:latest' }, bearer($ada));
        error_is($m, 422, 'MISSING_VARIABLES', 'missing values => 422, before any stream');
        for my $bad ([{ %$vars, model => undef }, 'model', 'model null'],
                     [{ %$vars, model => '' }, 'model', 'an empty model'],
                     [{ variables => { topic => 'x' } }, 'model', 'no model'],
                     [{ %$vars, stream => 'yes' }, 'stream', 'stream a string'],
                     [{ %$vars, system => 5 }, 'system', 'system a number'],
                     [{ %$vars, options => { temperature => 'hot' } }, 'options.temperature', 'a bad option'],
                     [{ %$vars, options => { temprature => 1 } }, 'options.temprature', 'an unknown option'],
                     [{ %$vars, options => [] }, 'options', 'options an array'],
                     [{ %$vars, title => 'x' }, 'title', 'an unknown field']) {
            my $res = $srv->json('POST', "/api/v1/prompts/$id/test", $bad->[0], bearer($ada));
            error_is($res, 400, 'VALIDATION_ERROR', "test with $bad->[2] => 400");
            is(($res->{json}{error}{details} || {})->{field}, $bad->[1], "... naming $bad->[1]");
        }
        is($srv->request('GET', '/api/v1/threads', bearer($ada))->{json}{total}, 0, 'no thread was made');
        like($srv->sql('SELECT COUNT(*) FROM messages'), qr/^0\s*$/, 'no message was stored');
        # ... but the runs a model made count in the usage, as prompt_test
        my $usage = $srv->request('GET', '/api/v1/usage', bearer($ada))->{json}{items} || [];
        my @pt = grep { $_->{source} eq 'prompt_test' } @$usage;
        is_deeply([ map { [ $_->{model}, $_->{requests} ] } @pt ], [ [ 'llama3.2:latest', 3 ] ],
                  "ada's three runs a model made count as prompt_test (an unknown model's do not)") or diag explain $usage;
        cmp_ok($pt[0]{tokens_out} // 0, '>', $t->{json}{completion_tokens}, '... with their tokens');
        ok(!(grep { $_->{source} eq 'chat' } @$usage), '... and none as a chat');

        # Delete: the owner or an admin.
        error_is($srv->request('DELETE', "/api/v1/prompts/$id", bearer($bob)), 403, 'FORBIDDEN',
                 "another developer may not delete ada's prompt");
        status_is($srv->request('DELETE', "/api/v1/prompts/$id", bearer($ada)), 204, 'the owner deletes it');
        error_is($srv->request('GET', "/api/v1/prompts/$id"), 404, 'NOT_FOUND', 'gone');
        error_is($srv->request('GET', "/api/v1/prompts/$id/versions"), 404, 'NOT_FOUND', 'with its history');
        like($srv->sql("SELECT COUNT(*) FROM prompt_versions WHERE prompt_id = $id"), qr/^0\s*$/, 'the versions are deleted');
        like($srv->sql("SELECT COUNT(*) FROM prompt_tags WHERE prompt_id = $id"), qr/^0\s*$/, 'and the tags');

        # A deleted account leaves its prompts in the library, owned by nobody.
        status_is($srv->request('DELETE', "/api/v1/users/$bob_id"), 204, 'bob is deleted');
        my $orphan = $srv->request('GET', "/api/v1/prompts/$bid");
        status_is($orphan, 200, "bob's prompt stays");
        is($orphan->{json}{owner_id}, undef, 'owned by nobody');
        error_is($srv->json('PATCH', "/api/v1/prompts/$bid", { body => 'taken' }, bearer($ada)), 403, 'FORBIDDEN',
                 'a developer may not take it over');
        status_is($srv->json('PATCH', "/api/v1/prompts/$bid", { body => 'kept {{what}}' }), 200, 'an admin may change it');
        is($srv->request('GET', "/api/v1/prompts/$bid/versions")->{json}{items}[1]{author}, undef,
           'the old version has no author now');
        status_is($srv->request('DELETE', "/api/v1/prompts/$bid"), 204, 'and delete it');

        security_headers_ok($srv, skip => sub { ($_[0]{headers}{'content-type'} // '') =~ /event-stream/ });
        $srv->stop;
    };
}

done_testing;
