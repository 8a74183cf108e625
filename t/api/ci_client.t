#!/usr/bin/env perl
# The CI client (issue 13, item 6): `planning ci analyze` run for real as a
# subprocess against a live server, with the key in PLANNING_API_KEY. Its
# exit statuses (0 met, 1 below the bar or regressed, 2 usage, 3 unreachable,
# refused, failed or timed out), every format (JUnit parsed by libxml2, SARIF
# validated against the OASIS SARIF 2.1.0 JSON schema that npm ships in
# t/sarif-schema), $GITHUB_STEP_SUMMARY, and the commands of contrib/ci's
# GitHub and GitLab workflows, so those cannot rot.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Basename qw(dirname);
use JSON::PP;
use Test::More;
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);

PlanningTest::require_build();
plan skip_all => 'universal-ctags is not installed'
    unless -x '/usr/bin/ctags-universal' || -x '/usr/bin/ctags';

# All three are installed by script/bootstrap: a missing one is a broken
# setup, a failure rather than a skip (and not a bail-out of the whole run).
my $SCHEMA = repo_root() . '/t/sarif-schema/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';
my @missing = ((-f $SCHEMA ? () : $SCHEMA), grep { !eval "require $_; 1" } qw(XML::LibXML JSON::Validator));
if (@missing) {
    fail("missing @missing: run script/bootstrap");
    done_testing();
    exit;
}

my $CLI = $PlanningTest::CLI;
my $MISBEHAVE = "$FindBin::Bin/analyzers/misbehave";

sub bearer { { Authorization => "Bearer $_[0]" } }

# A notes app: saving done, tagging done, export partly, sync not at all
# (its title holds what XML, Markdown and JSON must escape). The verdicts are
# calibrated over the whole plan: a new word anywhere can move them.
sub notes {
    my ($dir) = @_;
    my %files = (
        'MASTER_PLAN.md' => <<'MD',
# Notes master plan

## Primary objectives

### NOTE-001 Save notes
Notes are kept as files on disk.
- [x] Save a note to a file
- [x] Load a note from a file

### TAG-001 Tag notes
- [x] Add a tag to a note
- [x] Remove a tag from a note

### EXP-001 Export notes
- [x] Export a note as HTML
- [x] Export a note as Markdown
- [x] Export all notes as a PDF book

## Secondary objectives

### SYNC-001 Cloud sync & "bucket" | < 5 s
- [ ] Sync notes with the cloud storage bucket
MD
        'notes/store.py' => <<'PY',
"""Notes kept as files on disk."""


def save_note(path, text):
    """Save a note to a file."""
    with open(path, "w") as f:
        f.write(text)


def load_note(path):
    """Load a note from a file."""
    with open(path) as f:
        return f.read()
PY
        'notes/tags.py' => <<'PY',
"""Tags on notes."""


def add_tag(note, tag):
    """Add a tag to a note."""
    note.setdefault("tags", []).append(tag)


def remove_tag(note, tag):
    """Remove a tag from a note."""
    note["tags"].remove(tag)
PY
        'notes/export.py' => <<'PY',
"""Export of notes."""
import html


def export_note_html(note):
    """Export a note as HTML."""
    return "<article>" + html.escape(note["text"]) + "</article>"


def export_note_markdown(note):
    """Export a note as Markdown."""
    return "# " + note["title"] + "\n\n" + note["text"]
PY
    );
    for my $path (keys %files) {
        mkdirs(dirname("$dir/$path"));
        PlanningTest::spew("$dir/$path", $files{$path});
    }
}

# Runs the client: (exit status, stdout, stderr). %env is its whole
# environment beside PATH (no PLANNING_API_KEY unless given).
my $OUTDIR = tempdir_shared();
sub ci {
    my ($env, @args) = @_;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        %ENV = (PATH => dirname($CLI) . ":$ENV{PATH}", %$env);
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', "$OUTDIR/out" or die;
        open STDERR, '>', "$OUTDIR/err" or die;
        chdir($env->{CWD} // $OUTDIR);
        no warnings 'exec';
        if (ref $args[0]) { exec '/bin/sh', '-c', ${ $args[0] } }   # a workflow's shell line
        exec $CLI, @args;
        POSIX::_exit(127);
    }
    waitpid($pid, 0);
    return ($? >> 8, PlanningTest::slurp("$OUTDIR/out"), PlanningTest::slurp("$OUTDIR/err"));
}

