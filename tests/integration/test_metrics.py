"""GET /metrics in Prometheus' text format: S3 requests by operation and status code with their
durations, Lambda invocations by function and outcome with their durations, running
invocations, the event queue, stored bytes per bucket and storage class, and the process's own
figures, counted while boto3 drives the server; `promtool check metrics` (from Debian's
prometheus package) accepts the page. A bucket named "metrics" still answers signed S3 requests."""

import os
import re
import shutil
import subprocess
import urllib.request

import harness

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PIPELINE = {
    "functions": [{"name": "on-upload", "handler": "echo"},
                  {"name": "failing", "handler": "fail", "maximum_retry_attempts": 0},
                  {"name": "slow", "handler": "sleep", "timeout": 10, "environment": {"SLEEP_MS": "1500"}}],
    "buckets": [{"name": "watched", "notifications": [{"function": "on-upload", "events": ["s3:ObjectCreated:*"]}]}],
}


def samples(text):
    """{(name, frozenset of label pairs): value} of every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$', line)
        assert m, line
        labels = frozenset(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def value(page, name, **labels):
    return page.get((name, frozenset(labels.items())))


def promtool():
    for candidate in ("promtool", os.path.join(REPO, "build", "tools", "bin", "promtool")):
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.access(path, os.X_OK):
            return path
    return None


class Metrics(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    def scrape(self, path="/metrics"):
        with urllib.request.urlopen(self.server.endpoint + path, timeout=10) as resp:
            self.assertTrue(resp.headers["Content-Type"].startswith("text/plain; version=0.0.4"))
            return resp.read().decode()

    def test_requests_invocations_events_and_storage_are_counted(self):
        before = samples(self.scrape())
        self.s3.put_object(Bucket="watched", Key="a.txt", Body=b"x" * 1000)
        self.s3.put_object(Bucket="watched", Key="b.txt", Body=b"y" * 24, StorageClass="STANDARD_IA")
        self.assertClientError(lambda: self.s3.get_object(Bucket="watched", Key="missing"), "NoSuchKey", 404)
        harness.wait_for(lambda: len(self.server.invocations("on-upload")) >= 2, "both upload events delivered")
        lam = self.server.lambda_client()
        failed = lam.invoke(FunctionName="failing", Payload=b"{}")
        self.assertEqual(failed["FunctionError"], "Unhandled")
        page = samples(self.scrape())

        def grew(name, **labels):
            return (value(page, name, **labels) or 0) - (value(before, name, **labels) or 0)

        self.assertEqual(grew("bucketfire_s3_requests_total", operation="PutObject", code="200"), 2)
        self.assertEqual(grew("bucketfire_s3_requests_total", operation="GetObject", code="404"), 1)
        self.assertGreaterEqual(grew("bucketfire_s3_request_duration_seconds_count"), 3)
        self.assertEqual(value(page, "bucketfire_s3_request_duration_seconds_bucket", le="+Inf"),
                         value(page, "bucketfire_s3_request_duration_seconds_count"))
        self.assertEqual(grew("bucketfire_lambda_invocations_total", function="on-upload", outcome="Success"), 2)
        self.assertEqual(grew("bucketfire_lambda_invocations_total", function="failing", outcome="Unhandled"), 1)
        self.assertEqual(grew("bucketfire_lambda_duration_seconds_count", function="on-upload"), 2)
        self.assertGreaterEqual(grew("bucketfire_events_delivered_total"), 2)
        self.assertEqual(value(page, "bucketfire_events_pending"), 0)
        self.assertEqual(value(page, "bucketfire_storage_bytes", bucket="watched", storage_class="STANDARD"), 1000)
        self.assertEqual(value(page, "bucketfire_storage_bytes", bucket="watched", storage_class="STANDARD_IA"), 24)
        self.assertEqual(value(page, "bucketfire_storage_objects", bucket="watched", storage_class="STANDARD"), 1)
        # The process's own figures.
        self.assertGreater(value(page, "process_resident_memory_bytes"), 1 << 20)
        self.assertGreater(value(page, "process_open_fds"), 3)
        self.assertGreater(value(page, "process_start_time_seconds"), 1.7e9)
        # The same page at /_bucketfire/metrics.
        self.assertIn("bucketfire_s3_requests_total", self.scrape("/_bucketfire/metrics"))

    def test_running_invocations_are_a_gauge(self):
        lam = self.server.lambda_client()
        lam.invoke(FunctionName="slow", InvocationType="Event", Payload=b"{}")
        harness.wait_for(lambda: value(samples(self.scrape()), "bucketfire_lambda_concurrent_executions",
                                       function="slow") == 1, "the slow function counted as running")
        harness.wait_for(lambda: value(samples(self.scrape()), "bucketfire_lambda_concurrent_executions",
                                       function="slow") is None, "the slow function no longer running", timeout=15)

    def test_a_bucket_named_metrics_is_still_s3s(self):
        self.s3.create_bucket(Bucket="metrics")
        self.s3.put_object(Bucket="metrics", Key="k", Body=b"v")
        self.assertEqual([o["Key"] for o in self.s3.list_objects(Bucket="metrics")["Contents"]], ["k"])
        self.assertEqual([o["Key"] for o in self.s3.list_objects_v2(Bucket="metrics")["Contents"]], ["k"])
        url = self.s3.generate_presigned_url("list_objects", Params={"Bucket": "metrics"})
        with urllib.request.urlopen(url, timeout=10) as resp:
            self.assertIn(b"<Key>k</Key>", resp.read())
        self.assertIn("process_cpu_seconds_total", self.scrape())

    def test_promtool_accepts_the_page(self):
        tool = promtool()
        if not tool:
            print("SKIPPED: promtool is missing (bash scripts/install-promtool.sh)", flush=True)
            self.skipTest("promtool is missing")
        self.s3.create_bucket(Bucket="checked")
        self.s3.put_object(Bucket="checked", Key="k.txt", Body=b"z")  # a page with every family filled
        proc = subprocess.run([tool, "check", "metrics"], input=self.scrape(), capture_output=True, text=True,
                              timeout=60)
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr), (0, "", ""))


if __name__ == "__main__":
    import unittest
    unittest.main()
