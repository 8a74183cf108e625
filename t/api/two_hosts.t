#!/usr/bin/env perl
# Two hosts on one database (DESIGN.md, scaling out; issue 19 item 3): two
# httpd instances with their own ports and run directories, one MariaDB, one
# token key, and the rate-limit counters in a memcached both reach through
# mod_socache_memcache (conf/two-hosts.conf is the example). What one host
# does, the other sees: rate limits are shared, a job runs exactly once, a
# reply generated on one is followed and resumed on the other, a list
# cached on one is fresh after a write on the other, and a host killed in
# the middle of a job leaves it to the other after its lease.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use POSIX ();
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);
use PlanningSSE;

PlanningTest::require_build();
plan skip_all => 'two hosts share a MariaDB database (PL_TEST_BACKENDS has no mysql)'
    unless grep { $_ eq 'mysql' } backends();

my $mc = start_memcached() or plan skip_all => 'memcached is not installed (script/bootstrap installs it)';
my $mods = '/usr/lib/apache2/modules';
my $EXTRA = join "\n", "LoadModule socache_memcache_module $mods/mod_socache_memcache.so",
    "PlanningRateLimitCache memcache:127.0.0.1:$mc->{port}",
    'PlanningModelServerAllow 127.0.0.0/8', 'PlanningLoginRateLimit 0', 'PlanningAPIRateLimit 40',
    'PlanningJobLease 5';
my $WORDS = 'one two three four five six seven eight nine ten eleven twelve';

my $fake = start_fake(args => ['--token-delay-ms', '100']);
my $R = make_roots();
my $A = start_server(backend => 'mysql', extra => $EXTRA, roots => [$R->{root}]);
my $B = start_server(share => $A, extra => $EXTRA, roots => [$R->{root}]);
ok($A->port != $B->port && $A->rundir ne $B->rundir, 'two hosts: their own ports and run directories');
is($A->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $B->{token}" })->{status}, 200,
   "a token one host signed is good on the other (one key, one session store)");
my $sid = $A->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} })->{json}{id};
ok($sid, 'a model server, made on host A');

