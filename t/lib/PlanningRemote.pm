package PlanningRemote;
# Real git remotes for the tests of git's network side (issue 14 item 5):
#   ssh_remote()    a private sshd (Debian's openssh-server) on a free
#                   loopback port with its own host key and authorized_keys,
#                   in front of plain git-upload-pack / git-receive-pack;
#   https_remote()  `git http-backend` (CGI) behind a second httpd with
#                   mod_ssl, a certificate from a test CA made here, and
#                   basic auth with a token;
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
# A HOME of the fixtures' own whose ~/.gitconfig trusts every directory:
# a local clone's upload-pack does not see "-c safe.directory=*" (git
# clears it for the local transport), and the https remote's repository
# belongs to the children's user.
my $HOME = tempdir('pl-githome-XXXXXX', TMPDIR => 1, CLEANUP => 1);
PlanningTest::spew("$HOME/.gitconfig", "[safe]\n\tdirectory = *\n");

sub git {
    my ($dir, @args) = @_;
    local $ENV{HOME} = $HOME;
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

# The user the test httpd's children run as (www-data under root).
sub child_ids {
    my $user = $> == 0 ? 'www-data' : scalar getpwuid($>);
    return (getpwnam($user))[2, 3];
}

sub give_to_children {
    my ($path) = @_;
    my ($uid, $gid) = child_ids();
    system('chown', '-R', "$uid:$gid", $path) == 0 or croak "chown $path" if $> == 0;
}

# https_remote(ROOT, TOKEN): serves the bare repositories under ROOT at
# https://127.0.0.1:PORT/git/NAME.git to the user x-access-token with
# password TOKEN; ->url(NAME), ->ca_file, ->stop.
sub https_remote {
    my ($root, $token) = @_;
    my $dir = tempdir('pl-https-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    chmod 0755, $dir;
    my $self = bless { dir => $dir, port => PlanningTest::free_port(), root => $root },
                     'PlanningRemote::Https';
    my $ssl = sub {
        my ($rc, $out) = PlanningTest::run_cmd('openssl', @_);
        croak "openssl @_: $out" if $rc;
    };
    $ssl->('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', "$dir/ca.key", '-out',
           "$dir/ca.crt", '-days', '2', '-subj', '/CN=mod_planning test CA');
    $ssl->('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', "$dir/server.key", '-out',
           "$dir/server.csr", '-subj', '/CN=127.0.0.1');
    PlanningTest::spew("$dir/ext", "subjectAltName=DNS:127.0.0.1,IP:127.0.0.1,DNS:localhost\n");
    $ssl->('x509', '-req', '-in', "$dir/server.csr", '-CA', "$dir/ca.crt", '-CAkey', "$dir/ca.key",
           '-CAcreateserial', '-out', "$dir/server.crt", '-days', '2', '-extfile', "$dir/ext");
    my ($rc, $out) = PlanningTest::run_cmd('htpasswd', '-bc', "$dir/htpasswd", 'x-access-token', $token);
    croak "htpasswd: $out" if $rc;
    chmod 0644, "$dir/htpasswd", "$dir/server.key";
    my $mods = '/usr/lib/apache2/modules';
    my $user = $> == 0 ? "User www-data\nGroup www-data\n" : '';
    PlanningTest::spew("$dir/httpd.conf", <<"CONF");
ServerRoot $dir
ServerName 127.0.0.1
Listen 127.0.0.1:$self->{port}
PidFile $dir/httpd.pid
ErrorLog $dir/error.log
LogLevel warn
${user}LoadModule mpm_prefork_module $mods/mod_mpm_prefork.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_user_module $mods/mod_authz_user.so
LoadModule authn_core_module $mods/mod_authn_core.so
LoadModule authn_file_module $mods/mod_authn_file.so
LoadModule auth_basic_module $mods/mod_auth_basic.so
LoadModule alias_module $mods/mod_alias.so
LoadModule env_module $mods/mod_env.so
LoadModule cgi_module $mods/mod_cgi.so
LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so
LoadModule ssl_module $mods/mod_ssl.so
SSLEngine on
SSLCertificateFile $dir/server.crt
SSLCertificateKeyFile $dir/server.key
SSLSessionCache shmcb:$dir/ssl_scache(512000)
SetEnv GIT_PROJECT_ROOT $root
SetEnv GIT_HTTP_EXPORT_ALL 1
ScriptAlias /git/ /usr/lib/git-core/git-http-backend/
<Location /git/>
    AuthType Basic
    AuthName git
    AuthUserFile $dir/htpasswd
    Require valid-user
</Location>
CONF
    ($rc, $out) = PlanningTest::run_cmd('apache2', '-f', "$dir/httpd.conf", '-k', 'start');
    croak "the https remote did not start: $out" if $rc;
    for (1 .. 100) {
        return $self if PlanningTest::port_accepts($self->{port});
        sleep 0.05;
    }
    croak 'the https remote did not listen: ' . PlanningTest::slurp("$dir/error.log");
}

# silent_remote(): a port that completes TCP handshakes (the kernel's
# backlog) and never writes: ->port, closed when the object goes.
sub silent_remote {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp',
                                  Listen => 16, ReuseAddr => 1) or croak "listen: $!";
    return bless { sock => $s, port => $s->sockport }, 'PlanningRemote::Silent';
}

package PlanningRemote::Silent;
sub port { $_[0]{port} }

package PlanningRemote::Https;
sub url { "https://127.0.0.1:$_[0]{port}/git/$_[1]" }
sub ca_file { "$_[0]{dir}/ca.crt" }
sub log { PlanningTest::slurp("$_[0]{dir}/error.log") }
sub stop {
    my ($self) = @_;
    return if $self->{stopped}++;
    PlanningTest::run_cmd('apache2', '-f', "$self->{dir}/httpd.conf", '-k', 'stop');
    for (1 .. 100) {
        last unless -e "$self->{dir}/httpd.pid";
        Time::HiRes::sleep(0.05);
    }
}
sub DESTROY { $_[0]->stop }

1;
