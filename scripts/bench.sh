#!/usr/bin/env bash
# End-to-end benchmark of the built binary (not run in CI); the figures are
# in docs/performance.md.
#
#   1. Writes N pages of about 94 KB (scripts/benchpages) and serves them
#      with nginx on 127.0.0.1, twice: with validators off (`etag off;
#      if_modified_since off;`, every request answered 200 with the whole
#      page) and with nginx's defaults (ETag and Last-Modified, 304 to a
#      conditional request). For each, REPEAT rounds from an empty archive
#      and an empty urlwatch cache: relwatch and urlwatch (html2text filter)
#      each run first, unchanged, and after a tenth of the pages changed,
#      taking turns, under /usr/bin/time -v (CPU, peak RSS; the wall time
#      from bash's microsecond clock); the floor is one curl process
#      fetching the same pages. `relwatch check`
#      runs on the archive after every round, and once after a scrape
#      killed with SIGKILL half-way; the script stops if it is not clean.
#      Prints a table of the fastest round of each run (wall time, its CPU
#      time), the highest peak RSS, and the ratios.
#   2. Times log (text and --json), show --at and search on a generated
#      archive, whole process (hyperfine).
#
# Installs nothing. Needs go, curl, nginx, urlwatch, hyperfine and GNU time:
#   apt-get install -y nginx-light urlwatch hyperfine time curl
#
# Environment: N (pages, 200), SIZE (bytes a page, 96256), HOSTS (ports the
# pages are spread over, 1), VALIDATORS (off, on or both: both), PORT (first
# port, 18080), REPEAT (rounds, 3), BIG (the archive for part 2, generated
# when missing: /tmp/relwatch-bench-4x5000.db, 4 pages × 5,000 versions;
# GEN (gen-archive flags for it, "--pages 4 --versions 5000 --no-diff"),
# PAGE (the page to log and show, topic-001/en), SKIP_SCRAPE=1 or SKIP_ARCHIVE=1 to do one half, SKIP_KILL=1 to leave out
# the kill -9 check.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200}
SIZE=${SIZE:-96256}
HOSTS=${HOSTS:-1}
PORT=${PORT:-18080}
REPEAT=${REPEAT:-3}
VALIDATORS=${VALIDATORS:-both}
BIG=${BIG:-/tmp/relwatch-bench-4x5000.db}
GEN=${GEN:---pages 4 --versions 5000 --no-diff}

missing=()
for tool in go curl nginx urlwatch hyperfine; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[[ -x /usr/bin/time ]] || missing+=("/usr/bin/time")
if ((${#missing[@]})); then
  echo "bench.sh: missing ${missing[*]}; install with: apt-get install -y nginx-light urlwatch hyperfine time curl (and Go 1.26)" >&2
  exit 2
fi
case $VALIDATORS in off) modes=(off) ;; on) modes=(on) ;; both) modes=(off on) ;; *)
  echo "bench.sh: VALIDATORS must be off, on or both" >&2
  exit 2
  ;;
esac

work=$(mktemp -d /tmp/relwatch-bench.XXXXXX)
chmod 755 "$work" # nginx's workers run as nobody
nginx_pid=
stop_nginx() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  nginx_pid=
}
trap 'stop_nginx; rm -rf "$work"' EXIT

go build -o "$work/relwatch" ./cmd/relwatch
go build -o "$work/benchpages" ./scripts/benchpages
rw_bin=$work/relwatch

echo "## machine"
echo "date:   $(date -u +%Y-%m-%dT%H:%MZ)   commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty tree)')"
echo "cpu:    $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "disk:   $(df -h "$work" | awk 'NR == 2 {print $1, $2}')  rotational=$(lsblk -dno ROTA "$(df "$work" | awk 'NR == 2 {print $1}')" 2>/dev/null || echo '?')"
echo "go:     $(go version | cut -d' ' -f3)   urlwatch: $(urlwatch --version 2>/dev/null)   $(nginx -v 2>&1)   $(curl --version | head -1 | cut -d' ' -f1-2)"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg)"

results=$work/results # one line a timed run: mode tool run round wall cpu rss

