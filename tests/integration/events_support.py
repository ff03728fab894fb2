"""Helpers for tests that watch S3 events arrive: a pipeline whose "recorder" function saves
every event it receives into a bucket, and readers that normalise the varying fields so an
event can be compared with a golden file."""

import json
import os
import re

import harness

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden", "events")

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HEX = re.compile(r"^[0-9A-F]+$")


class EventReader:
    """Reads the events the save-event handler stored in `bucket` (one object per event)."""

    def __init__(self, s3, bucket):
        self.s3 = s3
        self.bucket = bucket
        self.seen = {}

    def records(self):
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket):
            for obj in page.get("Contents", []):
                if obj["Key"] not in self.seen:
                    body = self.s3.get_object(Bucket=self.bucket, Key=obj["Key"])["Body"].read()
                    self.seen[obj["Key"]] = json.loads(body)
        out = []
        for event in self.seen.values():
            out.extend(event.get("Records", []))
        return out

    def for_key(self, bucket, key, event_name=None):
        return [r for r in self.records()
                if r["s3"]["bucket"]["name"] == bucket and decode_key(r["s3"]["object"]["key"]) == key
                and (event_name is None or r["eventName"] == event_name)]

    def wait(self, bucket, key, event_name=None, count=1, timeout=20):
        return harness.wait_for(
            lambda: (lambda found: found if len(found) >= count else None)(
                self.for_key(bucket, key, event_name)),
            f"{count} {event_name or 'event'} record(s) for s3://{bucket}/{key}", timeout)


def decode_key(encoded):
    from urllib.parse import unquote_plus
    return unquote_plus(encoded)


def normalise(record):
    """Replaces the fields that differ run to run with placeholders, after checking their
    form."""
    r = json.loads(json.dumps(record))
    assert ISO_MS.match(r["eventTime"]), r["eventTime"]
    r["eventTime"] = "<eventTime>"
    rid = r["responseElements"]["x-amz-request-id"]
    assert HEX.match(rid) and len(rid) == 16, rid
    r["responseElements"]["x-amz-request-id"] = "<request-id>"
    r["responseElements"]["x-amz-id-2"] = "<host-id>"
    obj = r["s3"]["object"]
    assert HEX.match(obj["sequencer"]), obj["sequencer"]
    obj["sequencer"] = "<sequencer>"
    if "versionId" in obj:
        assert obj["versionId"] and obj["versionId"] != "null", obj["versionId"]
        obj["versionId"] = "<version-id>"
    return r


def golden(name):
    with open(os.path.join(GOLDEN_DIR, name + ".json")) as f:
        return json.load(f)


def write_golden(name, record):
    os.makedirs(GOLDEN_DIR, exist_ok=True)
    with open(os.path.join(GOLDEN_DIR, name + ".json"), "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