# JSON::Validator 5.14 has no check for the format uri-reference and says so
# on every use; the schema's structure is checked all the same.
$SIG{__WARN__} = sub { warn @_ unless $_[0] =~ /^Format rule for 'uri-reference' is missing/ };
my $validator = JSON::Validator->new;
$validator->schema($SCHEMA);

# SARIF: valid against the schema, one result per objective not done.
sub sarif_ok {
    my ($text, $gaps, $what) = @_;
    my $doc = eval { decode_json($text) };
    ok($doc, "$what: SARIF is JSON") or return diag $text;
    my @errors = $validator->validate($doc);
    ok(!@errors, "$what: valid against the SARIF 2.1.0 schema") or diag join("\n", map { "$_" } @errors);
    my @res = @{ $doc->{runs}[0]{results} || [] };
    is_deeply([ sort map { $_->{partialFingerprints}{'objectiveId/v1'} } @res ], [ sort keys %$gaps ],
              "$what: one result per gap");
    for my $r (@res) {
        my $g = $gaps->{ $r->{partialFingerprints}{'objectiveId/v1'} } or next;
        is($r->{ruleId}, "objective-$g->{classification}", "$what: $g->{id}: ruleId by classification");
        is($r->{level}, { high => 'error', medium => 'warning' }->{ $g->{severity} } // 'note',
           "$what: $g->{id}: level by severity ($g->{severity})");
        my $loc = $r->{locations}[0]{physicalLocation};
        is($loc->{artifactLocation}{uri}, 'MASTER_PLAN.md', "$what: $g->{id}: in the plan file");
        is($loc->{region}{startLine}, $g->{line}, "$what: $g->{id}: at its line ($g->{line})");
    }
    return $doc;
}

# JUnit: well-formed XML, a test case per objective, failures as chosen.
sub junit_ok {
    my ($text, $objs, $failing, $what) = @_;
    my $xml = eval { XML::LibXML->load_xml(string => $text) };
    ok($xml, "$what: JUnit is well-formed XML") or return diag "$@\n$text";
    my @cases = $xml->findnodes('/testsuites/testsuite/testcase');
    is_deeply([ map { $_->getAttribute('name') } @cases ], [ map { "$_->{id} $_->{title}" } @$objs ],
              "$what: one test case per objective, named by its id and title");
    my @failed = sort map { (split / /, $_->getAttribute('name'))[0] } grep { $_->findnodes('failure') } @cases;
    is_deeply(\@failed, [ sort @$failing ], "$what: the failing ones") or diag $text;
    is($xml->findvalue('/testsuites/testsuite/@failures'), scalar @$failing, "$what: failures counted");
}

# The `planning ci analyze` lines of a workflow file.
sub workflow_commands {
    my ($file) = @_;
    return map { /(planning ci analyze .*)$/ ? $1 : () } split /\n/, PlanningTest::slurp($file);
}

