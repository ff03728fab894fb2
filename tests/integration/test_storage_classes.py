"""Storage classes on the server's clock: archived objects (GLACIER, DEEP_ARCHIVE) refuse reads
until RestoreObject has made a temporary copy; restores complete and lapse on the virtual
clock, with x-amz-restore on HEAD and the ObjectRestore events AWS sends. Clients keep working
after the clock has moved, because signatures are checked against real time. boto3, the aws
CLI and presigned URLs."""

import datetime
import hashlib
import json
import unittest
import urllib.request

import harness
from events_support import EventReader

DAY = datetime.timedelta(days=1)

PIPELINE = {
    "functions": [
        {"name": "recorder", "handler": "save-event", "environment": {"EVENT_BUCKET": "events"}},
    ],
    "buckets": [
        {"name": "events"},
        {"name": "archive", "notifications": [
            {"id": "restores", "function": "recorder", "events": ["s3:ObjectRestore:*"]}]},
        {"name": "archive-versioned", "versioning": "Enabled"},
    ],
}


def http_date(text):
    return datetime.datetime.strptime(text, "%a, %d %b %Y %H:%M:%S GMT").replace(
        tzinfo=datetime.timezone.utc)


def restore_expiry(header):
    # ongoing-request="false", expiry-date="Wed, 09 Dec 2026 00:00:00 GMT"
    return http_date(header.split('expiry-date="', 1)[1].rstrip('"'))


