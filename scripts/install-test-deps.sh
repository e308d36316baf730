#!/usr/bin/env bash
# The Debian packages the test suite needs beyond Node: the interop lab's (install-lab-deps.sh) and
# Chromium (install-browser.sh). `npm test` runs it first (pretest), and so does .ci/run. As root it
# installs what is missing; otherwise it prints the command that would. Quiet when all is there. A
# part skipped with TUNNELSMITH_SKIP_LAB=1 / TUNNELSMITH_SKIP_BROWSER=1 installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${TUNNELSMITH_SKIP_LAB:-}" != 1 ]; then bash scripts/install-lab-deps.sh; fi
if [ "${TUNNELSMITH_SKIP_BROWSER:-}" != 1 ]; then bash scripts/install-browser.sh; fi
