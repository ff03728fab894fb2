#!/usr/bin/env bash
# Runs the ceph/s3-tests conformance suite (a checkout outside this repo) against a local
# bucketfire and prints a per-group pass/fail summary (scripts/s3-tests-summary.py).
#
#   bash scripts/s3-tests.sh /path/to/s3-tests [pytest args: -k EXPR, test paths, ...]
#
# With no test path among the arguments it runs s3tests/functional/test_s3.py.
# Environment:
#   BUCKETFIRE_BIN   the server binary (default build/bucketfire)
#   PYTHON           the interpreter with boto3 (default python3)
#   S3TESTS_OUT      where the conf, server log, junit xml and summary go (default: a new
#                    /tmp/s3-tests-out.XXXXXX, kept)
#   S3TESTS_TIMEOUT  seconds for the whole pytest run (default 1800)
#   S3TESTS_BUCKET_DEFAULTS  2023 (default: new buckets block public access and disable ACLs,
#                    as on AWS now) or legacy (as before April 2023, which most of the suite's
#                    ACL, policy and POST tests were written against): serve --bucket-defaults
#   S3TESTS_ISOLATE  1 (default): each test gets its own bucket prefix, so a bucket that
#                    one test leaves behind (its teardown then errors) cannot make the
#                    set-up of every later test fail; 0: stock s3-tests behaviour
# Python modules s3-tests needs besides boto3: pytest munch isodate pytz dateutil yaml.
# Those missing from $PYTHON but present in Debian's dist-packages (apt-get install
# python3-pytest python3-munch python3-isodate python3-tz) are linked into a private
# directory on PYTHONPATH; the rest of Debian's dist-packages is not put on the path.
set -euo pipefail

s3tests=${1:?usage: bash scripts/s3-tests.sh /path/to/s3-tests [pytest args...]}
shift
s3tests=$(cd "$s3tests" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BUCKETFIRE_BIN:-$root/build/bucketfire}
py=${PYTHON:-python3}
out=${S3TESTS_OUT:-$(mktemp -d /tmp/s3-tests-out.XXXXXX)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
server_pid=""

cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- Python dependencies: borrow only the missing pure-python modules from Debian ---
deps="$tmp/pydeps"
mkdir -p "$deps"
debian=/usr/lib/python3/dist-packages
for mod in pytest:pytest,_pytest,pluggy,iniconfig,packaging,py munch:munch isodate:isodate pytz:pytz; do
  if ! "$py" -c "import ${mod%%:*}" 2>/dev/null; then
    IFS=, read -ra names <<<"${mod#*:}"
    for n in "${names[@]}"; do
      for p in "$debian/$n" "$debian/$n.py" "$debian/$n"-[0-9]*-info; do
        [ -e "$p" ] && ln -sf "$p" "$deps/"
      done
    done
  fi
done
export PYTHONPATH="$deps${PYTHONPATH:+:$PYTHONPATH}"
"$py" -c "import boto3, pytest, munch, isodate, pytz, dateutil, yaml" || {
  echo "s3-tests.sh: missing Python modules; apt-get install python3-pytest python3-munch" \
       "python3-isodate python3-tz (boto3 must be importable by $py)" >&2
  exit 2
}

# --- principals: main is the server's default test/test; the others come from a file ---
# Section names become principal (display) names; s3-tests needs alt, tenant and iam keys.
cat >"$tmp/credentials" <<'EOF'
[alt]
aws_access_key_id = s3testsalt
aws_secret_access_key = s3testsaltsecret
[tenant]
aws_access_key_id = s3teststenant
aws_secret_access_key = s3teststenantsecret
[iam]
aws_access_key_id = s3testsiam
aws_secret_access_key = s3testsiamsecret
[iamroot]
aws_access_key_id = s3testsiamroot
aws_secret_access_key = s3testsiamrootsecret
[iamaltroot]
aws_access_key_id = s3testsiamaltroot
aws_secret_access_key = s3testsiamaltrootsecret
EOF

# --- start the server on a free loopback port with a throw-away data dir ---
"$bin" serve --port 0 --bind 127.0.0.1 --data-dir "$tmp/data" --bucket-defaults "${S3TESTS_BUCKET_DEFAULTS:-2023}" \
  --credentials "$tmp/credentials" >"$out/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's#.*bucketfire listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$out/server.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "s3-tests.sh: no ready line from bucketfire" >&2; exit 1; }
echo "bucketfire (pid $server_pid) on 127.0.0.1:$port; output in $out"

# --- s3tests.conf: owner IDs and display names as the server reports them ---
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL
"$py" - "$port" "$out/s3tests.conf" <<'EOF'
import sys, boto3
port, path = sys.argv[1], sys.argv[2]
users = {  # conf section: (access key, secret key)
    "s3 main": ("test", "test"), "s3 alt": ("s3testsalt", "s3testsaltsecret"),
    "s3 tenant": ("s3teststenant", "s3teststenantsecret"), "iam": ("s3testsiam", "s3testsiamsecret"),
    "iam root": ("s3testsiamroot", "s3testsiamrootsecret"),
    "iam alt root": ("s3testsiamaltroot", "s3testsiamaltrootsecret")}
lines = ["[DEFAULT]", "host = 127.0.0.1", f"port = {port}", "is_secure = False",
         "ssl_verify = False", "", "[fixtures]", "bucket prefix = s3tests-{random}-", ""]
for section, (key, secret) in users.items():
    owner = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id=key,
                         aws_secret_access_key=secret).list_buckets()["Owner"]
    name = section.replace(" ", "")
    lines += [f"[{section}]", f"access_key = {key}", f"secret_key = {secret}",
              f"user_id = {owner['ID']}", f"display_name = {owner.get('DisplayName', name)}",
              f"email = {name}@example.com"]
    if section == "s3 tenant":
        lines.append("tenant = s3teststenant")
    if section == "s3 main":  # SSE-KMS key ids as the server spells them back (an ARN)
        main = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}",
                            aws_access_key_id=key, aws_secret_access_key=secret)
        main.create_bucket(Bucket="s3tests-conf-probe")
        for opt, kid in (("kms_keyid", "testkey-1"), ("kms_keyid2", "testkey-2")):
            r = main.put_object(Bucket="s3tests-conf-probe", Key=kid, Body=b"",
                                ServerSideEncryption="aws:kms", SSEKMSKeyId=kid)
            main.delete_object(Bucket="s3tests-conf-probe", Key=kid)
            lines.append(f"{opt} = {r.get('SSEKMSKeyId', kid)}")
        main.delete_bucket(Bucket="s3tests-conf-probe")
    lines.append("")
