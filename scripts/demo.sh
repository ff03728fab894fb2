#!/usr/bin/env bash
# Walks the reference pipeline with the fixture images, as a user would, and prints what each
# tier did. Needs a running `bash scripts/serve.sh` (or any server started with
# --config fixtures/pipeline.json); curl and jq do the talking, and libvips' vips makes one big picture.
#
#   bash scripts/demo.sh [ENDPOINT]        (default http://127.0.0.1:4566)
set -euo pipefail
cd "$(dirname "$0")/.."
endpoint=${1:-http://127.0.0.1:4566}
api=$endpoint/_api
bucketfire=${BUCKETFIRE_BIN:-build/bucketfire}
# S3 calls signed by curl itself; S3 wants x-amz-content-sha256, which curl 7.88 does not add.
s3=(curl -sS --aws-sigv4 "aws:amz:us-east-1:s3" --user "${AWS_ACCESS_KEY_ID:-test}:${AWS_SECRET_ACCESS_KEY:-test}"
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")

curl -sf "$endpoint/_bucketfire/health" >/dev/null || {
  echo "demo: no bucketfire at $endpoint; start it with: bash scripts/serve.sh" >&2
  exit 1
}
token=$("$bucketfire" token --config fixtures/pipeline.json)

content_type() {
  case "$1" in
    *.jpg) echo image/jpeg ;; *.png) echo image/png ;; *.webp) echo image/webp ;; *.tif) echo image/tiff ;;
    *.gif) echo image/gif ;; *.heic) echo image/heic ;; *.avif) echo image/avif ;;
  esac
}

