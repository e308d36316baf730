#!/usr/bin/env bash
# Installs Debian's `chromium`, which the handoff page test (test/bundle/page.browser.e2e.test.ts) drives
# headless. Idempotent and quiet: does nothing when it is already installed. Without root it installs
# nothing, prints the command that would, and exits 0 (that test then fails naming it, unless
# TUNNELSMITH_SKIP_BROWSER=1 is set).
set -euo pipefail

PACKAGE=chromium
BROWSER=/usr/bin/chromium

if [ -x "$BROWSER" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: not root, so $PACKAGE is not installed; install it with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $PACKAGE" >&2
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here: $PACKAGE is not installed and the handoff page test will NOT find a browser" >&2
  exit 0
fi

echo "install-browser: installing $PACKAGE"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! apt-get update -qq >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-browser: apt-get update failed" >&2
  exit 1
fi
rc=0
apt-get install -y -qq --no-install-recommends "$PACKAGE" >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  cat "$log" >&2
  echo "install-browser: apt-get install failed (exit $rc)" >&2
  exit "$rc"
fi
if [ ! -x "$BROWSER" ]; then
  echo "install-browser: $PACKAGE installed but $BROWSER is missing" >&2
  exit 1
fi
echo "install-browser: done"
