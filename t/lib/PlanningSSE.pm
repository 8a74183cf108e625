package PlanningSSE;
# A Server-Sent Events client over a raw socket, for the live tests: it
# decodes the chunked body as it arrives, parses events and comments as a
# browser's EventSource does, and can leave at any moment (close the socket)
# to play a client that goes away.
#
#   my $s = PlanningSSE->start($srv, 'POST', "/api/v1/threads/$tid/messages",
#                             body => { content => 'hi' }, headers => { 'Last-Event-ID' => '5.0' });
#   $s->status;                      # 200 (reads the head)
#   my $ev = $s->next_event(5);      # { id, event, data (decoded JSON), at }, undef at the end
#   my @rest = $s->events;           # every event until the server closes
#   $s->comments;                    # [ { text, at } ] (": keep-alive")
#   $s->leave;                       # the client goes away
use strict;
use warnings;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use Time::HiRes qw(time);

my $JSON = JSON::PP->new->utf8->allow_nonref;

sub start {
    my ($class, $srv, $method, $path, %o) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $o{port} // $srv->port, Timeout => 10)
        or die "connect: $!";
    my $body = defined $o{body} ? $JSON->encode($o{body}) : undef;
    my %h = (Host => '127.0.0.1', Connection => 'close', Accept => 'text/event-stream',
             Authorization => 'Bearer ' . ($o{token} // $srv->{token}), %{ $o{headers} || {} });
    $h{'Content-Type'} = 'application/json', $h{'Content-Length'} = length $body if defined $body;
    my $req = "$method $path HTTP/1.1\r\n";
    $req .= "$_: $h{$_}\r\n" for grep { defined $h{$_} } sort keys %h;
    print $s $req . "\r\n" . ($body // '');
    return bless { sock => $s, raw => '', body => '', head => undef, chunked => 0, eof => 0,
                   queue => [], comments => [], t0 => time }, $class;
}

# Reads what is there within $timeout seconds; 0 at the end or on a timeout.
sub _read {
    my ($self, $timeout) = @_;
    return 0 if $self->{eof};
    return 0 unless IO::Select->new($self->{sock})->can_read($timeout);
    my $n = sysread($self->{sock}, my $chunk, 65536);
    if (!$n) { $self->{eof} = 1; return 0 }
    $self->{raw} .= $chunk;
    $self->_parse;
    return 1;
}

sub _parse {
    my ($self) = @_;
    if (!defined $self->{head}) {
        return unless $self->{raw} =~ s/^(.*?)\r\n\r\n//s;
        $self->{head} = $1;
        my ($status_line, @lines) = split /\r\n/, $1;
        ($self->{status}) = $status_line =~ m{^HTTP/\S+ (\d+)};
        for (@lines) { my ($k, $v) = /^([^:]+):\s*(.*)$/ or next; $self->{headers}{ lc $k } = $v }
        $self->{chunked} = ($self->{headers}{'transfer-encoding'} // '') =~ /chunked/i;
    }
    if ($self->{chunked}) {
        while ($self->{raw} =~ /^([0-9a-fA-F]+)[^\r\n]*\r\n/) {
            my ($len, $hl) = (hex $1, length($&));
            last if length($self->{raw}) < $hl + $len + 2;
            $self->{body} .= substr($self->{raw}, $hl, $len);
            substr($self->{raw}, 0, $hl + $len + 2) = '';
            $self->{eof} = 1 if $len == 0;
        }
    } else {
        $self->{body} .= $self->{raw};
        $self->{raw} = '';
    }
    while ($self->{body} =~ s/^(.*?)\n\n//s) {
        my (%ev, @data);
        for my $line (split /\n/, $1) {
            if ($line =~ /^:\s?(.*)$/) { push @{ $self->{comments} }, { text => $1, at => time - $self->{t0} }; next }
            my ($k, $v) = $line =~ /^([^:]+):\s?(.*)$/ or next;
            if ($k eq 'data') { push @data, $v } else { $ev{$k} = $v }
        }
        next unless @data || exists $ev{event};
        my $data = join "\n", @data;
        $ev{data} = eval { $JSON->decode($data) } // $data;
        $ev{at} = time - $self->{t0};
        push @{ $self->{queue} }, \%ev;
    }
}

sub status  { my ($self) = @_; $self->_read(10) until defined $self->{head} || $self->{eof}; $self->{status} }
sub headers { my ($self) = @_; $self->status; $self->{headers} || {} }
# The whole body of a reply that is not an event stream (an error), decoded.
sub json    { my ($self) = @_; 1 while $self->_read(10); eval { $JSON->decode($self->{body} . $self->{raw}) } }
sub comments { $_[0]{comments} }
sub at_end  { my ($self) = @_; $self->{eof} && !@{ $self->{queue} } }

# The next event within $timeout seconds (default 10), or undef.
sub next_event {
    my ($self, $timeout) = @_;
    my $until = time + ($timeout // 10);
    while (!@{ $self->{queue} }) {
        my $left = $until - time;
        return undef if $left <= 0 || $self->{eof};
        $self->_read($left);
    }
    return shift @{ $self->{queue} };
}

# Every event until the server ends the stream (or $timeout seconds pass).
sub events {
    my ($self, $timeout) = @_;
    my $until = time + ($timeout // 30);
    my @ev;
    while (time < $until) {
        my $e = $self->next_event($until - time);
        last unless $e;
        push @ev, $e;
    }
    return @ev;
}

# The client goes away.
sub leave { my ($self) = @_; close $self->{sock} if $self->{sock}; delete $self->{sock} }

# The text the token events carry, and the thinking.
sub text_of     { join '', map { $_->{data}{text} } grep { $_->{event} eq 'token' } @_ }
sub thinking_of { join '', map { $_->{data}{text} } grep { $_->{event} eq 'thinking' } @_ }

1;