open(path, "w").write("\n".join(lines))
EOF

# --- a small pytest plugin (on PYTHONPATH, loaded with -p) ---
# It records each test's markers (fails_on_aws, ...) in the junit xml, and, unless
# S3TESTS_ISOLATE=0, gives each test a fresh bucket prefix just before its fixtures run
# (s3-tests deletes every bucket under one run-wide prefix before and after each test).
cat >"$deps/bucketfire_s3tests.py" <<'EOF'
import os
import pytest
import s3tests.functional as f

@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.user_properties.append(("markers", " ".join(sorted({m.name for m in item.iter_markers()}))))
    if os.environ.get("S3TESTS_ISOLATE", "1") == "1" and f.prefix is not None:
        f.prefix = f.choose_bucket_prefix(template="s3tests-{random}-")
EOF

# --- run pytest: test_s3.py unless a positional argument names tests ---
target=(s3tests/functional/test_s3.py)
prev=""
for a in "$@"; do
  case "$prev" in -k|-m|-p|-o|-c|--deselect|--ignore|--junitxml|--rootdir|--maxfail) ;;
    *) case "$a" in -*) ;; *) target=() ;; esac ;;
  esac
  prev=$a
done
rc=0
(cd "$s3tests" && S3TEST_CONF="$out/s3tests.conf" timeout "${S3TESTS_TIMEOUT:-1800}" \
  "$py" -m pytest -q -rN --tb=no -p no:cacheprovider -p bucketfire_s3tests \
  --junitxml="$out/junit.xml" \
  "${target[@]}" "$@") || rc=$?
echo "pytest exit status $rc"

kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""

# --- per-group summary, and every failure with its one-line reason ---
if [ -f "$out/junit.xml" ]; then
  "$py" "$root/scripts/s3-tests-summary.py" "$out/junit.xml" --failures "$out/failures.txt" \
    | tee "$out/summary.txt"
  echo "failures with reasons: $out/failures.txt"
fi
