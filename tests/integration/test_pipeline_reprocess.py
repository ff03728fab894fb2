"""The reference pipeline's `thumbnail` function as an S3 Batch Operations LambdaInvoke target
(scripts/reprocess.sh runs it over the archive; test_demo_script runs that whole script): invoked
with boto3's Lambda client and the payloads Batch Operations sends (schema 1.0 and 2.0), it
makes thumbnails in the sizes the user arguments ask for, writes the metadata the indexer then
picks up, leaves an archived original where it is, and answers each task with a result code
Batch Operations understands: what no retry mends fails permanently with the reason."""

import json
import unittest
import urllib.parse
import uuid

import harness
import pipeline_support as ps


class ThumbnailAsABatchTarget(harness.ServerTestCase):
    server_args = ("--config", ps.PIPELINE_FILE, "--clock", "virtual")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lambda_ = cls.server.lambda_client()

    def put_original(self, name, key=None, storage_class="STANDARD", body=None):
        key = key or f"uploads/2026/01/{uuid.uuid4()}.{name.rsplit('.', 1)[1]}"
        if body is None:
            with open(ps.image(name), "rb") as f:
                body = f.read()
        self.s3.put_object(Bucket="archive", Key=key, Body=body, StorageClass=storage_class,
                           ContentType=ps.content_type(name))
        return key

    def invoke(self, tasks, arguments=None, schema="2.0", job_id=None):
        """Invokes thumbnail with a Batch Operations payload; returns (job id, results by task id)."""
        job_id = job_id or str(uuid.uuid4())
        job = {"id": job_id}
        if schema == "2.0":
            job["userArguments"] = arguments
        payload_tasks = []
        for i, key in enumerate(tasks):
            task = {"taskId": f"t{i}", "s3Key": urllib.parse.quote(key), "s3VersionId": None}
            if schema == "2.0":
                task["s3Bucket"] = "archive"
            else:
                task["s3BucketArn"] = "arn:aws:s3:::archive"
            payload_tasks.append(task)
        event = {"invocationSchemaVersion": schema, "invocationId": "aW52b2NhdGlvbg==", "job": job,
                 "tasks": payload_tasks}
        answer = self.lambda_.invoke(FunctionName="thumbnail", Payload=json.dumps(event).encode())
        self.assertNotIn("FunctionError", answer)
        body = json.loads(answer["Payload"].read())
        self.assertEqual((body["invocationSchemaVersion"], body["invocationId"], body["treatMissingKeysAs"]),
                         (schema, "aW52b2NhdGlvbg==", "PermanentFailure"))
        return job_id, {r["taskId"]: (r["resultCode"], r["resultString"]) for r in body["results"]}

    def test_new_sizes_and_metadata_for_an_archived_original(self):
        key = self.put_original("harbour.jpg")
        image_id = key.rsplit("/", 1)[1].split(".")[0]
        job_id, results = self.invoke([key], {"thumbnailSizes": "96,256", "thumbnailFormats": "jpeg",
                                              "thumbnailQuality": "70"})
        self.assertEqual(results, {"t0": ("Succeeded", f"2 thumbnails and metadata/{image_id}.json")})
        for size in (96, 256):
            thumb = self.s3.get_object(Bucket="processed", Key=f"thumbnails/{size}/{image_id}.jpg")
            self.assertEqual(thumb["ContentType"], "image/jpeg")
            self.assertEqual(max(ps.image_size(thumb["Body"].read())), size)
            self.assertEqual(thumb["Metadata"]["source"], f"s3://archive/{key}")
        doc = json.loads(self.s3.get_object(Bucket="processed", Key=f"metadata/{image_id}.json")["Body"].read())
        head = self.s3.head_object(Bucket="archive", Key=key)
        self.assertEqual(doc["source"]["bucket"], "archive")
        self.assertEqual(doc["source"]["etag"], head["ETag"].strip('"'))
        self.assertEqual((doc["thumbnailSizes"], doc["reprocessedBy"]), ([96, 256], {"job": job_id}))
        self.assertEqual(doc["exif"]["make"], "Canon")
        # The metadata write ran the indexer, and the indexer's on-success archiver, which leaves
        # an original already in archive where it is.
        def indexed():
            index = self.s3.get_object(Bucket="processed", Key="index/search-index.json")["Body"].read()
            return image_id in json.loads(index)["images"]
        harness.wait_for(indexed, "the indexer to index the new metadata")

        def successes(function):
            return len([i for i in self.server.invocations(function) if i["status"] == "Success"])
        harness.wait_for(lambda: successes("archiver") >= successes("indexer"), "the archiver to follow each indexer run")
        self.assertEqual(self.s3.head_object(Bucket="archive", Key=key)["ETag"], head["ETag"])
        # GET /images/{id} lists the sizes the job made beside the configured ones.
        image = json.loads(self.server.raw("GET", f"/_api/images/{image_id}").body)
        self.assertEqual(sorted((t["size"], t["format"]) for t in image["thumbnails"]), [(96, "jpeg"), (256, "jpeg")])
        self.assertFalse(image["complete"])  # the configured 1024s and WebPs are not there
        self.assertEqual((image["original"]["state"], image["reprocessedBy"]), ("archived", {"job": job_id}))

    def test_each_task_gets_its_own_answer(self):
        readable = self.put_original("sunset.webp")
        cold = self.put_original("harbour.jpg", storage_class="DEEP_ARCHIVE")
        with open(ps.image("bad/corrupt.jpg"), "rb") as f:
            corrupt = self.put_original("corrupt.jpg", body=f.read())
        missing = "uploads/2026/01/never-uploaded.jpg"
        _, results = self.invoke([readable, cold, corrupt, missing])
        self.assertEqual(results["t0"][0], "Succeeded")
        self.assertEqual(results["t1"], ("PermanentFailure", "InvalidObjectState: the original is archived; restore it first"))
        self.assertEqual(results["t2"][0], "PermanentFailure")
        self.assertRegex(results["t2"][1], r"^CorruptImage: ")
        self.assertEqual(results["t3"], ("PermanentFailure", "NoSuchKey"))

    def test_schema_1_0_and_keys_that_need_encoding(self):
        key = self.put_original("harbour.jpg", key="uploads/holiday photos/a+b é.jpg")
        _, results = self.invoke([key], schema="1.0")
        self.assertEqual(results["t0"][0], "Succeeded", results)
        # Without user arguments: the function's own THUMBNAIL_SIZES and _FORMATS (256,1024 x webp,jpeg).
        self.assertTrue(results["t0"][1].startswith("4 thumbnails and metadata/"), results)

    def test_bad_user_arguments_fail_every_task_naming_the_argument(self):
        key = self.put_original("harbour.jpg")
        _, results = self.invoke([key, key], {"thumbnailSize": "128"})
        self.assertEqual(results["t0"], results["t1"])
        self.assertEqual(results["t0"][0], "PermanentFailure")
        self.assertIn("unknown user argument thumbnailSize", results["t0"][1])
        _, results = self.invoke([key], {"thumbnailQuality": "0"})
        self.assertEqual(results["t0"], ("PermanentFailure", 'userArguments.thumbnailQuality must be 1 to 100, not "0"'))
        _, results = self.invoke([key], {"thumbnailFormats": "gif"})
        self.assertEqual(results["t0"][0], "PermanentFailure")
        self.assertIn("userArguments.thumbnailFormats", results["t0"][1])


if __name__ == "__main__":
    unittest.main()
