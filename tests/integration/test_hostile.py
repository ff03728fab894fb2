"""Hostile and careless clients: each request below once crashed the server, hung a thread,
got past authentication or was dropped without an answer. Each test sends it, checks AWS's
error (or the right answer), and then checks that an ordinary request on the same server
still works."""

import datetime
import hashlib
import hmac
import json
import os
import queue
import re
import resource
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse

import boto3

from botocore.auth import HmacV1QueryAuth, S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import harness

MiB = 1024 * 1024


def presigned_url(server, method, path, expires="3600", amz_date=None, extra_query=(),
                  signed_headers=("host",), headers=None):
    """A SigV4 presigned URL built by hand, so its parameters can be anything."""
    amz_date = amz_date or harness.amz_now()
    host = f"127.0.0.1:{server.port}"
    scope = f"{amz_date[:8]}/{harness.REGION}/s3/aws4_request"
    query = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
             ("X-Amz-Credential", f"{harness.ACCESS_KEY}/{scope}"),
             ("X-Amz-Date", amz_date), ("X-Amz-Expires", expires),
             ("X-Amz-SignedHeaders", ";".join(signed_headers))] + list(extra_query)
    values = dict(headers or {})
    values["host"] = host
    canonical_headers = "".join(f"{h}:{values[h]}\n" for h in signed_headers)
    payload = dict(extra_query).get("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
    creq = "\n".join([method, harness.encode_path(path), harness.canonical_query(query),
                      canonical_headers, ";".join(signed_headers), payload])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    key = harness.signing_key(harness.SECRET_KEY, amz_date[:8])
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    return harness.encode_path(path) + "?" + harness.canonical_query(query + [("X-Amz-Signature", sig)])


def send_raw(port, data, read_timeout=10):
    """Sends bytes as they are; returns everything the server answers until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def status_of(raw_answer):
    line = raw_answer.split(b"\r\n", 1)[0]
    parts = line.split(b" ")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


class HostileTestCase(harness.ServerTestCase):
    def assertStillServing(self):
        bucket = self.new_bucket(prefix="alive")
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"still here")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"still here")


class Listing(HostileTestCase):
    def test_max_keys_zero_lists_nothing_and_is_not_truncated(self):
        bucket = self.new_bucket()
        for key in ("a", "b/c", "d"):
            self.s3.put_object(Bucket=bucket, Key=key, Body=b"x")
        v2 = self.s3.list_objects_v2(Bucket=bucket, MaxKeys=0)
        self.assertEqual((v2["KeyCount"], v2["IsTruncated"], v2.get("Contents")), (0, False, None))
        v2 = self.s3.list_objects_v2(Bucket=bucket, MaxKeys=0, Delimiter="/")
        self.assertEqual((v2["KeyCount"], v2["IsTruncated"]), (0, False))
        v1 = self.s3.list_objects(Bucket=bucket, MaxKeys=0, Delimiter="/")
        self.assertEqual((v1["IsTruncated"], v1.get("Contents"), v1.get("CommonPrefixes")), (False, None, None))
        versions = self.s3.list_object_versions(Bucket=bucket, MaxKeys=0)
        self.assertEqual((versions["IsTruncated"], versions.get("Versions")), (False, None))
        self.assertEqual(self.s3.list_objects_v2(Bucket=bucket)["KeyCount"], 3)
        self.assertStillServing()

    def test_max_keys_out_of_range_is_refused(self):
        bucket = self.new_bucket()
        for value in ("-1", "abc", "9999999999", "2147483648", ""):
            with self.subTest(max_keys=value):
                resp = self.server.signed("GET", f"/{bucket}", [("list-type", "2"), ("max-keys", value)])
                self.assertRawError(resp, 400, "InvalidArgument")
        resp = self.server.signed("GET", f"/{bucket}", [("list-type", "2"), ("max-keys", "2147483647")])
        self.assertEqual(resp.status, 200, resp)
        self.assertIn(b"<MaxKeys>1000</MaxKeys>", resp.body)
        self.assertStillServing()

    def test_a_key_that_is_not_utf8_does_not_stall_a_delimiter_listing(self):
        bucket = self.new_bucket()
        for key in (b"a/\xff", b"a/\xff\xff/x", b"a/b", b"b", b"\xff/z", b"\xff\xff"):
            resp = self.server.signed("PUT", b"/" + bucket.encode() + b"/" + key, body=b"v")
            self.assertEqual(resp.status, 200, resp)
        for query in ([("list-type", "2")], [], [("versions", "")]):
            with self.subTest(query=query):
                resp = self.server.signed("GET", f"/{bucket}", query + [("delimiter", "/")], timeout=10)
                self.assertEqual(resp.status, 200, resp)
                # (Not parsed as XML: a key that is not UTF-8 makes the document invalid XML,
                # as it would from S3 if S3 took such keys.)
                prefixes = re.findall(rb"<CommonPrefixes><Prefix>(.*?)</Prefix></CommonPrefixes>", resp.body)
                self.assertEqual(prefixes, [b"a/", b"\xff/"], resp.body)
        # Paged one entry at a time, every group and key comes once.
        seen, token = [], None
        while True:
            kwargs = {"ContinuationToken": token} if token else {}
            page = self.s3.list_objects_v2(Bucket=bucket, Delimiter="/", MaxKeys=1, **kwargs)
            seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
            seen += [o["Key"] for o in page.get("Contents", [])]
            if not page["IsTruncated"]:
                break
            token = page["NextContinuationToken"]
        self.assertEqual(len(seen), 4, seen)
        self.assertStillServing()


class UnsignedHeaders(HostileTestCase):
    def test_presigned_put_with_an_unsigned_copy_source_is_refused(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="private", Body=b"secret bytes")
        # SigV4 (SigV2 URLs sign every x-amz-* header the request carries, so they are safe).
        url = self.server.client(signature_version="s3v4").generate_presigned_url(
            "put_object", Params={"Bucket": bucket, "Key": "drop"}, ExpiresIn=300)
        target = url[url.index("/", len("http://")):]
        resp = self.server.raw("PUT", target, {"x-amz-copy-source": f"/{bucket}/private"}, b"")
        err = self.assertRawError(resp, 403, "AccessDenied")
        self.assertEqual(err.get("Message"), "There were headers present in the request which were not signed")
        self.assertEqual(err.get("HeadersNotSigned"), "x-amz-copy-source")
        self.assertClientError(lambda: self.s3.head_object(Bucket=bucket, Key="drop"), "404")
        # The same URL without the extra header does what it was signed for.
        self.assertEqual(self.server.raw("PUT", target, {}, b"mine").status, 200)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="drop")["Body"].read(), b"mine")

    def test_header_signed_request_with_unsigned_metadata_or_tagging_is_refused(self):
        bucket = self.new_bucket()
        for extra in ({"x-amz-meta-injected": "1"}, {"x-amz-tagging": "a=b"}):
            with self.subTest(extra=extra):
                signed = harness.sigv4_sign("PUT", f"/{bucket}/k", [], {}, hashlib.sha256(b"v").hexdigest(),
                                            harness.ACCESS_KEY, harness.SECRET_KEY,
                                            host=f"127.0.0.1:{self.server.port}")
                headers = dict(signed.headers, **extra)
                resp = self.server.raw("PUT", f"/{bucket}/k", headers, b"v")
                err = self.assertRawError(resp, 403, "AccessDenied")
                self.assertEqual(err.get("HeadersNotSigned"), next(iter(extra)))
        self.assertClientError(lambda: self.s3.head_object(Bucket=bucket, Key="k"), "404")
        self.assertStillServing()

    def test_unsigned_host_is_refused(self):
        bucket = self.new_bucket()

        class NoHost(S3SigV4Auth):
            def headers_to_sign(self, request):
                headers = super().headers_to_sign(request)
                del headers["host"]
                return headers

        url = f"{self.server.endpoint}/{bucket}"
        request = AWSRequest(method="GET", url=url, headers={"x-amz-content-sha256": harness.EMPTY_SHA256})
        NoHost(Credentials(harness.ACCESS_KEY, harness.SECRET_KEY), "s3", harness.REGION).add_auth(request)
        resp = self.server.raw("GET", f"/{bucket}", dict(request.headers.items()))
        err = self.assertRawError(resp, 403, "AccessDenied")
        self.assertEqual(err.get("HeadersNotSigned"), "host")
        self.assertStillServing()

    def test_signed_headers_must_be_lower_case_sorted_and_bounded(self):
        bucket = self.new_bucket()
        good = self.server.signed("GET", f"/{bucket}")
        auth = good.status == 200 and None
        signed = harness.sigv4_sign("GET", f"/{bucket}", [], {}, harness.EMPTY_SHA256, harness.ACCESS_KEY,
                                    harness.SECRET_KEY, host=f"127.0.0.1:{self.server.port}")
        base = signed.headers["Authorization"]
        for name, signed_list in [("unsorted", "x-amz-date;host;x-amz-content-sha256"),
                                  ("upper case", "Host;x-amz-content-sha256;x-amz-date"),
                                  ("repeated", "host;host;x-amz-content-sha256;x-amz-date"),
                                  ("huge", ";".join(f"h{i:05d}" for i in range(5000)))]:
            with self.subTest(name):
                headers = dict(signed.headers)
                headers["Authorization"] = base.replace(
                    "SignedHeaders=host;x-amz-content-sha256;x-amz-date", "SignedHeaders=" + signed_list)
                resp = self.server.raw("GET", f"/{bucket}", headers, timeout=10)
                self.assertRawError(resp, 400, "AuthorizationHeaderMalformed")
        # Many signed names that are all well formed but absent: answered at once, not matched.
        headers = dict(signed.headers)
        many = ";".join(sorted(["host", "x-amz-content-sha256", "x-amz-date"] + [f"x-{i:04d}" for i in range(1000)]))
        headers["Authorization"] = base.replace("SignedHeaders=host;x-amz-content-sha256;x-amz-date",
                                                "SignedHeaders=" + many)
        self.assertRawError(self.server.raw("GET", f"/{bucket}", headers, timeout=10), 403, "SignatureDoesNotMatch")
        self.assertIsNone(auth)
        self.assertStillServing()


class PresignedLimits(HostileTestCase):
    def test_bad_expires_values(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        for expires, status, code, message in [
                ("abc", 400, "AuthorizationQueryParametersError", "X-Amz-Expires should be a number"),
                ("-1", 400, "AuthorizationQueryParametersError", "X-Amz-Expires must be non-negative"),
                ("604801", 400, "AuthorizationQueryParametersError",
                 "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
                 "must be less than 604800 seconds")]:
            with self.subTest(expires=expires):
                resp = self.server.raw("GET", presigned_url(self.server, "GET", f"/{bucket}/k", expires))
                err = self.assertRawError(resp, status, code)
                self.assertEqual(err.get("Message"), message)
        started = harness.amz_now(datetime.timedelta(seconds=-5))
        resp = self.server.raw("GET", presigned_url(self.server, "GET", f"/{bucket}/k", "0", amz_date=started))
        err = self.assertRawError(resp, 403, "AccessDenied")
        self.assertEqual(err.get("Message"), "Request has expired")
        future = harness.amz_now(datetime.timedelta(minutes=20))
        resp = self.server.raw("GET", presigned_url(self.server, "GET", f"/{bucket}/k", "60", amz_date=future))
        err = self.assertRawError(resp, 403, "AccessDenied")
        self.assertEqual(err.get("Message"), "Request is not valid yet")
        self.assertEqual(self.server.raw("GET", presigned_url(self.server, "GET", f"/{bucket}/k")).body, b"v")

    def test_header_date_in_the_future_past_the_skew(self):
        bucket = self.new_bucket()
        resp = self.server.signed("GET", f"/{bucket}", amz_date=harness.amz_now(datetime.timedelta(minutes=16)))
        self.assertRawError(resp, 403, "RequestTimeTooSkewed")
        self.assertStillServing()

    def test_a_signed_payload_hash_in_the_url_binds_the_body(self):
        bucket = self.new_bucket()
        digest = hashlib.sha256(b"agreed").hexdigest()
        target = presigned_url(self.server, "PUT", f"/{bucket}/k",
                               extra_query=[("X-Amz-Content-Sha256", digest)])
        self.assertRawError(self.server.raw("PUT", target, {}, b"something else"), 400,
                            "XAmzContentSHA256Mismatch")
        self.assertClientError(lambda: self.s3.head_object(Bucket=bucket, Key="k"), "404")
        self.assertEqual(self.server.raw("PUT", target, {}, b"agreed").status, 200)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"agreed")

    def test_sigv2_expires_more_than_a_year_ahead_is_refused(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        creds = Credentials(harness.ACCESS_KEY, harness.SECRET_KEY)
        for seconds, status in [(2 * 365 * 86400, 403), (3600, 200)]:
            request = AWSRequest(method="GET", url=f"{self.server.endpoint}/{bucket}/k")
            HmacV1QueryAuth(creds, expires=seconds).add_auth(request)
            target = request.url[len(self.server.endpoint):]
            resp = self.server.raw("GET", target)
            self.assertEqual(resp.status, status, resp)
            if status == 403:
                self.assertRawError(resp, 403, "AccessDenied")


class RequestLimits(HostileTestCase):
    def test_delete_objects_with_1001_keys(self):
        bucket = self.new_bucket()
        objects = [{"Key": f"k{i}"} for i in range(1001)]
        self.assertClientError(lambda: self.s3.delete_objects(Bucket=bucket, Delete={"Objects": objects}),
                               "MalformedXML", 400)
        self.assertStillServing()

    def test_complete_multipart_body_over_the_limit(self):
        bucket = self.new_bucket()
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
        body = b"<CompleteMultipartUpload>" + b"<Part><PartNumber>1</PartNumber><ETag>x</ETag></Part>" * 100000
        resp = self.server.signed("POST", f"/{bucket}/big", [("uploadId", upload)], body=body)
        self.assertRawError(resp, 400, "MaxMessageLengthExceeded")
        self.assertStillServing()

    def test_part_numbers_out_of_range(self):
        bucket = self.new_bucket()
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
        for number in ("0", "10001", "abc", "-1", "99999999999999999999"):
            with self.subTest(part=number):
                resp = self.server.signed("PUT", f"/{bucket}/k", [("partNumber", number), ("uploadId", upload)],
                                          body=b"x")
                err = self.assertRawError(resp, 400, "InvalidArgument")
                self.assertEqual(err.get("ArgumentName"), "partNumber")
        self.s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=10000, Body=b"x")
        self.assertStillServing()

    def test_objects_and_parts_over_5_gib_are_refused_before_the_body(self):
        bucket = self.new_bucket()
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
        size = 5 * 1024 ** 3 + 1
        for query in ([], [("partNumber", "1"), ("uploadId", upload)]):
            with self.subTest(query=query):
                signed = harness.sigv4_sign("PUT", f"/{bucket}/big", query, {"Content-Length": str(size)},
                                            "UNSIGNED-PAYLOAD", harness.ACCESS_KEY, harness.SECRET_KEY,
                                            host=f"127.0.0.1:{self.server.port}")
                target = f"/{bucket}/big" + ("?" + harness.canonical_query(query) if query else "")
                head = f"PUT {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in signed.headers.items())
                answer = send_raw(self.server.port, (head + "\r\n").encode() + b"only the start")
                self.assertEqual(status_of(answer), 400, answer[:500])
                self.assertIn(b"<Code>EntityTooLarge</Code>", answer)
                self.assertIn(b"<MaxSizeAllowed>5368709120</MaxSizeAllowed>", answer)
        self.assertStillServing()


class BrokenHttp(HostileTestCase):
    def assertAnswered400(self, data, code=b"BadRequest"):
        answer = send_raw(self.server.port, data)
        self.assertEqual(status_of(answer), 400, answer[:300])
        self.assertIn(b"<Code>" + code + b"</Code>", answer)

    def test_garbage_request_lines(self):
        for data in (b"HELLO\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x16\x03\x01\x02\x00\r\n\r\n",
                     b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"):
            with self.subTest(data=data):
                self.assertAnswered400(data)
        self.assertStillServing()

    def test_bad_content_lengths(self):
        bucket = self.new_bucket()
        for value in ("-1", "1" * 30, "abc", "1, 2"):
            with self.subTest(content_length=value):
                self.assertAnswered400(f"PUT /{bucket}/k HTTP/1.1\r\nHost: x\r\nContent-Length: {value}\r\n\r\n".encode())
        self.assertStillServing()

    def test_a_header_block_over_the_limit(self):
        data = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (200 * 1024) + b"\r\n\r\n"
        self.assertAnswered400(data, b"RequestHeaderSectionTooLarge")
        self.assertStillServing()

    def test_internal_paths_that_are_not_utf8(self):
        for target in ("/_bucketfire/%FF", "/_bucketfire/invocations?function=%FF", "/_bucketfire/logs/%FF%FE"):
            with self.subTest(target=target):
                resp = self.server.raw("GET", target)
                self.assertIn(resp.status, (200, 400, 404), resp)
                self.assertEqual(resp.header("content-type"), "application/json")
        self.assertStillServing()

    def test_trickled_headers_do_not_hold_up_others(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        head = f"GET /{bucket}/k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as slow:
            for i, byte in enumerate(head[:-2]):
                slow.send(bytes([byte]))
                if i % 10 == 0:
                    # Another client is served while this one is still sending its head.
                    self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v")
                time.sleep(0.005)
            slow.send(head[-2:])
            answer = slow.recv(65536)
        # An unsigned GET: refused, but answered.
        self.assertEqual(status_of(answer), 403, answer[:300])

    def test_a_slow_reader_of_a_large_object(self):
        bucket = self.new_bucket()
        data = os.urandom(24 * MiB)
        self.s3.put_object(Bucket=bucket, Key="big", Body=data)
        target = presigned_url(self.server, "GET", f"/{bucket}/big")
        with socket.socket() as slow:
            slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            slow.connect(("127.0.0.1", self.server.port))
            slow.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n\r\n".encode())
            first = slow.recv(1024)
            self.assertEqual(status_of(first), 200, first[:300])
            # While the reader does not read, everyone else is served.
            for i in range(20):
                self.s3.put_object(Bucket=bucket, Key=f"other{i}", Body=b"x")
                self.assertEqual(self.s3.get_object(Bucket=bucket, Key=f"other{i}")["Body"].read(), b"x")
            received = bytearray(first)
            slow.settimeout(30)
            while len(received) < len(data):
                chunk = slow.recv(1 << 20)
                if not chunk:
                    break
                received += chunk
        body = bytes(received[received.index(b"\r\n\r\n") + 4:])
        self.assertEqual(hashlib.sha256(body).hexdigest(), hashlib.sha256(data).hexdigest())

    def test_two_thousand_idle_connections(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < 2200:
            print(f"SKIPPED: this process may open only {hard} files")
            self.skipTest("file limit too low")
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2200), hard))
        idle = []
        try:
            for _ in range(2000):
                idle.append(socket.create_connection(("127.0.0.1", self.server.port), timeout=10))
            # Each has been accepted and holds a session: a request on one of them is answered,
            # and so are new clients.
            idle[-1].sendall(b"GET /_bucketfire/health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(status_of(idle[-1].recv(4096)), 200)
            self.assertStillServing()
            health = self.server.internal("health")
            self.assertEqual(health["status"], "running")
        finally:
            for s in idle:
                s.close()
        self.assertStillServing()


class LambdaApiHostile(HostileTestCase):
    def test_an_unknown_key_is_refused_before_the_body_is_read(self):
        signed = harness.sigv4_sign("POST", "/2015-03-31/functions/f/invocations", [], {"Content-Length": str(60 * MiB)},
                                    "UNSIGNED-PAYLOAD", "nobody", "wrong", host=f"127.0.0.1:{self.server.port}")
        headers = {k: v for k, v in signed.headers.items() if k.lower() != "x-amz-content-sha256"}
        headers["Authorization"] = headers["Authorization"].replace("/s3/aws4_request", "/lambda/aws4_request")
        head = "POST /2015-03-31/functions/f/invocations HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        answer = send_raw(self.server.port, head.encode() + b"{")
        self.assertEqual(status_of(answer), 403, answer[:500])
        self.assertIn(b"UnrecognizedClientException", answer)
        self.assertStillServing()


class WaitingCalls(harness.ServerTestCase):
    """Synchronous invocations each hold a thread while their function runs: past 256 at once
    the server answers Lambda's throttling error at once, and S3 keeps being served."""

    CALLS = 300  # 44 more than the server lets wait

    def setUp(self):
        super().setUp()
        config = os.path.join(tempfile.mkdtemp(prefix="bf-holding-"), "holding.json")
        self.addCleanup(shutil.rmtree, os.path.dirname(config))
        with open(config, "w") as f:
            json.dump({"functions": [{"name": "holder", "handler": "sleep", "timeout": 120,
                                      "environment": {"SLEEP_MS": "60000"}}]}, f)
        # A server of its own, killed at the end: its 256 handlers are asleep for a minute.
        self.proc = spawn("--config", config, bind="127.0.0.1")
        self.port = ready_port(self.proc)
        self.addCleanup(self.proc.communicate)
        self.addCleanup(self.proc.kill)

    def invoke_request(self):
        request = AWSRequest(method="POST", url=f"http://127.0.0.1:{self.port}/2015-03-31/functions/holder/invocations",
                             data=b"{}", headers={"Content-Type": "application/json"})
        SigV4Auth(Credentials("test", "test"), "lambda", "us-east-1").add_auth(request)
        prepared = request.prepare()
        path = urllib.parse.urlsplit(prepared.url).path
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in prepared.headers.items() if k.lower() != "host")
        return (head + "Content-Length: 2\r\n\r\n{}").encode()

    def test_calls_past_the_bound_are_throttled_and_s3_keeps_serving(self):
        request = self.invoke_request()
        sockets = []
        try:
            for _ in range(self.CALLS):
                s = socket.create_connection(("127.0.0.1", self.port), timeout=30)
                s.sendall(request)
                sockets.append(s)
            # The throttled ones are answered at once; the others sleep. Wait (bounded) until
            # as many 429s as calls over the bound have arrived.
            answers, pending = {}, list(sockets)
            deadline = time.monotonic() + 60
            while len(answers) < self.CALLS - 256 and time.monotonic() < deadline:
                readable, _, _ = select.select(pending, [], [], 1)
                for s in readable:
                    answers[s] = s.recv(65536)
                    pending.remove(s)
            self.assertEqual(len(answers), self.CALLS - 256)
            for answer in answers.values():
                self.assertEqual(status_of(answer), 429, answer[:300])
                self.assertIn(b"TooManyRequestsException", answer)
                self.assertIn(b"ConcurrentInvocationLimitExceeded", answer)
            # With 256 handlers asleep, S3 on the same server still answers.
            s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test",
                              config=Config(retries={"max_attempts": 0}))
            s3.create_bucket(Bucket="alive")
            s3.put_object(Bucket="alive", Key="k", Body=b"still here")
            self.assertEqual(s3.get_object(Bucket="alive", Key="k")["Body"].read(), b"still here")
        finally:
            for s in sockets:
                s.close()