class StorageClasses(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE), "--clock", "virtual")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.events = EventReader(cls.s3, "events")

    def advance(self, by):
        resp = self.server.raw("POST", f"/_bucketfire/clock?advance={by}")
        self.assertEqual(resp.status, 200, repr(resp))
        return datetime.datetime.strptime(json.loads(resp.body)["now"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc)

    def now(self):
        resp = self.server.raw("GET", "/_bucketfire/clock")
        return datetime.datetime.strptime(json.loads(resp.body)["now"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc)

    def restore(self, bucket, key, days=None, tier=None, **extra):
        request = {}
        if days is not None:
            request["Days"] = days
        if tier:
            request["GlacierJobParameters"] = {"Tier": tier}
        return self.s3.restore_object(Bucket=bucket, Key=key, RestoreRequest=request, **extra)

    def test_every_class_is_kept_and_only_archives_refuse_reads(self):
        bucket = self.new_bucket()
        for cls in ("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA",
                    "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"):
            with self.subTest(storage_class=cls):
                self.s3.put_object(Bucket=bucket, Key=cls, Body=b"bytes of " + cls.encode(),
                                   StorageClass=cls)
                head = self.s3.head_object(Bucket=bucket, Key=cls)
                # x-amz-storage-class is left out for STANDARD, as S3 does.
                self.assertEqual(head.get("StorageClass"), None if cls == "STANDARD" else cls)
                if cls in ("GLACIER", "DEEP_ARCHIVE"):
                    err = self.assertClientError(lambda: self.s3.get_object(Bucket=bucket, Key=cls),
                                                 "InvalidObjectState", 403)
                    self.assertEqual(err["Error"]["StorageClass"], cls)
                    self.assertClientError(
                        lambda: self.s3.copy_object(Bucket=bucket, Key=cls + "-copy",
                                                    CopySource={"Bucket": bucket, "Key": cls}),
                        "InvalidObjectState", 403)
                else:
                    body = self.s3.get_object(Bucket=bucket, Key=cls)["Body"].read()
                    self.assertEqual(body, b"bytes of " + cls.encode())
        listed = {o["Key"]: o["StorageClass"]
                  for o in self.s3.list_objects_v2(Bucket=bucket)["Contents"]}
        self.assertEqual(listed["DEEP_ARCHIVE"], "DEEP_ARCHIVE")
        self.assertEqual(listed["GLACIER_IR"], "GLACIER_IR")
        self.assertClientError(lambda: self.s3.put_object(Bucket=bucket, Key="x", Body=b"x",
                                                          StorageClass="COLD"),
                               "InvalidStorageClass", 400)

    def test_upload_part_copy_from_an_archive_is_refused(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="cold", Body=b"c" * 1024, StorageClass="GLACIER")
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
        self.assertClientError(
            lambda: self.s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload,
                                             PartNumber=1, CopySource={"Bucket": bucket, "Key": "cold"}),
            "InvalidObjectState", 403)

    def test_a_faster_tier_upgrades_a_running_restore(self):
        key = "originals/upgrade.jpg"
        self.s3.put_object(Bucket="archive", Key=key, Body=b"wanted sooner", StorageClass="GLACIER")
        self.assertEqual(self.restore("archive", key, days=3, tier="Bulk")["ResponseMetadata"]["HTTPStatusCode"], 202)
        # Not slower, not the same tier, not other days: only a faster tier with the same days.
        for days, tier in [(3, "Bulk"), (4, "Expedited")]:
            self.assertClientError(lambda: self.restore("archive", key, days=days, tier=tier),
                                   "RestoreAlreadyInProgress", 409)
        upgraded = self.restore("archive", key, days=3, tier="Expedited")
        self.assertEqual(upgraded["ResponseMetadata"]["HTTPStatusCode"], 202)
        self.assertClientError(lambda: self.restore("archive", key, days=3, tier="Standard"),
                               "RestoreAlreadyInProgress", 409)
        # Expedited from Flexible Retrieval takes up to 5 minutes instead of Bulk's 12 hours.
        self.advance("4m")
        self.assertEqual(self.s3.head_object(Bucket="archive", Key=key)["Restore"], 'ongoing-request="true"')
        self.advance("1m")
        self.assertIn('ongoing-request="false"', self.s3.head_object(Bucket="archive", Key=key)["Restore"])
        self.assertEqual(self.s3.get_object(Bucket="archive", Key=key)["Body"].read(), b"wanted sooner")

    def test_restore_runs_on_the_clock_and_sends_its_events(self):
        key = "originals/photo.jpg"
        self.s3.put_object(Bucket="archive", Key=key, Body=b"original bytes", StorageClass="GLACIER")
        self.assertNotIn("Restore", self.s3.head_object(Bucket="archive", Key=key))

        started = self.restore("archive", key, days=2, tier="Standard")
        self.assertEqual(started["ResponseMetadata"]["HTTPStatusCode"], 202)
        requested_at = self.now()
        self.assertEqual(self.s3.head_object(Bucket="archive", Key=key)["Restore"],
                         'ongoing-request="true"')
        self.assertClientError(lambda: self.restore("archive", key, days=2),
                               "RestoreAlreadyInProgress", 409)
        self.assertClientError(lambda: self.s3.get_object(Bucket="archive", Key=key),
                               "InvalidObjectState", 403)
        [post] = self.events.wait("archive", key, "ObjectRestore:Post")
        self.assertEqual(post["s3"]["object"]["size"], len(b"original bytes"))

        # A Standard retrieval from Flexible Retrieval takes up to 5 hours.
        self.advance("4h")
        self.assertEqual(self.s3.head_object(Bucket="archive", Key=key)["Restore"],
                         'ongoing-request="true"')
        self.advance("1h")
        restore = self.s3.head_object(Bucket="archive", Key=key)["Restore"]
        self.assertTrue(restore.startswith('ongoing-request="false", expiry-date="'), restore)
        # Days after completion, rounded up to the next midnight UTC.
        completed_at = requested_at + datetime.timedelta(hours=5)
        expected = datetime.datetime.combine((completed_at + 2 * DAY).date() + DAY,
                                             datetime.time(), datetime.timezone.utc)
        self.assertEqual(restore_expiry(restore), expected)
        self.assertEqual(self.s3.get_object(Bucket="archive", Key=key)["Body"].read(), b"original bytes")
        # The storage class does not change: the readable copy is temporary.
        self.assertEqual(self.s3.head_object(Bucket="archive", Key=key)["StorageClass"], "GLACIER")

        [completed] = self.events.wait("archive", key, "ObjectRestore:Completed")
        data = completed["glacierEventData"]["restoreEventData"]
        self.assertEqual(data["lifecycleRestoreStorageClass"], "GLACIER")
        self.assertEqual(data["lifecycleRestorationExpiryTime"],
                         expected.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
        # The event happened at the restore's completion on the virtual clock.
        event_time = datetime.datetime.strptime(completed["eventTime"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc)
        self.assertLess(abs((event_time - completed_at).total_seconds()), 60)

        # Restoring a restored object extends the copy: 200, expiry from now.
        extended = self.restore("archive", key, days=10)
        self.assertEqual(extended["ResponseMetadata"]["HTTPStatusCode"], 200)
        new_expiry = restore_expiry(self.s3.head_object(Bucket="archive", Key=key)["Restore"])
        self.assertGreater(new_expiry, expected)

        # The old expiry passes with nothing lapsing; the new one takes the copy away.
        self.advance("4d")
        self.assertEqual(self.s3.get_object(Bucket="archive", Key=key)["Body"].read(), b"original bytes")
        self.assertEqual(self.events.for_key("archive", key, "ObjectRestore:Delete"), [])
        self.advance("8d")
        self.assertNotIn("Restore", self.s3.head_object(Bucket="archive", Key=key))
        self.assertClientError(lambda: self.s3.get_object(Bucket="archive", Key=key),
                               "InvalidObjectState", 403)
        self.events.wait("archive", key, "ObjectRestore:Delete")
        # And it can be restored again.
        self.assertEqual(self.restore("archive", key, days=1, tier="Bulk")["ResponseMetadata"]["HTTPStatusCode"], 202)

    def test_deep_archive_restore_takes_longer_and_has_no_expedited_tier(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="deep", Body=b"deep", StorageClass="DEEP_ARCHIVE")
        err = self.assertClientError(lambda: self.restore(bucket, "deep", days=1, tier="Expedited"),
                                     "InvalidArgument", 400)
        self.assertEqual(err["Error"]["ArgumentName"], "Tier")
        self.assertEqual(self.restore(bucket, "deep", days=1)["ResponseMetadata"]["HTTPStatusCode"], 202)
        self.advance("11h")
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="deep")["Restore"], 'ongoing-request="true"')
        self.advance("1h")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="deep")["Body"].read(), b"deep")

    def test_restore_requests_aws_refuses(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="warm", Body=b"w", StorageClass="STANDARD_IA")
        self.s3.put_object(Bucket=bucket, Key="cold", Body=b"c", StorageClass="GLACIER")
        err = self.assertClientError(lambda: self.restore(bucket, "warm", days=1), "InvalidObjectState", 403)
        self.assertEqual(err["Error"]["StorageClass"], "STANDARD_IA")
        self.assertClientError(lambda: self.restore(bucket, "missing", days=1), "NoSuchKey", 404)
        # An archive restore must say how long to keep the copy.
        self.assertClientError(lambda: self.restore(bucket, "cold", tier="Bulk"), "MalformedXML", 400)
        r = self.server.signed("POST", f"/{bucket}/cold", query=[("restore", "")],
                               body=b"<RestoreRequest><Days>0</Days></RestoreRequest>")
        self.assertEqual((r.status, r.error().get("Code")), (400, "InvalidArgument"), repr(r))
        r = self.server.signed("POST", f"/{bucket}/cold", query=[("restore", "")], body=b"<Restore")
        self.assertEqual((r.status, r.error().get("Code")), (400, "MalformedXML"), repr(r))

    def test_a_noncurrent_version_restores_on_its_own(self):
        self.s3.put_object(Bucket="archive-versioned", Key="v", Body=b"old", StorageClass="GLACIER")
        old = self.s3.head_object(Bucket="archive-versioned", Key="v")["VersionId"]
        self.s3.put_object(Bucket="archive-versioned", Key="v", Body=b"new", StorageClass="GLACIER")
        self.assertEqual(self.restore("archive-versioned", "v", days=1, tier="Expedited",
                                      VersionId=old)["ResponseMetadata"]["HTTPStatusCode"], 202)
        self.advance("5m")
        got = self.s3.get_object(Bucket="archive-versioned", Key="v", VersionId=old)["Body"].read()
        self.assertEqual(got, b"old")
        # The current version was not restored.
        self.assertClientError(lambda: self.s3.get_object(Bucket="archive-versioned", Key="v"),
                               "InvalidObjectState", 403)

    def test_object_report_shows_class_tier_and_restore(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="a-std", Body=b"1")
        self.s3.put_object(Bucket=bucket, Key="b-int", Body=b"22", StorageClass="INTELLIGENT_TIERING")
        self.s3.put_object(Bucket=bucket, Key="c-deep", Body=b"333", StorageClass="DEEP_ARCHIVE")
        self.restore(bucket, "c-deep", days=3, tier="Bulk")
        report = self.server.internal(f"objects?bucket={bucket}")
        by_key = {o["key"]: o for o in report["objects"]}
        self.assertEqual(list(by_key), ["a-std", "b-int", "c-deep"])
        self.assertEqual((by_key["a-std"]["storageClass"], by_key["a-std"]["accessTier"]), ("STANDARD", None))
        self.assertEqual(by_key["b-int"]["accessTier"], "FREQUENT_ACCESS")
        deep = by_key["c-deep"]
        self.assertEqual((deep["storageClass"], deep["archived"], deep["size"]), ("DEEP_ARCHIVE", True, 3))
        self.assertEqual((deep["restore"]["ongoing"], deep["restore"]["tier"], deep["restore"]["days"]),
                         (True, "Bulk", 3))
        self.assertIsNone(by_key["a-std"]["restore"])
        # Pages, and a prefix.
        page = self.server.internal(f"objects?bucket={bucket}&limit=2")
        self.assertEqual([o["key"] for o in page["objects"]], ["a-std", "b-int"])
        self.assertEqual(page["nextStartAfter"], "b-int")
        rest = self.server.internal(f"objects?bucket={bucket}&limit=2&start-after=b-int")
        self.assertEqual([o["key"] for o in rest["objects"]], ["c-deep"])
        self.assertNotIn("nextStartAfter", rest)
        self.assertEqual([o["key"] for o in self.server.internal(f"objects?bucket={bucket}&prefix=b")["objects"]],
                         ["b-int"])
        self.advance("48h")
        deep = self.server.internal(f"objects?bucket={bucket}&prefix=c")["objects"][0]
        self.assertFalse(deep["restore"]["ongoing"])
        self.assertTrue(deep["restore"]["expires"].endswith("T00:00:00.000Z"))
        self.assertEqual(self.server.raw("GET", "/_bucketfire/objects?bucket=no-such-bucket").status, 404)
        self.assertEqual(self.server.raw("GET", "/_bucketfire/objects").status, 400)

    def test_aws_cli_restores_and_reads_the_state(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="cli", Body=b"cli", StorageClass="GLACIER")
        self.server.aws("s3api", "restore-object", "--bucket", bucket, "--key", "cli",
                        "--restore-request", '{"Days": 3, "GlacierJobParameters": {"Tier": "Expedited"}}')
        head = self.server.aws_json("s3api", "head-object", "--bucket", bucket, "--key", "cli")
        self.assertEqual(head["Restore"], 'ongoing-request="true"')
        self.assertEqual(head["StorageClass"], "GLACIER")
        self.advance("5m")
        head = self.server.aws_json("s3api", "head-object", "--bucket", bucket, "--key", "cli")
        self.assertTrue(head["Restore"].startswith('ongoing-request="false", expiry-date='), head)

    def test_clients_keep_working_after_the_clock_moves(self):
        bucket = self.new_bucket()
        self.advance("30d")
        # Header-signed and presigned requests carry real time; the server checks them against
        # real time, while the stored world is 30 days ahead.
        self.s3.put_object(Bucket=bucket, Key="later", Body=b"later")
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "later"},
                                             ExpiresIn=60)
        with urllib.request.urlopen(url, timeout=10) as resp:
            self.assertEqual(resp.read(), b"later")
        modified = self.s3.head_object(Bucket=bucket, Key="later")["LastModified"]
        self.assertGreater(modified, datetime.datetime.now(datetime.timezone.utc) + 29 * DAY)
        self.server.aws("s3api", "head-object", "--bucket", bucket, "--key", "later")


