#!/usr/bin/env bash
# Installs what bucketfire needs from Debian 12 and builds it into build/.
# Safe to run again: it installs only what is missing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build ccache pkg-config curl
          libboost1.81-dev libboost-url1.81-dev libssl-dev zlib1g-dev
          nlohmann-json3-dev libpugixml-dev libsqlite3-dev libgtest-dev libarchive-dev
          openssl libvips-dev libvips-tools jq)
# The integration tests drive the server with the real aws CLI and boto3.
python3 -c 'import boto3' 2>/dev/null || packages+=(python3 python3-boto3)
# Debian 12's awscli is the CLI v2, whose `logs tail` test_logs_tail.py runs; an aws CLI v1
# found first on PATH (a pip install) keeps serving the other tests.
[ -x /usr/bin/aws ] || packages+=(awscli)

source scripts/install-packages.sh
install_packages "${packages[@]}"

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Two cores: two compile jobs, no more.
cmake --build build -j 2

# promtool for tests/integration/test_metrics.py (its format check skips without it).
bash scripts/install-promtool.sh || echo "warning: scripts/install-promtool.sh failed; the metrics format check will skip" >&2

# Chromium and playwright-core for tests/integration/test_browser.py (it skips without them).
bash tests/browser/setup.sh || echo "warning: tests/browser/setup.sh failed; test_browser.py will skip" >&2
