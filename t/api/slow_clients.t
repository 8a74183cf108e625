#!/usr/bin/env perl
# Slow clients cannot take the server down (issue 10, item 13). A worker
# thread reads a request's headers and body, and each byte renews httpd's
# Timeout (60 s): 60 clients that send a byte a second, more than the
# workers (script/httpd-conf: 2 children x ThreadsPerChild, 25 here as in
# httpd's default), held every worker and /api/v1/health went unanswered for as long as they
# went on. The configurations the project ships load mod_reqtimeout
# (headers within 5 s, a body within 10 s at under 500 bytes/s): once those
# limits have passed, with the slow clients still sending, /health answers
# within two seconds. Half the clients dribble headers, half a login body.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use IO::Socket::INET;
use HTTP::Tiny;
use Time::HiRes qw(time sleep);
use PlanningTest qw(:all);

PlanningTest::require_build();

my $SLOW = 60;
my $AFTER = 13;     # seconds: past the header (5 s) and body (10 s) limits

sub slow_client {
    my ($port, $kind) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp', Timeout => 5)
        or return;
    $s->blocking(0);
    my $pending = $kind eq 'headers'
        ? "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " . ('a' x 4000)
        : '{"username":"admin","password":"' . ('b' x 4000);
    if ($kind eq 'body') {
        syswrite($s, "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     . "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n");
    }
    return { sock => $s, pending => $pending, open => 1 };
}

# One byte to every client still connected; a client the server closed is
# marked so (a write fails or the reply / EOF is readable).
sub dribble {
    my ($clients) = @_;
    for my $c (grep { $_->{open} } @$clients) {
        my $buf;
        my $n = sysread($c->{sock}, $buf, 4096);
        if (defined $n) { $c->{open} = 0; next }                 # a reply (408) or EOF
        my $w = syswrite($c->{sock}, substr($c->{pending}, 0, 1, ''));
        $c->{open} = 0 if !defined $w && !$!{EAGAIN};
    }
}

for my $backend (backends()) {
    subtest $backend => sub {
        my $srv = start_server(backend => $backend, threads => 25);
        # "server reached (or is within MinSpareThreads of) MaxRequestWorkers":
        # what is tried here
        $srv->expect_log(qr/AH00484|AH10159/);
        my $conf = PlanningTest::slurp($srv->conf);
        my ($workers) = $conf =~ /^MaxRequestWorkers\s+(\d+)/m;
        cmp_ok($SLOW, '>', $workers // 0, "more slow clients ($SLOW) than workers (" . ($workers // '?') . ')');
        like($conf, qr/^LoadModule reqtimeout_module/m, 'the harness config loads mod_reqtimeout');

        my $quick = HTTP::Tiny->new(timeout => 3, keep_alive => 0);
        ok($quick->get($srv->url('/api/v1/health'))->{success}, '/health answers before');

        my @clients = map { slow_client($srv->port, $_ % 2 ? 'headers' : 'body') } 1 .. $SLOW;
        is(scalar(grep { defined } @clients), $SLOW, "$SLOW slow clients connected");
        my $t0 = time;
        # While the body clients still hold their workers (the header ones
        # were cut at 5 s), and again once every limit has passed.
        for my $at (7, $AFTER) {
            while (time - $t0 < $at) {
                dribble(\@clients);
                sleep 1;
            }
            my $still = grep { $_->{open} } @clients;
            my $start = time;
            my $r = $quick->get($srv->url('/api/v1/health'));
            my $took = time - $start;
            dribble(\@clients);
            ok($r->{success}, "after $at s of slow clients, /health answers ($r->{status})")
                or diag("$still of $SLOW slow clients still connected; $r->{status} $r->{content}");
            cmp_ok($took, '<', 2, sprintf('within two seconds (%.2f s)', $took));
            note("$still of $SLOW slow clients were still connected at $at s");
        }
        close $_->{sock} for @clients;
        $srv->stop;
    };
}

done_testing;
