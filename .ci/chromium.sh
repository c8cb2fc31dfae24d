#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests of relwatch serve
# (cmd/relwatch/serve_browser_test.go) when it is missing. Without it those
# tests skip and say why; this script says so too, and fails only when it
# was asked to install and could not (CHROMIUM_REQUIRED=1).
set -euo pipefail

if command -v chromium >/dev/null || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing chromium for the browser tests" >&2
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core) >/dev/null 2>&1; then
    exit 0
  fi
fi
echo "chromium is not installed and could not be installed: the browser tests will skip" >&2
[ "${CHROMIUM_REQUIRED:-0}" = 1 ] && exit 1
exit 0
