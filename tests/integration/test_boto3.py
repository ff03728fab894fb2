"""boto3 (botocore 1.43, default flexible checksums) against bucketfire."""

import base64
import concurrent.futures
import datetime
import hashlib
import io
import os
import unittest
import urllib.parse

import harness
from harness import (b64, crc32_b64, crc32c_b64, etag_of, md5_b64, multipart_etag, strip_ns)

MiB = 1024 * 1024


def capture_requests(client, operation="*"):
    """Records (url, headers) of every request the client sends for `operation`."""
    sent = []

    def on_send(request, **kwargs):
        headers = {}
        for k, v in request.headers.items():
            headers[k.lower()] = v.decode() if isinstance(v, bytes) else v
        sent.append((request.url, headers))
    client.meta.events.register(f"before-send.s3.{operation}", on_send)
    return sent


def force_unsigned_trailer(client):
    """botocore only uses the aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER form over
    HTTPS; this moves the checksum to the trailer on plain HTTP too, as other SDKs do."""
    def before_call(params, **kwargs):
        algorithm = params["context"].get("checksum", {}).get("request_algorithm")
        if isinstance(algorithm, dict):
            algorithm["in"] = "trailer"
    client.meta.events.register("before-call.s3.PutObject", before_call)
    client.meta.events.register("before-call.s3.UploadPart", before_call)


