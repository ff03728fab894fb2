#!/usr/bin/env bash
# The sanitizer job of CI: the unit tests and a fast subset of the integration tests against
# the ASan+UBSan build (build-sanitize/). Any report fails the run: UBSan and ASan abort the
# process, which the tests see as a failure. The subset is the hostile-input, authentication,
# durability and crash tests, the paths where memory errors would matter most, the reference
# pipeline, whose image decoding runs through libvips and its codecs, and the logs, metrics and
# traces, which every invocation and request feeds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-sanitizers.sh
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# libvips and GLib keep caches for the life of the process; their allocations are not ours.
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0"
cd build-sanitize
ctest --output-on-failure -j 2 --timeout 900 -E '^integration\.'
ctest --output-on-failure -j 2 --timeout 900 \
  -R '^integration\.test_(hostile|auth|functions_durable|crash|post_object|conditional_writes|versioning|reference_pipeline|logs|metrics|traces)$'
