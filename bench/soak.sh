#!/usr/bin/env bash
# Soak: mixed S3 and Lambda load on one bucketfire, kill -9 every few minutes, then an
# account of everything the server acknowledged (bench/soak.py says what is checked).
#
#   bash bench/soak.sh [DURATION_SECONDS] [KILL_EVERY_SECONDS]   (defaults: 1800 and 180)
#
# Not a test: it reports, and exits non-zero only if acknowledged data was lost or wrong.
# Results: bench/results/soak-latest.md and bench/results/soak-latest.json.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
BUCKETFIRE_BIN="${BUCKETFIRE_BIN:-$REPO_ROOT/build/bucketfire}"
if [[ ! -x "$BUCKETFIRE_BIN" ]]; then
  echo "soak: bucketfire binary not found at $BUCKETFIRE_BIN (build it, or set BUCKETFIRE_BIN)" >&2
  exit 2
fi
exec python3 "$BENCH_DIR/soak.py" --binary "$BUCKETFIRE_BIN" --duration "${1:-1800}" --kill-every "${2:-180}"