class Checksums(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = harness.unique("cks")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_crc32c_helper_matches_known_vector(self):
        self.assertEqual(harness.crc32c(b"123456789"), 0xE3069283)

    def test_put_bytes_default_crc32_header(self):
        data = os.urandom(100_000)
        sent = capture_requests(self.s3, "PutObject")
        r = self.s3.put_object(Bucket=self.bucket, Key="bytes", Body=data)
        _, headers = sent[-1]
        self.assertEqual(headers.get("x-amz-checksum-crc32"), crc32_b64(data))
        self.assertEqual(headers.get("x-amz-sdk-checksum-algorithm"), "CRC32")
        self.assertEqual(r["ETag"], etag_of(data))
        self.assertEqual(r.get("ChecksumCRC32"), crc32_b64(data), r)

        g = self.s3.get_object(Bucket=self.bucket, Key="bytes", ChecksumMode="ENABLED")
        self.assertEqual(g["Body"].read(), data)
        self.assertEqual(g.get("ChecksumCRC32"), crc32_b64(data))
        self.assertEqual(g.get("ChecksumType"), "FULL_OBJECT")
        h = self.s3.head_object(Bucket=self.bucket, Key="bytes", ChecksumMode="ENABLED")
        self.assertEqual(h.get("ChecksumCRC32"), crc32_b64(data))
        self.assertEqual(h["ContentLength"], len(data))

        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="bytes")["Contents"]
        self.assertEqual(listed[0].get("ChecksumAlgorithm"), ["CRC32"], listed)

    def test_put_file_like_body_streaming_unsigned_trailer(self):
        client = self.server.client()
        force_unsigned_trailer(client)
        sent = capture_requests(client, "PutObject")
        data = os.urandom(3 * MiB + 12345)   # botocore frames 1 MiB chunks: 4 chunks
        client.put_object(Bucket=self.bucket, Key="stream", Body=io.BytesIO(data))
        _, headers = sent[-1]
        self.assertEqual(headers.get("x-amz-content-sha256"), "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        self.assertIn("aws-chunked", headers.get("content-encoding", ""))
        self.assertEqual(headers.get("x-amz-trailer"), "x-amz-checksum-crc32")
        self.assertEqual(headers.get("x-amz-decoded-content-length"), str(len(data)))

        g = self.s3.get_object(Bucket=self.bucket, Key="stream", ChecksumMode="ENABLED")
        body = g["Body"].read()
        self.assertEqual(len(body), len(data), "stored object must be the decoded bytes")
        self.assertTrue(body == data, "stored object differs from the uploaded bytes")
        self.assertEqual(g["ContentLength"], len(data))
        self.assertEqual(g.get("ChecksumCRC32"), crc32_b64(data))
        self.assertNotIn("aws-chunked", g.get("ContentEncoding", "") or "",
                         "aws-chunked must not be stored as the object's Content-Encoding")

    def test_streaming_trailer_keeps_other_content_encoding(self):
        client = self.server.client()
        force_unsigned_trailer(client)
        data = b"gzipped-ish" * 1000
        client.put_object(Bucket=self.bucket, Key="enc", Body=io.BytesIO(data),
                          ContentEncoding="gzip")
        g = self.s3.get_object(Bucket=self.bucket, Key="enc")
        self.assertEqual(g["Body"].read(), data)
        self.assertEqual(g.get("ContentEncoding"), "gzip")

    def test_put_with_other_algorithms(self):
        data = os.urandom(70_000)
        cases = {
            "SHA256": ("ChecksumSHA256", b64(hashlib.sha256(data).digest()), {}),
            "SHA1": ("ChecksumSHA1", b64(hashlib.sha1(data).digest()), {}),
            # botocore needs the CRT for CRC32C, so the value is computed here.
            "CRC32C": ("ChecksumCRC32C", crc32c_b64(data),
                       {"ChecksumCRC32C": crc32c_b64(data)}),
        }
        for algorithm, (member, expected, extra) in cases.items():
            with self.subTest(algorithm=algorithm):
                key = f"alg-{algorithm}"
                r = self.s3.put_object(Bucket=self.bucket, Key=key, Body=data,
                                       ChecksumAlgorithm=algorithm, **extra)
                self.assertEqual(r.get(member), expected, r)
                g = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
                self.assertEqual(g["Body"].read(), data)
                self.assertEqual(g.get(member), expected)
                self.assertNotIn("ChecksumCRC32", g, "only the requested algorithm is stored")

    def test_wrong_checksum_header_is_bad_digest(self):
        data = b"payload with a wrong checksum"
        cases = {"ChecksumCRC32": crc32_b64(b"something else"),
                 "ChecksumSHA256": b64(hashlib.sha256(b"x").digest())}
        for member, wrong in cases.items():
            with self.subTest(member=member):
                key = f"wrong-{member}"
                resp = self.assertClientError(
                    lambda: self.s3.put_object(Bucket=self.bucket, Key=key, Body=data,
                                               **{member: wrong}), "BadDigest", 400)
                self.assertClientError(lambda: self.s3.head_object(Bucket=self.bucket, Key=key),
                                       "404", 404)

    def test_unsigned_trailer_raw_good_and_bad_crc32(self):
        data = os.urandom(200_000)
        for label, value, expect in (("good", crc32_b64(data), 200),
                                     ("bad", crc32_b64(data + b"!"), 400)):
            with self.subTest(trailer=label):
                key = f"raw-trailer-{label}"
                body = harness.aws_chunked_unsigned(data, 65536,
                                                    [("x-amz-checksum-crc32", value)])
                headers = {"Content-Encoding": "aws-chunked",
                           "Content-Length": str(len(body)),
                           "x-amz-decoded-content-length": str(len(data)),
                           "x-amz-trailer": "x-amz-checksum-crc32",
                           "x-amz-sdk-checksum-algorithm": "CRC32"}
                r = self.server.signed("PUT", f"/{self.bucket}/{key}", headers=headers,
                                       body=body,
                                       payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
                if expect == 200:
                    self.assertEqual(r.status, 200, repr(r))
                    self.assertEqual(r.header("etag"), etag_of(data))
                    g = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
                    self.assertTrue(g["Body"].read() == data, "decoded bytes differ")
                    self.assertEqual(g.get("ChecksumCRC32"), value)
                else:
                    self.assertRawError(r, 400, "BadDigest")
                    self.assertClientError(
                        lambda: self.s3.head_object(Bucket=self.bucket, Key=key), "404", 404)

    def test_content_md5(self):
        data = b"content-md5 checked body"
        r = self.s3.put_object(Bucket=self.bucket, Key="md5-ok", Body=data,
                               ContentMD5=md5_b64(data))
        self.assertEqual(r["ETag"], etag_of(data))
        self.assertClientError(
            lambda: self.s3.put_object(Bucket=self.bucket, Key="md5-bad", Body=data,
                                       ContentMD5=md5_b64(b"other")), "BadDigest", 400)
        for malformed in ("not-base64!!", b64(b"short"), ""):
            with self.subTest(content_md5=malformed):
                self.assertClientError(
                    lambda: self.s3.put_object(Bucket=self.bucket, Key="md5-malformed",
                                               Body=data, ContentMD5=malformed),
                    "InvalidDigest", 400)
        for key in ("md5-bad", "md5-malformed"):
            self.assertClientError(lambda: self.s3.head_object(Bucket=self.bucket, Key=key),
                                   "404", 404)


# Prefixes chosen so that UTF-8 byte order differs from case-insensitive order and from
# UTF-16 order ("😀" is above "～" in UTF-8 but below it in UTF-16).
LIST_PREFIXES = ["a", "B", "z/", "~", "é", "日本/", "😀", "～", "-", "Z"]
KEYS_PER_PREFIX = 250


def utf8_sorted(keys):
    return sorted(keys, key=lambda k: k.encode("utf-8"))


class Listing(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = harness.unique("list")
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.keys = [f"{p}{i:04d}" for p in LIST_PREFIXES for i in range(KEYS_PER_PREFIX)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda k: cls.s3.put_object(Bucket=cls.bucket, Key=k, Body=b""),
                          cls.keys))
        cls.expected = utf8_sorted(cls.keys)

    def test_paginator_v2_2500_keys(self):
        for page_size, sizes in ((1000, [1000, 1000, 500]), (700, [700, 700, 700, 400])):
            with self.subTest(page_size=page_size):
                pages = list(self.s3.get_paginator("list_objects_v2").paginate(
                    Bucket=self.bucket, PaginationConfig={"PageSize": page_size}))
                self.assertEqual([p["KeyCount"] for p in pages], sizes)
                self.assertEqual([p["IsTruncated"] for p in pages],
                                 [True] * (len(sizes) - 1) + [False])
                for p in pages[:-1]:
                    self.assertTrue(p.get("NextContinuationToken"))
                self.assertNotIn("NextContinuationToken", pages[-1])
                self.assertEqual(pages[0]["MaxKeys"], page_size)
                got = [o["Key"] for p in pages for o in p["Contents"]]
                self.assertEqual(len(got), 2500)
                self.assertEqual(got, self.expected, "keys must be in UTF-8 byte order")

    def test_default_max_keys_is_1000(self):
        r = self.s3.list_objects_v2(Bucket=self.bucket)
        self.assertEqual(r["KeyCount"], 1000)
        self.assertEqual(r["MaxKeys"], 1000)
        self.assertTrue(r["IsTruncated"])
        r2 = self.s3.list_objects_v2(Bucket=self.bucket,
                                     ContinuationToken=r["NextContinuationToken"])
        self.assertEqual(r2["ContinuationToken"], r["NextContinuationToken"])
        self.assertEqual(r2["Contents"][0]["Key"], self.expected[1000])

    def test_list_objects_v1_marker_pagination(self):
        got, marker, pages = [], "", 0
        while pages < 50:
            r = self.s3.list_objects(Bucket=self.bucket, Marker=marker, MaxKeys=300)
            pages += 1
            self.assertEqual(r.get("Marker", ""), marker)
            self.assertEqual(r["MaxKeys"], 300)
            contents = r.get("Contents", [])
            self.assertLessEqual(len(contents), 300)
            got += [o["Key"] for o in contents]
            if not r["IsTruncated"]:
                break
            marker = r.get("NextMarker") or contents[-1]["Key"]
        self.assertEqual(pages, 9)
        self.assertEqual(got, self.expected)

    def test_start_after(self):
        start = self.expected[1234]
        got = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                      StartAfter=start):
            self.assertEqual(page.get("StartAfter"), start)
            got += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(got, self.expected[1235:])

    def test_prefix_with_multibyte_characters(self):
        r = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="日本/")
        self.assertEqual(r["KeyCount"], KEYS_PER_PREFIX)
        self.assertEqual([o["Key"] for o in r["Contents"]],
                         [k for k in self.expected if k.startswith("日本/")])

    def test_delimiter_and_common_prefixes(self):
        bucket = self.new_bucket()
        keys = ["photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/d.jpg",
                "readme", "videos/x.mp4"]
        for k in keys:
            self.s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
        r = self.s3.list_objects_v2(Bucket=bucket, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in r["CommonPrefixes"]], ["photos/", "videos/"])
        self.assertEqual([o["Key"] for o in r["Contents"]], ["readme"])
        self.assertEqual(r["KeyCount"], 3)
        self.assertEqual(r["Delimiter"], "/")

        r = self.s3.list_objects_v2(Bucket=bucket, Prefix="photos/", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in r["CommonPrefixes"]],
                         ["photos/2024/", "photos/2025/"])
        self.assertEqual([o["Key"] for o in r["Contents"]], ["photos/d.jpg"])
        self.assertEqual(r["KeyCount"], 3)
        self.assertEqual(r["Prefix"], "photos/")

        # One entry per page: a common prefix counts as one key and is never repeated.
        pages = list(self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 1}))
        self.assertEqual([p["KeyCount"] for p in pages], [1, 1, 1])
        entries = []
        for p in pages:
            entries += [("P", c["Prefix"]) for c in p.get("CommonPrefixes", [])]
            entries += [("K", o["Key"]) for o in p.get("Contents", [])]
        self.assertEqual(entries, [("P", "photos/"), ("K", "readme"), ("P", "videos/")])

        # v1 with a delimiter reports NextMarker when truncated.
        r = self.s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=1)
        self.assertTrue(r["IsTruncated"])
        self.assertEqual(r.get("NextMarker"), "photos/")
        r = self.s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=1, Marker="photos/")
        self.assertEqual([o["Key"] for o in r.get("Contents", [])], ["readme"])

    def test_encoding_type_url(self):
        bucket = self.new_bucket()
        keys = ["a b", "a+b", "ü/x", "x%y", "ctl\x01key", "amp&<lt>", "tab\tkey", "nl\nkey",
                "100%", "q?s=1#f"]
        for k in keys:
            self.s3.put_object(Bucket=bucket, Key=k, Body=b"x")
        raw = self.s3.list_objects_v2(Bucket=bucket, EncodingType="url")
        self.assertEqual(raw.get("EncodingType"), "url")
        encoded = [o["Key"] for o in raw["Contents"]]
        self.assertEqual([urllib.parse.unquote_plus(k) for k in encoded], utf8_sorted(keys))
        for k in encoded:
            for ch in " \x01\t\n<&":
                self.assertNotIn(ch, k, f"{k!r} is not URL-encoded")
        self.assertIn("a%2Bb", encoded, "'+' must be encoded as %2B")

        # botocore decodes listings it asked to be encoded: the keys come back exactly.
        v2 = self.s3.list_objects_v2(Bucket=bucket)
        self.assertEqual([o["Key"] for o in v2["Contents"]], utf8_sorted(keys))
        v1 = self.s3.list_objects(Bucket=bucket)
        self.assertEqual([o["Key"] for o in v1["Contents"]], utf8_sorted(keys))
        vers = self.s3.list_object_versions(Bucket=bucket)
        self.assertEqual([o["Key"] for o in vers["Versions"]], utf8_sorted(keys))
        pre = self.s3.list_objects_v2(Bucket=bucket, Prefix="a b", EncodingType="url")
        self.assertEqual([urllib.parse.unquote_plus(o["Key"]) for o in pre["Contents"]], ["a b"])
        self.assertEqual(urllib.parse.unquote_plus(pre["Prefix"]), "a b")
        for k in keys:
            self.assertEqual(self.s3.get_object(Bucket=bucket, Key=k)["Body"].read(), b"x", k)

    def test_fetch_owner(self):
        r = self.s3.list_objects_v2(Bucket=self.bucket, MaxKeys=5)
        for o in r["Contents"]:
            self.assertNotIn("Owner", o)
        r = self.s3.list_objects_v2(Bucket=self.bucket, MaxKeys=5, FetchOwner=True)
        for o in r["Contents"]:
            self.assertTrue(o.get("Owner", {}).get("ID"), o)
        v1 = self.s3.list_objects(Bucket=self.bucket, MaxKeys=5)
        for o in v1["Contents"]:
            self.assertTrue(o.get("Owner", {}).get("ID"), "list v1 always includes Owner")

    def test_entry_fields(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"hello world")
        o = self.s3.list_objects_v2(Bucket=bucket)["Contents"][0]
        self.assertEqual(o["Key"], "k")
        self.assertEqual(o["Size"], 11)
        self.assertEqual(o["ETag"], '"5eb63bbbe01eeed093cb22bb8f5acdc3"')
        self.assertEqual(o["StorageClass"], "STANDARD")
        self.assertIsInstance(o["LastModified"], datetime.datetime)
        age = datetime.datetime.now(datetime.timezone.utc) - o["LastModified"]
        self.assertLess(abs(age.total_seconds()), 120)


