"""Bucket CORS with boto3 and raw preflight requests: rules stored as AWS's XML, preflight
answered from the first matching rule, and Access-Control-* headers on actual responses only
when a rule matches (no blanket '*')."""

import unittest

import harness

RULES = {
    "CORSRules": [
        {"ID": "web", "AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["PUT", "GET"],
         "AllowedHeaders": ["content-type", "x-amz-*"], "ExposeHeaders": ["ETag"],
         "MaxAgeSeconds": 3000},
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
    ]
}


class Cors(harness.ServerTestCase):
    def test_put_get_delete_configuration(self):
        bucket = self.new_bucket()
        self.assertClientError(lambda: self.s3.get_bucket_cors(Bucket=bucket),
                               "NoSuchCORSConfiguration", 404)
        self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=RULES)
        got = self.s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
        self.assertEqual(got[0]["ID"], "web")
        self.assertEqual(got[0]["AllowedOrigins"], ["https://*.example.com"])
        self.assertEqual(got[0]["AllowedMethods"], ["PUT", "GET"])
        self.assertEqual(got[0]["AllowedHeaders"], ["content-type", "x-amz-*"])
        self.assertEqual(got[0]["ExposeHeaders"], ["ETag"])
        self.assertEqual(got[0]["MaxAgeSeconds"], 3000)
        self.assertEqual(got[1]["AllowedOrigins"], ["*"])
        self.s3.delete_bucket_cors(Bucket=bucket)
        self.assertClientError(lambda: self.s3.get_bucket_cors(Bucket=bucket),
                               "NoSuchCORSConfiguration", 404)

    def test_invalid_method_is_refused(self):
        bucket = self.new_bucket()
        bad = {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]}
        self.assertClientError(lambda: self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=bad),
                               "InvalidRequest", 400)

    def test_preflight(self):
        bucket = self.new_bucket()
        target = f"/{bucket}/upload.png"
        # No configuration yet.
        r = self.server.raw("OPTIONS", target, {"Origin": "https://app.example.com",
                                                "Access-Control-Request-Method": "PUT"})
        self.assertEqual(r.status, 403, r)
        self.assertIn(b"CORS is not enabled for this bucket", r.body)
        self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=RULES)
        # Matching origin, method and headers: the first rule answers.
        r = self.server.raw("OPTIONS", target, {
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Content-Type, X-Amz-Meta-Owner"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "https://app.example.com")
        self.assertEqual(r.header("Access-Control-Allow-Methods"), "PUT, GET")
        self.assertEqual(r.header("Access-Control-Allow-Headers"), "content-type, x-amz-meta-owner")
        self.assertEqual(r.header("Access-Control-Expose-Headers"), "ETag")
        self.assertEqual(r.header("Access-Control-Max-Age"), "3000")
        self.assertEqual(r.header("Access-Control-Allow-Credentials"), "true")
        # A header the rule does not allow: no rule matches.
        r = self.server.raw("OPTIONS", target, {
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "x-custom"})
        self.assertEqual(r.status, 403, r)
        self.assertIn(b"This CORS request is not allowed", r.body)
        # Another origin gets only the wildcard GET rule.
        r = self.server.raw("OPTIONS", target, {"Origin": "https://evil.test",
                                                "Access-Control-Request-Method": "GET"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "*")
        self.assertIsNone(r.header("Access-Control-Allow-Credentials"))
        r = self.server.raw("OPTIONS", target, {"Origin": "https://evil.test",
                                                "Access-Control-Request-Method": "PUT"})
        self.assertEqual(r.status, 403, r)
        # Origin is required.
        r = self.server.raw("OPTIONS", target, {"Access-Control-Request-Method": "PUT"})
        self.assertEqual(r.status, 400, r)

    def test_actual_responses_carry_headers_only_when_a_rule_matches(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"data")
        get = lambda origin: self.server.signed("GET", f"/{bucket}/k", headers={"Origin": origin})
        # No configuration: no CORS headers at all.
        r = get("https://app.example.com")
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("Access-Control-Allow-Origin"))
        self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [RULES["CORSRules"][0]]})
        r = get("https://app.example.com")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"data")
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "https://app.example.com")
        self.assertEqual(r.header("Access-Control-Expose-Headers"), "ETag")
        r = get("https://other.test")
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("Access-Control-Allow-Origin"))
        # Errors carry the headers too, so a browser can read them.
        r = self.server.signed("GET", f"/{bucket}/missing", headers={"Origin": "https://a.example.com"})
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "https://a.example.com")

    def test_configuration_survives_restart_and_goes_with_the_bucket(self):
        bucket = self.new_bucket()
        self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=RULES)
        self.server.restart()
        s3 = self.server.client()
        self.assertEqual(len(s3.get_bucket_cors(Bucket=bucket)["CORSRules"]), 2)
        s3.delete_bucket(Bucket=bucket)
        s3.create_bucket(Bucket=bucket)
        self.assertClientError(lambda: s3.get_bucket_cors(Bucket=bucket), "NoSuchCORSConfiguration", 404)
        self.__class__.s3 = s3


if __name__ == "__main__":
    unittest.main(testRunner=harness.Runner)