# POST /uploads for a file in the client's trace; prints the answer (JSON) or fails with the
# API's message.
presign() {
  local file=$1 trace=$2 answer status
  answer=$(curl -sS -w '\n%{http_code}' -X POST "$api/uploads" -H "Authorization: Bearer $token" \
    -H "X-Amzn-Trace-Id: $trace" \
    -H 'Content-Type: application/json' \
    -d "{\"contentType\": \"$(content_type "$file")\", \"size\": $(stat -c %s "$file")}")
  status=${answer##*$'\n'}
  answer=${answer%$'\n'*}
  if [ "$status" != 201 ]; then
    echo "$status: $(jq -r .message <<<"$answer")"
    return 1
  fi
  echo "$answer"
}

# Uploads with the presigned PUT (or, with "form", the presigned POST form a browser would send).
# Both requests carry one X-Amzn-Trace-Id, as an X-Ray-instrumented client sends it, so the
# request, the upload and everything it causes are one trace in the console.
upload() {
  local file=$1 how=${2:-put} answer trace
  trace="Root=1-$(printf %08x "$(date +%s)")-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n');Sampled=1"
  answer=$(presign "$file" "$trace") || { echo "  refused  $(basename "$file"): $answer" >&2; return 1; }
  if [ "$how" = form ]; then
    local fields=()
    while IFS=$'\t' read -r name value; do fields+=(-F "$name=$value"); done \
      < <(jq -r '.form.fields | to_entries[] | [.key, .value] | @tsv' <<<"$answer")
    curl -sSf -o /dev/null -H "X-Amzn-Trace-Id: $trace" "${fields[@]}" -F "file=@$file" \
      "$(jq -r .form.url <<<"$answer")"
  else
    curl -sSf -o /dev/null -X PUT --upload-file "$file" -H "Content-Type: $(content_type "$file")" \
      -H "X-Amzn-Trace-Id: $trace" "$(jq -r .upload.url <<<"$answer")"
  fi
  echo "  uploaded $(basename "$file") as $(jq -r .id <<<"$answer") ($how)" >&2
  jq -r .id <<<"$answer"
}

# Keys under a prefix ('/' escaped by hand: curl 7.88 signs the query as it is written).
keys() { "${s3[@]}" "$endpoint/$1?list-type=2&prefix=${2//\//%2F}" | grep -o '<Key>[^<]*</Key>' | sed 's/<[^>]*>//g' || true; }
count() { keys "$1" "$2" | wc -l; }

echo "request tier: POST $api/uploads (JWT from: $bucketfire token --config fixtures/pipeline.json)" >&2
declare -A names=()  # image id -> file name
good_ids=()
for file in fixtures/images/*.jpg fixtures/images/*.png fixtures/images/*.tif fixtures/images/*.gif \
            fixtures/images/*.heic fixtures/images/*.avif; do
  id=$(upload "$file") && names[$id]=$(basename "$file") && good_ids+=("$id")
done
id=$(upload fixtures/images/sunset.webp form) && names[$id]=sunset.webp && good_ids+=("$id")
# One picture over 128 KB, the size from which Intelligent-Tiering monitors an object: 800x600
# of seeded noise, made with libvips' command line.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vips gaussnoise "$work/noise.v" 800 600 --mean 128 --sigma 40 --seed 1
vips cast "$work/noise.v" "$work/grey.v" uchar
vips bandjoin "$work/grey.v $work/grey.v $work/grey.v" "$work/rgb.v"
vips copy "$work/rgb.v" "$work/panorama.jpg[Q=90]"
id=$(upload "$work/panorama.jpg") && names[$id]=panorama.jpg && good_ids+=("$id")
bad=0
for file in fixtures/images/bad/*; do
  if id=$(upload "$file"); then
    names[$id]=$(basename "$file")
  else
    # Refused at the door (an empty file); put it in ingest directly, as `aws s3 cp` would.
    "${s3[@]}" -f -o /dev/null -X PUT --upload-file "$file" "$endpoint/ingest/uploads/demo/$(basename "$file")"
    echo "  put      $(basename "$file") straight into s3://ingest/uploads/demo/ instead" >&2
  fi
  bad=$((bad + 1))
done

echo
echo "waiting for the pipeline (at most 120 s)..."
deadline=$((SECONDS + 120))
while :; do
  archived=0
  for id in "${good_ids[@]}"; do
    [ "$(curl -sS "$api/images/$id" | jq -r '.original.state // empty')" = archived ] && archived=$((archived + 1))
  done
  failed=$(count archive aws/lambda/async/thumbnail/)
  [ "$archived" -ge "${#good_ids[@]}" ] && [ "$failed" -ge "$bad" ] && break
  if [ $SECONDS -ge $deadline ]; then
    echo "demo: gave up waiting: $archived of ${#good_ids[@]} archived, $failed of $bad failure records" >&2
    exit 1
  fi
  sleep 0.5
done

echo
echo "ingest      s3://ingest:     $(count ingest uploads/) objects left (bad uploads are kept for inspection)"
echo "processed   s3://processed:  $(count processed thumbnails/) thumbnails, $(count processed metadata/) metadata documents," \
     "search index of $("${s3[@]}" "$endpoint/processed/index/search-index.json" | jq '.images | length') images"
echo "archive     s3://archive:    $(count archive uploads/) originals (INTELLIGENT_TIERING), $(count archive aws/lambda/async/) failure records"
echo
echo "failures (on-failure destination, s3://archive/aws/lambda/async/):"
for key in $(keys archive aws/lambda/async/); do
  "${s3[@]}" "$endpoint/archive/$key" |
    jq -r '[(.requestPayload.Records[0].s3.object.key | split("/") | last | split(".") | first),
            (.requestContext.functionArn | split(":") | .[6]),
            "\(.responsePayload.errorType): \(.responsePayload.errorMessage)"] | @tsv' |
    while IFS=$'\t' read -r id function error; do
      printf '  %-18s %-9s %s\n' "${names[$id]:-$id}" "$function" "$error"
    done
done
echo
harbour=""
for id in "${!names[@]}"; do [ "${names[$id]}" = harbour.jpg ] && harbour=$id; done
echo "GET $api/search?q=canon"
curl -sS "$api/search?q=canon" | jq -r '.results[] | "  \(.id)  \(.camera)  \(.takenAt)"'
echo "GET $api/similar/$harbour   (harbour.jpg)"
curl -sS "$api/similar/$harbour?limit=3" | jq -r '.results[] | [.id, .similarity] | @tsv' |
  while IFS=$'\t' read -r id score; do echo "  $id  similarity $score  ${names[$id]:-}"; done
echo "GET $api/images/$harbour   (presigned URLs for its thumbnails and metadata)"
curl -sS "$api/images/$harbour" | jq -r '.thumbnails[] | "  \(.size) \(.format): \(.url[0:80])..."'

# The Object Lambda access point over processed (fixtures/pipeline.json): one thumbnail three
# ways. Its alias comes from S3 Control, and the ARN's host is reached with the server as
# curl's proxy, as boto3 and the aws CLI do with HTTP_PROXY.
echo
account=000000000000
authority=${endpoint#http://}
authority=${authority/127.0.0.1/localhost}
ol_alias=$(curl -sS -x "$endpoint" --aws-sigv4 "aws:amz:us-east-1:s3" \
  --user "${AWS_ACCESS_KEY_ID:-test}:${AWS_SECRET_ACCESS_KEY:-test}" -H "x-amz-account-id: $account" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
  "http://$account.$authority/v20180820/accesspointforobjectlambda/images-for-clients" |
  grep -o '<Value>[^<]*</Value>' | sed 's/<[^>]*>//g')
thumb=thumbnails/256/$harbour.webp
echo "one thumbnail, three ways (s3://processed/$thumb, harbour.jpg):"
# Prints the Content-Type and size of a GET: curl arguments, then the URL.
described() {
  "$@" -o "$work/got" -w '%{content_type}' | tr -d '\n'
  echo ", $(stat -c %s "$work/got") bytes, $(vipsheader -f width "$work/got")x$(vipsheader -f height "$work/got")"
}
echo "  stored:                                       $(described "${s3[@]}" "$endpoint/processed/$thumb")"
echo "  Object Lambda alias, Accept: image/avif:      $(described "${s3[@]}" -H 'Accept: image/avif,image/webp,*/*' "$endpoint/$ol_alias/$thumb")"
echo "  Object Lambda ARN's host, Accept: */*:        $(described curl -sS -x "$endpoint" \
  --aws-sigv4 "aws:amz:us-east-1:s3-object-lambda" --user "${AWS_ACCESS_KEY_ID:-test}:${AWS_SECRET_ACCESS_KEY:-test}" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -H 'Accept: */*' "http://images-for-clients-$account.$authority/$thumb")"
echo "  (the reencode function re-encodes for the client's Accept header and strips the metadata)"
# processed's bucket policy opens thumbnails/ to everyone, as a CDN's origin: no signature.
echo "  unsigned, as anyone (processed's policy):     $(described curl -sS "$endpoint/processed/$thumb")"

# A year on (originals of 128 KB and up tier down by Intelligent-Tiering, smaller ones by the
# small-originals lifecycle rule): only on a virtual clock (bash scripts/serve.sh runs one), which moves when asked.
if [ "$(curl -sS "$endpoint/_bucketfire/clock" | jq -r .virtual)" != true ]; then
  echo
  echo "(the server's clock is real: start it with --clock virtual to watch a year of tiering)"
  exit 0
fi
echo
echo "a year later: POST $endpoint/_bucketfire/clock?advance=365d (lifecycle and Intelligent-Tiering run each midnight)"
curl -sSf -X POST "$endpoint/_bucketfire/clock?advance=365d" | jq -r '"  the clock now reads \(.now)"'
echo "where every original lives now (GET $endpoint/_bucketfire/objects?bucket=archive&prefix=uploads/):"
curl -sSf "$endpoint/_bucketfire/objects?bucket=archive&prefix=uploads/" |
  jq -r '.objects[] | [(.key | split("/") | last | split(".") | first), .size, .storageClass, (.accessTier // "-")] | @tsv' |
  while IFS=$'\t' read -r id size class tier; do
    printf '  %-18s %7s bytes  %-19s %s\n' "${names[$id]:-$id}" "$size" "$class" "$tier"
  done
echo "ingest      s3://ingest:     $(count ingest uploads/) objects left (the leftover-uploads rule expired them after 30 days)"
echo "archive     s3://archive:    $(count archive aws/lambda/async/) failure records (the failure-records rule expired them after 90 days)"

echo
echo "reading an archived original: POST $api/images/$harbour/restore   (harbour.jpg)"
curl -sS -X POST "$api/images/$harbour/restore" | jq -r '"  \(.state): \(.storageClass), \(.tier // "") retrieval"'
echo "S3 takes up to 12 hours for DEEP_ARCHIVE at the Standard tier: POST $endpoint/_bucketfire/clock?advance=12h"
curl -sSf -o /dev/null -X POST "$endpoint/_bucketfire/clock?advance=12h"
deadline=$((SECONDS + 30))
until [ "$(curl -sS "$api/images/$harbour" | jq -r '.original.restore.state // empty')" = restored ]; do
  if [ $SECONDS -ge $deadline ]; then
    echo "demo: the restore of harbour.jpg did not finish" >&2
    exit 1
  fi
  sleep 0.2
done
answer=$(curl -sS "$api/images/$harbour")
echo "  ObjectRestore:Completed ran the restored function: $(jq -r '"restored until \(.original.restore.expires)"' <<<"$answer")"
bytes=$(curl -sSf "$(jq -r .original.url <<<"$answer")" | wc -c)
echo "  GET $api/images/$harbour now hands out the original: $bytes bytes"

# What the run would cost on AWS, in the Cost and Usage Report's terms (docs/cost.md).
echo
echo "what this year would cost on AWS: $bucketfire cost --by usage"
"$bucketfire" cost --endpoint "$endpoint" --by usage | sed 's/^/  /'
uploads=$(count archive uploads/)
echo
echo "the same year with 100,000 times the uploads ($((uploads * 100000)) images): $bucketfire cost --by usage --scale 100000"
"$bucketfire" cost --endpoint "$endpoint" --by usage --scale 100000 | sed 's/^/  /'

# New thumbnail sizes for everything already archived: S3 Batch Operations restores the cold
# originals, then runs the thumbnail function over each with the new settings (docs/reference-pipeline.md).
echo
echo "a new thumbnail size for the whole archive: bash scripts/reprocess.sh (S3 Batch Operations)"
bash scripts/reprocess.sh "$endpoint" 128,256,1024 90 | sed 's/^/  /'
