# bench/lib.sh: what bench/rest and bench/auth share. Sourced, not run.
# A private httpd with mod_planning on SQLite, an admin, 50 projects created
# through the API, static twins of the replies, and wrk runs against them.
#
# Environment:
#   PL_BUILD           build directory (default: <repo>/build)
#   BENCH_DURATION     seconds per wrk run (default 10)
#   BENCH_CONNECTIONS  wrk connections (default 32)
#   BENCH_THREADS      wrk threads (default 2)
#   BENCH_WARMUP       seconds of unreported warm-up per target (default 1, 0 = none)
#   BENCH_KEEP=1       keep the run directory (config, logs, database) afterwards
# Exit status of a benchmark: 0 when every run was clean (only 2xx, no socket
# errors, no error in the log), 1 otherwise, 2 when it could not be set up.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PL_BUILD:-$repo/build}
module=$build/mod_planning/.libs/mod_planning.so
cli=$build/cli/planning
duration=${BENCH_DURATION:-10}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
warmup=${BENCH_WARMUP:-1}
nprojects=50
apache2=${APACHE2:-$(command -v apache2 || echo /usr/sbin/apache2)}
admin_password='bench-admin-password-0123'
me=$(basename "$0")

die() { echo "$me: $*" >&2; exit 2; }

for tool in wrk curl perl apxs; do
  command -v "$tool" >/dev/null || die "$tool not found (script/bootstrap installs it)"
done
[ -x "$apache2" ] || die "apache2 not found"
[ -f "$module" ] || die "module not built: $module (run script/build)"
[ -x "$cli" ] || die "CLI not built: $cli (run script/build)"

umask 022
rundir=$(mktemp -d "${TMPDIR:-/tmp}/pl-bench.XXXXXX")
chmod 755 "$rundir"
conf=$rundir/httpd.conf
started=0

