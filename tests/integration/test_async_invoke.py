"""Lambda's async semantics on S3-triggered and Event invocations, at a time scale where
AWS's one- and two-minute retry delays take 60 and 120 ms: retries then the on-failure
destination (an S3 bucket or a function), on-success destinations, event-age expiry,
reserved-concurrency throttling, timeouts, recursive loops stopped at 16, and the Invoke API
with Tail logs, driven by boto3 and the aws CLI."""

import base64
import json
import time
import unittest

from botocore.exceptions import ClientError

import harness
from events_support import EventReader

PIPELINE = {
    "functions": [
        {"name": "recorder", "handler": "save-event", "environment": {"EVENT_BUCKET": "events"}},
        {"name": "failer", "handler": "fail", "on_failure": "arn:aws:s3:::dlq",
         "environment": {"ERROR_TYPE": "ThumbnailError", "ERROR_MESSAGE": "cannot decode image"}},
        {"name": "fail-once-to-fn", "handler": "fail", "maximum_retry_attempts": 0,
         "on_failure": "recorder"},
        {"name": "succeed-to-fn", "handler": "echo", "on_success": "recorder"},
        {"name": "ager", "handler": "fail", "maximum_event_age_seconds": 60,
         "on_failure": "arn:aws:s3:::dlq-age"},
        {"name": "slow", "handler": "sleep", "reserved_concurrency": 1, "timeout": 10,
         "environment": {"SLEEP_MS": "300", "SAVE_BUCKET": "slept"}},
        {"name": "sleepy", "handler": "sleep", "timeout": 1, "maximum_retry_attempts": 0,
         "environment": {"SLEEP_MS": "1500", "SAVE_BUCKET": "slept"}},
        {"name": "looper", "handler": "copy", "environment": {"TARGET_PREFIX": "again-"}},
    ],
    "buckets": [
        {"name": "events"}, {"name": "dlq"}, {"name": "dlq-age"}, {"name": "slept"},
        {"name": "uploads", "notifications": [
            {"id": "thumbs", "function": "failer", "events": ["s3:ObjectCreated:*"], "prefix": "fail/"},
            {"id": "aged", "function": "ager", "events": ["s3:ObjectCreated:*"], "prefix": "age/"},
            {"id": "slow", "function": "slow", "events": ["s3:ObjectCreated:*"], "prefix": "slow/"}]},
        {"name": "loop", "notifications": [
            {"id": "loop", "function": "looper", "events": ["s3:ObjectCreated:*"]}]},
    ],
}

TIME_SCALE = 0.001  # one minute of AWS time is 60 ms here


def s3_objects(s3, bucket, prefix=""):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def read_json(s3, bucket, key):
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


