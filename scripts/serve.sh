#!/usr/bin/env bash
# Sets up, builds and starts bucketfire on 127.0.0.1:4566 with its data in ./.bucketfire and
# the reference pipeline of fixtures/pipeline.json, on a virtual clock (time moves when asked, so
# the demo can show a year of storage classes; --clock real for wall time). Extra arguments go
# to `bucketfire serve` (e.g. --port 0, --data-dir :memory:, or another --config).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cat <<'MSG'

The reference pipeline (fixtures/pipeline.json, docs/reference-pipeline.md): POST /uploads
gives a presigned upload URL for s3://ingest; each upload runs "thumbnail" then "metadata"
into s3://processed; "indexer" keeps a search index there; "archiver" moves the original to
s3://archive. Watch it run in a browser: http://127.0.0.1:4566/_bucketfire/console/
Paste these into another terminal, in this folder:

  # 1. a token for POST /uploads (the demo JWT authorizer's HS256 key is in the pipeline file)
  TOKEN=$(build/bucketfire token --config fixtures/pipeline.json)

  # 2. ask for an upload URL for a picture
  FILE=fixtures/images/harbour.jpg
  curl -s -X POST http://127.0.0.1:4566/_api/uploads -H "Authorization: Bearer $TOKEN" \
       -H 'Content-Type: application/json' \
       -d "{\"contentType\": \"image/jpeg\", \"size\": $(stat -c %s $FILE), \"tags\": [\"harbour\"]}" > upload.json

  # 3. upload it with curl (the URL signs the type, the length and the tags)
  curl -X PUT --upload-file $FILE -H 'Content-Type: image/jpeg' -H 'x-amz-meta-tags: harbour' \
       "$(jq -r .upload.url upload.json)"

  # 4. see the results: thumbnails, metadata and where the original went; search; similar
  curl -s http://127.0.0.1:4566/_api/images/$(jq -r .id upload.json) | jq
  curl -s 'http://127.0.0.1:4566/_api/search?q=canon+harbour' | jq
  curl -s http://127.0.0.1:4566/_api/similar/$(jq -r .id upload.json) | jq
  curl -s http://127.0.0.1:4566/_bucketfire/invocations | jq '.invocations[:6]'

  # 5. a year later: where the original lives now, and reading it back through a restore
  curl -s -X POST 'http://127.0.0.1:4566/_bucketfire/clock?advance=365d' | jq
  curl -s -X POST http://127.0.0.1:4566/_api/images/$(jq -r .id upload.json)/restore | jq
  curl -s -X POST 'http://127.0.0.1:4566/_bucketfire/clock?advance=12h' | jq

  # or every fixture image, good and bad, with a summary tier by tier and the year after:
  bash scripts/demo.sh

The buckets answer any S3 client with credentials test/test, region us-east-1, e.g.
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test aws --endpoint-url http://127.0.0.1:4566 s3 ls s3://processed --recursive

MSG
clock=(--clock virtual)
for arg in "$@"; do [ "$arg" = --clock ] && clock=(); done
exec build/bucketfire serve --config fixtures/pipeline.json "${clock[@]}" "$@"
