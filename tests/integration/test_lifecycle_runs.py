"""Lifecycle rules and Intelligent-Tiering run at midnight UTC on the server's clock, as S3 runs
them: transitions down the classes, expirations (delete markers in versioned buckets),
noncurrent versions, expired delete markers, abandoned uploads, access tiers that move after
days without access and back on a read, with the events S3 sends. boto3 and the aws CLI, on
the virtual clock."""

import datetime
import json
import unittest

import harness
from events_support import EventReader

KIB = 1024
BIG = b"x" * (200 * KIB)  # over the 128 KB below which objects neither transition nor tier

PIPELINE = {
    "functions": [
        {"name": "recorder", "handler": "save-event", "environment": {"EVENT_BUCKET": "events"}},
    ],
    "buckets": [
        {"name": "events"},
        {"name": "logs", "notifications": [
            {"id": "lifecycle", "function": "recorder",
             "events": ["s3:LifecycleTransition", "s3:LifecycleExpiration:*"]}]},
        {"name": "history", "versioning": "Enabled", "notifications": [
            {"id": "lifecycle", "function": "recorder", "events": ["s3:LifecycleExpiration:*"]}]},
        {"name": "tiered", "notifications": [
            {"id": "tiers", "function": "recorder", "events": ["s3:IntelligentTiering"]}]},
    ],
}

LOG_RULES = {"Rules": [{
    "ID": "age-out", "Status": "Enabled", "Filter": {"Prefix": "app/"},
    "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"},
                    {"Days": 90, "StorageClass": "GLACIER"}],
    "Expiration": {"Days": 365},
}]}


class OnTheVirtualClock(harness.ServerTestCase):
    """A server of its own per class, on the virtual clock, with the events it sent."""
    server_args = ("--config", harness.write_pipeline(PIPELINE), "--clock", "virtual")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.events = EventReader(cls.s3, "events")

    def advance(self, by):
        self.assertEqual(self.server.raw("POST", f"/_bucketfire/clock?advance={by}").status, 200)


