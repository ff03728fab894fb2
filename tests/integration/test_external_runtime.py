"""Functions as external processes speaking the Lambda Runtime API: the reference handler
run three ways (in-process, as the C++ bootstrap built from the same source — also from its
packaged provided.al2023 zip — and as a standard-library Python runtime) gives the same answer; a bootstrap's own S3 calls reach
the emulator through AWS_ENDPOINT_URL; crashed environments are replaced, timed-out ones
killed, and changed code is picked up by the next invocation."""

import atexit
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import harness

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PYTHON_RUNTIME = os.path.join(REPO, "fixtures", "runtimes", "python-event-summary")
FUNCTIONS = os.path.join(os.path.dirname(harness.binary_path()), "functions")
PACKAGES = os.path.join(os.path.dirname(harness.binary_path()), "packages")
WORK = tempfile.mkdtemp(prefix="bf-external-")
atexit.register(shutil.rmtree, WORK, True)
HOT = os.path.join(WORK, "hot")
shutil.copytree(PYTHON_RUNTIME, HOT)
PID_FILE = os.path.join(WORK, "slow.pid")

PIPELINE = {
    "functions": [
        {"name": "summary-inprocess", "handler": "event-summary"},
        {"name": "summary-cpp", "code": os.path.join(FUNCTIONS, "event-summary")},
        {"name": "summary-zip", "code": os.path.join(PACKAGES, "event-summary.zip")},
        {"name": "summary-builtin", "code": os.path.join(PACKAGES, "builtin.zip"), "handler": "event-summary"},
        {"name": "no-such-builtin", "code": os.path.join(PACKAGES, "builtin.zip"), "handler": "nope",
         "maximum_retry_attempts": 0},
        {"name": "summary-python", "code": PYTHON_RUNTIME},
        {"name": "summary-command", "runtime": "process",
         "command": "python3 " + os.path.join(PYTHON_RUNTIME, "bootstrap")},
        {"name": "copier-cpp", "code": os.path.join(FUNCTIONS, "copy"),
         "environment": {"TARGET_BUCKET": "copies", "TARGET_PREFIX": ""}},
        {"name": "crashy", "code": PYTHON_RUNTIME, "maximum_retry_attempts": 0,
         "environment": {"CRASH_ON": "boom.txt"}},
        {"name": "slow", "code": PYTHON_RUNTIME, "timeout": 1, "maximum_retry_attempts": 0,
         "environment": {"SLEEP_SECONDS": "30", "PID_FILE": PID_FILE}},
        {"name": "hot", "code": HOT},
        {"name": "parallel", "code": PYTHON_RUNTIME, "reserved_concurrency": 3, "timeout": 10,
         "environment": {"SLEEP_SECONDS": "0.5", "INCLUDE_PID": "1"}},
        {"name": "failing-cpp", "code": os.path.join(PACKAGES, "builtin.zip"), "handler": "fail",
         "maximum_retry_attempts": 0, "environment": {"ERROR_MESSAGE": "bad input"}},
    ],
    "buckets": [
        {"name": "copies"},
        {"name": "uploads", "notifications": [
            {"function": "summary-cpp", "events": ["s3:ObjectCreated:*"], "prefix": "cpp/"},
            {"function": "copier-cpp", "events": ["s3:ObjectCreated:*"], "prefix": "copy/"}]},
    ],
}


def sample_event(key):
    proc = subprocess.run([harness.binary_path(), "events", "s3", "--bucket", "uploads", "--key", key,
                           "--size", "42"], capture_output=True, text=True, check=True)
    return proc.stdout.encode()


