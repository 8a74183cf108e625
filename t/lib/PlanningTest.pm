package PlanningTest;
# Live-test harness for mod_planning: private httpd instances (apache2 -f) on
# loopback ports, each with a fresh SQLite file or MariaDB database, HTTP
# helpers (HTTP::Tiny and a raw socket), and an error-log check.
#
# Environment:
#   PL_BUILD               build directory (default <repo>/build)
#   PL_TEST_BACKENDS       backends to run, e.g. "sqlite3" (default "sqlite3 mysql")
#   PL_TEST_MYSQL_SOCKET   socket of a running test MariaDB (set by script/test);
#   PL_TEST_MYSQL_PORT     its TCP port. Without them the harness starts its own.
#   PL_TEST_KEEP=1         keep run directories (logs, configs) for debugging
#
# Synopsis:
#   use lib "$FindBin::Bin/../lib"; use PlanningTest qw(:all);
#   PlanningTest::require_build();            # skip_all when not built
#   for my $backend (backends()) { subtest $backend => sub {
#       my $R   = make_roots();                # BASE/roots, roots-evil, outside
#       my $srv = start_server(backend => $backend, roots => [$R->{root}],
#                              extra => "PlanningMaxBodySize 1024", migrate => 1);
#       my $r = $srv->json('POST', '/api/v1/projects', { name => 'x', local_path => project_dir($R, 'x') });
#       status_is($r, 201);                    # diag with request and reply on failure
#       error_is($srv->request('GET', '/api/v1/nope'), 404, 'NOT_FOUND');
#       $srv->raw_request(method => 'POST', path => '/api/v1/projects',
#                         headers => ['Content-Type' => 'application/json'], chunks => [...]);
#       my ($st, $ev) = $srv->sse('GET', '/api/v1/jobs/1/events', undef, until => sub { $_[0]{event} eq 'done' });
#       $srv->expect_log(qr/PLN00413:/);       # tolerated error-log lines
#       $srv->check_links;                     # every _links href seen answers 2xx (stop does it too)
#       $srv->stop;                            # stops httpd; ok("error log clean (backend)")
#   start_server(docroot => "$BUILD/htdocs/dist", admin => 0)   # the web UI at /, no account (t/ui)
#   } }
#   my ($rc, $out) = config_test(extra => "PlanningJSONMaxDepth 0");   # apache2 -t
#   config_test(keyfile => 'none')            # PL_KEYFILE: a key file path, or 'none'
#   security_headers_ok($srv)                  # nosniff + strict CSP on every reply seen
use strict;
use warnings;
use Carp qw(croak);
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir);
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG);
use Time::HiRes qw(sleep time);
use Test::More ();
use PlanningContract ();
use Exporter 'import';

our @EXPORT_OK = qw(start_fake fake_control fake_calls fake_last_call node_client sse_post body_sans_id backends start_server config_test status_is error_is json_type
                    is_true is_false diag_res repo_root tempdir_shared mkdirs
                    make_roots project_dir security_header_problems security_headers_ok
                    header_list mount_tmpfs start_load git_in git_repo start_memcached);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

our $ROOT  = abs_path(dirname(__FILE__) . '/../..');
our $BUILD = $ENV{PL_BUILD} || "$ROOT/build";
our $ADMIN_USER = 'admin';
our $ADMIN_PASSWORD = 'admin-password-0123456789';
our $MODULE = "$BUILD/mod_planning/.libs/mod_planning.so";
our $CLI    = "$BUILD/cli/planning";
our $JSON   = JSON::PP->new->utf8->canonical->allow_nonref;
my $KEEP    = $ENV{PL_TEST_KEEP} ? 1 : 0;
my $CHILD_USER = $> == 0 ? 'www-data' : scalar getpwuid($>);
my ($CHILD_UID, $CHILD_GID) = (getpwnam($CHILD_USER))[2, 3];

my $counter = 0;
my %live;             # refaddr => server, for END
my $own_mysql_dir;    # MariaDB started by this process

$SIG{PIPE} = 'IGNORE';
{
    my $tb = Test::More->builder;
    binmode($tb->$_, ':encoding(UTF-8)') for qw(output failure_output todo_output);
}

sub repo_root { $ROOT }

sub module_built { -f $MODULE && -x $CLI }

# Skips the whole test file when the module or CLI has not been built.
sub require_build {
    return if module_built();
    Test::More::plan(skip_all => "module not built ($MODULE, $CLI): run script/build");
}

sub backends {
    my @all = ('sqlite3', 'mysql');
    return @all unless $ENV{PL_TEST_BACKENDS};
    my %want = map { $_ => 1 } split /[\s,]+/, $ENV{PL_TEST_BACKENDS};
    return grep { $want{$_} } @all;
}

# A temp directory every child user can traverse (File::Temp makes 0700).
sub tempdir_shared {
    my $d = tempdir('pl-t-XXXXXX', TMPDIR => 1, CLEANUP => !$KEEP);
    chmod 0755, $d;
    return abs_path($d);
}

sub mkdirs {
    for my $d (@_) {
        next if -d $d;
        mkdirs(dirname($d));
        mkdir $d, 0755 or croak "mkdir $d: $!";
    }
}

# Project roots for tests: BASE/roots (the PlanningProjectRoots entry),
# BASE/roots-evil (a sibling-prefix directory), BASE/outside, and the symlink
# BASE/roots/link-out -> BASE/outside.
sub make_roots {
    my $base = tempdir_shared();
    mkdirs("$base/roots", "$base/roots-evil/p", "$base/outside/p");
    symlink("$base/outside", "$base/roots/link-out") or croak "symlink: $!";
    return { base => $base, root => "$base/roots", evil => "$base/roots-evil",
             outside => "$base/outside" };
}

# project_dir(ROOTS, NAME): creates and returns ROOTS->{root}/NAME
sub project_dir {
    my ($roots, $name) = @_;
    my $d = "$roots->{root}/$name";
    mkdirs($d);
    return $d;
}

# git_in(DIR, ARGS...): runs the git CLI in DIR for a fixture (never on a
# server path): no user or system config, a fixed author, any owner allowed;
# then gives DIR to the children's user, as the server needs to own what it
# writes. Dies on failure; returns the output.
sub git_in {
    my ($dir, @args) = @_;
    local $ENV{HOME} = $dir;
    local $ENV{GIT_CONFIG_NOSYSTEM} = 1;
    local @ENV{qw(GIT_AUTHOR_NAME GIT_COMMITTER_NAME)} = ('Fixture', 'Fixture');
    local @ENV{qw(GIT_AUTHOR_EMAIL GIT_COMMITTER_EMAIL)} = ('fixture@example.org') x 2;
    my ($rc, $out) = run_cmd('git', '-c', 'safe.directory=*', '-C', $dir, @args);
    croak "git @args in $dir: $out" if $rc;
    system('chown', '-R', "$CHILD_UID:$CHILD_GID", $dir) == 0 or croak "chown $dir" if $> == 0;
    return $out;
}

# git_repo(DIR, {file => content}): a repository on branch main with one
# commit of those files.
sub git_repo {
    my ($dir, $files) = @_;
    mkdirs($dir);
    git_in($dir, 'init', '-q', '-b', 'main');
    for my $f (sort keys %$files) {
        mkdirs(dirname("$dir/$f"));
        spew("$dir/$f", $files->{$f});
    }
    git_in($dir, 'add', '-A');
    git_in($dir, 'commit', '-q', '-m', 'first');
    return $dir;
}