class LifecycleRuns(OnTheVirtualClock):

    def test_transitions_then_expiry_with_header_and_events(self):
        self.s3.put_bucket_lifecycle_configuration(Bucket="logs", LifecycleConfiguration=LOG_RULES)
        put = self.s3.put_object(Bucket="logs", Key="app/big.log", Body=BIG)
        self.s3.put_object(Bucket="logs", Key="app/small.log", Body=b"tiny")
        self.s3.put_object(Bucket="logs", Key="other/big.log", Body=BIG)
        # x-amz-expiration names the midnight after 365 days and the rule, on PUT and HEAD.
        head = self.s3.head_object(Bucket="logs", Key="app/big.log")
        self.assertIn('rule-id="age-out"', head["Expiration"])
        self.assertIn("00:00:00 GMT", head["Expiration"])
        self.assertEqual(put["Expiration"], head["Expiration"])
        self.assertNotIn("Expiration", self.s3.head_object(Bucket="logs", Key="other/big.log"))

        self.advance("29d")
        self.assertNotIn("StorageClass", self.s3.head_object(Bucket="logs", Key="app/big.log"))
        self.advance("2d")
        self.assertEqual(self.s3.head_object(Bucket="logs", Key="app/big.log")["StorageClass"], "STANDARD_IA")
        # Under 128 KB stays where it is; outside the prefix nothing moves.
        self.assertNotIn("StorageClass", self.s3.head_object(Bucket="logs", Key="app/small.log"))
        self.assertNotIn("StorageClass", self.s3.head_object(Bucket="logs", Key="other/big.log"))
        [ia] = self.events.wait("logs", "app/big.log", "LifecycleTransition")
        self.assertEqual(ia["eventVersion"], "2.3")
        self.assertEqual(ia["userIdentity"]["principalId"], "s3.amazonaws.com")
        self.assertEqual(ia["lifecycleEventData"]["transitionEventData"]["destinationStorageClass"],
                         "STANDARD_IA")
        self.assertIn("T00:00:00", ia["eventTime"])

        self.advance("60d")
        self.assertEqual(self.s3.head_object(Bucket="logs", Key="app/big.log")["StorageClass"], "GLACIER")
        self.assertClientError(lambda: self.s3.get_object(Bucket="logs", Key="app/big.log"),
                               "InvalidObjectState", 403)
        self.events.wait("logs", "app/big.log", "LifecycleTransition", count=2)

        self.advance("275d")
        for key in ("app/big.log", "app/small.log"):
            self.assertClientError(lambda: self.s3.head_object(Bucket="logs", Key=key), "404", 404)
        self.s3.head_object(Bucket="logs", Key="other/big.log")
        [gone] = self.events.wait("logs", "app/small.log", "LifecycleExpiration:Delete")
        self.assertNotIn("size", gone["s3"]["object"])

    def test_versioned_expiry_noncurrent_versions_and_expired_markers(self):
        self.s3.put_bucket_lifecycle_configuration(Bucket="history", LifecycleConfiguration={"Rules": [
            {"ID": "current", "Status": "Enabled", "Filter": {"Prefix": "doc"},
             "Expiration": {"Days": 10}},
            {"ID": "old", "Status": "Enabled", "Filter": {"Prefix": "doc"},
             "NoncurrentVersionExpiration": {"NoncurrentDays": 5}},
            {"ID": "markers", "Status": "Enabled", "Filter": {"Prefix": "doc"},
             "Expiration": {"ExpiredObjectDeleteMarker": True}},
        ]})
        first = self.s3.put_object(Bucket="history", Key="doc", Body=b"v1")["VersionId"]
        self.advance("2d")
        self.s3.put_object(Bucket="history", Key="doc", Body=b"v2")
        self.advance("6d")
        # v1 has been noncurrent for 5 days: gone for good.
        versions = self.s3.list_object_versions(Bucket="history", Prefix="doc")
        self.assertNotIn(first, [v["VersionId"] for v in versions.get("Versions", [])])
        self.events.wait("history", "doc", "LifecycleExpiration:Delete")
        # v2 expires 10 days after it was written: a delete marker, dated the run's midnight.
        self.advance("5d")
        versions = self.s3.list_object_versions(Bucket="history", Prefix="doc")
        [marker] = versions["DeleteMarkers"]
        self.assertTrue(marker["IsLatest"])
        self.assertEqual((marker["LastModified"].hour, marker["LastModified"].minute), (0, 0))
        self.events.wait("history", "doc", "LifecycleExpiration:DeleteMarkerCreated")
        # Five days on v2 goes too, and the marker left alone is removed.
        self.advance("6d")
        versions = self.s3.list_object_versions(Bucket="history", Prefix="doc")
        self.assertEqual((versions.get("Versions"), versions.get("DeleteMarkers")), (None, None))

    def test_a_marker_left_alone_by_a_users_delete_goes_at_the_next_midnight(self):
        bucket = self.new_bucket()
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
            {"ID": "markers", "Status": "Enabled", "Filter": {"Prefix": ""},
             "Expiration": {"ExpiredObjectDeleteMarker": True}}]})
        version = self.s3.put_object(Bucket=bucket, Key="note", Body=b"n")["VersionId"]
        self.s3.delete_object(Bucket=bucket, Key="note")  # a marker over the version
        self.advance("30d")  # many midnights: the marker is not alone, so it stays
        self.assertEqual(len(self.s3.list_object_versions(Bucket=bucket)["DeleteMarkers"]), 1)
        # A month later the user removes the version itself: the marker is alone from now on.
        self.server.aws("s3api", "delete-object", "--bucket", bucket, "--key", "note", "--version-id", version)
        self.assertEqual(len(self.s3.list_object_versions(Bucket=bucket)["DeleteMarkers"]), 1)
        self.advance("1d")
        versions = self.s3.list_object_versions(Bucket=bucket)
        self.assertEqual((versions.get("Versions"), versions.get("DeleteMarkers")), (None, None))

    def test_incomplete_uploads_are_aborted(self):
        bucket = self.new_bucket()
        self.server.aws("s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket,
                 "--lifecycle-configuration", json.dumps({"Rules": [{
                     "ID": "abandoned", "Status": "Enabled", "Filter": {"Prefix": ""},
                     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]}))
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="half")["UploadId"]
        self.advance("7d")
        self.assertEqual(len(self.s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])), 1)
        self.advance("1d")
        self.assertEqual(self.s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []), [])
        self.assertClientError(lambda: self.s3.list_parts(Bucket=bucket, Key="half", UploadId=upload),
                               "NoSuchUpload", 404)

    def test_a_rule_put_later_applies_to_objects_already_old(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="old", Body=BIG)
        self.advance("40d")
        self.s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
            "ID": "ia", "Status": "Enabled", "Filter": {},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]}]})
        self.advance("1d")
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="old")["StorageClass"], "STANDARD_IA")


