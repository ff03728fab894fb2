#!/usr/bin/env bash
# Sets up, builds and starts bucketfire on 127.0.0.1:4566 with its data in ./.bucketfire and
# the demo pipeline of fixtures/demo-pipeline.json. Extra arguments go to `bucketfire serve`
# (e.g. --port 0, --data-dir :memory:, or another --config).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cat <<'MSG'

The demo pipeline: an upload to s3://ingest runs the "process" function, which copies the
object to s3://processed, which runs "index" (it logs the event). Try it (credentials
test/test, region us-east-1):
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
  aws --endpoint-url http://127.0.0.1:4566 s3 cp README.md s3://ingest/
  aws --endpoint-url http://127.0.0.1:4566 s3 ls s3://processed
  curl -s http://127.0.0.1:4566/_bucketfire/invocations
  aws --endpoint-url http://127.0.0.1:4566 lambda invoke --function-name index --payload '{}' out.json

MSG
exec build/bucketfire serve --config fixtures/demo-pipeline.json "$@"
