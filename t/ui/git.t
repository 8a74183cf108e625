#!/usr/bin/env perl
# A project's Git tab in a real browser (issue 16, item 2): Debian's chromium
# driven by playwright-core (t/ui/git.mjs) against a live server on SQLite
# serving the built UI, the Ollama stand-in as the model server and a private
# sshd in front of a bare repository (t/lib/PlanningRemote.pm) as the remote.
# The checkout is a clone one commit behind the remote, with changes in two
# files (one of them in two hunks) and an untracked file. The page: status
# with line counts, a diff both ways, hunks staged and one unstaged, a file
# staged, a message drafted by the model and committed, the log and a commit's
# view, a branch created and switched, the remote set, a deploy key made and
# copied (then added to the sshd), the host key confirmed, a pull that
# fast-forwards, a push rejected, a webhook secret made and a signed delivery
# listed. Then the sshd restarted with another host key: the change said,
# the old key forgotten, the new one confirmed; an unreachable remote; an
# https token saved write-only; a fetch of a silent remote, started before
# the page opened, followed and canceled from it.
# axe-core on every view, Tab through the git view, 375 px without
# sideways overflow, zero CSP violations. Screenshots go to
# $PL_BUILD/t/ui-screenshots (g*.png, gh*.png for the host key's phase).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use PlanningTest qw(:all);
use PlanningUI;
use PlanningRemote;

my $ui = PlanningUI::setup(shots => 'g[0-9h]*.png');
my ($UI, $shots) = @$ui{qw(ui shots)};
plan skip_all => 'no /usr/sbin/sshd (script/bootstrap installs openssh-server)' unless PlanningRemote::have_sshd();

my $R = make_roots();
my $ssh = PlanningRemote::ssh_remote();
my $bare = PlanningRemote::bare_repo("$R->{base}/remote/shop");

# the checkout: a clone of the remote with a file of 30 lines, pushed; then
# one commit more on the remote (for the pull to fast-forward)
my $dir = project_dir($R, 'shop');
PlanningRemote::git($dir, 'clone', '-q', $bare, '.');
PlanningTest::spew("$dir/h.txt", join '', map { "line $_\n" } 1 .. 30);
PlanningRemote::git($dir, 'add', 'h.txt');
PlanningRemote::git($dir, 'commit', '-q', '-m', 'Add h.txt');
PlanningRemote::git($dir, 'push', '-q', 'origin', 'main');
PlanningRemote::commit_to($bare, 'remote.txt', "from the remote\n");
# the changes: README (+2 -1), h.txt in two hunks (+2 -1 and +1), new.txt untracked (3 lines)
PlanningTest::spew("$dir/README", "seed, changed\nmore\nand more\n");
PlanningTest::spew("$dir/h.txt", join '', map { $_ == 1 ? "line one\nline 1.5\n" : $_ == 25 ? "line 25\nline 25.5\n" : "line $_\n" } 1 .. 30);
PlanningTest::spew("$dir/new.txt", "a\nb\nc\n");
PlanningUI::chown_roots($R);

my $fake = start_fake(args => ['--token-delay-ms', '40']);
my $srv = start_server(backend => 'sqlite3', roots => [$R->{root}], docroot => $UI,
                       extra => "PlanningModelServerAllow 127.0.0.0/8\nPlanningLoginRateLimit 0\n"
                              . "PlanningAnalyzer $PlanningTest::CLI\nPlanningGitTimeout 30\n");
status_is($srv->json('POST', '/api/v1/servers', { name => 'main', base_url => $fake->{url} }), 201,
          'the stand-in is the model server');

my %env = (PL_UI_BASE => $srv->base, PL_UI_SHOTS => $shots, PL_UI_FAKE => $fake->{url},
           PL_UI_SHOP => $dir, PL_UI_REMOTE => $ssh->url($bare), PL_UI_BARE => $bare,
           PL_UI_AUTHKEYS => "$ssh->{dir}/authorized_keys",
           PL_UI_USER => $PlanningTest::ADMIN_USER, PL_UI_PASSWORD => $PlanningTest::ADMIN_PASSWORD);
subtest 'the git view' => sub {
    PlanningUI::run_node('git.mjs', %env, PL_UI_HOSTFP => $ssh->fingerprint);
    is(PlanningRemote::git($dir, 'log', '-1', '--format=%s', 'HEAD~1'), "remote: remote.txt\n",
       'the checkout holds the pulled commit under the one committed from the page');
};

# the same port, another host key (what a man in the middle would show);
# then a remote where nothing listens, and one that never answers
subtest 'a changed host key, an unreachable remote, a running fetch canceled' => sub {
    $ssh->new_host_key;
    my $dead = PlanningTest::free_port();
    my $silent = PlanningRemote::silent_remote();
    PlanningUI::run_node('git.mjs', %env, PL_UI_PHASE => 'hostkey', PL_UI_HOSTFP => $ssh->fingerprint,
                         PL_UI_DEAD => "ssh://root\@127.0.0.1:$dead/x.git",
                         PL_UI_SILENT => 'ssh://git@127.0.0.1:' . $silent->port . '/x.git');
    $srv->expect_log(qr/PLN02403/);
};
PlanningUI::no_5xx($srv);
$srv->stop;
$ssh->stop;

diag("screenshots: $shots");
done_testing();
