"""The usage and cost report: known workloads driven with boto3 (PUTs, GETs, LISTs, a function
of known memory invoked directly and through the HTTP API, objects of known size held whole
virtual days in each class, an early delete, a restore, a lifecycle transition), each quantity
checked against what AWS's rules make of it, each unit price against the price table, and the
totals. Also: usage survives a restart, the STANDARD-only comparison, the free tier, a
projection, and `bucketfire cost` as a table and as CSV."""

import base64
import calendar
import csv
import datetime
import io
import json
import math
import os
import re
import subprocess
import tempfile
import unittest
import urllib.parse

import harness

GB = 1024 ** 3
KB = 1024
DAY = datetime.timedelta(days=1)
PRICES = json.load(open(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "prices",
                                     "us-east-1.json")))

PIPELINE = {
    "functions": [{"name": "echo512", "handler": "echo", "memory_size": 512}],
    "routes": [{"route": "POST /echo", "function": "echo512"}],
    "buckets": [],
}


def unit_price(usage_type, operation):
    exact = [p for p in PRICES["prices"] if p["usage_type"] == usage_type and p["operation"] == operation]
    anyop = [p for p in PRICES["prices"] if p["usage_type"] == usage_type and p["operation"] == "*"]
    return (exact or anyop)[0]["price"]


def month_hours(day):
    return calendar.monthrange(day.year, day.month)[1] * 24


def gb_months(nbytes, first_day, days):
    """Bytes held for whole UTC days from first_day, in GB-Mo as AWS converts byte-hours."""
    return sum(nbytes * 24 / GB / month_hours(first_day + i * DAY) for i in range(days))


def write_json(document):
    handle, path = tempfile.mkstemp(prefix="bf-prices-", suffix=".json")
    with os.fdopen(handle, "w") as f:
        json.dump(document, f)
    return path


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)