class ConditionalsAndRanges(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = harness.unique("cond")
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.data = bytes(range(100))
        cls.etag = cls.s3.put_object(Bucket=cls.bucket, Key="obj", Body=cls.data)["ETag"]
        cls.past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
        cls.future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)

    def get(self, **kw):
        return self.s3.get_object(Bucket=self.bucket, Key="obj", **kw)

    def test_etag_is_md5(self):
        self.assertEqual(self.etag, etag_of(self.data))

    def test_if_match(self):
        r = self.get(IfMatch=self.etag)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r["Body"].read(), self.data)
        self.assertClientError(lambda: self.get(IfMatch='"0123456789abcdef0123456789abcdef"'),
                               "PreconditionFailed", 412)

    def test_if_none_match(self):
        self.assertClientError(lambda: self.get(IfNoneMatch=self.etag), "304", 304)
        r = self.get(IfNoneMatch='"0123456789abcdef0123456789abcdef"')
        self.assertEqual(r["Body"].read(), self.data)

    def test_if_modified_since(self):
        self.assertClientError(lambda: self.get(IfModifiedSince=self.future), "304", 304)
        r = self.get(IfModifiedSince=self.past)
        self.assertEqual(r["Body"].read(), self.data)

    def test_if_unmodified_since(self):
        self.assertClientError(lambda: self.get(IfUnmodifiedSince=self.past),
                               "PreconditionFailed", 412)
        r = self.get(IfUnmodifiedSince=self.future)
        self.assertEqual(r["Body"].read(), self.data)

    def test_combined_conditions_precedence(self):
        # If-Match true wins over If-Unmodified-Since false.
        r = self.get(IfMatch=self.etag, IfUnmodifiedSince=self.past)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        # If-None-Match false (etag matches) with If-Modified-Since true → 304.
        self.assertClientError(lambda: self.get(IfNoneMatch=self.etag, IfModifiedSince=self.past),
                               "304", 304)

    def test_head_conditionals(self):
        head = lambda **kw: self.s3.head_object(Bucket=self.bucket, Key="obj", **kw)
        self.assertClientError(lambda: head(IfNoneMatch=self.etag), "304", 304)
        self.assertClientError(lambda: head(IfMatch='"00000000000000000000000000000000"'),
                               "412", 412)
        self.assertEqual(head(IfMatch=self.etag)["ETag"], self.etag)

    def test_conditional_writes(self):
        key = harness.unique("cw")
        r = self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"first", IfNoneMatch="*")
        self.assertEqual(r["ETag"], etag_of(b"first"))
        self.assertClientError(lambda: self.s3.put_object(Bucket=self.bucket, Key=key,
                                                          Body=b"second", IfNoneMatch="*"),
                               "PreconditionFailed", 412)
        self.assertClientError(lambda: self.s3.put_object(
            Bucket=self.bucket, Key=key, Body=b"third",
            IfMatch='"00000000000000000000000000000000"'), "PreconditionFailed", 412)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), b"first")
        r = self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"fourth",
                               IfMatch=etag_of(b"first"))
        self.assertEqual(r["ETag"], etag_of(b"fourth"))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(),
                         b"fourth")

    def test_ranges(self):
        cases = [("bytes=0-9", 0, 10), ("bytes=-5", 95, 100), ("bytes=10-", 10, 100),
                 ("bytes=90-200", 90, 100), ("bytes=99-99", 99, 100), ("bytes=-500", 0, 100)]
        for rng, start, end in cases:
            with self.subTest(range=rng):
                r = self.get(Range=rng)
                self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 206)
                self.assertEqual(r["ContentRange"], f"bytes {start}-{end - 1}/100")
                self.assertEqual(r["ContentLength"], end - start)
                self.assertEqual(r["Body"].read(), self.data[start:end])
                self.assertEqual(r["ETag"], self.etag)

    def test_range_not_satisfiable(self):
        for rng in ("bytes=100-200", "bytes=1000-"):
            with self.subTest(range=rng):
                resp = self.assertClientError(lambda: self.get(Range=rng), "InvalidRange", 416)
                self.assertEqual(resp["Error"].get("ActualObjectSize"), "100", resp["Error"])

    def test_full_get_headers(self):
        r = self.get()
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r["AcceptRanges"], "bytes")
        self.assertEqual(r["ContentLength"], 100)
        self.assertEqual(r["ContentType"], "binary/octet-stream")
        self.assertIn("last-modified", r["ResponseMetadata"]["HTTPHeaders"])
        self.assertTrue(r["ResponseMetadata"].get("RequestId"))

    def test_response_header_overrides(self):
        r = self.get(ResponseContentType="text/csv",
                     ResponseContentDisposition='attachment; filename="r.csv"',
                     ResponseCacheControl="no-cache", ResponseContentLanguage="fr",
                     ResponseContentEncoding="identity")
        self.assertEqual(r["ContentType"], "text/csv")
        self.assertEqual(r["ContentDisposition"], 'attachment; filename="r.csv"')
        self.assertEqual(r["CacheControl"], "no-cache")
        self.assertEqual(r["ContentLanguage"], "fr")
        self.assertEqual(r["ContentEncoding"], "identity")
        self.assertEqual(r["Body"].read(), self.data)
        # Overrides do not change the stored object.
        self.assertEqual(self.s3.head_object(Bucket=self.bucket, Key="obj")["ContentType"],
                         "binary/octet-stream")


