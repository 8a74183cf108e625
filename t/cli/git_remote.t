#!/usr/bin/env perl
# `planning git-remote`, the process the module runs for a git network job
# (t/api/git_remote.t drives it through the server): it takes no argument,
# reads its request from standard input only, and answers a request it
# cannot read with one E line and exit status 2; a request it can read with
# one E or R line and status 0. Listed in `planning --help` as internal.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use File::Temp qw(tempdir);
use IPC::Open3;
use Symbol qw(gensym);
use Test::More;
use PlanningTest qw(:all);

PlanningTest::require_build();
my $CLI = $PlanningTest::CLI;

# run(STDIN, ARGS...): (exit status, standard output, standard error)
sub run {
    my ($in, @args) = @_;
    my $err = gensym;
    local $SIG{PIPE} = 'IGNORE';   # a request it stops reading
    my $pid = open3(my $w, my $r, $err, $CLI, @args);
    print $w $in;
    close $w;
    local $/;
    my $out = <$r> // '';
    my $e = <$err> // '';
    waitpid($pid, 0);
    return ($? >> 8, $out, $e);
}

my ($rc, $out) = run('', '--help');
like($out, qr/^\s+git-remote\s+internal: run by the module/m, 'planning --help lists git-remote as internal');

($rc) = run('{}', 'git-remote', 'extra');
is($rc, 2, 'an argument is a usage error');

($rc, $out) = run('not json', 'git-remote');
is($rc, 2, 'a request that is not JSON: exit 2 ...');
like($out, qr/^E\tINTERNAL_ERROR\tplanning git-remote: .+\n\z/, '... and one E line');

($rc, $out) = run('{"operation":"git.fetch","dir":"/x","url":"u","host_key":null,"timeout_ms":1000,"token":"t"}', 'git-remote');
is($rc, 2, 'an unknown member: exit 2 ...');
like($out, qr/unknown member token/, '... named');

($rc, $out) = run('{"x":"' . ('a' x (70 * 1024)) . '"}', 'git-remote');
is($rc, 2, 'a request over 64 KiB: exit 2 ...');
like($out, qr/too large/, '... said so');

my $req = '{"operation":"git.fetch","dir":"%s","url":"%s","branch":null,"ssh_private":null,'
        . '"https_user":null,"https_token":null,"host_key":null,"ca_file":null,"timeout_ms":3000}';
($rc, $out) = run(sprintf($req, '/x', 'ext::sh -c id'), 'git-remote');
is($rc, 2, 'a url the server would refuse is refused here too ...');
like($out, qr/^E\tVALIDATION_ERROR\t/, '... VALIDATION_ERROR');

my $dir = tempdir(CLEANUP => 1);
($rc, $out) = run(sprintf($req, $dir, 'https://127.0.0.1:1/x.git'), 'git-remote');
is($rc, 0, 'a request it could read: exit 0 ...');
like($out, qr/^E\tNOT_A_REPOSITORY\t/, '... with the outcome as an E line (no repository there)');

done_testing;
