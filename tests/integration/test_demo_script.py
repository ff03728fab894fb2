"""scripts/demo.sh, the workshop walk-through, against a server running fixtures/pipeline.json:
every fixture image goes through, each bad one ends as a failure record, and the tier-by-tier
summary says so."""

import os
import shutil
import subprocess
import unittest

import harness
import pipeline_support as ps


@unittest.skipUnless(shutil.which("jq") and shutil.which("curl"), "SKIPPED: demo.sh needs curl and jq")
class DemoScript(harness.ServerTestCase):
    server_args = ("--config", ps.PIPELINE_FILE)

    def test_demo_walks_every_tier(self):
        env = dict(os.environ, BUCKETFIRE_BIN=harness.binary_path())
        proc = subprocess.run(["bash", os.path.join(ps.REPO, "scripts", "demo.sh"), self.server.endpoint],
                              capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        out = proc.stdout
        self.assertIn("refused  empty.jpg: 400: size must be at least 1 byte", proc.stderr)
        self.assertIn("s3://ingest:     5 objects left", out)
        self.assertIn("40 thumbnails, 10 metadata documents, search index of 10 images", out)
        self.assertIn("10 originals (DEEP_ARCHIVE), 5 failure records", out)
        for name, reason in [("empty", "EmptyImage"), ("corrupt.jpg", "CorruptImage"),
                             ("not-an-image.jpg", "UnsupportedImage"), ("truncated.jpg", "CorruptImage"),
                             ("huge-100mp.png", "ImageTooLarge")]:
            self.assertRegex(out, rf"\n  {name} +thumbnail +{reason}: ")
        self.assertRegex(out, r"similarity 0\.9\d+  harbour-small\.jpg")


if __name__ == "__main__":
    unittest.main()