class IntelligentTiering(OnTheVirtualClock):
    def tier(self, bucket, key):
        return self.server.internal(f"objects?bucket={bucket}&prefix={key}")["objects"][0]["accessTier"]

    def test_configuration_api(self):
        bucket = self.new_bucket()
        config = {"Id": "arch", "Status": "Enabled", "Filter": {"Prefix": "raw/"},
                  "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
                               {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]}
        self.s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id="arch", IntelligentTieringConfiguration=config)
        got = self.s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="arch")
        self.assertEqual(got["IntelligentTieringConfiguration"], config)
        listed = json.loads(self.server.aws("s3api", "list-bucket-intelligent-tiering-configurations",
                                     "--bucket", bucket).stdout)
        self.assertEqual([c["Id"] for c in listed["IntelligentTieringConfigurationList"]], ["arch"])
        self.assertFalse(listed["IsTruncated"])
        bad = dict(config, Tierings=[{"Days": 60, "AccessTier": "ARCHIVE_ACCESS"}])
        self.assertClientError(lambda: self.s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id="arch", IntelligentTieringConfiguration=bad), "InvalidArgument", 400)
        self.s3.delete_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="arch")
        self.assertClientError(lambda: self.s3.get_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id="arch"), "NoSuchConfiguration", 404)

    def test_tiers_move_without_access_and_back_on_a_read(self):
        self.server.aws("s3api", "put-bucket-intelligent-tiering-configuration", "--bucket", "tiered",
                 "--id", "arch", "--intelligent-tiering-configuration", json.dumps(
                     {"Id": "arch", "Status": "Enabled",
                      "Tierings": [{"Days": 120, "AccessTier": "ARCHIVE_ACCESS"}]}))
        self.s3.put_object(Bucket="tiered", Key="photo", Body=BIG, StorageClass="INTELLIGENT_TIERING")
        self.s3.put_object(Bucket="tiered", Key="small", Body=b"s", StorageClass="INTELLIGENT_TIERING")
        self.advance("31d")
        self.assertEqual(self.tier("tiered", "photo"), "INFREQUENT_ACCESS")
        self.assertEqual(self.tier("tiered", "small"), "FREQUENT_ACCESS")
        # A GET is an access: back to Frequent, and the days start again. A HEAD is not.
        self.s3.get_object(Bucket="tiered", Key="photo")["Body"].read()
        self.assertEqual(self.tier("tiered", "photo"), "FREQUENT_ACCESS")
        self.advance("31d")
        self.s3.head_object(Bucket="tiered", Key="photo")
        self.assertEqual(self.tier("tiered", "photo"), "INFREQUENT_ACCESS")
        self.advance("60d")
        self.assertEqual(self.tier("tiered", "photo"), "ARCHIVE_INSTANT_ACCESS")
        self.s3.get_object(Bucket="tiered", Key="photo")["Body"].read()  # still instant
        self.advance("121d")
        head = self.s3.head_object(Bucket="tiered", Key="photo")
        self.assertEqual(head["ArchiveStatus"], "ARCHIVE_ACCESS")
        err = self.assertClientError(lambda: self.s3.get_object(Bucket="tiered", Key="photo"),
                                     "InvalidObjectState", 403)
        self.assertEqual(err["Error"].get("AccessTier"), "ARCHIVE_ACCESS")
        [moved] = self.events.wait("tiered", "photo", "IntelligentTiering")
        self.assertEqual(moved["intelligentTieringEventData"]["destinationAccessTier"], "ARCHIVE_ACCESS")
        # Restoring takes no Days and brings the object back to Frequent Access.
        self.s3.restore_object(Bucket="tiered", Key="photo",
                               RestoreRequest={"GlacierJobParameters": {"Tier": "Standard"}})
        self.advance("5h")
        self.assertEqual(self.tier("tiered", "photo"), "FREQUENT_ACCESS")
        self.assertNotIn("ArchiveStatus", self.s3.head_object(Bucket="tiered", Key="photo"))
        self.assertEqual(len(self.s3.get_object(Bucket="tiered", Key="photo")["Body"].read()), len(BIG))

    def test_noncurrent_versions_tier_on_their_own_reads(self):
        bucket = self.new_bucket()
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id="arch", IntelligentTieringConfiguration={
                "Id": "arch", "Status": "Enabled", "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]})
        old = self.s3.put_object(Bucket=bucket, Key="doc", Body=BIG, StorageClass="INTELLIGENT_TIERING")["VersionId"]
        new = self.s3.put_object(Bucket=bucket, Key="doc", Body=BIG, StorageClass="INTELLIGENT_TIERING")["VersionId"]
        self.advance("10d")
        # A read of the old version is its own access; the current one is left unread.
        self.s3.get_object(Bucket=bucket, Key="doc", VersionId=old)["Body"].read()
        self.advance("81d")
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="doc", VersionId=new)["ArchiveStatus"],
                         "ARCHIVE_ACCESS")
        self.assertNotIn("ArchiveStatus", self.s3.head_object(Bucket=bucket, Key="doc", VersionId=old))
        self.advance("10d")
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="doc", VersionId=old)["ArchiveStatus"],
                         "ARCHIVE_ACCESS")
        self.assertClientError(lambda: self.s3.get_object(Bucket=bucket, Key="doc", VersionId=old),
                               "InvalidObjectState", 403)


