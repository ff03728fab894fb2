"""One trace per journey, as X-Ray would draw it: an upload made with boto3 starts a trace (or
continues the caller's X-Amzn-Trace-Id), its S3 event's function continues it, the function's
own S3 calls (through the SDK) join it as that function's children, the events those writes
cause continue it further, retries and destinations stay in it, and an HTTP API request and its
route's function are one trace too; reads that start a trace are sampled by X-Ray's default rule.
GET /_bucketfire/traces/{id} answers the segment documents in X-Ray's BatchGetTraces shape."""

import json
import unittest

import harness

PIPELINE = {
    "functions": [
        {"name": "copier", "handler": "copy", "environment": {"TARGET_BUCKET": "traced-out", "TARGET_PREFIX": ""}},
        {"name": "summary", "handler": "event-summary"},
        {"name": "failing", "handler": "fail", "maximum_retry_attempts": 1, "on_failure": "recorder"},
        {"name": "recorder", "handler": "echo"},
        {"name": "hello", "handler": "http-hello"},
    ],
    "buckets": [
        {"name": "traced-in", "notifications": [{"function": "copier", "events": ["s3:ObjectCreated:*"], "prefix": "copy/"},
                                                {"function": "failing", "events": ["s3:ObjectCreated:*"], "prefix": "fail/"}]},
        {"name": "traced-out", "notifications": [{"function": "summary", "events": ["s3:ObjectCreated:*"]}]},
    ],
    "routes": [{"route": "GET /hello", "function": "hello"}],
}


