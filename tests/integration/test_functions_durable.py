"""Functions made through the Lambda API: names and packages that would escape their folder
or blow up on unpacking are refused, and every acknowledged control-plane write
(CreateFunction, UpdateFunctionCode, PutFunctionEventInvokeConfig, concurrency, recursion,
PutBucketNotificationConfiguration) survives kill -9, so the next upload fires the function."""

import concurrent.futures
import glob
import io
import json
import os
import stat
import threading
import zipfile

import harness

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RUNTIME = os.path.join(REPO, "fixtures", "runtimes", "python-event-summary", "bootstrap")
ROLE = "arn:aws:iam::000000000000:role/lambda"
MB = 1000 * 1000


def package(files):
    """A zip of (name, bytes or str, mode) entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, mode in files:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


def runtime_code():
    with open(RUNTIME) as f:
        return f.read()


def runtime_package(marker=None, mode=0o755):
    code = runtime_code()
    if marker:
        code = code.replace('print(f"summarised {len(objects)} record(s)", flush=True)',
                            f'print("{marker}", flush=True)')
    return package([("bootstrap", code, mode)])


class Guards(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam = cls.server.lambda_client()

    def create(self, name, code, **kwargs):
        return self.lam.create_function(FunctionName=name, Runtime="provided.al2023", Role=ROLE,
                                        Handler="h", Code={"ZipFile": code}, **kwargs)

    def assertRefused(self, name, code, error, message_part):
        with self.assertRaises(self.lam.exceptions.ClientError) as caught:
            self.create(name, code)
        response = caught.exception.response
        self.assertEqual(response["Error"]["Code"], error, response)
        self.assertIn(message_part, response["Error"]["Message"])
        return response

    def test_a_name_that_is_a_path_is_refused(self):
        for name in ("../../x", "a/b", "x..y/../z", "bad name", "a" * 65):
            with self.subTest(name=name):
                self.assertRefused(name, runtime_package(), "ValidationException", "functionName")
        leaked = [p for p in glob.glob(os.path.join(self.server.root, "**", "*.zip"), recursive=True)]
        self.assertEqual(leaked, [])
        self.create("fine-name_1", runtime_package())
        self.assertEqual(self.lam.get_function(FunctionName="fine-name_1")["Configuration"]["State"], "Active")

    def test_a_package_that_unzips_past_250_mb_is_refused(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("bootstrap", runtime_code())
            padding = zipfile.ZipInfo("padding")
            padding.compress_type = zipfile.ZIP_DEFLATED
            with z.open(padding, "w") as f:
                block = bytes(MB)
                for _ in range(263):
                    f.write(block)
        self.assertRefused("bomb", out.getvalue(), "InvalidParameterValueException",
                           "Unzipped size must be smaller than 262144000 bytes")
        self.assertRefused("many", package([("bootstrap", "x", 0o755)] + [(f"f{i}", "", 0o644) for i in range(20001)]),
                           "InvalidParameterValueException", "entries")

    def test_setuid_and_setgid_bits_are_dropped(self):
        code = runtime_code()
        self.create("modes", package([("bootstrap", code, 0o4755), ("tool", "#!/bin/sh\n", 0o6777)]))
        result = self.lam.invoke(FunctionName="modes", Payload=b"{}")
        self.assertNotIn("FunctionError", result, result["Payload"].read())
        unpacked = [folder for folder in glob.glob(os.path.join(self.server.data_dir, "functions", "unpacked", "*"))
                    if os.path.exists(os.path.join(folder, "tool"))]
        self.assertEqual(len(unpacked), 1, unpacked)
        for name in ("bootstrap", "tool"):
            mode = os.stat(os.path.join(unpacked[0], name)).st_mode
            self.assertEqual(mode & (stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX), 0, f"{name}: {oct(mode)}")
            self.assertTrue(mode & stat.S_IXUSR, f"{name}: {oct(mode)}")


    def test_names_in_utf8_are_kept_and_names_that_are_not_are_refused(self):
        # Zip tools write non-ASCII names in UTF-8 (with the zip's UTF-8 flag); Lambda takes them.
        code = runtime_code()
        self.create("accents", package([("bootstrap", code, 0o755), ("café/naïve.txt", "x", 0o644)]))
        result = self.lam.invoke(FunctionName="accents", Payload=b"{}")
        self.assertNotIn("FunctionError", result, result["Payload"].read())
        unpacked = glob.glob(os.path.join(self.server.data_dir, "functions", "unpacked", "*"))
        self.assertTrue(any(os.path.isfile(os.path.join(folder, "café", "naïve.txt")) for folder in unpacked),
                        unpacked)
        # Flagged UTF-8 but not UTF-8: the name cannot be read, so the package is refused.
        flagged = package([("bootstrap", code, 0o755), ("café.txt", "x", 0o644)])
        broken = flagged.replace("café".encode(), b"caf\xff\xfe")
        self.assertRefused("garbled", broken, "InvalidParameterValueException", "Could not unzip uploaded file")
        self.assertEqual(self.lam.get_function(FunctionName="accents")["Configuration"]["State"], "Active")

class EndlessOutput(harness.ServerTestCase):
    def test_output_without_a_newline_is_logged_in_pieces(self):
        # 600,000 bytes with no newline: the log takes it in 256 KiB lines as it arrives rather
        # than holding an unbounded line until one comes.
        lam = self.server.lambda_client()
        code = runtime_code().replace('print(f"summarised {len(objects)} record(s)", flush=True)',
                                      'sys.stdout.write("x" * 600000); sys.stdout.flush()')
        lam.create_function(FunctionName="chatty", Runtime="provided.al2023", Role=ROLE, Handler="h",
                            Code={"ZipFile": package([("bootstrap", code, 0o755)])})
        mark = self.server.log_mark()
        answer = lam.invoke(FunctionName="chatty", Payload=b"{}")
        self.assertNotIn("FunctionError", answer)

        def pieces():  # the server's console shows each log line as "[chatty] ..."
            lines = self.server.log_since(mark, limit=1000).split("\n")
            return [line for line in lines if line.startswith("[chatty] xxx")]
        found = harness.wait_for(lambda: len(pieces()) >= 2 and pieces(), "two pieces of the output in the log",
                                 timeout=30)
        self.assertEqual([len(line) - len("[chatty] ") for line in found[:2]], [256 * 1024, 256 * 1024])


class ConcurrentCreates(harness.ServerTestCase):
    def test_two_creates_of_one_name_give_one_function(self):
        lam = self.server.lambda_client()

        def create(i):
            try:
                lam.create_function(FunctionName="twin", Runtime="provided.al2023", Role=ROLE, Handler="h",
                                    Code={"ZipFile": runtime_package(f"twin {i}")})
                return "created"
            except lam.exceptions.ResourceConflictException:
                return "conflict"

        for _ in range(5):
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                outcomes = sorted(pool.map(create, range(4)))
            self.assertEqual(outcomes, ["conflict"] * 3 + ["created"])
            lam.delete_function(FunctionName="twin")


class DeleteDuringInvoke(harness.ServerTestCase):
    def test_an_invoke_racing_delete_function_answers_200_or_404(self):
        """Invoke checks its payload (here 4 MB of JSON, a few milliseconds to parse) after the
        name is resolved and before the function is fetched: a DeleteFunction landing in between
        must give 404 ResourceNotFoundException, never a crash or a 500."""
        lam = self.server.lambda_client()
        payload = ("[" + ",".join(["1"] * 2_000_000) + "]").encode()
        code = runtime_package()
        outcomes = []

        def invoke_until(stop):
            client = self.server.lambda_client()
            while not stop.is_set():
                try:
                    result = client.invoke(FunctionName="flicker", Payload=payload)
                    outcomes.append(result["StatusCode"])
                except client.exceptions.ResourceNotFoundException:
                    outcomes.append(404)

        stop = threading.Event()
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            callers = [pool.submit(invoke_until, stop) for _ in range(3)]
            try:
                for _ in range(40):
                    lam.create_function(FunctionName="flicker", Runtime="provided.al2023", Role=ROLE,
                                        Handler="h", Code={"ZipFile": code})
                    harness.wait_for(lambda: len(outcomes) > 0, "a first invoke", timeout=30)
                    lam.delete_function(FunctionName="flicker")
            finally:
                stop.set()
            for caller in callers:
                caller.result()  # raises what a caller met besides 200 and 404
        self.assertEqual(set(outcomes) - {200, 404}, set(), outcomes)
        self.assertIn(404, outcomes)
        self.s3.list_buckets()  # the server goes on serving

class SurvivesKill9(harness.ServerTestCase):
    def test_every_acknowledged_change_is_there_after_kill_9(self):
        lam = self.server.lambda_client()
        self.s3.create_bucket(Bucket="uploads")
        self.s3.create_bucket(Bucket="failures")
        arn = lam.create_function(FunctionName="summary", Runtime="provided.al2023", Role=ROLE, Handler="h",
                                  Code={"ZipFile": runtime_package("version one")},
                                  Environment={"Variables": {"STAGE": "test"}}, Timeout=7)["FunctionArn"]
        lam.update_function_code(FunctionName="summary", ZipFile=runtime_package("version two"))
        lam.put_function_event_invoke_config(
            FunctionName="summary", MaximumRetryAttempts=0, MaximumEventAgeInSeconds=120,
            DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::failures"}})
        lam.put_function_concurrency(FunctionName="summary", ReservedConcurrentExecutions=3)
        lam.put_function_recursion_config(FunctionName="summary", RecursiveLoop="Allow")
        self.s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"Id": "summary", "LambdaFunctionArn": arn,
                                              "Events": ["s3:ObjectCreated:*"]}]})
        lam.create_function(FunctionName="doomed", Runtime="provided.al2023", Role=ROLE, Handler="h",
                            Code={"ZipFile": runtime_package()})
        lam.delete_function(FunctionName="doomed")

        self.server.kill9()
        self.server.start()
        lam, s3 = self.server.lambda_client(), self.server.client()
        config = lam.get_function_configuration(FunctionName="summary")
        self.assertEqual((config["Timeout"], config["Environment"]["Variables"]), (7, {"STAGE": "test"}))
        invoke_config = lam.get_function_event_invoke_config(FunctionName="summary")
        self.assertEqual((invoke_config["MaximumRetryAttempts"], invoke_config["MaximumEventAgeInSeconds"],
                          invoke_config["DestinationConfig"]["OnFailure"]["Destination"]),
                         (0, 120, "arn:aws:s3:::failures"))
        self.assertEqual(lam.get_function_concurrency(FunctionName="summary")["ReservedConcurrentExecutions"], 3)
        self.assertEqual(lam.get_function_recursion_config(FunctionName="summary")["RecursiveLoop"], "Allow")
        names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
        self.assertEqual(names, ["summary"])
        # The replaced package and the deleted function's are gone; the one in use stays.
        packages = glob.glob(os.path.join(self.server.data_dir, "functions", "packages", "*.zip"))
        self.assertEqual([os.path.basename(p).split("-")[0] for p in packages], ["summary"], packages)

        # The notification made before the crash fires the function, with its newest code.
        s3.put_object(Bucket="uploads", Key="after-restart.txt", Body=b"hello")
        harness.wait_for(lambda: any(i["status"] == "Success" for i in self.server.invocations("summary")),
                         "the function to run for the upload", timeout=30)
        log = self.server.raw("GET", "/_bucketfire/functions/summary/logs").body.decode()
        self.assertIn("version two", log)
        self.assertNotIn("version one", log)


if __name__ == "__main__":
    harness.main()