sub wait_job {
    my ($srv, $id, $test, $secs) = @_;
    my $r;
    my $until = time + ($secs // 30);
    while (time < $until) {
        $r = $srv->request('GET', "/api/v1/jobs/$id");
        return $r if $r->{json} && $test->($r->{json});
        sleep 0.2;
    }
    return $r;
}
sub ended { ($_[0]{state} // '') =~ /^(?:succeeded|failed|canceled)$/ }

subtest 'a list cached on one host is fresh after a write on the other' => sub {
    my $before = $B->request('GET', '/api/v1/projects');
    status_is($before, 200, 'B lists the projects (and keeps the page)');
    my $etag = $before->{headers}{etag};
    is($B->request('GET', '/api/v1/projects', { 'If-None-Match' => $etag })->{status}, 304, '... unchanged: 304');
    my $p = $A->json('POST', '/api/v1/projects', { name => 'made-on-a', local_path => project_dir($R, 'a') });
    status_is($p, 201, 'A makes a project');
    my $after = $B->request('GET', '/api/v1/projects');
    ok((grep { $_->{name} eq 'made-on-a' } @{ $after->{json}{items} || [] }), 'B lists it at once');
    isnt($after->{headers}{etag}, $etag, '... under a new ETag');
};

subtest 'rate limits are shared' => sub {
    # fixed one-minute windows: start early in one, so the run stays in it
    my $sec = POSIX::strftime('%S', gmtime) + 0;
    sleep 61 - $sec if $sec > 45;
    my (undef, $tok) = $A->add_user('counted', 'developer');
    my ($ok, $limited, $first_limited_on) = (0, 0, '');
    for my $i (1 .. 50) {
        my ($srv, $name) = $i % 2 ? ($A, 'A') : ($B, 'B');
        my $r = $srv->request('GET', '/api/v1/auth/me', { Authorization => "Bearer $tok" });
        if ($r->{status} == 429) { $limited++; $first_limited_on ||= "$name at request $i" }
        elsif ($r->{status} == 200) { $ok++ }
    }
    note("first 429: $first_limited_on");
    is($ok, 40, '50 requests alternating between the hosts: 40 pass (PlanningAPIRateLimit 40 in all, not on each)');
    is($limited, 10, '... and 10 are refused');
};

subtest 'a job runs exactly once' => sub {
    fake_control($fake, 'POST', 'config', { pull_delay_ms => 20 });
    my @models = qw(gemma3:1b smollm2:135m qwen3:0.6b);
    my @jobs;
    for my $i (0 .. $#models) {
        my $srv = $i % 2 ? $B : $A;
        my $j = $srv->json('POST', "/api/v1/servers/$sid/models/pull", { name => $models[$i] });
        status_is($j, 202, "pull $models[$i] queued on host " . ($i % 2 ? 'B' : 'A'));
        push @jobs, $j->{json}{id};
    }
    for my $id (@jobs) {
        my $r = wait_job($A, $id, \&ended, 60);
        is($r->{json}{state}, 'succeeded', "job $id succeeded") or diag_res($r);
        is($r->{json}{attempts}, 1, '... on its first attempt');
    }
    my $log = fake_control($fake, 'GET', 'log?path=/api/pull') || [];
    for my $m (@models) {
        is(scalar(grep { ($_->{body}{model} // $_->{body}{name} // '') eq $m } @$log), 1, "the stand-in saw $m pulled once");
    }
};

subtest 'a reply generated on one host is followed and resumed on the other' => sub {
    my $tid = $A->json('POST', '/api/v1/threads', { model => 'llama3.2:latest' })->{json}{id};
    my $s = PlanningSSE->start($A, 'POST', "/api/v1/threads/$tid/messages", body => { content => $WORDS });
    my @had;
    while (@had < 4) { my $e = $s->next_event(10) or last; push @had, $e }
    is($had[0]{event}, 'start', 'host A streams the reply');
    my $mid = $had[0]{data}{message_id};
    # another reader on B follows it while A generates
    my $follower = PlanningSSE->start($B, 'GET', "/api/v1/threads/$tid/messages/$mid/stream");
    is($follower->status, 200, 'host B follows it');
    $s->leave;    # the client of A goes; it comes back on B
    sleep 0.3;
    my $resumed = PlanningSSE->start($B, 'GET', "/api/v1/threads/$tid/messages/$mid/stream",
                                     headers => { 'Last-Event-ID' => $had[-1]{id} });
    my @rest = $resumed->events(30);
    is(($rest[-1] || {})->{event}, 'done', 'the client resumed on B gets the rest, to done') or diag explain \@rest;
    my $reply = "Echo: $WORDS [end]";
    is(PlanningSSE::text_of(@had) . PlanningSSE::text_of(@rest), $reply, '... nothing lost, nothing twice');
    my @all = $follower->events(30);
    is(($all[-1] || {})->{event}, 'done', 'the follower on B saw it end');
    is(PlanningSSE::text_of(@all), $reply, '... with the whole reply');
};

subtest 'a host killed in the middle of a job: the other takes it after its lease' => sub {
    fake_control($fake, 'POST', 'config', { pull_delay_ms => 150 });
    my $j = $A->json('POST', "/api/v1/servers/$sid/models/pull", { name => 'all-minilm:latest' })->{json};
    my $r = wait_job($A, $j->{id}, sub { $_[0]{state} eq 'running' });
    is($r->{json}{state}, 'running', 'the pull runs');
    my ($worker) = $A->sql("SELECT worker FROM jobs WHERE id = $j->{id}") =~ m{/(\d+)\s*$};
    ok($worker, "the row names the process running it ($worker)");
    # the host holding it dies whole (as a machine would): every process of
    # the one whose child holds the job
    my $parent = sub { (PlanningTest::slurp($_[0]->rundir . '/httpd.pid') // '') =~ /(\d+)/ ? $1 : 0 };
    my $holder = (grep { my $pp = $parent->($_); $pp && `ps -o pid= --ppid $pp` =~ /\b$worker\b/ } $A, $B)[0];
    ok($holder, 'the job is held by one of the hosts');
    my $other = $holder && $holder == $A ? $B : $A;
    my $t0 = time;
    if ($holder) {
        my $pp = $parent->($holder);
        my @kids = split ' ', `ps -o pid= --ppid $pp`;
        kill 'KILL', $pp, @kids;
        $holder->{stopped} = 1;    # nothing left to stop; its log is checked below
    }
    $r = wait_job($other, $j->{id}, \&ended, 60);
    is($r->{json}{state}, 'succeeded', 'the other host finished it') or diag_res($r);
    is($r->{json}{attempts}, 2, '... on the second attempt');
    cmp_ok(time - $t0, '>=', 4, '... after the lease ran out (PlanningJobLease 5)');
    my $pulls = grep { ($_->{body}{model} // $_->{body}{name} // '') eq 'all-minilm:latest' } @{ fake_control($fake, 'GET', 'log?path=/api/pull') || [] };
    is($pulls, 2, 'the stand-in saw the pull begun again');
    ok(!PlanningTest::unexpected_log_lines($holder), "the killed host's error log has no error") if $holder;
};

$B->stop;
$A->stop;
done_testing;
