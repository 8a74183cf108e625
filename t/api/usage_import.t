#!/usr/bin/env perl
# Usage cannot be forged (issue 10, item 12): an imported thread keeps the
# token counts its file claims, for display, but /api/v1/usage counts only
# replies this server generated. A real reply from the stand-in is counted;
# an imported reply claiming 999,999,999 completion tokens is not.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP;
use PlanningTest qw(:all);

PlanningTest::require_build();

my $EXTRA = "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0";

sub totals {
    my ($srv, $token) = @_;
    my $u = $srv->request('GET', '/api/v1/usage', { Authorization => "Bearer $token" });
    status_is($u, 200, 'usage');
    my %t = (requests => 0, tokens_in => 0, tokens_out => 0);
    for my $row (@{ $u->{json}{items} || [] }) { $t{$_} += $row->{$_} // 0 for keys %t }
    return \%t;
}

for my $backend (backends()) {
    subtest $backend => sub {
        my $fake = start_fake();
        my $srv = start_server(backend => $backend, extra => $EXTRA);
        status_is($srv->json('POST', '/api/v1/servers', { name => 'local', base_url => $fake->{url} }), 201, 'a server');
        my ($eid, $eve) = $srv->add_user('eve', 'developer');
        my $auth = { Authorization => "Bearer $eve" };

        my $t = $srv->json('POST', '/api/v1/threads', { model => 'llama3.2:latest' }, $auth);
        status_is($t, 201, 'a thread');
        my $m = $srv->json('POST', "/api/v1/threads/$t->{json}{id}/messages",
                           { content => 'hello', stream => JSON::PP::false }, $auth);
        status_is($m, 201, 'a real reply');
        my $before = totals($srv, $eve);
        is($before->{requests}, 1, 'the real reply is counted');
        cmp_ok($before->{tokens_out}, '>', 0, 'with its tokens');

        my $doc = { format => 'mod_planning.thread', format_version => 1, thread => { title => 'forged' },
                    messages => [
                        { id => 1, parent_id => undef, role => 'user', content => 'q', state => 'complete' },
                        { id => 2, parent_id => 1, role => 'assistant', content => 'a', state => 'complete',
                          model => 'llama3.2:latest', prompt_tokens => 888888888,
                          completion_tokens => 999999999, total_ns => 5_000_000_000 },
                    ] };
        my $im = $srv->json('POST', '/api/v1/threads/import', $doc, $auth);
        status_is($im, 201, 'import a thread claiming a billion tokens');
        my $shown = $srv->request('GET', "/api/v1/threads/$im->{json}{id}/export", $auth);
        my ($reply) = grep { $_->{role} eq 'assistant' } @{ $shown->{json}{messages} || [] };
        is($reply->{completion_tokens}, 999999999, 'the imported counts are kept for display');
        is_deeply(totals($srv, $eve), $before, 'usage is unchanged by the import');
        my $seen = $srv->request('GET', "/api/v1/usage?user_id=$eid");
        status_is($seen, 200, "the admin reads eve's usage");
        unlike($seen->{content} // '', qr/999999999|888888888/, 'it holds no forged count');
        $srv->stop;
    };
}

done_testing;
