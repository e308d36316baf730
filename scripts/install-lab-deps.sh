#!/usr/bin/env bash
# Installs the Debian packages the interop lab (test/interop/) needs: strongSwan (charon + swanctl +
# the kernel-libipsec userspace data path), FRR, BIRD 2, ping and iptables (the rendered firewall
# openings of tunnel-setup.sh, applied where INPUT drops by default). Idempotent and quiet: does nothing
# when every package is already there. Without root it installs nothing, prints the command that would,
# and exits 0 (the lab tests then fail naming it, unless TUNNELSMITH_SKIP_LAB=1 is set).
set -euo pipefail

PACKAGES=(
  strongswan-charon
  strongswan-swanctl
  libstrongswan-standard-plugins
  libcharon-extra-plugins
  frr
  bird2
  iputils-ping
  iproute2
  iptables
)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-lab-deps: no dpkg/apt-get here: the interop lab packages are not installed and the lab will NOT run" >&2
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [ "$status" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-lab-deps: not root, so the interop lab's Debian packages are not installed; install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 0
fi

echo "install-lab-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! apt-get update -qq >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-lab-deps: apt-get update failed" >&2
  exit 1
fi
# policy-rc.d 101 keeps package scripts from starting services (charon, frr, bird) in the root
# namespace on machines where invoke-rc.d would start them; removed again afterwards.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  created_policy=1
fi
rc=0
apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 || rc=$?
if [ "$created_policy" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
if [ "$rc" -ne 0 ]; then
  cat "$log" >&2
  echo "install-lab-deps: apt-get install failed (exit $rc)" >&2
  exit "$rc"
fi
echo "install-lab-deps: done"