# timed MODE TOOL RUN ROUND CMD...: runs CMD under /usr/bin/time -v, prints
# its figures and appends them to $results.
timed() {
  local mode=$1 tool=$2 run=$3 round=$4
  shift 4
  # Wall time from the shell's microsecond clock: GNU time prints it in
  # hundredths, too coarse for the curl floor (20–40 ms).
  local t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$work/time" "$@" >"$work/out" 2>&1 || {
    # relwatch exits 1 when a page changed only with --exit-code; anything
    # else is a failure of the run.
    echo "$tool $run failed:" >&2
    tail -5 "$work/out" >&2
    exit 1
  }
  local t1=$EPOCHREALTIME
  awk -v m="$mode" -v tool="$tool" -v run="$run" -v r="$round" -v t0="$t0" -v t1="$t1" -F': ' '
    /User time/ { cpu += $2 }
    /System time/ { cpu += $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%s %s %s %s %.4f %.3f %.1f\n", m, tool, run, r, t1 - t0, cpu, rss }' "$work/time" | tee -a "$results" |
    awk '{printf "  validators %-3s round %s  %-8s %-10s wall %6.3f s  cpu %6.3f s  rss %6.1f MB\n", $1, $4, $2, $3, $5, $6, $7}'
}

url() { echo "http://127.0.0.1:$((PORT + $1 % HOSTS))/pages/$1.htm"; }

# check_archive WHEN: relwatch check must find nothing wrong.
check_archive() {
  if ! "$rw_bin" --db "$work/rw.db" check >"$work/check" 2>&1; then
    echo "relwatch check is not clean $1:" >&2
    cat "$work/check" >&2
    exit 1
  fi
}

# start_nginx MODE: serves $work/www on the ports, validators on or off.
start_nginx() {
  local listen="" v=""
  for h in $(seq 0 $((HOSTS - 1))); do
    listen+="    listen 127.0.0.1:$((PORT + h));"$'\n'
  done
  [[ $1 == off ]] && v="    etag off;
    if_modified_since off;"
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off;
  types { text/html htm; text/plain txt; }
  default_type application/octet-stream;
  charset utf-8;
  server {
$listen    root $work/www;
$v
  }
}
CONF
  mkdir -p "$work/www"
  echo ready >"$work/www/ready.txt"
  nginx -p "$work/nginx/" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
  nginx_pid=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$PORT/ready.txt" >/dev/null 2>&1 && return
    sleep 0.05
  done
  echo "nginx did not start:" >&2
  cat "$work/nginx/error.log" >&2
  exit 1
}

pages() { "$work/benchpages" -dir "$work/www" -n "$N" -size "$SIZE" "$@" >/dev/null; }

if [[ -z ${SKIP_SCRAPE:-} ]]; then
  {
    echo "delay: 0s"
    echo "stale_after: 87600h"
    echo "targets:"
    for i in $(seq 0 $((N - 1))); do
      printf '  - {id: page-%03d, lang: en, url: "%s"}\n' "$i" "$(url "$i")"
    done
  } >"$work/relwatch.yaml"
  for i in $(seq 0 $((N - 1))); do
    [[ $i -gt 0 ]] && echo "---"
    printf 'name: page-%03d\nurl: "%s"\nfilter:\n  - html2text: re\n' "$i" "$(url "$i")"
  done >"$work/urls.yaml"
  cat >"$work/urlwatch.yaml" <<'YAML'
display: {new: true, error: true, unchanged: false, empty-diff: false}
report:
  text: {details: true, footer: false, minimal: false, line_length: 75}
  stdout: {enabled: true, color: false}
  html: {diff: unified}
  markdown: {details: true, footer: false, minimal: false}
