"""Awkward object keys (and that none escapes the data directory), and durability across a
clean restart on the same data directory."""

import hashlib
import os
import shutil
import signal
import tempfile
import unittest
import uuid

import harness
from harness import crc32_b64, etag_of, multipart_etag

MiB = 1024 * 1024
TOKEN = "bfesc" + uuid.uuid4().hex[:10]

KEY_1024 = "日" * 341 + "a"          # 1024 bytes of UTF-8, 342 characters
KEY_1025 = "日" * 341 + "ab"         # 1025 bytes
KEY_1024_ASCII = "k" * 1024

AWKWARD_KEYS = [
    "../x", "a b", "%2F", "a+b", "emoji 😀", "日本語/ファイル", "a//b/../c",
    "..", ".", "./dot", "../" * 12 + "tmp/" + TOKEN + "-abs", "../" + TOKEN + "-up",
    "a//b/../" + TOKEN + "-dots", "/leading-slash", "trailing/", "back\\slash\\..\\x",
    "semi;colon", "q?mark=1&b", "hash#tag", "tilde~", "quote\"'", "<xml>&amp;", "colon:key",
    "tab\there", "percent%20literal", "plus+and space", "ü-decomposed-u\u0308",
    KEY_1024, KEY_1024_ASCII,
]

# Path components that must never appear as names inside the data directory.
DISTINCTIVE_SEGMENTS = ["a b", "%2F", "a+b", "emoji 😀", "日本語", "ファイル",
                        "leading-slash", "semi;colon", "hash#tag", "colon:key",
                        "percent%20literal", "plus+and space"]


def utf8_sorted(keys):
    return sorted(keys, key=lambda k: k.encode("utf-8"))


def tree(root):
    out = []
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            out.append(os.path.relpath(os.path.join(d, name), root))
    return out


class AwkwardKeys(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.cwd = tempfile.mkdtemp(prefix="bf-cwd-")
        cls.addClassCleanup(shutil.rmtree, cls.cwd, True)
        cls.server = harness.Server(cwd=cls.cwd)
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.s3 = cls.server.client()

    def test_round_trip_and_containment(self):
        bucket = self.new_bucket()
        self.assertEqual(len(KEY_1024.encode()), 1024)
        bodies = {k: f"body of {k!r}".encode() for k in AWKWARD_KEYS}
        for key, body in bodies.items():
            with self.subTest(op="put", key=key[:60]):
                r = self.s3.put_object(Bucket=bucket, Key=key, Body=body,
                                       Metadata={"orig-len": str(len(key.encode()))})
                self.assertEqual(r["ETag"], etag_of(body))

        listed = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            listed += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(listed, utf8_sorted(AWKWARD_KEYS), "listing must return keys verbatim")

        for key, body in bodies.items():
            with self.subTest(op="get", key=key[:60]):
                g = self.s3.get_object(Bucket=bucket, Key=key)
                self.assertEqual(g["Body"].read(), body)
                self.assertEqual(g["Metadata"], {"orig-len": str(len(key.encode()))})
                one = self.s3.list_objects_v2(Bucket=bucket, Prefix=key)
                self.assertIn(key, [o["Key"] for o in one.get("Contents", [])])

        # A few copies between awkward names.
        for src, dst in (("../x", "a//b/../c.copy"), ("日本語/ファイル", "%2F.copy")):
            with self.subTest(op="copy", key=src):
                self.s3.copy_object(Bucket=bucket, Key=dst,
                                    CopySource={"Bucket": bucket, "Key": src})
                self.assertEqual(self.s3.get_object(Bucket=bucket, Key=dst)["Body"].read(),
                                 bodies[src])

        self.assert_contained()

        for key in list(bodies) + ["a//b/../c.copy", "%2F.copy"]:
            with self.subTest(op="delete", key=key[:60]):
                self.s3.delete_object(Bucket=bucket, Key=key)
                self.assertClientError(lambda: self.s3.head_object(Bucket=bucket, Key=key),
                                       "404", 404)
        self.assertEqual(self.s3.list_objects_v2(Bucket=bucket)["KeyCount"], 0)
        self.assert_contained()

    def assert_contained(self):
        root = self.server.root
        self.assertEqual(sorted(os.listdir(root)), ["data"],
                         "nothing may be created next to the data directory")
        self.assertEqual(os.listdir(self.cwd), [], "nothing may be created in the working dir")
        self.assertFalse(os.path.exists(os.path.join("/tmp", TOKEN + "-abs")))
        for path in tree(self.server.data_dir):
            self.assertNotIn(TOKEN, path, f"a key became a path in the data dir: {path}")
            parts = path.split(os.sep)
            for seg in DISTINCTIVE_SEGMENTS:
                self.assertNotIn(seg, parts, f"key text used as a path: {path}")
        for entry in os.listdir(tempfile.gettempdir()):
            self.assertNotIn(TOKEN, entry)

    def test_key_too_long(self):
        bucket = self.new_bucket()
        self.assertEqual(len(KEY_1025.encode()), 1025)
        for key in (KEY_1025, "x" * 1025):
            with self.subTest(chars=len(key)):
                self.assertClientError(lambda: self.s3.put_object(Bucket=bucket, Key=key,
                                                                  Body=b"x"),
                                       "KeyTooLongError", 400)
        self.assertEqual(self.s3.list_objects_v2(Bucket=bucket)["KeyCount"], 0)

    def test_dot_segments_are_not_normalised(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="a/c", Body=b"plain a/c")
        self.s3.put_object(Bucket=bucket, Key="a//b/../c", Body=b"literal dots")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="a/c")["Body"].read(), b"plain a/c")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="a//b/../c")["Body"].read(),
                         b"literal dots")
        # Raw request: the path is taken literally, not resolved.
        r = self.server.signed("GET", f"/{bucket}/a//b/../c")
        self.assertEqual((r.status, r.body), (200, b"literal dots"), repr(r))