for my $backend (backends()) {
    subtest "$backend: the CI client" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningAnalyzer $CLI");
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my $dir = project_dir($R, 'notes');
        notes($dir);
        my $p = $srv->json('POST', '/api/v1/projects', { name => 'notes', local_path => $dir }, bearer($dev));
        status_is($p, 201, 'a project with a checkout');
        my $pid = $p->{json}{id};
        my $wkey = $srv->json('POST', '/api/v1/auth/keys', { name => 'ci', scopes => ['read', 'write'],
                                                            project_id => $pid }, bearer($dev));
        status_is($wkey, 201, 'a write-scoped key');
        my %env = (PLANNING_API_KEY => $wkey->{json}{key});
        my @at = ('--server', $srv->base, '--project');

        # Usage mistakes: 2, and nothing started.
        for my $bad ([{}, [@at, 'notes'], qr/PLANNING_API_KEY/, 'no key in the environment'],
                     [\%env, ['--project', 'notes'], qr/--server/, 'no --server'],
                     [\%env, ['--server', $srv->base], qr/--project/, 'no --project'],
                     [\%env, [@at, 'notes', '--turbo'], qr/--turbo/, 'an unknown option'],
                     [\%env, [@at, 'notes', '--wait', '--format', 'yaml'], qr/--format/, 'an unknown format'],
                     [\%env, [@at, 'notes', '--wait', '--fail-under', '101'], qr/--fail-under/, '--fail-under 101'],
                     [\%env, [@at, 'notes', '--wait', '--timeout', '0'], qr/--timeout/, '--timeout 0'],
                     [\%env, [@at, 'notes', '--fail-under', '50'], qr/need --wait/, '--fail-under without --wait'],
                     [\%env, [@at, 'notes', '--wait', '--junit-partial', 'maybe'], qr/--junit-partial/, '--junit-partial maybe'],
                     [\%env, ['--server', 'ftp://127.0.0.1/', '--project', 'notes'], qr/--server/, 'an ftp server'],
                     [\%env, [@at, 'no-such-project'], qr/no project named "no-such-project"/, 'a project that is not there'],
                     [\%env, [@at, '999999'], qr/no project 999999/, 'a project id that is not there']) {
            my ($rc, $out, $err) = ci($bad->[0], 'ci', 'analyze', @{ $bad->[1] });
            is($rc, 2, "$bad->[3]: exit 2");
            like($err, $bad->[2], '... saying what is wrong') or diag $err;
        }
        is(scalar @{ $srv->request('GET', "/api/v1/projects/$pid/analyses", bearer($dev))->{json}{items} }, 0,
           'no analysis was started');

        # Unreachable, refused: 3, saying which.
        my $port = PlanningTest::free_port();
        my ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', '--server', "http://127.0.0.1:$port", '--project', 'notes');
        is($rc, 3, 'an unreachable server: exit 3');
        like($err, qr/cannot reach the server/, '... cannot reach');
        ($rc, $out, $err) = ci({ PLANNING_API_KEY => 'pl_wrong_key' }, 'ci', 'analyze', @at, 'notes');
        is($rc, 3, 'a wrong key: exit 3');
        like($err, qr/cannot authenticate: .* refused the key/, '... cannot authenticate');
        my $rkey = $srv->json('POST', '/api/v1/auth/keys', { name => 'ci-read', scopes => ['read'] }, bearer($dev));
        ($rc, $out, $err) = ci({ PLANNING_API_KEY => $rkey->{json}{key} }, 'ci', 'analyze', @at, "$pid");
        is($rc, 3, 'a read-scoped key: exit 3');
        like($err, qr/may not POST .*write scope/, '... it needs write scope');

        # Without --wait: started, its id and URL.
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes');
        is($rc, 0, 'without --wait: exit 0') or diag $err;
        my ($aid) = $out =~ m{started: \Q${\ $srv->base}\E/api/v1/analyses/(\d+)$}m;
        ok($aid, '... it prints the analysis and its URL') or diag $out;
        my $t0 = time;
        sleep 0.2 while time - $t0 < 90
            && ($srv->request('GET', "/api/v1/analyses/$aid/status", bearer($dev))->{json}{state} // '') !~ /complete|failed/;

        # --wait: the text table, and the step summary appended.
        PlanningTest::spew("$OUTDIR/summary.md", "earlier step\n");
        ($rc, $out, $err) = ci({ %env, GITHUB_STEP_SUMMARY => "$OUTDIR/summary.md" },
                               'ci', 'analyze', @at, 'notes', '--wait');
        is($rc, 0, '--wait: exit 0') or diag $err;
        my $res = $srv->request('GET', "/api/v1/projects/$pid/analyses", bearer($dev))->{json}{items}[0];
        ok($res->{id} > $aid && $res->{state} eq 'complete', 'it ran a complete analysis');
        my $results = $srv->request('GET', "/api/v1/analyses/$res->{id}/results", bearer($dev))->{json};
        my @objs = @{ $results->{objectives} };
        my %class = map { $_->{id} => $_->{classification} } @objs;
        is_deeply([ sort keys %class ], [qw(EXP-001 NOTE-001 SYNC-001 TAG-001)], 'the fixture has four objectives');
        is_deeply([ @class{qw(NOTE-001 TAG-001 EXP-001 SYNC-001)} ], [qw(done done partial missing)],
                  'done, done, partial, missing') or diag explain \%class;
        like($out, qr/^\Q$_->{id}\E +\Q$_->{classification}\E +/m, "text: $_->{id} and its verdict") for @objs;
        like($out, qr/observed completion [\d.]+% \(claimed [\d.]+%\)/, 'text: the totals');
        unlike($err, qr/\r/, 'no progress on stderr that is not a terminal');
        # On a terminal (script(1) gives it one) the progress shows on stderr.
        my $base = $srv->base;
        ($rc, $out, $err) = ci(\%env, \"script -qec '$CLI ci analyze --server $base --project notes --wait >/dev/null' /dev/null");
        is($rc, 0, 'on a terminal: exit 0') or diag $err;
        like($out, qr/\ranalysis \d+: (?:queued|running) +\d+%.*\ranalysis \d+: complete +100% complete/s,
             '... with its progress, overwritten in place') or diag explain $out;
        my $summary = PlanningTest::slurp("$OUTDIR/summary.md");
        like($summary, qr/\Aearlier step\n### Planning: notes\n/, 'the step summary is appended to');
        like($summary, qr/^\| SYNC-001 \| Cloud sync & "bucket" \\\| &lt; 5 s \| missing \|/m,
             '... with the table of objectives, a title with | and < escaped') or diag $summary;
        my $observed = $results->{analysis}{totals}{observed_percent};

        # --fail-under: 1 below the bar, 0 at it; the JSON as received.
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, "$pid", '--wait', '--fail-under', '100', '--format', 'json');
        is($rc, 1, '--fail-under 100: exit 1') or diag $err;
        like($err, qr/below the bar: observed completion [\d.]+% is under --fail-under 100%/, '... saying why');
        my $json = eval { decode_json($out) };
        is_deeply([ map { $_->{id} } @{ ($json || {})->{objectives} || [] } ], [ map { $_->{id} } @objs ],
                  'json: the results as received');
        ok($json && $json->{complete}, '... complete');
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes', '--wait', '--fail-under', sprintf('%.1f', int($observed * 10) / 10));
        is($rc, 0, "--fail-under at the observed completion ($observed): exit 0") or diag $err;

        # JUnit: partial fails by default, passes with --junit-partial=pass.
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes', '--wait', '--format', 'junit', '--output', "$OUTDIR/j.xml");
        is($rc, 0, 'junit: exit 0') or diag $err;
        is($out, '', '... the report went to --output');
        junit_ok(PlanningTest::slurp("$OUTDIR/j.xml"), \@objs, [qw(EXP-001 SYNC-001)], 'junit');
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes', '--wait', '--format', 'junit', '--junit-partial=pass');
        junit_ok($out, \@objs, ['SYNC-001'], 'junit --junit-partial=pass');

        # SARIF: the gaps, against the schema.
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes', '--wait', '--format', 'sarif');
        is($rc, 0, 'sarif: exit 0') or diag $err;
        my %gaps = map { $_->{id} => $_ } grep { $_->{classification} ne 'done' } @objs;
        my @plan = split /\n/, PlanningTest::slurp("$dir/MASTER_PLAN.md");
        for my $g (values %gaps) {
            is($plan[ $g->{line} - 1 ], "### $g->{id} $g->{title}", "the server's line of $g->{id} is its heading");
        }
        sarif_ok($out, \%gaps, 'sarif');

        # Markdown.
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes', '--wait', '--format', 'markdown');
        is($rc, 0, 'markdown: exit 0');
        like($out, qr/^### Planning: notes\n\n✅ Met: analysis \[\d+\]\(http:/, 'markdown: the verdict and a link');
        like($out, qr/^\| EXP-001 \| Export notes \| partial \| [\d.]+% \| [\d.]+% \|$/m, 'markdown: a row per objective');

        # The workflows of contrib/ci, as CI would run them: the bar of 50% is
        # met and nothing regressed.
        my %wenv = (%env, PLANNING_SERVER => $srv->base, PLANNING_PROJECT => 'notes', CWD => $OUTDIR);
        my $ghf = PlanningTest::slurp(repo_root() . '/contrib/ci/github-actions.yml');
        like($ghf, qr/PLANNING_API_KEY: \$\{\{ secrets\.PLANNING_API_KEY \}\}/, 'GitHub: the key from a secret');
        like($ghf, qr/--output planning\.sarif\n(?s:.*)upload-sarif\@v\d+\n\s+with:\n\s+sarif_file: planning\.sarif\n/,
             'GitHub: the SARIF it writes is the one uploaded');
        like(PlanningTest::slurp(repo_root() . '/contrib/ci/gitlab-ci.yml'),
             qr/--output planning-junit\.xml\n(?s:.*)reports:\n\s+junit: planning-junit\.xml\n/,
             'GitLab: the JUnit it writes is the report');
        my @gh = workflow_commands(repo_root() . '/contrib/ci/github-actions.yml');
        is(scalar @gh, 1, 'the GitHub workflow runs planning ci analyze');
        unlink "$OUTDIR/planning.sarif";
        ($rc, $out, $err) = ci(\%wenv, \$gh[0]);
        is($rc, 0, "GitHub: $gh[0]: exit 0") or diag $err;
        sarif_ok(PlanningTest::slurp("$OUTDIR/planning.sarif"), \%gaps, 'GitHub workflow');
        my @gl = workflow_commands(repo_root() . '/contrib/ci/gitlab-ci.yml');
        is(scalar @gl, 1, 'the GitLab job runs planning ci analyze');
        ($rc, $out, $err) = ci(\%wenv, \$gl[0]);
        is($rc, 0, "GitLab: exit 0") or diag $err;
        junit_ok(PlanningTest::slurp("$OUTDIR/planning-junit.xml"), \@objs, [qw(EXP-001 SYNC-001)], 'GitLab job');
        # A regression: the tags' code goes, TAG-001 is no longer done.
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes', '--wait', '--fail-on-regression');
        is($rc, 0, 'nothing changed: --fail-on-regression exits 0') or diag $err;
        unlink "$dir/notes/tags.py" or die "unlink: $!";
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes', '--wait', '--fail-on-regression', '--format', 'sarif');
        is($rc, 1, 'the code of a done objective removed: exit 1') or diag $err;
        like($err, qr/regressed: TAG-001 was done in analysis \d+ and is (?:missing|partial) now/, '... naming the objective');
        like($err, qr/regressed: observed completion [\d.]+% is lower than [\d.]+%/, '... and the lower completion');
        ok((grep { $_->{partialFingerprints}{'objectiveId/v1'} eq 'TAG-001' } @{ decode_json($out)->{runs}[0]{results} }),
           'the report was still written, with TAG-001 as a gap');
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes', '--wait');
        is($rc, 0, 'without --fail-on-regression the same state exits 0');
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', @at, 'notes', '--wait', '--fail-on-regression');
        is($rc, 0, 'and compared with the analysis before it, no regression any more') or diag $err;

        $srv->stop;
    };

    subtest "$backend: an analysis that fails or outlasts --timeout" => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningAnalyzer $MISBEHAVE");
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my $key = $srv->json('POST', '/api/v1/auth/keys', { name => 'ci', scopes => ['read', 'write'] }, bearer($dev));
        my %env = (PLANNING_API_KEY => $key->{json}{key});
        for my $mode (qw(crash slow)) {
            my $d = project_dir($R, $mode);
            chmod 0777, $d;    # the stand-in writes its pid there
            PlanningTest::spew("$d/.analyzer", "$mode\n");
            status_is($srv->json('POST', '/api/v1/projects', { name => $mode, local_path => $d }, bearer($dev)), 201,
                      "project $mode");
        }
        my ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', '--server', $srv->base, '--project', 'crash', '--wait');
        is($rc, 3, 'a crashing analyzer: exit 3');
        like($err, qr/the analysis failed: ANALYZER_CRASHED: .*signal 11/, '... the analysis failed, and why');
        my $t0 = time;
        ($rc, $out, $err) = ci(\%env, 'ci', 'analyze', '--server', $srv->base, '--project', 'slow', '--wait', '--timeout', '2');
        is($rc, 3, 'an analysis past --timeout 2: exit 3');
        like($err, qr/timed out: the analysis did not end within 2 seconds .*analyses\/\d+/, '... timed out, and where it goes on');
        ok(time - $t0 < 10, 'it gave up in time');
        $srv->expect_log(qr/PLN01901:/);
        $srv->stop;
    };
}

done_testing();