class Cost(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE), "--clock", "virtual")

    def advance(self, by):
        resp = self.server.raw("POST", f"/_bucketfire/clock?advance={by}")
        self.assertEqual(resp.status, 200, repr(resp))
        return parse_time(json.loads(resp.body)["now"])

    def now(self):
        return parse_time(json.loads(self.server.raw("GET", "/_bucketfire/clock").body)["now"])

    def cost(self, **query):
        target = "/_bucketfire/cost" + ("?" + urllib.parse.urlencode(query) if query else "")
        resp = self.server.raw("GET", target)
        self.assertEqual(resp.status, 200, repr(resp))
        return json.loads(resp.body)

    def cost_of_days(self, first, days):
        """The report for `days` whole UTC days from the day `first`."""
        return self.cost(**{"from": first.strftime("%Y-%m-%d"), "to": (first + days * DAY).strftime("%Y-%m-%d")})

    def lines(self, report, resource):
        return {(l["usage_type"], l["operation"]): l for l in report["lines"] if l["resource"] == resource}

    def assertPriced(self, report):
        """Every line is quantity × the table's unit price; the total is their sum."""
        for l in report["lines"]:
            if "description" not in l:
                self.assertEqual(l["unit_price"], unit_price(l["usage_type"].removeprefix("USE1-"), l["operation"]), l)
            self.assertEqual(l["cost"], l["quantity"] * l["unit_price"], l)
        self.assertAlmostEqual(report["total"], sum(l["cost"] for l in report["lines"]), places=12)

    def test_requests_by_tier_and_class_survive_a_restart(self):
        bucket = self.new_bucket()
        arn = f"arn:aws:s3:::{bucket}"
        for i in range(4):
            self.s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x" * 1000)
        self.s3.put_object(Bucket=bucket, Key="ia", Body=b"y" * (200 * KB), StorageClass="STANDARD_IA")
        for _ in range(3):
            self.s3.get_object(Bucket=bucket, Key="k0")["Body"].read()
        self.s3.get_object(Bucket=bucket, Key="ia")["Body"].read()
        self.s3.head_object(Bucket=bucket, Key="k1")
        self.s3.head_object(Bucket=bucket, Key="k2")
        self.s3.list_objects_v2(Bucket=bucket)
        # A multipart upload to Standard-IA: its requests bill at that class.
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="big", StorageClass="STANDARD_IA")["UploadId"]
        part = self.s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"m" * 1000)
        self.s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.s3.delete_object(Bucket=bucket, Key="k3")  # DELETE is free
        self.assertClientError(lambda: self.s3.get_object(Bucket=bucket, Key="absent"), "NoSuchKey", 404)

        report = self.cost()
        lines = self.lines(report, arn)
        expected = {
            ("Requests-Tier1", "CreateBucket"): 1,
            ("Requests-Tier1", "PutObject"): 4,
            ("Requests-SIA-Tier1", "PutObject"): 1,
            ("Requests-Tier2", "GetObject"): 4,  # three reads, and the one of a missing key
            ("Requests-SIA-Tier2", "GetObject"): 1,
            ("Requests-Tier2", "HeadObject"): 2,
            ("Requests-Tier1", "ListObjectsV2"): 1,
            ("Requests-SIA-Tier1", "CreateMultipartUpload"): 1,
            ("Requests-SIA-Tier1", "UploadPart"): 1,
            ("Requests-SIA-Tier1", "CompleteMultipartUpload"): 1,
        }
        for key, quantity in expected.items():
            self.assertIn(key, lines, sorted(lines))
            self.assertEqual(lines[key]["quantity"], quantity, key)
            self.assertEqual(lines[key]["unit"], "Requests")
            self.assertEqual(lines[key]["service"], "AmazonS3")
        self.assertFalse([k for k in lines if k[1] == "DeleteObject"])
        # 200 KB read from Standard-IA: its retrieval charge, per GB.
        retrieval = lines[("Retrieval-SIA", "GetObject")]
        self.assertEqual(retrieval["quantity"], 200 * KB / GB)
        self.assertEqual(retrieval["unit"], "GB")
        self.assertEqual(report["currency"], "USD")
        self.assertEqual(report["prices"]["as_of"], PRICES["as_of"])
        self.assertPriced(report)

        # Usage is durable like objects: a restarted server reports the same requests.
        self.server.restart()
        type(self).s3 = self.server.client()
        after = self.lines(self.cost(), arn)
        for key, quantity in expected.items():
            self.assertEqual(after[key]["quantity"], quantity, key)

    def test_bytes_held_in_each_class_for_whole_days(self):
        bucket = self.new_bucket()
        arn = f"arn:aws:s3:::{bucket}"
        sizes = {"STANDARD": 300 * KB, "STANDARD_IA": 1024 * KB, "ONEZONE_IA": 10 * KB,
                 "GLACIER_IR": 500 * KB, "GLACIER": 50 * KB, "DEEP_ARCHIVE": 2 * KB,
                 "INTELLIGENT_TIERING": 200 * KB}
        for cls, size in sizes.items():
            self.s3.put_object(Bucket=bucket, Key=cls, Body=b"z" * size, StorageClass=cls)
        self.s3.put_object(Bucket=bucket, Key="small-it", Body=b"s" * (100 * KB), StorageClass="INTELLIGENT_TIERING")
        put_day = self.now().replace(hour=0, minute=0, second=0, microsecond=0)
        self.advance("5d")
        # Three whole days after the day of the PUTs: every byte held 72 hours.
        first = put_day + DAY
        report = self.cost_of_days(first, 3)
        self.assertEqual(report["period"], {"start": first.strftime("%Y-%m-%dT00:00:00.000Z"),
                                            "end": (first + 3 * DAY).strftime("%Y-%m-%dT00:00:00.000Z")})
        lines = self.lines(report, arn)
        held = [
            ("TimedStorage-ByteHrs", "StandardStorage", 300 * KB),
            ("TimedStorage-SIA-ByteHrs", "StandardIAStorage", 1024 * KB),
            # Objects under 128 KB bill as 128 KB in the infrequent-access classes.
            ("TimedStorage-ZIA-ByteHrs", "OneZoneIAStorage", 10 * KB),
            ("TimedStorage-ZIA-SmObjects", "OneZoneIASizeOverhead", 118 * KB),
            ("TimedStorage-GIR-ByteHrs", "GlacierInstantRetrievalStorage", 500 * KB),
            # Archived objects carry 32 KB at the archive's rate and 8 KB at STANDARD's.
            ("TimedStorage-GlacierByteHrs", "GlacierStorage", 50 * KB),
            ("TimedStorage-GlacierByteHrs", "GlacierObjectOverhead", 32 * KB),
            ("TimedStorage-ByteHrs", "GlacierS3ObjectOverhead", 8 * KB),
            ("TimedStorage-GDA-ByteHrs", "DeepArchiveStorage", 2 * KB),
            ("TimedStorage-GDA-ByteHrs", "DeepArchiveObjectOverhead", 32 * KB),
            ("TimedStorage-ByteHrs", "DeepArchiveS3ObjectOverhead", 8 * KB),
            # Intelligent-Tiering: both objects in Frequent Access.
            ("TimedStorage-INT-FA-ByteHrs", "IntelligentTieringFAStorage", 300 * KB),
        ]
        for usage_type, operation, nbytes in held:
            self.assertIn((usage_type, operation), lines, sorted(lines))
            line = lines[(usage_type, operation)]
            self.assertAlmostEqual(line["quantity"], gb_months(nbytes, first, 3), places=15, msg=usage_type)
            self.assertEqual(line["unit"], "GB-Mo")
        # Only the Intelligent-Tiering object of 128 KB and up is monitored.
        monitoring = lines[("Monitoring-Automation-INT", "IntelligentTieringStorage")]
        self.assertAlmostEqual(monitoring["quantity"],
                               sum(24 / month_hours(first + i * DAY) for i in range(3)), places=15)
        self.assertEqual(monitoring["unit"], "Objects")
        self.assertEqual(lines[("TimedStorage-GDA-ByteHrs", "DeepArchiveStorage")]["service"],
                         "AmazonS3GlacierDeepArchive")
        self.assertPriced(report)

        # The same bytes all in STANDARD: one class, no overheads, STANDARD's request tiers.
        standard = {(l["usage_type"], l["operation"]): l for l in report["all_standard"]["lines"]
                    if l["resource"] == arn}
        stored = 300 + 1024 + 10 + 500 + 50 + 2 + 200 + 100
        self.assertAlmostEqual(standard[("TimedStorage-ByteHrs", "StandardStorage")]["quantity"],
                               gb_months(stored * KB, first, 3), places=15)
        self.assertFalse([k for k in standard if k[0] != "TimedStorage-ByteHrs"])
        self.assertAlmostEqual(report["all_standard"]["difference"],
                               report["all_standard"]["total"] - report["total"], places=15)

        # Deleting Standard-IA bytes 5 days into their 30-day minimum bills the 25 days left.
        deleted_at = self.now()
        self.s3.delete_object(Bucket=bucket, Key="STANDARD_IA")
        lines = self.lines(self.cost(), arn)
        early = lines[("EarlyDelete-SIA", "StandardIAStorage")]
        expected = 1024 * KB * (30 - 5) * 24 / GB / month_hours(deleted_at)
        # The PUT and the DELETE fell a few real milliseconds from the moments the test knows.
        self.assertAlmostEqual(early["quantity"], expected, delta=expected * 1e-4)
        self.assertEqual(early["unit"], "GB-Mo")

    def test_intelligent_tiering_access_tiers_day_by_day(self):
        bucket = self.new_bucket()
        arn = f"arn:aws:s3:::{bucket}"
        self.s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id="all", IntelligentTieringConfiguration={
                "Id": "all", "Status": "Enabled", "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]})
        size = 256 * KB
        self.s3.put_object(Bucket=bucket, Key="photo", Body=b"i" * size, StorageClass="INTELLIGENT_TIERING")
        put_day = self.now().replace(hour=0, minute=0, second=0, microsecond=0)
        self.advance("100d")
        # A day in each tier: Frequent Access (day 10), Infrequent Access from its 30th day
        # without access (day 40), Archive Access from its 90th (day 95).
        for day, usage_type, operation in ((10, "TimedStorage-INT-FA-ByteHrs", "IntelligentTieringFAStorage"),
                                           (40, "TimedStorage-INT-IA-ByteHrs", "IntelligentTieringIAStorage"),
                                           (95, "TimedStorage-INT-AA-ByteHrs", "IntelligentTieringAAStorage")):
            first = put_day + day * DAY
            report = self.cost_of_days(first, 1)
            lines = self.lines(report, arn)
            stored = {k: l for k, l in lines.items() if k[0].startswith("TimedStorage-")}
            self.assertEqual(list(stored), [(usage_type, operation)], day)
            self.assertAlmostEqual(stored[(usage_type, operation)]["quantity"], gb_months(size, first, 1), places=15)
            self.assertAlmostEqual(lines[("Monitoring-Automation-INT", "IntelligentTieringStorage")]["quantity"],
                                   24 / month_hours(first), places=15)
            self.assertPriced(report)

    def test_restore_and_lifecycle_transition(self):
        bucket = self.new_bucket()
        arn = f"arn:aws:s3:::{bucket}"
        self.s3.put_object(Bucket=bucket, Key="cold", Body=b"c" * (GB // 1024), StorageClass="GLACIER")
        self.s3.restore_object(Bucket=bucket, Key="cold",
                               RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Standard"}})
        lines = self.lines(self.cost(), arn)
        self.assertEqual(lines[("Requests-Tier3", "RestoreObject")]["quantity"], 1)
        self.assertEqual(lines[("Requests-Tier3", "RestoreObject")]["unit_price"], 0.00005)
        self.assertEqual(lines[("Standard-Retrieval-Bytes", "RestoreObject")]["quantity"], 1 / 1024)
        # Once the copy is made it is stored at STANDARD's rate beside the archive until it lapses:
        # the whole day after completion holds 1 MiB of it.
        self.advance("12h")
        head = self.s3.head_object(Bucket=bucket, Key="cold")
        self.assertIn('ongoing-request="false"', head["Restore"])
        next_day = self.now().replace(hour=0, minute=0, second=0, microsecond=0) + DAY
        self.advance("2d")
        report = self.cost_of_days(next_day, 1)
        copy = self.lines(report, arn)[("TimedStorage-ByteHrs", "RestoreObject")]
        self.assertAlmostEqual(copy["quantity"], gb_months(GB // 1024, next_day, 1), places=15)
        self.advance("6d")  # lapsed: no more copy
        later = self.now().replace(hour=0, minute=0, second=0, microsecond=0) - DAY
        report = self.cost_of_days(later, 1)
        self.assertNotIn(("TimedStorage-ByteHrs", "RestoreObject"), self.lines(report, arn))

        # A lifecycle transition to GLACIER bills as a transition request (of an object of
        # 128 KB or more: smaller ones stay where they are by default, as on S3).
        self.s3.put_object(Bucket=bucket, Key="logs/old", Body=b"l" * (200 * KB))
        self.s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
            {"ID": "freeze", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
             "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}]}]})
        self.advance("3d")
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="logs/old")["StorageClass"], "GLACIER")
        transition = self.lines(self.cost(), arn)[("Requests-Tier3", "S3-GlacierTransition")]
        self.assertEqual(transition["quantity"], 1)
        self.assertEqual(transition["unit_price"], 0.00003)

    def test_lambda_duration_and_http_api_requests(self):
        lam = self.server.lambda_client()
        billed = []
        for i in range(3):
            out = lam.invoke(FunctionName="echo512", Payload=json.dumps({"n": i}), LogType="Tail")
            log = base64.b64decode(out["LogResult"]).decode()
            billed.append(int(re.search(r"Billed Duration: (\d+) ms", log).group(1)))
        small = self.server.raw("POST", "/_api/echo", {"Content-Type": "text/plain"}, b"hello")
        self.assertEqual(small.status, 200, repr(small))
        big = self.server.raw("POST", "/_api/echo", {"Content-Type": "application/octet-stream"},
                              b"b" * (600 * KB))
        self.assertEqual(big.status, 200, repr(big))
        api_billed = [i["durationMs"] for i in self.server.invocations("echo512")
                      if i["trigger"].startswith("api:")]
        self.assertEqual(len(api_billed), 2)

        report = self.cost()
        fn = "arn:aws:lambda:us-east-1:000000000000:function:echo512"
        lines = self.lines(report, fn)
        self.assertEqual(lines[("Request", "Invoke")]["quantity"], 5)
        self.assertEqual(lines[("Request", "Invoke")]["service"], "AWSLambda")
        gb_seconds = (sum(billed) + sum(math.ceil(d) for d in api_billed)) / 1000 * 512 / 1024
        self.assertAlmostEqual(lines[("Lambda-GB-Second", "Invoke")]["quantity"], gb_seconds, places=12)
        self.assertEqual(lines[("Lambda-GB-Second", "Invoke")]["unit_price"], 0.0000166667)
        # HTTP APIs meter requests in 512 KB increments: 5 bytes is one, 600 KB two.
        api = self.lines(report, "arn:aws:apigateway:us-east-1::/apis/bucketfire")
        self.assertEqual(api[("USE1-ApiGatewayHttpRequest", "ApiGatewayHttpApi")]["quantity"], 3)
        self.assertPriced(report)

    def test_free_tier_projection_and_the_cli(self):
        bucket = self.new_bucket()
        for i in range(3):
            self.s3.put_object(Bucket=bucket, Key=f"p{i}", Body=b"p")
        plain = self.cost()
        free = self.cost(free_tier="true")
        credits = [l for l in free["lines"] if l.get("description") == "Free tier"]
        self.assertTrue(credits)
        for l in credits:
            self.assertLess(l["quantity"], 0)
            self.assertEqual(l["cost"], l["quantity"] * l["unit_price"])
        tier1 = [l for l in credits if l["usage_type"] == "Requests-Tier1"][0]
        self.assertGreaterEqual(-tier1["quantity"], 4)  # at least this test's own PUTs and CreateBucket
        self.assertLess(free["total"], plain["total"])

        scaled = self.cost(scale="1000")
        self.assertEqual(scaled["estimate"]["scale"], 1000)
        self.assertIn("projection", scaled["estimate"]["note"])
        arn = f"arn:aws:s3:::{bucket}"
        puts = lambda r: self.lines(r, arn)[("Requests-Tier1", "PutObject")]["quantity"]
        self.assertEqual(puts(scaled), 1000 * puts(plain))
        self.assertNotIn("estimate", plain)

        bad = self.server.raw("GET", "/_bucketfire/cost?scale=-3")
        self.assertEqual(bad.status, 400)
        self.assertIn("scale", json.loads(bad.body)["error"])
        bad = self.server.raw("GET", "/_bucketfire/cost?from=yesterday")
        self.assertEqual(bad.status, 400)

        endpoint = f"http://127.0.0.1:{self.server.port}"
        table = subprocess.run([harness.binary_path(), "cost", "--endpoint", endpoint], capture_output=True,
                               text=True, timeout=60)
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("Total", table.stdout)
        self.assertIn("had every object stayed in STANDARD", table.stdout)
        self.assertIn("Requests-Tier1", table.stdout)
        by_bucket = subprocess.run([harness.binary_path(), "cost", "--endpoint", endpoint, "--by", "bucket"],
                                   capture_output=True, text=True, timeout=60)
        self.assertIn(bucket, by_bucket.stdout)
        by_function = subprocess.run([harness.binary_path(), "cost", "--endpoint", endpoint, "--by", "function"],
                                     capture_output=True, text=True, timeout=60)
        self.assertEqual(by_function.returncode, 0, by_function.stderr)
        self.assertIn("(not a function)", by_function.stdout)
        by_usage = subprocess.run([harness.binary_path(), "cost", "--endpoint", endpoint, "--by", "usage"],
                                  capture_output=True, text=True, timeout=60)
        self.assertIn("Requests-Tier1", by_usage.stdout)
        projected = subprocess.run([harness.binary_path(), "cost", "--endpoint", endpoint, "--scale", "10000"],
                                   capture_output=True, text=True, timeout=60)
        self.assertIn("ESTIMATE", projected.stdout)
        out = subprocess.run([harness.binary_path(), "cost", "--endpoint", endpoint, "--csv"], capture_output=True,
                             text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        rows = list(csv.DictReader(io.StringIO(out.stdout)))
        self.assertEqual(list(rows[0]), ["service", "usage_type", "operation", "resource", "quantity", "unit",
                                         "unit_price", "cost"])
        mine = [r for r in rows if r["resource"] == arn and r["operation"] == "PutObject"]
        self.assertEqual(float(mine[0]["quantity"]), 3)
        for r in rows:
            self.assertEqual(float(r["cost"]), float(r["quantity"]) * float(r["unit_price"]))


class OtherRegionAndPrices(unittest.TestCase):
    """A server answering for eu-west-1 with a price table of its own (--prices FILE)."""

    def test_region_prefix_and_a_price_table_of_ones_own(self):
        table = json.loads(json.dumps(PRICES))
        table["region"] = "eu-west-1"
        table["as_of"] = "2026-06-01"
        table["source"] = "a test's own table"
        table["prefixes"] = {service: "EU-" for service in table["prefixes"]}
        for p in table["prices"]:
            if p["usage_type"] == "Requests-Tier1":
                p["price"] = 0.001
        path = write_json(table)
        server = harness.Server(extra_args=("--region", "eu-west-1", "--prices", path, "--free-tier"))
        self.addCleanup(server.close)
        server.start()
        s3 = server.client(region="eu-west-1")
        s3.create_bucket(Bucket="priced", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_object(Bucket="priced", Key="a", Body=b"a")
        report = json.loads(server.raw("GET", "/_bucketfire/cost?free_tier=false").body)
        self.assertEqual(report["prices"], {"as_of": "2026-06-01", "source": "a test's own table", "free_tier": False})
        puts = [l for l in report["lines"] if l["operation"] == "PutObject"][0]
        self.assertEqual(puts["usage_type"], "EU-Requests-Tier1")
        self.assertEqual(puts["unit_price"], 0.001)
        self.assertEqual(puts["cost"], 0.001)
        # --free-tier made the free tier the server's default.
        default = json.loads(server.raw("GET", "/_bucketfire/cost").body)
        self.assertTrue(default["prices"]["free_tier"])
        server.stop()

        # A table that is not one keeps the server from starting, and says what is wrong.
        broken = write_json({"region": "x", "prices": [{"service": "AmazonS3", "unit": "GB"}]})
        proc = subprocess.run([harness.binary_path(), "serve", "--port", "0", "--data-dir", ":memory:",
                               "--prices", broken], capture_output=True, text=True, timeout=30)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("prices[0]", proc.stderr)


if __name__ == "__main__":
    harness.main()
