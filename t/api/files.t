#!/usr/bin/env perl
# A project's files (issue 14, item 1): tree, read (text and raw), write
# under If-Match / If-None-Match, mkdir, move, delete, raw and multipart
# uploads streamed to disk, zip and search; and the bad inputs of
# SECURITY.md 13 (names), 15 (symlinks), 16 (upload names), 17
# (multipart), 18 (limits, aborted uploads) and 31 (zip limits).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use IO::Socket::INET;
use File::Path qw(make_path);
use PlanningTest qw(:all);

PlanningTest::require_build();

my $LIMIT = 131072;     # PlanningMaxUploadSize in these tests
my $child_uid = $> == 0 ? (getpwnam('www-data'))[2] : $>;
my $child_gid = $> == 0 ? (getpwnam('www-data'))[3] : $);

sub spew_file { my ($f, $c) = @_; open my $fh, '>:raw', $f or die "$f: $!"; print $fh $c; close $fh }
sub slurp_file { my ($f) = @_; open my $fh, '<:raw', $f or return undef; local $/; my $c = <$fh>; close $fh; $c }
sub own_tree {
    my ($d) = @_;
    system('chown', '-R', '-h', "$child_uid:$child_gid", $d) == 0 or die "chown $d" if $> == 0;
}
sub temps_in { my ($d) = @_; opendir my $dh, $d or return (); grep { /^\.pl-tmp-/ } readdir $dh }
sub enc { my ($s) = @_; $s =~ s/([^A-Za-z0-9._~\/-])/sprintf '%%%02X', ord $1/ge; $s }