class Traces(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE), "--time-scale", "0.001")

    def trace(self, trace_id, count):
        """The trace's segment documents once it has `count` of them."""
        def documents():
            resp = self.server.raw("GET", f"/_bucketfire/traces/{trace_id}")
            if resp.status != 200:
                return None
            answer = json.loads(resp.body)
            self.assertEqual(answer["UnprocessedTraceIds"], [])
            (trace,) = answer["Traces"]
            self.assertEqual(trace["Id"], trace_id)
            docs = [json.loads(s["Document"]) for s in trace["Segments"]]
            self.assertEqual([s["Id"] for s in trace["Segments"]], [d["id"] for d in docs])
            return docs if len(docs) >= count else None
        return harness.wait_for(documents, f"{count} segments in trace {trace_id}")

    def trace_of(self, url_path):
        """The id of the newest trace with a segment for a request to `url_path`."""
        def find():
            for summary in self.server.internal("traces")["TraceSummaries"]:
                docs = json.loads(self.server.raw("GET", f"/_bucketfire/traces/{summary['Id']}").body)
                for seg in docs["Traces"][0]["Segments"]:
                    if json.loads(seg["Document"]).get("http", {}).get("request", {}).get("url") == url_path:
                        return summary["Id"]
            return None
        return harness.wait_for(find, f"a trace with {url_path}")

    def test_an_upload_s_journey_is_one_trace(self):
        self.s3.put_object(Bucket="traced-in", Key="copy/a.txt", Body=b"hello")
        docs = self.trace(self.trace_of("/traced-in/copy/a.txt"), 5)
        by = {(d["name"], d.get("aws", {}).get("operation"), d.get("http", {}).get("request", {}).get("url")): d
              for d in docs}
        put = by[("S3", "PutObject", "/traced-in/copy/a.txt")]
        copier = by[("copier", None, None)]
        get = by[("S3", "GetObject", "/traced-in/copy/a.txt")]
        put_out = by[("S3", "PutObject", "/traced-out/copy/a.txt")]
        summary = by[("summary", None, None)]
        self.assertEqual({d["trace_id"] for d in docs}, {put["trace_id"]})
        self.assertRegex(put["trace_id"], r"^1-[0-9a-f]{8}-[0-9a-f]{24}$")
        self.assertNotIn("parent_id", put)  # boto3 sent no trace header: the upload starts it
        self.assertEqual(copier["parent_id"], put["id"])
        self.assertEqual((get["parent_id"], put_out["parent_id"]), (copier["id"], copier["id"]))
        self.assertEqual(summary["parent_id"], put_out["id"])
        self.assertEqual(copier["origin"], "AWS::Lambda::Function")
        self.assertEqual(copier["aws"]["function_arn"], "arn:aws:lambda:us-east-1:000000000000:function:copier")
        self.assertEqual(put["http"]["response"]["status"], 200)
        for d in docs:
            self.assertRegex(d["id"], r"^[0-9a-f]{16}$")
            self.assertLessEqual(d["start_time"], d["end_time"])
        # The function ran within the time of the event that caused it and after the upload began.
        self.assertGreaterEqual(copier["start_time"], put["start_time"])
        self.assertGreaterEqual(get["start_time"], copier["start_time"])
        self.assertLessEqual(get["end_time"], copier["end_time"] + 0.001)

    def test_reads_without_a_trace_are_sampled(self):
        self.s3.put_object(Bucket="traced-in", Key="read.txt", Body=b"x")
        for _ in range(200):
            self.s3.get_object(Bucket="traced-in", Key="read.txt")["Body"].read()
        gets = [t for t in self.server.internal("traces?limit=1000")["TraceSummaries"] if t["Segments"] == 1]
        traced_gets = 0
        for summary in gets:
            (trace,) = json.loads(self.server.raw("GET", f"/_bucketfire/traces/{summary['Id']}").body)["Traces"]
            document = json.loads(trace["Segments"][0]["Document"])
            traced_gets += document["aws"]["operation"] == "GetObject"
        # The first of each second and about 5% of the rest: far fewer than 200, at least one.
        self.assertGreaterEqual(traced_gets, 1)
        self.assertLess(traced_gets, 60)

    def test_a_callers_trace_header_is_continued(self):
        root, parent = "1-6b000000-0123456789abcdef01234567", "53995c3f42cd8ad8"
        s3 = self.server.client()

        def add_header(request, **_):
            request.headers["X-Amzn-Trace-Id"] = f"Root={root};Parent={parent};Sampled=1"
        s3.meta.events.register("before-sign.s3.PutObject", add_header)
        s3.put_object(Bucket="traced-in", Key="copy/b.txt", Body=b"x")
        docs = self.trace(root, 5)
        put = next(d for d in docs if d.get("http", {}).get("request", {}).get("url") == "/traced-in/copy/b.txt"
                   and d["aws"]["operation"] == "PutObject")
        self.assertEqual(put["parent_id"], parent)

    def test_retries_and_destinations_stay_in_the_trace(self):
        self.s3.put_object(Bucket="traced-in", Key="fail/c.txt", Body=b"x")
        docs = self.trace(self.trace_of("/traced-in/fail/c.txt"), 4)
        put = next(d for d in docs if d["name"] == "S3" and d["aws"]["operation"] == "PutObject")
        attempts = [d for d in docs if d["name"] == "failing"]
        self.assertEqual(len(attempts), 2)
        for attempt in attempts:
            self.assertEqual((attempt["parent_id"], attempt["error"]), (put["id"], True))
            self.assertEqual(attempt["cause"]["exceptions"][0]["message"], "the handler failed on purpose")
        self.assertEqual(sorted(a["annotations"]["attempt"] for a in attempts), [1, 2])
        recorder = next(d for d in docs if d["name"] == "recorder")
        self.assertIn(recorder["parent_id"], {a["id"] for a in attempts})

    def test_an_http_api_request_and_its_function(self):
        # A read that brings no trace header is sampled (X-Ray's default rule); this one brings one.
        root = "1-6b000001-00000000000000000000abcd"
        resp = self.server.raw("GET", "/_api/hello", headers={"X-Amzn-Trace-Id": f"Root={root};Sampled=1"})
        self.assertEqual(resp.status, 200)
        docs = self.trace(root, 2)
        gateway = next(d for d in docs if d["name"] == "HttpApi")
        hello = next(d for d in docs if d["name"] == "hello")
        self.assertEqual((gateway["origin"], hello["parent_id"]), ("AWS::ApiGateway::Stage", gateway["id"]))
        self.assertNotIn("parent_id", gateway)  # the header named no parent
        self.assertEqual(self.server.raw("GET", "/_bucketfire/traces/1-00000000-000000000000000000000000").status, 404)


if __name__ == "__main__":
    unittest.main()
