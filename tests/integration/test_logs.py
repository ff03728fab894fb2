"""Functions' logs through the CloudWatch Logs API on the server's port, read with boto3's logs
client and the aws CLI unchanged: each function's group /aws/lambda/{name}, streams named as
Lambda names them, START/END/REPORT lines included, GetLogEvents with its forward and backward
tokens, FilterLogEvents with term, phrase, alternative and JSON patterns and its pages,
retention on the server's clock, and logs that outlive a restart; `bucketfire logs` (with
--follow) and `bucketfire top` read the same server."""

import json
import os
import re
import subprocess
import threading
import unittest

from botocore.exceptions import ClientError

import harness

PIPELINE = {
    "functions": [{"name": "logger", "handler": "log-event"},
                  {"name": "failing", "handler": "fail", "maximum_retry_attempts": 0,
                   "environment": {"ERROR_MESSAGE": "bad input"}},
                  {"name": "slow", "handler": "sleep", "timeout": 1, "environment": {"SLEEP_MS": "1500"}}],
    "buckets": [],
}
STREAM = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")


def logs_client(server):
    session = harness.boto3.session.Session(aws_access_key_id=harness.ACCESS_KEY,
                                            aws_secret_access_key=harness.SECRET_KEY, region_name=harness.REGION)
    return session.client("logs", endpoint_url=server.endpoint,
                          config=harness.Config(retries={"mode": "standard", "total_max_attempts": 1}))