class Restart(harness.ServerTestCase):
    def assertCleanStop(self, sig=signal.SIGTERM):
        rc, clean = self.server.stop(sig=sig)
        self.assertTrue(clean, f"server did not exit within {harness.STOP_TIMEOUT}s of {sig!r}")
        self.assertEqual(rc, 0, f"exit status after {sig!r}")

    def snapshot(self, s3, bucket, key):
        h = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
        fields = {k: h.get(k) for k in (
            "ETag", "ContentLength", "ContentType", "Metadata", "StorageClass", "CacheControl",
            "ContentDisposition", "ContentLanguage", "ContentEncoding", "ExpiresString",
            "LastModified", "ChecksumCRC32", "ChecksumSHA256", "ChecksumType")}
        fields["Tags"] = sorted((t["Key"], t["Value"]) for t in
                                s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        fields["sha256"] = hashlib.sha256(body).hexdigest()
        return fields

    def test_restart_keeps_objects_and_their_attributes(self):
        s3 = self.server.client()
        bucket = harness.unique("durable")
        empty_bucket = harness.unique("empty")
        s3.create_bucket(Bucket=bucket)
        s3.create_bucket(Bucket=empty_bucket)
        plain = b"plain text object\n" * 50
        s3.put_object(Bucket=bucket, Key="plain.txt", Body=plain, ContentType="text/plain",
                      Metadata={"color": "blue", "owner": "team-a"}, CacheControl="no-store",
                      ContentDisposition='inline; filename="p.txt"', ContentLanguage="de",
                      Expires="Wed, 21 Oct 2037 07:28:00 GMT", StorageClass="STANDARD_IA",
                      Tagging="k1=v1&k2=v%202")
        s3.put_object(Bucket=bucket, Key="sha.bin", Body=os.urandom(30000),
                      ChecksumAlgorithm="SHA256", Metadata={"algo": "sha256"})
        s3.put_object(Bucket=bucket, Key="日本語/ファイル", Body="中身".encode(),
                      ContentType="text/plain; charset=utf-8")
        parts = [os.urandom(5 * MiB), os.urandom(1024)]
        uid = s3.create_multipart_upload(Bucket=bucket, Key="mp.bin",
                                         ContentType="application/x-mp",
                                         Metadata={"mp": "yes"})["UploadId"]
        etags = [s3.upload_part(Bucket=bucket, Key="mp.bin", UploadId=uid, PartNumber=i + 1,
                                Body=p)["ETag"] for i, p in enumerate(parts)]
        s3.complete_multipart_upload(Bucket=bucket, Key="mp.bin", UploadId=uid,
                                     MultipartUpload={"Parts": [
                                         {"PartNumber": i + 1, "ETag": e}
                                         for i, e in enumerate(etags)]})
        s3.put_object(Bucket=bucket, Key="overwritten", Body=b"version one")
        s3.put_object(Bucket=bucket, Key="overwritten", Body=b"version two")
        s3.put_object(Bucket=bucket, Key="deleted", Body=b"gone soon")
        s3.delete_object(Bucket=bucket, Key="deleted")

        keys = ["mp.bin", "overwritten", "plain.txt", "sha.bin", "日本語/ファイル"]
        before = {k: self.snapshot(s3, bucket, k) for k in keys}
        self.assertEqual(before["plain.txt"]["StorageClass"], "STANDARD_IA")
        self.assertEqual(before["plain.txt"]["ChecksumCRC32"], crc32_b64(plain))
        self.assertEqual(before["plain.txt"]["Tags"], [("k1", "v1"), ("k2", "v 2")])
        self.assertTrue(before["sha.bin"]["ChecksumSHA256"])
        self.assertEqual(before["mp.bin"]["ETag"], multipart_etag(parts))

        self.assertCleanStop()
        self.server.start()
        s3 = self.server.client()

        names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        self.assertIn(bucket, names)
        self.assertIn(empty_bucket, names)
        listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
        self.assertEqual(listed, utf8_sorted(keys))
        for k in keys:
            with self.subTest(key=k):
                self.assertEqual(self.snapshot(s3, bucket, k), before[k])
        self.assertEqual(s3.get_object(Bucket=bucket, Key="overwritten")["Body"].read(),
                         b"version two")
        self.assertClientError(lambda: s3.head_object(Bucket=bucket, Key="deleted"), "404", 404)
        self.assertEqual(s3.list_objects_v2(Bucket=empty_bucket)["KeyCount"], 0)

    def test_multipart_upload_in_progress_survives_restart(self):
        s3 = self.server.client()
        bucket = harness.unique("mpu-restart")
        s3.create_bucket(Bucket=bucket)
        p1, p2 = os.urandom(5 * MiB), os.urandom(4321)
        uid = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
        e1 = s3.upload_part(Bucket=bucket, Key="big", UploadId=uid, PartNumber=1,
                            Body=p1)["ETag"]
        self.assertCleanStop()
        self.server.start()
        s3 = self.server.client()
        ups = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        self.assertEqual([(u["Key"], u["UploadId"]) for u in ups], [("big", uid)])
        e2 = s3.upload_part(Bucket=bucket, Key="big", UploadId=uid, PartNumber=2,
                            Body=p2)["ETag"]
        listed = s3.list_parts(Bucket=bucket, Key="big", UploadId=uid)["Parts"]
        self.assertEqual([(p["PartNumber"], p["ETag"]) for p in listed], [(1, e1), (2, e2)])
        r = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=uid,
                                         MultipartUpload={"Parts": [
                                             {"PartNumber": 1, "ETag": e1},
                                             {"PartNumber": 2, "ETag": e2}]})
        self.assertEqual(r["ETag"], multipart_etag([p1, p2]))
        body = s3.get_object(Bucket=bucket, Key="big")["Body"].read()
        self.assertTrue(body == p1 + p2, "object assembled after restart differs")

    def test_sigint_shuts_down_cleanly(self):
        s3 = self.server.client()
        bucket = harness.unique("sigint")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"survives SIGINT")
        self.assertCleanStop(signal.SIGINT)
        self.server.start()
        s3 = self.server.client()
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"survives SIGINT")


class MemoryMode(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.cwd = tempfile.mkdtemp(prefix="bf-mem-")
        cls.addClassCleanup(shutil.rmtree, cls.cwd, True)
        cls.server = harness.Server(data_dir=":memory:", cwd=cls.cwd)
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.s3 = cls.server.client()

    def test_memory_mode_keeps_nothing(self):
        s3 = self.server.client()
        bucket = harness.unique("mem")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"in memory")
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"in memory")
        self.server.restart()
        s3 = self.server.client()
        self.assertEqual(s3.list_buckets()["Buckets"], [])
        self.assertClientError(lambda: s3.head_bucket(Bucket=bucket), "404", 404)
        self.assertEqual(os.listdir(self.cwd), [], "memory mode must not write files")


if __name__ == "__main__":
    unittest.main(testRunner=harness.Runner)
