#!/usr/bin/env bash
# Builds the test-image generator and runs it.
#   scripts/make-fixture-images.sh                         regenerate fixtures/images
#   scripts/make-fixture-images.sh bench /tmp/bench 200    benchmark JPEGs
# The output is deterministic, so regenerating the committed fixtures should
# leave git with nothing to commit unless the generator itself changed.
set -euo pipefail
cd "$(dirname "$0")/.."

src=fixtures/images/make_images.cpp
bin="${BUILD_DIR:-build}/tools/make_images"

# Rebuild only when the source changed: it is one file, but compiling the
# vips C++ headers still takes a few seconds.
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
  mkdir -p "$(dirname "$bin")"
  echo "compiling $bin"
  # shellcheck disable=SC2046  # pkg-config output must split into flags
  g++ -std=c++20 -O2 -o "$bin" "$src" $(pkg-config --cflags --libs vips-cpp)
fi

if [ $# -eq 0 ]; then
  set -- fixtures fixtures/images
fi
exec "$bin" "$@"