def spawn(*args, bind="0.0.0.0", prefix=()):
    """A server of its own (not the harness's: other bind addresses and limits)."""
    return subprocess.Popen([*prefix, harness.binary_path(), "serve", "--port", "0", "--data-dir", ":memory:",
                             "--bind", bind, "--no-access-log", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def ready_port(proc):
    line = proc.stdout.readline()
    found = re.search(r"listening on http://\S+:(\d+)", line)
    if not found:
        proc.kill()
        raise AssertionError(f"no ready line: {line!r} {proc.stderr.read()[-2000:]!r}")
    return int(found.group(1))


def stop(proc):
    proc.terminate()
    try:
        proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


class PublicBind(harness.ServerTestCase):
    """--bind beyond loopback: never with the published keys, and /_bucketfire/ signed."""

    def serve(self, *args):
        return spawn(*args)

    def test_the_published_keys_are_refused_beyond_loopback(self):
        proc = self.serve()
        out, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 2, out + err)
        self.assertIn("test/test", err)
        self.assertIn("--access-key", err)
        self.assertNotIn("listening", out)

    def test_internal_endpoints_take_the_servers_credentials(self):
        secret = os.urandom(16).hex()
        proc = self.serve("--access-key", "operator", "--secret-key", secret)
        try:
            port = ready_port(proc)
            anonymous = harness.raw_request(port, "GET", "/_bucketfire/health")
            self.assertEqual(anonymous.status, 403, anonymous)
            self.assertIn(b"sign requests to /_bucketfire/", anonymous.body)
            # Signed for any region, as every request here may be.
            for user, region, status in [(f"operator:{secret}", harness.REGION, 200),
                                         (f"operator:{secret}", "eu-west-1", 200), ("test:test", harness.REGION, 403)]:
                with self.subTest(user=user.split(":")[0], region=region):
                    signed = subprocess.run(
                        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--aws-sigv4",
                         f"aws:amz:{region}:s3", "--user", user,
                         "-H", f"x-amz-content-sha256: {harness.EMPTY_SHA256}",
                         f"http://127.0.0.1:{port}/_bucketfire/health"],
                        capture_output=True, text=True, timeout=20)
                    self.assertEqual(signed.stdout, str(status), signed.stderr)
            s3 = boto3.session.Session().client(
                "s3", endpoint_url=f"http://127.0.0.1:{port}", region_name=harness.REGION,
                aws_access_key_id="operator", aws_secret_access_key=secret)
            s3.create_bucket(Bucket="exposed")
            self.assertEqual([b["Name"] for b in s3.list_buckets()["Buckets"]], ["exposed"])
        finally:
            stop(proc)

    def test_ipv4_clients_of_a_dual_stack_listener_meet_ip_rules(self):
        pipeline = harness.write_pipeline({
            "functions": [{"name": "echo", "handler": "echo"}],
            "routes": [{"route": "GET /denied", "function": "echo", "limits": {"deny_ips": ["127.0.0.0/8"]}},
                       {"route": "GET /open", "function": "echo"}]})
        proc = spawn("--config", pipeline, "--access-key", "operator", "--secret-key", os.urandom(16).hex(),
                     bind="::")
        try:
            port = ready_port(proc)
            # The client is 127.0.0.1, arriving on the :: listener as ::ffff:127.0.0.1.
            self.assertEqual(harness.raw_request(port, "GET", "/_api/denied").status, 403)
            self.assertEqual(harness.raw_request(port, "GET", "/_api/open").status, 200)
        finally:
            stop(proc)


