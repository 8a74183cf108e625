#!/usr/bin/env perl
# Analyses on the server (issue 13, first part): POST .../analyze queues a
# job that runs the planning command in a child process on a fixture
# checkout; its progress over the job's events; the stored results as
# objectives, one objective with evidence and history, gaps and
# recommendations, with paging, filters and ETags; one analysis per project
# at a time, also when two requests race; who may start and read them; a
# cancel mid-run, an analyzer that crashes and one that hangs past the
# timeout (t/api/analyzers/misbehave) fail the job with a clear error and
# leave httpd's children serving.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Path qw(make_path);
use Test::More;
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);
use PlanningAnalysis qw(:all);

PlanningTest::require_build();
plan skip_all => 'universal-ctags is not installed'
    unless -x '/usr/bin/ctags-universal' || -x '/usr/bin/ctags';

my $CLI = $PlanningTest::CLI;
my $MISBEHAVE = "$FindBin::Bin/analyzers/misbehave";

sub bearer { { Authorization => "Bearer $_[0]" } }


# The shop of t/cli/analyze.t, smaller: login implemented, the cart half,
# search not at all.
sub shop {
    my ($dir) = @_;
    write_tree($dir,
        'MASTER_PLAN.md' => <<'MD',
# Shop master plan

## Primary objectives

### AUTH-001 User login
Users sign in with a password that is stored hashed.
- [x] Hash passwords with a random salt
- [x] Verify the password at login

### CART-001 Shopping cart
Depends on: AUTH-001
- [x] Add an item to the shopping cart
- [x] Apply a discount coupon to the cart total

## Secondary objectives

### SRCH-001 Product search
Depends on: CART-001
- [ ] Search products by keyword with fuzzy spelling
- [ ] Rank search results by popularity
MD
        'auth/passwords.py' => <<'PY',
"""Password storage for user accounts."""
import hashlib
import os


def hash_password(password, salt=None):
    """Hash a password with a random salt (PBKDF2)."""
    salt = salt or os.urandom(16)
    return salt, hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100000)


def verify_password(password, salt, expected):
    """Verify a password at login against the stored hash."""
    return hash_password(password, salt)[1] == expected
PY
        'cart/cart.go' => <<'GO',
package cart

// Item is a product in a shopping cart.
type Item struct {
	SKU   string
	Price int
}

// Cart holds the items a customer is about to buy.
type Cart struct {
	Items []Item
}

// AddItem adds an item to the shopping cart.
func AddItem(c *Cart, it Item) {
	c.Items = append(c.Items, it)
}
GO
    );
}



sub items { @{ (($_[0] || {})->{json} || {})->{items} || [] } }

