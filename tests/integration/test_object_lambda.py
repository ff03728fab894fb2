"""Object Lambda access points through the S3 Control API, with boto3's s3control client and the
aws CLI (the server as their HTTP proxy): create, read, list, reconfigure and delete them, their
policies, and AWS's refusals. Then GetObject through one, by its alias and by its ARN: the
function gets AWS's event, answers with WriteGetObjectResponse, and the client gets what it
sent, streamed through; each way a function can fail gets AWS's error. HeadObject and the
listings answer with the JSON their function returns. Functions written for AWS and run as their
own processes answer with unmodified boto3 and JS SDK calls. (AWS closed Object Lambda to new customers in November 2025; the
architecture uses it, so teams running it still need to test it.)"""

import hashlib
import http.client
import importlib.util
import json
import os
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
from unittest import mock

import harness

ACCOUNT = "000000000000"
FUNCTION_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:reencode"


def control_client(server):
    return server.proxied_client("s3control")


def configuration(supporting, actions=("GetObject",), payload='{"format": "webp"}', features=("GetObject-Range",)):
    return {"SupportingAccessPoint": supporting, "CloudWatchMetricsEnabled": False,
            "AllowedFeatures": list(features),
            "TransformationConfigurations": [{"Actions": list(actions), "ContentTransformation": {
                "AwsLambda": {"FunctionArn": FUNCTION_ARN, "FunctionPayload": payload}}}]}


