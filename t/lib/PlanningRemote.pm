package PlanningRemote;
# Real git remotes for the tests of git's network side (issue 14 item 5):
#   ssh_remote()    a private sshd (Debian's openssh-server) on a free
#                   loopback port with its own host key and authorized_keys,
#                   in front of plain git-upload-pack / git-receive-pack;
#   silent_remote() a socket that accepts and never says a word;
#   bare_repo()     a bare repository (with one commit on main) the git CLI
#                   of the test pushes to and reads from.
# Everything lives in a temp directory of the test and stops with it.
use strict;
use warnings;
use Carp qw(croak);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(sleep);
use PlanningTest qw(:all);

my $SSHD = '/usr/sbin/sshd';

sub have_sshd { -x $SSHD }

# git(DIR, ARGS...): the git CLI for fixtures, as PlanningTest::git_in but
# without giving the directory away (the sshd serves it as root).
sub git {
    my ($dir, @args) = @_;
    local $ENV{HOME} = $dir;
    local $ENV{GIT_CONFIG_NOSYSTEM} = 1;
    local @ENV{qw(GIT_AUTHOR_NAME GIT_COMMITTER_NAME)} = ('Remote', 'Remote');
    local @ENV{qw(GIT_AUTHOR_EMAIL GIT_COMMITTER_EMAIL)} = ('remote@example.org') x 2;
    my ($rc, $out) = PlanningTest::run_cmd('git', '-c', 'safe.directory=*', '-C', $dir, @args);
    croak "git @args in $dir: $out" if $rc;
    return $out;
}

# bare_repo(DIR): DIR.git, bare, with main holding one commit (README),
# refusing non-fast-forward pushes as a forge does.
sub bare_repo {
    my ($dir) = @_;
    my $bare = "$dir.git";
    PlanningTest::mkdirs($bare);
    git($bare, 'init', '-q', '--bare', '-b', 'main');
    git($bare, 'config', 'receive.denyNonFastForwards', 'true');
    my $work = "$dir-seed";
    PlanningTest::mkdirs($work);
    git($work, 'init', '-q', '-b', 'main');
    PlanningTest::spew("$work/README", "seed\n");
    git($work, 'add', '-A');
    git($work, 'commit', '-q', '-m', 'seed');
    git($work, 'push', '-q', $bare, 'main');
    return $bare;
}

# commit_to(BARE, FILE, CONTENT): a commit on the remote's main, made in a
# scratch clone by the git CLI; returns its id.
sub commit_to {
    my ($bare, $file, $content) = @_;
    my $scratch = tempdir('pl-scratch-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    git($scratch, 'clone', '-q', $bare, 'w');
    PlanningTest::spew("$scratch/w/$file", $content);
    git("$scratch/w", 'add', '-A');
    git("$scratch/w", 'commit', '-q', '-m', "remote: $file");
    git("$scratch/w", 'push', '-q', 'origin', 'main');
    (my $id = git("$scratch/w", 'rev-parse', 'HEAD')) =~ s/\s+//g;
    return $id;
}

sub head_of {
    my ($bare, $ref) = @_;
    (my $id = git($bare, 'rev-parse', $ref // 'main')) =~ s/\s+//g;
    return $id;
}

# ssh_remote(): a running sshd; ->url(BARE), ->authorize(PUBLIC_KEY_LINE),
# ->fingerprint, ->new_host_key (restarts with another key), ->stop.
sub ssh_remote {
    my $dir = tempdir('pl-sshd-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    mkdir '/run/sshd', 0755 unless -d '/run/sshd';   # privilege separation
    my $self = bless { dir => $dir, port => PlanningTest::free_port() }, __PACKAGE__;
    PlanningTest::spew("$dir/authorized_keys", '');
    $self->_host_key;
    PlanningTest::spew("$dir/sshd_config", join '', map { "$_\n" }
        "Port $self->{port}", 'ListenAddress 127.0.0.1', "HostKey $dir/host_key",
        "PidFile $dir/sshd.pid", "AuthorizedKeysFile $dir/authorized_keys",
        'StrictModes no', 'PermitRootLogin prohibit-password', 'PubkeyAuthentication yes',
        'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no',
        'PrintMotd no', 'LogLevel VERBOSE');
    $self->_start;
    return $self;
}

sub _host_key {
    my ($self) = @_;
    unlink "$self->{dir}/host_key", "$self->{dir}/host_key.pub";
    my ($rc, $out) = PlanningTest::run_cmd('ssh-keygen', '-q', '-t', 'ed25519', '-N', '',
                                           '-f', "$self->{dir}/host_key");
    croak "ssh-keygen: $out" if $rc;
    ($rc, $out) = PlanningTest::run_cmd('ssh-keygen', '-l', '-E', 'sha256', '-f',
                                        "$self->{dir}/host_key.pub");
    ($self->{fingerprint}) = $out =~ /(SHA256:\S+)/;
}

sub _start {
    my ($self) = @_;
    my $pid = fork // croak "fork: $!";
    if (!$pid) {
        { exec $SSHD, "-D", "-f", "$self->{dir}/sshd_config", "-E", "$self->{dir}/sshd.log" };
        POSIX::_exit(127);
    }
    $self->{pid} = $pid;
    for (1 .. 100) {
        return if PlanningTest::port_accepts($self->{port});
        sleep 0.05;
    }
    croak "sshd did not start: " . PlanningTest::slurp("$self->{dir}/sshd.log");
}

sub url { "ssh://root\@127.0.0.1:$_[0]{port}$_[1]" }
sub host_id { "127.0.0.1:$_[0]{port}" }
sub fingerprint { $_[0]{fingerprint} }
sub log { PlanningTest::slurp("$_[0]{dir}/sshd.log") }

sub authorize {
    my ($self, $line) = @_;
    PlanningTest::spew("$self->{dir}/authorized_keys", "$line\n");
}

sub stop {
    my ($self) = @_;
    return unless $self->{pid};
    kill 'TERM', $self->{pid};
    waitpid $self->{pid}, 0;
    delete $self->{pid};
}

# The same port, another host key: what a man in the middle would show.
sub new_host_key {
    my ($self) = @_;
    $self->stop;
    my $old = $self->{fingerprint};
    $self->_host_key;
    croak 'the new host key is the old one' if $self->{fingerprint} eq $old;
    $self->_start;
}

sub DESTROY { $_[0]->stop if $_[0]{pid} }

# silent_remote(): a port that completes TCP handshakes (the kernel's
# backlog) and never writes: ->port, closed when the object goes.
sub silent_remote {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp',
                                  Listen => 16, ReuseAddr => 1) or croak "listen: $!";
    return bless { sock => $s, port => $s->sockport }, 'PlanningRemote::Silent';
}

package PlanningRemote::Silent;
sub port { $_[0]{port} }

1;