for my $backend (backends()) {
    subtest "$backend: an analysis end to end" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningAnalyzer $CLI");
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my ($viewer_id, $viewer) = $srv->add_user('viewer', 'developer');
        my $dir = project_dir($R, 'shop');
        shop($dir);
        my $p = $srv->json('POST', '/api/v1/projects', { name => 'shop', local_path => $dir }, bearer($dev));
        status_is($p, 201, 'the developer creates the project');
        my $pid = $p->{json}{id};
        my $base = "/api/v1/projects/$pid";
        status_is($srv->json('PUT', "$base/members/$viewer_id", { role => 'viewer' }), 200, 'a viewer member');

        # Bad input: 400 naming the field, nothing queued.
        for my $bad ([{ kind => 'full' }, 'kind'],
                     [{ analysis_type => 'quick' }, 'analysis_type'],
                     [{ analysis_type => 7 }, 'analysis_type'],
                     [{ include_history => 'yes' }, 'include_history'],
                     [{ options => [] }, 'options'],
                     [{ options => { turbo => JSON::PP::true } }, 'options.turbo'],
                     [{ options => { jobs => 0 } }, 'options.jobs'],
                     [{ options => { jobs => '2' } }, 'options.jobs'],
                     [{ options => { plan => '../other/PLAN.md' } }, 'options.plan'],
                     [{ options => { plan => '/etc/passwd' } }, 'options.plan']) {
            my $r = $srv->json('POST', "$base/analyze", $bad->[0], bearer($dev));
            error_is($r, 400, 'VALIDATION_ERROR', "400 for $bad->[1]");
            is(((($r->{json} || {})->{error} || {})->{details} || {})->{field}, $bad->[1], "... naming $bad->[1]");
        }
        error_is($srv->request('POST', "$base/analyze", { %{ bearer($dev) }, 'Content-Type' => 'application/json' },
                               '{"analysis_type":'), 400, undef, 'malformed JSON: 400');
        is(scalar(items($srv->request('GET', "$base/analyses", bearer($dev)))), 0, 'nothing was queued');
        error_is($srv->request('GET', "$base/objectives", bearer($dev)), 404, 'NO_ANALYSIS',
                 'no analysis yet: 404 NO_ANALYSIS');
        error_is($srv->request('GET', "$base/recommendations", bearer($viewer)), 404, 'NO_ANALYSIS',
                 '... for the recommendations too');

        # Who may start one.
        error_is($srv->json('POST', "$base/analyze", {}, bearer($viewer)), 403, 'FORBIDDEN',
                 'a viewer may not start an analysis');
        my $rkey = $srv->json('POST', '/api/v1/auth/keys', { name => 'ci-read', scopes => ['read'] }, bearer($dev));
        error_is($srv->json('POST', "$base/analyze", {}, bearer($rkey->{json}{key})), 403, 'FORBIDDEN',
                 'a read-scoped key may not');

        # Started by a write-scoped key of the developer's.
        my $wkey = $srv->json('POST', '/api/v1/auth/keys', { name => 'ci-write', scopes => ['read', 'write'],
                                                            project_id => $pid }, bearer($dev));
        status_is($wkey, 201, 'a write-scoped key limited to the project');
        my $a = $srv->json('POST', "$base/analyze", { analysis_type => 'full', include_history => JSON::PP::false,
                                                      options => { jobs => 1 } }, bearer($wkey->{json}{key}));
        status_is($a, 202, 'POST analyze: 202');
        my $an = $a->{json} || {};
        my $aid = $an->{analysis_id};
        ok($aid && $an->{id} == $aid, 'the analysis id');
        like($a->{headers}{location} // '', qr{/api/v1/analyses/$aid$}, 'Location names the analysis');
        is($an->{_links}{$_}{href}, { self => "/api/v1/analyses/$aid", status => "/api/v1/analyses/$aid/status",
                                      results => "/api/v1/analyses/$aid/results",
                                      job => "/api/v1/jobs/$an->{job_id}" }->{$_}, "_links.$_") for qw(self status results job);
        is($an->{state}, 'queued', 'queued');
        is_deeply($an->{options}, { jobs => 1 }, 'the options are kept');
        ok(is_false($an->{include_history}), 'include_history is kept');

        # One at a time: a second request answers with the one under way.
        my $again = $srv->json('POST', "$base/analyze", {}, bearer($dev));
        ok($again->{status} == 200 && ($again->{json} || {})->{id} == $aid, 'a second request: 200 with the running one')
            or diag_res($again);

        # Its progress through the job's events, to the end.
        my ($st, $ev) = $srv->sse('GET', "/api/v1/jobs/$an->{job_id}/events", undef, token => $dev,
                                  until => sub { $_[0]{event} ne 'progress' }, timeout => 90);
        # A stream that ends before "done" is picked up again, as an
        # EventSource would (a MariaDB run saw one end after its first event,
        # no error logged; said here when it happens, to find out why).
        for my $again (1 .. 3) {
            last if @$ev && $ev->[-1]{event} ne 'progress';
            diag(sprintf 'the events stream ended after %d events without "done"; reconnecting',
                 scalar @$ev);
            my ($st2, $more) = $srv->sse('GET', "/api/v1/jobs/$an->{job_id}/events", undef, token => $dev,
                                         until => sub { $_[0]{event} ne 'progress' }, timeout => 90);
            push @$ev, @$more;
        }
        is($st, 200, 'the job events stream');
        is(($ev->[-1] || {})->{event}, 'done', 'it ends with done')
            or diag explain [$ev, $srv->request('GET', "/api/v1/jobs/$an->{job_id}")->{json}];
        is(($ev->[-1] || {})->{data}{state}, 'succeeded', 'the job succeeded') or diag explain $ev->[-1];
        is_deeply(($ev->[-1] || {})->{data}{result}, { analysis_id => $aid }, "the job's result names the analysis");

        my $g = $srv->request('GET', "/api/v1/analyses/$aid", bearer($viewer));
        status_is($g, 200, 'GET the analysis (a viewer)');
        is($g->{json}{state}, 'complete', 'complete');
        is($g->{json}{totals}{objectives}, 3, 'three objectives');
        is($g->{json}{totals}{done} + $g->{json}{totals}{partial} + $g->{json}{totals}{missing}, 3,
           'counted per class');
        ok(defined $g->{json}{totals}{claimed_percent} && defined $g->{json}{totals}{observed_percent},
           'claimed and observed completion');
        my $s = $srv->request('GET', "/api/v1/analyses/$aid/status", bearer($viewer));
        is_deeply([ @{ $s->{json} || {} }{qw(state percent stage)} ], ['complete', 100, 'complete'], 'status');
        my $res = $srv->request('GET', "/api/v1/analyses/$aid/results", bearer($viewer));
        status_is($res, 200, 'results');
        is_deeply([ map { $_->{id} } @{ $res->{json}{objectives} || [] } ], [qw(AUTH-001 CART-001 SRCH-001)],
                  'the results hold the objectives by their plan ids');
        ok(@{ $res->{json}{recommendations} || [] } >= 1, '... and recommendations');

        # The objectives.
        my $o = $srv->request('GET', "$base/objectives", bearer($viewer));
        status_is($o, 200, 'objectives');
        my %by = map { $_->{id} => $_ } items($o);
        is($o->{json}{total}, 3, 'total');
        is($by{'AUTH-001'}{classification}, 'done', 'login is done');
        is($by{'SRCH-001'}{classification}, 'missing', 'search is missing');
        is($by{'SRCH-001'}{claimed_completion}, 0, 'search: claimed 0');
        is($by{'AUTH-001'}{claimed_completion}, 1, 'login: claimed 1');
        is_deeply($by{'CART-001'}{dependencies}, ['AUTH-001'], 'dependencies');
        is($by{'AUTH-001'}{_links}{self}{href}, "$base/objectives/AUTH-001", 'a link to each');
        ok($o->{headers}{etag}, 'an ETag');
        is($srv->request('GET', "$base/objectives", { %{ bearer($viewer) }, 'If-None-Match' => $o->{headers}{etag} })->{status},
           304, 'If-None-Match: 304');
        is_deeply([ map { $_->{id} } items($srv->request('GET', "$base/objectives?level=secondary", bearer($dev))) ],
                  ['SRCH-001'], 'level filter');
        # The filter returns what the list calls missing (the verdicts
        # themselves are the analysis's: t/unit/test_gap.c, bench/analysis-quality).
        is_deeply([ map { $_->{id} } items($srv->request('GET', "$base/objectives?classification=missing", bearer($dev))) ],
                  [ grep { $by{$_}{classification} eq 'missing' } sort keys %by ], 'classification filter');
        is_deeply([ map { $_->{id} } items($srv->request('GET', "$base/objectives?q=CART", bearer($dev))) ],
                  ['CART-001'], 'q');
        my $pg = $srv->request('GET', "$base/objectives?limit=2&offset=0", bearer($dev));
        is(scalar(items($pg)), 2, 'limit');
        is($pg->{json}{_links}{next}{href}, "$base/objectives?limit=2&offset=2", 'next link');
        my $tree = $srv->request('GET', "$base/objectives?view=tree", bearer($dev));
        ok((grep { ref $_->{children} eq 'ARRAY' } items($tree)) == 3, 'tree view: nodes with children');
        for my $bad (['view=graph', 'view'], ['level=quaternary', 'level'], ['classification=untested', 'classification'],
                     ['limit=0', 'limit'], ['limit=201', 'limit'], ['offset=-1', 'offset'], ['q=' . ('x' x 201), 'q'],
                     ['analysis=abc', 'analysis']) {
            error_is($srv->request('GET', "$base/objectives?$bad->[0]", bearer($dev)), 400, 'VALIDATION_ERROR',
                     "objectives?$bad->[0]: 400");
        }

        # One objective: tasks with evidence, claimed against observed, history.
        my $one = $srv->request('GET', "$base/objectives/AUTH-001", bearer($viewer));
        status_is($one, 200, 'one objective');
        my @tasks = @{ $one->{json}{tasks} || [] };
        is(scalar @tasks, 2, 'its tasks');
        ok(is_true($tasks[0]{claimed}), 'a task claimed in the plan');
        my ($ev1) = grep { ($_->{symbol} // '') eq 'hash_password' } map { @{ $_->{evidence} || [] } } @tasks;
        ok($ev1 && $ev1->{path} eq 'auth/passwords.py' && $ev1->{line} == 6 && @{ $ev1->{words} }, 'evidence: path, line, symbol, words')
            or diag explain \@tasks;
        ok(exists $one->{json}{tested} && exists $one->{json}{observed_completion} && exists $one->{json}{claimed_status},
           'tested, claimed and observed');
        is(scalar @{ $one->{json}{history} || [] }, 1, 'a history of one verdict');
        error_is($srv->request('GET', "$base/objectives/NOPE-1", bearer($dev)), 404, 'NOT_FOUND', 'an unknown objective');

        # Gaps and recommendations.
        my $gaps = $srv->request('GET', "$base/gaps", bearer($viewer));
        status_is($gaps, 200, 'gaps');
        my @gap = items($gaps);
        ok(@gap && !(grep { $_->{classification} eq 'done' } @gap), 'gaps: objectives not done');
        my %sev = (none => 0, low => 1, medium => 2, high => 3);
        ok(!(grep { $sev{ $gap[$_ - 1]{severity} } < $sev{ $gap[$_]{severity} } } 1 .. $#gap), 'by severity');
        my $recs = $srv->request('GET', "$base/recommendations", bearer($viewer));
        status_is($recs, 200, 'recommendations');
        my @rec = items($recs);
        ok(@rec >= 1, 'some');
        ok(!(grep { my $r = $_; grep { !exists $r->{$_} } qw(type priority title description rationale effort impact
                                                             related_objectives dependencies) } @rec),
           "the original design's fields") or diag explain \@rec;
        my %rank = map { $rec[$_]{related_objectives}[0] => $_ } 0 .. $#rec;
        ok(!defined $rank{'SRCH-001'} || !defined $rank{'CART-001'} || $rank{'CART-001'} < $rank{'SRCH-001'},
           'in dependency order');
        my $min = $rec[0]{priority};
        ok(!(grep { $_->{priority} < $min } items($srv->request('GET', "$base/recommendations?priority_min=$min", bearer($dev)))),
           'priority_min');
        is(scalar(items($srv->request('GET', "$base/recommendations?limit=1", bearer($dev)))), 1, 'limit');
        is(scalar(items($srv->request('GET', "$base/recommendations?type=no_such_type", bearer($dev)))), 0, 'type filter');
        for my $bad (['priority_min=101', 'priority_min'], ['priority_min=x', 'priority_min'], ['effort=huge', 'effort'],
                     ['type=DROP%20TABLE', 'type'], ['offset=x', 'offset']) {
            error_is($srv->request('GET', "$base/recommendations?$bad->[0]", bearer($dev)), 400, 'VALIDATION_ERROR',
                     "recommendations?$bad->[0]: 400");
        }

        # A second analysis: the history grows, the first stays readable.
        my $b = $srv->json('POST', "$base/analyze", {}, bearer($dev));
        status_is($b, 202, 'a second analysis');
        my $bid = $b->{json}{id};
        my $bs = poll($srv, "/api/v1/analyses/$bid/status", \&ended, 90, bearer($dev));
        is($bs->{json}{state}, 'complete', 'it completes');
        is(scalar @{ ($srv->request('GET', "$base/objectives/AUTH-001", bearer($dev))->{json} || {})->{history} || [] }, 2,
           'the verdict has a history of two');
        isnt($srv->request('GET', "$base/objectives", { %{ bearer($viewer) }, 'If-None-Match' => $o->{headers}{etag} })->{status},
             304, 'the ETag changed with the new analysis');
        is($srv->request('GET', "$base/objectives?analysis=$aid", bearer($dev))->{json}{analysis_id}, $aid, '?analysis=ID');
        is($srv->request('GET', "$base/objectives", bearer($dev))->{json}{analysis_id}, $bid, 'the latest by default');
        my $list = $srv->request('GET', "$base/analyses", bearer($viewer));
        status_is($list, 200, 'the list of analyses');
        is($list->{json}{total}, 2, 'two');
        is_deeply([ map { $_->{id} } items($list) ], [ $bid, $aid ], 'newest first');
        ok($list->{headers}{etag}, 'with an ETag');
        is($srv->request('GET', "$base/analyses", { %{ bearer($viewer) }, 'If-None-Match' => $list->{headers}{etag} })->{status},
           304, 'and 304');

        # A key limited to another project, and an outsider, see nothing of it.
        my $q = $srv->json('POST', '/api/v1/projects', { name => 'other', local_path => project_dir($R, 'other') }, bearer($dev));
        my $okey = $srv->json('POST', '/api/v1/auth/keys', { name => 'ci-other', scopes => ['read'], project_id => $q->{json}{id} },
                              bearer($dev));
        error_is($srv->request('GET', "/api/v1/analyses/$aid", bearer($okey->{json}{key})), 403, 'FORBIDDEN',
                 'a key limited to another project: 403 on the analysis');
        error_is($srv->request('GET', "$base/objectives", bearer($okey->{json}{key})), 403, 'FORBIDDEN',
                 '... and on the objectives');
        my ($out_id, $out) = $srv->add_user('outsider', 'developer');
        error_is($srv->request('GET', "/api/v1/analyses/$aid", bearer($out)), 404, 'NOT_FOUND', 'an outsider: 404');
        error_is($srv->request('GET', "/api/v1/analyses/$aid/results", bearer($out)), 404, 'NOT_FOUND', '... on the results too');
        error_is($srv->request('GET', '/api/v1/analyses/999999', bearer($dev)), 404, 'NOT_FOUND', 'no such analysis');

        # Two requests at once on a project with none running: one analysis, one job.
        my $c = $srv->json('POST', '/api/v1/projects', { name => 'race', local_path => project_dir($R, 'race') }, bearer($dev));
        shop("$R->{root}/race");
        my $cid = $c->{json}{id};
        my @kids;
        for my $n (1 .. 2) {
            my $kid = fork // die "fork: $!";
            if (!$kid) {
                my $r = $srv->json('POST', "/api/v1/projects/$cid/analyze", {}, bearer($dev));
                PlanningTest::spew("$R->{base}/race-$n", "$r->{status} " . (($r->{json} || {})->{id} // ''));
                POSIX::_exit(0);
            }
            push @kids, $kid;
        }
        waitpid($_, 0) for @kids;
        my @got = map { [ split / /, PlanningTest::slurp("$R->{base}/race-$_") ] } 1 .. 2;
        is_deeply([ sort map { $_->[0] } @got ], [200, 202], 'two requests at once: one 202, one 200')
            or diag explain \@got;
        is($got[0][1], $got[1][1], 'both name the same analysis');
        poll($srv, "/api/v1/analyses/$got[0][1]/status", \&ended, 90, bearer($dev));
        my @jobs = grep { $_->{kind} eq 'analysis' && ($_->{project_id} // 0) == $cid }
                   items($srv->request('GET', '/api/v1/jobs?limit=200', bearer($dev)));
        is(scalar @jobs, 1, 'one job');

        # A project whose checkout vanished: the job fails and says why.
        my $v = $srv->json('POST', '/api/v1/projects', { name => 'gone', local_path => project_dir($R, 'gone') }, bearer($dev));
        rmdir "$R->{root}/gone" or die "rmdir: $!";
        my $va = $srv->json('POST', "/api/v1/projects/$v->{json}{id}/analyze", {}, bearer($dev));
        my $vs = poll($srv, "/api/v1/analyses/$va->{json}{id}", \&ended, 60, bearer($dev));
        is($vs->{json}{state}, 'failed', 'a vanished checkout: failed');
        is(($vs->{json}{error} || {})->{code}, 'PROJECT_PATH_INVALID', '... PROJECT_PATH_INVALID');

        # options.plan through a symlink out of the checkout: refused when the job runs.
        symlink('/etc/passwd', "$dir/evil.md") or die "symlink: $!";
        my $ea = $srv->json('POST', "$base/analyze", { options => { plan => 'evil.md' } }, bearer($dev));
        status_is($ea, 202, 'a plan named through a symlink is queued');
        my $es = poll($srv, "/api/v1/analyses/$ea->{json}{id}", \&ended, 60, bearer($dev));
        is(($es->{json}{error} || {})->{code}, 'PLAN_OUTSIDE_PROJECT', '... and refused when it runs');
        $srv->expect_log(qr/PLN01901:/);
        $srv->stop;
    };

    subtest "$backend: cancel, crash, hang" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningAnalyzer $MISBEHAVE\nPlanningAnalysisTimeout 4");
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my $mk = sub {
            my ($name) = @_;
            my $d = project_dir($R, $name);
            chmod 0777, $d;    # the stand-in writes its pid there
            PlanningTest::spew("$d/.analyzer", "$name\n");
            my $p = $srv->json('POST', '/api/v1/projects', { name => $name, local_path => $d }, bearer($dev));
            my $a = $srv->json('POST', "/api/v1/projects/$p->{json}{id}/analyze", {}, bearer($dev));
            status_is($a, 202, "$name: queued");
            return ($a->{json} || {}, $d);
        };
        # dead: no such process, or a zombie its new parent has not reaped yet
        my $dead = sub {
            my ($pid) = @_;
            return 1 unless kill(0, $pid);
            open(my $fh, '<', "/proc/$pid/stat") or return 1;
            my ($state) = (<$fh> // '') =~ /\)\s+(\S)/;
            return ($state // '') eq 'Z';
        };
        my $gone = sub {
            my ($file) = @_;
            my ($pid) = PlanningTest::slurp($file) =~ /(\d+)/;
            return 0 unless $pid;
            my $t0 = time;
            sleep 0.1 while !$dead->($pid) && time - $t0 < 10;
            return $dead->($pid);
        };

        # Cancel mid-run: the stand-in reports progress until it is killed.
        my ($slow, $sd) = $mk->('slow');
        my $running = poll($srv, "/api/v1/analyses/$slow->{id}/status",
                           sub { ($_[0]{stage} // '') eq 'symbols' && $_[0]{percent} > 10 }, 60, bearer($dev));
        is($running->{json}{state}, 'running', 'slow: running') or diag_res($running);
        ok($running->{json}{percent} > 10 && $running->{json}{percent} < 100, 'with a percent from its progress');
        my $cancel = $srv->request('POST', "/api/v1/jobs/$slow->{job_id}/cancel", bearer($dev));
        status_is($cancel, 202, 'cancel through the job');
        my $sj = poll($srv, "/api/v1/jobs/$slow->{job_id}", sub { $_[0]{state} ne 'running' }, 30, bearer($dev));
        is($sj->{json}{state}, 'canceled', 'the job ends canceled');
        is($srv->request('GET', "/api/v1/analyses/$slow->{id}", bearer($dev))->{json}{state}, 'canceled',
           'the analysis too');
        ok($gone->("$sd/analyzer.pid"), 'the analyzer process was killed');

        # A crash.
        my ($crash) = $mk->('crash');
        my $cj = poll($srv, "/api/v1/analyses/$crash->{id}", \&ended, 60, bearer($dev));
        is($cj->{json}{state}, 'failed', 'crash: failed');
        is($cj->{json}{error}{code}, 'ANALYZER_CRASHED', 'ANALYZER_CRASHED');
        like($cj->{json}{error}{message}, qr/signal 11/, 'the message names the signal');
        my $job = $srv->request('GET', "/api/v1/jobs/$crash->{job_id}", bearer($dev));
        is(($job->{json}{error} || {})->{code}, 'ANALYZER_CRASHED', 'the job says so too');
        my $cr = $srv->request('GET', "/api/v1/analyses/$crash->{id}/results", bearer($dev));
        status_is($cr, 200, 'the results of a failed analysis answer ...');
        ok(!$cr->{json}{complete} && !@{ $cr->{json}{objectives} }
           && $cr->{json}{analysis}{error}{code} eq 'ANALYZER_CRASHED',
           '... with its state and error, and no objectives');

        # A hang past PlanningAnalysisTimeout (4 s): killed, with its children.
        my ($hang, $hd) = $mk->('hang');
        my $hj = poll($srv, "/api/v1/analyses/$hang->{id}", \&ended, 60, bearer($dev));
        is($hj->{json}{state}, 'failed', 'hang: failed');
        is($hj->{json}{error}{code}, 'TIMEOUT', 'TIMEOUT');
        like($hj->{json}{error}{message}, qr/4 seconds.*PlanningAnalysisTimeout/, 'the message names the directive');
        ok($gone->("$hd/analyzer.pid"), 'the analyzer was killed');
        {
            ok($gone->("$hd/sleeper.pid"), "and its own child, by its process group") or do {
                my ($pid) = (PlanningTest::slurp("$hd/sleeper.pid") // '') =~ /(\d+)/;
                diag("sleeper.pid: " . ($pid // 'none') . "; /proc: "
                     . ($pid && -r "/proc/$pid/stat" ? PlanningTest::slurp("/proc/$pid/stat") : 'gone'));
                kill('KILL', $pid) if $pid;
            };
        }

        # A report that is no JSON.
        my ($garble) = $mk->('garble');
        my $gj = poll($srv, "/api/v1/analyses/$garble->{id}", \&ended, 60, bearer($dev));
        is(($gj->{json}{error} || {})->{code}, 'BAD_OUTPUT', 'garbled output: BAD_OUTPUT');

        # httpd's children are unharmed: the server answers, and the error
        # log holds no crash (stop checks it).
        status_is($srv->request('GET', '/api/v1/health'), 200, 'the server still answers');
        my $log = PlanningTest::slurp($srv->error_log);
        unlike($log, qr/exit signal|Segmentation fault|child pid \d+ exit/, 'no httpd child died');
        $srv->expect_log(qr/PLN01901:/);
        $srv->stop;
    };
}

done_testing();
