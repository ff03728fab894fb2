"""S3 event notifications: the configuration API (aws CLI and boto3), AWS's validation
errors, the event JSON of every write path compared field for field (and in AWS's field
order) with golden files, prefix/suffix filters, and presigned PUT, POST and multipart
uploads each firing exactly once."""

import json
import os
import subprocess
import tempfile
import unittest
import urllib.parse

import harness
from events_support import EventReader, golden, normalise, write_golden

UPDATE_GOLDEN = os.environ.get("BUCKETFIRE_UPDATE_GOLDEN") == "1"
ALL_EVENTS = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*"]

PIPELINE = {
    "functions": [
        {"name": "recorder", "handler": "save-event", "environment": {"EVENT_BUCKET": "events"}},
        {"name": "other", "handler": "echo"},
    ],
    "buckets": [
        {"name": "events"},
        {"name": "golden", "notifications": [{"id": "record-all", "function": "recorder", "events": ALL_EVENTS}]},
        {"name": "golden-versioned", "versioning": "Enabled",
         "notifications": [{"id": "record-all", "function": "recorder", "events": ALL_EVENTS}]},
        {"name": "filtered", "notifications": [
            {"id": "jpegs", "function": "recorder", "events": ["s3:ObjectCreated:Put"],
             "prefix": "in/", "suffix": ".jpg"}]},
        {"name": "once", "notifications": [{"id": "uploads", "function": "recorder", "events": ["s3:ObjectCreated:*"]}]},
    ],
}


