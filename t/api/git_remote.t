#!/usr/bin/env perl
# git's network side (issue 14 items 2, 4 and 5) against real remotes
# (t/lib/PlanningRemote.pm): a private sshd in front of a bare repository,
# `git http-backend` behind an httpd with mod_ssl and a test CA, and a port
# that accepts and never answers. Clone, fast-forward pull, a diverged pull
# refused, push, a non-fast-forward push refused, over ssh and https; the
# host key recorded as pending, confirmed by an admin, a changed host key
# refused with nothing fetched; an unknown deploy key, a missing or wrong
# token and an untrusted certificate refused; a silent remote times out; a
# running job is canceled; bad URLs and branches are 400 with no job
# (SECURITY.md items 28 and 30); the deploy key's private half and the
# token never appear in a reply; a webhook push pulls, then analyses;
# viewers, developers and admins get what their role allows; the transfer
# runs in `planning git-remote`, whose command line and environment hold no
# key or token.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes qw(sleep time);
use Digest::SHA qw(hmac_sha256_hex);
use PlanningTest qw(:all);
use PlanningRemote;

PlanningTest::require_build();
plan skip_all => 'no /usr/sbin/sshd (script/bootstrap installs openssh-server)'
    unless PlanningRemote::have_sshd();

my $TIMEOUT = 6;   # PlanningGitTimeout of these servers
my $EXTRA = "PlanningLoginRateLimit 0\nPlanningGitTimeout $TIMEOUT\nPlanningJobLease 30\n"
          . "PlanningAnalyzer $PlanningTest::CLI";
my $HTOKEN = 'ghp_' . ('T0k3n' x 6);   # the https remote's password

sub bearer { { Authorization => "Bearer $_[0]" } }