class ObjectLambdaAccessPoints(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.control = control_client(cls.server)

    def supporting(self, name):
        bucket = self.new_bucket(prefix="olb")
        return self.control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket=bucket)["AccessPointArn"]

    def test_create_read_reconfigure_list_and_delete(self):
        supporting = self.supporting("images-ap")
        made = self.control.create_access_point_for_object_lambda(
            AccountId=ACCOUNT, Name="images-ol", Configuration=configuration(supporting))
        self.assertEqual(made["ObjectLambdaAccessPointArn"], f"arn:aws:s3-object-lambda:us-east-1:{ACCOUNT}:accesspoint/images-ol")
        self.assertRegex(made["Alias"]["Value"], r"^images-ol-[a-z0-9]{34}--ol-s3$")
        self.assertEqual(made["Alias"]["Status"], "READY")
        got = self.control.get_access_point_for_object_lambda(AccountId=ACCOUNT, Name="images-ol")
        self.assertEqual((got["Name"], got["Alias"]), ("images-ol", made["Alias"]))
        self.assertTrue(all(got["PublicAccessBlockConfiguration"].values()))
        self.assertIsNotNone(got["CreationDate"])
        config = self.control.get_access_point_configuration_for_object_lambda(AccountId=ACCOUNT, Name="images-ol")
        self.assertEqual(config["Configuration"], configuration(supporting))
        # Reconfigured: two transformations, other features, no payload.
        changed = configuration(supporting, actions=("GetObject", "HeadObject"), payload="",
                                features=("GetObject-PartNumber", "HeadObject-Range"))
        changed["TransformationConfigurations"][0]["ContentTransformation"]["AwsLambda"].pop("FunctionPayload")
        changed["TransformationConfigurations"].append({"Actions": ["ListObjectsV2"], "ContentTransformation": {
            "AwsLambda": {"FunctionArn": FUNCTION_ARN + "-list"}}})
        self.control.put_access_point_configuration_for_object_lambda(AccountId=ACCOUNT, Name="images-ol",
                                                                      Configuration=changed)
        config = self.control.get_access_point_configuration_for_object_lambda(AccountId=ACCOUNT, Name="images-ol")
        self.assertEqual(config["Configuration"], changed)

        self.control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name="images-ol-2",
                                                           Configuration=configuration(supporting))
        listed = self.control.list_access_points_for_object_lambda(AccountId=ACCOUNT)["ObjectLambdaAccessPointList"]
        by_name = {p["Name"]: p for p in listed}
        self.assertEqual([n for n in by_name if n.startswith("images-ol")], ["images-ol", "images-ol-2"])
        self.assertEqual(by_name["images-ol"]["Alias"], made["Alias"])
        self.assertEqual(by_name["images-ol"]["ObjectLambdaAccessPointArn"], made["ObjectLambdaAccessPointArn"])
        # A page at a time, one each, gives the same list.
        paged, token = [], None
        while True:
            page = self.control.list_access_points_for_object_lambda(
                AccountId=ACCOUNT, MaxResults=1, **({"NextToken": token} if token else {}))
            self.assertLessEqual(len(page["ObjectLambdaAccessPointList"]), 1)
            paged += [p["Name"] for p in page["ObjectLambdaAccessPointList"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(paged, [p["Name"] for p in listed])

        self.control.delete_access_point_for_object_lambda(AccountId=ACCOUNT, Name="images-ol-2")
        self.assertClientError(lambda: self.control.get_access_point_for_object_lambda(AccountId=ACCOUNT, Name="images-ol-2"),
                               "NoSuchAccessPoint", 404)

    def test_policies(self):
        supporting = self.supporting("policy-ap")
        self.control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name="policy-ol",
                                                           Configuration=configuration(supporting))
        self.assertClientError(lambda: self.control.get_access_point_policy_for_object_lambda(
            AccountId=ACCOUNT, Name="policy-ol"), "NoSuchAccessPointPolicy", 404)
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3-object-lambda:Get*",
                                                                     "Principal": {"AWS": ACCOUNT}, "Resource": "*"}]})
        self.control.put_access_point_policy_for_object_lambda(AccountId=ACCOUNT, Name="policy-ol", Policy=policy)
        self.assertEqual(self.control.get_access_point_policy_for_object_lambda(AccountId=ACCOUNT, Name="policy-ol")["Policy"],
                         policy)
        status = self.control.get_access_point_policy_status_for_object_lambda(AccountId=ACCOUNT, Name="policy-ol")
        self.assertEqual(status["PolicyStatus"], {"IsPublic": False})
        self.control.delete_access_point_policy_for_object_lambda(AccountId=ACCOUNT, Name="policy-ol")
        self.assertClientError(lambda: self.control.get_access_point_policy_for_object_lambda(
            AccountId=ACCOUNT, Name="policy-ol"), "NoSuchAccessPointPolicy", 404)

    def test_refusals(self):
        supporting = self.supporting("refusals-ap")
        create = self.control.create_access_point_for_object_lambda
        self.assertClientError(lambda: create(AccountId=ACCOUNT, Name="no-support", Configuration=configuration(
            f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/nowhere")), "InvalidRequest", 400)
        self.assertClientError(lambda: create(AccountId=ACCOUNT, Name="bad-action", Configuration=configuration(
            supporting, actions=("PutObject",))), "InvalidRequest", 400)
        self.assertClientError(lambda: create(AccountId=ACCOUNT, Name="bad-feature", Configuration=configuration(
            supporting, features=("PutObject-Range",))), "InvalidRequest", 400)
        twice = configuration(supporting)
        twice["TransformationConfigurations"] *= 2
        self.assertClientError(lambda: create(AccountId=ACCOUNT, Name="twice", Configuration=twice), "InvalidRequest", 400)
        none = dict(configuration(supporting), TransformationConfigurations=[])
        self.assertClientError(lambda: create(AccountId=ACCOUNT, Name="none", Configuration=none), "InvalidRequest", 400)
        self.assertClientError(lambda: create(AccountId=ACCOUNT, Name="Upper", Configuration=configuration(supporting)),
                               "InvalidURI", 400)
        create(AccountId=ACCOUNT, Name="taken-ol", Configuration=configuration(supporting))
        self.assertClientError(lambda: create(AccountId=ACCOUNT, Name="taken-ol", Configuration=configuration(supporting)),
                               "AccessPointAlreadyOwnedByYou", 409)
        self.assertClientError(lambda: self.control.put_access_point_configuration_for_object_lambda(
            AccountId=ACCOUNT, Name="taken-ol", Configuration=configuration(supporting, actions=("Nope",))),
            "InvalidRequest", 400)
        self.assertClientError(lambda: self.control.put_access_point_configuration_for_object_lambda(
            AccountId=ACCOUNT, Name="missing-ol", Configuration=configuration(supporting)), "NoSuchAccessPoint", 404)
        self.assertClientError(lambda: self.control.delete_access_point_for_object_lambda(
            AccountId=ACCOUNT, Name="missing-ol"), "NoSuchAccessPoint", 404)

    def test_aws_cli_and_a_restart(self):
        supporting = self.supporting("cli-ap")
        proxy = f"http://127.0.0.1:{self.server.port}"
        endpoint = ("--endpoint-url", f"http://localhost:{self.server.port}")
        with mock.patch.dict(os.environ, {"HTTP_PROXY": proxy, "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}):
            made = self.server.aws_json("s3control", "create-access-point-for-object-lambda", *endpoint,
                                        "--account-id", ACCOUNT, "--name", "cli-ol",
                                        "--configuration", json.dumps(configuration(supporting)), "--output", "json")
            config = self.server.aws_json("s3control", "get-access-point-configuration-for-object-lambda", *endpoint,
                                          "--account-id", ACCOUNT, "--name", "cli-ol", "--output", "json")
        self.assertEqual(config["Configuration"], configuration(supporting))
        # The rest of the API with the CLI, on a second access point.
        policy = json.dumps({"Version": "2012-10-17", "Statement": []})
        other = ("--account-id", ACCOUNT, "--name", "cli-ol-2")
        with mock.patch.dict(os.environ, {"HTTP_PROXY": proxy, "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}):
            self.server.aws("s3control", "create-access-point-for-object-lambda", *endpoint, *other,
                            "--configuration", json.dumps(configuration(supporting)))
            changed = configuration(supporting, actions=("GetObject", "HeadObject"))
            self.server.aws("s3control", "put-access-point-configuration-for-object-lambda", *endpoint, *other,
                            "--configuration", json.dumps(changed))
            reconfigured = self.server.aws_json("s3control", "get-access-point-configuration-for-object-lambda",
                                                *endpoint, *other, "--output", "json")
            got = self.server.aws_json("s3control", "get-access-point-for-object-lambda", *endpoint, *other,
                                       "--output", "json")
            listed = self.server.aws_json("s3control", "list-access-points-for-object-lambda", *endpoint,
                                          "--account-id", ACCOUNT, "--output", "json")
            self.server.aws("s3control", "put-access-point-policy-for-object-lambda", *endpoint, *other,
                            "--policy", policy)
            got_policy = self.server.aws_json("s3control", "get-access-point-policy-for-object-lambda", *endpoint,
                                              *other, "--output", "json")
            status = self.server.aws_json("s3control", "get-access-point-policy-status-for-object-lambda", *endpoint,
                                          *other, "--output", "json")
            self.server.aws("s3control", "delete-access-point-policy-for-object-lambda", *endpoint, *other)
            self.server.aws("s3control", "delete-access-point-for-object-lambda", *endpoint, *other)
            missing = self.server.aws("s3control", "get-access-point-for-object-lambda", *endpoint, *other,
                                      check=False)
        self.assertEqual(reconfigured["Configuration"], changed)
        self.assertEqual(got["Name"], "cli-ol-2")
        self.assertIn("cli-ol-2", [p["Name"] for p in listed["ObjectLambdaAccessPointList"]])
        self.assertEqual(json.loads(got_policy["Policy"]), json.loads(policy))
        self.assertEqual(status["PolicyStatus"], {"IsPublic": False})
        self.assertIn("NoSuchAccessPoint", missing.stderr)
        self.server.restart()
        control = control_client(self.server)
        got = control.get_access_point_for_object_lambda(AccountId=ACCOUNT, Name="cli-ol")
        self.assertEqual(got["Alias"], made["Alias"])
        self.assertEqual(control.get_access_point_configuration_for_object_lambda(
            AccountId=ACCOUNT, Name="cli-ol")["Configuration"], configuration(supporting))
        type(self).control = control
        type(self).s3 = self.server.client()


UPPER = {"functions": [{"name": "upper", "handler": "object-lambda-upper"},
                       {"name": "slow", "handler": "sleep", "timeout": 1, "environment": {"SLEEP_MS": "3000"}}],
         "buckets": []}


class GetObjectThroughObjectLambda(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(UPPER))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.control = control_client(cls.server)
        cls.proxied = cls.server.proxied_client("s3")
        cls.bucket = cls.new_bucket(cls, prefix="olsrc")
        cls.s3.put_object(Bucket=cls.bucket, Key="notes/hello.txt", Body=b"hello object lambda",
                          Metadata={"author": "ada"})
        cls.supporting = cls.control.create_access_point(AccountId=ACCOUNT, Name="ol-source",
                                                         Bucket=cls.bucket)["AccessPointArn"]

    def olap(self, name, payload="", function="upper", actions=("GetObject",), features=()):
        made = self.control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name=name, Configuration={
            "SupportingAccessPoint": self.supporting, "AllowedFeatures": list(features),
            "TransformationConfigurations": [{"Actions": list(actions), "ContentTransformation": {"AwsLambda": {
                "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function}",
                "FunctionPayload": payload}}}]})
        return made["Alias"]["Value"], made["ObjectLambdaAccessPointArn"]

    def test_the_function_answers_through_the_alias_and_the_arn(self):
        alias, arn = self.olap("upper-ol")
        by_alias = self.s3.get_object(Bucket=alias, Key="notes/hello.txt")
        self.assertEqual(by_alias["Body"].read(), b"HELLO OBJECT LAMBDA")
        self.assertEqual((by_alias["ContentType"], by_alias["CacheControl"], by_alias["Metadata"]),
                         ("text/plain", "no-store", {"transformed-by": "upper"}))
        # The ARN: boto3 sends it to upper-ol-000000000000.localhost, signed for s3-object-lambda.
        self.assertEqual(self.proxied.get_object(Bucket=arn, Key="notes/hello.txt")["Body"].read(),
                         b"HELLO OBJECT LAMBDA")
        # What the function was given: AWS's event, with a presigned URL of the original.
        invocation = self.server.invocations("upper")[-1]
        self.assertEqual(invocation["status"], "Success")

    def test_the_function_gets_aws_s_event(self):
        alias, arn = self.olap("event-ol", payload='{"mode": "event"}')
        event = json.loads(self.s3.get_object(Bucket=alias, Key="notes/hello.txt", IfNoneMatch='"other"')["Body"].read())
        self.assertEqual(list(event), ["xAmzRequestId", "getObjectContext", "configuration", "userRequest",
                                       "userIdentity", "protocolVersion"])
        self.assertEqual(event["protocolVersion"], "1.00")
        context = event["getObjectContext"]
        self.assertRegex(context["outputRoute"], r"^io-[0-9a-f]{16}$")
        self.assertGreater(len(context["outputToken"]), 32)
        self.assertEqual(event["configuration"], {
            "accessPointArn": arn, "supportingAccessPointArn": self.supporting, "payload": '{"mode": "event"}'})
        self.assertTrue(event["userRequest"]["url"].endswith(f"/{alias}/notes/hello.txt"), event["userRequest"])
        headers = {k.lower(): v for k, v in event["userRequest"]["headers"].items()}
        self.assertEqual(headers["if-none-match"], '"other"')
        self.assertNotIn("authorization", headers)
        self.assertEqual((event["userIdentity"]["accountId"], event["userIdentity"]["accessKeyId"]),
                         (ACCOUNT, harness.ACCESS_KEY))
        # inputS3Url is a presigned GET of the original any HTTP client can follow.
        with urllib.request.urlopen(context["inputS3Url"], timeout=10) as original:
            self.assertEqual(original.read(), b"hello object lambda")
        # A function that does not exist answers LambdaNotFound.
        missing, _ = self.olap("missing-ol", function="no-such-function")
        self.assertClientError(lambda: self.s3.get_object(Bucket=missing, Key="notes/hello.txt"), "LambdaNotFound", 404)

    def test_a_point_lives_in_its_supporting_access_point_s_region(self):
        eu_control = self.server.proxied_client("s3control", region="eu-west-1")
        eu_s3 = self.server.client(region="eu-west-1")
        bucket = harness.unique("oleu")
        eu_s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        eu_s3.put_object(Bucket=bucket, Key="k.txt", Body=b"from ireland")
        supporting = eu_control.create_access_point(AccountId=ACCOUNT, Name="eu-source", Bucket=bucket)["AccessPointArn"]
        config = {"SupportingAccessPoint": supporting, "TransformationConfigurations": [{
            "Actions": ["GetObject"], "ContentTransformation": {"AwsLambda": {
                "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:upper", "FunctionPayload": '{"mode": "event"}'}}}]}
        # From another region the supporting access point does not exist.
        self.assertClientError(lambda: self.control.create_access_point_for_object_lambda(
            AccountId=ACCOUNT, Name="eu-ol", Configuration=config), "InvalidRequest", 400)
        arn = eu_control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name="eu-ol",
                                                               Configuration=config)["ObjectLambdaAccessPointArn"]
        self.assertEqual(arn, f"arn:aws:s3-object-lambda:eu-west-1:{ACCOUNT}:accesspoint/eu-ol")
        self.assertIn("eu-ol", [p["Name"] for p in eu_control.list_access_points_for_object_lambda(
            AccountId=ACCOUNT)["ObjectLambdaAccessPointList"]])
        self.assertNotIn("eu-ol", [p["Name"] for p in self.control.list_access_points_for_object_lambda(
            AccountId=ACCOUNT)["ObjectLambdaAccessPointList"]])
        self.assertClientError(lambda: self.control.get_access_point_for_object_lambda(AccountId=ACCOUNT, Name="eu-ol"),
                               "NoSuchAccessPoint", 404)
        # The SDK signs a request through the ARN for its region; the event names the point there
        # and its input URL, signed for that region, reads the original.
        through = self.server.proxied_client("s3", region="eu-west-1")
        event = json.loads(through.get_object(Bucket=arn, Key="k.txt")["Body"].read())
        self.assertEqual(event["configuration"]["accessPointArn"], arn)
        with urllib.request.urlopen(event["getObjectContext"]["inputS3Url"], timeout=10) as original:
            self.assertEqual(original.read(), b"from ireland")
        eu_control.delete_access_point_for_object_lambda(AccountId=ACCOUNT, Name="eu-ol")

    def test_failures_get_aws_errors(self):
        cases = [("error-ol", '{"mode": "error"}', "NotAllowed", 403),
                 ("crash-ol", '{"mode": "crash"}', "LambdaRuntimeError", 500),
                 ("silent-ol", '{"mode": "silent"}', "LambdaResponseNotReceived", 500)]
        for name, payload, code, status in cases:
            alias, _ = self.olap(name, payload=payload)
            self.assertClientError(lambda: self.s3.get_object(Bucket=alias, Key="notes/hello.txt"), code, status)
        # A function that runs past its own timeout (1 s here; Object Lambda allows at most 60 s):
        # the invocation ended as a timeout, not as a function that returned without answering.
        # (FunctionsOutOfProcess has one that would block 600 s.)
        slow, _ = self.olap("slow-ol", function="slow")
        self.assertClientError(lambda: self.s3.get_object(Bucket=slow, Key="notes/hello.txt"), "LambdaTimeout", 500)
        self.assertEqual((self.server.invocations("slow")[-1]["status"], self.server.invocations("slow")[-1]["errorType"]),
                         ("Timeout", "Sandbox.Timedout"))
        # A WriteGetObjectResponse with a route or token of no waiting request.
        self.assertClientError(lambda: self.proxied.write_get_object_response(
            RequestRoute="io-0000000000000000", RequestToken="nope", Body=b"x"), "InvalidToken", 400)
        # The server answers the next request.
        self.assertEqual(self.s3.head_bucket(Bucket=self.bucket)["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_features_and_what_passes_through(self):
        alias, _ = self.olap("plain-ol")
        # Without GetObject-Range a ranged GET is refused as a real access point refuses it.
        self.assertClientError(lambda: self.s3.get_object(Bucket=alias, Key="notes/hello.txt", Range="bytes=0-4"),
                               "NotImplemented", 501)
        ranged, _ = self.olap("ranged-ol", features=("GetObject-Range",))
        self.assertEqual(self.s3.get_object(Bucket=ranged, Key="notes/hello.txt", Range="bytes=0-4")["Body"].read(),
                         b"HELLO OBJECT LAMBDA")  # the function decides what a range means; this one ignores it
        # HeadObject and the listings have no transformation here: they read the bucket itself.
        head = self.s3.head_object(Bucket=alias, Key="notes/hello.txt")
        self.assertEqual((head["ContentLength"], head["Metadata"]), (19, {"author": "ada"}))
        self.assertEqual([o["Key"] for o in self.s3.list_objects_v2(Bucket=alias)["Contents"]], ["notes/hello.txt"])
        # Writes are not what Object Lambda access points are for.
        self.assertClientError(lambda: self.s3.put_object(Bucket=alias, Key="k", Body=b"x"), "InvalidRequest", 400)

    def test_part_numbers_need_their_feature_and_reach_the_function(self):
        get = lambda bucket, **kw: self.s3.get_object(Bucket=bucket, Key="notes/hello.txt", **kw)
        # Without GetObject-PartNumber (GetObject-Range is another feature) partNumber is refused.
        for name, features in (("part-plain-ol", ()), ("part-range-only-ol", ("GetObject-Range",))):
            alias, _ = self.olap(name, payload='{"mode": "event"}', features=features)
            self.assertClientError(lambda: get(alias, PartNumber=1), "NotImplemented", 501)
        alias, _ = self.olap("part-ol", payload='{"mode": "event"}', features=("GetObject-PartNumber",))
        event = json.loads(get(alias, PartNumber=1)["Body"].read())
        url = urllib.parse.urlsplit(event["userRequest"]["url"])
        self.assertEqual((url.path, urllib.parse.parse_qs(url.query)), (f"/{alias}/notes/hello.txt", {"partNumber": ["1"]}))
        # GetObject-PartNumber does not allow a Range.
        self.assertClientError(lambda: get(alias, Range="bytes=0-4"), "NotImplemented", 501)

    def test_an_allowed_range_reaches_the_function(self):
        alias, _ = self.olap("range-event-ol", payload='{"mode": "event"}', features=("GetObject-Range",))
        event = json.loads(self.s3.get_object(Bucket=alias, Key="notes/hello.txt", Range="bytes=2-6")["Body"].read())
        headers = {k.lower(): v for k, v in event["userRequest"]["headers"].items()}
        self.assertEqual(headers["range"], "bytes=2-6")
        self.assertNotIn("partNumber", event["userRequest"]["url"])

    def test_a_large_transformed_body_streams_through_in_flat_memory(self):
        size = 100 * 1024 * 1024
        alias, _ = self.olap("big-ol", payload=json.dumps({"mode": "generate", "bytes": size}))
        before = harness.proc_status_kib(self.server.proc.pid, "VmHWM")
        body = self.s3.get_object(Bucket=alias, Key="notes/hello.txt")["Body"]
        received, first = 0, b""
        while chunk := body.read(1 << 20):
            first = first or chunk[:26]
            received += len(chunk)
        self.assertEqual((received, first), (size, b"abcdefghijklmnopqrstuvwxyz"))
        grew_mib = (harness.proc_status_kib(self.server.proc.pid, "VmHWM") - before) / 1024
        self.assertLess(grew_mib, 32, f"the server's peak memory grew {grew_mib:.1f} MiB for a 100 MiB body")


class HeadAndListThroughObjectLambda(harness.ServerTestCase):
    """HeadObject, ListObjects and ListObjectsV2 transformations: the function (in-process here)
    gets a headObjectContext / listObjectsContext / listObjectsV2Context event and answers with
    JSON, which the client gets as S3's headers or ListBucketResult."""
    server_args = ("--config", harness.write_pipeline(
        {"functions": [{"name": "upper", "handler": "object-lambda-upper"},
                       {"name": "echo", "handler": "echo"}], "buckets": []}))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.control = control_client(cls.server)
        cls.bucket = cls.new_bucket(cls, prefix="olhl")
        for key in ("notes/hello.txt", "notes/bye.txt", "top.txt"):
            cls.s3.put_object(Bucket=cls.bucket, Key=key, Body=b"hello object lambda", Metadata={"author": "ada"})
        cls.supporting = cls.control.create_access_point(AccountId=ACCOUNT, Name="hl-source",
                                                         Bucket=cls.bucket)["AccessPointArn"]

    def olap(self, name, payload="", function="upper", features=()):
        made = self.control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name=name, Configuration={
            "SupportingAccessPoint": self.supporting, "AllowedFeatures": list(features),
            "TransformationConfigurations": [{"Actions": ["HeadObject", "ListObjects", "ListObjectsV2"],
                                              "ContentTransformation": {"AwsLambda": {
                "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function}",
                "FunctionPayload": payload}}}]})
        return made["Alias"]["Value"]

    def test_head_object_answers_the_function_s_headers(self):
        alias = self.olap("head-ol")
        head = self.s3.head_object(Bucket=alias, Key="notes/hello.txt")
        self.assertEqual((head["ContentLength"], head["ContentType"], head["Metadata"]),
                         (19, "binary/octet-stream", {"author": "ADA"}))
        self.assertEqual(head["ETag"], self.s3.head_object(Bucket=self.bucket, Key="notes/hello.txt")["ETag"])
        # GetObject has no transformation on this access point: it reads the bucket.
        self.assertEqual(self.s3.get_object(Bucket=alias, Key="notes/hello.txt")["Body"].read(), b"hello object lambda")

    def test_listings_answer_the_function_s_result(self):
        alias = self.olap("list-ol")
        v2 = self.s3.list_objects_v2(Bucket=alias)
        self.assertEqual(sorted(o["Key"] for o in v2["Contents"]), ["NOTES/BYE.TXT", "NOTES/HELLO.TXT", "TOP.TXT"])
        self.assertEqual((v2["KeyCount"], v2["IsTruncated"], v2["Contents"][0]["Size"]), (3, False, 19))
        v1 = self.s3.list_objects(Bucket=alias)
        self.assertEqual(sorted(o["Key"] for o in v1["Contents"]), ["NOTES/BYE.TXT", "NOTES/HELLO.TXT", "TOP.TXT"])

    def test_the_events_carry_presigned_head_and_list_urls(self):
        alias = self.olap("event-hl-ol", payload='{"mode": "event"}')
        head = json.loads(self.s3.head_object(Bucket=alias, Key="notes/hello.txt")["Metadata"]["event"])
        self.assertEqual(list(head), ["xAmzRequestId", "headObjectContext", "configuration", "userRequest",
                                      "userIdentity", "protocolVersion"])
        url = head["headObjectContext"]["inputS3Url"]
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as original:
            self.assertEqual((original.status, original.headers["Content-Length"]), (200, "19"))
        listed = self.s3.list_objects_v2(Bucket=alias, Prefix="notes/", Delimiter="/")
        event = json.loads(listed["Contents"][0]["Key"])
        self.assertIn("listObjectsV2Context", event)
        self.assertNotIn("getObjectContext", event)
        # The presigned listing is the client's: its prefix and delimiter, through the supporting access point.
        with urllib.request.urlopen(event["listObjectsV2Context"]["inputS3Url"], timeout=10) as original:
            xml = original.read().decode()
        self.assertIn("<Prefix>notes/</Prefix>", xml)
        self.assertEqual(xml.count("<Key>"), 2)
        v1 = json.loads(self.s3.list_objects(Bucket=alias)["Contents"][0]["Key"])
        self.assertIn("listObjectsContext", v1)

    def test_errors_features_and_invalid_answers(self):
        refused = self.olap("refused-hl-ol", payload='{"mode": "error"}')
        self.assertClientError(lambda: self.s3.list_objects_v2(Bucket=refused), "NotAllowed", 403)
        with self.assertRaises(harness.ClientError) as raised:
            self.s3.head_object(Bucket=refused, Key="notes/hello.txt")
        self.assertEqual(raised.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        plain = self.olap("plain-hl-ol")
        self.assertClientError(lambda: self.s3.head_object(Bucket=plain, Key="notes/hello.txt", Range="bytes=0-1"),
                               "501", 501)
        ranged = self.olap("ranged-hl-ol", features=("HeadObject-Range",))
        self.assertEqual(self.s3.head_object(Bucket=ranged, Key="notes/hello.txt", Range="bytes=0-1")["ContentLength"], 19)
        # A function that answers something else than AWS's shapes.
        echo = self.olap("echo-hl-ol", function="echo")
        self.assertClientError(lambda: self.s3.list_objects_v2(Bucket=echo), "LambdaInvalidResponse", 400)
        crash = self.olap("crash-hl-ol", payload='{"mode": "crash"}')
        self.assertClientError(lambda: self.s3.list_objects(Bucket=crash), "LambdaRuntimeError", 500)

    def test_head_part_numbers_need_their_feature_and_reach_the_function(self):
        head = lambda bucket, **kw: self.s3.head_object(Bucket=bucket, Key="notes/hello.txt", **kw)
        for name, features in (("head-part-plain-ol", ()), ("head-part-range-only-ol", ("HeadObject-Range",)),
                               ("head-part-get-only-ol", ("GetObject-PartNumber",))):
            alias = self.olap(name, payload='{"mode": "event"}', features=features)
            self.assertClientError(lambda: head(alias, PartNumber=1), "501", 501)
        alias = self.olap("head-part-ol", payload='{"mode": "event"}', features=("HeadObject-PartNumber",))
        event = json.loads(head(alias, PartNumber=1)["Metadata"]["event"])
        self.assertIn("headObjectContext", event)
        url = urllib.parse.urlsplit(event["userRequest"]["url"])
        self.assertEqual((url.path, urllib.parse.parse_qs(url.query)), (f"/{alias}/notes/hello.txt", {"partNumber": ["1"]}))
        self.assertClientError(lambda: head(alias, Range="bytes=0-1"), "501", 501)
        # An allowed Range reaches the function among the client's headers.
        ranged = self.olap("head-range-event-ol", payload='{"mode": "event"}', features=("HeadObject-Range",))
        event = json.loads(head(ranged, Range="bytes=0-1")["Metadata"]["event"])
        self.assertEqual({k.lower(): v for k, v in event["userRequest"]["headers"].items()}["range"], "bytes=0-1")

    def test_aws_cli(self):
        alias = self.olap("cli-hl-ol")
        head = self.server.aws_json("s3api", "head-object", "--bucket", alias, "--key", "top.txt")
        self.assertEqual(head["Metadata"], {"author": "ADA"})
        listed = self.server.aws_json("s3api", "list-objects-v2", "--bucket", alias)
        self.assertEqual(sorted(o["Key"] for o in listed["Contents"]), ["NOTES/BYE.TXT", "NOTES/HELLO.TXT", "TOP.TXT"])


REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
JS_SDK = os.path.join(REPO, "tests", "browser", "node_modules")
PYTHON_FUNCTION = os.path.join(REPO, "fixtures", "runtimes", "python-object-lambda")
FUNCTIONS_OUT_OF_PROCESS = {
    "functions": [
        {"name": "python-ol", "code": PYTHON_FUNCTION},
        # The same code with other timeouts: 1 s, and room to stream 100 MiB.
        {"name": "python-ol-1s", "code": PYTHON_FUNCTION, "timeout": 1},
        {"name": "python-ol-stream", "code": PYTHON_FUNCTION, "timeout": 300},
        {"name": "node-ol", "code": os.path.join(REPO, "fixtures", "runtimes", "node-object-lambda"),
         "environment": {"NODE_PATH": JS_SDK}},
    ],
    "buckets": [],
}


def python_function_module():
    """The Python function's own module, for the bytes its "generate" mode streams."""
    spec = importlib.util.spec_from_file_location("python_object_lambda", os.path.join(PYTHON_FUNCTION, "lambda_function.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FunctionsOutOfProcess(harness.ServerTestCase):
    """Functions written for AWS, run as their own processes, answer through unmodified SDK calls:
    boto3's write_get_object_response and the JS SDK's WriteGetObjectResponseCommand put the route
    in front of the endpoint's host name, and still reach the server."""
    server_args = ("--config", harness.write_pipeline(FUNCTIONS_OUT_OF_PROCESS))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.control = control_client(cls.server)
        cls.bucket = cls.new_bucket(cls, prefix="olext")
        cls.s3.put_object(Bucket=cls.bucket, Key="notes/hello.txt", Body=b"hello object lambda\nsecond line",
                          Metadata={"author": "ada"})
        cls.supporting = cls.control.create_access_point(AccountId=ACCOUNT, Name="ext-source",
                                                         Bucket=cls.bucket)["AccessPointArn"]

    def olap(self, name, function, actions, payload=None):
        lambda_config = {"FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function}"}
        if payload is not None:
            lambda_config["FunctionPayload"] = json.dumps(payload)
        return self.control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name=name, Configuration={
            "SupportingAccessPoint": self.supporting, "TransformationConfigurations": [{
                "Actions": list(actions), "ContentTransformation": {"AwsLambda": lambda_config}}]})["Alias"]["Value"]

    def new_invocation(self, function, seen):
        """The first invocation of `function` after the `seen` first ones, once it is recorded,
        with what it returned."""
        record = harness.wait_for(lambda: self.server.invocations(function)[seen:], f"an invocation of {function}")[0]
        return dict(record, response=self.server.internal(f"invocations/{record['requestId']}")["response"])

    def test_a_python_function_with_boto3(self):
        alias = self.olap("python-ol", "python-ol", ("GetObject", "HeadObject", "ListObjectsV2"))
        got = self.s3.get_object(Bucket=alias, Key="notes/hello.txt")
        self.assertEqual(got["Body"].read(), b"HELLO OBJECT LAMBDA\nSECOND LINE")
        self.assertEqual((got["ContentType"], got["Metadata"]), ("text/plain", {"transformed-by": "python"}))
        head = self.s3.head_object(Bucket=alias, Key="notes/hello.txt")
        self.assertEqual((head["ContentLength"], head["Metadata"]), (31, {"author": "ada", "transformed-by": "python"}))
        listed = self.s3.list_objects_v2(Bucket=alias)
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["NOTES/HELLO.TXT"])
        # The aws CLI reads the same through the alias.
        with tempfile.TemporaryDirectory() as folder:
            out = os.path.join(folder, "out.txt")
            self.server.aws_json("s3api", "get-object", "--bucket", alias, "--key", "notes/hello.txt", out)
            with open(out, "rb") as f:
                self.assertEqual(f.read(), b"HELLO OBJECT LAMBDA\nSECOND LINE")
        self.assertEqual(self.server.invocations("python-ol")[-1]["status"], "Success")

    def test_a_wrong_token_on_a_live_route(self):
        # The function answers on the route the client waits on, with a token changed by a character.
        alias = self.olap("python-token-ol", "python-ol", ("GetObject",), payload={"mode": "wrong-token"})
        seen = len(self.server.invocations("python-ol"))
        self.assertClientError(lambda: self.s3.get_object(Bucket=alias, Key="notes/hello.txt"),
                               "LambdaResponseNotReceived", 500)
        invocation = self.new_invocation("python-ol", seen)
        self.assertEqual(invocation["status"], "Success")
        # boto3's write_get_object_response in the function got AWS's error.
        self.assertEqual(json.loads(invocation["response"]), {"wrongToken": {"code": "InvalidToken", "status": 400}})
        # The object still reads through the access point.
        alias = self.olap("python-token-after-ol", "python-ol", ("GetObject",))
        self.assertEqual(self.s3.get_object(Bucket=alias, Key="notes/hello.txt")["Body"].read(),
                         b"HELLO OBJECT LAMBDA\nSECOND LINE")

    def test_a_body_that_does_not_match_its_signed_hash(self):
        # The function signs its body's SHA-256, then other bytes of the same length arrive.
        alias = self.olap("python-tampered-ol", "python-ol", ("GetObject",), payload={"mode": "tampered"})
        seen = len(self.server.invocations("python-ol"))
        # The client never gets the bytes as a whole answer: the body stops short of its length
        # and the connection is cut.
        with self.assertRaises(http.client.IncompleteRead) as cut:
            self.server.signed("GET", f"/{alias}/notes/hello.txt")
        self.assertLess(len(cut.exception.partial), len(b"signed bytes"))
        invocation = self.new_invocation("python-ol", seen)
        self.assertEqual(json.loads(invocation["response"]), {"tampered": "XAmzContentSHA256Mismatch"})

    def test_a_function_that_raises_or_never_answers(self):
        cases = [("python-raise-ol", "raise", "LambdaRuntimeError", "Unhandled", "RuntimeError"),
                 ("python-silent-ol", "silent", "LambdaResponseNotReceived", "Success", None)]
        for name, mode, code, status, error_type in cases:
            with self.subTest(mode=mode):
                alias = self.olap(name, "python-ol", ("GetObject",), payload={"mode": mode})
                seen = len(self.server.invocations("python-ol"))
                self.assertClientError(lambda: self.s3.get_object(Bucket=alias, Key="notes/hello.txt"), code, 500)
                invocation = self.new_invocation("python-ol", seen)
                self.assertEqual((invocation["status"], invocation.get("errorType")), (status, error_type))

    def test_the_function_s_own_timeout_ends_it(self):
        # The function would block 600 s; its timeout is 1 s, far below Object Lambda's 60 s.
        alias = self.olap("python-block-ol", "python-ol-1s", ("GetObject",), payload={"mode": "block"})
        seen = len(self.server.invocations("python-ol-1s"))
        started = time.monotonic()
        self.assertClientError(lambda: self.s3.get_object(Bucket=alias, Key="notes/hello.txt"), "LambdaTimeout", 500)
        elapsed = time.monotonic() - started
        self.assertLess(elapsed, 30, "the client waited for more than the function's own 1 s timeout")
        invocation = self.new_invocation("python-ol-1s", seen)
        self.assertEqual((invocation["status"], invocation["errorType"]), ("Timeout", "Sandbox.Timedout"))
        self.assertIn("Task timed out after 1.00 seconds", invocation["errorMessage"])

    def test_a_large_transformed_body_streams_from_a_function_process(self):
        size = 100 * 1024 * 1024
        alias = self.olap("python-big-ol", "python-ol-stream", ("GetObject",), payload={"mode": "generate", "bytes": size})
        expected = hashlib.sha256()
        for chunk in python_function_module().generated_chunks(size):
            expected.update(chunk)
        seen = len(self.server.invocations("python-ol-stream"))
        before = harness.proc_status_kib(self.server.proc.pid, "VmHWM")
        got = self.s3.get_object(Bucket=alias, Key="notes/hello.txt")
        self.assertEqual((got["ContentLength"], got["ContentType"]), (size, "application/octet-stream"))
        received, digest = 0, hashlib.sha256()
        while chunk := got["Body"].read(1 << 20):
            digest.update(chunk)
            received += len(chunk)
        self.assertEqual((received, digest.hexdigest()), (size, expected.hexdigest()))
        grew_mib = (harness.proc_status_kib(self.server.proc.pid, "VmHWM") - before) / 1024
        self.assertLess(grew_mib, 32, f"the server's peak memory grew {grew_mib:.1f} MiB for a 100 MiB body")
        self.assertEqual(self.new_invocation("python-ol-stream", seen)["status"], "Success")

    def test_a_node_function_with_the_js_sdk(self):
        if not os.path.isdir(os.path.join(JS_SDK, "@aws-sdk", "client-s3")):
            print("SKIPPED: the JS SDK is not installed (tests/browser/setup.sh)", flush=True)
            self.skipTest("the JS SDK is not installed (tests/browser/setup.sh)")
        alias = self.olap("node-ol", "node-ol", ("GetObject",))
        got = self.s3.get_object(Bucket=alias, Key="notes/hello.txt")
        self.assertEqual(got["Body"].read(), b"adbmal tcejbo olleh\nenil dnoces")
        self.assertEqual((got["ContentType"], got["Metadata"]), ("text/plain", {"transformed-by": "node"}))


class ObjectLambdaWaitsAtMost60Seconds(harness.ServerTestCase):
    """A function allowed 120 s that never answers: the client gets LambdaTimeout when Object
    Lambda's 60 s are up, not when the function's own timeout comes. About a minute long."""
    server_args = ("--config", harness.write_pipeline({"functions": [
        {"name": "python-ol-120s", "code": PYTHON_FUNCTION, "timeout": 120}], "buckets": []}))

    def test_a_function_allowed_longer_is_cut_off_at_60_seconds(self):
        control = control_client(self.server)
        bucket = self.new_bucket(prefix="olcap")
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        supporting = control.create_access_point(AccountId=ACCOUNT, Name="cap-source", Bucket=bucket)["AccessPointArn"]
        alias = control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name="cap-ol", Configuration={
            "SupportingAccessPoint": supporting, "TransformationConfigurations": [{"Actions": ["GetObject"],
            "ContentTransformation": {"AwsLambda": {
                "FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:python-ol-120s",
                "FunctionPayload": json.dumps({"mode": "block"})}}}]})["Alias"]["Value"]
        s3 = self.server.client(read_timeout=150)
        started = time.monotonic()
        self.assertClientError(lambda: s3.get_object(Bucket=alias, Key="k"), "LambdaTimeout", 500)
        elapsed = time.monotonic() - started
        self.assertGreater(elapsed, 55, "answered before Object Lambda's 60 s were up")
        self.assertLess(elapsed, 100, "the client waited for the function's own 120 s timeout")


class ClientLeavesMidStream(unittest.TestCase):
    def test_the_function_is_released_and_the_server_stops_cleanly(self):
        server = harness.Server(extra_args=["--config", harness.write_pipeline(UPPER)])
        self.addCleanup(server.close)
        server.start()
        s3, control = server.client(), control_client(server)
        s3.create_bucket(Bucket="olstop")
        s3.put_object(Bucket="olstop", Key="k", Body=b"x")
        supporting = control.create_access_point(AccountId=ACCOUNT, Name="stop-src", Bucket="olstop")["AccessPointArn"]
        alias = control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name="stop-ol", Configuration={
            "SupportingAccessPoint": supporting, "TransformationConfigurations": [{"Actions": ["GetObject"],
            "ContentTransformation": {"AwsLambda": {"FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:upper",
                                                    "FunctionPayload": json.dumps({"mode": "generate",
                                                                                   "bytes": 1 << 30})}}}]})["Alias"]["Value"]
        body = s3.get_object(Bucket=alias, Key="k")["Body"]
        self.assertEqual(len(body.read(1 << 20)), 1 << 20)  # the function is mid-way through 1 GiB
        # The client goes away: the function's upload is released (what it sends is dropped), it
        # ends, and the server stops on time and cleanly.
        body.close()
        rc, clean = server.stop()
        self.assertTrue(clean, server.log_tail())
        self.assertEqual(rc, 0, server.log_tail())


if __name__ == "__main__":
    unittest.main()
