#!/usr/bin/env bash
# Load test of relwatch serve, loopback only (not run in CI); the figures
# are in docs/performance.md.
#
#   1. Serves a generated archive (PAGES × VERSIONS, default 200 × 5,000;
#      generated when BIG does not exist: about 10 minutes and 13 GB).
#   2. Each kind of page alone, one client: timeline, version, diff,
#      search, and a version from the API. Prints the client's figures
#      and the server's own (the access log's durations).
#   3. CLIENTS clients (50) for DURATION (30s), the kinds mixed, while a
#      scrape loop records a new version of 20 pages into the same
#      archive again and again. Prints the figures, the errors and how
#      many scrapes ran.
#
# Environment: BIG (the archive, /tmp/relwatch-serve-200x5000.db), PAGES,
# VERSIONS, CLIENTS, DURATION, N (requests of each kind in step 2, 200).
# Both servers take a free loopback port. The scrape adds pages
# load-00/en … load-19/en to BIG.
set -euo pipefail
cd "$(dirname "$0")/.."

BIG=${BIG:-/tmp/relwatch-serve-200x5000.db}
PAGES=${PAGES:-200}
VERSIONS=${VERSIONS:-5000}
CLIENTS=${CLIENTS:-50}
DURATION=${DURATION:-30s}
N=${N:-200}

work=$(mktemp -d /tmp/relwatch-serve-load.XXXXXX)
trap 'touch "$work/stop"; kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

go build -o "$work/relwatch" ./cmd/relwatch
go build -o "$work/serveload" ./scripts/serveload

echo "## machine"
echo "date:   $(date -u +%Y-%m-%dT%H:%MZ)   commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty tree)')"
echo "cpu:    $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ ! -e $BIG ]]; then
  echo "generating $BIG ($PAGES × $VERSIONS)"
  "$work/relwatch" dev gen-archive --pages "$PAGES" --versions "$VERSIONS" --no-diff --db "$BIG"
fi
echo "archive: $BIG, $(du -h "$BIG" | cut -f1)"

# wait_line FILE: the first line of FILE, once there is one.
wait_line() {
  for _ in $(seq 400); do
    [[ -s $1 ]] && head -1 "$1" | grep -q . && break
    sleep 0.05
  done
  head -1 "$1"
}

"$work/serveload" -site 127.0.0.1:0 >"$work/site.addr" 2>"$work/site.log" &
site=$(wait_line "$work/site.addr")
{
  echo "archive: $BIG"
  echo "delay: 0s"
  echo "retries: 0"
  echo "stale_after: 87600h"
  echo "targets:"
  for i in $(seq -w 0 19); do
    echo "  - {id: load-$i, lang: en, url: '${site}page/$i.htm'}"
  done
} >"$work/relwatch.yaml"

"$work/relwatch" --config "$work/relwatch.yaml" --log-format json serve --addr 127.0.0.1:0 2>"$work/access.log" &
base=$(wait_line "$work/access.log" | grep -o 'http://[0-9.:]*')
[[ -n $base ]] || { echo "relwatch serve did not start:" >&2; cat "$work/access.log" >&2; exit 1; }
echo "serving on $base; scraped pages on $site"

# server_times FROM: the access log's durations per kind of page, from
# line FROM on: p50, p95, p99 in ms.
server_times() {
  tail -n +"$1" "$work/access.log" | grep '"msg":"request"' | sed -E 's/.*"uri":"([^"]*)".*"duration":([0-9]+).*/\1 \2/' |
    awk '{
      u = $1; k = "other"
      if (u ~ /^\/api\/pages\/[^\/]+\/[^\/]+\/versions\//) k = "api-version"
      else if (u ~ /\/diff\?/) k = "diff"
      else if (u ~ /\/v\//) k = "version"
      else if (u ~ /^\/search/) k = "search"
      else if (u ~ /^\/p\/[^\/]+\/[^\/]+$/) k = "timeline"
      print k, $2 / 1e6
    }' | sort -k1,1 -k2,2n |
    awk '{ v[$1, ++n[$1]] = $2 }
      function at(k, c, p,  i) { i = int(c * p) + 1; if (i > c) i = c; return v[k, i] }
      END { for (k in n) { c = n[k]; printf "  %-12s n=%-6d p50 %7.1f ms  p95 %7.1f ms  p99 %7.1f ms  (server)\n", k, c, at(k, c, .5), at(k, c, .95), at(k, c, .99) } }' | sort
}

echo
echo "## one kind at a time"
from=$(($(wc -l <"$work/access.log") + 1))
"$work/serveload" -base "$base" -pages "$PAGES" -versions "$VERSIONS" -n "$N" -duration 0
server_times "$from"

echo
echo "## $CLIENTS clients for $DURATION while a scrape loop records 20 pages"
(
  while [[ ! -e $work/stop ]]; do
    if "$work/relwatch" --config "$work/relwatch.yaml" scrape --lock-timeout 60s >>"$work/scrape.log" 2>&1; then
      echo ok >>"$work/scrapes"
    else
      echo "failed ($?)" >>"$work/scrapes"
    fi
  done
) &
scraper=$!
from=$(($(wc -l <"$work/access.log") + 1))
"$work/serveload" -base "$base" -pages "$PAGES" -versions "$VERSIONS" -n 0 -clients "$CLIENTS" -duration "$DURATION"
touch "$work/stop"
wait "$scraper"
server_times "$from"
echo "scrapes during the load: $(grep -c '^ok' "$work/scrapes" || true) ok, $(grep -vc '^ok' "$work/scrapes" || true) failed"
grep -v '^ok' "$work/scrapes" >/dev/null && tail -5 "$work/scrape.log"
echo "server errors (5xx): $(grep -c '"status":5' "$work/access.log" || true)"
