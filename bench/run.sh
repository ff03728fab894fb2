#!/usr/bin/env bash
# Benchmark bucketfire against moto and nginx on 127.0.0.1.
#
# Not a test: it measures and reports, it never fails on a timing. Every
# server is started here on a free port and stopped at the end, whatever
# happens. Results: bench/results/latest.md and bench/results/latest.json.
#
# Environment:
#   BUCKETFIRE_BIN  server binary (default: build/bucketfire under the repo
#                   root, else /work/build/bucketfire)
#   NGINX_BIN       nginx binary (default: nginx on PATH, else /usr/sbin/nginx)
#   BENCH_ARGS      extra options for bench/bench.py (e.g. "--duration 5")
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"

if [[ -z "${BUCKETFIRE_BIN:-}" ]]; then
  if [[ -x "$REPO_ROOT/build/bucketfire" ]]; then
    BUCKETFIRE_BIN="$REPO_ROOT/build/bucketfire"
  else
    BUCKETFIRE_BIN=/work/build/bucketfire
  fi
fi
if [[ ! -x "$BUCKETFIRE_BIN" ]]; then
  echo "bench: bucketfire binary not found at $BUCKETFIRE_BIN (set BUCKETFIRE_BIN)" >&2
  exit 2
fi
BUCKETFIRE_BIN="$(cd "$(dirname "$BUCKETFIRE_BIN")" && pwd)/$(basename "$BUCKETFIRE_BIN")"

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

# apt-get install, without letting a package's post-install start a system
# service (the Debian nginx package would otherwise start one on port 80).
apt_install() {
  echo "bench: installing $*" >&2
  local policy=/usr/sbin/policy-rc.d added=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    added=1
  fi
  local rc=0
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" || rc=$?
  if [[ $added -eq 1 ]]; then $SUDO rm -f "$policy"; fi
  return $rc
}

nginx_path() {
  if [[ -n "${NGINX_BIN:-}" ]]; then echo "$NGINX_BIN"; return; fi
  command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true
}

# Tools: installed only when missing, so no network is needed on a prepared machine.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[[ -n "$(nginx_path)" ]] || missing+=(nginx-light)
if (( ${#missing[@]} )); then apt_install "${missing[@]}"; fi
# Installed for completeness of the nginx setup, never loaded (PUT needs only the core
# DAV module), so failing to get it is not fatal.
if ! dpkg -s libnginx-mod-http-dav-ext >/dev/null 2>&1; then
  apt_install libnginx-mod-http-dav-ext || echo "bench: libnginx-mod-http-dav-ext not installed (not needed)" >&2
fi

NGINX="$(nginx_path)"
# PUT needs the core ngx_http_dav_module (the dav-ext module is only for
# PROPFIND/OPTIONS, so it is not loaded). Some nginx-light builds lack it;
# nginx-core / nginx-full have it.
if ! "$NGINX" -V 2>&1 | grep -q with-http_dav_module; then
  echo "bench: $NGINX lacks http_dav_module; trying nginx-core / nginx-full" >&2
  apt_install nginx-core || apt_install nginx-full || true
  NGINX="$(nginx_path)"
  if ! "$NGINX" -V 2>&1 | grep -q with-http_dav_module; then
    echo "bench: no nginx with http_dav_module available; nginx PUT rows will fail" >&2
  fi
fi

if ! python3 -c 'import boto3, moto.server' 2>/dev/null; then
  echo "bench: python3 needs boto3 and moto[server] (not installed here by this script)" >&2
  exit 2
fi

WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/bucketfire-bench.XXXXXX")"
: >"$WORKDIR/pids"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Stop anything bench.py started that is still alive (it stops them itself;
  # this is for when it was interrupted). Bounded: TERM, up to 5 s, then KILL.
  local pids=()
  if [[ -f "$WORKDIR/pids" ]]; then
    while read -r pid; do
      # only processes still running in our work dir (guards against pid reuse)
      [[ -n "$pid" ]] && [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$WORKDIR"* ]] && pids+=("$pid")
    done <"$WORKDIR/pids"
  fi
  if (( ${#pids[@]} )); then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
      local alive=0
      for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
      (( alive )) || break
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  rm -rf "$WORKDIR"
  exit "$rc"
}
BENCH_PID=""
stop_bench() {
  # Ask bench.py to stop its servers itself first; cleanup() then catches the rest.
  if [[ -n "$BENCH_PID" ]] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$BENCH_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'stop_bench 130' INT
trap 'stop_bench 143' TERM

# In the background so a signal to this script is handled at once, not after the run.
# shellcheck disable=SC2086
python3 "$BENCH_DIR/bench.py" \
  --bucketfire "$BUCKETFIRE_BIN" \
  --nginx "$NGINX" \
  --workdir "$WORKDIR" \
  --out-dir "$BENCH_DIR/results" \
  ${BENCH_ARGS:-} &
BENCH_PID=$!
wait "$BENCH_PID"