YAML
  for i in $(seq 0 $((N - 1))); do
    printf 'url = "%s"\noutput = "/dev/null"\n' "$(url "$i")"
  done >"$work/curl.cfg"

  rw=("$rw_bin" --config "$work/relwatch.yaml" --db "$work/rw.db" scrape)
  uw=(urlwatch --urls "$work/urls.yaml" --config "$work/urlwatch.yaml" --cache "$work/uw-cache.db" --hooks "$work/hooks.py")
  floor=(curl -sf --config "$work/curl.cfg")

  echo
  echo "## $N pages of $SIZE bytes on $HOSTS host(s), nginx, delay 0, $REPEAT rounds"
  edition=0
  for mode in "${modes[@]}"; do
    start_nginx "$mode"
    for r in $(seq "$REPEAT"); do
      rm -rf "$work"/rw.db* "$work"/uw-cache.db* "$work/www"
      pages
      timed "$mode" curl floor "$r" "${floor[@]}"
      timed "$mode" relwatch first "$r" "${rw[@]}"
      timed "$mode" urlwatch first "$r" "${uw[@]}"
      timed "$mode" relwatch unchanged "$r" "${rw[@]}"
      timed "$mode" urlwatch unchanged "$r" "${uw[@]}"
      edition=$((edition + 1))
      pages -every 10 -edition "$edition"
      timed "$mode" relwatch changed "$r" "${rw[@]}"
      echo "  relwatch said: $(tail -1 "$work/out")"
      timed "$mode" urlwatch changed "$r" "${uw[@]}"
      echo "  urlwatch reported $(grep -c '^CHANGED: ' "$work/out" || true) changed pages"
      check_archive "after round $r"
    done
    stop_nginx
  done
  du -b "$work/rw.db" "$work/uw-cache.db" | awk '{printf "size after 3 runs: %s %d bytes\n", $2, $1}'

  if [[ -z ${SKIP_KILL:-} ]]; then
    # A scrape killed half-way (SIGKILL, no chance to clean up) must leave
    # an archive that check finds clean, and the next scrape must finish.
    start_nginx off
    edition=$((edition + 1))
    pages -edition "$edition"
    "${rw[@]}" >/dev/null 2>&1 &
    victim=$!
    sleep "0.$((RANDOM % 5 + 2))"
    kill -9 "$victim" 2>/dev/null || true
    wait "$victim" 2>/dev/null || true
    check_archive "after kill -9 during a scrape"
    "${rw[@]}" >/dev/null 2>&1 || true
    check_archive "after the scrape that followed kill -9"
    stop_nginx
    echo "kill -9 during a scrape: relwatch check clean, before and after the next scrape"
  fi

  echo
  echo "## summary: fastest of $REPEAT rounds (its CPU time), highest peak RSS"
  echo
  echo "| validators | run | relwatch wall | CPU | peak RSS | urlwatch wall | CPU | peak RSS | urlwatch ÷ relwatch | relwatch ÷ curl floor | curl floor |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  awk '
    { k = $1 " " $2 " " $3
      if (!(k in wall) || $5 < wall[k]) { wall[k] = $5; cpu[k] = $6 }
      if ($7 > rss[k]) rss[k] = $7 }
    END {
      n = split("off on", modes, " "); split("first unchanged changed", runs, " ")
      name["first"] = "first (all new)"; name["unchanged"] = "nothing changed"; name["changed"] = "10 % changed"
      for (i = 1; i <= n; i++) {
        m = modes[i]; f = m " curl floor"
        if (!(f in wall)) continue
        for (j = 1; j <= 3; j++) {
          r = runs[j]; a = m " relwatch " r; b = m " urlwatch " r
          printf "| %s | %s | %.3f s | %.3f s | %.0f MB | %.3f s | %.3f s | %.0f MB | %.1f× | %.1f× | %.3f s |\n",
            m, name[r], wall[a], cpu[a], rss[a], wall[b], cpu[b], rss[b], wall[b] / wall[a], wall[a] / wall[f], wall[f]
        }
      }
    }' "$results"
fi

if [[ -z ${SKIP_ARCHIVE:-} ]]; then
  echo
  echo "## generated archive $BIG"
  page=${PAGE:-topic-001/en}
  phrase="Baikonur tramway timetable"
  # A BIG left by an older relwatch can have an older schema, which search
  # refuses (hyperfine then stops at the first failing run): every command
  # runs once before it is timed, and a BIG it fails on is made again.
  usable() { "$rw_bin" --db "$BIG" log "$page" >/dev/null && "$rw_bin" --db "$BIG" search "$phrase" >/dev/null; }
  if [[ -f $BIG ]] && ! usable 2>/dev/null; then
    echo "$BIG does not work with this relwatch (an older schema?): generating it again"
    rm -f "$BIG" "$BIG-wal" "$BIG-shm"
  fi
  if [[ ! -f $BIG ]]; then
    # shellcheck disable=SC2086 # GEN is a list of flags
    timed - relwatch gen-archive 1 "$rw_bin" dev gen-archive $GEN --db "$BIG"
  fi
  ls -l "$BIG"
  at=$("$rw_bin" --db "$BIG" log "$page" --json | awk -F'"' '/"first_seen"/ {n++; if (n == 2500) print $4}')
  "$rw_bin" --db "$BIG" show "$page" --at "$at" >/dev/null
  usable
  "$rw_bin" --db "$BIG" log "$page" | wc -l | xargs echo "log $page lines:"
  hyperfine -N --warmup 3 --runs 40 --style basic \
    "$rw_bin --db $BIG log $page" \
    "$rw_bin --db $BIG log $page --json" \
    "$rw_bin --db $BIG show $page --at $at" \
    "$rw_bin --db $BIG search '$phrase'" 2>&1 | grep -E 'Benchmark|Time|Range'
fi