sub free_port {
    for (1 .. 50) {
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                      Proto => 'tcp', Listen => 1) or next;
        my $p = $s->sockport;
        close $s;
        return $p unless $p == 3306 || $p == 80;
    }
    croak 'no free port';
}

sub port_accepts {
    my $port = shift;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 1);
    return 0 unless $s;
    close $s;
    return 1;
}

sub slurp {
    my $f = shift;
    open my $fh, '<:raw', $f or return '';
    local $/;
    my $s = <$fh>;
    return $s // '';
}

sub spew {
    my ($f, $s) = @_;
    open my $fh, '>:raw', $f or croak "$f: $!";
    print $fh $s;
    close $fh or croak "$f: $!";
}

# Runs a command, returns (exit code, combined output).
sub run_cmd {
    my (@cmd) = @_;
    my $pid = open(my $fh, '-|') // croak "fork: $!";
    if ($pid == 0) {
        open STDERR, '>&', \*STDOUT;
        # script/test --sanitize: httpd loads the sanitizer runtimes before
        # the module that needs them
        $ENV{LD_PRELOAD} = $ENV{PL_SANITIZE_PRELOAD} if $cmd[0] eq 'apache2' && $ENV{PL_SANITIZE_PRELOAD};
        { no warnings 'exec'; exec { $cmd[0] } @cmd; }
        print "exec $cmd[0]: $!\n";
        POSIX::_exit(127);
    }
    local $/;
    my $out = <$fh> // '';
    close $fh;
    return ($? >> 8, $out);
}

# ---------------------------------------------------------------- MariaDB

sub mysql_info {
    if ($ENV{PL_TEST_MYSQL_SOCKET} && $ENV{PL_TEST_MYSQL_PORT}) {
        return ($ENV{PL_TEST_MYSQL_SOCKET}, $ENV{PL_TEST_MYSQL_PORT});
    }
    unless ($own_mysql_dir) {
        my $d = tempdir('pl-mdb-XXXXXX', TMPDIR => 1, CLEANUP => !$KEEP);
        my ($rc, $out) = run_cmd("$ROOT/t/mariadb", 'start', $d);
        croak "t/mariadb start failed:\n$out" if $rc;
        $own_mysql_dir = $d;
        $ENV{PL_TEST_MYSQL_SOCKET} = "$d/mysqld.sock";
        $ENV{PL_TEST_MYSQL_PORT}   = do { my $p = slurp("$d/port"); chomp $p; $p };
    }
    return ($ENV{PL_TEST_MYSQL_SOCKET}, $ENV{PL_TEST_MYSQL_PORT});
}

our $MYSQL_USER = 'planning';
our $MYSQL_PASS = 'pl-test-pass';

sub mysql_sql {
    my ($sql) = @_;
    my ($sock) = mysql_info();
    my ($rc, $out) = run_cmd('mariadb', '--no-defaults', '-uroot', "--socket=$sock",
                             '-N', '-B', '-e', $sql);
    croak "mariadb -e '$sql' failed ($rc):\n$out" if $rc;
    return $out;
}

sub mysql_params {
    my ($db, $port) = @_;
    (undef, my $p) = mysql_info() unless defined $port;
    $port //= $p;
    return "host=127.0.0.1 port=$port user=$MYSQL_USER pass=$MYSQL_PASS dbname=$db";
}

sub mysql_create_db {
    my $db = sprintf 'pl_t_%d_%d', $$, ++$counter;
    mysql_sql("CREATE USER IF NOT EXISTS '$MYSQL_USER'\@'127.0.0.1' IDENTIFIED BY '$MYSQL_PASS'; "
            . "DROP DATABASE IF EXISTS `$db`; CREATE DATABASE `$db` CHARACTER SET utf8mb4; "
            . "GRANT ALL ON `$db`.* TO '$MYSQL_USER'\@'127.0.0.1'");
    return $db;
}

# ------------------------------------------------------------- small disk

# mount_tmpfs(SIZE): a fresh tmpfs of SIZE (e.g. "4m") that the children
# may write, unmounted at the end; (dir) or (undef, why) when mounting is not
# permitted here (not root, no CAP_SYS_ADMIN): the caller skips and says so.
my @MOUNTS;
sub mount_tmpfs {
    my ($size) = @_;
    return (undef, 'mounting a tmpfs needs root') if $> != 0;
    my $dir = tempdir_shared();
    my ($rc, $out) = run_cmd('mount', '-t', 'tmpfs', '-o', "size=$size,mode=0777", 'tmpfs', $dir);
    return (undef, "mount -t tmpfs is not permitted here: $out") if $rc;
    push @MOUNTS, $dir;
    return ($dir);
}

# Fills the file system under dir to the last byte (dir/filler); returns its path.
sub fill_disk {
    my ($dir) = @_;
    my $f = "$dir/filler";
    open my $fh, '>>', $f or croak "fill_disk: $f: $!";
    my $block = "\0" x 65536;
    while (syswrite($fh, $block)) { }
    my $byte = "\0";
    while (syswrite($fh, $byte)) { }
    close $fh;
    return $f;
}

END {
    local ($?, $!);
    run_cmd('umount', '-l', $_) for @MOUNTS;
}

# ------------------------------------------------------------------- load

