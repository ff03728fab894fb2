#!/usr/bin/env bash
# Runs every fuzz target under ASan+UBSan for SECONDS each (default 300), one after another,
# starting from its committed seeds (tests/fuzz/corpus/<name>/) plus what earlier runs here
# found (build-sanitize/fuzz-corpus/<name>/). A crash stops nothing: its input is saved as
# build-sanitize/fuzz-artifacts/<name>/crash-*, the summary says so, and the script fails.
# Prints a Markdown table for docs/security-and-limits.md.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
bash scripts/setup-sanitizers.sh || exit 1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cpp; do n=$(basename "$f" .cpp); targets+=("${n#fuzz_}"); done
fi
summary=build-sanitize/fuzz-summary.md
echo "| target | seconds | runs | corpus | result |" > "$summary"
echo "|---|---|---|---|---|" >> "$summary"
failed=0
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1"  # libFuzzer checks leaks itself (-detect_leaks)
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for name in "${targets[@]}"; do
  work=build-sanitize/fuzz-corpus/$name
  artifacts=build-sanitize/fuzz-artifacts/$name/
  mkdir -p "$work" "$artifacts"
  log=build-sanitize/fuzz-$name.log
  echo "fuzz_$name: ${seconds}s"
  build-sanitize/fuzz/fuzz_"$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" \
    "$work" tests/fuzz/corpus/"$name" > "$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  corpus=$(ls "$work" | wc -l)
  if [ $rc -eq 0 ]; then result="clean"; else result="**failed** (see $log)"; failed=1; fi
  echo "| fuzz_$name | $seconds | ${runs:-?} | $corpus | $result |" >> "$summary"
done
cat "$summary"
exit $failed
