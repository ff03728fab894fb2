"""Public access as AWS has it now, with boto3 (signed and unsigned), the aws CLI and raw
HTTP: new buckets block public access and disable ACLs; a bucket policy opens a prefix to
anonymous readers once Block Public Access lets it, and an explicit Deny wins over everything;
canned ACLs where Object Ownership allows them; anonymous POST form uploads a policy allows."""

import json
import subprocess
import unittest
import urllib.error
import urllib.request
import uuid

import botocore

import harness


def public_read_policy(bucket, prefix, action="s3:GetObject"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": action,
         "Resource": f"arn:aws:s3:::{bucket}/{prefix}*"}]})


class PublicAccess(harness.ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anonymous = cls.server.client(signature_version=botocore.UNSIGNED)

    def anonymous_get(self, bucket, key):
        """The status of a plain, unsigned GET, as a browser would send it."""
        try:
            with urllib.request.urlopen(f"{self.server.endpoint}/{bucket}/{key}", timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def test_a_new_bucket_blocks_public_access_and_disables_acls(self):
        bucket = self.new_bucket()
        block = self.s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        self.assertEqual(block, {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                 "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        rules = self.s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
        self.assertEqual(rules, [{"ObjectOwnership": "BucketOwnerEnforced"}])
        self.assertClientError(self.s3.get_bucket_policy, "NoSuchBucketPolicy", 404, Bucket=bucket)
        self.assertClientError(self.s3.get_bucket_policy_status, "NoSuchBucketPolicy", 404, Bucket=bucket)
        acl = self.s3.get_bucket_acl(Bucket=bucket)
        self.assertEqual([g["Permission"] for g in acl["Grants"]], ["FULL_CONTROL"])
        self.assertEqual(acl["Grants"][0]["Grantee"]["ID"], acl["Owner"]["ID"])
        # ACLs are disabled: only the owner's own full control is accepted.
        self.assertClientError(self.s3.put_object, "AccessControlListNotSupported", 400, Bucket=bucket, Key="k",
                               Body=b"x", ACL="public-read")
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control")
        self.assertClientError(self.s3.put_bucket_acl, "AccessControlListNotSupported", 400, Bucket=bucket,
                               ACL="public-read")
        self.assertClientError(self.s3.create_bucket, "InvalidBucketAclWithObjectOwnership", 400,
                               Bucket=harness.unique("b"), ACL="public-read")
        # Nothing is public: anonymous requests are refused. Whether a bucket exists is no
        # secret on S3: an unknown one is NoSuchBucket to anyone, and nothing more.
        self.assertEqual(self.anonymous_get(bucket, "k")[0], 403)
        self.assertEqual(self.anonymous_get("no-such-bucket-here", "k")[0], 404)
        self.assertClientError(self.anonymous.list_buckets, "AccessDenied", 403)
        self.assertClientError(self.anonymous.create_bucket, "AccessDenied", 403, Bucket=harness.unique("b"))
        # Expecting another account as the bucket's owner is refused, signed or not.
        self.assertClientError(self.s3.head_object, "403", 403, Bucket=bucket, Key="k", ExpectedBucketOwner="111122223333")
        self.s3.head_object(Bucket=bucket, Key="k", ExpectedBucketOwner="000000000000")
        self.assertClientError(self.anonymous.list_objects_v2, "AccessDenied", 403, Bucket=bucket)

    def test_a_policy_opens_a_prefix_once_block_public_access_lets_it(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="public/a.txt", Body=b"hello")
        self.s3.put_object(Bucket=bucket, Key="private/b.txt", Body=b"secret")
        policy = public_read_policy(bucket, "public/")
        # BlockPublicPolicy refuses a public policy.
        self.assertClientError(self.s3.put_bucket_policy, "AccessDenied", 403, Bucket=bucket, Policy=policy)
        self.s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True})
        self.s3.put_bucket_policy(Bucket=bucket, Policy=policy)
        self.assertEqual(json.loads(self.s3.get_bucket_policy(Bucket=bucket)["Policy"]), json.loads(policy))
        self.assertTrue(self.s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"])
        # RestrictPublicBuckets still keeps anonymous callers out.
        self.assertEqual(self.anonymous_get(bucket, "public/a.txt")[0], 403)
        self.s3.delete_public_access_block(Bucket=bucket)
        self.assertClientError(self.s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", 404,
                               Bucket=bucket)
        self.assertEqual(self.anonymous_get(bucket, "public/a.txt"), (200, b"hello"))
        self.assertEqual(self.anonymous.head_object(Bucket=bucket, Key="public/a.txt")["ContentLength"], 5)
        self.assertEqual(self.anonymous_get(bucket, "private/b.txt")[0], 403)
        self.assertClientError(self.anonymous.put_object, "AccessDenied", 403, Bucket=bucket, Key="public/new",
                               Body=b"x")
        self.assertClientError(self.anonymous.list_objects_v2, "AccessDenied", 403, Bucket=bucket)
        # An explicit Deny wins over the Allow, and over the owner's own access.
        statements = json.loads(policy)["Statement"] + [
            {"Sid": "NoDrafts", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": f"arn:aws:s3:::{bucket}/public/drafts/*"}]
        self.s3.put_object(Bucket=bucket, Key="public/drafts/c.txt", Body=b"draft")
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
        self.assertEqual(self.anonymous_get(bucket, "public/drafts/c.txt")[0], 403)
        self.assertClientError(self.s3.get_object, "AccessDenied", 403, Bucket=bucket, Key="public/drafts/c.txt")
        self.assertEqual(self.anonymous_get(bucket, "public/a.txt")[0], 200)
        # The owner can always change the policy back.
        self.s3.delete_bucket_policy(Bucket=bucket)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="public/drafts/c.txt")["Body"].read(), b"draft")
        self.assertEqual(self.anonymous_get(bucket, "public/a.txt")[0], 403)

    def test_conditions_and_refused_policies(self):
        bucket = self.new_bucket()
        self.s3.delete_public_access_block(Bucket=bucket)
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        # Only from an address range that is not this one: no access; from 127.0.0.0/8: access.
        for cidr, expected in (("10.0.0.0/8", 403), ("127.0.0.0/8", 200)):
            self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:GetObject"],
                 "Resource": [f"arn:aws:s3:::{bucket}/*"], "Condition": {"IpAddress": {"aws:SourceIp": cidr}}}]}))
            self.assertEqual(self.anonymous_get(bucket, "k")[0], expected, cidr)
        # A policy that denies plain HTTP denies bucketfire's requests, as it would on AWS.
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
        self.assertClientError(self.s3.get_object, "AccessDenied", 403, Bucket=bucket, Key="k")
        self.s3.put_object(Bucket=bucket, Key="still-writable", Body=b"x")
        for bad in ("not json", json.dumps({"Statement": []}),
                    json.dumps({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "s3:GetObject",
                                               "Resource": f"arn:aws:s3:::{bucket}/*"}]}),
                    json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                               "Resource": "arn:aws:s3:::another-bucket/*"}]}),
                    json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ec2:RunInstances",
                                               "Resource": f"arn:aws:s3:::{bucket}/*"}]}),
                    json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                               "Resource": f"arn:aws:s3:::{bucket}/*"}]})):
            self.assertClientError(self.s3.put_bucket_policy, "MalformedPolicy", 400, Bucket=bucket, Policy=bad)

    def test_canned_acls_where_ownership_allows_them(self):
        bucket = harness.unique("b")
        self.s3.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
        # Block Public Access refuses a public ACL until it is lifted.
        self.assertClientError(self.s3.put_object, "AccessDenied", 403, Bucket=bucket, Key="k", Body=b"x",
                               ACL="public-read")
        self.s3.delete_public_access_block(Bucket=bucket)
        self.s3.put_object(Bucket=bucket, Key="open", Body=b"for all", ACL="public-read")
        self.s3.put_object(Bucket=bucket, Key="closed", Body=b"mine")
        grants = self.s3.get_object_acl(Bucket=bucket, Key="open")["Grants"]
        self.assertIn({"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                       "Permission": "READ"}, grants)
        self.assertEqual(self.anonymous_get(bucket, "open"), (200, b"for all"))
        self.assertEqual(self.anonymous_get(bucket, "closed")[0], 403)
        self.assertEqual(self.anonymous_get(bucket, "never-was")[0], 403)  # no one may list the bucket
        self.s3.put_object_acl(Bucket=bucket, Key="closed", ACL="authenticated-read")
        self.assertEqual(self.anonymous_get(bucket, "closed")[0], 403)
        self.s3.put_object_acl(Bucket=bucket, Key="open", ACL="private")
        self.assertEqual(self.anonymous_get(bucket, "open")[0], 403)
        # A public-read bucket ACL lets anyone list it; public-read-write lets anyone write.
        self.assertClientError(self.anonymous.list_objects_v2, "AccessDenied", 403, Bucket=bucket)
        self.s3.put_bucket_acl(Bucket=bucket, ACL="public-read-write")
        keys = [o["Key"] for o in self.anonymous.list_objects_v2(Bucket=bucket)["Contents"]]
        self.assertEqual(keys, ["closed", "open"])
        self.assertEqual(self.anonymous_get(bucket, "never-was")[0], 404)  # anyone may list it now
        self.anonymous.put_object(Bucket=bucket, Key="dropped", Body=b"anon")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="dropped")["Body"].read(), b"anon")
        # An AccessControlPolicy document, with x-amz-grant-* headers as the other form.
        owner = self.s3.get_bucket_acl(Bucket=bucket)["Owner"]
        self.s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": owner, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"}]})
        self.assertEqual(len(self.s3.get_bucket_acl(Bucket=bucket)["Grants"]), 1)
        self.assertClientError(self.anonymous.list_objects_v2, "AccessDenied", 403, Bucket=bucket)
        # Neither a header nor a document: the request says no ACL at all.
        empty = self.server.signed("PUT", f"/{bucket}/open", query=[("acl", "")])
        self.assertEqual((empty.status, empty.error()["Code"]), (400, "MissingSecurityHeader"))
        self.assertClientError(self.s3.put_bucket_acl, "UnresolvableGrantByEmailAddress", 400, Bucket=bucket,
                               GrantRead='emailAddress="nobody@example.com"')
        self.s3.put_bucket_acl(Bucket=bucket, GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"')
        self.assertEqual(self.anonymous.list_objects_v2(Bucket=bucket)["KeyCount"], 3)
        # IgnorePublicAcls makes every public grant count for nothing.
        self.s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"IgnorePublicAcls": True})
        self.assertClientError(self.anonymous.list_objects_v2, "AccessDenied", 403, Bucket=bucket)
        # Ownership can change: BucketOwnerEnforced switches ACLs off again.
        self.s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        self.assertClientError(self.s3.put_object, "AccessControlListNotSupported", 400, Bucket=bucket, Key="k",
                               Body=b"x", ACL="public-read")

    def test_anonymous_form_uploads_a_policy_allows(self):
        bucket = self.new_bucket()
        self.s3.delete_public_access_block(Bucket=bucket)
        self.s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket, "drop/", "s3:PutObject"))

        def post(key):
            boundary = uuid.uuid4().hex
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n{key}\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"tagging\"\r\n\r\n"
                    "<Tagging><TagSet><Tag><Key>via</Key><Value>form</Value></Tag></TagSet></Tagging>\r\n"
                    f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\n"
                    "Content-Type: text/plain\r\n\r\nanonymous bytes\r\n"
                    f"--{boundary}--\r\n").encode()
            return self.server.raw("POST", f"/{bucket}", body=body,
                                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})

        ok = post("drop/one.txt")
        self.assertEqual(ok.status, 204, ok)
        self.assertEqual(ok.header("x-amz-server-side-encryption"), "AES256")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="drop/one.txt")["Body"].read(), b"anonymous bytes")
        self.assertEqual(self.s3.get_object_tagging(Bucket=bucket, Key="drop/one.txt")["TagSet"],
                         [{"Key": "via", "Value": "form"}])
        refused = post("elsewhere/two.txt")
        self.assertEqual((refused.status, refused.error()["Code"]), (403, "AccessDenied"))
        # A form with a POST policy but no signature is a signed form missing its key id.
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\ndrop/three.txt\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"policy\"\r\n\r\ne30=\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nx\r\n"
                f"--{boundary}--\r\n").encode()
        unsigned = self.server.raw("POST", f"/{bucket}", body=body,
                                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        self.assertEqual((unsigned.status, unsigned.error()["Code"]), (400, "InvalidArgument"))

    def test_aws_cli(self):
        bucket = self.new_bucket()
        self.server.aws("s3api", "put-public-access-block", "--bucket", bucket, "--public-access-block-configuration",
                        "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false")
        self.server.aws("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", public_read_policy(bucket, ""))
        got = self.server.aws_json("s3api", "get-bucket-policy", "--bucket", bucket)
        self.assertEqual(json.loads(got["Policy"])["Statement"][0]["Sid"], "Public")
        self.s3.put_object(Bucket=bucket, Key="f.txt", Body=b"cli")
        out = self.server.aws("s3", "cp", "--no-sign-request", f"s3://{bucket}/f.txt", "-")
        self.assertEqual(out.stdout, "cli")


class LegacyBucketDefaults(harness.ServerTestCase):
    """serve --bucket-defaults legacy: new buckets as AWS made them before April 2023."""

    server_args = ("--bucket-defaults", "legacy")

    def test_new_buckets_neither_block_public_access_nor_disable_acls(self):
        bucket = harness.unique("b")
        self.s3.create_bucket(Bucket=bucket, ACL="public-read")
        self.assertClientError(self.s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", 404,
                               Bucket=bucket)
        self.assertClientError(self.s3.get_bucket_ownership_controls, "OwnershipControlsNotFoundError", 404,
                               Bucket=bucket)
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"open", ACL="public-read")
        anonymous = self.server.client(signature_version=botocore.UNSIGNED)
        self.assertEqual(anonymous.get_object(Bucket=bucket, Key="k")["Body"].read(), b"open")
        self.assertEqual(anonymous.list_objects_v2(Bucket=bucket)["KeyCount"], 1)
        # Asking for an ownership still gets it.
        enforced = harness.unique("b")
        self.s3.create_bucket(Bucket=enforced, ObjectOwnership="BucketOwnerEnforced")
        self.assertClientError(self.s3.put_object, "AccessControlListNotSupported", 400, Bucket=enforced, Key="k",
                               Body=b"x", ACL="public-read")

    def test_a_bad_value_is_refused_at_start(self):
        proc = subprocess.run([harness.binary_path(), "serve", "--bucket-defaults", "2019"],
                                      capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--bucket-defaults is 2023 or legacy", proc.stderr)


if __name__ == "__main__":
    unittest.main()
