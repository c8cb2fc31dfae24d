#!/usr/bin/env bash
# Smoke test of the built binary: serve a fixture page on loopback, scrape
# it twice, then query the archive. Used by CI; needs go and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/relwatch" ./cmd/relwatch
cp cmd/relwatch/testdata/kazakhstan-fr-v1.html "$work/page.html"
port=$((20000 + RANDOM % 20000))
(cd "$work" && exec python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1) &
server=$!
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/page.html" >/dev/null 2>&1 && break
  sleep 0.1
done

cat >"$work/relwatch.yaml" <<YAML
archive: smoke.db
delay: 0s
targets:
  - id: kazakhstan
    lang: fr
    url: http://127.0.0.1:$port/page.html
YAML

rw() { "$work/relwatch" --config "$work/relwatch.yaml" "$@"; }
rw scrape | tee "$work/out1"
grep -q 'new' "$work/out1"
rw scrape | tee "$work/out2"
grep -q 'unchanged' "$work/out2"
rw log kazakhstan/fr
rw show kazakhstan/fr --format json | grep -q '"title": "Relations avec le Kazakhstan"'
rw pages
echo "smoke: ok"