# start_load($srv, workers => N, secs => S, method => 'GET', path => P,
#            body => sub { $worker, $n } -> {..}|undef, timeout => T):
# N processes sending requests one after the other for S seconds. Returns
# a handle; load_results($handle) waits for them and returns every request
# as { worker, n, start, end, status, retry_after, code, id, body }
# (times from time(); id and code from the JSON reply).
sub start_load {
    my ($srv, %o) = @_;
    my $file = tempdir_shared() . '/load';
    my @pids;
    for my $w (1 .. ($o{workers} // 4)) {
        my $pid = fork // croak "fork: $!";
        if (!$pid) {
            open my $out, '>>', "$file.$w" or POSIX::_exit(1);
            $out->autoflush(1);
            my $http = HTTP::Tiny->new(timeout => $o{timeout} // 30, keep_alive => 0);
            my ($until, $n) = (time + $o{secs}, 0);
            while (time < $until) {
                $n++;
                my $body = $o{body} ? $o{body}->($w, $n) : undef;
                my $t0 = time;
                my $r = $http->request($o{method} // 'GET', $srv->url($o{path}), {
                    headers => { Authorization => "Bearer $srv->{token}",
                                 defined $body ? ('Content-Type' => 'application/json') : () },
                    defined $body ? (content => $JSON->encode($body)) : () });
                my $j = eval { $JSON->decode($r->{content}) } || {};
                print $out $JSON->encode({ worker => $w, n => $n, start => $t0, end => time,
                                           status => $r->{status}, retry_after => $r->{headers}{'retry-after'},
                                           code => ref $j->{error} ? $j->{error}{code} : undef,
                                           id => $j->{id}, body => $body }), "\n";
            }
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    return { pids => \@pids, file => $file };
}

sub load_results {
    my ($h) = @_;
    waitpid $_, 0 for @{ $h->{pids} };
    my @all;
    for my $f (glob("$h->{file}.*")) {
        open my $in, '<', $f or next;
        push @all, map { $JSON->decode($_) } <$in>;
    }
    return sort { $a->{start} <=> $b->{start} } @all;
}

# ---------------------------------------------------------------- config

sub write_conf {
    my (%o) = @_;
    return write_server_conf(%o) if $o{var};
    local $ENV{PL_RUNDIR}    = $o{rundir};
    local $ENV{PL_PORT}      = $o{port};
    local $ENV{PL_MODULE}    = $MODULE;
    local $ENV{PL_DBDRIVER}  = $o{driver};
    local $ENV{PL_DBDPARAMS} = $o{params};
    local $ENV{PL_ROOTS}     = join ' ', @{ $o{roots} || [] };
    # script/test --sanitize: AddressSanitizer reserves terabytes of address
    # space, so the analyses' address-space limit is off (a test's own line,
    # after this one, still wins)
    local $ENV{PL_EXTRA}     = ($ENV{PL_SANITIZE_DIR} ? "PlanningAnalysisMemory 0\n" : '') . ($o{extra} // '');
    local $ENV{PL_THREADS}   = $o{threads} // 10;
    local $ENV{PL_USER}      = $CHILD_USER;
    # keyfile => PATH|'none': PL_KEYFILE of script/httpd-conf (default: a
    # fresh 32-byte <rundir>/token.key).
    local $ENV{PL_KEYFILE}   = $o{keyfile} if defined $o{keyfile};
    # docroot => DIR: the DocumentRoot (the built web UI for t/ui; default
    # <rundir>/htdocs)
    local $ENV{PL_DOCROOT}   = $o{docroot} // "$o{rundir}/htdocs";
    my ($rc, $out) = run_cmd("$ROOT/script/httpd-conf");
    croak "script/httpd-conf failed ($rc):\n$out" if $rc;
    mkdirs("$o{rundir}/htdocs");
    my $conf = "$o{rundir}/httpd.conf";
    spew($conf, $out);
    return $conf;
}

# The configuration of script/server (script/server-conf) for var directory
# VAR: rundir VAR/run, SQLite in VAR/planning.db, VAR/planning.local.conf.
sub write_server_conf {
    my (%o) = @_;
    local $ENV{PL_VAR}     = $o{var};
    local $ENV{PORT}       = $o{port};
    local $ENV{PL_MODULE}  = $MODULE;
    local $ENV{PL_ROOTS}   = join ' ', @{ $o{roots} || [] };
    local $ENV{PL_THREADS} = $o{threads} // 10;
    local $ENV{PL_USER}    = $CHILD_USER;
    local $ENV{PL_EXTRA}   = 'PlanningNoSuchDirective on';   # script/server-conf must not read it
    delete local $ENV{PL_ERRORLOG};
    my ($rc, $out) = run_cmd("$ROOT/script/server-conf");
    croak "script/server-conf failed ($rc):\n$out" if $rc;
    mkdirs("$o{var}/htdocs", "$o{var}/projects");   # as script/server makes them
    my $conf = "$o{rundir}/httpd.conf";
    spew($conf, $out);
    return $conf;
}

# config_test(extra => "...", roots => [...]) runs apache2 -t on a generated
# config; returns (exit code, output).
sub config_test {
    my (%o) = @_;
    my $rundir = tempdir_shared();
    my $conf = write_conf(rundir => $rundir, port => free_port(), driver => 'sqlite3',
                          params => "$rundir/planning.db", %o);
    return run_cmd('apache2', '-t', '-f', $conf);
}

# ------------------------------------------------------------ fake Ollama

# start_fake(args => [...]): the Ollama stand-in (t/fake-ollama) on a free
# loopback port; returns { port, pid, url, control(PATH, DATA) }. Stopped at
# the end of the test.
my @FAKES;
sub start_fake {
    my (%o) = @_;
    my $pid = open(my $out, '-|', 'node', "$ROOT/t/fake-ollama/server.js", '--port', '0',
                   @{ $o{args} || [] });
    croak "cannot start node: $!" unless $pid;
    my $line = <$out>;
    croak "the fake Ollama did not start" unless defined $line && $line =~ /LISTENING (\d+)/;
    my $fake = { port => $1, pid => $pid, out => $out, url => "http://127.0.0.1:$1" };
    push @FAKES, $fake;
    return $fake;
}

# fake_control($fake, METHOD, PATH, DATA): the stand-in's /_control API.
sub fake_control {
    my ($fake, $method, $path, $data) = @_;
    my $r = HTTP::Tiny->new(timeout => 10)->request($method, "$fake->{url}/_control/$path",
        { headers => { 'Content-Type' => 'application/json' },
          defined $data ? (content => $JSON->encode($data)) : () });
    return $r->{content} && $r->{content} =~ /^[\[{]/ ? $JSON->decode($r->{content}) : undef;
}

# The stand-in's log of the requests to PATH: how many, and the last one.
sub fake_calls { scalar @{ fake_control($_[0], 'GET', "log?path=$_[1]") || [] } }
sub fake_last_call { (fake_control($_[0], 'GET', "log?path=$_[1]") || [])->[-1] || {} }

# node_client(DIR, PACKAGE): a sub that runs DIR/client.mjs (a test's driver
# of an npm client library, t/ollama-client, t/openai-client) with its
# arguments as one JSON object and returns the JSON line it prints (or
# {error => {name, message}} when it printed none). script/bootstrap
# installs PACKAGE; a lone `prove` of a test does it here.
sub node_client {
    my ($dir, $package) = @_;
    $dir = "$ROOT/$dir";
    unless (-f "$dir/node_modules/$package/package.json") {
        system("cd '$dir' && npm ci --no-audit --no-fund --loglevel=error >&2") == 0
            or croak "npm ci in $dir failed: the client library $package is needed";
    }
    my $json = JSON::PP->new->utf8->canonical;
    return sub {
        my (%a) = @_;
        open(my $fh, '-|', 'node', "$dir/client.mjs", $json->encode(\%a)) or croak "node: $!";
        local $/;
        my $out = <$fh>;
        close $fh;
        my $r = eval { $json->decode($out // '') };
        return $r || { error => { name => 'no output', message => $out // '' } };
    };
}

END {
    local $?;
    for my $f (@FAKES) { kill 'TERM', $f->{pid}; waitpid($f->{pid}, 0) }
}

# start_memcached(): Debian's memcached on a free loopback port (64 MB, no
# UDP), for a socache shared by several hosts; returns { port, pid }.
# Stopped at the end of the test; undef (and a diag) when not installed.
my @MEMCACHEDS;
sub start_memcached {
    my $bin = (grep { -x } '/usr/bin/memcached', '/usr/local/bin/memcached')[0];
    return Test::More::diag('memcached not found (script/bootstrap installs it)') && undef unless $bin;
    my $port = free_port();
    my $pid = fork // croak "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>', '/dev/null';
        { no warnings 'exec'; exec $bin, '-l', '127.0.0.1', '-p', $port, '-U', '0', '-m', '64', '-u', 'nobody'; }
        POSIX::_exit(127);
    }
    my $t0 = time;
    sleep 0.05 while !port_accepts($port) && time - $t0 < 10;
    croak "memcached did not listen on $port" unless port_accepts($port);
    my $m = { port => $port, pid => $pid };
    push @MEMCACHEDS, $m;
    return $m;
}

END {
    local $?;
    for my $m (@MEMCACHEDS) { kill 'TERM', $m->{pid}; waitpid($m->{pid}, 0) }
}

# ---------------------------------------------------------------- server

sub start_server {
    my (%o) = @_;
    # share => $srv: a second host on $srv's database (migrated, with its
    # admin) and token key, as two hosts behind one balancer would be; the
    # database is dropped by $srv alone
    if (my $first = $o{share}) {
        $o{backend} = $first->{backend};
        $o{dbparams} = $first->{params};
        $o{migrate} = 0;
        $o{keyfile} //= "$first->{rundir}/token.key";
    }
    my $backend = $o{backend} // 'sqlite3';
    my $migrate = $o{migrate} // 1;
    # var => DIR: as script/server runs it, in var directory DIR (SQLite only)
    my $rundir = $o{var} ? "$o{var}/run" : tempdir_shared();
    mkdirs($rundir);
    chmod 0777, $rundir;    # children (www-data) may write runtime files
    my $self = bless { backend => $backend, rundir => $rundir, expect => [],
                       roots => $o{roots} || [] }, __PACKAGE__;

    my $params;
    if ($o{var}) {
        croak 'var => DIR runs on SQLite only' unless $backend eq 'sqlite3';
        chmod 0777, $o{var};
        $params = $self->{dbfile} = "$o{var}/planning.db";
    } elsif ($backend eq 'sqlite3') {
        # dbdir => PATH: the database elsewhere (a small tmpfs the test mounted)
        my $dbdir = $o{dbdir} // "$rundir/db";
        $self->{dbdir} = $dbdir;
        mkdirs($dbdir);
        $params = "$dbdir/planning.db";
        $self->{dbfile} = $params;
    } elsif ($backend eq 'mysql' && $o{share}) {
        $params = $o{share}{params};
        $self->{shared_db} = $o{share}{db};
    } elsif ($backend eq 'mysql') {
        $self->{db} = mysql_create_db();
        $params = mysql_params($self->{db});
    } else {
        croak "unknown backend $backend";
    }
    if (defined $o{dbparams}) {
        ($params = $o{dbparams}) =~ s/\{RUNDIR\}/$rundir/g;
    }
    $self->{params} = $params;

    if ($migrate) {
        my ($rc, $out) = run_cmd($CLI, 'migrate', '--driver', $backend, '--params', $params,
                                 '--schema-dir', "$ROOT/schema");
        if ($rc) {
            $self->{stopped} = 1;
            eval { mysql_sql("DROP DATABASE IF EXISTS `$self->{db}`") } if $self->{db};
            croak "planning migrate failed ($rc):\n$out";
        }
    }
    # Every server has an admin whose token requests carry by default
    # (admin => 0: none, for first-run tests).
    my $admin = ($migrate || $o{share}) && ($o{admin} // 1);
    if ($admin && !$o{share}) {
        my $cmd = join ' ', map { "'$_'" } $CLI, 'create-user', '--driver', $backend,
                  '--params', $params, '--username', $ADMIN_USER, '--admin';
        open my $fh, '|-', "$cmd >/dev/null 2>&1" or croak "create-user: $!";
        print $fh "$ADMIN_PASSWORD\n";
        close $fh or croak "planning create-user failed ($?)";
    }
    if ($backend eq 'sqlite3') {
        for my $f ($self->{dbdir} ? ($self->{dbdir}, glob("$self->{dbdir}/*")) : (),
                   $o{var} ? glob("$o{var}/planning.db*") : ()) {
            chown $CHILD_UID, $CHILD_GID, $f;
        }
    }

    my $last_err = '';
    for my $attempt (1 .. 3) {
        my $port = free_port();
        my $conf = write_conf(rundir => $rundir, port => $port, driver => $backend,
                              params => $params, roots => $o{roots}, extra => $o{extra},
                              threads => $o{threads}, keyfile => $o{keyfile}, var => $o{var},
                              docroot => $o{docroot});
        @$self{qw(port conf)} = ($port, $conf);
        my ($rc, $out) = run_cmd('apache2', '-f', $conf, '-k', 'start');
        if ($rc) {
            $last_err = "apache2 -k start exited $rc:\n$out\n" . slurp("$rundir/error.log");
            next;
        }
        $live{"$self"} = $self;
        my $t0 = time;
        while (time - $t0 < 10) {
            if (port_accepts($port)) {
                $self->{pid} = do { my $p = slurp("$rundir/httpd.pid"); $p =~ /(\d+)/ ? $1 : undef };
                $self->{token} = $self->login($ADMIN_USER, $ADMIN_PASSWORD) if $admin;
                return $self;
            }
            sleep 0.05;
        }
        $last_err = "httpd did not accept on 127.0.0.1:$port within 10 s:\n$out\n"
                  . slurp("$rundir/error.log");
        $self->_kill;
        last unless $last_err =~ /Address already in use/;
    }
    $self->{stopped} = 1;
    eval { mysql_sql("DROP DATABASE IF EXISTS `$self->{db}`") } if $self->{db} && !$KEEP;
    Test::More::diag($last_err);
    croak "start_server($backend) failed";
}

# login(USER, PASSWORD): the access token, or undef (the reply is in {last_login}).
sub login {
    my ($self, $user, $password) = @_;
    my $r = $self->json('POST', '/api/v1/auth/login', { username => $user, password => $password },
                        { Authorization => undef });
    $self->{last_login} = $r;
    return $r->{status} == 200 ? $r->{json}{access_token} : undef;
}

# add_user(NAME, ROLE): creates the user as the admin and signs in;
# returns (id, token).
sub add_user {
    my ($self, $name, $role) = @_;
    my $pw = "pw-$name-0123456789";
    my $r = $self->json('POST', '/api/v1/users', { username => $name, password => $pw, role => $role });
    croak "add_user $name: $r->{status} $r->{content}" unless $r->{status} == 201;
    return ($r->{json}{id}, $self->login($name, $pw));
}

# $srv->api_key(TOKEN, NAME, [SCOPES]): a new API key of the user signed
# in with TOKEN (asserted 201); returns the key.
sub api_key {
    my ($self, $token, $name, $scopes) = @_;
    my $r = $self->json('POST', '/api/v1/auth/keys', { name => $name, scopes => $scopes },
                        { Authorization => "Bearer $token" });
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    status_is($r, 201, "API key $name");
    return $r->{json}{key};
}

# $srv->usage_by(TOKEN): the usage of the user signed in with TOKEN, summed
# by "source model": {requests, tokens_in, tokens_out}.
sub usage_by {
    my ($self, $token) = @_;
    my $u = $self->request('GET', '/api/v1/usage', { Authorization => "Bearer $token" });
    my %by;
    for my $row (@{ $u->{json}{items} || [] }) {
        $by{"$row->{source} $row->{model}"}{$_} += $row->{$_} for qw(requests tokens_in tokens_out);
    }
    return \%by;
}

# $srv->sql(SQL): runs SQL on the server's database behind its back (sqlite3
# or mariadb client); returns the output rows, tab-separated. For tests that
# must set a state the API cannot (an API key that expired yesterday).
sub sql {
    my ($self, $sql) = @_;
    if ($self->{backend} eq 'sqlite3') {
        my ($rc, $out) = run_cmd('sqlite3', '-batch', '-noheader', '-separator', "\t",
                                 '-cmd', '.timeout 5000', $self->{dbfile}, $sql);
        # files the client made must stay writable for the children
        for my $f (glob("$self->{dbfile}*")) { chown $CHILD_UID, $CHILD_GID, $f }
        croak "sqlite3 '$sql' failed ($rc):\n$out" if $rc;
        return $out;
    }
    return mysql_sql("USE `" . ($self->{db} // $self->{shared_db}) . "`; $sql");
}

sub base      { "http://127.0.0.1:$_[0]{port}" }
sub url       { $_[0]->base . $_[1] }
sub port      { $_[0]{port} }
sub backend   { $_[0]{backend} }
sub rundir    { $_[0]{rundir} }
sub params    { $_[0]{params} }
sub error_log { "$_[0]{rundir}/error.log" }
sub conf      { $_[0]{conf} }

sub expect_log { my ($self, @re) = @_; push @{ $self->{expect} }, @re; $self }

sub _wait_gone {
    my ($pid, $secs) = @_;
    my $t0 = time;
    while (kill 0, $pid) {
        return 0 if time - $t0 > $secs;
        sleep 0.05;
    }
    return 1;
}

sub _kill {
    my ($self) = @_;
    my $pid = $self->{pid} // do { my $p = slurp("$self->{rundir}/httpd.pid"); $p =~ /(\d+)/ ? $1 : undef };
    run_cmd('apache2', '-f', $self->{conf}, '-k', 'stop') if $self->{conf};
    if ($pid) {
        unless (_wait_gone($pid, 10)) {
            kill 'KILL', $pid;
            _wait_gone($pid, 5);
        }
    }
    # Children may outlive the parent for a moment; wait for the port to close.
    my $t0 = time;
    sleep 0.05 while $self->{port} && port_accepts($self->{port}) && time - $t0 < 5;
    delete $live{"$self"};
}

# Error-log lines at level error or worse that match no expected pattern.
sub unexpected_log_lines {
    my ($self) = @_;
    my @bad;
    for my $line (split /\n/, slurp($self->error_log)) {
        next unless $line =~ /^\[[^\]]*\] \[[\w\-]*:(?:error|crit|alert|emerg)\]/;
        next if grep { $line =~ $_ } @{ $self->{expect} };
        push @bad, $line;
    }
    return @bad;
}

# The backtrace of each core a crashed child left in the run directory
# (CoreDumpDirectory of script/httpd-conf), when gdb is installed.
sub crash_backtraces {
    my ($self) = @_;
    my @out;
    my $apache = (grep { -x } map { "$_/apache2" } split /:/, "$ENV{PATH}:/usr/sbin")[0] // 'apache2';
    for my $core (glob("$self->{rundir}/core*")) {
        next unless -x '/usr/bin/gdb';
        my $bt = `gdb -batch -ex 'thread apply all bt 12' $apache $core 2>/dev/null`;
        my ($crashed) = $bt =~ /(Thread 1 \(.*?)(?:\nThread |\z)/s;
        push @out, "core $core:", grep { /^#/ } split /\n/, ($crashed // $bt);
    }
    return @out;
}

# A child that crashed (httpd says so at level notice: AH00052 with the
# signal of a crash, not the KILL or TERM of a test) is said with its
# backtrace. It fails only the tests that assert it (analyses.t, jobs.t,
# stream.t): a crash seen about every other full run in analyses.t on
# MariaDB is not found yet, and is said here each time until it is.
sub say_crashes {
    my ($self) = @_;
    my @crashed = grep { /AH00052: child pid \d+ exit signal (?:Segmentation|Abort|Bus|Illegal|Floating)/ }
                  split /\n/, slurp($self->error_log);
    Test::More::diag(join "\n", "a child of httpd crashed ($self->{backend}):", @crashed,
                     $self->crash_backtraces) if @crashed;
}

# script/test --sanitize: the sanitizer reports httpd or the planning
# command wrote since the last look, moved to claimed/ so that each fails one
# test only (with three test files at a time, maybe another's: its stack
# says whose). Empty otherwise.
sub sanitizer_reports {
    my $dir = $ENV{PL_SANITIZE_DIR} or return ();
    my @out;
    # (httpd's and the command's: the unit tests' are the run's to say)
    for my $f (sort grep { -f } glob("$dir/*.apache2.* $dir/*.planning.*")) {
        mkdirs("$dir/claimed");
        (my $to = $f) =~ s{.*/}{$dir/claimed/};
        push @out, "$f:", split(/\n/, slurp($f));
        rename $f, $to;
    }
    return @out;
}

sub check_log {
    my ($self, $name) = @_;
    $self->say_crashes;
    if ($ENV{PL_SANITIZE_DIR}) {
        my @san = sanitizer_reports();
        local $Test::Builder::Level = $Test::Builder::Level + 1;
        Test::More::ok(!@san, "no sanitizer report ($self->{backend})")
            or Test::More::diag(join "\n", @san[0 .. ($#san > 80 ? 80 : $#san)]);
    }
    my @bad = $self->unexpected_log_lines;
    $self->{log_checked} = 1;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok(!@bad, $name // "error log clean ($self->{backend})")
        or Test::More::diag(join "\n", "unexpected error-log lines in " . $self->error_log . ':',
                            @bad[0 .. ($#bad > 40 ? 40 : $#bad)]);
    return !@bad;
}

# Stops httpd, checks the _links seen (check_links) and the error log (one
# Test::More assertion each), drops the MariaDB database. Safe to call more
# than once.
sub stop {
    my ($self, %o) = @_;
    return if $self->{stopped};
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    $self->check_links unless $o{no_check} || ($self->{links_checked} // -1) == $self->links_seen;
    PlanningContract::check($self) unless $o{no_check};
    $self->{stopped}++;
    $self->_kill;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    $self->check_log unless $o{no_check} || $self->{log_checked};
    if ($self->{db} && !$KEEP) {
        eval { mysql_sql("DROP DATABASE IF EXISTS `$self->{db}`") };
    }
}

sub DESTROY {
    my ($self) = @_;
    return if $self->{stopped};
    local ($?, $@, $!);
    if (${^GLOBAL_PHASE} eq 'DESTRUCT') {
        $self->stop(no_check => 1);
        my @bad = $self->unexpected_log_lines;
        print STDERR "# unexpected error-log lines ($self->{backend}):\n",
                     map { "#   $_\n" } @bad if @bad;
    } else {
        $self->stop;
    }
}

END {
    local ($?, $@, $!);
    for my $s (values %live) {
        $s->stop(no_check => 1);
        next if $s->{log_checked};
        my @bad = $s->unexpected_log_lines;
        print STDERR "# server not stopped by the test; unexpected error-log lines ($s->{backend}):\n",
                     map { "#   $_\n" } @bad if @bad;
    }
    %live = ();
    if ($own_mysql_dir) {
        run_cmd("$ROOT/t/mariadb", 'stop', $own_mysql_dir);
        $own_mysql_dir = undef;
    }
}

# ---------------------------------------------------------------- HTTP

sub _decode {
    my ($res) = @_;
    my $ct = $res->{headers}{'content-type'} // '';
    if (length($res->{content} // '') && $ct =~ m{^application/(?:[\w.+-]+\+)?json}i) {
        $res->{json} = eval { $JSON->decode($res->{content}) };
        $res->{json_error} = $@ if $@;
    }
    return $res;
}

# request(METHOD, PATH, {headers}, body) -> {status, headers (lowercase), content, json}
sub request {
    my ($self, $method, $path, $headers, $body) = @_;
    my $http = HTTP::Tiny->new(keep_alive => 0, timeout => 30, max_redirect => 0);
    my %h = %{ $headers || {} };
    # Every request carries the admin's token unless the test names its own
    # Authorization (undef: none at all).
    if (!exists $h{Authorization}) {
        $h{Authorization} = "Bearer $self->{token}" if $self->{token};
    } elsif (!defined $h{Authorization}) {
        delete $h{Authorization};
    }
    my %args = (headers => \%h);
    $args{content} = $body if defined $body;
    my $r = $http->request($method, $path =~ m{^https?://} ? $path : $self->url($path), \%args);
    my $res = { status => $r->{status}, reason => $r->{reason}, headers => $r->{headers},
                content => $r->{content}, req => "$method $path",
                req_body => $body };
    $self->_seen($res);
    return $self->_note_links(_decode($res), $method, $path, $h{Authorization});
}

# Every reply a server gave (request line, status, headers), for checks over
# all of them such as security_headers_ok.
sub _seen {
    my ($self, $res) = @_;
    return $res if $res->{status} == 599;
    push @{ $self->{seen} }, { req => $res->{req}, status => $res->{status},
                               headers => $res->{headers} };
    PlanningContract::note($self, $res) unless $self->{checking_links};
    return $res;
}

sub seen_replies { @{ $_[0]{seen} || [] } }

# json(METHOD, PATH, data[, {headers}]) sends data as application/json.
sub json {
    my ($self, $method, $path, $data, $headers) = @_;
    my $body = defined $data ? (ref $data ? $JSON->encode($data) : $data) : undef;
    return $self->request($method, $path,
        { 'Content-Type' => 'application/json', Accept => 'application/json', %{ $headers || {} } },
        $body);
}

# raw(BYTES): sends exactly BYTES on a new connection, reads the reply until
# the server closes (send Connection: close) and parses it.
sub raw {
    my ($self, $bytes, %o) = @_;
    # local_addr => '127.0.0.2': connect from another loopback address (a
    # second "client" for per-address limits).
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port},
                                  Proto => 'tcp', Timeout => 5,
                                  $o{local_addr} ? (LocalAddr => $o{local_addr}) : ())
        or return { status => 599, content => "connect: $!", headers => {}, req => 'raw' };
    binmode $s;
    my $off = 0;
    while ($off < length $bytes) {
        my $n = syswrite($s, $bytes, 65536, $off);
        last unless $n;    # server closed early (e.g. 413): read what it sent
        $off += $n;
    }
    my $in = '';
    my $timeout = $o{timeout} // 30;
    eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm $timeout;
        while (1) {
            my $n = sysread($s, my $buf, 65536);
            last unless $n;
            $in .= $buf;
        }
        alarm 0;
    };
    alarm 0;
    close $s;
    my ($reqline) = $bytes =~ /^([^\r\n]*)/;
    my ($auth) = $bytes =~ /\r\nAuthorization: ([^\r\n]*)\r\n/i;
    my ($method, $path) = split / /, $reqline // '';
    return $self->_note_links($self->_seen(parse_response($in, "raw $reqline")),
                              $method // '', $path // '', $auth);
}

# $srv->sse(METHOD, PATH, BODY, %o): a Server-Sent Events reply read from a
# raw socket as it arrives. Returns (status, [events]) and, with keep => 1,
# the open socket as a third value (close it to leave). Each event is
# {id, event, data (JSON decoded), at (seconds since the request)}; comments
# are skipped. o: token (default the admin's; undef for none), leave_after
# => N events, until => sub { my ($ev) = @_; ... } (stop after the event it
# is true for), timeout => seconds (default 30).
sub sse {
    my ($self, $method, $path, $body, %o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port},
                                  Proto => 'tcp', Timeout => 5) or croak "connect: $!";
    binmode $s;
    my $json = defined $body ? $JSON->encode($body) : undef;
    my $token = exists $o{token} ? $o{token} : $self->{token};
    print $s "$method $path HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
           . (defined $token ? "Authorization: Bearer $token\r\n" : '')
           . (defined $json ? "Content-Type: application/json\r\nContent-Length: " . length($json) . "\r\n\r\n$json"
                            : "\r\n");
    my ($raw, $text, $status, $chunked, $type, @events) = ('', '');
    my $t0 = time;
    my $deadline = $t0 + ($o{timeout} // 30);
    READ: while (time < $deadline) {
        my $ready = '';
        vec($ready, fileno($s), 1) = 1;
        next unless select($ready, undef, undef, 0.2);
        my $n = sysread($s, my $buf, 65536);
        last unless $n;
        $raw .= $buf;
        if (!defined $status) {
            next unless $raw =~ s/^(.*?)\r\n\r\n//s;
            my $head = $1;
            ($status) = $head =~ m{^HTTP/\d\.\d (\d{3})};
            ($type) = $head =~ /^content-type:\s*([^\r\n]*)/im;
            $chunked = $head =~ /^transfer-encoding:\s*chunked/im;
        }
        if ($chunked) {
            while ($raw =~ /^([0-9a-fA-F]+)[^\r\n]*\r\n/ && length($raw) >= length($&) + hex($1) + 2) {
                my $n = hex $1;
                substr($raw, 0, length $&, '');
                $text .= substr($raw, 0, $n, '');
                substr($raw, 0, 2, '');
            }
        } else {
            $text .= $raw;
            $raw = '';
        }
        while ($text =~ s/^(.*?)\n\n//s) {
            my %ev;
            for my $line (split /\n/, $1) {
                $ev{$1} = $2 if $line =~ /^(id|event|data): ?(.*)$/;
            }
            next unless exists $ev{data};
            $ev{data} = eval { $JSON->decode($ev{data}) } // $ev{data};
            $ev{at} = time - $t0;
            push @events, \%ev;
            last READ if $o{leave_after} && @events >= $o{leave_after};
            last READ if $o{until} && $o{until}->(\%ev);
        }
    }
    PlanningContract::note_stream($self, $method, $path, $status, $type, \@events) if $status;
    return ($status // 599, \@events, $s) if $o{keep};
    close $s;
    return ($status // 599, \@events);
}

sub parse_response {
    my ($in, $req) = @_;
    my $res = { status => 599, headers => {}, content => $in, req => $req };
    my ($head, $body) = split /\r\n\r\n/, $in, 2;
    return $res unless defined $head && $head =~ m{^HTTP/\d\.\d (\d{3}) ?([^\r\n]*)};
    @$res{qw(status reason)} = ($1, $2);
    my @lines = split /\r\n/, $head;
    shift @lines;
    for my $l (@lines) {
        my ($k, $v) = $l =~ /^([^:]+):\s*(.*)$/ or next;
        $k = lc $k;
        $res->{headers}{$k} = exists $res->{headers}{$k} ? "$res->{headers}{$k}, $v" : $v;
    }
    $body //= '';
    if (($res->{headers}{'transfer-encoding'} // '') =~ /chunked/i) {
        my $out = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r\n]*\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr($body, 0, $n, '');
            $body =~ s/^\r\n//;
        }
        $body = $out;
    }
    $res->{content} = $body;
    return _decode($res);
}

# raw_request(method => 'POST', path => '/api/v1/projects', headers => [k => v, ...],
#             body => BYTES, chunks => [BYTES, ...], content_length => N)
# Builds an HTTP/1.1 request with Connection: close. With chunks the body is
# sent chunked; otherwise Content-Length is length(body) unless given.
sub raw_request {
    my ($self, %o) = @_;
    my $req = "$o{method} $o{path} HTTP/1.1\r\nHost: 127.0.0.1:$self->{port}\r\nConnection: close\r\n";
    my @h = @{ $o{headers} || [] };
    my %given = map { lc($h[2 * $_]) => 1 } 0 .. int(@h / 2) - 1;
    $req .= "Authorization: Bearer $self->{token}\r\n" if $self->{token} && !$given{authorization};
    while (my ($k, $v) = splice @h, 0, 2) { $req .= "$k: $v\r\n" }
    my $body = '';
    if ($o{chunks}) {
        $req .= "Transfer-Encoding: chunked\r\n";
        $body .= sprintf("%x\r\n%s\r\n", length $_, $_) for grep { length } @{ $o{chunks} };
        $body .= "0\r\n\r\n";
    } elsif (defined $o{body} || defined $o{content_length}) {
        $req .= 'Content-Length: ' . ($o{content_length} // length $o{body}) . "\r\n";
        $body = $o{body} // '';
    }
    return $self->raw("$req\r\n$body", %o);
}

# sse_post($srv, PATH, DATA, token => T, leave_after => N): POSTs DATA as JSON
# on a raw socket and reads the Server-Sent Events reply as it comes:
# (head, [{id, event, data (decoded JSON), at (seconds since the request)}]).
# leave_after closes the connection after that many events.
sub sse_post {
    my ($srv, $path, $body, %o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $srv->port, Timeout => 10) or die $!;
    my $json = JSON::PP->new->utf8->encode($body);
    print $s "POST $path HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " . ($o{token} // $srv->{token})
           . "\r\nContent-Type: application/json\r\nContent-Length: " . length($json)
           . "\r\nConnection: close\r\n\r\n$json";
    my ($buf, @events, $head) = ('');
    my $t0 = time;
    while (1) {
        my $n = sysread($s, my $chunk, 65536);
        last unless $n;
        $buf .= $chunk;
        if (!defined $head && $buf =~ s/^(.*?)\r\n\r\n//s) { $head = $1 }
        while (defined $head && $buf =~ s/^(?:[0-9a-f]+\r\n)?(id: ([^\n]+)\nevent: (\w+)\ndata: (.*?)\n\n)(?:\r\n)?//s) {
            push @events, { id => $2, event => $3, data => JSON::PP->new->utf8->decode($4), at => time - $t0 };
            last if $o{leave_after} && @events >= $o{leave_after};
        }
        last if $o{leave_after} && @events >= $o{leave_after};
    }
    close $s;
    if (defined $head && $head =~ m{^HTTP/\d\.\d (\d{3})}) {
        my $status = $1;
        my ($type) = $head =~ /^content-type:\s*([^\r\n]*)/im;
        PlanningContract::note_stream($srv, 'POST', $path, $status, $type, \@events);
    }
    return ($head, \@events);
}

# ---------------------------------------------------------------- _links
# Every link leads somewhere: each JSON reply that request(), json() and
# raw() return is searched for "_links" at any depth, and every link in it
# (an "href", or a plain string) is kept with the credentials of the
# request that received it. check_links, which stop runs before httpd goes
# (no test opts in), fetches each distinct one with GET and requires a 2xx.
# A link under a path the test DELETEd since is not fetched (the resource is
# gone on purpose). When the credentials no longer answer (a token signed
# out, a key revoked, a member removed) the admin's are tried as well: the
# link must lead to something that exists, for someone who may see it. Only
# when no credentials sign in any more (401 both ways, or no admin) is a
# link left out, and the assertion says how many.

sub _links_in {
    my ($v, $in_links, $out) = @_;
    if (ref $v eq 'HASH') {
        for my $k (sort keys %$v) {
            if ($in_links && $k eq 'href' && !ref $v->{$k}) { push @$out, $v->{$k}; next }
            _links_in($v->{$k}, $in_links || $k eq '_links', $out);
        }
    } elsif (ref $v eq 'ARRAY') {
        _links_in($_, $in_links, $out) for @$v;
    } elsif ($in_links && defined $v && !ref $v && $v =~ m{^(?:/|https?://)}) {
        push @$out, $v;
    }
    return $out;
}

sub _note_links {
    my ($self, $res, $method, $path, $auth) = @_;
    return $res if $self->{checking_links};
    if (uc $method eq 'DELETE' && $res->{status} =~ /^2/) {
        (my $gone = $path) =~ s/[?#].*//s;
        $gone =~ s{^https?://[^/]+}{};
        push @{ $self->{deleted} }, $gone;
    }
    return $res unless ref $res->{json};
    my $base = $self->base;
    for my $href (@{ _links_in($res->{json}, 0, []) }) {
        (my $rel = $href) =~ s{^\Q$base\E}{};
        # a link elsewhere is kept too: it is fetched, and fails
        $self->{links}{ ($auth // '') . "\n$rel" } //= { href => $rel, auth => $auth, from => $res->{req} };
    }
    return $res;
}

sub links_seen { scalar keys %{ $_[0]{links} || {} } }

# One assertion over every link seen so far (none when no reply had links);
# returns how many were fetched.
sub check_links {
    my ($self) = @_;
    $self->{links_checked} = $self->links_seen;
    return 0 unless $self->links_seen;
    my ($n, $skipped, $signed_out, @bad) = $self->link_problems;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok(!@bad, "every link in the replies leads somewhere: $n fetched"
                   . ($skipped ? ", $skipped under deleted paths left out" : '')
                   . ($signed_out ? ", $signed_out left out as no credentials sign in any more" : '')
                   . " ($self->{backend})")
        or Test::More::diag(join "\n", scalar(@bad) . ' links do not answer 2xx:',
                            @bad[0 .. ($#bad > 30 ? 30 : $#bad)]);
    return $n;
}

# link_problems([{href, auth, from}, ...]): fetches the links given (default:
# every one seen) as check_links does; returns (fetched, left out as
# deleted, left out as signed out, the failures as text).
sub link_problems {
    my ($self, @links) = @_;
    @links = map { $self->{links}{$_} } sort keys %{ $self->{links} || {} } unless @links;
    local $self->{checking_links} = 1;
    my $http = HTTP::Tiny->new(keep_alive => 0, timeout => 30, max_redirect => 0);
    my $get = sub {
        my ($href, $auth) = @_;
        return { status => 599, reason => 'not a link into this server' } unless $href =~ m{^/};
        my $r;
        for my $try (1 .. 5) {     # a rate limit of the test's own making: wait it out
            $r = $http->request('GET', $self->url($href),
                                { headers => { defined $auth ? (Authorization => $auth) : () } });
            last unless $r->{status} == 429;
            my $wait = $r->{headers}{'retry-after'} // 1;
            last if $wait > 10;
            sleep $wait;
        }
        return $r;
    };
    my $admin;
    my (@bad, $n, $skipped, $signed_out);
    LINK: for my $l (@links) {
        (my $path = $l->{href}) =~ s/[?#].*//s;
        for my $gone (@{ $self->{deleted} || [] }) {
            if ($path eq $gone || index($path, "$gone/") == 0) { $skipped++; next LINK }
        }
        $n++;
        my $r = $get->($l->{href}, $l->{auth});
        next if $r->{status} =~ /^2/;
        my $first = $r->{status};
        if ($self->{token}) {
            $admin //= do {
                my $t = $http->request('POST', $self->url('/api/v1/auth/login'),
                    { headers => { 'Content-Type' => 'application/json' },
                      content => $JSON->encode({ username => $ADMIN_USER, password => $ADMIN_PASSWORD }) });
                my $j = $t->{status} == 200 ? eval { $JSON->decode($t->{content}) } : undef;
                "Bearer " . ($j && $j->{access_token} ? $j->{access_token} : $self->{token});
            };
            $r = $get->($l->{href}, $admin);
            next if $r->{status} =~ /^2/;
        }
        if ($r->{status} == 401) { $signed_out++; $n--; next }
        push @bad, "$l->{href} => $first" . ($first == $r->{status} ? '' : ", as the admin $r->{status}")
                 . " (linked from $l->{from})";
    }
    return ($n // 0, $skipped // 0, $signed_out // 0, @bad);
}

# ---------------------------------------------------------------- assertions

sub diag_res {
    my ($res) = @_;
    my $body = $res->{content} // '';
    utf8::decode($body);
    $body = substr($body, 0, 2000) . '...' if length $body > 2000;
    my $rb = $res->{req_body} // '';
    utf8::decode($rb);
    $rb = substr($rb, 0, 300) . '...' if length $rb > 300;
    Test::More::diag("$res->{req}" . (length $rb ? " body: $rb" : '')
        . "\n=> $res->{status} " . ($res->{reason} // '')
        . "\n" . join('', map { "   $_: $res->{headers}{$_}\n" } sort keys %{ $res->{headers} || {} })
        . "   body: $body");
}

# body_sans_id(RES): the JSON reply with the error's request_id taken out, so
# replies that must be alike can be compared.
sub body_sans_id {
    my ($res) = @_;
    my $j = ref $res->{json} eq 'HASH' ? { %{ $res->{json} } } : return "not JSON: " . ($res->{content} // '');
    if (ref $j->{error} eq 'HASH') { $j->{error} = { %{ $j->{error} } }; delete $j->{error}{request_id} }
    return $JSON->encode($j);
}

sub status_is {
    my ($res, $code, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::is($res->{status}, $code, $name // "$res->{req} => $code") or diag_res($res);
}

# error_is(res, status, CODE, name): status, JSON error shape, request id header.
sub error_is {
    my ($res, $status, $code, $name) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    $name //= "$res->{req} => $status $code";
    my $e = ref $res->{json} eq 'HASH' ? $res->{json}{error} : undef;
    my @why;
    push @why, "status $res->{status}, want $status" unless $res->{status} == $status;
    push @why, 'content-type not application/json'
        unless ($res->{headers}{'content-type'} // '') =~ m{^application/json}i;
    if (ref $e ne 'HASH') {
        push @why, 'no {"error":{...}} object';
    } else {
        push @why, 'error.code ' . ($e->{code} // 'undef') . ", want $code"
            unless defined $code && ($e->{code} // '') eq $code || !defined $code;
        push @why, 'error.message missing' unless defined $e->{message} && !ref $e->{message} && length $e->{message};
        push @why, 'error.request_id missing' unless defined $e->{request_id} && length $e->{request_id};
        push @why, 'X-Request-Id header differs from error.request_id'
            unless defined $e->{request_id} && ($res->{headers}{'x-request-id'} // '') eq $e->{request_id};
        push @why, 'error.details not an object' if exists $e->{details} && ref $e->{details} ne 'HASH';
    }
    Test::More::ok(!@why, $name) or do { Test::More::diag(join '; ', @why); diag_res($res) };
    return !@why;
}

# JSON type of a value in the reply, from a fresh decode (Perl's scalars lose
# the number/string distinction once used): number|string|true|false|null|array|object|missing
sub json_type {
    my ($res, @path) = @_;
    my $v = eval { $JSON->decode($res->{content}) };
    for my $k (@path) {
        if (ref $v eq 'HASH') {
            return 'missing' unless exists $v->{$k};
            $v = $v->{$k};
        } elsif (ref $v eq 'ARRAY') {
            return 'missing' unless $k < @$v;
            $v = $v->[$k];
        } else { return 'missing' }
    }
    return 'null'   unless defined $v;
    return $v ? 'true' : 'false' if JSON::PP::is_bool($v);
    return 'array'  if ref $v eq 'ARRAY';
    return 'object' if ref $v eq 'HASH';
    my $enc = JSON::PP->new->allow_nonref->encode($v);
    return $enc =~ /^"/ ? 'string' : 'number';
}

# A header's values as a list (HTTP::Tiny gives an array for repeated ones).
sub header_list {
    my ($res, $name) = @_;
    my $v = ($res->{headers} || {})->{lc $name};
    return () unless defined $v;
    return ref $v eq 'ARRAY' ? @$v : ($v);
}

# What is wrong with a reply's security headers (SECURITY 34 for the API):
# X-Content-Type-Options nosniff, one Content-Security-Policy with
# frame-ancestors 'none' and neither 'unsafe-inline' nor 'unsafe-eval'.
sub security_header_problems {
    my ($res) = @_;
    my @why;
    my @nosniff = header_list($res, 'X-Content-Type-Options');
    push @why, 'X-Content-Type-Options is not exactly one "nosniff"'
        unless @nosniff == 1 && $nosniff[0] =~ /^\s*nosniff\s*$/i;
    my @csp = header_list($res, 'Content-Security-Policy');
    if (@csp != 1) {
        push @why, scalar(@csp) . ' Content-Security-Policy headers, want 1';
    } else {
        push @why, "CSP without frame-ancestors 'none': $csp[0]"
            unless $csp[0] =~ /(?:^|;)\s*frame-ancestors\s+'none'\s*(?:;|$)/i;
        push @why, "CSP allows unsafe-inline/unsafe-eval: $csp[0]"
            if $csp[0] =~ /unsafe-(?:inline|eval|hashes)/i;
    }
    return @why;
}

# security_headers_ok(SRV[, skip => sub { my $seen = shift; ... }]): one
# assertion over every reply SRV gave so far (replies for which skip returns
# true are left out, e.g. ones produced by another module).
sub security_headers_ok {
    my ($self, %o) = @_;
    my (@bad, $n);
    for my $r ($self->seen_replies) {
        next if $o{skip} && $o{skip}->($r);
        $n++;
        my @why = security_header_problems($r);
        push @bad, "$r->{req} => $r->{status}: " . join('; ', @why) if @why;
    }
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok($n && !@bad, "nosniff and a strict CSP on all " . ($n // 0)
                   . " replies ($self->{backend})")
        or Test::More::diag(join "\n", scalar(@bad) . ' replies lack them:',
                            @bad[0 .. ($#bad > 30 ? 30 : $#bad)]);
    return !@bad;
}

sub is_true  { JSON::PP::is_bool($_[0]) && $_[0] ? 1 : 0 }
sub is_false { JSON::PP::is_bool($_[0]) && !$_[0] ? 1 : 0 }

1;
