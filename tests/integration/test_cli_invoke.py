"""The command line around functions: `bucketfire invoke` (one run without a server, like
`sam local invoke`), `bucketfire events s3`, pipeline-file validation at start, and handlers
reaching S3 over loopback HTTP with --handler-s3 http."""

import json
import os
import subprocess
import tempfile
import unittest

import harness

PIPELINE = {
    "functions": [
        {"name": "recorder", "handler": "save-event", "environment": {"EVENT_BUCKET": "cli-events"}},
        {"name": "broken", "handler": "fail", "environment": {"ERROR_MESSAGE": "no luck"}},
        {"name": "copier", "handler": "copy", "environment": {"TARGET_BUCKET": "copies"}},
    ],
    "buckets": [
        {"name": "cli-events"}, {"name": "copies"},
        {"name": "originals", "notifications": [
            {"id": "copy", "function": "copier", "events": ["s3:ObjectCreated:*"]}]},
    ],
}
PIPELINE_FILE = harness.write_pipeline(PIPELINE)


def run(*args, stdin=None):
    return subprocess.run([harness.binary_path(), *args], capture_output=True, text=True,
                          input=stdin, timeout=60)


class CommandLine(unittest.TestCase):
    def test_events_s3_prints_a_sample_event(self):
        proc = run("events", "s3", "--bucket", "photos", "--key", "new/a b.jpg", "--size", "42")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        [record] = json.loads(proc.stdout)["Records"]
        self.assertEqual(record["eventName"], "ObjectCreated:Put")
        self.assertEqual(record["s3"]["bucket"]["arn"], "arn:aws:s3:::photos")
        self.assertEqual(record["s3"]["object"]["key"], "new/a+b.jpg")
        self.assertEqual(record["s3"]["object"]["size"], 42)
        removed = json.loads(run("events", "s3", "--event-name", "s3:ObjectRemoved:Delete").stdout)
        self.assertNotIn("size", removed["Records"][0]["s3"]["object"])

    def test_invoke_runs_a_handler_once(self):
        event = run("events", "s3", "--bucket", "b", "--key", "k").stdout
        proc = run("invoke", "echo", "--event", "-", "--data-dir", ":memory:", stdin=event)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout), json.loads(event))
        self.assertRegex(proc.stderr, r"START RequestId: [0-9a-f-]{36} Version: \$LATEST")
        self.assertIn("REPORT RequestId:", proc.stderr)

    def test_invoke_reports_a_function_error_with_status_1(self):
        proc = run("invoke", "broken", "--config", PIPELINE_FILE, "--data-dir", ":memory:")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(json.loads(proc.stdout),
                         {"errorMessage": "no luck", "errorType": "HandlerError", "stackTrace": []})
        unknown = run("invoke", "no-such-handler", "--data-dir", ":memory:")
        self.assertEqual(unknown.returncode, 2)
        self.assertIn("no function or handler named no-such-handler", unknown.stderr)

    def test_bad_pipeline_file_is_refused_naming_the_field(self):
        bad = json.loads(json.dumps(PIPELINE))
        bad["functions"][1]["timeout"] = 901
        proc = run("serve", "--port", "0", "--data-dir", ":memory:", "--config", harness.write_pipeline(bad))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("functions[1].timeout: must be an integer from 1 to 900", proc.stderr)
        bad = json.loads(json.dumps(PIPELINE))
        bad["buckets"][2]["notifications"][0]["function"] = "ghost"
        proc = run("serve", "--port", "0", "--data-dir", ":memory:", "--config", harness.write_pipeline(bad))
        self.assertIn("buckets[2].notifications[0].function: \"ghost\" is not a declared function", proc.stderr)
        bad = {"functions": [{"name": "x", "handler": "echo", "timeuot": 3}]}
        proc = run("serve", "--port", "0", "--data-dir", ":memory:", "--config", harness.write_pipeline(bad))
        self.assertIn("functions[0].timeuot: unknown field", proc.stderr)


class InvokeAgainstARunningServer(harness.ServerTestCase):
    server_args = ("--config", PIPELINE_FILE)

    def test_handler_s3_calls_go_to_the_endpoint(self):
        with tempfile.TemporaryDirectory() as data:
            proc = run("invoke", "recorder", "--config", PIPELINE_FILE, "--data-dir", data,
                       "--endpoint", f"127.0.0.1:{self.server.port}", stdin=None)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        key = json.loads(proc.stdout)["saved"]
        self.assertEqual(self.s3.get_object(Bucket="cli-events", Key=key)["Body"].read(), b"{}")


DEMO_PIPELINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures",
                             "demo-pipeline.json")


class DemoPipeline(harness.ServerTestCase):
    """The pipeline `scripts/serve.sh` starts: ingest -> process -> processed -> index."""
    server_args = ("--config", DEMO_PIPELINE)

    def test_an_upload_flows_through_both_tiers(self):
        self.s3.put_object(Bucket="ingest", Key="photos/cat.jpg", Body=b"meow")
        harness.wait_for(lambda: any(i["status"] == "Success" for i in self.server.invocations("index")),
                         "the index function, fired by the processed copy")
        self.assertEqual(self.s3.get_object(Bucket="processed", Key="photos/cat.jpg")["Body"].read(), b"meow")
        [run] = [i for i in self.server.invocations("process") if i["status"] == "Success"]
        self.assertEqual(run["trigger"], "s3:ObjectCreated:Put")


class HandlersOverLoopbackHttp(harness.ServerTestCase):
    server_args = ("--config", PIPELINE_FILE, "--handler-s3=http")

    def test_pipeline_runs_with_signed_http_calls(self):
        mark = self.server.log_mark()
        self.s3.put_object(Bucket="originals", Key="pic.jpg", Body=b"pixels")
        body = harness.wait_for(
            lambda: self._get("copies", "copy/pic.jpg"), "the copy made over HTTP")
        self.assertEqual(body, b"pixels")
        # The handler's calls arrived as real HTTP requests, logged like any client's (a line is
        # written once its response has gone, so the PUT's may follow the copy's appearance).
        log = harness.wait_for(
            lambda: (text := self.server.log_since(mark, limit=200))
            and '"PUT /copies/copy/pic.jpg" PutObject 200' in text and text,
            "the handler's PUT in the access log")
        self.assertRegex(log, r'"GET /originals/pic.jpg" GetObject 200')

    def _get(self, bucket, key):
        try:
            return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None


class SyncInvokesNeverStarveTheServer(harness.ServerTestCase):
    """Two server threads, four simultaneous synchronous invocations whose handlers call S3
    over HTTP: the waiting Invoke requests must not hold the threads the handlers need."""
    server_args = ("--config", PIPELINE_FILE, "--handler-s3=http", "--threads", "2")

    def test_concurrent_sync_invokes_with_http_handler_calls(self):
        import concurrent.futures
        lam = self.server.lambda_client()

        def call(i):
            resp = lam.invoke(FunctionName="recorder", Payload=json.dumps({"n": i}).encode())
            return resp.get("FunctionError"), json.loads(resp["Payload"].read())

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            results = list(pool.map(call, range(4)))
        for error, payload in results:
            self.assertIsNone(error, payload)
            self.assertTrue(payload["saved"].startswith("events/recorder/"))


if __name__ == "__main__":
    harness.main()