class CloudWatchLogs(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE), "--clock", "virtual")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logs = logs_client(cls.server)
        cls.lam = cls.server.lambda_client()

    def invoke(self, function, payload):
        return self.lam.invoke(FunctionName=function, Payload=json.dumps(payload).encode())

    def test_groups_streams_and_events_as_lambda_writes_them(self):
        answer = self.invoke("logger", {"level": "error", "latency": 250, "test": "streams"})
        request_id = answer["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
        groups = {g["logGroupName"]: g for g in self.logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]}
        group = groups["/aws/lambda/logger"]
        self.assertEqual(group["arn"], "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/logger:*")
        self.assertEqual((group["retentionInDays"], group["logGroupClass"]), (7, "STANDARD"))
        streams = self.logs.describe_log_streams(logGroupName="/aws/lambda/logger", orderBy="LastEventTime",
                                                 descending=True)["logStreams"]
        self.assertRegex(streams[0]["logStreamName"], STREAM)
        events = self.logs.get_log_events(logGroupName="/aws/lambda/logger", logStreamName=streams[0]["logStreamName"],
                                          startFromHead=True)["events"]
        mine = [e["message"] for e in events if request_id in e["message"] or '"streams"' in e["message"]]
        self.assertTrue(mine[0].startswith(f"START RequestId: {request_id} Version: $LATEST"), mine)
        self.assertEqual(json.loads(mine[1]), {"level": "error", "latency": 250, "test": "streams"})
        self.assertEqual(mine[2], f"END RequestId: {request_id}\n")
        self.assertTrue(mine[3].startswith(f"REPORT RequestId: {request_id}\tDuration: "), mine)
        self.assertTrue(all(m.endswith("\n") for m in mine))

    def test_get_log_events_follows_with_its_tokens(self):
        self.invoke("logger", {"n": 1})
        stream = self.logs.describe_log_streams(logGroupName="/aws/lambda/logger", orderBy="LastEventTime",
                                                descending=True)["logStreams"][0]["logStreamName"]
        first = self.logs.get_log_events(logGroupName="/aws/lambda/logger", logStreamName=stream)
        self.assertRegex(first["nextForwardToken"], r"^f/\d{56}$")
        # Nothing new: the same forward token comes back (the CLI's paginator stops on it).
        again = self.logs.get_log_events(logGroupName="/aws/lambda/logger", logStreamName=stream,
                                         nextToken=first["nextForwardToken"])
        self.assertEqual((again["events"], again["nextForwardToken"]), ([], first["nextForwardToken"]))
        self.invoke("logger", {"n": 2})
        new = self.logs.get_log_events(logGroupName="/aws/lambda/logger", logStreamName=stream,
                                       nextToken=first["nextForwardToken"])
        self.assertEqual([json.loads(e["message"]) for e in new["events"] if e["message"].startswith("{")], [{"n": 2}])
        # Backward from the newest: one event at a time, in order.
        back = self.logs.get_log_events(logGroupName="/aws/lambda/logger", logStreamName=stream, limit=1)
        previous = self.logs.get_log_events(logGroupName="/aws/lambda/logger", logStreamName=stream, limit=1,
                                            nextToken=back["nextBackwardToken"])
        self.assertTrue(back["events"][0]["message"].startswith("REPORT"))
        self.assertTrue(previous["events"][0]["message"].startswith("END"))

    def test_filter_log_events_with_patterns_and_pages(self):
        for latency in (5, 150, 400):
            self.invoke("logger", {"level": "info" if latency < 100 else "warn", "latency": latency})
        self.assertEqual(self.invoke("failing", {})["FunctionError"], "Unhandled")

        def messages(**kw):
            return [e["message"] for e in self.logs.filter_log_events(**kw)["events"]]

        slow = messages(logGroupName="/aws/lambda/logger", filterPattern="{ $.latency > 100 && $.level = \"warn\" }")
        self.assertEqual([json.loads(m)["latency"] for m in slow], [150, 400])
        self.assertEqual(len(messages(logGroupName="/aws/lambda/logger", filterPattern='"Version: $LATEST"')),
                         len(messages(logGroupName="/aws/lambda/logger", filterPattern="START")))
        failed = messages(logGroupIdentifier="arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/failing",
                          filterPattern="?input ?worse")  # not hex: request ids never match
        self.assertTrue(failed and all("bad input" in m for m in failed), failed)
        # One event a page, by nextToken: the same events in the same order.
        everything = self.logs.filter_log_events(logGroupName="/aws/lambda/logger")["events"]
        paged, token = [], None
        while True:
            page = self.logs.filter_log_events(logGroupName="/aws/lambda/logger", limit=1,
                                               **({"nextToken": token} if token else {}))
            paged += page["events"]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual([e["eventId"] for e in paged], [e["eventId"] for e in everything])
        stream = everything[0]["logStreamName"]
        self.assertEqual(len(self.logs.filter_log_events(logGroupName="/aws/lambda/logger",
                                                         logStreamNames=[stream])["events"]), len(everything))

    def test_aws_cli_reads_the_logs(self):
        self.assertEqual(self.lam.invoke(FunctionName="slow", Payload=b"{}")["FunctionError"], "Unhandled")
        found = self.server.aws_json("logs", "filter-log-events", "--log-group-name", "/aws/lambda/slow",
                                     "--filter-pattern", '"Task timed out"', "--output", "json")
        self.assertTrue(any("Task timed out after 1.00 seconds" in e["message"] for e in found["events"]), found)
        groups = self.server.aws_json("logs", "describe-log-groups", "--output", "json")
        self.assertIn("/aws/lambda/slow", [g["logGroupName"] for g in groups["logGroups"]])
        stream = self.server.aws_json("logs", "describe-log-streams", "--log-group-name", "/aws/lambda/slow",
                                      "--output", "json")["logStreams"][0]["logStreamName"]
        events = self.server.aws_json("logs", "get-log-events", "--log-group-name", "/aws/lambda/slow",
                                      "--log-stream-name", stream, "--start-from-head", "--output", "json")
        self.assertTrue(events["events"][0]["message"].startswith("START RequestId: "))

    def test_errors_are_cloudwatch_logs_errors(self):
        self.invoke("logger", {})
        for call, code in [
            (lambda: self.logs.describe_log_streams(logGroupName="/aws/lambda/none"), "ResourceNotFoundException"),
            (lambda: self.logs.filter_log_events(logGroupName="/aws/lambda/none"), "ResourceNotFoundException"),
            (lambda: self.logs.get_log_events(logGroupName="/aws/lambda/logger", logStreamName="nope"),
             "ResourceNotFoundException"),
            (lambda: self.logs.filter_log_events(logGroupName="/aws/lambda/logger", filterPattern="{ $.a > "),
             "InvalidParameterException"),
            (lambda: self.logs.put_retention_policy(logGroupName="/aws/lambda/logger", retentionInDays=2),
             "InvalidParameterException"),
        ]:
            with self.assertRaises(ClientError) as raised:
                call()
            self.assertEqual(raised.exception.response["Error"]["Code"], code)

    def test_retention_on_the_servers_clock_and_a_restart(self):
        self.invoke("logger", {"old": True})
        self.logs.put_retention_policy(logGroupName="/aws/lambda/logger", retentionInDays=1)
        self.assertEqual({g["logGroupName"]: g["retentionInDays"] for g in self.logs.describe_log_groups()["logGroups"]}
                         ["/aws/lambda/logger"], 1)
        self.assertEqual(self.server.raw("POST", "/_bucketfire/clock?advance=2d").status, 200)
        self.invoke("logger", {"new": True})

        def bodies():
            return [e["message"] for e in self.logs.filter_log_events(logGroupName="/aws/lambda/logger",
                                                                      filterPattern="{ $.old IS TRUE || $.new IS TRUE }")["events"]]

        harness.wait_for(lambda: bodies() == ['{"new":true}\n'], "events older than a day expired")
        # A new day, a new stream, named by the server's (virtual) date.
        streams = self.logs.describe_log_streams(logGroupName="/aws/lambda/logger")["logStreams"]
        self.assertTrue(all(STREAM.match(s["logStreamName"]) for s in streams))
        self.server.restart()
        type(self).logs = logs_client(self.server)
        type(self).lam = self.server.lambda_client()
        self.assertEqual(bodies(), ['{"new":true}\n'])
        self.logs.delete_retention_policy(logGroupName="/aws/lambda/logger")


