"""Access points through the S3 Control API (boto3's s3control client and the aws CLI, with the
server as their HTTP proxy), and S3 requests through them the three ways AWS takes them: the
access point ARN as the bucket (the client turns it into a {name}-{account} host), the alias as
a bucket name in the path, and the alias as a virtual host. The requests act on the underlying
bucket, fire its notifications, and only the operations AWS allows through access points pass."""

import json
import os
import unittest
from unittest import mock

import harness

ACCOUNT = "000000000000"
PIPELINE = {"functions": [{"name": "seen", "handler": "save-event", "environment": {"EVENT_BUCKET": "ap-events"}}],
            "buckets": [{"name": "ap-events"},
                        {"name": "ap-notified", "notifications": [{"function": "seen", "events": ["s3:ObjectCreated:*"]}]}]}


def proxied(server, service, **config):
    """A client whose host names (the account's, an access point's) reach the server as its proxy."""
    return server.proxied_client(service, **config)


class AccessPoints(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.control = proxied(cls.server, "s3control")
        cls.through_arn = proxied(cls.server, "s3")
        cls.virtual = proxied(cls.server, "s3", s3={"addressing_style": "virtual"})

    def create(self, name, bucket, **extra):
        return self.control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket=bucket, **extra)

    def test_create_get_list_and_delete(self):
        bucket = self.new_bucket(prefix="apb")
        made = self.create("reports", bucket)
        arn = f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/reports"
        self.assertEqual(made["AccessPointArn"], arn)
        self.assertRegex(made["Alias"], r"^reports-[a-z0-9]{34}-s3alias$")
        long_alias = self.create("a-rather-long-access-point-name-for-reports", bucket)["Alias"]
        self.assertRegex(long_alias, r"^a-rather-long-access-[a-z0-9]{34}-s3alias$")
        self.assertEqual(len(long_alias), 63)
        got = self.control.get_access_point(AccountId=ACCOUNT, Name="reports")
        self.assertEqual((got["Name"], got["Bucket"], got["NetworkOrigin"], got["Alias"], got["AccessPointArn"],
                          got["BucketAccountId"]), ("reports", bucket, "Internet", made["Alias"], arn, ACCOUNT))
        self.assertEqual(got["PublicAccessBlockConfiguration"],
                         {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                          "RestrictPublicBuckets": True})
        self.assertIn("ipv4", got["Endpoints"])
        self.assertIsNotNone(got["CreationDate"])
        # Another, with a VPC origin and its own public access block, on another bucket.
        other = self.new_bucket(prefix="apb")
        self.create("private-reports", other, VpcConfiguration={"VpcId": "vpc-1a2b3c"},
                    PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": True,
                                                    "BlockPublicPolicy": True, "RestrictPublicBuckets": False})
        vpc = self.control.get_access_point(AccountId=ACCOUNT, Name="private-reports")
        self.assertEqual((vpc["NetworkOrigin"], vpc["VpcConfiguration"]), ("VPC", {"VpcId": "vpc-1a2b3c"}))
        self.assertFalse(vpc["PublicAccessBlockConfiguration"]["BlockPublicAcls"])
        # Listing: all, by bucket, and a page at a time.
        names = [p["Name"] for p in self.control.list_access_points(AccountId=ACCOUNT)["AccessPointList"]]
        self.assertIn("reports", names)
        self.assertIn("private-reports", names)
        by_bucket = self.control.list_access_points(AccountId=ACCOUNT, Bucket=other)["AccessPointList"]
        self.assertEqual([(p["Name"], p["NetworkOrigin"], p["Bucket"]) for p in by_bucket],
                         [("private-reports", "VPC", other)])
        first = self.control.list_access_points(AccountId=ACCOUNT, MaxResults=1)
        self.assertEqual(len(first["AccessPointList"]), 1)
        second = self.control.list_access_points(AccountId=ACCOUNT, MaxResults=1, NextToken=first["NextToken"])
        self.assertNotEqual(first["AccessPointList"][0]["Name"], second["AccessPointList"][0]["Name"])

        self.control.delete_access_point(AccountId=ACCOUNT, Name="private-reports")
        self.assertClientError(lambda: self.control.get_access_point(AccountId=ACCOUNT, Name="private-reports"),
                               "NoSuchAccessPoint", 404)
        self.assertClientError(lambda: self.control.delete_access_point(AccountId=ACCOUNT, Name="private-reports"),
                               "NoSuchAccessPoint", 404)

    def test_policies_are_stored_and_returned(self):
        bucket = self.new_bucket(prefix="apb")
        self.create("with-policy", bucket)
        self.assertClientError(lambda: self.control.get_access_point_policy(AccountId=ACCOUNT, Name="with-policy"),
                               "NoSuchAccessPointPolicy", 404)
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/reader"}, "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/with-policy/object/*"}]})
        self.control.put_access_point_policy(AccountId=ACCOUNT, Name="with-policy", Policy=policy)
        self.assertEqual(self.control.get_access_point_policy(AccountId=ACCOUNT, Name="with-policy")["Policy"], policy)
        status = self.control.get_access_point_policy_status(AccountId=ACCOUNT, Name="with-policy")
        self.assertEqual(status["PolicyStatus"], {"IsPublic": False})
        self.assertClientError(lambda: self.control.put_access_point_policy(AccountId=ACCOUNT, Name="with-policy",
                                                                             Policy="not json"), "MalformedPolicy", 400)
        self.control.delete_access_point_policy(AccountId=ACCOUNT, Name="with-policy")
        self.assertClientError(lambda: self.control.get_access_point_policy(AccountId=ACCOUNT, Name="with-policy"),
                               "NoSuchAccessPointPolicy", 404)
        self.assertClientError(lambda: self.control.put_access_point_policy(AccountId=ACCOUNT, Name="nowhere",
                                                                             Policy=policy), "NoSuchAccessPoint", 404)

    def test_refusals(self):
        bucket = self.new_bucket(prefix="apb")
        self.create("taken", bucket)
        self.assertClientError(lambda: self.create("taken", bucket), "AccessPointAlreadyOwnedByYou", 409)
        self.assertClientError(lambda: self.create("orphan", "no-such-bucket-here"), "NoSuchBucket", 404)
        for bad in ("Upper", "-leading", "trailing-", "under_score", "x" * 51, "ends-s3alias"):
            self.assertClientError(lambda: self.create(bad, bucket), "InvalidURI", 400)
        # The account must be the server's.
        self.assertClientError(lambda: self.control.get_access_point(AccountId="111122223333", Name="taken"),
                               "AccessDenied", 403)

    def test_an_access_point_lives_in_its_bucket_s_region(self):
        eu_control = proxied(self.server, "s3control", region="eu-west-1")
        eu_s3 = self.server.client(region="eu-west-1")
        bucket = harness.unique("apeu")
        eu_s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        # From another region's endpoint the bucket is not there to attach to.
        self.assertClientError(lambda: self.create("eu-point", bucket), "NoSuchBucket", 404)
        arn = eu_control.create_access_point(AccountId=ACCOUNT, Name="eu-point", Bucket=bucket)["AccessPointArn"]
        self.assertEqual(arn, f"arn:aws:s3:eu-west-1:{ACCOUNT}:accesspoint/eu-point")
        self.assertEqual(eu_control.get_access_point(AccountId=ACCOUNT, Name="eu-point")["Bucket"], bucket)
        self.assertIn(arn, [p["AccessPointArn"] for p in eu_control.list_access_points(AccountId=ACCOUNT)["AccessPointList"]])
        self.assertNotIn("eu-point", [p["Name"] for p in self.control.list_access_points(AccountId=ACCOUNT)["AccessPointList"]])
        self.assertClientError(lambda: self.control.get_access_point(AccountId=ACCOUNT, Name="eu-point"),
                               "NoSuchAccessPoint", 404)
        # The ARN's region is the one the SDK signs for, and the bucket's: requests through it go straight.
        through = proxied(self.server, "s3", region="eu-west-1")
        through.put_object(Bucket=arn, Key="k.txt", Body=b"eu")
        self.assertEqual(eu_s3.get_object(Bucket=bucket, Key="k.txt")["Body"].read(), b"eu")
        eu_control.delete_access_point(AccountId=ACCOUNT, Name="eu-point")

    def test_requests_through_the_arn_and_the_alias_act_on_the_bucket(self):
        bucket = self.new_bucket(prefix="apb")
        alias = self.create("shared", bucket)["Alias"]
        arn = f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/shared"
        # The ARN as the bucket: boto3 sends it to shared-000000000000.localhost.
        self.through_arn.put_object(Bucket=arn, Key="via/arn.txt", Body=b"through the ARN")
        # The alias as a bucket name: in the path, and as a virtual host.
        self.s3.put_object(Bucket=alias, Key="via/alias-path.txt", Body=b"through the alias")
        self.virtual.put_object(Bucket=alias, Key="via/alias-host.txt", Body=b"through the alias host")
        # Everything landed in the bucket itself, and reads back every way.
        listed = self.s3.list_objects_v2(Bucket=bucket)["Contents"]
        self.assertEqual(sorted(o["Key"] for o in listed), ["via/alias-host.txt", "via/alias-path.txt", "via/arn.txt"])
        for client, name in ((self.through_arn, arn), (self.s3, alias), (self.virtual, alias)):
            self.assertEqual(client.get_object(Bucket=name, Key="via/arn.txt")["Body"].read(), b"through the ARN")
            self.assertEqual(sorted(o["Key"] for o in client.list_objects_v2(Bucket=name, Prefix="via/")["Contents"]),
                             ["via/alias-host.txt", "via/alias-path.txt", "via/arn.txt"])
        self.through_arn.put_object_tagging(Bucket=arn, Key="via/arn.txt",
                                            Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
        self.assertEqual(self.s3.get_object_tagging(Bucket=bucket, Key="via/arn.txt")["TagSet"], [{"Key": "k", "Value": "v"}])
        upload = self.s3.create_multipart_upload(Bucket=alias, Key="via/multipart.bin")["UploadId"]
        part = self.s3.upload_part(Bucket=alias, Key="via/multipart.bin", UploadId=upload, PartNumber=1, Body=b"m" * 10)
        self.s3.complete_multipart_upload(Bucket=alias, Key="via/multipart.bin", UploadId=upload,
                                          MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="via/multipart.bin")["Body"].read(), b"m" * 10)
        self.through_arn.delete_object(Bucket=arn, Key="via/alias-host.txt")
        self.assertClientError(lambda: self.s3.head_object(Bucket=bucket, Key="via/alias-host.txt"), "404", 404)
        # A presigned URL through the alias works for curl-like clients too.
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": alias, "Key": "via/arn.txt"})
        self.assertEqual(harness.raw_request(self.server.port, "GET", url.split(str(self.server.port), 1)[1]).body,
                         b"through the ARN")

    def test_copies_name_their_source_through_an_access_point(self):
        source, target = self.new_bucket(prefix="apsrc"), self.new_bucket(prefix="apdst")
        alias = self.create("copy-source", source)["Alias"]
        arn = f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/copy-source"
        self.s3.put_object(Bucket=source, Key="dir/original.txt", Body=b"copy me")
        # By the alias, and by the ARN (boto3 writes it as {arn}/object/{key}).
        self.s3.copy_object(Bucket=target, Key="by-alias.txt", CopySource={"Bucket": alias, "Key": "dir/original.txt"})
        self.through_arn.copy_object(Bucket=target, Key="by-arn.txt", CopySource={"Bucket": arn, "Key": "dir/original.txt"})
        for key in ("by-alias.txt", "by-arn.txt"):
            self.assertEqual(self.s3.get_object(Bucket=target, Key=key)["Body"].read(), b"copy me")
        upload = self.s3.create_multipart_upload(Bucket=target, Key="by-part.txt")["UploadId"]
        part = self.s3.upload_part_copy(Bucket=target, Key="by-part.txt", UploadId=upload, PartNumber=1,
                                        CopySource={"Bucket": alias, "Key": "dir/original.txt"})
        self.s3.complete_multipart_upload(Bucket=target, Key="by-part.txt", UploadId=upload, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]})
        self.assertEqual(self.s3.get_object(Bucket=target, Key="by-part.txt")["Body"].read(), b"copy me")
        self.assertClientError(lambda: self.through_arn.copy_object(
            Bucket=target, Key="x", CopySource={"Bucket": f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/nowhere",
                                                "Key": "dir/original.txt"}), "InvalidArgument", 400)

    def test_only_what_access_points_allow(self):
        bucket = self.new_bucket(prefix="apb")
        alias = self.create("limited", bucket)["Alias"]
        arn = f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/limited"
        self.assertClientError(lambda: self.s3.delete_bucket(Bucket=alias), "InvalidRequest", 400)
        self.assertClientError(lambda: self.s3.put_bucket_versioning(
            Bucket=alias, VersioningConfiguration={"Status": "Enabled"}), "InvalidRequest", 400)
        self.assertClientError(lambda: self.through_arn.put_bucket_tagging(
            Bucket=arn, Tagging={"TagSet": [{"Key": "k", "Value": "v"}]}), "InvalidRequest", 400)
        self.assertEqual(self.s3.head_bucket(Bucket=alias)["ResponseMetadata"]["HTTPStatusCode"], 200)
        # An alias of no access point is no bucket.
        self.assertClientError(lambda: self.s3.get_object(Bucket="gone-" + "a" * 34 + "-s3alias", Key="k"),
                               "NoSuchBucket", 404)
        # Once the access point is deleted, its alias and ARN lead nowhere.
        self.control.delete_access_point(AccountId=ACCOUNT, Name="limited")
        self.assertClientError(lambda: self.s3.get_object(Bucket=alias, Key="k"), "NoSuchBucket", 404)

    def test_writes_through_an_access_point_notify_the_bucket(self):
        self.create("notified", "ap-notified")
        self.through_arn.put_object(Bucket=f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/notified",
                                    Key="hello.txt", Body=b"hi")
        harness.wait_for(lambda: self.s3.list_objects_v2(Bucket="ap-events").get("KeyCount"), "the event to arrive")
        key = self.s3.list_objects_v2(Bucket="ap-events")["Contents"][0]["Key"]
        event = json.loads(self.s3.get_object(Bucket="ap-events", Key=key)["Body"].read())
        record = event["Records"][0]
        self.assertEqual((record["s3"]["bucket"]["name"], record["s3"]["object"]["key"]), ("ap-notified", "hello.txt"))


class AccessPointsWithTheCliAndARestart(harness.ServerTestCase):
    def test_aws_cli_then_a_restart(self):
        bucket = self.new_bucket(prefix="apb")
        proxy = f"http://127.0.0.1:{self.server.port}"
        endpoint = ("--endpoint-url", f"http://localhost:{self.server.port}")
        body = os.path.join(harness.tempfile.mkdtemp(), "cli.txt")
        with open(body, "wb") as f:
            f.write(b"from the CLI")
        with mock.patch.dict(os.environ, {"HTTP_PROXY": proxy, "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}):
            made = self.server.aws_json("s3control", "create-access-point", *endpoint, "--account-id", ACCOUNT,
                                        "--name", "from-cli", "--bucket", bucket, "--output", "json")
            arn = made["AccessPointArn"]
            self.server.aws("s3api", "put-object", *endpoint, "--bucket", arn, "--key", "cli.txt", "--body", body)
            listed = self.server.aws_json("s3control", "list-access-points", *endpoint, "--account-id", ACCOUNT,
                                          "--bucket", bucket, "--output", "json")
            got = self.server.aws_json("s3control", "get-access-point", *endpoint, "--account-id", ACCOUNT,
                                       "--name", "from-cli", "--output", "json")
        self.assertEqual([p["Name"] for p in listed["AccessPointList"]], ["from-cli"])
        self.assertEqual((got["Bucket"], got["Alias"]), (bucket, made["Alias"]))
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="cli.txt")["Body"].read(), b"from the CLI")
        # Access points are stored: after a restart the alias still leads to the bucket.
        self.server.restart()
        s3 = self.server.client()
        self.assertEqual(s3.get_object(Bucket=made["Alias"], Key="cli.txt")["Body"].read(), b"from the CLI")
        control = proxied(self.server, "s3control")
        self.assertEqual(control.get_access_point(AccountId=ACCOUNT, Name="from-cli")["Alias"], made["Alias"])

    def test_policies_and_delete_with_the_aws_cli(self):
        bucket = self.new_bucket(self.server.client(), prefix="apc")  # the other test restarts the server
        proxy = f"http://127.0.0.1:{self.server.port}"
        endpoint = ("--endpoint-url", f"http://localhost:{self.server.port}")
        policy = json.dumps({"Version": "2012-10-17", "Statement": []})
        account = ("--account-id", ACCOUNT, "--name", "cli-policy")
        with mock.patch.dict(os.environ, {"HTTP_PROXY": proxy, "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}):
            self.server.aws("s3control", "create-access-point", *endpoint, *account, "--bucket", bucket)
            self.server.aws("s3control", "put-access-point-policy", *endpoint, *account, "--policy", policy)
            got = self.server.aws_json("s3control", "get-access-point-policy", *endpoint, *account, "--output", "json")
            status = self.server.aws_json("s3control", "get-access-point-policy-status", *endpoint, *account,
                                          "--output", "json")
            self.server.aws("s3control", "delete-access-point-policy", *endpoint, *account)
            gone = self.server.aws("s3control", "get-access-point-policy", *endpoint, *account, check=False)
            self.server.aws("s3control", "delete-access-point", *endpoint, *account)
            missing = self.server.aws("s3control", "get-access-point", *endpoint, *account, check=False)
        self.assertEqual(json.loads(got["Policy"]), json.loads(policy))
        self.assertEqual(status["PolicyStatus"], {"IsPublic": False})
        self.assertIn("NoSuchAccessPointPolicy", gone.stderr)
        self.assertIn("NoSuchAccessPoint", missing.stderr)

if __name__ == "__main__":
    unittest.main()