class AsyncInvocation(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE), "--time-scale", str(TIME_SCALE))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = cls.server.lambda_client()
        cls.events = EventReader(cls.s3, "events")

    def test_retries_then_s3_on_failure_destination(self):
        self.s3.put_object(Bucket="uploads", Key="fail/photo.jpg", Body=b"not an image")
        [key] = harness.wait_for(lambda: s3_objects(self.s3, "dlq", "aws/lambda/async/failer/"),
                                 "the failure record in the dlq bucket")
        self.assertRegex(key, r"^aws/lambda/async/failer/\d{4}/\d\d/\d\d/"
                              r"\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d-[0-9a-f-]{36}$")
        record = read_json(self.s3, "dlq", key)
        self.assertEqual(record["version"], "1.0")
        ctx = record["requestContext"]
        self.assertEqual(ctx["condition"], "RetriesExhausted")
        self.assertEqual(ctx["approximateInvokeCount"], 3)
        self.assertEqual(ctx["functionArn"], "arn:aws:lambda:us-east-1:000000000000:function:failer:$LATEST")
        self.assertEqual(record["requestPayload"]["Records"][0]["s3"]["object"]["key"], "fail/photo.jpg")
        self.assertEqual(record["responseContext"],
                         {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"})
        self.assertEqual(record["responsePayload"],
                         {"errorMessage": "cannot decode image", "errorType": "ThumbnailError", "stackTrace": []})
        attempts = [i for i in self.server.invocations("failer") if i["requestId"] == ctx["requestId"]]
        self.assertEqual([a["attempt"] for a in attempts], [1, 2, 3])
        self.assertTrue(all(a["status"] == "Unhandled" for a in attempts))
        self.assertTrue(all(a["trigger"] == "s3:ObjectCreated:Put" for a in attempts))

    def test_function_destinations_on_failure_and_on_success(self):
        self.lam.invoke(FunctionName="fail-once-to-fn", InvocationType="Event", Payload=b'{"n": 1}')
        self.lam.invoke(FunctionName="succeed-to-fn", InvocationType="Event", Payload=b'{"n": 2}')

        def records():
            self.events.records()  # reads what arrived since the last look
            found = {e["requestContext"]["condition"]: e
                     for e in self.events.seen.values() if "requestContext" in e}
            return found if {"RetriesExhausted", "Success"} <= set(found) else None
        found = harness.wait_for(records, "both destination records")
        failure, success = found["RetriesExhausted"], found["Success"]
        self.assertEqual(failure["requestPayload"], {"n": 1})
        self.assertEqual(failure["requestContext"]["approximateInvokeCount"], 1)
        self.assertTrue(failure["requestContext"]["functionArn"].endswith(":function:fail-once-to-fn:$LATEST"))
        self.assertEqual(success["requestPayload"], {"n": 2})
        self.assertEqual(success["responsePayload"], {"n": 2})
        self.assertEqual(success["responseContext"], {"statusCode": 200, "executedVersion": "$LATEST"})

    def test_event_age_expiry(self):
        # ager fails; its retry comes 60 ms later, past its 60 s (scaled: 60 ms) event age.
        self.s3.put_object(Bucket="uploads", Key="age/old.txt", Body=b"x")
        [key] = harness.wait_for(lambda: s3_objects(self.s3, "dlq-age"), "the aged-out record")
        record = read_json(self.s3, "dlq-age", key)
        self.assertEqual(record["requestContext"]["condition"], "EventAgeExceeded")
        self.assertEqual(record["requestContext"]["approximateInvokeCount"], 1)
        statuses = [i["status"] for i in self.server.invocations("ager")]
        self.assertEqual(statuses, ["Unhandled", "EventAgeExceeded"])

    def test_reserved_concurrency_throttles_and_events_wait(self):
        for i in range(3):
            self.s3.put_object(Bucket="uploads", Key=f"slow/{i}", Body=b"x")
        # A synchronous call while the one slot is busy is refused with 429.
        harness.wait_for(lambda: any(i["status"] == "Throttled" for i in self.server.invocations("slow"))
                         or self._try_sync_throttle(), "a throttle")
        done = harness.wait_for(
            lambda: (lambda ok: ok if len(ok) == 3 else None)(
                [i for i in self.server.invocations("slow")
                 if i["status"] == "Success" and i["trigger"].startswith("s3:")]),
            "three slow invocations", timeout=30)
        # With one slot, runs never overlap: each starts after the previous one ended.
        spans = sorted((harness_time(i["time"]) - i["durationMs"] / 1000, harness_time(i["time"])) for i in done)
        for (_, end), (start, _) in zip(spans, spans[1:]):
            self.assertGreaterEqual(start, end - 0.005)
        self.assertTrue(any(i["status"] == "Throttled" for i in self.server.invocations("slow")))
        self.assertGreaterEqual(len(s3_objects(self.s3, "slept", "slept/")), 3)

    def _try_sync_throttle(self):
        try:
            self.lam.invoke(FunctionName="slow", Payload=b"{}")
        except ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "TooManyRequestsException")
            self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 429)
            return True
        return False

    def function_log(self, name):
        return self.server.raw("GET", f"/_bucketfire/functions/{name}/logs").body.decode()

    def test_timeout_fails_the_invocation_and_stops_the_handler(self):
        resp = self.lam.invoke(FunctionName="sleepy", Payload=b"{}", LogType="Tail")
        self.assertEqual(resp["StatusCode"], 200)
        self.assertEqual(resp["FunctionError"], "Unhandled")
        body = json.loads(resp["Payload"].read())
        self.assertEqual(body["errorType"], "Sandbox.Timedout")
        self.assertRegex(body["errorMessage"], r"^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$")
        log = base64.b64decode(resp["LogResult"]).decode()
        self.assertIn("Task timed out after 1.00 seconds", log)
        self.assertIn("Status: timeout", log)
        request_id = body["errorMessage"].split()[1]
        # The handler wakes at 1.5 s (and says so); its next S3 call throws instead of writing.
        harness.wait_for(lambda: "awake after 1500 ms" in self.function_log("sleepy"), "the handler to wake")
        self.assertEqual(s3_objects(self.s3, "slept", f"slept/{request_id}"), [])
        [record] = [i for i in self.server.invocations("sleepy") if i["requestId"] == request_id]
        self.assertEqual(record["status"], "Timeout")

    def test_recursive_loop_is_stopped_after_16_invocations(self):
        self.s3.put_object(Bucket="loop", Key="start", Body=b"loop")
        stats = harness.wait_for(
            lambda: (lambda s: s if s["recursiveInvocationsDropped"] >= 1 else None)(
                self.server.internal("invocations?function=looper&limit=1000")),
            "the loop to be stopped")
        runs = [i for i in stats["invocations"] if i["status"] == "Success"]
        self.assertEqual(len(runs), 16)
        self.assertEqual([i["status"] for i in stats["invocations"]].count("RecursionStopped"), 1)
        self.assertEqual(len(s3_objects(self.s3, "loop")), 17)
        log = self.server.raw("GET", "/_bucketfire/functions/looper/logs").body.decode()
        self.assertIn("recursive loop detected", log)

    def test_invoke_api_with_the_aws_cli_and_tail_logs(self):
        proc = self.server.aws("lambda", "invoke", "--function-name", "succeed-to-fn",
                               "--payload", '{"hello": "world"}', "--log-type", "Tail", "/dev/stdout")
        lines = proc.stdout.strip()
        self.assertIn('{"hello":"world"}', lines)
        meta = json.loads(lines[lines.index('{\n'):])
        self.assertEqual(meta["StatusCode"], 200)
        self.assertEqual(meta["ExecutedVersion"], "$LATEST")
        log = base64.b64decode(meta["LogResult"]).decode()
        self.assertRegex(log, r"START RequestId: [0-9a-f-]{36} Version: \$LATEST\n")
        self.assertRegex(log, r"END RequestId: [0-9a-f-]{36}\n")
        self.assertRegex(log, r"REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: "
                              r"\d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t\n")

    def test_invoke_api_status_codes_and_errors(self):
        event = self.lam.invoke(FunctionName="recorder", InvocationType="Event", Payload=b"{}")
        self.assertEqual(event["StatusCode"], 202)
        dry = self.lam.invoke(FunctionName="recorder", InvocationType="DryRun")
        self.assertEqual(dry["StatusCode"], 204)
        arn = self.lam.invoke(FunctionName="arn:aws:lambda:us-east-1:000000000000:function:succeed-to-fn",
                              Payload=b'{"x": 1}', LogType="Tail")
        self.assertEqual(json.loads(arn["Payload"].read()), {"x": 1})
        # x-amzn-RequestId is the invocation's request id, the one its log lines carry.
        request_id = arn["ResponseMetadata"]["RequestId"]
        self.assertIn(f"START RequestId: {request_id} Version: $LATEST",
                      base64.b64decode(arn["LogResult"]).decode())
        queued = self.lam.invoke(FunctionName="succeed-to-fn", InvocationType="Event", Payload=b"{}")
        queued_id = queued["ResponseMetadata"]["RequestId"]
        harness.wait_for(lambda: any(i["requestId"] == queued_id and i["status"] == "Success"
                                     for i in self.server.invocations("succeed-to-fn")),
                         "the queued invocation under the request id Invoke answered")
        failed = self.lam.invoke(FunctionName="failer", Payload=b"{}")
        self.assertEqual(failed["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(failed["Payload"].read())["errorType"], "ThumbnailError")
        with self.assertRaises(ClientError) as missing:
            self.lam.invoke(FunctionName="nope", Payload=b"{}")
        self.assertEqual(missing.exception.response["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(missing.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertIn("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
                      missing.exception.response["Error"]["Message"])
        with self.assertRaises(ClientError) as alias:
            self.lam.invoke(FunctionName="recorder", Qualifier="prod", Payload=b"{}")
        self.assertEqual(alias.exception.response["Error"]["Code"], "ResourceNotFoundException")
        latest = self.lam.invoke(FunctionName="succeed-to-fn", Qualifier="$LATEST", Payload=b"{}")
        self.assertEqual(latest["StatusCode"], 200)
        with self.assertRaises(ClientError) as bad:
            self.lam.invoke(FunctionName="recorder", Payload=b"not json")
        self.assertEqual(bad.exception.response["Error"]["Code"], "InvalidRequestContentException")
        wrong_key = self.server.lambda_client(secret_key="wrong")
        with self.assertRaises(ClientError) as denied:
            wrong_key.invoke(FunctionName="recorder", Payload=b"{}")
        self.assertEqual(denied.exception.response["Error"]["Code"], "InvalidSignatureException")

    def test_function_apis(self):
        names = [f["FunctionName"] for f in self.lam.list_functions()["Functions"]]
        self.assertEqual(names, sorted(p["name"] for p in PIPELINE["functions"]))
        cfg = self.lam.get_function_configuration(FunctionName="slow")
        self.assertEqual((cfg["Timeout"], cfg["MemorySize"], cfg["Handler"], cfg["Runtime"]),
                         (10, 128, "sleep", "provided.al2023"))
        self.assertRegex(cfg["LastModified"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
        self.assertEqual(cfg["Environment"]["Variables"]["SLEEP_MS"], "300")
        fn = self.lam.get_function(FunctionName="slow")
        self.assertEqual(fn["Concurrency"], {"ReservedConcurrentExecutions": 1})

        with self.assertRaises(ClientError) as too_many:
            self.lam.put_function_event_invoke_config(FunctionName="recorder", MaximumRetryAttempts=5)
        self.assertEqual(too_many.exception.response["Error"]["Code"], "ValidationException")
        self.assertIn("Member must have value less than or equal to 2",
                      too_many.exception.response["Error"]["Message"])
        unchecked = self.server.lambda_client(parameter_validation=False)
        with self.assertRaises(ClientError) as too_young:
            unchecked.put_function_event_invoke_config(FunctionName="recorder", MaximumEventAgeInSeconds=30)
        self.assertEqual(too_young.exception.response["Error"]["Code"], "ValidationException")
        with self.assertRaises(ClientError) as s3_success:
            self.lam.put_function_event_invoke_config(
                FunctionName="recorder",
                DestinationConfig={"OnSuccess": {"Destination": "arn:aws:s3:::dlq"}})
        self.assertEqual(s3_success.exception.response["Error"]["Code"], "InvalidParameterValueException")

        put = self.lam.put_function_event_invoke_config(
            FunctionName="recorder", MaximumRetryAttempts=1, MaximumEventAgeInSeconds=120,
            DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::dlq"}})
        self.assertEqual(put["FunctionArn"], "arn:aws:lambda:us-east-1:000000000000:function:recorder:$LATEST")
        got = self.lam.get_function_event_invoke_config(FunctionName="recorder")
        self.assertEqual((got["MaximumRetryAttempts"], got["MaximumEventAgeInSeconds"]), (1, 120))
        self.assertEqual(got["DestinationConfig"]["OnFailure"], {"Destination": "arn:aws:s3:::dlq"})
        self.lam.delete_function_event_invoke_config(FunctionName="recorder")
        with self.assertRaises(ClientError) as gone:
            self.lam.get_function_event_invoke_config(FunctionName="recorder")
        self.assertEqual(gone.exception.response["Error"]["Code"], "ResourceNotFoundException")

        self.assertEqual(self.lam.put_function_concurrency(
            FunctionName="recorder", ReservedConcurrentExecutions=5)["ReservedConcurrentExecutions"], 5)
        self.assertEqual(self.lam.get_function_concurrency(FunctionName="recorder")
                         ["ReservedConcurrentExecutions"], 5)
        self.lam.delete_function_concurrency(FunctionName="recorder")
        self.assertNotIn("ReservedConcurrentExecutions", self.lam.get_function_concurrency(FunctionName="recorder"))

        self.assertEqual(self.lam.get_function_recursion_config(FunctionName="looper")["RecursiveLoop"], "Terminate")


VIRTUAL_PIPELINE = {
    "functions": [{"name": "failer", "handler": "fail", "on_failure": "arn:aws:s3:::dlq"},
                  {"name": "probe", "handler": "noop"}],
    "buckets": [{"name": "dlq"},
                {"name": "uploads", "notifications": [
                    {"id": "f", "function": "failer", "events": ["s3:ObjectCreated:*"]}]},
                {"name": "probes", "notifications": [
                    {"id": "p", "function": "probe", "events": ["s3:ObjectCreated:*"]}]}],
}


class VirtualTimeRetries(harness.ServerTestCase):
    """AWS's real schedule (one minute, then two) on a clock moved by the test."""
    server_args = ("--config", harness.write_pipeline(VIRTUAL_PIPELINE), "--clock", "virtual")

    def advance(self, by):
        resp = self.server.raw("POST", f"/_bucketfire/clock?advance={by}")
        self.assertEqual(resp.status, 200, repr(resp))
        self.assertTrue(json.loads(resp.body)["virtual"])

    def attempts(self):
        return [i["attempt"] for i in self.server.invocations("failer") if i["status"] == "Unhandled"]

    def test_retries_wait_for_the_clock(self):
        self.s3.put_object(Bucket="uploads", Key="a.jpg", Body=b"x")
        harness.wait_for(lambda: self.attempts() == [1], "the first attempt")
        self.advance("59s")
        # A retry due at 60 s must not run at 59 s. The dispatcher has looked at the moved clock
        # once it has run an event queued after the move: then the retry still has not run.
        self.s3.put_object(Bucket="probes", Key="after-59s", Body=b"x")
        harness.wait_for(lambda: any(i["status"] == "Success" for i in self.server.invocations("probe")),
                         "an event queued after the clock moved")
        self.assertEqual(self.attempts(), [1])
        self.advance("1s")
        harness.wait_for(lambda: self.attempts() == [1, 2], "the second attempt, one minute later")
        self.assertEqual(s3_objects(self.s3, "dlq"), [])
        self.advance("2m")
        [key] = harness.wait_for(lambda: s3_objects(self.s3, "dlq"), "the failure record")
        self.assertEqual(self.attempts(), [1, 2, 3])
        self.assertEqual(read_json(self.s3, "dlq", key)["requestContext"]["approximateInvokeCount"], 3)

    def test_real_clock_refuses_to_move(self):
        other = harness.Server()
        self.addCleanup(other.close)
        other.start()
        resp = other.raw("POST", "/_bucketfire/clock?advance=1m")
        self.assertEqual(resp.status, 409)


def harness_time(iso):
    import datetime
    return datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


if __name__ == "__main__":
    harness.main()
