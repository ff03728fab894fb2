#!/usr/bin/env bash
# Puts promtool (from Debian's prometheus package) at build/tools/bin/promtool for the metrics
# test, without installing the package: installing it would start a Prometheus server.
# Safe to run again: does nothing when promtool is already on PATH or in build/tools/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v promtool >/dev/null 2>&1 && exit 0
[ -x build/tools/bin/promtool ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # apt's download user must be able to write here
if ! (cd "$work" && apt-get download -qq prometheus 2>/dev/null); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  (cd "$work" && apt-get download -qq prometheus)
fi
dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
mkdir -p build/tools/bin
cp "$work/root/usr/bin/promtool" build/tools/bin/promtool
echo "promtool: build/tools/bin/promtool"