class BucketsAndErrors(harness.ServerTestCase):
    def test_create_bucket_twice_in_us_east_1(self):
        name = harness.unique("twice")
        r1 = self.s3.create_bucket(Bucket=name)
        self.assertEqual(r1["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(r1.get("Location"), f"/{name}")
        r2 = self.s3.create_bucket(Bucket=name)
        self.assertEqual(r2["ResponseMetadata"]["HTTPStatusCode"], 200)
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertEqual(names.count(name), 1)

    def test_invalid_bucket_names(self):
        bad = ["ab", "UPPERCASE", "under_score", "-startdash", "enddash-", "dot..dot",
               "192.168.5.4", "x" * 64, "xn--punycode", "sthree-bucket", "bucket-s3alias",
               ".dotstart", "dotend.", "bucket--ol-s3"]
        for name in bad:
            with self.subTest(bucket=name):
                self.assertClientError(lambda: self.s3.create_bucket(Bucket=name),
                                       "InvalidBucketName", 400)
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        for name in bad:
            self.assertNotIn(name, names)
        for good in ["abc", "a" * 63, "my.bucket-1", "0numeric"]:
            with self.subTest(bucket=good):
                r = self.s3.create_bucket(Bucket=good)
                self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_no_such_bucket(self):
        missing = harness.unique("missing")
        calls = {
            "GetObject": lambda: self.s3.get_object(Bucket=missing, Key="k"),
            "PutObject": lambda: self.s3.put_object(Bucket=missing, Key="k", Body=b"x"),
            "ListObjectsV2": lambda: self.s3.list_objects_v2(Bucket=missing),
            "DeleteBucket": lambda: self.s3.delete_bucket(Bucket=missing),
            "CreateMultipartUpload": lambda: self.s3.create_multipart_upload(Bucket=missing,
                                                                             Key="k"),
        }
        for op, call in calls.items():
            with self.subTest(op=op):
                resp = self.assertClientError(call, "NoSuchBucket", 404)
                self.assertEqual(resp["Error"].get("BucketName"), missing, resp["Error"])
        self.assertClientError(lambda: self.s3.head_bucket(Bucket=missing), "404", 404)
        self.assertClientError(lambda: self.s3.head_object(Bucket=missing, Key="k"), "404", 404)

    def test_no_such_key(self):
        bucket = self.new_bucket()
        resp = self.assertClientError(lambda: self.s3.get_object(Bucket=bucket, Key="nope/x.txt"),
                                      "NoSuchKey", 404)
        self.assertEqual(resp["Error"].get("Key"), "nope/x.txt")
        self.assertTrue(resp["ResponseMetadata"].get("RequestId"), resp)
        self.assertClientError(lambda: self.s3.head_object(Bucket=bucket, Key="nope"), "404", 404)
        self.assertClientError(lambda: self.s3.get_object_tagging(Bucket=bucket, Key="nope"),
                               "NoSuchKey", 404)

    def test_error_document_on_the_wire(self):
        bucket = self.new_bucket()
        r = self.server.signed("GET", f"/{bucket}/missing-key")
        self.assertEqual(r.status, 404)
        self.assertIn("xml", r.header("content-type", ""))
        err = r.error()
        self.assertEqual(err.get("Code"), "NoSuchKey", repr(r))
        self.assertEqual(err.get("Key"), "missing-key")
        self.assertTrue(err.get("Message"))
        self.assertTrue(err.get("RequestId"))
        self.assertEqual(r.header("x-amz-request-id"), err.get("RequestId"))
        # HEAD errors carry no body.
        h = self.server.signed("HEAD", f"/{bucket}/missing-key")
        self.assertEqual((h.status, h.body), (404, b""))

    def test_bucket_not_empty(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        self.assertClientError(lambda: self.s3.delete_bucket(Bucket=bucket), "BucketNotEmpty", 409)
        self.s3.delete_object(Bucket=bucket, Key="k")
        r = self.s3.delete_bucket(Bucket=bucket)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)

    def test_unimplemented_operations_are_501(self):
        bucket = self.new_bucket()
        calls = {
            "GetBucketWebsite": lambda: self.s3.get_bucket_website(Bucket=bucket),
            "PutBucketWebsite": lambda: self.s3.put_bucket_website(
                Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}}),
            "GetBucketAnalyticsConfiguration":
                lambda: self.s3.get_bucket_analytics_configuration(Bucket=bucket, Id="a1"),
        }
        for op, call in calls.items():
            with self.subTest(op=op):
                self.assertClientError(call, "NotImplemented", 501)


