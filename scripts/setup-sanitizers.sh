#!/usr/bin/env bash
# Builds bucketfire, its unit tests and the fuzz targets with clang 14 under AddressSanitizer
# and UndefinedBehaviorSanitizer into build-sanitize/ (run scripts/setup.sh first for the
# libraries). The fuzz targets there are libFuzzer executables: scripts/fuzz.sh runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/install-packages.sh
install_packages clang-14 libfuzzer-14-dev

CC=clang-14 CXX=clang++-14 cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBF_SANITIZE=address,undefined -DBF_FUZZ=ON >/dev/null
cmake --build build-sanitize -j 2