class ExternalRuntimes(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(os.path.join(PACKAGES, "event-summary.zip")):
            raise unittest.SkipTest("the bootstrap targets are not built")
        super().setUpClass()
        cls.lam = cls.server.lambda_client()

    def invoke(self, name, payload=b"{}", tail=False):
        resp = self.lam.invoke(FunctionName=name, Payload=payload, **({"LogType": "Tail"} if tail else {}))
        body = json.loads(resp["Payload"].read())
        log = base64.b64decode(resp["LogResult"]).decode() if tail else ""
        return resp.get("FunctionError"), body, log

    def test_same_answer_three_ways(self):
        event = sample_event("photos/red flower.jpg")
        answers = {}
        for name in ["summary-inprocess", "summary-cpp", "summary-zip", "summary-builtin", "summary-python",
                     "summary-command"]:
            error, body, log = self.invoke(name, event, tail=True)
            self.assertIsNone(error, body)
            self.assertIn("summarised 1 record(s)", log, name)
            self.assertRegex(log, r"REPORT RequestId: [0-9a-f-]{36}\tDuration", name)
            answers[name] = body
        expected = {"count": 1, "objects": [{"event": "ObjectCreated:Put", "bucket": "uploads",
                                             "key": "photos/red flower.jpg", "size": 42}]}
        for name, body in answers.items():
            self.assertEqual(body, expected, name)

    def test_s3_events_reach_a_bootstrap_and_its_s3_calls_stay_local(self):
        self.s3.put_object(Bucket="uploads", Key="cpp/a.txt", Body=b"x")
        self.s3.put_object(Bucket="uploads", Key="copy/b.txt", Body=b"copied by a bootstrap")
        harness.wait_for(lambda: any(i["status"] == "Success" for i in self.server.invocations("summary-cpp")),
                         "the C++ bootstrap to run on the S3 event")
        body = harness.wait_for(lambda: self._get("copies", "copy/b.txt"), "the bootstrap's copy")
        self.assertEqual(body, b"copied by a bootstrap")

    def test_environments_scale_to_the_concurrency_and_stay_warm(self):
        import concurrent.futures
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda i: self.invoke("parallel", sample_event(f"p{i}"))[1], range(3)))
        pids = {a["pid"] for a in answers}
        self.assertEqual(len(pids), 3, answers)
        # The next invocation runs in one of the warm environments.
        self.assertIn(self.invoke("parallel", sample_event("again"))[1]["pid"], pids)

    def test_a_handler_exception_is_a_function_error_and_the_runtime_goes_on(self):
        for _ in range(2):
            error, body, _ = self.invoke("failing-cpp", sample_event("f.txt"))
            self.assertEqual(error, "Unhandled")
            self.assertEqual((body["errorType"], body["errorMessage"]), ("HandlerError", "bad input"))

    def test_an_init_error_is_the_invocation_error(self):
        error, body, _ = self.invoke("no-such-builtin", sample_event("x.txt"))
        self.assertEqual(error, "Unhandled")
        self.assertEqual(body["errorType"], "Runtime.HandlerNotFound")
        self.assertIn('no built-in handler "nope"', body["errorMessage"])

    def test_a_crashed_environment_is_replaced(self):
        error, body, log = self.invoke("crashy", sample_event("boom.txt"), tail=True)
        self.assertEqual(error, "Unhandled")
        self.assertEqual(body["errorType"], "Runtime.ExitError")
        self.assertIn("Runtime exited with error: exit status 3", body["errorMessage"])
        self.assertIn("crashing on purpose", log)
        error, body, _ = self.invoke("crashy", sample_event("fine.txt"))
        self.assertIsNone(error, body)
        self.assertEqual(body["count"], 1)

    def test_a_timed_out_environment_is_killed(self):
        started = time.monotonic()
        error, body, _ = self.invoke("slow", sample_event("slow.txt"))
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(error, "Unhandled")
        self.assertEqual(body["errorType"], "Sandbox.Timedout")
        with open(PID_FILE) as f:
            pid = int(f.read())

        def gone():
            try:
                os.kill(pid, 0)
                return False
            except ProcessLookupError:
                return True
        harness.wait_for(gone, f"process {pid} to be killed", timeout=10)

    def test_changed_code_is_picked_up(self):
        error, body, _ = self.invoke("hot", sample_event("one.txt"))
        self.assertEqual(body["count"], 1)
        bootstrap = os.path.join(HOT, "bootstrap")
        with open(bootstrap) as f:
            code = f.read()
        with open(bootstrap, "w") as f:
            f.write(code.replace('result = {"count": len(objects), "objects": objects}',
                                 'result = {"count": len(objects), "objects": objects, "version": 2}'))
        error, body, _ = self.invoke("hot", sample_event("two.txt"))
        self.assertIsNone(error, body)
        self.assertEqual(body.get("version"), 2)

    def test_create_update_and_delete_with_the_aws_cli(self):
        role = "arn:aws:iam::000000000000:role/lambda"
        made = self.server.aws_json("lambda", "create-function", "--function-name", "made",
                                    "--runtime", "provided.al2023", "--role", role, "--handler", "summary",
                                    "--zip-file", "fileb://" + os.path.join(PACKAGES, "event-summary.zip"))
        self.assertEqual((made["FunctionName"], made["Runtime"], made["State"]), ("made", "provided.al2023", "Active"))
        error, body, _ = self.invoke("made", sample_event("a.txt"))
        self.assertIsNone(error, body)
        self.assertEqual(body["count"], 1)

        # New code: the Python runtime, zipped with an executable bootstrap.
        zip_path = os.path.join(WORK, "python.zip")
        with open(os.path.join(PYTHON_RUNTIME, "bootstrap")) as f:
            code = f.read().replace('result = {"count": len(objects), "objects": objects}',
                                    'result = {"count": len(objects), "objects": objects, "version": 3}')
        import zipfile
        with zipfile.ZipFile(zip_path, "w") as z:
            info = zipfile.ZipInfo("bootstrap")
            info.external_attr = 0o755 << 16
            z.writestr(info, code)
        self.server.aws_json("lambda", "update-function-code", "--function-name", "made",
                             "--zip-file", "fileb://" + zip_path)
        error, body, _ = self.invoke("made", sample_event("b.txt"))
        self.assertIsNone(error, body)
        self.assertEqual(body["version"], 3)

        # From a package in S3, as Lambda can read it.
        self.s3.create_bucket(Bucket="packages")
        self.s3.upload_file(zip_path, "packages", "python.zip")
        self.lam.create_function(FunctionName="from-s3", Runtime="provided.al2", Role=role, Handler="h",
                                 Code={"S3Bucket": "packages", "S3Key": "python.zip"})
        self.assertEqual(self.invoke("from-s3", sample_event("c.txt"))[1]["version"], 3)

        with open(zip_path, "rb") as f:
            package = f.read()
        for kwargs, code_name in [
                ({"FunctionName": "made", "Runtime": "provided.al2023"}, "ResourceConflictException"),
                ({"FunctionName": "py", "Runtime": "python3.12"}, "InvalidParameterValueException")]:
            with self.assertRaises(self.lam.exceptions.ClientError) as err:
                self.lam.create_function(Role=role, Handler="h", Code={"ZipFile": package}, **kwargs)
            self.assertEqual(err.exception.response["Error"]["Code"], code_name)
        with self.assertRaises(self.lam.exceptions.ClientError) as err:
            self.lam.create_function(FunctionName="nozip", Runtime="provided.al2023", Role=role, Handler="h",
                                     Code={"ZipFile": b"not a zip"})
        self.assertEqual(err.exception.response["Error"]["Code"], "InvalidParameterValueException")

        self.server.aws("lambda", "delete-function", "--function-name", "made")
        with self.assertRaises(self.lam.exceptions.ClientError) as err:
            self.lam.invoke(FunctionName="made", Payload=b"{}")
        self.assertEqual(err.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def _get(self, bucket, key):
        try:
            return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except self.s3.exceptions.NoSuchKey:
            return None


if __name__ == "__main__":
    harness.main()