class Multipart(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = harness.unique("mpu")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def start(self, key, **kw):
        return self.s3.create_multipart_upload(Bucket=self.bucket, Key=key, **kw)["UploadId"]

    def part(self, key, upload_id, n, data, **kw):
        return self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=n,
                                   Body=data, **kw)

    def complete(self, key, upload_id, parts):
        return self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]})

    def test_etag_of_documented_example(self):
        p1, p2 = b"a" * (5 * MiB), b"b" * 10
        uid = self.start("doc")
        e1 = self.part("doc", uid, 1, p1)["ETag"]
        e2 = self.part("doc", uid, 2, p2)["ETag"]
        self.assertEqual((e1, e2), (etag_of(p1), etag_of(p2)))
        r = self.complete("doc", uid, [(1, e1), (2, e2)])
        self.assertEqual(r["ETag"], '"8b0be7847da5564ae08e97af63b60885-2"')
        self.assertEqual(r["ETag"], multipart_etag([p1, p2]))
        self.assertEqual(r["Key"], "doc")
        self.assertEqual(r["Bucket"], self.bucket)
        h = self.s3.head_object(Bucket=self.bucket, Key="doc")
        self.assertEqual(h["ETag"], r["ETag"])
        self.assertEqual(h["ContentLength"], len(p1) + len(p2))
        body = self.s3.get_object(Bucket=self.bucket, Key="doc")["Body"].read()
        self.assertTrue(body == p1 + p2, "completed object differs")

    def test_three_random_parts(self):
        parts = [os.urandom(5 * MiB), os.urandom(5 * MiB + 17), os.urandom(333)]
        uid = self.start("rand")
        etags = [self.part("rand", uid, i + 1, p)["ETag"] for i, p in enumerate(parts)]
        r = self.complete("rand", uid, list(zip((1, 2, 3), etags)))
        self.assertEqual(r["ETag"], multipart_etag(parts))
        got = self.s3.get_object(Bucket=self.bucket, Key="rand", Range="bytes=5242870-5242889")
        self.assertEqual(got["Body"].read(), b"".join(parts)[5242870:5242890])

    def test_entity_too_small(self):
        uid = self.start("small")
        e1 = self.part("small", uid, 1, b"x" * 1024)["ETag"]
        e2 = self.part("small", uid, 2, b"y" * 1024)["ETag"]
        resp = self.assertClientError(lambda: self.complete("small", uid, [(1, e1), (2, e2)]),
                                      "EntityTooSmall", 400)
        # The upload survives a failed completion and can still be aborted.
        ups = self.s3.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])
        self.assertIn(uid, [u["UploadId"] for u in ups])
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key="small", UploadId=uid)
        self.assertClientError(lambda: self.s3.head_object(Bucket=self.bucket, Key="small"),
                               "404", 404)

    def test_single_small_part_is_fine(self):
        uid = self.start("one")
        e1 = self.part("one", uid, 1, b"tiny")["ETag"]
        r = self.complete("one", uid, [(1, e1)])
        self.assertEqual(r["ETag"], multipart_etag([b"tiny"]))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="one")["Body"].read(), b"tiny")

    def test_invalid_part(self):
        big = os.urandom(5 * MiB)
        uid = self.start("ip")
        e1 = self.part("ip", uid, 1, big)["ETag"]
        e2 = self.part("ip", uid, 2, b"tail")["ETag"]
        self.assertClientError(
            lambda: self.complete("ip", uid, [(1, e1), (2, '"00000000000000000000000000000000"')]),
            "InvalidPart", 400)
        self.assertClientError(lambda: self.complete("ip", uid, [(1, e1), (3, e2)]),
                               "InvalidPart", 400)
        # Still completable with the right list afterwards.
        r = self.complete("ip", uid, [(1, e1), (2, e2)])
        self.assertEqual(r["ETag"], multipart_etag([big, b"tail"]))

    def test_invalid_part_order(self):
        uid = self.start("order")
        e1 = self.part("order", uid, 1, os.urandom(5 * MiB))["ETag"]
        e2 = self.part("order", uid, 2, os.urandom(5 * MiB))["ETag"]
        self.assertClientError(lambda: self.complete("order", uid, [(2, e2), (1, e1)]),
                               "InvalidPartOrder", 400)
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key="order", UploadId=uid)

    def test_no_such_upload(self):
        bogus = "bogus-upload-id-" + harness.unique("u")
        calls = {
            "UploadPart": lambda: self.part("nsu", bogus, 1, b"x"),
            "ListParts": lambda: self.s3.list_parts(Bucket=self.bucket, Key="nsu", UploadId=bogus),
            "CompleteMultipartUpload": lambda: self.complete("nsu", bogus, [(1, '"a"')]),
            "AbortMultipartUpload": lambda: self.s3.abort_multipart_upload(
                Bucket=self.bucket, Key="nsu", UploadId=bogus),
        }
        for op, call in calls.items():
            with self.subTest(op=op):
                self.assertClientError(call, "NoSuchUpload", 404)
        # An upload id is bound to its key.
        uid = self.start("bound")
        self.assertClientError(lambda: self.part("other-key", uid, 1, b"x"), "NoSuchUpload", 404)
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key="bound", UploadId=uid)
        self.assertClientError(lambda: self.part("bound", uid, 1, b"x"), "NoSuchUpload", 404)

    def test_composite_crc32_checksum(self):
        parts = [os.urandom(5 * MiB), os.urandom(4321)]
        uid = self.start("cks", ChecksumAlgorithm="CRC32", ChecksumType="COMPOSITE")
        done = []
        for i, p in enumerate(parts, 1):
            r = self.part("cks", uid, i, p, ChecksumAlgorithm="CRC32")
            self.assertEqual(r.get("ChecksumCRC32"), crc32_b64(p), r)
            done.append({"PartNumber": i, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
        listed = self.s3.list_parts(Bucket=self.bucket, Key="cks", UploadId=uid)["Parts"]
        self.assertEqual([p.get("ChecksumCRC32") for p in listed],
                         [crc32_b64(p) for p in parts])
        r = self.s3.complete_multipart_upload(Bucket=self.bucket, Key="cks", UploadId=uid,
                                              MultipartUpload={"Parts": done})
        raw = b"".join(base64.b64decode(crc32_b64(p)) for p in parts)
        expected = crc32_b64(raw) + "-2"
        self.assertEqual(r.get("ChecksumCRC32"), expected, r)
        h = self.s3.head_object(Bucket=self.bucket, Key="cks", ChecksumMode="ENABLED")
        self.assertEqual(h.get("ChecksumCRC32"), expected)
        self.assertEqual(h.get("ChecksumType"), "COMPOSITE")

    def test_list_multipart_uploads_and_parts(self):
        uid1 = self.start("lm/a")
        uid2 = self.start("lm/b")
        self.part("lm/a", uid1, 1, b"1" * 10)
        self.part("lm/a", uid1, 3, b"3" * 30)
        ups = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix="lm/")
        self.assertEqual([(u["Key"], u["UploadId"]) for u in ups["Uploads"]],
                         [("lm/a", uid1), ("lm/b", uid2)])
        parts = self.s3.list_parts(Bucket=self.bucket, Key="lm/a", UploadId=uid1)["Parts"]
        self.assertEqual([(p["PartNumber"], p["Size"], p["ETag"]) for p in parts],
                         [(1, 10, etag_of(b"1" * 10)), (3, 30, etag_of(b"3" * 30))])
        # Re-uploading a part number replaces it.
        self.part("lm/a", uid1, 1, b"new")
        parts = self.s3.list_parts(Bucket=self.bucket, Key="lm/a", UploadId=uid1)["Parts"]
        self.assertEqual(parts[0]["ETag"], etag_of(b"new"))
        for key, uid in (("lm/a", uid1), ("lm/b", uid2)):
            r = self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=uid)
            self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        ups = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix="lm/")
        self.assertEqual(ups.get("Uploads", []), [])