for my $backend (backends()) {
    subtest $backend => sub {
        my $R = make_roots();
        my $srv = start_server(backend => $backend, roots => [$R->{root}],
                               extra => "PlanningLoginRateLimit 0\nPlanningMaxUploadSize $LIMIT\n"
                                        . "PlanningMaxZipEntries 3001");
        my $dir = project_dir($R, 'files');
        make_path("$dir/src/deep", "$dir/.git", "$dir/build", "$dir/docs");
        spew_file("$dir/src/main.c", "int main(void)\n{\n    return 0; /* needle */\n}\n");
        spew_file("$dir/src/crlf.txt", "one\r\ntwo\r\n");
        spew_file("$dir/src/mixed.txt", "one\r\ntwo\nthree\n");
        spew_file("$dir/src/bin.dat", "ab\0cd");
        spew_file("$dir/src/latin1.txt", "caf\xe9\n");
        spew_file("$dir/big.txt", 'x' x (2 * 1024 * 1024 + 1));
        spew_file("$dir/.gitignore", "build/\n*.log\n");
        spew_file("$dir/app.log", "logged-only\n");
        spew_file("$dir/build/out.o", "obj");
        spew_file("$dir/.git/config", "[core]\n");
        spew_file("$dir/docs/index.html", "<script>alert(1)</script>");
        # SECURITY 15: links inside the project
        symlink('/etc/passwd', "$dir/to-passwd");
        symlink('/', "$dir/to-root");
        symlink("$dir/.git/config", "$dir/to-gitcfg");
        symlink("$dir/to-passwd", "$dir/chain");
        symlink('/etc', "$dir/src/mid");
        symlink("$dir/src/main.c", "$dir/inside-link");
        own_tree($dir);
        my $p = $srv->json('POST', '/api/v1/projects', { name => 'files', local_path => $dir });
        status_is($p, 201, 'a project');
        my $F = "/api/v1/projects/$p->{json}{id}/files";

        subtest 'tree' => sub {
            my $r = $srv->request('GET', $F);
            status_is($r, 200, 'the root');
            my @names = map { $_->{name} } @{ $r->{json}{items} };
            is_deeply([ @names[0 .. 3] ], [qw(.git build docs src)], 'directories first, by name');
            my %e = map { ($_->{name} => $_) } @{ $r->{json}{items} };
            is($e{'to-passwd'}{type}, 'symlink', 'a link is listed as a link');
            ok($e{build}{ignored} && $e{'app.log'}{ignored}, 'ignored by .gitignore');
            ok(!$e{src}{ignored} && !$e{'big.txt'}{ignored}, '... and not');
            is($e{'big.txt'}{size}, 2 * 1024 * 1024 + 1, 'size');
            like($e{'big.txt'}{mtime}, qr/^\d{4}-\d\d-\d\dT/, 'mtime');
            ok(!exists $e{src}{git}, 'not a git repository (a .git without one): no git marks');
            is($r->{json}{total}, scalar(@names), 'total');
            my $pg = $srv->request('GET', "$F?limit=2&offset=1");
            is_deeply([ map { $_->{name} } @{ $pg->{json}{items} } ], [ @names[1, 2] ], 'paged');
            ok($pg->{json}{_links}{next}, 'a next link');
            my $s = $srv->request('GET', "$F?path=src");
            status_is($s, 200, 'a subdirectory');
            is_deeply([ (map { $_->{name} } @{ $s->{json}{items} })[0 .. 1] ], [qw(deep bin.dat)], 'its entries');
            is($s->{json}{items}[0]{path}, 'src/deep', 'paths below the root');
            error_is($srv->request('GET', "$F?path=nope"), 404, 'NOT_FOUND', 'a missing path');
        };

        subtest 'read' => sub {
            my $r = $srv->request('GET', "$F?path=src/main.c");
            status_is($r, 200, 'a text file');
            like($r->{json}{content}, qr/needle/, 'content');
            is($r->{json}{encoding}, 'utf-8', 'encoding');
            is($r->{json}{line_endings}, 'lf', 'lf');
            is($r->{headers}{etag}, $r->{json}{etag}, 'ETag header');
            is($srv->request('GET', "$F?path=src/crlf.txt")->{json}{line_endings}, 'crlf', 'crlf');
            is($srv->request('GET', "$F?path=src/mixed.txt")->{json}{line_endings}, 'mixed', 'mixed');
            my $b = $srv->request('GET', "$F?path=src/bin.dat");
            error_is($b, 415, 'BINARY_FILE', 'a NUL byte: never as text');
            like($b->{json}{error}{details}{raw}, qr/raw=1/, '... pointing to raw');
            error_is($srv->request('GET', "$F?path=src/latin1.txt"), 415, 'BINARY_FILE', 'invalid UTF-8');
            error_is($srv->request('GET', "$F?path=big.txt"), 422, 'FILE_TOO_LARGE', 'over 2 MiB as text');
            my $raw = $srv->request('GET', "$F?path=src/bin.dat&raw=1");
            status_is($raw, 200, 'raw');
            is($raw->{content}, "ab\0cd", 'the bytes');
            like($raw->{headers}{'content-disposition'}, qr/^attachment; filename="bin\.dat"; filename\*=UTF-8''bin\.dat$/, 'attachment');
            is($raw->{headers}{'x-content-type-options'}, 'nosniff', 'nosniff');
            like($raw->{headers}{'content-security-policy'}, qr/^sandbox; default-src 'none'/, 'sandbox CSP');
            my $html = $srv->request('GET', "$F?path=docs/index.html&raw=1");
            is($html->{headers}{'content-type'}, 'application/octet-stream', 'HTML served as bytes');
            my $range = $srv->request('GET', "$F?path=big.txt&raw=1", { Range => 'bytes=10-19' });
            status_is($range, 206, 'a byte range');
            is($range->{content}, 'x' x 10, '... of 10 bytes');
            my $nm = $srv->request('GET', "$F?path=src/bin.dat&raw=1", { 'If-None-Match' => $raw->{headers}{etag} });
            status_is($nm, 304, 'If-None-Match on raw');
            spew_file("$dir/docs/a b\"é;%.txt", 'x');
            like($srv->request('GET', "$F?path=" . enc("docs/a b\"é;%.txt") . '&raw=1')->{headers}{'content-disposition'},
                 qr/^attachment; filename="a b_____\.txt"; filename\*=UTF-8''a%20b%22%C3%A9%3B%25\.txt$/, 'a name quoted safely');
            unlink "$dir/docs/a b\"é;%.txt";
            my $link = $srv->request('GET', "$F?path=inside-link");
            status_is($link, 200, 'a link that stays inside is read');
        };

        subtest 'write, mkdir, move, delete' => sub {
            my $c = $srv->json('PUT', "$F?path=src/new.txt", { content => "hello\n" }, { 'If-None-Match' => '*' });
            status_is($c, 201, 'create with If-None-Match: *');
            is(slurp_file("$dir/src/new.txt"), "hello\n", 'on disk');
            my $etag = $c->{headers}{etag};
            ok($etag, 'an ETag');
            error_is($srv->json('PUT', "$F?path=src/new.txt", { content => 'x' }, { 'If-None-Match' => '*' }),
                     412, 'PRECONDITION_FAILED', 'If-None-Match: * on an existing file');
            error_is($srv->json('PUT', "$F?path=src/new.txt", { content => 'x' }), 428, 'PRECONDITION_REQUIRED',
                     'no If-Match on an existing file');
            my $u = $srv->json('PUT', "$F?path=src/new.txt", { content => "bye\r\n" }, { 'If-Match' => $etag });
            status_is($u, 200, 'replace with the right If-Match');
            is(slurp_file("$dir/src/new.txt"), "bye\r\n", 'replaced');
            isnt($u->{headers}{etag}, $etag, 'a new ETag');
            error_is($srv->json('PUT', "$F?path=src/new.txt", { content => 'x' }, { 'If-Match' => $etag }),
                     412, 'PRECONDITION_FAILED', 'a stale ETag');
            is(slurp_file("$dir/src/new.txt"), "bye\r\n", '... changed nothing');
            is_deeply([ temps_in("$dir/src") ], [], 'no temporary file left');
            my $plain = $srv->json('PUT', "$F?path=src/fresh.txt", { content => 'x' });
            status_is($plain, 201, 'create without preconditions');
            error_is($srv->json('PUT', "$F?path=nodir/x.txt", { content => 'x' }), 404, 'NOT_FOUND', 'in a missing directory');
            status_is($srv->json('POST', "$F/mkdir", { path => 'made/a/b' }), 201, 'mkdir with parents');
            ok(-d "$dir/made/a/b", 'on disk');
            error_is($srv->json('POST', "$F/mkdir", { path => 'made/a' }), 409, 'CONFLICT', 'mkdir of an existing one');
            status_is($srv->json('POST', "$F/move", { from => 'src/fresh.txt', to => 'made/a/moved.txt' }), 201, 'move');
            ok(-f "$dir/made/a/moved.txt" && !-e "$dir/src/fresh.txt", 'moved on disk');
            error_is($srv->json('POST', "$F/move", { from => 'src/new.txt', to => 'made/a/moved.txt' }),
                     409, 'CONFLICT', 'never over an existing file');
            error_is($srv->json('POST', "$F/move", { from => 'made', to => 'made/a/inside' }),
                     400, 'INVALID_PATH', 'a directory into itself');
            error_is($srv->request('DELETE', "$F?path=made"), 409, 'CONFLICT', 'a directory needs recursive=1');
            status_is($srv->request('DELETE', "$F?path=made&recursive=1"), 204, 'recursive delete');
            ok(!-e "$dir/made", 'gone');
            status_is($srv->request('DELETE', "$F?path=src/new.txt"), 204, 'delete a file');
            ok(!-e "$dir/src/new.txt", 'gone');
            symlink("$dir/src/main.c", "$dir/link-del");
            status_is($srv->request('DELETE', "$F?path=link-del"), 204, 'delete a link inside');
            ok(!-l "$dir/link-del" && -f "$dir/src/main.c", 'the link went, not its target');
            error_is($srv->request('DELETE', "$F?path="), 400, 'INVALID_PATH', 'never the root');
        };

        subtest 'SECURITY 13: names' => sub {
            my %bad = ('../../etc/passwd' => 400, '/etc/passwd' => 400, '%2e%2e%2f%2e%2e%2fetc%2fpasswd' => 400,
                       'src%5c..%5c..%5cx' => 400, 'src%00%2f..%2f..%2fx' => 400, ('a' x 5000) => 400);
            for my $q (sort keys %bad) {
                my $short = length $q > 40 ? substr($q, 0, 20) . '...' : $q;
                error_is($srv->request('GET', "$F?path=$q"), 400, 'INVALID_PATH', "read $short");
                error_is($srv->json('PUT', "$F?path=$q", { content => 'x' }), 400, 'INVALID_PATH', "write $short");
                error_is($srv->request('DELETE', "$F?path=$q"), 400, 'INVALID_PATH', "delete $short");
                error_is($srv->request('PUT', "$F/raw?path=$q", { 'Content-Type' => 'application/octet-stream' }, 'x'),
                         400, 'INVALID_PATH', "upload $short");
            }
            # double-encoded: a literal name "%2e%2e%2f" inside the project, nothing else
            my $dbl = $srv->request('GET', "$F?path=%252e%252e%252fetc%252fpasswd");
            is($dbl->{status}, 404, 'double-encoded: a name that does not exist');
            error_is($srv->json('POST', "$F/mkdir", { path => '../x' }), 400, 'INVALID_PATH', 'mkdir ../x');
            error_is($srv->json('POST', "$F/move", { from => 'src/main.c', to => '../../tmp/x' }), 400, 'INVALID_PATH', 'move out');
            status_is($srv->request('GET', "$F?path=.git/config"), 200, '.git/config may be read');
            for my $w (['PUT', "$F?path=.git/config", { content => 'x' }, { 'If-Match' => '*' }],
                       ['PUT', "$F?path=.git/hooks-x", { content => 'x' }],
                       ['POST', "$F/mkdir", { path => '.git/hooks2' }],
                       ['POST', "$F/move", { from => 'src/crlf.txt', to => '.git/crlf.txt' }],
                       ['POST', "$F/move", { from => '.git/config', to => 'config' }]) {
                error_is($srv->json(@$w), 403, 'PATH_FORBIDDEN', "$w->[0] $w->[1] into .git/");
            }
            error_is($srv->request('DELETE', "$F?path=.git/config"), 403, 'PATH_FORBIDDEN', 'delete .git/config');
            error_is($srv->request('DELETE', "$F?path=.git&recursive=1"), 403, 'PATH_FORBIDDEN', 'delete .git');
            error_is($srv->request('PUT', "$F/raw?path=.git/config", { 'Content-Type' => 'application/octet-stream', 'If-Match' => '*' }, 'x'),
                     403, 'PATH_FORBIDDEN', 'upload into .git/');
            is(slurp_file("$dir/.git/config"), "[core]\n", '.git/config unchanged');
            ok(-d "$dir/.git", '.git still there');
        };

        subtest 'SECURITY 15: symlinks' => sub {
            my $passwd = slurp_file('/etc/passwd');
            for my $l ('to-passwd', 'to-root/etc/passwd', 'chain', 'src/mid/passwd', 'to-root', 'src/mid') {
                error_is($srv->request('GET', "$F?path=$l"), 403, 'PATH_FORBIDDEN', "read $l");
                error_is($srv->request('GET', "$F?path=$l&raw=1"), 403, 'PATH_FORBIDDEN', "raw $l");
                error_is($srv->json('PUT', "$F?path=$l", { content => 'x' }, { 'If-Match' => '*' }), 403, 'PATH_FORBIDDEN', "write $l");
                error_is($srv->request('DELETE', "$F?path=$l&recursive=1"), 403, 'PATH_FORBIDDEN', "delete $l");
                error_is($srv->request('PUT', "$F/raw?path=$l", { 'Content-Type' => 'application/octet-stream', 'If-Match' => '*' }, 'x'),
                         403, 'PATH_FORBIDDEN', "upload $l");
            }
            error_is($srv->request('PUT', "$F/raw?path=src/mid/new-file", { 'Content-Type' => 'application/octet-stream' }, 'x'),
                     403, 'PATH_FORBIDDEN', 'create through a middle directory link');
            error_is($srv->json('PUT', "$F?path=to-gitcfg", { content => 'x' }, { 'If-Match' => '*' }),
                     403, 'PATH_FORBIDDEN', 'write through a link to .git/config');
            error_is($srv->request('DELETE', "$F?path=to-gitcfg"), 403, 'PATH_FORBIDDEN', 'delete through a link to .git/config');
            is(slurp_file('/etc/passwd'), $passwd, '/etc/passwd unchanged');
            ok(-l "$dir/to-passwd" && -l "$dir/to-root" && -l "$dir/chain", 'the links are still there');
            is(slurp_file("$dir/.git/config"), "[core]\n", '.git/config unchanged');
            my $s = $srv->request('GET', "$F/search?q=root:");
            status_is($s, 200, 'search');
            ok(!grep({ $_->{path} =~ /passwd|to-root|chain|mid/ } @{ $s->{json}{items} }), 'search follows no link out');
        };

        subtest 'raw upload and SECURITY 18' => sub {
            my $r = $srv->request('PUT', "$F/raw?path=src/up.bin", { 'Content-Type' => 'application/octet-stream' }, "\0\1\2" x 1000);
            status_is($r, 201, 'a raw upload');
            is(slurp_file("$dir/src/up.bin"), "\0\1\2" x 1000, 'the bytes on disk');
            my $at = $srv->raw_request(method => 'PUT', path => "$F/raw?path=src/exact.bin", body => 'y' x $LIMIT,
                                       headers => ['Content-Type' => 'application/octet-stream']);
            status_is($at, 201, 'exactly the limit');
            my $over = $srv->raw_request(method => 'PUT', path => "$F/raw?path=src/over.bin", body => 'y' x ($LIMIT + 1),
                                         headers => ['Content-Type' => 'application/octet-stream']);
            error_is($over, 413, 'PAYLOAD_TOO_LARGE', 'one byte over by Content-Length');
            my $chunked = $srv->raw_request(method => 'PUT', path => "$F/raw?path=src/over2.bin",
                                            chunks => [ ('z' x 4096) x 32, 'z' ],
                                            headers => ['Content-Type' => 'application/octet-stream']);
            error_is($chunked, 413, 'PAYLOAD_TOO_LARGE', 'one byte over, chunked');
            ok(!-e "$dir/src/over.bin" && !-e "$dir/src/over2.bin", 'no file left');
            # a client that goes away mid-upload
            my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $srv->port, Proto => 'tcp') or die $!;
            print $s "PUT $F/raw?path=src/aborted.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $srv->{token}\r\n"
                   . "Content-Type: application/octet-stream\r\nContent-Length: 60000\r\n\r\n" . ('a' x 20000);
            my $streaming;
            for (1 .. 50) { last if ($streaming = temps_in("$dir/src")); select(undef, undef, undef, 0.1) }
            ok($streaming, 'while the body comes, its bytes go to a temporary file');
            close $s;
            my $gone;
            for (1 .. 50) { select(undef, undef, undef, 0.1); last if ($gone = !temps_in("$dir/src") && !-e "$dir/src/aborted.bin") }
            ok($gone, 'an aborted upload leaves no file and no temporary file');
            my $rep = $srv->request('PUT', "$F/raw?path=src/up.bin", { 'Content-Type' => 'application/octet-stream',
                                                                       'If-Match' => $r->{headers}{etag} }, 'new');
            status_is($rep, 200, 'replace by raw upload with If-Match');
            error_is($srv->request('PUT', "$F/raw?path=src/up.bin", {}, 'x'), 428, 'PRECONDITION_REQUIRED', 'no If-Match');
        };

        my $mp = sub {
            my ($boundary, @parts) = @_;
            my $body = '';
            for my $pt (@parts) {
                $body .= "--$boundary\r\n$pt->[0]\r\n\r\n$pt->[1]\r\n";
            }
            return $body . "--$boundary--\r\n";
        };
        my $file_part = sub {
            my ($name, $content) = @_;
            return [ qq{Content-Disposition: form-data; name="file"; filename="$name"\r\nContent-Type: application/octet-stream}, $content ];
        };
        my $post_form = sub {
            my ($q, $boundary, $body, %o) = @_;
            return $srv->raw_request(method => 'POST', path => "$F/upload$q",
                                     headers => ['Content-Type' => "multipart/form-data; boundary=$boundary"],
                                     $o{chunks} ? (chunks => $o{chunks}) : (body => $body));
        };

        subtest 'multipart and SECURITY 16, 17' => sub {
            my $B = 'XyZ123boundary';
            my $body = $mp->($B, [ 'Content-Disposition: form-data; name="note"', 'a field' ],
                             $file_part->('one.txt', "first\r\n--XyZ12 not a boundary\r\n"),
                             $file_part->('page.html', '<script>alert(1)</script>'),
                             $file_part->('pic.svg', '<svg onload="alert(1)"/>'));
            my $r = $post_form->('?path=docs', $B, $body);
            status_is($r, 201, 'a form with three files');
            is_deeply([ map { $_->{path} } @{ $r->{json}{items} } ], [qw(docs/one.txt docs/page.html docs/pic.svg)], 'their paths');
            is(slurp_file("$dir/docs/one.txt"), "first\r\n--XyZ12 not a boundary\r\n", 'content exact');
            for my $f (qw(page.html pic.svg)) {
                my $g = $srv->request('GET', "$F?path=docs/$f&raw=1");
                like($g->{headers}{'content-disposition'}, qr/^attachment/, "$f served back as an attachment");
                is($g->{headers}{'content-type'}, 'application/octet-stream', "... as bytes");
            }
            # split across reads at every offset around the boundary
            my $split = $mp->($B, $file_part->('split.txt', 'S' x 100));
            my $ok = 1;
            for my $at (1 .. length($split) - 1) {
                next unless $at < 140 || $at > length($split) - 40;
                unlink "$dir/docs/split.txt";
                my $s = $post_form->('?path=docs', $B, undef, chunks => [ substr($split, 0, $at), substr($split, $at) ]);
                $ok &&= $s->{status} == 201 && slurp_file("$dir/docs/split.txt") eq 'S' x 100
                    or diag("split at $at: $s->{status} $s->{content}");
            }
            ok($ok, 'a body split anywhere parses the same');
            my $lf = "--$B\nContent-Disposition: form-data; name=\"f\"; filename=\"lf.txt\"\n\nline\n--$B--\n";
            status_is($post_form->('?path=docs', $B, $lf), 201, 'LF line ends');
            is(slurp_file("$dir/docs/lf.txt"), 'line', '... parsed');
            my $unfinished = "--$B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"cut.txt\"\r\n\r\ndata";
            error_is($post_form->('?path=docs', $B, $unfinished), 400, 'INVALID_MULTIPART', 'missing final boundary');
            ok(!-e "$dir/docs/cut.txt", '... no file');
            my $many = $mp->($B, map { [ 'Content-Disposition: form-data', '' ] } 1 .. 1001);
            cmp_ok(length $many, '<', $LIMIT, '1,001 parts within the size limit');
            error_is($post_form->('?path=docs', $B, $many), 400, 'INVALID_MULTIPART', 'too many parts');
            my $huge = $mp->($B, [ 'Content-Disposition: form-data; name="f"; filename="h.txt"' . "\r\nX-Pad: " . ('p' x 20000), 'x' ]);
            error_is($post_form->('?path=docs', $B, $huge), 400, 'INVALID_MULTIPART', 'huge part headers');
            ok(!-e "$dir/docs/h.txt", '... no file');
            my $big = $mp->($B, $file_part->('big.bin', 'b' x ($LIMIT + 10)));
            error_is($post_form->('?path=docs', $B, $big), 413, 'PAYLOAD_TOO_LARGE', 'over the upload limit');
            error_is($post_form->('?path=docs', $B, undef, chunks => [ $big ]), 413, 'PAYLOAD_TOO_LARGE', '... chunked');
            ok(!-e "$dir/docs/big.bin", '... no file');
            my %names = ('../evil.txt' => 'INVALID_PATH', '/etc/evil' => 'INVALID_PATH', '..\\\\evil' => 'INVALID_PATH',
                         '' => 'INVALID_PATH', ('n' x 300) => 'INVALID_PATH', '..' => 'INVALID_PATH');
            for my $n (sort keys %names) {
                my $res = $post_form->('?path=docs', $B, $mp->($B, $file_part->($n, 'evil')));
                error_is($res, 400, $names{$n}, 'upload name ' . (length $n > 20 ? 'of 300 bytes' : "'$n'"));
            }
            my $nul = $mp->($B, $file_part->("a\0b", 'evil'));
            error_is($post_form->('?path=docs', $B, $nul), 400, 'INVALID_MULTIPART', 'a NUL in a file name');
            ok(!-e "$R->{root}/evil.txt" && !-e '/etc/evil', 'nothing written outside');
            is_deeply([ temps_in("$dir/docs") ], [], 'no temporary file left');
            # a client that goes away in the middle of a file part
            my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $srv->port, Proto => 'tcp') or die $!;
            my $head = "--$B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"gone.txt\"\r\n\r\n";
            print $s "POST $F/upload?path=docs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer $srv->{token}\r\n"
                   . "Content-Type: multipart/form-data; boundary=$B\r\nContent-Length: 60000\r\n\r\n$head" . ('g' x 20000);
            my $streaming;
            for (1 .. 50) { last if ($streaming = temps_in("$dir/docs")); select(undef, undef, undef, 0.1) }
            ok($streaming, 'while the part comes, its bytes go to a temporary file');
            close $s;
            my $gone;
            for (1 .. 50) { select(undef, undef, undef, 0.1); last if ($gone = !temps_in("$dir/docs") && !-e "$dir/docs/gone.txt") }
            ok($gone, 'a multipart upload aborted mid-part leaves no file and no temporary file');
            error_is($post_form->('?path=docs', $B, $mp->($B, $file_part->('one.txt', 'again'))), 409, 'CONFLICT',
                     'an existing file needs overwrite=1');
            status_is($post_form->('?path=docs&overwrite=1', $B, $mp->($B, $file_part->('one.txt', 'again'))), 201, '... with it');
            error_is($post_form->('?path=to-root', $B, $mp->($B, $file_part->('x.txt', 'x'))), 403, 'PATH_FORBIDDEN',
                     'into a link out');
            error_is($post_form->('?path=.git', $B, $mp->($B, $file_part->('x.txt', 'x'))), 403, 'PATH_FORBIDDEN', 'into .git/');
            my ($curl) = grep { -x "$_/curl" } split /:/, $ENV{PATH};
            SKIP: {
                skip 'curl not installed', 2 unless $curl;
                spew_file("$R->{base}/curl-up.txt", "from curl\n");
                my $out = `curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $srv->{token}' -F 'file=\@$R->{base}/curl-up.txt' '@{[ $srv->url("$F/upload?path=docs") ]}'`;
                is($out, '201', 'curl -F');
                is(slurp_file("$dir/docs/curl-up.txt"), "from curl\n", '... the file');
            }
        };

        subtest 'zip and SECURITY 31' => sub {
            my $z = $srv->request('GET', "$F/zip");
            status_is($z, 200, 'the project as a zip');
            is($z->{headers}{'content-type'}, 'application/zip', 'a zip');
            like($z->{headers}{'content-disposition'}, qr/^attachment/, 'an attachment');
            my $zf = "$R->{base}/p.zip";
            spew_file($zf, $z->{content});
            my @names = split /\n/, `unzip -Z1 '$zf' 2>&1`;
            my %in = map { ($_ => 1) } @names;
            ok($in{'src/main.c'} && $in{'docs/'}, 'files and directories') or diag("@names");
            ok(!grep({ m{^(?:build/|app\.log|\.git/)} } @names), 'ignored and .git/ left out');
            ok(!grep({ m{to-passwd|to-root|chain|src/mid|inside-link} } @names), 'no link stored');
            is(`unzip -p '$zf' src/main.c`, slurp_file("$dir/src/main.c"), 'content intact');
            my $all = $srv->request('GET', "$F/zip?ignored=1");
            spew_file($zf, $all->{content});
            ok(grep({ $_ eq 'app.log' } split /\n/, `unzip -Z1 '$zf'`), 'ignored=1 keeps ignored files');
            my $sub = $srv->request('GET', "$F/zip?path=src");
            spew_file($zf, $sub->{content});
            ok(grep({ $_ eq 'main.c' } split /\n/, `unzip -Z1 '$zf'`), 'a subdirectory, relative to it');
            make_path("$dir/many");
            spew_file("$dir/many/f$_.txt", "$_\n") for 1 .. 3000;
            own_tree("$dir/many");
            my $m = $srv->request('GET', "$F/zip?path=many");
            status_is($m, 200, 'a zip of 3,000 files');
            spew_file($zf, $m->{content});
            is(scalar(split /\n/, `unzip -Z1 '$zf'`), 3000, '... all in it');
            spew_file("$dir/many/one-more.txt", "x\n");
            spew_file("$dir/many/and-another.txt", "x\n");
            own_tree("$dir/many");
            error_is($srv->request('GET', "$F/zip?path=many"), 422, 'TOO_MANY_ENTRIES',
                     'over PlanningMaxZipEntries: refused before anything is sent');
            error_is($srv->request('GET', "$F/zip"), 422, 'TOO_MANY_ENTRIES', '... the whole project too');
            error_is($srv->request('GET', "$F/zip?path=to-root"), 403, 'PATH_FORBIDDEN', 'a link out');
            error_is($srv->request('GET', "$F/zip?path=src/main.c"), 404, 'NOT_FOUND', 'not a directory');
        };

        subtest 'search' => sub {
            my $s = $srv->request('GET', "$F/search?q=needle");
            status_is($s, 200, 'search');
            is_deeply([ map { "$_->{path}:$_->{line}" } @{ $s->{json}{items} } ], ['src/main.c:3'], 'the match');
            is($s->{json}{items}[0]{column}, 18, 'column');
            ok(!$s->{json}{truncated}, 'not truncated');
            my $many = $srv->request('GET', "$F/search?q=e&limit=1");
            is(scalar @{ $many->{json}{items} }, 1, 'capped by limit');
            ok($many->{json}{truncated}, '... and marked truncated');
            is_deeply([ map { $_->{path} } @{ $srv->request('GET', "$F/search?q=TWO&case=0")->{json}{items} } ],
                      [qw(src/crlf.txt src/mixed.txt)], 'case=0, text files of any kind, CRLF');
            is($srv->request('GET', "$F/search?q=two")->{json}{items}[0]{text}, 'two', 'the line, without its CR');
            is_deeply($srv->request('GET', "$F/search?q=logged-only")->{json}{items}, [], 'ignored files are not searched');
            is_deeply($srv->request('GET', "$F/search?q=obj")->{json}{items}, [], '... nor ignored directories');
            is_deeply($srv->request('GET', "$F/search?q=core")->{json}{items}, [], '... nor .git/');
            is_deeply([ map { $_->{path} } @{ $srv->request('GET', "$F/search?q=needle&path=docs")->{json}{items} } ],
                      [], 'only below path');
            error_is($srv->request('GET', "$F/search?q=x&path=to-root"), 403, 'PATH_FORBIDDEN', 'not through a link out');
            error_is($srv->request('GET', "$F/search"), 400, 'VALIDATION_ERROR', 'q required');
            error_is($srv->request('GET', "$F/search?q=x&path=../"), 400, 'INVALID_PATH', 'path checked');
        };

        subtest 'git status marks' => sub {
            my $g = git_repo("$R->{root}/marked", { 'a.txt' => "a\n", 'b.txt' => "b\n", 'same.txt' => "s\n",
                                                    'src/x.c' => "x\n", 'src/deep/y.c' => "y\n",
                                                    'docs/d.md' => "d\n", '.gitignore' => "*.log\n" });
            spew_file("$g/a.txt", "a2\n");                       # modified in the work tree
            spew_file("$g/b.txt", "b2\n");                       # staged
            git_in($g, 'add', 'b.txt');
            spew_file("$g/n.txt", "n\n");                        # added
            git_in($g, 'add', 'n.txt');
            spew_file("$g/u.txt", "u\n");                        # untracked
            spew_file("$g/x.log", "l\n");                        # ignored
            spew_file("$g/src/deep/y.c", "y2\n");                # a change two levels down
            make_path("$g/fresh/sub");
            spew_file("$g/fresh/sub/f.txt", "f\n");              # an untracked directory
            own_tree($g);
            my $q = $srv->json('POST', '/api/v1/projects', { name => 'marked', local_path => $g });
            status_is($q, 201, 'a project that is a git repository');
            my $M = "/api/v1/projects/$q->{json}{id}/files";
            my $marks = sub {
                my $r = $srv->request('GET', $_[0]);
                status_is($r, 200, "GET $_[0]");
                return { map { ($_->{name} => $_->{git}) } @{ $r->{json}{items} || [] } };
            };
            my $m = $marks->($M);
            is_deeply($m, { '.git' => undef, '.gitignore' => undef, 'a.txt' => 'modified', 'b.txt' => 'staged',
                            'n.txt' => 'added', 'u.txt' => 'untracked', 'x.log' => undef, 'same.txt' => undef,
                            src => 'modified', docs => undef, fresh => 'untracked' },
                      'the root: each entry its mark, a directory the mark of what is beneath');
            is_deeply($marks->("$M?path=src"), { deep => 'modified', 'x.c' => undef }, 'one level down');
            is_deeply($marks->("$M?path=src/deep"), { 'y.c' => 'modified' }, 'two levels down');
            is_deeply($marks->("$M?path=fresh"), { sub => 'untracked' }, 'inside an untracked directory');
            is_deeply($marks->("$M?path=fresh/sub"), { 'f.txt' => 'untracked' }, '... and deeper');
            unlink "$g/same.txt";
            my $r = $srv->request('GET', "$M?limit=2&offset=3");
            is(scalar(grep { exists $_->{git} } @{ $r->{json}{items} }), 2, 'marks on a page too');
            is($marks->($M)->{'same.txt'}, undef, 'a deleted file is not listed (the git status lists it)');
        };

        security_headers_ok($srv);
        $srv->stop;
    };
}

done_testing();
