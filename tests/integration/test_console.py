"""The console in Chromium (playwright-core, as tests/browser does) and in Firefox ESR
(puppeteer-core over WebDriver BiDi) on the reference pipeline:
the diagram shows every function and bucket of the configuration; an upload made with boto3
appears in the invocation table without a reload, opens with its event, its response, its log
lines and its trace as a waterfall (the upload, the function, the function's S3 calls); a
failing upload shows its error; a bucket's objects are listed with their class and downloaded
through their link. BUCKETFIRE_SCREENSHOTS=docs/images keeps the screenshots docs/console.md shows."""

import base64
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.request

import harness
import pipeline_support as ps

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BROWSER_DIR = os.path.join(REPO, "tests", "browser")


def missing_dependency(browser):
    """Why the console cannot be driven in `browser` here, or None."""
    driver, binary = {"chromium": ("playwright-core", "/usr/bin/chromium"),
                      "firefox": ("puppeteer-core", "/usr/bin/firefox-esr")}[browser]
    if not shutil.which("node"):
        return "node is not on PATH"
    if not os.path.isfile(os.path.join(BROWSER_DIR, "node_modules", driver, "package.json")):
        return f"{driver} is not installed (bash tests/browser/setup.sh)"
    if not os.path.exists(binary):
        return f"Debian's {os.path.basename(binary)} is not installed (bash tests/browser/setup.sh)"
    return None


class ConsoleSteps:
    """What each browser must show; its driver script reports each step as a JSON line."""
    server_args = ("--config", ps.PIPELINE_FILE, "--time-scale", "0.01")
    browser = None

    def driver_command(self):
        raise NotImplementedError

    def test_the_console_follows_an_upload(self):
        why = missing_dependency(self.browser)
        if why:
            print(f"SKIPPED: {why}", flush=True)
            self.skipTest(why)
        driver = subprocess.Popen(self.driver_command(), cwd=BROWSER_DIR, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.addCleanup(driver.kill)

        def next_report():
            line = driver.stdout.readline()
            self.assertTrue(line, "the browser driver ended early")
            report = json.loads(line)
            self.assertNotEqual(report["step"], "failed", report)
            self.assertEqual(report["errors"], [], report)
            return report

        ready = next_report()
        with open(ps.PIPELINE_FILE) as f:
            declared = json.load(f)
        for fn in declared["functions"]:
            self.assertIn(f"function:{fn['name']}", ready["nodes"])
        for bucket in declared["buckets"]:
            self.assertIn(f"bucket:{bucket['name']}", ready["nodes"])

        # An upload straight to ingest with boto3: its thumbnail invocation appears live.
        with open(ps.image("badge.gif"), "rb") as f:
            self.s3.put_object(Bucket="ingest", Key="uploads/console/badge.gif", Body=f.read(), ContentType="image/gif")
        driver.stdin.write("thumbnail\n")
        driver.stdin.flush()
        row = next_report()
        self.assertEqual(row["outcome"], "Success")
        self.assertLess(row["ms"], 5000)
        print(f"test_console: in {self.browser} the upload's row appeared {row['ms']} ms after the upload returned",
              flush=True)
        self.assertIn("START RequestId:", row["log"])
        self.assertRegex(row["detail"], r"memory used\d+ MB of \d+ MB")
        self.assertIn('"key": "uploads/console/badge.gif"', row["event"])  # the S3 event, pretty-printed
        self.assertIn('"images"', row["response"])
        self.assertTrue(any(bar.startswith("S3 PutObject /ingest/uploads/console/badge.gif") for bar in row["waterfall"]),
                        row["waterfall"])
        self.assertTrue(any(bar.strip().startswith("thumbnail") for bar in row["waterfall"]), row["waterfall"])
        self.assertTrue(any("GetObject /ingest/uploads/console/badge.gif" in bar for bar in row["waterfall"]),
                        row["waterfall"])

        # A bad upload: the metadata-less failure shows its error and log.
        self.s3.put_object(Bucket="ingest", Key="uploads/console/broken.jpg", Body=b"not a picture",
                           ContentType="image/jpeg")
        driver.stdin.write("thumbnail\n")
        driver.stdin.flush()
        # The newest thumbnail row is the failure once it has ended.
        failed = next_report()
        while failed["outcome"] == "Success":
            driver.stdin.write("thumbnail\n")
            driver.stdin.flush()
            failed = next_report()
        self.assertEqual(failed["outcome"], "Unhandled")
        self.assertIn("UnsupportedImage", failed["detail"])
        self.assertIn('"errorType": "UnsupportedImage"', failed["response"])

        # The bucket browser: ingest's objects, the uploaded GIF downloaded through its link.
        with open(ps.image("badge.gif"), "rb") as f:
            gif = f.read()
        self.s3.put_object(Bucket="processed", Key="console/badge.gif", Body=gif, StorageClass="STANDARD_IA")
        driver.stdin.write("browse processed console/badge.gif\n")
        driver.stdin.flush()
        shown = next_report()
        self.assertEqual(shown["step"], "object", shown)
        self.assertEqual(shown["cells"][:5], ["console/badge.gif", str(len(gif)), "STANDARD_IA", "—", "—"])
        self.assertEqual(shown["filename"], "badge.gif")
        self.assertEqual(base64.b64decode(shown["bytes"]), gif)
        driver.stdin.write("\n")
        driver.stdin.close()
        self.assertEqual(driver.wait(30), 0)
        driver.stdout.close()


class ConsoleInChromium(ConsoleSteps, harness.ServerTestCase):
    browser = "chromium"

    def driver_command(self):
        shots = os.environ.get("BUCKETFIRE_SCREENSHOTS") or tempfile.mkdtemp(prefix="bf-console-")
        return ["node", "console.mjs", self.server.endpoint + "/_bucketfire/console/", shots]


class ConsoleInFirefox(ConsoleSteps, harness.ServerTestCase):
    browser = "firefox"

    def driver_command(self):
        return ["node", "console_firefox.mjs", self.server.endpoint + "/_bucketfire/console/"]


class EventStream(unittest.TestCase):
    """GET /_bucketfire/events without a browser: server-sent events as invocations end, and a
    server that stops cleanly while a client is still listening."""

    def test_events_arrive_and_the_server_stops_with_a_listener(self):
        server = harness.Server(extra_args=["--config", harness.write_pipeline(
            {"functions": [{"name": "e", "handler": "echo"}], "buckets": []})])
        self.addCleanup(server.close)
        server.start()
        stream = urllib.request.urlopen(server.endpoint + "/_bucketfire/events", timeout=10)
        self.assertEqual(stream.headers["Content-Type"], "text/event-stream")
        server.lambda_client().invoke(FunctionName="e", Payload=b'{"x": 1}')
        events = []
        while not any(e.startswith("event: invocations") for e in events):
            events.append(stream.readline().decode())
        data = json.loads(stream.readline().decode().removeprefix("data: "))
        self.assertEqual([(i["function"], i["status"]) for i in data["invocations"]], [("e", "Success")])
        rc, clean = server.stop()  # the stream is still open
        self.assertTrue(clean, server.log_tail())
        self.assertEqual(rc, 0)
        stream.close()


if __name__ == "__main__":
    unittest.main()