class Notifications(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.events = EventReader(cls.s3, "events")

    def assertGolden(self, name, record, response):
        self.assertEqual(record["responseElements"]["x-amz-request-id"],
                         response["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"],
                         "the event carries the S3 response's request id")
        normal = normalise(record)
        if UPDATE_GOLDEN:
            write_golden(name, normal)
        self.assertEqual(json.dumps(normal, indent=1), json.dumps(golden(name), indent=1),
                         f"event {name} differs from tests/golden/events/{name}.json")

    def test_event_json_of_every_write_path(self):
        s3 = self.s3
        put = s3.put_object(Bucket="golden", Key="photos/red flower+1.jpg", Body=b"hello world")
        [record] = self.events.wait("golden", "photos/red flower+1.jpg", "ObjectCreated:Put")
        self.assertGolden("put", record, put)
        # The key is form-encoded as S3 does it: space as '+', '+' as %2B, '/' kept.
        self.assertEqual(record["s3"]["object"]["key"], "photos/red+flower%2B1.jpg")

        copy = s3.copy_object(Bucket="golden", Key="copies/one.txt",
                              CopySource={"Bucket": "golden", "Key": "photos/red flower+1.jpg"})
        [record] = self.events.wait("golden", "copies/one.txt", "ObjectCreated:Copy")
        self.assertGolden("copy", record, copy)

        upload = s3.create_multipart_upload(Bucket="golden", Key="big/parts.bin")
        part = s3.upload_part(Bucket="golden", Key="big/parts.bin", UploadId=upload["UploadId"],
                              PartNumber=1, Body=b"p" * 1024)
        done = s3.complete_multipart_upload(
            Bucket="golden", Key="big/parts.bin", UploadId=upload["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        [record] = self.events.wait("golden", "big/parts.bin", "ObjectCreated:CompleteMultipartUpload")
        self.assertGolden("complete_multipart_upload", record, done)

        post = s3.generate_presigned_post("golden", "forms/post.txt")
        status, headers = post_form(post, b"posted")
        self.assertEqual(status, 204)
        [record] = self.events.wait("golden", "forms/post.txt", "ObjectCreated:Post")
        self.assertEqual(record["responseElements"]["x-amz-request-id"], headers["x-amz-request-id"])
        self.assertGolden("post", record, {"ResponseMetadata": {"HTTPHeaders": headers}})

        tagged = s3.put_object_tagging(Bucket="golden", Key="copies/one.txt",
                                       Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
        [record] = self.events.wait("golden", "copies/one.txt", "ObjectTagging:Put")
        self.assertGolden("tagging_put", record, tagged)
        untagged = s3.delete_object_tagging(Bucket="golden", Key="copies/one.txt")
        [record] = self.events.wait("golden", "copies/one.txt", "ObjectTagging:Delete")
        self.assertGolden("tagging_delete", record, untagged)

        deleted = s3.delete_object(Bucket="golden", Key="copies/one.txt")
        [record] = self.events.wait("golden", "copies/one.txt", "ObjectRemoved:Delete")
        self.assertGolden("delete", record, deleted)

        # Sequencers of one key grow with each change.
        seqs = [r["s3"]["object"]["sequencer"] for r in self.events.for_key("golden", "copies/one.txt")]
        ordered = sorted(self.events.for_key("golden", "copies/one.txt"), key=lambda r: r["eventTime"])
        self.assertEqual(len(seqs), 4)
        as_ints = [int(r["s3"]["object"]["sequencer"], 16) for r in ordered]
        self.assertEqual(as_ints, sorted(as_ints))

    def test_versioned_bucket_events_carry_version_ids(self):
        s3 = self.s3
        put = s3.put_object(Bucket="golden-versioned", Key="doc.txt", Body=b"v1")
        [record] = self.events.wait("golden-versioned", "doc.txt", "ObjectCreated:Put")
        self.assertEqual(record["s3"]["object"]["versionId"], put["VersionId"])
        self.assertGolden("versioned_put", record, put)
        marker = s3.delete_object(Bucket="golden-versioned", Key="doc.txt")
        self.assertTrue(marker["DeleteMarker"])
        [record] = self.events.wait("golden-versioned", "doc.txt", "ObjectRemoved:DeleteMarkerCreated")
        self.assertEqual(record["s3"]["object"]["versionId"], marker["VersionId"])
        self.assertGolden("delete_marker_created", record, marker)
        # Removing a version for good is ObjectRemoved:Delete with that version id.
        gone = s3.delete_object(Bucket="golden-versioned", Key="doc.txt", VersionId=put["VersionId"])
        [record] = self.events.wait("golden-versioned", "doc.txt", "ObjectRemoved:Delete")
        self.assertEqual(record["s3"]["object"]["versionId"], put["VersionId"])
        # DeleteObjects fires one event per deleted key.
        s3.put_object(Bucket="golden-versioned", Key="batch/a", Body=b"a")
        s3.put_object(Bucket="golden-versioned", Key="batch/b", Body=b"b")
        s3.delete_objects(Bucket="golden-versioned",
                          Delete={"Objects": [{"Key": "batch/a"}, {"Key": "batch/b"}]})
        self.events.wait("golden-versioned", "batch/a", "ObjectRemoved:DeleteMarkerCreated")
        self.events.wait("golden-versioned", "batch/b", "ObjectRemoved:DeleteMarkerCreated")

    def test_prefix_and_suffix_filters(self):
        for key in ["in/a.png", "out/a.jpg", "in/a.jpg", "in.jpg", "in/deep/b.jpg"]:
            self.s3.put_object(Bucket="filtered", Key=key, Body=b"x")
        self.events.wait("filtered", "in/deep/b.jpg")
        self.events.wait("filtered", "in/a.jpg")
        # Events are queued in the same transaction as the write: once the queue is empty,
        # every event the writes caused has been delivered.
        harness.wait_for(lambda: self.server.internal("health")["pendingEvents"] == 0, "empty queue")
        keys = sorted(r["s3"]["object"]["key"] for r in self.events.records()
                      if r["s3"]["bucket"]["name"] == "filtered")
        self.assertEqual(keys, ["in/a.jpg", "in/deep/b.jpg"])

    def test_presigned_put_post_and_multipart_fire_exactly_once(self):
        url = self.s3.generate_presigned_url("put_object", Params={"Bucket": "once", "Key": "presigned.txt"})
        split = urllib.parse.urlsplit(url)
        resp = self.server.raw("PUT", f"{split.path}?{split.query}", body=b"via presigned url")
        self.assertEqual(resp.status, 200, repr(resp))
        status, _ = post_form(self.s3.generate_presigned_post("once", "form.txt"), b"via form")
        self.assertEqual(status, 204)
        from boto3.s3.transfer import TransferConfig
        with tempfile.NamedTemporaryFile() as f:
            f.write(os.urandom(6 * 1024 * 1024))
            f.flush()
            self.s3.upload_file(f.name, "once", "multipart.bin",
                                Config=TransferConfig(multipart_threshold=5 * 1024 * 1024,
                                                      multipart_chunksize=5 * 1024 * 1024))
        self.events.wait("once", "presigned.txt", "ObjectCreated:Put")
        self.events.wait("once", "form.txt", "ObjectCreated:Post")
        self.events.wait("once", "multipart.bin", "ObjectCreated:CompleteMultipartUpload")
        harness.wait_for(lambda: self.server.internal("health")["pendingEvents"] == 0, "empty queue")
        for key in ["presigned.txt", "form.txt", "multipart.bin"]:
            self.assertEqual(len(self.events.for_key("once", key)), 1, key)

    def test_configuration_api_with_the_aws_cli(self):
        bucket = self.new_bucket()
        arn = "arn:aws:lambda:us-east-1:000000000000:function:recorder"
        config = {"LambdaFunctionConfigurations": [{
            "Id": "cli", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "up/"}]}}}]}
        self.server.aws("s3api", "put-bucket-notification-configuration", "--bucket", bucket,
                        "--notification-configuration", json.dumps(config))
        got = self.server.aws_json("s3api", "get-bucket-notification-configuration", "--bucket", bucket)
        self.assertEqual(got["LambdaFunctionConfigurations"], [{
            "Id": "cli", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "up/"}]}}}])
        self.server.aws("s3", "cp", "-", f"s3://{bucket}/up/file.txt", input_text="from the cli")
        self.events.wait(bucket, "up/file.txt", "ObjectCreated:Put")
        # An empty configuration removes every rule; writes then fire nothing.
        self.server.aws("s3api", "put-bucket-notification-configuration", "--bucket", bucket,
                        "--notification-configuration", "{}")
        got = self.server.aws_json("s3api", "get-bucket-notification-configuration", "--bucket", bucket)
        self.assertNotIn("LambdaFunctionConfigurations", got)

    def test_validation_errors(self):
        bucket = self.new_bucket()
        arn = "arn:aws:lambda:us-east-1:000000000000:function:"

        def put(config):
            return lambda: self.s3.put_bucket_notification_configuration(
                Bucket=bucket, NotificationConfiguration=config)

        def rule(fn="recorder", events=("s3:ObjectCreated:*",), prefix=None, suffix=None, id=None):
            r = {"LambdaFunctionArn": arn + fn, "Events": list(events)}
            rules = ([{"Name": "prefix", "Value": prefix}] if prefix is not None else []) + \
                    ([{"Name": "suffix", "Value": suffix}] if suffix is not None else [])
            if rules:
                r["Filter"] = {"Key": {"FilterRules": rules}}
            if id:
                r["Id"] = id
            return r

        err = self.assertClientError(put({"LambdaFunctionConfigurations": [rule(fn="missing")]}),
                                     "InvalidArgument", 400)
        self.assertIn("Unable to validate the following destination configurations",
                      err["Error"]["Message"])
        self.assertClientError(put({"LambdaFunctionConfigurations": [rule(events=["s3:ObjectMade:*"])]}),
                               "InvalidArgument", 400)
        err = self.assertClientError(put({"LambdaFunctionConfigurations": [
            rule(prefix="images/", id="a"),
            rule(fn="other", events=["s3:ObjectCreated:Put"], prefix="images/thumbs/", id="b")]}),
            "InvalidArgument", 400)
        self.assertIn("overlapping", err["Error"]["Message"])
        # Different event types, or disjoint prefixes, do not overlap.
        self.s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                rule(prefix="images/", id="a"),
                rule(fn="other", events=["s3:ObjectRemoved:*"], prefix="images/", id="b"),
                rule(fn="other", prefix="docs/", id="c")]})
        got = self.s3.get_bucket_notification_configuration(Bucket=bucket)
        self.assertEqual([c["Id"] for c in got["LambdaFunctionConfigurations"]], ["a", "b", "c"])
        # SQS and SNS destinations cannot be reached from here, and are refused as S3 refuses
        # an unreachable destination.
        self.assertClientError(put({"QueueConfigurations": [{
            "QueueArn": "arn:aws:sqs:us-east-1:000000000000:q", "Events": ["s3:ObjectCreated:*"]}]}),
            "InvalidArgument", 400)
        self.assertClientError(lambda: self.s3.get_bucket_notification_configuration(Bucket="no-such-bucket-x"),
                               "NoSuchBucket", 404)


def post_form(post, content):
    """Sends a browser-style multipart/form-data POST; returns (status, headers)."""
    import http.client
    import urllib.parse
    boundary = "----bucketfireformboundary"
    parts = []
    for name, value in post["fields"].items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n'
                 f"Content-Type: text/plain\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    body = b"".join(parts)
    url = urllib.parse.urlsplit(post["url"])
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request("POST", url.path or "/", body=body,
                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        resp = conn.getresponse()
        resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()


if __name__ == "__main__":
    harness.main()
