package PlanningAnalysis;
# What the tests of analyses share: a fixture checkout written from a
# hash of files, polling a resource until a test holds, and the end
# states of an analysis.
use strict;
use warnings;
use Exporter 'import';
use File::Path qw(make_path);
use Time::HiRes qw(time sleep);

our @EXPORT_OK = qw(write_tree poll ended);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

# write_tree(ROOT, path => bytes, ...): the files, their directories made.
sub write_tree {
    my ($root, %files) = @_;
    for my $path (keys %files) {
        (my $dir = "$root/$path") =~ s{/[^/]+$}{};
        make_path($dir);
        open my $fh, '>:raw', "$root/$path" or die "$root/$path: $!";
        print $fh $files{$path};
        close $fh;
    }
}

# poll(SRV, PATH, TEST, SECS, HEADERS): GETs PATH until TEST(json) holds
# or SECS (default 60) pass; the last reply.
sub poll {
    my ($srv, $path, $test, $secs, $h) = @_;
    my $r;
    my $t0 = time;
    while (time - $t0 < ($secs // 60)) {
        $r = $srv->request('GET', $path, $h);
        return $r if $r->{json} && $test->($r->{json});
        sleep 0.2;
    }
    return $r;
}

# An analysis (or its status) that will not change any more.
sub ended { ($_[0]{state} // '') =~ /^(?:complete|failed|canceled)$/ }

1;
