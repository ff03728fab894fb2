#!/usr/bin/env bash
# Sets up, builds and starts bucketfire on 127.0.0.1:4566 with its data in ./.bucketfire.
# Extra arguments go to `bucketfire serve` (e.g. --port 0, --data-dir :memory:).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cat <<'MSG'

Try it (credentials test/test, region us-east-1):
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
  aws --endpoint-url http://127.0.0.1:4566 s3 mb s3://demo
  aws --endpoint-url http://127.0.0.1:4566 s3 cp README.md s3://demo/
  aws --endpoint-url http://127.0.0.1:4566 s3 ls s3://demo

MSG
exec build/bucketfire serve "$@"