class StalledReader(harness.ServerTestCase):
    def test_a_reader_that_stops_reading_is_cut_off_after_the_send_timeout(self):
        proc = subprocess.Popen([harness.binary_path(), "serve", "--port", "0", "--data-dir", ":memory:",
                                 "--bind", "127.0.0.1", "--send-timeout", "2"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            port = ready_port(proc)
            s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
            s3.create_bucket(Bucket="stall")
            s3.put_object(Bucket="stall", Key="big", Body=os.urandom(24 * MiB))
            url = urllib.parse.urlsplit(s3.generate_presigned_url(
                "get_object", Params={"Bucket": "stall", "Key": "big"}))
            with socket.socket() as stalled:
                stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                stalled.connect(("127.0.0.1", port))
                stalled.sendall(f"GET {url.path}?{url.query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
                self.assertEqual(status_of(stalled.recv(1024)), 200)
                # The session's access-log line appears when the server gives up on the reader:
                # marked cut-off, with only part of the object sent.
                ended = queue.Queue()
                threading.Thread(target=lambda: [ended.put(line) for line in proc.stdout
                                                 if '"GET /stall/big' in line], daemon=True).start()
                try:
                    line = ended.get(timeout=30)
                except queue.Empty:
                    self.fail("the stalled GET was not cut off within 30 s")
                self.assertTrue(line.rstrip().endswith(" cut-off"), line)
                sent = int(re.search(r" out=(\d+)", line).group(1))
                self.assertLess(sent, 24 * MiB, line)
                # The client, reading again, gets what was in flight and then the end of the
                # connection: fewer bytes than the object.
                stalled.settimeout(10)
                received = 0
                while chunk := stalled.recv(1 << 20):
                    received += len(chunk)
                self.assertLess(received, 24 * MiB)
            s3.head_object(Bucket="stall", Key="big")  # and the server goes on serving
        finally:
            stop(proc)


class OutOfDescriptors(harness.ServerTestCase):
    def test_the_server_recovers_when_descriptors_run_out(self):
        # Few descriptors for the server, then more connections than it can take.
        proc = spawn(bind="127.0.0.1", prefix=("prlimit", "--nofile=96:96"))
        held = []
        try:
            port = ready_port(proc)
            # What the server says while short of descriptors is kept (and shown if it fails);
            # an unread pipe that filled up would block it.
            said = []
            threading.Thread(target=lambda: said.extend(proc.stderr), daemon=True).start()
            # Serving first: its threads are all started before descriptors run out (a thread
            # starting while none are left trips the sanitizers' own checks, which need one).
            harness.wait_for(lambda: _health(port), "the server to answer", timeout=30)
            for _ in range(150):
                held.append(socket.create_connection(("127.0.0.1", port), timeout=10))
            # Out of descriptors (or at its connection cap) the server waits, it does not spin:
            # over a second it uses well under half a core (a retrying accept loop uses all of one).
            busy = _cpu_seconds(proc.pid)
            time.sleep(1.0)
            self.assertLess(_cpu_seconds(proc.pid) - busy, 0.5)
            for s in held:
                s.close()
            held = []
            # Once connections close, the queued ones are accepted and new ones are served.
            try:
                answer = harness.wait_for(lambda: _health(port), "the server to answer again", timeout=30)
            except AssertionError as e:
                raise AssertionError(f"{e}; the server said: {''.join(said[-20:])!r}") from None
            self.assertEqual(answer.status, 200)
            self.assertIsNone(proc.poll())
        finally:
            for s in held:
                s.close()
            stop(proc)


def _cpu_seconds(pid):
    """User plus system CPU time a process has used, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _health(port):
    try:
        resp = harness.raw_request(port, "GET", "/_bucketfire/health", timeout=5)
        return resp if resp.status == 200 else None
    except Exception:
        return None


if __name__ == "__main__":
    harness.main()
