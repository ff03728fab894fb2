"""POST Object (browser form uploads): boto3's generate_presigned_post output used unchanged
with curl and with a hand-built form, policy conditions, legacy SigV2 form fields, and the
errors AWS answers for each violated condition, an x-amz-checksum-* field, ${filename} in
conditions on $key, and a form signed for the bucket's region."""

import base64
import datetime
import hashlib
import hmac
import json
import subprocess
import unittest

import harness


class PostObject(harness.ServerTestCase):
    def post(self, bucket, fields, data, **kw):
        body, ctype = harness.multipart(list(fields.items()) if isinstance(fields, dict) else fields, data, **kw)
        return self.server.raw("POST", f"/{bucket}", {"Content-Type": ctype}, body)

    def presigned(self, bucket, key, **kw):
        return self.s3.generate_presigned_post(bucket, key, ExpiresIn=600, **kw)

    def test_boto3_presigned_post_with_curl(self):
        bucket = self.new_bucket()
        post = self.presigned(bucket, "uploads/${filename}",
                              Conditions=[["starts-with", "$key", "uploads/"],
                                          ["content-length-range", 1, 1024 * 1024]])
        data = b"\x89PNG" + bytes(range(256)) * 40
        cmd = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}"]
        for name, value in post["fields"].items():
            cmd += ["-F", f"{name}={value}"]
        path = f"{self.server.root}/img.png"
        with open(path, "wb") as f:
            f.write(data)
        cmd += ["-F", f"file=@{path}", post["url"]]
        status = subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout
        self.assertEqual(status, "204")
        got = self.s3.get_object(Bucket=bucket, Key="uploads/img.png")
        self.assertEqual(got["Body"].read(), data)
        self.assertEqual(got["ETag"], '"%s"' % hashlib.md5(data).hexdigest())

    def test_sigv4_form_fields(self):
        bucket = self.new_bucket()
        s3v4 = self.server.client(signature_version="s3v4")
        post = s3v4.generate_presigned_post(bucket, "v4.txt", ExpiresIn=600)
        self.assertEqual(post["fields"]["x-amz-algorithm"], "AWS4-HMAC-SHA256")
        r = self.post(bucket, post["fields"], b"signed with v4")
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="v4.txt")["Body"].read(), b"signed with v4")
        bad = dict(post["fields"], **{"x-amz-signature": "0" * 64})
        r = self.post(bucket, bad, b"x")
        self.assertEqual((r.status, r.error()["Code"]), (403, "SignatureDoesNotMatch"), r)

    def test_fields_status_201_and_metadata(self):
        bucket = self.new_bucket()
        fields = {"Content-Type": "image/png", "success_action_status": "201",
                  "x-amz-meta-owner": "ada"}
        post = self.presigned(bucket, "a.png", Fields=fields,
                              Conditions=[{"Content-Type": "image/png"},
                                          {"success_action_status": "201"},
                                          {"x-amz-meta-owner": "ada"}])
        r = self.post(bucket, post["fields"], b"png-bytes")
        self.assertEqual(r.status, 201, r)
        self.assertIn(b"<PostResponse>", r.body)
        self.assertIn(f"<Key>a.png</Key>".encode(), r.body)
        self.assertIn(b"<ETag>&quot;", r.body)
        head = self.s3.head_object(Bucket=bucket, Key="a.png")
        self.assertEqual(head["ContentType"], "image/png")
        self.assertEqual(head["Metadata"], {"owner": "ada"})

    def test_redirect(self):
        bucket = self.new_bucket()
        post = self.presigned(bucket, "r.txt", Fields={"success_action_redirect": "http://app.test/done"},
                              Conditions=[{"success_action_redirect": "http://app.test/done"}])
        r = self.post(bucket, post["fields"], b"x")
        self.assertEqual(r.status, 303, r)
        loc = r.header("Location")
        self.assertTrue(loc.startswith(f"http://app.test/done?bucket={bucket}&key=r.txt&etag="), loc)

    def test_policy_violations(self):
        bucket = self.new_bucket()
        post = self.presigned(bucket, "fixed.txt", Conditions=[["content-length-range", 2, 10]])
        # Too large, too small.
        r = self.post(bucket, post["fields"], b"x" * 11)
        self.assertEqual((r.status, r.error()["Code"]), (400, "EntityTooLarge"), r)
        r = self.post(bucket, post["fields"], b"x")
        self.assertEqual((r.status, r.error()["Code"]), (400, "EntityTooSmall"), r)
        # A key the policy does not allow.
        fields = dict(post["fields"], key="other.txt")
        r = self.post(bucket, fields, b"xyz")
        self.assertEqual((r.status, r.error()["Code"]), (403, "AccessDenied"), r)
        self.assertIn(b"Invalid according to Policy: Policy Condition failed", r.body)
        # A field no condition names.
        fields = dict(post["fields"], **{"x-amz-meta-extra": "1"})
        r = self.post(bucket, fields, b"xyz")
        self.assertEqual(r.status, 403, r)
        self.assertIn(b"Extra input fields: x-amz-meta-extra", r.body)
        # A tampered signature.
        sig_field = "x-amz-signature" if "x-amz-signature" in post["fields"] else "signature"
        fields = dict(post["fields"], **{sig_field: base64.b64encode(b"0" * 20).decode()})
        r = self.post(bucket, fields, b"xyz")
        self.assertEqual((r.status, r.error()["Code"]), (403, "SignatureDoesNotMatch"), r)
        # Nothing was stored by any of them.
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket=bucket))

    def test_expired_policy(self):
        bucket = self.new_bucket()
        post = self.s3.generate_presigned_post(bucket, "late.txt", ExpiresIn=-10)
        r = self.post(bucket, post["fields"], b"late")
        self.assertEqual(r.status, 403, r)
        self.assertIn(b"Invalid according to Policy: Policy expired.", r.body)

    def test_legacy_sigv2_form(self):
        bucket = self.new_bucket()
        expiration = (datetime.datetime.utcnow() + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        policy = base64.b64encode(json.dumps({"expiration": expiration, "conditions": [
            {"bucket": bucket}, ["starts-with", "$key", "legacy/"]]}).encode()).decode()
        signature = base64.b64encode(hmac.new(harness.SECRET_KEY.encode(), policy.encode(),
                                              hashlib.sha1).digest()).decode()
        fields = [("key", "legacy/${filename}"), ("AWSAccessKeyId", harness.ACCESS_KEY),
                  ("policy", policy), ("signature", signature)]
        r = self.post(bucket, fields, b"old library", filename="v2.txt")
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="legacy/v2.txt")["Body"].read(), b"old library")
        bad = fields[:3] + [("signature", base64.b64encode(b"x" * 20).decode())]
        r = self.post(bucket, bad, b"no")
        self.assertEqual((r.status, r.error()["Code"]), (403, "SignatureDoesNotMatch"), r)
        # A signed form missing its signature, and a policy with an empty condition.
        r = self.post(bucket, fields[:3], b"no")
        self.assertEqual((r.status, r.error()["Code"]), (400, "InvalidArgument"), r)
        self.assertEqual(r.error()["ArgumentName"], "Signature")
        empty = base64.b64encode(json.dumps({"expiration": expiration, "conditions": [{}]}).encode()).decode()
        signed = base64.b64encode(hmac.new(harness.SECRET_KEY.encode(), empty.encode(), hashlib.sha1).digest()).decode()
        r = self.post(bucket, [("key", "legacy/e"), ("AWSAccessKeyId", harness.ACCESS_KEY), ("policy", empty),
                               ("signature", signed)], b"no")
        self.assertEqual((r.status, r.error()["Code"]), (400, "InvalidPolicyDocument"), r)

    def test_checksum_field(self):
        bucket = self.new_bucket()
        data = b"checked bytes" * 1000
        good = base64.b64encode(hashlib.sha256(data).digest()).decode()
        wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()

        def form(value):
            post = self.presigned(bucket, "summed.txt", Fields={"x-amz-checksum-sha256": value},
                                  Conditions=[{"x-amz-checksum-sha256": value}])
            return post["fields"]
        r = self.post(bucket, form(good), data)
        self.assertEqual((r.status, r.header("x-amz-checksum-sha256")), (204, good), r)
        head = self.s3.head_object(Bucket=bucket, Key="summed.txt", ChecksumMode="ENABLED")
        self.assertEqual((head["ChecksumSHA256"], head["ChecksumType"]), (good, "FULL_OBJECT"))
        # The file's bytes are not what the field says: nothing replaces the object.
        r = self.post(bucket, form(wrong), b"tampered")
        self.assertEqual((r.status, r.error()["Code"]), (400, "BadDigest"), r)
        r = self.post(bucket, form("bad"), b"tampered")
        self.assertEqual((r.status, r.error()["Code"]), (400, "InvalidRequest"), r)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="summed.txt")["Body"].read(), data)
        # Like any field, it must be covered by the policy.
        fields = dict(self.presigned(bucket, "summed.txt")["fields"], **{"x-amz-checksum-sha256": good})
        r = self.post(bucket, fields, data)
        self.assertEqual(r.status, 403, r)
        self.assertIn(b"Extra input fields: x-amz-checksum-sha256", r.body)

    def test_key_conditions_see_the_file_name(self):
        # ${filename} is replaced before the policy's conditions on $key are checked.
        bucket = self.new_bucket()
        post = self.presigned(bucket, "${filename}", Conditions=[["starts-with", "$key", "report-"]])
        r = self.post(bucket, post["fields"], b"q3", filename="report-q3.csv")
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="report-q3.csv")["Body"].read(), b"q3")
        r = self.post(bucket, post["fields"], b"no", filename="notes.txt")
        self.assertEqual((r.status, r.error()["Code"]), (403, "AccessDenied"), r)

    def test_form_signed_for_the_buckets_region(self):
        eu = self.server.client(region="eu-west-1", signature_version="s3v4")
        bucket = harness.unique("eu")
        eu.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        r = self.post(bucket, eu.generate_presigned_post(bucket, "eu.txt", ExpiresIn=600)["fields"], b"eu")
        self.assertEqual(r.status, 204, r)
        us = self.server.client(signature_version="s3v4").generate_presigned_post(bucket, "us.txt", ExpiresIn=600)
        r = self.post(bucket, us["fields"], b"us")
        self.assertEqual((r.status, r.error()["Code"]), (400, "AuthorizationHeaderMalformed"), r)

    def test_anonymous_and_malformed(self):
        bucket = self.new_bucket()
        r = self.post(bucket, [("key", "anon.txt")], b"x")
        self.assertEqual((r.status, r.error()["Code"]), (403, "AccessDenied"), r)
        r = self.server.raw("POST", f"/{bucket}", {"Content-Type": "text/plain"}, b"key=x")
        self.assertEqual(r.status, 412, r)

    def test_large_file_is_streamed(self):
        bucket = self.new_bucket()
        post = self.presigned(bucket, "big.bin")
        data = bytes(range(256)) * (20 * 4096)  # 20 MiB
        r = self.post(bucket, post["fields"], data)
        self.assertEqual(r.status, 204, r)
        head = self.s3.head_object(Bucket=bucket, Key="big.bin")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], '"%s"' % hashlib.md5(data).hexdigest())


if __name__ == "__main__":
    unittest.main(testRunner=harness.Runner)