class ObjectsMisc(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = harness.unique("misc")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_empty_object(self):
        r = self.s3.put_object(Bucket=self.bucket, Key="empty", Body=b"")
        self.assertEqual(r["ETag"], '"d41d8cd98f00b204e9800998ecf8427e"')
        g = self.s3.get_object(Bucket=self.bucket, Key="empty")
        self.assertEqual((g["ContentLength"], g["Body"].read()), (0, b""))

    def test_overwrite_replaces_body_and_metadata(self):
        self.s3.put_object(Bucket=self.bucket, Key="ow", Body=b"one", Metadata={"v": "1"},
                           ContentType="text/one")
        self.s3.put_object(Bucket=self.bucket, Key="ow", Body=b"second")
        h = self.s3.head_object(Bucket=self.bucket, Key="ow")
        self.assertEqual(h["Metadata"], {})
        self.assertEqual(h["ContentType"], "binary/octet-stream")
        self.assertEqual(h["ETag"], etag_of(b"second"))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="ow")["Body"].read(),
                         b"second")

    def test_user_metadata_round_trip(self):
        md = {"plain": "value", "mixed-case": "Keeps Value Case",
              "punctuation": "a=b; c/d, e:f"}
        self.s3.put_object(Bucket=self.bucket, Key="md", Body=b"x", Metadata=md)
        h = self.s3.head_object(Bucket=self.bucket, Key="md")
        self.assertEqual(h["Metadata"], md)

    def test_copy_object(self):
        src_key = "copy src/ü+1.txt"
        data = os.urandom(20_000)
        self.s3.put_object(Bucket=self.bucket, Key=src_key, Body=data, Metadata={"a": "1"},
                           ContentType="text/x-a")
        other = self.new_bucket()
        r = self.s3.copy_object(Bucket=other, Key="dst",
                                CopySource={"Bucket": self.bucket, "Key": src_key})
        self.assertEqual(r["CopyObjectResult"]["ETag"], etag_of(data))
        self.assertIn("LastModified", r["CopyObjectResult"])
        h = self.s3.head_object(Bucket=other, Key="dst")
        self.assertEqual((h["Metadata"], h["ContentType"]), ({"a": "1"}, "text/x-a"))
        self.assertEqual(self.s3.get_object(Bucket=other, Key="dst")["Body"].read(), data)

        self.s3.copy_object(Bucket=other, Key="dst2", MetadataDirective="REPLACE",
                            Metadata={"b": "2"}, ContentType="text/x-b",
                            CopySource={"Bucket": self.bucket, "Key": src_key})
        h = self.s3.head_object(Bucket=other, Key="dst2")
        self.assertEqual((h["Metadata"], h["ContentType"]), ({"b": "2"}, "text/x-b"))

        self.assertClientError(lambda: self.s3.copy_object(
            Bucket=self.bucket, Key=src_key, CopySource={"Bucket": self.bucket, "Key": src_key}),
            "InvalidRequest", 400)
        self.assertClientError(lambda: self.s3.copy_object(
            Bucket=other, Key="x", CopySource={"Bucket": self.bucket, "Key": "no such"}),
            "NoSuchKey", 404)
        self.assertClientError(lambda: self.s3.copy_object(
            Bucket=other, Key="x", CopySource={"Bucket": self.bucket, "Key": src_key},
            CopySourceIfMatch='"00000000000000000000000000000000"'), "PreconditionFailed", 412)
        r = self.s3.copy_object(Bucket=other, Key="dst3", CopySourceIfMatch=etag_of(data),
                                CopySource={"Bucket": self.bucket, "Key": src_key})
        self.assertEqual(r["CopyObjectResult"]["ETag"], etag_of(data))

    def test_delete_objects_quiet_and_verbose(self):
        for k in ("d1", "d2", "d3", "d4"):
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"x")
        r = self.s3.delete_objects(Bucket=self.bucket, Delete={
            "Objects": [{"Key": "d1"}, {"Key": "d2"}, {"Key": "never-existed"}], "Quiet": False})
        self.assertEqual(sorted(d["Key"] for d in r.get("Deleted", [])),
                         ["d1", "d2", "never-existed"])
        self.assertFalse(r.get("Errors"), r)
        r = self.s3.delete_objects(Bucket=self.bucket, Delete={
            "Objects": [{"Key": "d3"}, {"Key": "d4"}, {"Key": "also-missing"}], "Quiet": True})
        self.assertFalse(r.get("Deleted"), f"quiet mode lists only errors: {r}")
        self.assertFalse(r.get("Errors"), r)
        left = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="d").get("Contents", [])
        self.assertEqual(left, [])

    def test_delete_objects_with_content_md5(self):
        # Older SDKs send Content-MD5 instead of a flexible checksum; both must be accepted.
        self.s3.put_object(Bucket=self.bucket, Key="md5del", Body=b"x")
        body = (b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                b"<Object><Key>md5del</Key></Object></Delete>")
        r = self.server.signed("POST", f"/{self.bucket}", query=[("delete", "")], body=body,
                               headers={"Content-MD5": md5_b64(body),
                                        "Content-Type": "application/xml"})
        self.assertEqual(r.status, 200, repr(r))
        root = harness.parse_xml(r.body)
        deleted = [strip_ns(e.tag) for e in root]
        self.assertEqual(deleted, ["Deleted"], r.body)
        self.assertClientError(lambda: self.s3.head_object(Bucket=self.bucket, Key="md5del"),
                               "404", 404)

    def test_tagging_on_put(self):
        self.s3.put_object(Bucket=self.bucket, Key="tagged", Body=b"x",
                           Tagging="env=prod&team=a%20b")
        tags = self.s3.get_object_tagging(Bucket=self.bucket, Key="tagged")["TagSet"]
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags),
                         [("env", "prod"), ("team", "a b")])
        g = self.s3.get_object(Bucket=self.bucket, Key="tagged")
        self.assertEqual(g.get("TagCount"), 2)
        self.s3.put_object_tagging(Bucket=self.bucket, Key="tagged",
                                   Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
        tags = self.s3.get_object_tagging(Bucket=self.bucket, Key="tagged")["TagSet"]
        self.assertEqual(tags, [{"Key": "only", "Value": "one"}])
        self.s3.delete_object_tagging(Bucket=self.bucket, Key="tagged")
        self.assertEqual(self.s3.get_object_tagging(Bucket=self.bucket, Key="tagged")["TagSet"],
                         [])


class LargeHeaders(harness.ServerTestCase):
    def test_user_metadata_up_to_2_kib_round_trips(self):
        # 60 x-amz-meta-* headers, 1,980 bytes of names and values: AWS's limit is 2 KB.
        bucket = self.new_bucket()
        metadata = {f"f{i:02d}": "v" * 30 for i in range(60)}
        self.s3.put_object(Bucket=bucket, Key="meta", Body=b"x", Metadata=metadata)
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="meta")["Metadata"], metadata)

    def test_user_metadata_over_2_kib_is_refused(self):
        bucket = self.new_bucket()
        metadata = {f"f{i:02d}": "v" * 40 for i in range(60)}
        self.assertClientError(lambda: self.s3.put_object(Bucket=bucket, Key="big", Body=b"x", Metadata=metadata),
                               "MetadataTooLarge", 400)
        self.assertClientError(lambda: self.s3.head_object(Bucket=bucket, Key="big"), "404", 404)

    def test_large_request_header_block(self):
        # A 40 KiB header block (many signed headers) is read whole, not refused as too large.
        bucket = self.new_bucket()
        headers = {f"x-custom-{i:03d}": "h" * 200 for i in range(200)}
        r = self.server.signed("PUT", f"/{bucket}/hdrs", headers=headers, body=b"body")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="hdrs")["Body"].read(), b"body")