class VirtualTimeAcrossRestarts(harness.ServerTestCase):
    """The virtual clock keeps its time when the server stops, even by kill -9: the stored
    world is never later than the clock a restarted server reads, and the runs go on."""
    server_args = ("--clock", "virtual")

    def clock(self):
        resp = self.server.raw("GET", "/_bucketfire/clock")
        return datetime.datetime.strptime(json.loads(resp.body)["now"], "%Y-%m-%dT%H:%M:%S.%fZ")

    def advance(self, by):
        self.assertEqual(self.server.raw("POST", f"/_bucketfire/clock?advance={by}").status, 200)

    def test_a_restart_keeps_the_time_and_the_schedule(self):
        bucket = self.new_bucket()
        self.s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
            "ID": "ia", "Status": "Enabled", "Filter": {"Prefix": ""},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]}]})
        self.s3.put_object(Bucket=bucket, Key="big", Body=BIG)
        self.advance("20d")
        before = self.clock()
        self.server.kill9()
        self.server.start()
        self.s3 = self.server.client()
        after = self.clock()
        self.assertGreaterEqual(after, before)
        self.assertLess(after - before, datetime.timedelta(minutes=5))
        # The midnight run due ten days on still happens, at its time.
        self.advance("9d")
        self.assertNotIn("StorageClass", self.s3.head_object(Bucket=bucket, Key="big"))
        self.server.restart()  # a clean stop keeps it too
        self.s3 = self.server.client()
        self.advance("2d")
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="big")["StorageClass"], "STANDARD_IA")


if __name__ == "__main__":
    unittest.main()
