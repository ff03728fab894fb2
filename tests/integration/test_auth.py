"""Authentication: presigned URLs (SigV4 and SigV2), header SigV4/SigV2, clock skew,
aws-chunked signed payloads (with and without a signed trailer), payload hash checks and
extra principals from --credentials."""

import datetime
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import botocore
from botocore.auth import HmacV1Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import harness
from harness import crc32_b64, etag_of

KiB = 1024


def curl(args, timeout=30):
    """Runs curl; returns (status, body bytes, lower-cased headers)."""
    tmp = tempfile.mkdtemp(prefix="bf-curl-")
    try:
        body_path, head_path = os.path.join(tmp, "body"), os.path.join(tmp, "head")
        cmd = ["curl", "-sS", "--globoff", "--path-as-is", "--max-time", str(timeout),
               "-H", "Expect:", "-o", body_path, "-D", head_path, "-w", "%{http_code}"] + args
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 10)
        if proc.returncode != 0:
            raise AssertionError(f"curl failed ({proc.returncode}): {cmd}\n{proc.stderr}")
        body = open(body_path, "rb").read() if os.path.exists(body_path) else b""
        headers = {}
        if os.path.exists(head_path):
            for line in open(head_path, encoding="latin-1").read().splitlines():
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
        return int(proc.stdout.strip()), body, headers
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def tamper_query_param(url, name):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    out = []
    for k, v in query:
        if k == name:
            v = v[:-2] + ("AA" if v[-2:] != "AA" else "BB")
        out.append((k, v))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(out)))