cleanup() {
  local rc=$?
  if [ "$started" -eq 1 ]; then
    "$apache2" -f "$conf" -k stop 2>/dev/null || true
    # -k stop returns before the processes are gone: wait for the parent.
    local pid; pid=$(cat "$rundir/httpd.pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ] || [ "$rc" -eq 2 ]; then
    echo "$me: run directory kept: $rundir" >&2
  else
    rm -rf "$rundir"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# A free loopback port: bind port 0 and read what the kernel chose.
free_port() {
  perl -MIO::Socket::INET -e \
    'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0, ReuseAddr => 1)->sockport'
}
port=$(free_port)
base=http://127.0.0.1:$port

# json_field FILE FIELD: a top-level string or number of a JSON reply.
json_field() { perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>); print $j->{$ARGV[0]}' "$2" <"$1"; }

# start_server EXTRA: database, admin, config (EXTRA appended), httpd, token, projects.
start_server() {
  mkdir -p "$rundir/data" "$rundir/projects" "$rundir/htdocs"
  db=$rundir/data/planning.db
  for i in $(seq -w 1 $nprojects); do mkdir "$rundir/projects/project-$i"; done
  "$cli" migrate --driver sqlite3 --params "$db" --schema-dir "$repo/schema" >"$rundir/migrate.log" 2>&1 \
    || { cat "$rundir/migrate.log" >&2; die "planning migrate failed"; }
  echo "$admin_password" | "$cli" create-user --params "$db" --username admin --admin >/dev/null \
    || die "planning create-user failed"
  if [ "$(id -u)" -eq 0 ]; then
    # The children run as www-data; SQLite writes the file and its -wal/-shm.
    export PL_USER=www-data
    chown -R www-data:www-data "$rundir/data"
    chown www-data:www-data "$rundir"
  fi
  # The limiter still counts every request (its cost is measured) but its
  # limit is out of reach of one run.
  # More threads than wrk has connections in each process: mpm_event closes
  # kept-alive connections of a process whose threads are all taken.
  PL_THREADS=${BENCH_HTTPD_THREADS:-$((connections + 16))} \
  PL_RUNDIR=$rundir PL_PORT=$port PL_MODULE=$module PL_DBDRIVER=sqlite3 \
  PL_DBDPARAMS=$db PL_ROOTS=$rundir/projects PL_DOCROOT=$rundir/htdocs \
  PL_EXTRA="PlanningAPIRateLimit 10000000
$1" \
    "$repo/script/httpd-conf" >"$conf"
  "$apache2" -t -f "$conf" >"$rundir/configtest.log" 2>&1 \
    || { cat "$rundir/configtest.log" >&2; die "httpd configuration test failed"; }
  "$apache2" -f "$conf" -k start || { cat "$rundir/error.log" >&2 2>/dev/null; die "httpd did not start"; }
  started=1
  local up=0
  for _ in $(seq 100); do
    if curl -s -o /dev/null "$base/api/v1/health"; then up=1; break; fi
    sleep 0.1
  done
  [ $up -eq 1 ] || { tail -20 "$rundir/error.log" >&2; die "httpd does not answer on $base"; }

  curl -s -o "$rundir/login.body" -X POST -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"admin\",\"password\":\"$admin_password\"}" "$base/api/v1/auth/login"
  token=$(json_field "$rundir/login.body" access_token)
  [ -n "$token" ] || { cat "$rundir/login.body" >&2; die "login failed"; }

  # 50 projects, created through the API as a client would.
  local i body code
  for i in $(seq -w 1 $nprojects); do
    body=$(printf '{"name":"bench-project-%s","description":"Benchmark project %s: a service with a plan, a checkout and a few objectives.","local_path":"%s"}' \
           "$i" "$i" "$rundir/projects/project-$i")
    code=$(curl -s -o "$rundir/post.body" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
           -H 'Content-Type: application/json' --data-binary "$body" "$base/api/v1/projects")
    [ "$code" = 201 ] || { cat "$rundir/post.body" >&2; echo >&2; die "POST /api/v1/projects answered $code"; }
  done
}

# fetch NAME URL [curl args]: the reply into $rundir/NAME.body, which must be 200.
fetch() {
  local name=$1 url=$2; shift 2
  local code
  code=$(curl -s -o "$rundir/$name.body" -w '%{http_code}' "$@" "$url")
  [ "$code" = 200 ] || { cat "$rundir/$name.body" >&2; echo >&2; die "GET $url answered $code"; }
}

# static_twin NAME: serves $rundir/NAME.body as /NAME.json, the very bytes the
# module sent, so sizes and Content-Type are equal.
static_twin() {
  cp "$rundir/$1.body" "$rundir/htdocs/$1.json"
  chmod 644 "$rundir/htdocs/$1.json"
  local got
  got=$(curl -s "$base/$1.json" | wc -c | tr -d ' ')
  [ "$got" -eq "$(size "$rundir/htdocs/$1.json")" ] || die "static $1.json served $got bytes"
}

size() { wc -c <"$1" | tr -d ' '; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

errors=0
# run NAME URL [wrk args]: one wrk run; sets rps and records problems.
run() {
  local name=$1 url=$2 out=$rundir/wrk-$1.txt
  shift 2
  if [ "$warmup" != 0 ]; then
    wrk -t"$threads" -c"$connections" -d"${warmup}s" "$@" "$url" >/dev/null 2>&1 || true
  fi
  wrk -t"$threads" -c"$connections" -d"${duration}s" "$@" "$url" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk failed against $url"; }
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  [ -n "$rps" ] || { cat "$out" >&2; die "no Requests/sec from wrk for $url"; }
  local non2xx sockerr
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  sockerr=$(grep 'Socket errors:' "$out" || true)
  if [ -n "$non2xx" ] || [ -n "$sockerr" ]; then
    errors=$((errors + 1))
    echo "$me: $name ($url): ${non2xx:+$non2xx non-2xx responses }${sockerr}" >&2
  fi
}

banner() {
  local how="wrk -t$threads -c$connections -d${duration}s, "
  [ "${2:-}" = nowrk ] && how=""
  echo "mod_planning $1: ${how}httpd $("$apache2" -v | sed -n 's/^Server version: //p'), SQLite, $(nproc) CPUs (client and server share them)"
}

row_header() {
  printf '\n%-36s %8s %12s %10s\n' endpoint bytes req/s ratio
  printf '%-36s %8s %12s %10s\n' "--------" "-----" "-----" "-----"
}
# row LABEL BYTES RPS BASE_RPS
row() { printf '%-36s %8d %12.0f %10s\n' "$1" "$2" "$3" "$(ratio "$3" "$4")"; }

# Errors in the log make the run unclean.
check_log() {
  local lines
  lines=$(grep -cE '\[[a-z_]+:(error|crit|alert|emerg)\]' "$rundir/error.log" || true)
  if [ "$lines" -ne 0 ]; then
    echo "$me: $lines error lines in error.log:" >&2
    grep -E '\[[a-z_]+:(error|crit|alert|emerg)\]' "$rundir/error.log" | tail -5 >&2
    errors=$((errors + 1))
  fi
  [ "$errors" -eq 0 ] || echo "$me: WARNING: some runs were not clean (see above); the numbers are suspect" >&2
}