class LifecycleConfiguration(harness.ServerTestCase):
    """Put/Get/DeleteBucketLifecycleConfiguration with AWS's XML and validation (boto3, aws CLI)."""

    RULES = [
        {"ID": "logs", "Status": "Enabled",
         "Filter": {"And": {"Prefix": "logs/", "ObjectSizeGreaterThan": 131072,
                            "Tags": [{"Key": "keep", "Value": "no"}]}},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"},
                         {"Days": 90, "StorageClass": "GLACIER"}],
         "Expiration": {"Days": 365},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2}},
        {"ID": "uploads", "Status": "Disabled", "Filter": {"Prefix": "tmp/"},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
         "Expiration": {"Date": datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc)}},
        {"ID": "markers", "Status": "Enabled", "Filter": {},
         "Expiration": {"ExpiredObjectDeleteMarker": True},
         "NoncurrentVersionTransitions": [{"NoncurrentDays": 10, "StorageClass": "DEEP_ARCHIVE"}]},
    ]

    def test_round_trip(self):
        bucket = self.new_bucket()
        self.assertClientError(lambda: self.s3.get_bucket_lifecycle_configuration(Bucket=bucket),
                               "NoSuchLifecycleConfiguration", 404)
        put = self.s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": self.RULES})
        self.assertEqual(put["TransitionDefaultMinimumObjectSize"], "all_storage_classes_128K")
        got = self.s3.get_bucket_lifecycle_configuration(Bucket=bucket)
        self.assertEqual(got["TransitionDefaultMinimumObjectSize"], "all_storage_classes_128K")
        rules = {r["ID"]: r for r in got["Rules"]}
        self.assertEqual(rules["logs"]["Filter"]["And"],
                         {"Prefix": "logs/", "ObjectSizeGreaterThan": 131072,
                          "Tags": [{"Key": "keep", "Value": "no"}]})
        self.assertEqual(rules["logs"]["Transitions"], self.RULES[0]["Transitions"])
        self.assertEqual(rules["logs"]["Expiration"], {"Days": 365})
        self.assertEqual(rules["logs"]["NoncurrentVersionExpiration"],
                         {"NoncurrentDays": 30, "NewerNoncurrentVersions": 2})
        self.assertEqual(rules["uploads"]["Status"], "Disabled")
        self.assertEqual(rules["uploads"]["Expiration"]["Date"],
                         datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc))
        self.assertEqual(rules["uploads"]["AbortIncompleteMultipartUpload"], {"DaysAfterInitiation": 7})
        self.assertEqual(rules["markers"]["Expiration"], {"ExpiredObjectDeleteMarker": True})
        self.assertEqual(rules["markers"]["NoncurrentVersionTransitions"],
                         [{"NoncurrentDays": 10, "StorageClass": "DEEP_ARCHIVE"}])
        # The aws CLI reads the same document, and deletes it.
        cli = self.server.aws_json("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket)
        self.assertEqual(sorted(r["ID"] for r in cli["Rules"]), ["logs", "markers", "uploads"])
        self.server.aws("s3api", "delete-bucket-lifecycle", "--bucket", bucket)
        self.assertClientError(lambda: self.s3.get_bucket_lifecycle_configuration(Bucket=bucket),
                               "NoSuchLifecycleConfiguration", 404)

    def test_minimum_object_size_header_and_generated_ids(self):
        bucket = self.new_bucket()
        put = self.s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, TransitionDefaultMinimumObjectSize="varies_by_storage_class",
            LifecycleConfiguration={"Rules": [{"Status": "Enabled", "Prefix": "",
                                               "Expiration": {"Days": 1}}]})
        self.assertEqual(put["TransitionDefaultMinimumObjectSize"], "varies_by_storage_class")
        got = self.s3.get_bucket_lifecycle_configuration(Bucket=bucket)
        self.assertEqual(got["TransitionDefaultMinimumObjectSize"], "varies_by_storage_class")
        [rule] = got["Rules"]
        self.assertTrue(rule["ID"])
        self.assertEqual(rule["Prefix"], "")

    def test_what_s3_refuses(self):
        bucket = self.new_bucket()

        def put(*rules):
            return lambda: self.s3.put_bucket_lifecycle_configuration(
                Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)})

        base = {"Status": "Enabled", "Filter": {"Prefix": "p/"}}
        cases = [
            ({**base, "ID": "a", "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]},
             "InvalidArgument", "greater than or equal to 30"),
            ({**base, "ID": "a", "Expiration": {"Days": 0}}, "InvalidArgument", "positive integer"),
            ({**base, "ID": "a", "Expiration": {"Date": datetime.datetime(2027, 1, 1, 12, tzinfo=datetime.timezone.utc)}},
             "InvalidArgument", "midnight GMT"),
            ({**base, "ID": "a"}, "InvalidRequest", "At least one action"),
            ({**base, "ID": "x" * 256, "Expiration": {"Days": 1}}, "InvalidArgument", "255"),
            ({"ID": "a", "Status": "Enabled", "Filter": {"Tag": {"Key": "k", "Value": "v"}},
              "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}, "InvalidRequest", "Tags"),
            ({"ID": "a", "Status": "Enabled", "Filter": {"ObjectSizeGreaterThan": 10},
              "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}, "InvalidRequest", "Object Size"),
            ({**base, "ID": "a", "Transitions": [{"Days": 100, "StorageClass": "GLACIER"}],
              "Expiration": {"Days": 50}}, "InvalidArgument", "Expiration"),
        ]
        for rule, code, words in cases:
            with self.subTest(code=code, words=words):
                err = self.assertClientError(put(rule), code, 400)
                self.assertIn(words, err["Error"]["Message"])
        self.assertClientError(put({**base, "ID": "same", "Expiration": {"Days": 1}},
                                   {**base, "ID": "same", "Expiration": {"Days": 2}}),
                               "InvalidArgument", 400)
        # Malformed documents, sent raw.
        for body in (b"<LifecycleConfiguration><Rule><ID>a</ID><Status>On</Status>"
                     b"<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>",
                     b"<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status>"
                     b"<Expiration><Days>1</Days><Date>2027-01-01T00:00:00Z</Date></Expiration>"
                     b"</Rule></LifecycleConfiguration>",
                     b"<LifecycleConfiguration/>", b"<Lifecycle"):
            with self.subTest(body=body[:60]):
                r = self.server.signed("PUT", f"/{bucket}", query=[("lifecycle", "")], body=body,
                                       headers={"Content-MD5": harness.b64(hashlib.md5(body).digest())})
                self.assertEqual((r.status, r.error().get("Code")), (400, "MalformedXML"), repr(r))
        r = self.server.signed("PUT", f"/{bucket}", query=[("lifecycle", "")], body=b"<LifecycleConfiguration/>")
        self.assertEqual((r.status, r.error().get("Code")), (400, "InvalidRequest"), repr(r))
        self.assertClientError(lambda: self.s3.get_bucket_lifecycle_configuration(Bucket=bucket),
                               "NoSuchLifecycleConfiguration", 404)


class RestoreSurvivesRestart(unittest.TestCase):
    """A restore's timers are stored with it: after a restart the restore still completes."""

    def test_restart_between_request_and_completion(self):
        server = harness.Server(extra_args=("--config", harness.write_pipeline(PIPELINE), "--clock", "virtual"))
        self.addCleanup(server.close)
        server.start()
        s3 = server.client()
        s3.put_object(Bucket="archive", Key="k", Body=b"k", StorageClass="GLACIER")
        s3.restore_object(Bucket="archive", Key="k", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
        server.restart()
        # The clock keeps its time across the restart: the restore is still running.
        s3 = server.client()
        self.assertEqual(s3.head_object(Bucket="archive", Key="k")["Restore"], 'ongoing-request="true"')
        self.assertEqual(server.raw("POST", "/_bucketfire/clock?advance=5m").status, 200)
        EventReader(s3, "events").wait("archive", "k", "ObjectRestore:Completed")
        self.assertEqual(s3.get_object(Bucket="archive", Key="k")["Body"].read(), b"k")


if __name__ == "__main__":
    unittest.main()
