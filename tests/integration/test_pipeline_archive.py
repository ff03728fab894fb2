"""The reference pipeline's archive on the virtual clock: the pipeline file declares the
buckets' lifecycle and Intelligent-Tiering configurations (read back with boto3 and the aws
CLI), originals age into DEEP_ARCHIVE, and reading one goes through POST /images/{id}/restore,
S3's restore time and the s3:ObjectRestore:Completed event, as it would on AWS. A pipeline file
with a bad rule is refused with S3's message and the field."""

import json
import subprocess
import unittest

import harness
import pipeline_support as ps


class ArchiveOnTheVirtualClock(harness.ServerTestCase):
    server_args = ("--config", ps.PIPELINE_FILE, "--clock", "virtual")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pipeline = ps.PipelineClient(cls.server)

    def advance(self, by):
        self.assertEqual(self.server.raw("POST", f"/_bucketfire/clock?advance={by}").status, 200)

    def restore_record(self, image_id):
        return self.pipeline.read_json("processed", f"restores/{image_id}.json")

    def test_declared_configurations_are_the_buckets_own(self):
        rules = self.s3.get_bucket_lifecycle_configuration(Bucket="archive")
        self.assertEqual(rules["TransitionDefaultMinimumObjectSize"], "varies_by_storage_class")
        by_id = {r["ID"]: r for r in rules["Rules"]}
        self.assertEqual(sorted(by_id), ["abandoned-uploads", "failure-records", "small-originals"])
        self.assertEqual(by_id["small-originals"]["Filter"],
                         {"And": {"Prefix": "uploads/", "ObjectSizeLessThan": 131072}})
        self.assertEqual(by_id["small-originals"]["Transitions"], [{"Days": 180, "StorageClass": "DEEP_ARCHIVE"}])
        self.assertEqual(by_id["failure-records"]["Expiration"], {"Days": 90})
        tiering = self.server.aws_json("s3api", "get-bucket-intelligent-tiering-configuration",
                                       "--bucket", "archive", "--id", "originals")
        config = tiering["IntelligentTieringConfiguration"]
        self.assertEqual(config["Filter"], {"Prefix": "uploads/"})
        self.assertEqual(sorted((t["AccessTier"], t["Days"]) for t in config["Tierings"]),
                         [("ARCHIVE_ACCESS", 90), ("DEEP_ARCHIVE_ACCESS", 180)])
        ingest = self.server.aws_json("s3api", "get-bucket-lifecycle-configuration", "--bucket", "ingest")
        self.assertEqual(ingest["Rules"][0]["Expiration"], {"Days": 30})

    def test_an_archived_original_comes_back_through_a_restore(self):
        image_id = self.pipeline.upload("harbour.jpg")
        answer = self.pipeline.wait_until_archived(image_id)
        key = answer["original"]["key"]
        with open(ps.image("harbour.jpg"), "rb") as f:
            original = f.read()
        # Fresh in the archive: Intelligent-Tiering, readable; asking for a restore changes nothing.
        self.assertEqual(answer["original"]["storageClass"], "INTELLIGENT_TIERING")
        status, body = self.pipeline.api("POST", f"/images/{image_id}/restore", token=False)
        self.assertEqual((status, body["state"]), (200, "readable"), body)

        # Half a year on, the small-originals rule has moved it to DEEP_ARCHIVE: no URL, a link
        # to the restore route, and S3 refuses the GET.
        self.advance("181d")
        head = self.s3.head_object(Bucket="archive", Key=key)
        self.assertEqual(head["StorageClass"], "DEEP_ARCHIVE")
        status, answer = self.pipeline.image(image_id)
        self.assertEqual(answer["original"]["storageClass"], "DEEP_ARCHIVE")
        self.assertNotIn("url", answer["original"])
        self.assertEqual(answer["original"]["links"], {"restore": f"/images/{image_id}/restore"})
        self.assertClientError(lambda: self.s3.get_object(Bucket="archive", Key=key), "InvalidObjectState", 403)

        # The restore: 202 and a record; S3 shows it running; asking again starts nothing new.
        status, body = self.pipeline.api("POST", f"/images/{image_id}/restore", token=False)
        self.assertEqual((status, body["state"], body["tier"]), (202, "restoring", "Standard"), body)
        self.assertEqual(self.restore_record(image_id)["state"], "restoring")
        self.assertEqual(self.s3.head_object(Bucket="archive", Key=key)["Restore"], 'ongoing-request="true"')
        status, body = self.pipeline.api("POST", f"/images/{image_id}/restore", token=False)
        self.assertEqual((status, body["state"]), (202, "restoring"))

        # DEEP_ARCHIVE at Standard takes 12 hours; then ObjectRestore:Completed runs `restored`.
        self.advance("11h")
        self.assertEqual(self.restore_record(image_id)["state"], "restoring")
        self.advance("1h")
        record = harness.wait_for(lambda: (r := self.restore_record(image_id)) and r["state"] == "restored" and r,
                                  "the restored function to record the completed restore")
        self.assertRegex(record["expires"], r"T00:00:00\.000Z$")
        status, answer = self.pipeline.image(image_id)
        self.assertEqual(answer["original"]["restore"]["state"], "restored")
        status, body, _ = ps.fetch(answer["original"]["url"])
        self.assertEqual((status, body), (200, original))
        self.assertIn('ongoing-request="false"', self.s3.head_object(Bucket="archive", Key=key)["Restore"])

        # Seven days later the copy lapses (ObjectRestore:Delete): the URL goes away again.
        self.advance("8d")
        harness.wait_for(lambda: self.restore_record(image_id)["state"] == "expired",
                         "the restored function to record the lapsed copy")
        status, answer = self.pipeline.image(image_id)
        self.assertNotIn("url", answer["original"])

    def test_restore_refusals(self):
        status, body = self.pipeline.api("POST", "/images/not-an-id/restore", token=False)
        self.assertEqual(status, 400, body)
        status, body = self.pipeline.api("POST", "/images/0b6c1f0e-8d5a-4c3e-9f1a-2b3c4d5e6f70/restore", token=False)
        self.assertEqual(status, 404, body)