class VirtualHosted(harness.ServerTestCase):
    def test_boto3_virtual_addressing(self):
        bucket = self.new_bucket()
        v = self.server.client(style="virtual")
        sent = capture_requests(v)
        v.put_object(Bucket=bucket, Key="dir/v.txt", Body=b"virtual body")
        url = urllib.parse.urlsplit(sent[-1][0])
        self.assertEqual(url.netloc, f"{bucket}.localhost:{self.server.port}")
        self.assertEqual(url.path, "/dir/v.txt")
        self.assertEqual(v.get_object(Bucket=bucket, Key="dir/v.txt")["Body"].read(),
                         b"virtual body")
        listed = v.list_objects_v2(Bucket=bucket)
        self.assertEqual(listed["Name"], bucket)
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["dir/v.txt"])
        self.assertEqual(v.head_object(Bucket=bucket, Key="dir/v.txt")["ContentLength"], 12)
        # Same object seen path-style.
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="dir/v.txt")["Body"].read(),
                         b"virtual body")
        v.delete_object(Bucket=bucket, Key="dir/v.txt")
        self.assertEqual(self.s3.list_objects_v2(Bucket=bucket)["KeyCount"], 0)
        self.assertClientError(lambda: v.get_object(Bucket=bucket, Key="dir/v.txt"),
                               "NoSuchKey", 404)

    def test_raw_host_header_forms(self):
        bucket = self.new_bucket()
        port = self.server.port
        for host, key in ((f"{bucket}.localhost:{port}", "raw/localhost.txt"),
                          (f"{bucket}.s3.localhost:{port}", "raw/s3.localhost.txt")):
            with self.subTest(host=host):
                body = f"via {host}".encode()
                r = self.server.signed("PUT", f"/{key}", host=host, body=body)
                self.assertEqual(r.status, 200, repr(r))
                self.assertEqual(r.header("etag"), etag_of(body))
                g = self.server.signed("GET", f"/{key}", host=host)
                self.assertEqual((g.status, g.body), (200, body))
                lst = self.server.signed("GET", "/", query=[("list-type", "2"), ("prefix", key)],
                                         host=host)
                self.assertEqual(lst.status, 200, repr(lst))
                root = harness.parse_xml(lst.body)
                self.assertEqual(strip_ns(root.tag), "ListBucketResult")
                fields = {strip_ns(c.tag): c for c in root}
                self.assertEqual(fields["Name"].text, bucket)
                keys = [c.findtext("{*}Key") for c in root if strip_ns(c.tag) == "Contents"]
                self.assertEqual(keys, [key])
                self.assertEqual(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read(), body)


if __name__ == "__main__":
    unittest.main(testRunner=harness.Runner)
