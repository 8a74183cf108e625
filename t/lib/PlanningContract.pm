package PlanningContract;
# The API contract in the live suite: every reply a test server gives
# (PlanningTest's request, json, raw and raw_request) is kept, and when the
# server stops (PlanningTest::stop) all of them are checked in one batch
# against the OpenAPI document the build joined (build/openapi.json, from
# doc/openapi/*.json): the request's path must match a documented path
# template and method, the reply's status must be documented for it (or the
# operation's "default"), and a JSON reply must match that response's schema.
# One Test::More assertion per server says how many replies were checked.
#
# The schemas are compiled once per test process (JSON::Validator, Debian's
# libjson-validator-perl), on the first check.
#
# Environment:
#   PL_CONTRACT_RECORD=FILE  also append each reply to FILE as a JSON line
#                            (method, path, status, content type, body), to
#                            write or review the document from real replies
#   PL_CONTRACT=0            skip the check (e.g. while editing a test)
use strict;
use warnings;
use JSON::PP;

my $JSON = JSON::PP->new->utf8->canonical->allow_nonref;
my ($DOC, $VALIDATOR, @OPS);

# note(SERVER, RES): keeps a reply for the check at stop.
sub note {
    my ($srv, $res) = @_;
    my ($method, $target) = ($res->{req} // '') =~ /^(?:raw )?(\S+) (\S+)/ or return;
    $target =~ s{^https?://[^/]+}{};
    my $type = $res->{headers}{'content-type'} // '';
    # only a JSON reply's body is checked; a file or an archive is not kept
    my $rec = { method => uc $method, path => $target, status => $res->{status} + 0,
                type => $type, body => $type =~ /json/i ? $res->{content} // '' : '' };
    if ($ENV{PL_CONTRACT_RECORD}) {
        my $b = $res->{req_body};
        $rec->{req_body} = defined $b && length $b < 65536 ? $b : undef;
    }
    push @{ $srv->{contract} }, $rec;
    if (my $file = $ENV{PL_CONTRACT_RECORD}) {
        open my $fh, '>>', $file or return;
        print $fh $JSON->encode({ %$rec, test => $0, backend => $srv->{backend} }), "\n";
        close $fh;
    }
}

# note_stream(SERVER, METHOD, PATH, STATUS, TYPE, [events]): a reply read
# as a stream (PlanningTest's sse and sse_post): its status and type, and
# each event's name and data, checked against the operation's x-events.
sub note_stream {
    my ($srv, $method, $path, $status, $type, $events) = @_;
    push @{ $srv->{contract} }, { method => uc $method, path => $path, status => $status + 0,
                                  type => $type // '', body => '',
                                  events => [map { { event => $_->{event}, data => $_->{data} } } @$events] };
}

# The document and its operations, once per process: [regex, literal length,
# template, {method => operation}] for each path.
sub load {
    return $DOC if $DOC;
    require JSON::Validator::Schema::Draft201909;
    my $file = "$PlanningTest::BUILD/openapi.json";
    open my $fh, '<:raw', $file or die "$file: $! (run script/build)\n";
    local $/;
    $DOC = $JSON->decode(<$fh>);
    $VALIDATOR = JSON::Validator::Schema::Draft201909->new($DOC);
    $VALIDATOR->resolve;
    for my $template (sort keys %{ $DOC->{paths} }) {
        # a parameter marked x-slashes may hold slashes ({name*} in the route table)
        my %slashes = map { $_->{'x-slashes'} ? ($_->{name} => 1) : () }
                      map { @{ $_->{parameters} || [] } } grep { ref eq 'HASH' } values %{ $DOC->{paths}{$template} };
        my $re = join '', map { /^\{(.+)\}$/ ? ($slashes{$1} ? '(.+)' : '([^/]+)') : quotemeta }
                 split /(\{[^}]+\})/, $template;
        (my $literal = $template) =~ s/\{[^}]+\}//g;
        push @OPS, [qr/^$re$/, length $literal, $template, $DOC->{paths}{$template}];
    }
    return $DOC;
}

sub _pointer { join '/', '', map { (my $s = $_) =~ s/~/~0/g; $s =~ s{/}{~1}g; $s } @_ }

# The problem with one reply, or undef when it matches the document.
sub problem {
    my ($rec) = @_;
    my ($path) = split /\?/, $rec->{path}, 2;
    return undef unless $path =~ m{^/(?:api/v1|ollama)(?:/|$)};
    my $method = lc $rec->{method};
    return undef if $method eq 'options';    # 204 with Allow, for every route
    $method = 'get' if $method eq 'head';
    my ($best) = sort { $b->[1] <=> $a->[1] } grep { $path =~ $_->[0] } @OPS;
    my $type = lc(($rec->{type} // '') =~ s/;.*//sr);
    my $body = $rec->{body} // '';
    my $error = sub {    # the router's 404 and 405, in the error shape (Ollama's under /ollama)
        return "$rec->{status} is not a documented reply" unless $rec->{status} =~ /^(?:404|405)$/;
        return undef unless length $body;
        my $data = eval { $JSON->decode($body) };
        my $shape = $path =~ m{^/ollama/} ? '/components/responses/OllamaOrError/content/application~1json/schema'
                                          : '/components/schemas/Error';
        my @e = $VALIDATOR->validate($data, $VALIDATOR->get($shape));
        @e ? join('; ', @e) : undef;
    };
    return $error->() unless $best && $best->[3]{$method};
    my $op = $best->[3]{$method};
    my @where = ('paths', $best->[2], $method, 'responses');
    my $responses = $op->{responses} || {};
    my ($key) = grep { exists $responses->{$_} } $rec->{status}, substr($rec->{status}, 0, 1) . 'XX', 'default';
    return "$best->[2] ($method) does not document status $rec->{status}" unless $key;
    my $response = $responses->{$key};
    if (my $ref = $response->{'$ref'}) {
        $ref =~ s{^#/}{};
        @where = split m{/}, $ref;
        $response = $VALIDATOR->get(_pointer(@where));
    } else {
        push @where, $key;
    }
    if ($rec->{events}) {    # a stream: its type, and each event by x-events
        return undef unless $type && $response->{content};
        my $media = $response->{content}{$type}
            or return "$best->[2] ($method) $rec->{status}: $type is not documented";
        my $events = $media->{'x-events'} or return undef;
        for my $ev (@{ $rec->{events} }) {
            my $doc = $events->{ $ev->{event} // '' }
                or return "$best->[2] ($method): event $ev->{event} is not in x-events";
            my @e = $VALIDATOR->validate($ev->{data}, $VALIDATOR->get(
                _pointer(@where, 'content', $type, 'x-events', $ev->{event}, 'schema')));
            return "$best->[2] ($method): event $ev->{event}: " . join('; ', map {"$_"} @e[0 .. ($#e > 4 ? 4 : $#e)])
                if @e;
        }
        return undef;
    }
    return undef unless length $body && $response->{content};
    my $media = $response->{content}{$type}
        or return "$best->[2] ($method) $rec->{status}: $type is not documented";
    return undef unless $type =~ /json/ && $type ne 'application/x-ndjson';
    my $data = eval { $JSON->decode($body) };
    return "$best->[2] ($method) $rec->{status}: not JSON" if $@;
    my @e = $VALIDATOR->validate($data, $VALIDATOR->get(_pointer(@where, 'content', $type, 'schema')));
    return @e ? "$best->[2] ($method) $rec->{status}: " . join('; ', map {"$_"} @e[0 .. ($#e > 4 ? 4 : $#e)]) : undef;
}

# check(SERVER): one assertion over every reply kept since the last check.
sub check {
    my ($srv) = @_;
    return if defined $ENV{PL_CONTRACT} && !$ENV{PL_CONTRACT};
    my @seen = splice @{ $srv->{contract} || [] };
    return unless @seen;
    load();
    my (%bad, $n);
    for my $rec (@seen) {
        my $p = problem($rec);
        $n++;
        $bad{$p} //= "$rec->{method} $rec->{path} -> $p" if defined $p;
    }
    my @bad = sort values %bad;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok(!@bad, "every reply matches the OpenAPI document: $n checked ($srv->{backend})")
        or Test::More::diag(join "\n", scalar(@bad) . ' kinds of replies do not match doc/openapi/:',
                            @bad[0 .. ($#bad > 30 ? 30 : $#bad)]);
}

1;
