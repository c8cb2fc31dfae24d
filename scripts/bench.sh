#!/usr/bin/env bash
# End-to-end benchmark of the built binary (not run in CI); the figures are
# in docs/performance.md.
#
#   1. Serves N pages (default 200) from one process on 127.0.0.1
#      (scripts/benchserver) and times, with /usr/bin/time -v (wall, CPU,
#      peak RSS), three scrapes: the first, one with nothing changed, one
#      after a tenth of the pages changed. Then the same three runs of
#      urlwatch on the same pages, for the ratio.
#   2. Times log, show --at and search on a 200 pages × 5,000 versions
#      archive, whole process (hyperfine if installed, else a loop).
#
# Needs go, curl, /usr/bin/time and urlwatch
# (apt-get install -y urlwatch time hyperfine).
#
# Environment: N (pages, 200), HOSTS (ports the pages are spread over, 1),
# VALIDATORS=true (pages carry ETag and Last-Modified and answer 304),
# PORT (first port, 18080), REPEAT (fresh rounds of the three scrapes, 3),
# BIG (the 1 M-version archive, generated when missing:
# /tmp/relwatch-bench-1m.db), SKIP_SCRAPE=1 or SKIP_ARCHIVE=1 to do one half.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200}
HOSTS=${HOSTS:-1}
PORT=${PORT:-18080}
REPEAT=${REPEAT:-3}
BIG=${BIG:-/tmp/relwatch-bench-1m.db}

work=$(mktemp -d /tmp/relwatch-bench.XXXXXX)
trap '[[ -n ${server:-} ]] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

go build -o "$work/relwatch" ./cmd/relwatch
go build -o "$work/benchserver" ./scripts/benchserver

echo "## machine"
echo "date:   $(date -u +%Y-%m-%dT%H:%MZ)   commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty tree)')"
echo "cpu:    $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "memory: $(free -h | awk '/^Mem:/ {print $2}')"
echo "disk:   $(df -h "$work" | awk 'NR == 2 {print $1, $2}')  rotational=$(lsblk -dno ROTA "$(df "$work" | awk 'NR == 2 {print $1}')" 2>/dev/null || echo '?')"
echo "go:     $(go version | cut -d' ' -f3)   urlwatch: $(urlwatch --version 2>/dev/null || echo missing)"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg)"

# timed LABEL CMD...: runs CMD under /usr/bin/time -v and prints one row:
# label, wall seconds, CPU seconds (user + system), peak RSS in MB.
timed() {
  local label=$1
  shift
  /usr/bin/time -v -o "$work/time" "$@" >"$work/out" 2>&1 || {
    echo "$label failed:" >&2
    tail -5 "$work/out" >&2
  }
  awk -v label="$label" -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
    /User time/ { cpu += $2 }
    /System time/ { cpu += $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%-28s wall %6.2f s  cpu %6.2f s  rss %6.1f MB\n", label, wall, cpu, rss }' "$work/time"
}

url() { echo "http://127.0.0.1:$((PORT + $1 % HOSTS))/pages/$1.htm"; }

if [[ -z ${SKIP_SCRAPE:-} ]]; then
  "$work/benchserver" -n "$N" -port "$PORT" -hosts "$HOSTS" -validators="${VALIDATORS:-false}" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do
    curl -fs "$(url 0)" >/dev/null 2>&1 && break
    sleep 0.05
  done

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

  change() { curl -fsS -X POST "http://127.0.0.1:$PORT/_change?every=10" >/dev/null; }
  rw=("$work/relwatch" --config "$work/relwatch.yaml" --db "$work/rw.db" scrape)
  uw=(urlwatch --urls "$work/urls.yaml" --config "$work/urlwatch.yaml" --cache "$work/uw-cache.db" --hooks "$work/hooks.py")

  echo
  echo "## $N pages on $HOSTS host(s), delay 0, validators ${VALIDATORS:-false}, $REPEAT rounds"
  for r in $(seq "$REPEAT"); do
    rm -f "$work"/rw.db* "$work"/uw-cache.db*
    timed "relwatch first" "${rw[@]}"
    timed "relwatch unchanged" "${rw[@]}"
    change
    timed "relwatch 10% changed" "${rw[@]}"
    echo "relwatch said: $(tail -1 "$work/out")"
    timed "urlwatch first" "${uw[@]}"
    timed "urlwatch unchanged" "${uw[@]}"
    change
    timed "urlwatch 10% changed" "${uw[@]}"
    echo "urlwatch reported $(grep -c '^CHANGED: ' "$work/out" || true) changed pages"
  done
  du -b "$work/rw.db" "$work/uw-cache.db" | awk '{printf "size after 3 runs: %s %d bytes\n", $2, $1}'
  kill "$server"
  unset server
fi

if [[ -z ${SKIP_ARCHIVE:-} ]]; then
  echo
  echo "## 200 pages × 5,000 versions archive"
  if [[ ! -f $BIG ]]; then
    timed "gen-archive 200 × 5000" "$work/relwatch" dev gen-archive --pages 200 --versions 5000 --db "$BIG"
    cat "$work/out"
  fi
  ls -l "$BIG"
  page=topic-100/en
  at=$("$work/relwatch" --db "$BIG" log "$page" --json | awk -F'"' '/"first_seen"/ {n++; if (n == 2500) print $4}')
  phrase="Baikonur tramway timetable"
  cmds=(
    "$work/relwatch --db $BIG log $page"
    "$work/relwatch --db $BIG show $page --at $at"
    "$work/relwatch --db $BIG search '$phrase'"
    "$work/relwatch --db $BIG log $page --json"
  )
  "$work/relwatch" --db "$BIG" log "$page" | wc -l | xargs echo "log lines:"
  "$work/relwatch" --db "$BIG" search "$phrase" | head -3
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs 30 --style basic "${cmds[@]}" 2>&1 | grep -E 'Benchmark|Time|Range'
  else
    for c in "${cmds[@]}"; do
      for _ in $(seq 21); do
        s=$(date +%s%N)
        eval "$c" >/dev/null
        echo $((($(date +%s%N) - s) / 1000))
      done | sort -n | awk -v c="$c" '{a[NR] = $1} END {printf "%-70s median %.1f ms\n", c, a[int((NR + 1) / 2)] / 1000}'
    done
  fi
  for c in "${cmds[@]:0:3}"; do
    timed "${c#"$work/"}" bash -c "$c >/dev/null"
  done
fi
