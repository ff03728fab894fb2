"""scripts/demo.sh, the workshop walk-through, against a server running fixtures/pipeline.json:
every fixture image goes through, each bad one ends as a failure record, and the tier-by-tier
summary says so; then scripts/reprocess.sh runs S3 Batch Operations over the archive."""

import json
import os
import re
import shutil
import subprocess
import unittest

import harness
import pipeline_support as ps


@unittest.skipUnless(shutil.which("jq") and shutil.which("curl") and shutil.which("vips"),
                     "SKIPPED: demo.sh needs curl, jq and vips")
class DemoScript(harness.ServerTestCase):
    server_args = ("--config", ps.PIPELINE_FILE, "--clock", "virtual")

    def test_demo_walks_every_tier(self):
        env = dict(os.environ, BUCKETFIRE_BIN=harness.binary_path())
        proc = subprocess.run(["bash", os.path.join(ps.REPO, "scripts", "demo.sh"), self.server.endpoint],
                              capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        out = proc.stdout
        self.assertIn("refused  empty.jpg: 400: size must be at least 1 byte", proc.stderr)
        self.assertIn("s3://ingest:     5 objects left", out)
        self.assertIn("44 thumbnails, 11 metadata documents, search index of 11 images", out)
        self.assertIn("11 originals (INTELLIGENT_TIERING), 5 failure records", out)
        for name, reason in [("empty", "EmptyImage"), ("corrupt.jpg", "CorruptImage"),
                             ("not-an-image.jpg", "UnsupportedImage"), ("truncated.jpg", "CorruptImage"),
                             ("huge-100mp.png", "ImageTooLarge")]:
            self.assertRegex(out, rf"\n  {name} +thumbnail +{reason}: ")
        self.assertRegex(out, r"similarity 0\.9\d+  harbour-small\.jpg")
        # One thumbnail three ways: stored, and re-encoded through the Object Lambda access point.
        self.assertRegex(out, r"stored: +image/webp, \d+ bytes, 256x171")
        self.assertRegex(out, r"alias, Accept: image/avif: +image/avif, \d+ bytes, 256x171")
        self.assertRegex(out, r"ARN's host, Accept: \*/\*: +image/jpeg, \d+ bytes, 256x171")
        # And as anyone may read it: processed's policy opens thumbnails/ to unsigned requests.
        self.assertRegex(out, r"unsigned, as anyone \(processed's policy\): +image/webp, \d+ bytes, 256x171")
        # A year on: the fixture originals (all under 128 KB, never monitored by
        # Intelligent-Tiering) went to DEEP_ARCHIVE by the small-originals rule at day 180, the
        # big one to the Deep Archive Access tier; leftovers and failure records expired;
        # harbour.jpg came back through a restore and its completion event.
        year = out[out.index("a year later"):]
        self.assertEqual(len(re.findall(r" bytes  DEEP_ARCHIVE ", year)), 10, year)
        self.assertRegex(year, r"panorama\.jpg +\d+ bytes  INTELLIGENT_TIERING +DEEP_ARCHIVE_ACCESS")
        self.assertIn("s3://ingest:     0 objects left", year)
        self.assertIn("s3://archive:    0 failure records", year)
        self.assertIn("restoring: DEEP_ARCHIVE, Standard retrieval", year)
        self.assertRegex(year, r"restored until \d{4}-\d{2}-\d{2}T00:00:00")
        self.assertIn(f"hands out the original: {os.path.getsize(ps.image('harbour.jpg'))} bytes", year)
        # It ends with what the year would cost on AWS, and the projection, labelled so.
        cost = out[out.index("what this year would cost on AWS"):]
        self.assertRegex(cost, r"Total +\$0\.\d{6}")
        self.assertRegex(cost, r"had every object stayed in STANDARD +\$0\.\d{6}")
        for usage_type in ("Requests-Tier3", "TimedStorage-INT-DAA-ByteHrs", "USE1-ApiGatewayHttpRequest",
                           "Lambda-GB-Second", "Requests-GDA-Tier3"):
            self.assertIn(usage_type, cost)
        projection = cost[cost.index("100,000 times the uploads"):cost.index("a new thumbnail size")]
        self.assertIn("ESTIMATE: every measured quantity x 100000", projection)
        self.check_reprocessing(out[out.index("a new thumbnail size"):])

    def check_reprocessing(self, out):
        """scripts/reprocess.sh at the demo's end: two restore jobs (the Glacier classes, and
        Intelligent-Tiering's archive tier, which S3 keeps apart), two virtual days, then a
        LambdaInvoke job that re-runs thumbnail over every original with new sizes."""
        # harbour.jpg is readable already (the demo restored it); the restore job extends it.
        self.assertIn("9 in GLACIER or DEEP_ARCHIVE and 1 in an Intelligent-Tiering archive tier", out)
        self.assertRegex(out, r"job [0-9a-f-]{36}: Complete, 10 succeeded, 0 failed of 10 tasks")
        self.assertRegex(out, r"job [0-9a-f-]{36}: Complete, 1 succeeded, 0 failed of 1 tasks")
        self.assertIn("every original is readable", out)
        invoke = out[out.index("LambdaInvoke job"):]
        job = re.search(r"job ([0-9a-f-]{36}): Complete, 11 succeeded, 0 failed of 11 tasks", invoke)
        self.assertIsNotNone(job, invoke)
        # The completion report, a row per original: 6 thumbnails each (3 sizes x 2 formats).
        rows = re.findall(r"\n +([0-9a-f-]{36})\.(\w+) +succeeded 200 - 6 thumbnails and metadata/\1\.json", invoke)
        self.assertEqual(len(rows), 11, invoke)
        self.assertIn("22 thumbnails under s3://processed/thumbnails/128/", invoke)
        # What the API shows of a reprocessed image: the new size, the job, and the original
        # still in archive (the archiver, run after the indexer, leaves an archived source be).
        for image_id, _ in rows:
            answer = self.server.raw("GET", f"/_api/images/{image_id}")
            self.assertEqual(answer.status, 200, answer)
            image = json.loads(answer.body)
            self.assertEqual(sorted({(t["size"], t["format"]) for t in image["thumbnails"]}),
                             [(s, f) for s in (128, 256, 1024) for f in ("jpeg", "webp")])
            self.assertEqual(image["reprocessedBy"], {"job": job.group(1)})
            self.assertEqual((image["original"]["state"], image["original"]["bucket"]), ("archived", "archive"))
            self.assertIn("url", image["original"])
        # The indexer ran on each new metadata document, and the index still has every image.
        harness.wait_for(lambda: len(self.server.invocations("indexer")) >= 22, "the indexer to run on 11 more documents")
        index = json.loads(self.server.client().get_object(Bucket="processed", Key="index/search-index.json")["Body"].read())
        self.assertEqual(len(index["images"]), 11)


if __name__ == "__main__":
    unittest.main()