class SignerSelfTest(unittest.TestCase):
    """The hand-written signer used below reproduces the AWS documentation examples, so a
    signature failure in the other tests is the server's."""

    AK, SK = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    def test_header_signature_vector(self):
        s = harness.sigv4_sign("GET", "/test.txt", [], {"Range": "bytes=0-9"},
                               harness.EMPTY_SHA256, self.AK, self.SK,
                               host="examplebucket.s3.amazonaws.com", amz_date="20130524T000000Z")
        self.assertEqual(s.signature,
                         "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")

    def test_chunk_signature_vectors(self):
        headers = {"Content-Encoding": "aws-chunked", "Content-Length": "66824",
                   "x-amz-decoded-content-length": "66560",
                   "x-amz-storage-class": "REDUCED_REDUNDANCY"}
        s = harness.sigv4_sign("PUT", "/examplebucket/chunkObject.txt", [], headers,
                               "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", self.AK, self.SK,
                               host="s3.amazonaws.com", amz_date="20130524T000000Z")
        self.assertEqual(s.signature,
                         "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
        body = harness.aws_chunked_signed(b"a" * 66560, 65536, s)
        self.assertEqual(len(body), 66824)
        self.assertIn(b"chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                      body)
        self.assertIn(b"chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                      body)
        self.assertTrue(body.endswith(
            b"0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
            b"\r\n\r\n"))


class Presigned(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = harness.unique("presign")
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.data = os.urandom(50 * KiB)
        cls.s3.put_object(Bucket=cls.bucket, Key="dir/obj.bin", Body=cls.data)
        cls.v4 = cls.server.client(signature_version="s3v4")
        cls.v2 = cls.server.client(signature_version="s3")

    def url(self, client, method="get_object", key="dir/obj.bin", expires=300):
        return client.generate_presigned_url(method, Params={"Bucket": self.bucket, "Key": key},
                                              ExpiresIn=expires)

    def test_default_presigned_url_works(self):
        url = self.url(self.s3)
        form = "v4" if "X-Amz-Signature=" in url else "v2"
        self.assertTrue("X-Amz-Signature=" in url or "AWSAccessKeyId=" in url, url)
        status, body, _ = curl([url])
        self.assertEqual(status, 200, f"{form} default presign {url}: {body[:500]!r}")
        self.assertEqual(body, self.data)

    def test_presigned_v4_get_and_put(self):
        url = self.url(self.v4)
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        self.assertEqual(q["X-Amz-Algorithm"], "AWS4-HMAC-SHA256")
        self.assertEqual(q["X-Amz-SignedHeaders"], "host")
        status, body, headers = curl([url])
        self.assertEqual(status, 200, body[:500])
        self.assertEqual(body, self.data)
        self.assertEqual(headers.get("etag"), etag_of(self.data))

        up = os.urandom(20 * KiB)
        with tempfile.NamedTemporaryFile() as f:
            f.write(up)
            f.flush()
            put_url = self.url(self.v4, "put_object", "v4/uploaded.bin")
            status, body, headers = curl(["-T", f.name, put_url])
        self.assertEqual(status, 200, body[:500])
        self.assertEqual(headers.get("etag"), etag_of(up))
        got = self.s3.get_object(Bucket=self.bucket, Key="v4/uploaded.bin")["Body"].read()
        self.assertEqual(got, up)

    def test_presigned_v2_get_and_put(self):
        url = self.url(self.v2)
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        self.assertEqual(sorted(q), ["AWSAccessKeyId", "Expires", "Signature"])
        status, body, _ = curl([url])
        self.assertEqual(status, 200, body[:500])
        self.assertEqual(body, self.data)

        up = os.urandom(10 * KiB)
        with tempfile.NamedTemporaryFile() as f:
            f.write(up)
            f.flush()
            put_url = self.url(self.v2, "put_object", "v2/uploaded.bin")
            status, body, headers = curl(["-T", f.name, "-H", "Content-Type:", put_url])
        self.assertEqual(status, 200, body[:500])
        got = self.s3.get_object(Bucket=self.bucket, Key="v2/uploaded.bin")["Body"].read()
        self.assertEqual(got, up)

    def test_presigned_range_get(self):
        status, body, headers = curl(["-H", "Range: bytes=100-199", self.url(self.v4)])
        self.assertEqual(status, 206)
        self.assertEqual(body, self.data[100:200])
        self.assertEqual(headers.get("content-range"), f"bytes 100-199/{len(self.data)}")

    def test_expired_presigned_urls(self):
        urls = {"v4": self.url(self.v4, expires=1), "v2": self.url(self.v2, expires=1)}
        time.sleep(2.5)
        for form, url in urls.items():
            with self.subTest(form=form):
                status, body, _ = curl([url])
                err = harness.parse_error(body)
                self.assertEqual((status, err.get("Code")), (403, "AccessDenied"), body[:800])
                self.assertIn(b"Request has expired", body)

    def test_expires_longer_than_a_week_is_rejected(self):
        url = self.url(self.v4, expires=604801)
        status, body, _ = curl([url])
        err = harness.parse_error(body)
        self.assertEqual((status, err.get("Code")), (400, "AuthorizationQueryParametersError"),
                         body[:800])

    def test_tampered_v4_signature(self):
        url = tamper_query_param(self.url(self.v4), "X-Amz-Signature")
        status, body, _ = curl([url])
        err = harness.parse_error(body)
        self.assertEqual((status, err.get("Code")), (403, "SignatureDoesNotMatch"), body[:800])
        self.assertIn(b"<StringToSign>", body)
        self.assertIn(b"<CanonicalRequest>", body)
        self.assertIn("AWS4-HMAC-SHA256", err.get("StringToSign", ""))
        self.assertTrue(err.get("CanonicalRequest", "").startswith("GET\n"), err)

    def test_v4_url_used_for_another_key(self):
        url = self.url(self.v4)
        other = url.replace("/dir/obj.bin?", "/dir/obj.bin2?")
        self.assertNotEqual(url, other)
        status, body, _ = curl([other])
        self.assertEqual((status, harness.parse_error(body).get("Code")),
                         (403, "SignatureDoesNotMatch"), body[:800])

    def test_tampered_v2_signature(self):
        url = tamper_query_param(self.url(self.v2), "Signature")
        status, body, _ = curl([url])
        err = harness.parse_error(body)
        self.assertEqual((status, err.get("Code")), (403, "SignatureDoesNotMatch"), body[:800])
        self.assertIn(b"<StringToSign>", body)


class HeaderAuth(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = harness.unique("auth")
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.data = b"authenticated object"
        cls.s3.put_object(Bucket=cls.bucket, Key="obj", Body=cls.data)

    def test_wrong_secret(self):
        bad = self.server.client(secret_key="not-the-secret")
        self.assertClientError(lambda: bad.get_object(Bucket=self.bucket, Key="obj"),
                               "SignatureDoesNotMatch", 403)
        self.assertClientError(lambda: bad.put_object(Bucket=self.bucket, Key="x", Body=b"x"),
                               "SignatureDoesNotMatch", 403)
        self.assertClientError(lambda: self.s3.head_object(Bucket=self.bucket, Key="x"), "404", 404)

    def test_wrong_secret_error_body(self):
        r = self.server.signed("GET", f"/{self.bucket}/obj", secret_key="wrong")
        err = self.assertRawError(r, 403, "SignatureDoesNotMatch")
        self.assertEqual(err.get("AWSAccessKeyId"), "test")
        self.assertTrue(err.get("StringToSign", "").startswith("AWS4-HMAC-SHA256\n"), err)
        self.assertTrue(err.get("CanonicalRequest", "").startswith("GET\n"), err)
        self.assertTrue(err.get("SignatureProvided"), err)

    def test_unknown_access_key(self):
        stranger = self.server.client(access_key="AKIANOTKNOWN00000000", secret_key="x")
        self.assertClientError(lambda: stranger.get_object(Bucket=self.bucket, Key="obj"),
                               "InvalidAccessKeyId", 403)
        self.assertClientError(lambda: stranger.list_buckets(), "InvalidAccessKeyId", 403)

    def test_anonymous_requests_are_denied(self):
        base = self.server.endpoint
        status, body, _ = curl([f"{base}/{self.bucket}/obj"])
        self.assertEqual((status, harness.parse_error(body).get("Code")), (403, "AccessDenied"),
                         body[:500])
        status, body, _ = curl([f"{base}/"])
        self.assertEqual((status, harness.parse_error(body).get("Code")), (403, "AccessDenied"),
                         body[:500])
        status, body, _ = curl(["-X", "PUT", "--data-binary", "anon", f"{base}/{self.bucket}/anon"])
        self.assertEqual((status, harness.parse_error(body).get("Code")), (403, "AccessDenied"),
                         body[:500])
        self.assertClientError(lambda: self.s3.head_object(Bucket=self.bucket, Key="anon"),
                               "404", 404)
        unsigned = self.server.client(signature_version=botocore.UNSIGNED)
        self.assertClientError(lambda: unsigned.get_object(Bucket=self.bucket, Key="obj"),
                               "AccessDenied", 403)

    def test_clock_skew(self):
        for minutes in (-20, 20):
            with self.subTest(skew_minutes=minutes):
                date = harness.amz_now(datetime.timedelta(minutes=minutes))
                r = self.server.signed("GET", f"/{self.bucket}/obj", amz_date=date)
                self.assertRawError(r, 403, "RequestTimeTooSkewed")
        # Within the 15 minute window the request is fine.
        r = self.server.signed("GET", f"/{self.bucket}/obj",
                               amz_date=harness.amz_now(datetime.timedelta(minutes=-10)))
        self.assertEqual((r.status, r.body), (200, self.data), repr(r))

    def test_payload_hash_mismatch(self):
        body = b"the real body"
        r = self.server.signed("PUT", f"/{self.bucket}/mismatch", body=body,
                               payload_hash=hashlib.sha256(b"another body").hexdigest())
        self.assertRawError(r, 400, "XAmzContentSHA256Mismatch")
        self.assertClientError(lambda: self.s3.head_object(Bucket=self.bucket, Key="mismatch"),
                               "404", 404)
        # The same request with the right hash is accepted.
        r = self.server.signed("PUT", f"/{self.bucket}/mismatch", body=body)
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="mismatch")["Body"].read(),
                         body)

    def test_unsigned_payload_header_auth(self):
        body = b"unsigned payload body"
        r = self.server.signed("PUT", f"/{self.bucket}/unsigned", body=body,
                               payload_hash="UNSIGNED-PAYLOAD")
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="unsigned")["Body"].read(),
                         body)

    def _v2(self, method, key, body=b"", headers=None, secret="test"):
        url = f"{self.server.endpoint}/{self.bucket}/{key}"
        req = AWSRequest(method=method, url=url, data=body, headers=headers or {})
        HmacV1Auth(Credentials("test", secret)).add_auth(req)
        hdrs = {k: v for k, v in req.headers.items()}
        return self.server.raw(method, f"/{self.bucket}/{urllib.parse.quote(key)}", hdrs, body)

    def test_sigv2_authorization_header(self):
        r = self._v2("GET", "obj")
        self.assertEqual((r.status, r.body), (200, self.data), repr(r))
        body = b"written with a V2 signature"
        r = self._v2("PUT", "v2/put.txt", body, {"Content-Type": "text/plain"})
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(r.header("etag"), etag_of(body))
        got = self.s3.get_object(Bucket=self.bucket, Key="v2/put.txt")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ContentType"], "text/plain")

        bad = self._v2("GET", "obj", secret="wrong")
        err = self.assertRawError(bad, 403, "SignatureDoesNotMatch")
        self.assertIn("StringToSign", err)

    def test_sigv2_client(self):
        v2 = self.server.client(signature_version="s3")
        v2.put_object(Bucket=self.bucket, Key="v2client", Body=b"v2 client", Metadata={"a": "b"})
        got = v2.get_object(Bucket=self.bucket, Key="v2client")
        self.assertEqual(got["Body"].read(), b"v2 client")
        self.assertEqual(got["Metadata"], {"a": "b"})
        keys = [o["Key"] for o in v2.list_objects(Bucket=self.bucket, Prefix="v2client")["Contents"]]
        self.assertEqual(keys, ["v2client"])


class ChunkedUploads(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = harness.unique("chunked")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def put_chunked(self, key, data, chunk=64 * KiB, trailer=False, trailer_value=None,
                    tamper_chunk=None, bad_trailer_signature=False, extra_headers=None):
        mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")
        trailer_pair = None
        if trailer:
            trailer_pair = ("x-amz-checksum-crc32",
                            trailer_value if trailer_value is not None else crc32_b64(data))
        framed_len = len(harness.aws_chunked_signed(data, chunk, None, trailer=trailer_pair))
        headers = {"Content-Encoding": "aws-chunked", "Content-Length": str(framed_len),
                   "x-amz-decoded-content-length": str(len(data))}
        if trailer:
            headers["x-amz-trailer"] = "x-amz-checksum-crc32"
        headers.update(extra_headers or {})
        path = f"/{self.bucket}/{key}"
        host = f"127.0.0.1:{self.server.port}"
        signed = harness.sigv4_sign("PUT", path, [], headers, mode, "test", "test", host=host)
        body = harness.aws_chunked_signed(data, chunk, signed, trailer=trailer_pair,
                                          tamper_chunk=tamper_chunk,
                                          bad_trailer_signature=bad_trailer_signature)
        self.assertEqual(len(body), framed_len)
        return self.server.raw("PUT", harness.encode_path(path), signed.headers, body)

    def assertMissing(self, key):
        self.assertClientError(lambda: self.s3.head_object(Bucket=self.bucket, Key=key), "404", 404)

    def test_signed_chunks_200k(self):
        data = os.urandom(200 * KiB)
        r = self.put_chunked("signed-200k", data,
                             extra_headers={"Content-Type": "application/x-chunked-test"})
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(r.header("etag"), etag_of(data))
        got = self.s3.get_object(Bucket=self.bucket, Key="signed-200k")
        body = got["Body"].read()
        self.assertEqual(len(body), len(data), "object must hold the decoded bytes")
        self.assertTrue(body == data, "decoded bytes differ")
        self.assertEqual(got["ContentType"], "application/x-chunked-test")
        self.assertFalse(got.get("ContentEncoding"), "aws-chunked must not be stored")

    def test_tampered_chunk(self):
        data = os.urandom(200 * KiB)
        r = self.put_chunked("tampered", data, tamper_chunk=1)
        self.assertRawError(r, 403, "SignatureDoesNotMatch")
        self.assertMissing("tampered")

    def test_signed_trailer_crc32(self):
        data = os.urandom(150 * KiB + 7)
        r = self.put_chunked("trailer", data, trailer=True)
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(r.header("etag"), etag_of(data))
        got = self.s3.get_object(Bucket=self.bucket, Key="trailer", ChecksumMode="ENABLED")
        self.assertTrue(got["Body"].read() == data, "decoded bytes differ")
        self.assertEqual(got.get("ChecksumCRC32"), crc32_b64(data))

    def test_signed_trailer_wrong_crc32(self):
        data = os.urandom(100 * KiB)
        r = self.put_chunked("trailer-bad-crc", data, trailer=True,
                             trailer_value=crc32_b64(b"different"))
        self.assertRawError(r, 400, "BadDigest")
        self.assertMissing("trailer-bad-crc")

    def test_signed_trailer_bad_signature(self):
        data = os.urandom(100 * KiB)
        r = self.put_chunked("trailer-bad-sig", data, trailer=True, bad_trailer_signature=True)
        self.assertRawError(r, 403, "SignatureDoesNotMatch")
        self.assertMissing("trailer-bad-sig")


CREDENTIALS_INI = """\
[alice]
aws_access_key_id = AKIAALICE00000000001
aws_secret_access_key = alice/Secret+Key0000000000000000000000

[bob]
aws_access_key_id = AKIABOB000000000002
aws_secret_access_key = bobsecret
"""


class ExtraPrincipals(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.cred_dir = tempfile.mkdtemp(prefix="bf-creds-")
        cls.addClassCleanup(shutil.rmtree, cls.cred_dir, True)
        path = os.path.join(cls.cred_dir, "credentials")
        with open(path, "w") as f:
            f.write(CREDENTIALS_INI)
        cls.server_args = ("--credentials", path)
        super().setUpClass()

    def test_second_principals_can_read_and_write(self):
        alice = self.server.client(access_key="AKIAALICE00000000001",
                                   secret_key="alice/Secret+Key0000000000000000000000")
        bob = self.server.client(access_key="AKIABOB000000000002", secret_key="bobsecret")
        bucket = harness.unique("shared")
        alice.create_bucket(Bucket=bucket)
        alice.put_object(Bucket=bucket, Key="from-alice", Body=b"hello from alice")
        self.assertEqual(bob.get_object(Bucket=bucket, Key="from-alice")["Body"].read(),
                         b"hello from alice")
        bob.put_object(Bucket=bucket, Key="from-bob", Body=b"hi alice")
        self.assertEqual(alice.get_object(Bucket=bucket, Key="from-bob")["Body"].read(),
                         b"hi alice")
        # The default principal still works alongside the file's.
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket)["Contents"]]
        self.assertEqual(keys, ["from-alice", "from-bob"])
        url = bob.generate_presigned_url("get_object", Params={"Bucket": bucket,
                                                               "Key": "from-alice"})
        status, body, _ = curl([url])
        self.assertEqual((status, body), (200, b"hello from alice"))
        # Their secrets are checked.
        wrong = self.server.client(access_key="AKIAALICE00000000001", secret_key="bobsecret")
        self.assertClientError(lambda: wrong.get_object(Bucket=bucket, Key="from-alice"),
                               "SignatureDoesNotMatch", 403)


if __name__ == "__main__":
    unittest.main(testRunner=harness.Runner)