sub ended { ($_[0]{state} // '') =~ /^(?:succeeded|failed|canceled)$/ }

# Polls job ID until test says yes (or 40 s pass); returns the job.
sub wait_job {
    my ($srv, $id, $test) = @_;
    $test //= \&ended;
    my $r;
    for (1 .. 200) {
        $r = $srv->request('GET', "/api/v1/jobs/$id");
        return $r->{json} if $r->{json} && $test->($r->{json});
        sleep 0.2;
    }
    return $r->{json} || {};
}

sub chown_child {
    my ($dir) = @_;
    my ($uid, $gid) = (getpwnam($> == 0 ? 'www-data' : scalar getpwuid($>)))[2, 3];
    system('chown', '-R', "$uid:$gid", $dir) == 0 or die "chown $dir" if $> == 0;
}

# The running `planning git-remote` processes of this build: pid, process
# group, argv and environment (NUL-separated), from /proc.
sub git_processes {
    my @found;
    local $/;
    for my $pid (map { m{^/proc/(\d+)$} ? $1 : () } glob '/proc/[0-9]*') {
        open(my $fh, '<', "/proc/$pid/cmdline") or next;
        my @argv = split /\0/, <$fh> // '';
        close $fh;
        next unless @argv && $argv[0] eq $PlanningTest::CLI && grep { $_ eq 'git-remote' } @argv;
        my ($env, $stat) = ('', '');
        if (open(my $eh, '<', "/proc/$pid/environ")) { $env = <$eh> // ''; close $eh }
        if (open(my $sh, '<', "/proc/$pid/stat")) { $stat = <$sh> // ''; close $sh }
        my ($pgrp) = $stat =~ /\)\s+\S+\s+\d+\s+(\d+)/;
        push @found, { pid => $pid, pgrp => $pgrp, argv => \@argv, env => $env };
    }
    return @found;
}

sub head_of_checkout {
    my ($dir) = @_;
    (my $id = PlanningRemote::git($dir, 'rev-parse', 'HEAD')) =~ s/\s+//g;
    return $id;
}

for my $backend (backends()) {
    subtest $backend => sub {
        my $R = make_roots();
        my $root = $R->{root};
        # the https remote first: the module trusts its CA (PlanningGitCAFile)
        my $hroot = "$R->{base}/https";
        my $hbare = PlanningRemote::bare_repo("$hroot/web");
        PlanningRemote::give_to_children($hroot);
        my $https = PlanningRemote::https_remote($hroot, $HTOKEN);
        my $srv = start_server(backend => $backend, roots => [$root],
                               extra => "$EXTRA\nPlanningGitCAFile " . $https->ca_file);
        my (undef, $owner) = $srv->add_user('owner', 'developer');
        my ($dev_id, $dev) = $srv->add_user('dev', 'developer');
        my ($viewer_id, $viewer) = $srv->add_user('viewer', 'developer');
        my (undef, $outsider) = $srv->add_user('outsider', 'developer');
        my $O = bearer($owner);
        my @replies;    # every reply body, to look for secrets in
        my $call = sub {
            my ($method, $path, $body, $who) = @_;
            my $r = defined $body ? $srv->json($method, $path, $body, $who || $O)
                                  : $srv->request($method, $path, $who || $O);
            push @replies, $r->{content} // '';
            return $r;
        };
        my $job_of = sub {
            my ($r, $name) = @_;
            status_is($r, 202, "$name: 202");
            like($r->{headers}{location} // '', qr{^/api/v1/jobs/\d+$}, "$name: Location of the job");
            my $j = wait_job($srv, $r->{json}{id});
            push @replies, $srv->request('GET', "/api/v1/jobs/$r->{json}{id}")->{content} // '';
            return $j;
        };
        my $jobs_total = sub { $srv->request('GET', '/api/v1/jobs?limit=1')->{json}{total} // -1 };

        my $ssh = PlanningRemote::ssh_remote();
        my $bare = PlanningRemote::bare_repo("$R->{base}/remote/shop");
        my $url = $ssh->url($bare);

        # ---- clone: the project made with a repository_url ----
        my $dir = project_dir($R, 'shop');
        chown_child($dir);
        my $c = $call->('POST', '/api/v1/projects', { name => 'shop', local_path => $dir, repository_url => $url });
        status_is($c, 201, 'a project with an ssh repository_url');
        my $id = $c->{json}{id};
        my $G = "/api/v1/projects/$id/git";
        like($c->{json}{_links}{clone_job}{href} // '', qr{^/api/v1/jobs/\d+$}, '... links its clone job');
        my ($clone_id) = ($c->{json}{_links}{clone_job}{href} // '') =~ /(\d+)$/;
        my $j = wait_job($srv, $clone_id);
        is($j->{state}, 'failed', 'the first clone fails ...');
        is($j->{error}{code}, 'NO_DEPLOY_KEY', '... NO_DEPLOY_KEY: the project has none yet');
        my $remote = $call->('GET', "$G/remote");
        is($remote->{json}{url}, $url, 'the repository_url is the remote');

        # ---- deploy key ----
        my $none = $call->('GET', "$G/deploy-key");
        status_is($none, 200, 'no deploy key yet: 200');
        is($none->{json}{public_key}, undef, '... public_key null');
        my $k = $call->('POST', "$G/deploy-key");
        status_is($k, 201, 'the admin makes a deploy key');
        like($k->{json}{public_key} // '', qr/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+ mod_planning-$id$/, '... ssh-ed25519 public key');
        like($k->{json}{fingerprint} // '', qr/^SHA256:[A-Za-z0-9+\/]{43}$/, '... and its SHA256 fingerprint');
        my $kv = $call->('GET', "$G/deploy-key", undef, bearer($viewer));
        error_is($kv, 404, 'NOT_FOUND', 'a non-member sees no project');
        status_is($srv->json('PUT', "/api/v1/projects/$id/members/$viewer_id", { role => 'viewer' }), 200, 'viewer added')
            or status_is($srv->json('PUT', "/api/v1/projects/$id/members/$viewer_id", { role => 'viewer' }), 201, 'viewer added');
        $srv->json('PUT', "/api/v1/projects/$id/members/$dev_id", { role => 'developer' });
        $kv = $call->('GET', "$G/deploy-key", undef, bearer($viewer));
        status_is($kv, 200, 'a viewer reads the public key');
        is($kv->{json}{public_key}, $k->{json}{public_key}, '... the same');
        $ssh->authorize($k->{json}{public_key});

        # ---- first contact: the host key is pending ----
        $j = $job_of->($call->('POST', "$G/clone"), 'clone');
        is($j->{state}, 'failed', 'the clone with an unknown host key fails ...');
        is($j->{error}{code}, 'HOST_KEY_UNCONFIRMED', '... HOST_KEY_UNCONFIRMED');
        my $hk = $call->('GET', "$G/host-keys", undef, bearer($viewer));
        status_is($hk, 200, 'a viewer lists the host keys');
        my ($pending) = @{ $hk->{json}{items} || [] };
        is($pending->{host}, $ssh->host_id, '... the host');
        is($pending->{state}, 'pending', '... pending');
        is($pending->{fingerprint}, $ssh->fingerprint, '... with the sshd\'s SHA256 fingerprint');
        is($pending->{type}, 'ssh-ed25519', '... and its type');
        my $host = $ssh->host_id;
        error_is($call->('POST', "$G/host-keys/$host/confirm", undef, bearer($dev)), 403, 'FORBIDDEN', 'a developer may not confirm');
        error_is($call->('POST', "$G/host-keys/$host/confirm", { fingerprint => 'SHA256:' . ('A' x 43) }), 404, 'NOT_FOUND',
                 'a confirmation naming another fingerprint: 404');
        my $conf = $call->('POST', "$G/host-keys/$host/confirm", { fingerprint => $ssh->fingerprint });
        status_is($conf, 200, 'the admin confirms it');
        is($conf->{json}{state}, 'confirmed', '... confirmed');

        # ---- clone ----
        $j = $job_of->($call->('POST', "$G/clone", undef, bearer($dev)), 'clone by a developer');
        is($j->{state}, 'succeeded', 'the clone succeeds') or diag explain $j;
        is($j->{result}{head}, PlanningRemote::head_of($bare), '... at the remote\'s head');
        ok(-f "$dir/README", '... the files are checked out');
        like($j->{progress}{status} // '', qr/^(?:receiving|resolving)$/, '... its progress names the last stage');
        ok(($j->{progress}{total} // 0) > 0 && $j->{progress}{completed} == $j->{progress}{total},
           "... with every object counted ($j->{progress}{completed}/$j->{progress}{total})");
        my $st = $call->('GET', "$G/status");
        is($st->{json}{branch}, 'main', '... on main');

        # ---- pull: fast-forward ----
        my $theirs = PlanningRemote::commit_to($bare, 'remote.txt', "from the remote\n");
        $j = $job_of->($call->('POST', "$G/pull", undef, bearer($dev)), 'pull');
        is($j->{state}, 'succeeded', 'the pull succeeds') or diag explain $j;
        is($j->{result}{outcome}, 'fast_forward', '... a fast-forward');
        is(head_of_checkout($dir), $theirs, '... HEAD is the remote\'s commit');
        is(PlanningTest::slurp("$dir/remote.txt"), "from the remote\n", '... and its file is there');
        $j = $job_of->($call->('POST', "$G/fetch"), 'fetch');
        is($j->{state}, 'succeeded', 'a fetch succeeds');

        # ---- push a commit made through the API ----
        # a commit made through the API in project PID (directory PDIR)
        my $commit_in = sub {
            my ($pid, $pdir, $file, $content) = @_;
            my $w = $srv->json('PUT', "/api/v1/projects/$pid/files?path=$file", { content => $content },
                               { %$O, 'If-None-Match' => '*' });
            ok($w->{status} == 201 || $w->{status} == 200, "write $file") or diag_res($w);
            status_is($call->('POST', "/api/v1/projects/$pid/git/stage", { paths => [$file] }), 200, "stage $file");
            status_is($call->('POST', "/api/v1/projects/$pid/git/commit", { message => "local: $file" }), 201, "commit $file");
            return head_of_checkout($pdir);
        };
        my $commit = sub { $commit_in->($id, $dir, @_) };
        my $ours = $commit->('local.txt', "made here\n");
        error_is($call->('POST', "$G/push", undef, bearer($viewer)), 403, 'FORBIDDEN', 'a viewer may not push');
        $j = $job_of->($call->('POST', "$G/push", undef, bearer($dev)), 'push');
        is($j->{state}, 'succeeded', 'the push succeeds') or diag explain $j;
        is(PlanningRemote::head_of($bare), $ours, '... the commit is the remote\'s main');

        # ---- a push that is not a fast-forward ----
        my $remote_head = PlanningRemote::commit_to($bare, 'other.txt', "another remote change\n");
        my $local_head = $commit->('mine.txt', "diverging\n");
        $j = $job_of->($call->('POST', "$G/push"), 'push (diverged)');
        is($j->{state}, 'failed', 'a non-fast-forward push fails ...');
        is($j->{error}{code}, 'PUSH_REJECTED', '... PUSH_REJECTED');
        is(PlanningRemote::head_of($bare), $remote_head, '... the remote is unchanged');

        # ---- a pull of diverged branches ----
        $j = $job_of->($call->('POST', "$G/pull"), 'pull (diverged)');
        is($j->{state}, 'failed', 'a pull of diverged branches fails ...');
        is($j->{error}{code}, 'PULL_CONFLICT', '... PULL_CONFLICT');
        is(head_of_checkout($dir), $local_head, '... HEAD unchanged (no merge commit)');
        ok(!-e "$dir/other.txt", '... and the remote\'s file not checked out');

        # ---- a changed host key: fail closed ----
        my $before = `git -C $dir rev-parse refs/remotes/origin/main 2>/dev/null`;
        PlanningRemote::commit_to($bare, 'after.txt', "after the key change\n");
        $ssh->new_host_key;
        $j = $job_of->($call->('POST', "$G/fetch"), 'fetch (new host key)');
        is($j->{state}, 'failed', 'a fetch from a host with another key fails ...');
        is($j->{error}{code}, 'HOST_KEY_CHANGED', '... HOST_KEY_CHANGED');
        unlike($j->{error}{message} // '', qr/\Q@{[ $ssh->fingerprint ]}\E/, '... without showing the new key');
        is(`git -C $dir rev-parse refs/remotes/origin/main 2>/dev/null`, $before, '... nothing fetched');
        $hk = $call->('GET', "$G/host-keys");
        is_deeply([ map { [$_->{state}, $_->{fingerprint}] } @{ $hk->{json}{items} || [] } ],
                  [[ 'confirmed', $pending->{fingerprint} ]], '... the confirmed key stays, the new one is not recorded');
        $srv->expect_log(qr/PLN02403/);

        # ---- the admin forgets the old key: the new one is pending, then works ----
        status_is($call->('DELETE', "$G/host-keys/$host"), 204, 'the admin forgets the host key');
        $j = $job_of->($call->('POST', "$G/fetch"), 'fetch (after forgetting)');
        is($j->{error}{code}, 'HOST_KEY_UNCONFIRMED', 'the next contact records the new key as pending');
        status_is($call->('POST', "$G/host-keys/$host/confirm"), 200, 'confirmed (without naming the fingerprint)');
        $j = $job_of->($call->('POST', "$G/fetch"), 'fetch (new key confirmed)');
        is($j->{state}, 'succeeded', 'the fetch then works');

        # ---- a deploy key the remote does not know: AUTH_FAILED, no prompt ----
        my $ddir = project_dir($R, 'denied');
        chown_child($ddir);
        PlanningTest::git_repo($ddir, { 'd.txt' => "d\n" });
        my $dp = $call->('POST', '/api/v1/projects', { name => 'denied', local_path => $ddir });
        my $DG = "/api/v1/projects/$dp->{json}{id}/git";
        status_is($call->('PUT', "$DG/remote", { url => $url, branch => 'main' }), 200, 'another project, the same remote');
        status_is($call->('POST', "$DG/deploy-key"), 201, '... a deploy key of its own, not added to the remote');
        # host keys are per project: pending for this one first, then confirmed
        is($job_of->($call->('POST', "$DG/fetch"), 'first fetch')->{error}{code}, 'HOST_KEY_UNCONFIRMED',
           '... whose first contact records the host key for it');
        status_is($call->('POST', "$DG/host-keys/$host/confirm"), 200, '... confirmed');
        $j = $job_of->($call->('POST', "$DG/fetch"), 'fetch with an unknown key');
        is($j->{state}, 'failed', 'a fetch with a key the remote refuses fails ...');
        is($j->{error}{code}, 'AUTH_FAILED', '... AUTH_FAILED, at once (nothing asks for a password)');

        # ---- https: clone, pull, push with a token, the test CA ----
        my $wdir = project_dir($R, 'web');
        chown_child($wdir);
        my $hurl = $https->url('web.git');
        my $wc = $call->('POST', '/api/v1/projects', { name => 'web', local_path => $wdir, repository_url => $hurl });
        status_is($wc, 201, 'a project with an https repository_url');
        my $wid = $wc->{json}{id};
        my $WG = "/api/v1/projects/$wid/git";
        my ($wclone) = ($wc->{json}{_links}{clone_job}{href} // '') =~ /(\d+)$/;
        $j = wait_job($srv, $wclone // 0);
        is($j->{error}{code}, 'AUTH_FAILED', 'its clone without a token: AUTH_FAILED') or diag explain $j;
        status_is($call->('PUT', "$WG/remote", { url => $hurl, token => 'not-the-token' }), 200, 'a wrong token');
        $j = $job_of->($call->('POST', "$WG/clone"), 'https clone (wrong token)');
        is($j->{error}{code}, 'AUTH_FAILED', '... AUTH_FAILED');
        status_is($call->('PUT', "$WG/remote", { url => $hurl, token => $HTOKEN }), 200, 'the right token');
        $j = $job_of->($call->('POST', "$WG/clone"), 'https clone');
        is($j->{state}, 'succeeded', 'the https clone succeeds') or diag explain $j;
        ok(-f "$wdir/README", '... the files are checked out');
        my $wtheirs = PlanningRemote::commit_to($hbare, 'web.txt', "over https\n");
        PlanningRemote::give_to_children($hroot);
        $j = $job_of->($call->('POST', "$WG/pull"), 'https pull');
        is($j->{result}{outcome}, 'fast_forward', 'an https pull fast-forwards') or diag explain $j;
        is(head_of_checkout($wdir), $wtheirs, '... to the remote\'s commit');
        my $wours = $commit_in->($wid, $wdir, 'from-api.txt', "pushed over https\n");
        $j = $job_of->($call->('POST', "$WG/push"), 'https push');
        is($j->{state}, 'succeeded', 'an https push succeeds') or diag explain $j;
        is(PlanningRemote::head_of($hbare), $wours, '... the commit is the remote\'s main');
        $https->stop;
        # a server whose certificate no trusted CA signed: refused
        my $stranger = PlanningRemote::https_remote($hroot, $HTOKEN);
        status_is($call->('PUT', "$WG/remote", { url => $stranger->url('web.git'), token => $HTOKEN }), 200,
                  'a remote with a certificate of another CA');
        $j = $job_of->($call->('POST', "$WG/fetch"), 'fetch (untrusted certificate)');
        is($j->{error}{code}, 'REMOTE_UNREACHABLE', '... REMOTE_UNREACHABLE') or diag explain $j;
        like($j->{error}{message} // '', qr/certificate/i, '... because of its certificate');
        $stranger->stop;

        # ---- a remote that never answers: REMOTE_TIMEOUT ----
        my $silent = PlanningRemote::silent_remote();
        my $sdir = project_dir($R, 'silent');
        chown_child($sdir);
        PlanningTest::git_repo($sdir, { 'a.txt' => "a\n" });
        my $s = $call->('POST', '/api/v1/projects', { name => 'silent', local_path => $sdir });
        my $SG = "/api/v1/projects/$s->{json}{id}/git";
        status_is($call->('PUT', "$SG/remote", { url => 'ssh://git@127.0.0.1:' . $silent->port . '/x.git', branch => 'main' }), 200,
                  'a remote that never answers');
        status_is($call->('POST', "$SG/deploy-key"), 201, '... with a deploy key');
        my $t0 = time;
        $j = $job_of->($call->('POST', "$SG/fetch"), 'fetch (silent)');
        my $took = time - $t0;
        is($j->{state}, 'failed', 'the fetch fails ...');
        is($j->{error}{code}, 'REMOTE_TIMEOUT', '... REMOTE_TIMEOUT');
        ok($took < $TIMEOUT + 3, sprintf('... within the timeout (%.1f s for PlanningGitTimeout %d)', $took, $TIMEOUT));

        # ---- cancel a running job ----
        my $r = $call->('POST', "$SG/fetch");
        status_is($r, 202, 'another fetch of the silent remote');
        my $running = wait_job($srv, $r->{json}{id},
                               sub { $_[0]{state} eq 'running' && ($_[0]{progress}{status} // '') eq 'connecting' });
        is($running->{progress}{status}, 'connecting', '... running, its progress says connecting');
        # the process that runs it: `planning git-remote`, started with exec,
        # in a process group of its own, its key read from standard input and
        # so in neither its command line nor its environment
        my @procs = git_processes();
        is(scalar @procs, 1, '... in one `planning git-remote` process') or diag explain \@procs;
        for my $gp (@procs) {
            is_deeply($gp->{argv}, [$PlanningTest::CLI, 'git-remote'], '... whose command line is just that');
            is($gp->{pgrp}, $gp->{pid}, '... which leads a process group of its own');
            ok($gp->{env} ne '' && "@{ $gp->{argv} }\0$gp->{env}" !~ /PRIVATE|b3BlbnNzaC1rZXktdjE|\Q$HTOKEN\E|ssh_private|token/i,
               '... and has no key or token in its command line or environment') or diag $gp->{env};
        }
        $t0 = time;
        my $cr = $srv->request('POST', "/api/v1/jobs/$r->{json}{id}/cancel", $O);
        ok($cr->{status} == 202 || $cr->{status} == 200, 'cancel: accepted') or diag_res($cr);
        $j = wait_job($srv, $r->{json}{id});
        is($j->{state}, 'canceled', '... the job ends canceled');
        ok(time - $t0 < $TIMEOUT, sprintf('... before its timeout (%.1f s)', time - $t0));

        # ---- SECURITY.md item 28: refused before anything is stored or started ----
        my $n = $jobs_total->();
        my $keep = $call->('GET', "$G/remote")->{json}{url};
        for my $bad ('--upload-pack=touch /tmp/pwned', '-oProxyCommand=touch /tmp/pwned', 'ext::sh -c touch% /tmp/pwned',
                     'file:///etc', "$bare", '../other', 'http://127.0.0.1/x.git', 'https://user:secret@example.com/x.git',
                     'ssh://-oProxyCommand=x/y', 'git@host:-x', "ssh://git\@host/x\nmore") {
            error_is($call->('PUT', "$G/remote", { url => $bad }), 400, 'VALIDATION_ERROR', "url '$bad' => 400");
        }
        for my $bad ('-f', '--force', 'main..other', 'main@{1}', ':/x', 'HEAD') {
            error_is($call->('PUT', "$G/remote", { url => $url, branch => $bad }), 400, 'VALIDATION_ERROR', "branch '$bad' => 400");
        }
        is($call->('GET', "$G/remote")->{json}{url}, $keep, '... the remote is unchanged');
        is($jobs_total->(), $n, '... and no job was made');
        error_is($call->('POST', '/api/v1/projects', { name => 'bad', local_path => project_dir($R, 'bad'),
                                                      repository_url => 'ext::sh -c x' }), 400, 'VALIDATION_ERROR',
                 'a project with an ext:: repository_url => 400');
        is($jobs_total->(), $n, '... no job');

        # ---- the https token: write-only, sealed ----
        my $TOKEN = 'tok-' . ('s3cr3t' x 5);
        my $h = $call->('PUT', "$SG/remote", { url => 'https://git.example.com/team/x.git', username => 'bot', token => $TOKEN });
        status_is($h, 200, 'an https remote with a token');
        is($h->{json}{token_set}, JSON::PP::true, '... token_set');
        ok(!exists $h->{json}{token}, '... the token itself is not returned');
        $h = $call->('PUT', "$SG/remote", { url => 'https://git.example.com/team/y.git' });
        is($h->{json}{token_set}, JSON::PP::true, 'a PUT without token keeps it');
        $h = $call->('PUT', "$SG/remote", { url => 'https://git.example.com/team/y.git', token => undef });
        is($h->{json}{token_set}, JSON::PP::false, 'token null removes it');
        my @rows = $srv->sql("SELECT private_sealed FROM git_deploy_keys");
        ok(@rows && !grep({ /PRIVATE|OPENSSH/ } @rows), 'the private keys are sealed in the database');

        # ---- the role matrix of the new routes ----
        my %who = (viewer => bearer($viewer), developer => bearer($dev), outsider => bearer($outsider));
        my @matrix = (
            # route, body, viewer, developer
            ['GET',    "$G/deploy-key",  undef, 200, 200],
            ['GET',    "$G/remote",      undef, 200, 200],
            ['GET',    "$G/host-keys",   undef, 200, 200],
            ['POST',   "$G/deploy-key",  undef, 403, 403],
            ['DELETE', "$G/deploy-key",  undef, 403, 403],
            ['PUT',    "$G/remote",      { url => $url }, 403, 403],
            ['POST',   "$G/host-keys/$host/confirm", undef, 403, 403],
            ['DELETE', "$G/host-keys/$host", undef, 403, 403],
            ['POST',   "$G/fetch",       undef, 403, 202],
            ['POST',   "$G/pull",        undef, 403, 202],
            ['POST',   "$G/push",        undef, 403, 202],
            ['POST',   "$G/clone",       undef, 403, 202],
        );
        for my $m (@matrix) {
            my ($method, $path, $body, $v, $d) = @$m;
            is($call->($method, $path, $body, $who{viewer})->{status}, $v, "viewer: $method $path => $v");
            is($call->($method, $path, $body, $who{developer})->{status}, $d, "developer: $method $path => $d");
            is($call->($method, $path, $body, $who{outsider})->{status}, 404, "outsider: $method $path => 404");
        }
        # let the queued jobs end before the key goes
        wait_job($srv, $_->{id}) for @{ $srv->request('GET', '/api/v1/jobs?limit=50')->{json}{items} || [] };

        # ---- webhook: a push pulls, then analyses ----
        my $wh = $call->('POST', "/api/v1/projects/$id/webhooks/secret");
        status_is($wh, 201, 'a webhook secret');
        my $secret = $wh->{json}{secret};
        # back to a state a pull fast-forwards: the local branch at the remote's
        PlanningRemote::git($dir, '-c', 'safe.directory=*', 'reset', '-q', '--hard', PlanningRemote::head_of($bare));
        chown_child($dir);
        my $pushed = PlanningRemote::commit_to($bare, 'hook.txt', "pushed, then delivered\n");
        my $body = qq({"ref":"refs/heads/main","after":"$pushed"});
        my $d = $srv->request('POST', "/api/v1/hooks/github/$id",
                              { 'Content-Type' => 'application/json', 'X-GitHub-Event' => 'push',
                                'X-GitHub-Delivery' => "d-$backend",
                                'X-Hub-Signature-256' => 'sha256=' . hmac_sha256_hex($body, $secret) }, $body);
        push @replies, $d->{content} // '';
        status_is($d, 200, 'a signed push delivery');
        is($d->{json}{outcome}, 'pull_queued', '... queues a pull');
        my ($pull_id) = ($d->{json}{detail} // '') =~ /git\.pull job (\d+)/;
        ok($pull_id, '... named in its detail') or diag explain $d->{json};
        $j = wait_job($srv, $pull_id // 0);
        is($j->{state}, 'succeeded', 'the pull succeeds') or diag explain $j;
        is(head_of_checkout($dir), $pushed, '... the checkout is at the pushed commit');
        ok($j->{result}{analysis_id}, '... and an analysis is queued after it');

        # ---- DELETE deploy key ----
        status_is($call->('DELETE', "$G/deploy-key"), 204, 'the admin deletes the deploy key');
        status_is($call->('DELETE', "$G/deploy-key"), 204, '... again: 204');
        error_is($call->('POST', "$G/fetch"), 409, 'NO_DEPLOY_KEY', 'an ssh fetch without a key: 409 at once');

        # ---- nothing secret in any reply ----
        my @leaks = grep { /PRIVATE KEY|b3BlbnNzaC1rZXktdjE|\Q$TOKEN\E|\Q$HTOKEN\E/ } @replies;
        is(scalar @leaks, 0, 'no reply holds a private key or the token (' . scalar(@replies) . ' replies)')
            or diag $leaks[0];
        $ssh->stop;
        # the analysis queued by the webhook may still run: let it end
        wait_job($srv, $_->{id}) for @{ $srv->request('GET', '/api/v1/jobs?limit=50')->{json}{items} || [] };
        $srv->stop;
    };
}

done_testing;
