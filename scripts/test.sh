#!/usr/bin/env bash
# Sets up, builds and runs every test (unit and integration) under ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
ctest --output-on-failure -j 2 --timeout 900