class BadRulesInThePipelineFile(unittest.TestCase):
    def check_refused(self, bucket, expected):
        with open(ps.PIPELINE_FILE) as f:
            pipeline = json.load(f)
        pipeline["buckets"] = [bucket]
        path = harness.write_pipeline(pipeline)
        proc = subprocess.run([harness.binary_path(), "export", "sam", "--config", path],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 2, proc.stdout)
        self.assertIn(expected, proc.stderr)

    def test_s3s_own_validation_names_the_field(self):
        self.check_refused(
            {"name": "archive", "lifecycle": {"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {},
                                                         "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]}]}},
            "buckets[0].lifecycle: InvalidArgument: 'Days' in Transition action must be greater than or equal to 30 "
            "for storageClass 'STANDARD_IA'")
        self.check_refused({"name": "archive", "lifecycle": {"Rules": [], "Extra": [1]}},
                           "buckets[0].lifecycle: Extra: is not a list S3 takes")
        self.check_refused(
            {"name": "archive", "intelligent_tiering": [
                {"Id": "a", "Status": "Enabled", "Tierings": [{"Days": 10, "AccessTier": "ARCHIVE_ACCESS"}]}]},
            "buckets[0].intelligent_tiering[0]: InvalidArgument")
        self.check_refused(
            {"name": "archive", "intelligent_tiering": [
                {"Id": "a", "Status": "Enabled", "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]},
                {"Id": "a", "Status": "Enabled", "Tierings": [{"Days": 91, "AccessTier": "ARCHIVE_ACCESS"}]}]},
            "buckets[0].intelligent_tiering[1].Id: \"a\" is declared twice")


if __name__ == "__main__":
    harness.main()