class CommandLine(harness.ServerTestCase):
    """`bucketfire logs` and `bucketfire top` against a running server."""
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    def bucketfire(self, *args):
        return subprocess.run([harness.binary_path(), *args, "--endpoint", self.server.endpoint],
                              capture_output=True, text=True, timeout=60)

    def test_logs_prints_a_functions_lines_and_follows_new_ones(self):
        lam = self.server.lambda_client()
        lam.invoke(FunctionName="logger", Payload=b'{"first": 1}')
        printed = self.bucketfire("logs", "logger")
        self.assertEqual(printed.returncode, 0, printed.stderr)
        lines = printed.stdout.splitlines()
        self.assertRegex(lines[0], r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z START RequestId: ")
        self.assertIn('{"first":1}', printed.stdout)
        only = self.bucketfire("logs", "logger", "--filter", "{ $.first = 1 }", "--since", "1h")
        self.assertEqual(only.stdout.count("\n"), 1, only.stdout)
        missing = self.bucketfire("logs", "nobody")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("The specified log group does not exist.", missing.stderr)

        follower = subprocess.Popen([harness.binary_path(), "logs", "logger", "--follow", "--endpoint",
                                     self.server.endpoint], stdout=subprocess.PIPE, text=True)
        self.addCleanup(follower.stdout.close)
        self.addCleanup(follower.wait, 10)
        self.addCleanup(follower.kill)
        seen = []
        reader = threading.Thread(target=lambda: [seen.append(line) for line in follower.stdout], daemon=True)
        reader.start()
        harness.wait_for(lambda: any('{"first":1}' in line for line in seen), "the existing lines printed")
        lam.invoke(FunctionName="logger", Payload=b'{"second": 2}')
        harness.wait_for(lambda: any('{"second":2}' in line for line in seen), "the new line printed", timeout=15)
        self.assertEqual(sum('{"first":1}' in line for line in seen), 1)  # nothing printed twice

    def test_logs_reads_the_region_signed_for(self):
        # The pipeline's functions live in the server's region; signed for another, the group
        # is not there (as with the aws CLI), and a follower says so while it waits.
        self.server.lambda_client().invoke(FunctionName="logger", Payload=b'{"here": 1}')
        env = dict(os.environ, AWS_DEFAULT_REGION="eu-west-1")
        elsewhere = subprocess.run([harness.binary_path(), "logs", "logger", "--endpoint", self.server.endpoint],
                                   capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(elsewhere.returncode, 1)
        self.assertIn("The specified log group does not exist.", elsewhere.stderr)
        follower = subprocess.Popen([harness.binary_path(), "logs", "logger", "--follow", "--endpoint",
                                     self.server.endpoint], stderr=subprocess.PIPE, text=True, env=env)
        self.addCleanup(follower.stderr.close)
        self.addCleanup(follower.wait, 10)
        self.addCleanup(follower.kill)
        said = []
        reader = threading.Thread(target=lambda: said.append(follower.stderr.readline()), daemon=True)
        reader.start()
        harness.wait_for(lambda: said or None, "the follower's note")
        self.assertIn("no log group /aws/lambda/logger in eu-west-1 yet", said[0])
        self.assertIn("AWS_DEFAULT_REGION", said[0])

    def test_top_shows_the_counters(self):
        self.s3.create_bucket(Bucket="toppled")
        self.s3.put_object(Bucket="toppled", Key="k", Body=b"12345")
        self.server.lambda_client().invoke(FunctionName="failing", Payload=b"{}")
        view = self.bucketfire("top", "--once")
        self.assertEqual(view.returncode, 0, view.stderr)
        self.assertRegex(view.stdout, r"\nfailing +1 +1 +0 +0\n")
        self.assertRegex(view.stdout, r"\nPutObject +\d+ +-\n")
        self.assertRegex(view.stdout, r"\ntoppled +STANDARD +1 +5\n")


if __name__ == "__main__":
    unittest.main()
