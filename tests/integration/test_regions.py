"""Every region on one endpoint, as AWS's regional endpoints answer: a request signed for any
region is accepted and that region acts as the endpoint's. CreateBucket puts the bucket in the
region of its LocationConstraint (and refuses what AWS refuses); GetBucketLocation, HeadBucket
and ListBuckets (with its 2024 parameters) tell each bucket's region; a request for a bucket in
another region gets 301 PermanentRedirect with x-amz-bucket-region, which boto3, the aws CLI and
the JS SDK follow to success; functions live in the region they were made in, S3 notifies only
those of the bucket's region, events carry the bucket's region, and a function's logs are read
from its region."""

import io
import json
import os
import shutil
import stat
import subprocess
import unittest
import urllib.error
import urllib.request
import zipfile

import harness

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BROWSER_DIR = os.path.join(REPO, "tests", "browser")
SUMMARY_RUNTIME = os.path.join(REPO, "fixtures", "runtimes", "python-event-summary", "bootstrap")
ROLE = "arn:aws:iam::000000000000:role/lambda"


class Regions(harness.ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eu = cls.server.client(region="eu-west-1")
        cls.us = cls.server.client(region="us-east-1")

    def eu_bucket(self, prefix="eu"):
        name = harness.unique(prefix)
        self.eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        return name

    def test_create_bucket_follows_the_location_constraint_as_aws_does(self):
        name = harness.unique("where")
        # A regional endpoint takes only its own region, and no bucket without a constraint.
        self.assertClientError(lambda: self.eu.create_bucket(Bucket=name), "IllegalLocationConstraintException", 400)
        self.assertClientError(lambda: self.eu.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}),
            "IllegalLocationConstraintException", 400)
        for bad in ("us-east-1", "mars-1"):
            self.assertClientError(lambda: self.us.create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": bad}), "InvalidLocationConstraint", 400)
        # us-east-1's endpoint takes a bucket for any region.
        self.us.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-2"})
        self.assertEqual(self.eu.get_bucket_location(Bucket=name)["LocationConstraint"], "ap-southeast-2")
        self.assertClientError(lambda: self.us.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-2"}), "BucketAlreadyOwnedByYou", 409)
        plain = harness.unique("plain")
        self.us.create_bucket(Bucket=plain)
        self.us.create_bucket(Bucket=plain)  # us-east-1 answers a repeat create by its owner with 200
        self.assertIsNone(self.us.get_bucket_location(Bucket=plain)["LocationConstraint"])

    def test_head_bucket_and_list_buckets_tell_each_bucket_s_region(self):
        eu = self.eu_bucket("listed")
        tokyo = harness.unique("listed")
        self.us.create_bucket(Bucket=tokyo, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
        head = self.eu.head_bucket(Bucket=eu)
        self.assertEqual(head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"], "eu-west-1")
        regions = {b["Name"]: b["BucketRegion"] for b in self.eu.list_buckets()["Buckets"]}
        self.assertEqual((regions[eu], regions[tokyo]), ("eu-west-1", "ap-northeast-1"))
        self.assertEqual([b["Name"] for b in self.us.list_buckets(BucketRegion="ap-northeast-1")["Buckets"]], [tokyo])
        # A page at a time by prefix, each page's token leading to the next.
        names, token = [], None
        while True:
            page = self.us.list_buckets(Prefix="listed", MaxBuckets=1, **({"ContinuationToken": token} if token else {}))
            self.assertEqual(page["Prefix"], "listed")
            names += [b["Name"] for b in page["Buckets"]]
            token = page.get("ContinuationToken")
            if not token:
                break
        self.assertEqual(names, sorted([eu, tokyo]))
        self.assertClientError(lambda: self.us.list_buckets(MaxBuckets=10001), "InvalidArgument", 400)
        resp = self.server.signed("GET", "/", query=[("continuation-token", "!!")])
        self.assertEqual(resp.status, 400)
        self.assertIn(b"<Code>InvalidArgument</Code>", resp.body)

    def test_another_region_s_bucket_is_redirected_and_the_sdks_follow(self):
        bucket = self.eu_bucket("redirect")
        # Raw: signed for us-east-1, the answer names the bucket's region.
        resp = self.server.signed("PUT", f"/{bucket}/raw.txt", body=b"x", region="us-east-1")
        self.assertEqual(resp.status, 301, resp.body)
        self.assertEqual(resp.headers["x-amz-bucket-region"], "eu-west-1")
        self.assertIn(b"<Code>PermanentRedirect</Code>", resp.body)
        self.assertIn(f"<Endpoint>{bucket}.s3.eu-west-1.amazonaws.com</Endpoint>".encode(), resp.body)
        head = self.server.signed("HEAD", f"/{bucket}", region="us-east-1")
        self.assertEqual((head.status, head.headers["x-amz-bucket-region"], head.body), (301, "eu-west-1", b""))
        # Signed for the bucket's region it is served.
        self.assertEqual(self.server.signed("PUT", f"/{bucket}/raw.txt", body=b"x", region="eu-west-1").status, 200)

        # boto3 configured for us-east-1 follows the redirect (signing again for eu-west-1).
        us = self.server.client(region="us-east-1")
        us.put_object(Bucket=bucket, Key="boto3.txt", Body=b"through a redirect")
        self.assertEqual(us.get_object(Bucket=bucket, Key="boto3.txt")["Body"].read(), b"through a redirect")
        self.assertEqual(us.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"], 200)

        # The aws CLI (its region us-east-1) copies in and lists.
        self.server.aws("s3", "cp", "-", f"s3://{bucket}/cli.txt", "--region", "us-east-1", input_text="from the CLI")
        listed = self.server.aws("s3", "ls", f"s3://{bucket}/", "--region", "us-east-1").stdout
        self.assertIn("cli.txt", listed)
        made = harness.unique("cli-made")
        self.server.aws("s3", "mb", f"s3://{made}", "--region", "eu-central-1")
        self.assertEqual(self.us.get_bucket_location(Bucket=made)["LocationConstraint"], "eu-central-1")

        # Presigned (SigV4; boto3 presigns SigV2 for a custom endpoint unless told): a URL signed
        # for the bucket's region works; one signed for another gets the redirect.
        eu_v4 = self.server.client(region="eu-west-1", signature_version="s3v4")
        url = eu_v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto3.txt"})
        self.assertIn("X-Amz-Credential=test%2F", url)
        with urllib.request.urlopen(url, timeout=10) as got:
            self.assertEqual(got.read(), b"through a redirect")
        fresh = self.server.client(region="us-west-2", signature_version="s3v4")
        wrong = fresh.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto3.txt"})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(wrong, timeout=10)
        self.assertEqual((refused.exception.code, refused.exception.headers["x-amz-bucket-region"]), (301, "eu-west-1"))
        # GetBucketLocation answers from every region.
        self.assertEqual(fresh.get_bucket_location(Bucket=bucket)["LocationConstraint"], "eu-west-1")

    def test_the_js_sdk_follows_the_redirect(self):
        if not shutil.which("node") or not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "@aws-sdk")):
            print("SKIPPED: node or the JS SDK is missing (bash tests/browser/setup.sh)", flush=True)
            self.skipTest("no JS SDK")
        bucket = self.eu_bucket("js")
        env = dict(os.environ, AWS_ACCESS_KEY_ID=harness.ACCESS_KEY, AWS_SECRET_ACCESS_KEY=harness.SECRET_KEY)
        out = subprocess.run(["node", "region_redirect.mjs", self.server.endpoint, bucket], cwd=BROWSER_DIR, env=env,
                             capture_output=True, text=True, timeout=60)
        answer = json.loads(out.stdout.strip().splitlines()[-1])
        self.assertEqual(answer.get("body"), "written by the JS SDK", answer)
        self.assertIn([bucket, "eu-west-1"], answer["buckets"])

    def test_virtual_hosted_names_of_any_region(self):
        bucket = self.eu_bucket("vhost")
        self.eu.put_object(Bucket=bucket, Key="k", Body=b"v")
        for host in (f"{bucket}.s3.eu-west-1.amazonaws.com", f"{bucket}.s3.eu-west-1.localhost"):
            resp = self.server.signed("GET", "/k", host=host, region="eu-west-1")
            self.assertEqual((resp.status, resp.body), (200, b"v"), host)


class RegionalFunctions(harness.ServerTestCase):
    """A function lives in the region it was created in: its ARN, ListFunctions and lookups by
    name are that region's; S3 notifies only functions of the bucket's region, and the events
    carry the bucket's region."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam_eu = cls.server.lambda_client(region="eu-west-1")
        cls.lam_us = cls.server.lambda_client(region="us-east-1")
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            info = zipfile.ZipInfo("bootstrap")
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            with open(SUMMARY_RUNTIME, "rb") as f:
                z.writestr(info, f.read())
        cls.lam_eu.create_function(FunctionName="eu-summary", Runtime="provided.al2023", Role=ROLE,
                                   Handler="h", Code={"ZipFile": code.getvalue()})

    def test_a_function_is_seen_from_its_own_region(self):
        arn = "arn:aws:lambda:eu-west-1:000000000000:function:eu-summary"
        self.assertEqual(self.lam_eu.get_function(FunctionName="eu-summary")["Configuration"]["FunctionArn"], arn)
        self.assertIn(arn, [f["FunctionArn"] for f in self.lam_eu.list_functions()["Functions"]])
        self.assertNotIn("eu-summary", [f["FunctionName"] for f in self.lam_us.list_functions()["Functions"]])
        for name in ("eu-summary", arn):
            with self.assertRaises(self.lam_us.exceptions.ResourceNotFoundException):
                self.lam_us.get_function(FunctionName=name)

    def test_notifications_reach_only_functions_of_the_bucket_s_region(self):
        eu = self.server.client(region="eu-west-1")
        us = self.server.client(region="us-east-1")
        arn = "arn:aws:lambda:eu-west-1:000000000000:function:eu-summary"
        notify = {"LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]}
        us.create_bucket(Bucket="us-events")
        self.assertClientError(lambda: us.put_bucket_notification_configuration(
            Bucket="us-events", NotificationConfiguration=notify), "InvalidArgument", 400)
        eu.create_bucket(Bucket="eu-events", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        eu.put_bucket_notification_configuration(Bucket="eu-events", NotificationConfiguration=notify)
        eu.put_object(Bucket="eu-events", Key="a.txt", Body=b"a")

        def notified():  # the invocation by the event (another test invokes the function directly)
            for invocation in self.server.invocations("eu-summary"):
                kept = json.loads(self.server.raw("GET", f"/_bucketfire/invocations/{invocation['requestId']}").body)
                if json.loads(kept["event"]).get("Records"):
                    return kept
        kept = harness.wait_for(notified, "the event's invocation")
        (record,) = json.loads(kept["event"])["Records"]
        self.assertEqual((record["awsRegion"], record["s3"]["bucket"]["name"]), ("eu-west-1", "eu-events"))
        self.assertEqual(json.loads(kept["response"])["objects"][0]["key"], "a.txt")

    def test_a_function_s_logs_live_in_its_region(self):
        self.lam_eu.invoke(FunctionName="eu-summary", Payload=b'{"Records": []}')
        group = "/aws/lambda/eu-summary"

        def logs(region):
            session = harness.boto3.session.Session(aws_access_key_id=harness.ACCESS_KEY,
                                                    aws_secret_access_key=harness.SECRET_KEY, region_name=region)
            return session.client("logs", endpoint_url=self.server.endpoint,
                                  config=harness.Config(retries={"mode": "standard", "total_max_attempts": 1}))
        eu, us = logs("eu-west-1"), logs("us-east-1")
        (listed,) = [g for g in eu.describe_log_groups()["logGroups"] if g["logGroupName"] == group]
        self.assertEqual(listed["logGroupArn"], f"arn:aws:logs:eu-west-1:000000000000:log-group:{group}")
        events = harness.wait_for(lambda: eu.filter_log_events(logGroupName=group)["events"] or None,
                                  "the invocation's log lines")
        self.assertTrue(any(e["message"].startswith("START RequestId:") for e in events), events)
        self.assertNotIn(group, [g["logGroupName"] for g in us.describe_log_groups()["logGroups"]])
        with self.assertRaises(us.exceptions.ResourceNotFoundException):
            us.filter_log_events(logGroupName=group)


if __name__ == "__main__":
    unittest.main()
