"""`aws logs tail`, a command of the aws CLI v2 only (Debian 12 packages v2 as awscli), reads a
function's logs from the server unchanged: the recent events with their stream names, a filter
pattern, and --follow, which keeps polling FilterLogEvents and prints an invocation that ends
while it runs."""

import json
import os
import queue
import shutil
import subprocess
import threading
import unittest

import harness

PIPELINE = {"functions": [{"name": "tailed", "handler": "log-event"}, {"name": "followed", "handler": "log-event"}],
            "buckets": []}


def aws_cli_v2():
    """The path of an aws CLI v2 here, or None."""
    for candidate in (shutil.which("aws"), "/usr/bin/aws"):
        if candidate and os.path.exists(candidate):
            try:
                version = subprocess.run([candidate, "--version"], capture_output=True, text=True, timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if (version.stdout + version.stderr).startswith("aws-cli/2."):
                return candidate
    return None


class LogsTail(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    def setUp(self):
        self.cli = aws_cli_v2()
        if not self.cli:
            print("SKIPPED: no aws CLI v2 (Debian's awscli package) is installed", flush=True)
            self.skipTest("no aws CLI v2")
        self.lam = self.server.lambda_client()

    def tail(self, function, *args):
        return [self.cli, "--endpoint-url", self.server.endpoint, "logs", "tail", f"/aws/lambda/{function}", *args]

    def test_tail_prints_the_recent_events(self):
        self.lam.invoke(FunctionName="tailed", Payload=json.dumps({"tail": "recent"}).encode())
        self.lam.invoke(FunctionName="tailed", Payload=json.dumps({"tail": "other"}).encode())
        # The log recorder writes every 200 ms: wait until the group's events are readable.
        logs = harness.boto3.session.Session(aws_access_key_id=harness.ACCESS_KEY,
                                             aws_secret_access_key=harness.SECRET_KEY,
                                             region_name=harness.REGION).client("logs", endpoint_url=self.server.endpoint)
        harness.wait_for(lambda: len(logs.filter_log_events(logGroupName="/aws/lambda/tailed")["events"]) >= 8,
                         "both invocations' log lines stored")
        out = subprocess.run(self.tail("tailed", "--since", "1h"), env=self.server.aws_env(), capture_output=True,
                             text=True, timeout=120, check=True).stdout.splitlines()
        # "<time> <stream> <message>", in time order.
        self.assertEqual(len(out), 8, out)
        self.assertRegex(out[0], r"^\d{4}-\d{2}-\d{2}T\S+ \d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32} START RequestId: ")
        messages = [line.split(" ", 2)[2] for line in out]
        self.assertIn('{"tail":"recent"}', messages)
        self.assertTrue(messages[3].startswith("REPORT RequestId: "), messages)
        filtered = subprocess.run(self.tail("tailed", "--since", "1h", "--filter-pattern", '{ $.tail = "other" }',
                                            "--format", "short"),
                                  env=self.server.aws_env(), capture_output=True, text=True, timeout=120,
                                  check=True).stdout.splitlines()
        self.assertEqual([line.split(" ", 1)[1] for line in filtered], ['{"tail":"other"}'])

    def test_follow_prints_what_ends_while_it_runs(self):
        self.lam.invoke(FunctionName="followed", Payload=json.dumps({"follow": "before"}).encode())
        follower = subprocess.Popen(self.tail("followed", "--follow", "--format", "short", "--since", "1h"),
                                    env=self.server.aws_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        self.addCleanup(follower.stderr.close)
        self.addCleanup(follower.stdout.close)
        self.addCleanup(follower.wait)
        self.addCleanup(follower.kill)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in follower.stdout], daemon=True).start()

        def line_with(text):
            while True:
                line = lines.get(timeout=30)  # the CLI polls every 5 s
                if text in line:
                    return line
        line_with('{"follow":"before"}')
        self.lam.invoke(FunctionName="followed", Payload=json.dumps({"follow": "after"}).encode())
        self.assertRegex(line_with('{"follow":"after"}'), r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2} \{"follow":"after"\}$')
        self.assertIsNone(follower.poll(), "--follow keeps running")


if __name__ == "__main__":
    unittest.main()
