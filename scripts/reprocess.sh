#!/usr/bin/env bash
# Reprocesses the archive with S3 Batch Operations, as the architecture does on AWS when the
# thumbnails change: every original in s3://archive/uploads/ gets its thumbnails and metadata
# made again by the `thumbnail` function with new settings (the job's user arguments), and the
# indexer follows each new metadata document as it follows an upload's.
#
# Archived originals are restored first: one S3InitiateRestoreObject job for GLACIER and
# DEEP_ARCHIVE, another for Intelligent-Tiering's archive tiers (S3 takes no ExpirationInDays
# for those, so they cannot share a job). Restores take hours, so on a virtual clock the script
# moves it 48 hours (Bulk's longest), waits until every original is readable, then starts the
# LambdaInvoke job. It prints each job's progress while it runs and the report when it ends.
#
# The S3 Control API lives at {account}.host; curl signs its requests and sends them through
# the server as its HTTP proxy, as boto3 and the aws CLI do with HTTP_PROXY (README).
#
#   bash scripts/reprocess.sh [ENDPOINT] [SIZES] [QUALITY]
#   (defaults http://127.0.0.1:4566, 128,256,1024 and 90)
set -euo pipefail
endpoint=${1:-http://127.0.0.1:4566}
sizes=${2:-128,256,1024}
quality=${3:-90}
account=000000000000
region=${AWS_DEFAULT_REGION:-us-east-1}
user="${AWS_ACCESS_KEY_ID:-test}:${AWS_SECRET_ACCESS_KEY:-test}"
authority=${endpoint#http://}
control_url="http://$account.${authority/127.0.0.1/localhost}/v20180820"
reports=reports/reprocess

curl -sf "$endpoint/_bucketfire/health" >/dev/null || {
  echo "reprocess: no bucketfire at $endpoint; start it with: bash scripts/serve.sh" >&2
  exit 1
}

# An S3 Control call: METHOD PATH [BODY]. Prints the XML answer; fails with S3 Control's error.
control() {
  local method=$1 path=$2 body=${3:-} answer status
  local send=()
  [ -n "$body" ] && send=(-H 'Content-Type: application/xml' --data-binary "$body")
  answer=$(curl -sS -w '\n%{http_code}' -x "$endpoint" -X "$method" \
    --aws-sigv4 "aws:amz:$region:s3" --user "$user" -H "x-amz-account-id: $account" \
    -H "x-amz-content-sha256: $(printf '%s' "$body" | sha256sum | cut -d' ' -f1)" \
    "${send[@]}" "$control_url$path")
  status=${answer##*$'\n'}
  answer=${answer%$'\n'*}
  if [ "${status:0:1}" != 2 ]; then
    echo "reprocess: $method $path: $status $(xml Code <<<"$answer"): $(xml Message <<<"$answer")" >&2
    return 1
  fi
  echo "$answer"
}

# The first <NAME>…</NAME> of the XML on standard input.
xml() { grep -o "<$1>[^<]*</$1>" | head -1 | sed 's/<[^>]*>//g' || true; }

# <member> elements of a list.
members() { local m; for m in "$@"; do printf '<member>%s</member>' "$m"; done; }

# CreateJob over the archived originals the storage classes select; prints the job id.
create_job() {
  local description=$1 operation=$2 scope=$3; shift 3
  local classes=""
  [ $# -gt 0 ] && classes="<MatchAnyStorageClass>$(members "$@")</MatchAnyStorageClass>"
  control POST /jobs "<CreateJobRequest xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\">
  <ConfirmationRequired>false</ConfirmationRequired>
  <Operation>$operation</Operation>
  <Report><Bucket>arn:aws:s3:::processed</Bucket><Format>Report_CSV_20180820</Format><Enabled>true</Enabled>
    <Prefix>$reports</Prefix><ReportScope>$scope</ReportScope></Report>
  <ClientRequestToken>$(cat /proc/sys/kernel/random/uuid)</ClientRequestToken>
  <Description>$description</Description>
  <Priority>10</Priority>
  <RoleArn>arn:aws:iam::$account:role/batch-operations</RoleArn>
  <ManifestGenerator><S3JobManifestGenerator>
    <ExpectedBucketOwner>$account</ExpectedBucketOwner>
    <SourceBucket>arn:aws:s3:::archive</SourceBucket>
    <EnableManifestOutput>false</EnableManifestOutput>
    <Filter><KeyNameConstraint><MatchAnyPrefix><member>uploads/</member></MatchAnyPrefix></KeyNameConstraint>$classes</Filter>
  </S3JobManifestGenerator></ManifestGenerator>
</CreateJobRequest>" | xml JobId
}

# Prints the job's progress as it changes until it ends; fails unless it ends Complete.
follow_job() {
  local id=$1 job status line last="" deadline=$((SECONDS + 300))
  while :; do
    job=$(control GET "/jobs/$id")
    status=$(xml Status <<<"$job")
    line="  job $id: $status, $(xml NumberOfTasksSucceeded <<<"$job") succeeded, $(xml NumberOfTasksFailed <<<"$job") failed of $(xml TotalNumberOfTasks <<<"$job") tasks"
    [ "$line" != "$last" ] && echo "$line" && last=$line
    case $status in
      Complete) return 0 ;;
      Failed | Cancelled) echo "reprocess: job $id ended $status: $(xml FailureReason <<<"$job")" >&2; return 1 ;;
    esac
    if [ $SECONDS -ge $deadline ]; then echo "reprocess: job $id did not finish in 5 minutes" >&2; return 1; fi
    sleep 0.3
  done
}

# The job's completion report, a line per task: the image's file name, its status and message.
print_report() {
  local id=$1 manifest key
  manifest=$(curl -sSf "$endpoint/_bucketfire/objects?bucket=processed&prefix=$reports/job-$id/manifest.json" | jq -r '.objects | length')
  [ "$manifest" = 1 ] || { echo "reprocess: job $id wrote no report" >&2; return 1; }
  echo "  report: s3://processed/$reports/job-$id/ (a row per task: key, status, HTTP status, error code, message)"
  for key in $(s3_get "processed/$reports/job-$id/manifest.json" | jq -r '.Results[].Key'); do
    s3_get "processed/$key" | while IFS=, read -r _bucket object _version status http code message; do
      printf '    %-46s %-9s %s %s %s\n' "${object##*/}" "$status" "$http" "${code:--}" "$message"
    done
  done
}

# A GET signed by curl (S3 wants x-amz-content-sha256, which curl 7.88 does not add itself).
s3_get() {
  curl -sSf --aws-sigv4 "aws:amz:$region:s3" --user "$user" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$endpoint/$1"
}

# Archived originals not readable now, one "class tier" line each.
cold_originals() {
  curl -sSf "$endpoint/_bucketfire/objects?bucket=archive&prefix=uploads/&limit=10000" |
    jq -r '.objects[] | select(.archived and ((.restore == null) or .restore.ongoing)) | "\(.storageClass) \(.accessTier // "-")"'
}

total=$(curl -sSf "$endpoint/_bucketfire/objects?bucket=archive&prefix=uploads/&limit=10000" | jq '.objects | length')
[ "$total" -gt 0 ] || { echo "reprocess: no originals in s3://archive/uploads/ yet (run bash scripts/demo.sh first)" >&2; exit 1; }
cold=$(cold_originals)
glacier=$(grep -c -E '^(GLACIER|DEEP_ARCHIVE) ' <<<"$cold" || true)
tiered=$(grep -c '^INTELLIGENT_TIERING ' <<<"$cold" || true)
echo "reprocessing $total originals in s3://archive/uploads/ with thumbnailSizes=$sizes thumbnailQuality=$quality"
echo "  $glacier in GLACIER or DEEP_ARCHIVE and $tiered in an Intelligent-Tiering archive tier must be restored first"

if [ $((glacier + tiered)) -gt 0 ]; then
  if [ "$(curl -sS "$endpoint/_bucketfire/clock" | jq -r .virtual)" != true ]; then
    echo "reprocess: restores take up to 48 hours; start the server with --clock virtual (bash scripts/serve.sh does)" >&2
    exit 1
  fi
  if [ "$glacier" -gt 0 ]; then
    echo
    echo "restore job (S3InitiateRestoreObject, Bulk, 7 days) over GLACIER and DEEP_ARCHIVE originals:"
    id=$(create_job "reprocess: restore archived originals" \
      "<S3InitiateRestoreObject><ExpirationInDays>7</ExpirationInDays><GlacierJobTier>BULK</GlacierJobTier></S3InitiateRestoreObject>" \
      FailedTasksOnly GLACIER DEEP_ARCHIVE)
    follow_job "$id"
  fi
  if [ "$tiered" -gt 0 ]; then
    echo
    echo "restore job (S3InitiateRestoreObject, Bulk) over Intelligent-Tiering originals in an archive tier:"
    id=$(create_job "reprocess: restore Intelligent-Tiering originals" \
      "<S3InitiateRestoreObject><GlacierJobTier>BULK</GlacierJobTier></S3InitiateRestoreObject>" \
      FailedTasksOnly INTELLIGENT_TIERING)
    follow_job "$id"
  fi
  echo
  echo "Bulk restores take up to 48 hours: POST $endpoint/_bucketfire/clock?advance=48h"
  curl -sSf -X POST "$endpoint/_bucketfire/clock?advance=48h" | jq -r '"  the clock now reads \(.now)"'
  deadline=$((SECONDS + 60))
  while [ -n "$(cold_originals)" ]; do
    if [ $SECONDS -ge $deadline ]; then
      echo "reprocess: originals still archived after the restores: $(cold_originals | wc -l)" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "  every original is readable"
fi

echo
echo "LambdaInvoke job (function thumbnail, schema 2.0) over every original, with UserArguments"
echo "  {\"thumbnailSizes\": \"$sizes\", \"thumbnailQuality\": \"$quality\"}:"
id=$(create_job "reprocess: thumbnails $sizes at quality $quality" \
  "<LambdaInvoke><FunctionArn>arn:aws:lambda:$region:$account:function:thumbnail</FunctionArn>
     <InvocationSchemaVersion>2.0</InvocationSchemaVersion>
     <UserArguments><entry><key>thumbnailSizes</key><value>$sizes</value></entry>
       <entry><key>thumbnailQuality</key><value>$quality</value></entry></UserArguments></LambdaInvoke>" \
  AllTasks)
follow_job "$id"
print_report "$id"
echo
echo "each new metadata document ran the indexer, as an upload's does; GET $endpoint/_api/images/{id} now lists"
echo "the thumbnails in every size (e.g. $(curl -sSf "$endpoint/_bucketfire/objects?bucket=processed&prefix=thumbnails/${sizes%%,*}/&limit=10000" | jq '.objects | length') thumbnails under s3://processed/thumbnails/${sizes%%,*}/)"
