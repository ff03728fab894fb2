"""The aws CLI (v1) against bucketfire: `aws s3` high-level commands and `aws s3api`."""

import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
import unittest

import harness
from harness import etag_of, multipart_etag

MiB = 1024 * 1024
ERROR_RE = re.compile(r"An error occurred \(([^)]+)\)")


def cli_error_code(proc):
    m = ERROR_RE.search(proc.stderr)
    return m.group(1) if m else None


class CliTestCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="bf-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def write(self, rel, data):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def read(self, p):
        with open(p, "rb") as f:
            return f.read()

    def keys(self, bucket, prefix=""):
        out = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                      Prefix=prefix):
            out += [o["Key"] for o in page.get("Contents", [])]
        return out

    def body(self, bucket, key):
        return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()

    def assertCliError(self, proc, code):
        self.assertNotEqual(proc.returncode, 0, f"expected {code}, CLI succeeded: {proc.stdout}")
        self.assertEqual(cli_error_code(proc), code, f"stderr: {proc.stderr}")


class AwsS3HighLevel(CliTestCase):
    def test_mb_ls_rb(self):
        bucket = harness.unique("cli-mb")
        out = self.server.aws("s3", "mb", f"s3://{bucket}").stdout
        self.assertIn(f"make_bucket: {bucket}", out)
        listing = self.server.aws("s3", "ls").stdout
        self.assertIn(bucket, listing.split(), listing)
        self.assertEqual(self.s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"],
                         200)

        self.write("f.txt", b"x")
        self.server.aws("s3", "cp", self.path("f.txt"), f"s3://{bucket}/f.txt")
        proc = self.server.aws("s3", "rb", f"s3://{bucket}", check=False)
        self.assertCliError(proc, "BucketNotEmpty")
        out = self.server.aws("s3", "rb", f"s3://{bucket}", "--force").stdout
        self.assertIn(f"remove_bucket: {bucket}", out)
        self.assertNotIn(bucket, self.server.aws("s3", "ls").stdout.split())
        self.assertClientError(lambda: self.s3.head_bucket(Bucket=bucket), "404", 404)

    def test_cp_ls_rm_single_file(self):
        bucket = self.new_bucket()
        data = os.urandom(123457)
        src = self.write("up.bin", data)
        out = self.server.aws("s3", "cp", "--no-progress", src, f"s3://{bucket}/dir/up.bin").stdout
        self.assertIn(f"upload: ", out)
        self.assertIn(f"s3://{bucket}/dir/up.bin", out)

        listing = self.server.aws("s3", "ls", f"s3://{bucket}/dir/").stdout
        line = [l for l in listing.splitlines() if l.endswith(" up.bin")]
        self.assertEqual(len(line), 1, listing)
        self.assertEqual(line[0].split()[2], str(len(data)), listing)
        root = self.server.aws("s3", "ls", f"s3://{bucket}").stdout
        self.assertIn("PRE dir/", root)

        head = self.s3.head_object(Bucket=bucket, Key="dir/up.bin")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], etag_of(data))

        dst = self.path("down.bin")
        self.server.aws("s3", "cp", "--no-progress", f"s3://{bucket}/dir/up.bin", dst)
        self.assertEqual(self.read(dst), data)

        out = self.server.aws("s3", "rm", f"s3://{bucket}/dir/up.bin").stdout
        self.assertIn(f"delete: s3://{bucket}/dir/up.bin", out)
        self.assertEqual(self.keys(bucket), [])

    def test_sync_cp_recursive_rm_recursive(self):
        bucket = self.new_bucket()
        files = {
            "a.txt": b"alpha\n",
            "b/b1.txt": b"beta one\n" * 10,
            "b/b2.bin": os.urandom(4096),
            "b/c/deep.txt": b"deep",
            "space name.txt": b"spaces",
        }
        for rel, data in files.items():
            self.write(os.path.join("src", rel), data)
        self.server.aws("s3", "sync", "--no-progress", self.path("src"), f"s3://{bucket}/sync")
        self.assertEqual(sorted(self.keys(bucket, "sync/")),
                         sorted("sync/" + k for k in files))
        for rel, data in files.items():
            self.assertEqual(self.body(bucket, "sync/" + rel), data, rel)

        # A second sync uploads only what changed (different size) or is new.
        self.write("src/b/b1.txt", b"beta one, longer now\n" * 10)
        self.write("src/new.txt", b"new file")
        out = self.server.aws("s3", "sync", "--no-progress", self.path("src"),
                              f"s3://{bucket}/sync").stdout
        uploaded = sorted(re.findall(r"upload: .* to s3://[^/]+/(\S.*)$", out, re.M))
        self.assertEqual(uploaded, ["sync/b/b1.txt", "sync/new.txt"], out)
        self.assertEqual(self.body(bucket, "sync/b/b1.txt"), b"beta one, longer now\n" * 10)

        # --delete removes what vanished locally.
        os.remove(self.path("src", "a.txt"))
        out = self.server.aws("s3", "sync", "--no-progress", "--delete", self.path("src"),
                              f"s3://{bucket}/sync").stdout
        self.assertIn(f"delete: s3://{bucket}/sync/a.txt", out)
        self.assertNotIn("sync/a.txt", self.keys(bucket, "sync/"))

        # Download the whole prefix and compare trees.
        self.server.aws("s3", "sync", "--no-progress", f"s3://{bucket}/sync", self.path("dst"))
        self._assert_same_tree(self.path("src"), self.path("dst"))

        # cp --recursive up and rm --recursive.
        self.server.aws("s3", "cp", "--no-progress", "--recursive", self.path("src"),
                        f"s3://{bucket}/copy")
        self.assertEqual(len(self.keys(bucket, "copy/")), 5)
        self.server.aws("s3", "cp", "--no-progress", "--recursive", f"s3://{bucket}/copy",
                        self.path("dst2"))
        self._assert_same_tree(self.path("src"), self.path("dst2"))
        out = self.server.aws("s3", "rm", "--recursive", f"s3://{bucket}/copy").stdout
        self.assertEqual(len(re.findall(r"^delete: ", out, re.M)), 5, out)
        self.assertEqual(self.keys(bucket, "copy/"), [])
        self.assertEqual(len(self.keys(bucket, "sync/")), 5)

    def _assert_same_tree(self, a, b):
        def tree(root):
            out = {}
            for d, _, fs in os.walk(root):
                for f in fs:
                    p = os.path.join(d, f)
                    out[os.path.relpath(p, root)] = self.read(p)
            return out
        ta, tb = tree(a), tree(b)
        self.assertEqual(sorted(ta), sorted(tb))
        for k in ta:
            self.assertEqual(ta[k], tb[k], k)

    def test_50mib_multipart_cp_round_trip(self):
        bucket = self.new_bucket()
        data = os.urandom(50 * MiB)
        src = self.write("big.bin", data)
        self.server.aws("s3", "cp", "--no-progress", src, f"s3://{bucket}/big.bin")
        head = self.s3.head_object(Bucket=bucket, Key="big.bin")
        self.assertEqual(head["ContentLength"], len(data))
        # The CLI splits above 8 MiB into 8 MiB parts: 7 parts for 50 MiB.
        parts = [data[i:i + 8 * MiB] for i in range(0, len(data), 8 * MiB)]
        self.assertEqual(head["ETag"], multipart_etag(parts))
        # The CLI uploads with CRC32 part checksums; the object's checksum must be consistent
        # with its declared type.
        cks = self.s3.head_object(Bucket=bucket, Key="big.bin", ChecksumMode="ENABLED")
        if cks.get("ChecksumType") == "FULL_OBJECT":
            self.assertEqual(cks.get("ChecksumCRC32"), harness.crc32_b64(data))
        else:
            self.assertEqual(cks.get("ChecksumType"), "COMPOSITE", cks)
            raw = b"".join(base64.b64decode(harness.crc32_b64(p)) for p in parts)
            self.assertEqual(cks.get("ChecksumCRC32"), f"{harness.crc32_b64(raw)}-{len(parts)}")
        dst = self.path("big.down")
        self.server.aws("s3", "cp", "--no-progress", f"s3://{bucket}/big.bin", dst)
        self.assertEqual(os.path.getsize(dst), len(data))
        self.assertEqual(hashlib.sha256(self.read(dst)).hexdigest(),
                         hashlib.sha256(data).hexdigest(), "downloaded bytes differ")
        self.assertEqual(self.server.aws("s3", "ls", f"s3://{bucket}/").returncode, 0)


class AwsS3Api(CliTestCase):
    def api(self, *args, **kw):
        return self.server.aws_json("s3api", *args, **kw)

    def api_fail(self, *args):
        return self.server.aws("s3api", *args, check=False)

    def test_bucket_operations(self):
        bucket = harness.unique("cli-api")
        out = self.api("create-bucket", "--bucket", bucket)
        self.assertEqual(out.get("Location"), f"/{bucket}")
        head = self.api("head-bucket", "--bucket", bucket)
        self.assertEqual(head.get("BucketRegion"), "us-east-1", head)
        listed = self.api("list-buckets")
        names = [b["Name"] for b in listed["Buckets"]]
        self.assertIn(bucket, names)
        entry = listed["Buckets"][names.index(bucket)]
        self.assertIn("CreationDate", entry)
        self.assertIn("Owner", listed)
        loc = self.api("get-bucket-location", "--bucket", bucket)
        self.assertIn("LocationConstraint", loc)
        self.assertIsNone(loc["LocationConstraint"])

        self.write("o", b"o")
        self.api("put-object", "--bucket", bucket, "--key", "o", "--body", self.path("o"))
        proc = self.api_fail("delete-bucket", "--bucket", bucket)
        self.assertCliError(proc, "BucketNotEmpty")
        self.api("delete-object", "--bucket", bucket, "--key", "o")
        self.server.aws("s3api", "delete-bucket", "--bucket", bucket)
        proc = self.api_fail("head-bucket", "--bucket", bucket)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(cli_error_code(proc), "404", proc.stderr)
        names = [b["Name"] for b in self.api("list-buckets")["Buckets"]]
        self.assertNotIn(bucket, names)
        proc = self.api_fail("delete-bucket", "--bucket", bucket)
        self.assertCliError(proc, "NoSuchBucket")

    def test_put_object_with_all_headers_and_head_object(self):
        import gzip
        bucket = self.new_bucket()
        data = gzip.compress(b"hello headers\n" * 100)
        p = self.write("readme.txt.gz", data)
        out = self.api("put-object", "--bucket", bucket, "--key", "docs/readme.txt",
                       "--body", p,
                       "--metadata", "author=ann,project=bucketfire",
                       "--content-type", "text/plain; charset=utf-8",
                       "--cache-control", "max-age=3600",
                       "--content-disposition", 'attachment; filename="readme.txt"',
                       "--content-encoding", "gzip",
                       "--content-language", "en-US",
                       "--expires", "2030-01-01T00:00:00Z",
                       "--storage-class", "STANDARD_IA",
                       "--tagging", "team=core&env=dev")
        self.assertEqual(out["ETag"], etag_of(data))

        head = self.api("head-object", "--bucket", bucket, "--key", "docs/readme.txt")
        self.assertEqual(head["ETag"], etag_of(data))
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ContentType"], "text/plain; charset=utf-8")
        self.assertEqual(head["CacheControl"], "max-age=3600")
        self.assertEqual(head["ContentDisposition"], 'attachment; filename="readme.txt"')
        self.assertEqual(head["ContentEncoding"], "gzip")
        self.assertEqual(head["ContentLanguage"], "en-US")
        self.assertEqual(head.get("ExpiresString"), "Tue, 01 Jan 2030 00:00:00 GMT", head)
        self.assertEqual(head["StorageClass"], "STANDARD_IA")
        self.assertEqual(head["Metadata"], {"author": "ann", "project": "bucketfire"})
        self.assertIn("LastModified", head)

        dst = self.path("got.gz")
        got = self.api("get-object", "--bucket", bucket, "--key", "docs/readme.txt", dst)
        self.assertEqual(self.read(dst), data, "stored bytes must be the uploaded gzip bytes")
        self.assertEqual(got.get("TagCount"), 2, got)
        self.assertEqual(got["ContentEncoding"], "gzip")
        self.assertEqual(got["Metadata"], {"author": "ann", "project": "bucketfire"})
        tags = self.api("get-object-tagging", "--bucket", bucket, "--key", "docs/readme.txt")
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags["TagSet"]),
                         [("env", "dev"), ("team", "core")])

    def test_get_object_range(self):
        bucket = self.new_bucket()
        data = bytes(range(256)) * 4
        self.api("put-object", "--bucket", bucket, "--key", "r", "--body", self.write("r", data))
        dst = self.path("r.part")
        out = self.api("get-object", "--bucket", bucket, "--key", "r", "--range", "bytes=0-9",
                       dst)
        self.assertEqual(self.read(dst), data[:10])
        self.assertEqual(out["ContentRange"], f"bytes 0-9/{len(data)}")
        self.assertEqual(out["ContentLength"], 10)
        out = self.api("get-object", "--bucket", bucket, "--key", "r", "--range", "bytes=1000-",
                       dst)
        self.assertEqual(self.read(dst), data[1000:])
        self.assertEqual(out["ContentRange"], f"bytes 1000-1023/{len(data)}")

    def test_copy_object_directives(self):
        bucket = self.new_bucket()
        data = b"copy me " * 100
        self.api("put-object", "--bucket", bucket, "--key", "src", "--body",
                 self.write("src", data), "--metadata", "a=1", "--content-type", "text/x-src",
                 "--tagging", "k=v")

        out = self.api("copy-object", "--bucket", bucket, "--key", "dst",
                       "--copy-source", f"{bucket}/src")
        self.assertEqual(out["CopyObjectResult"]["ETag"], etag_of(data))
        self.assertIn("LastModified", out["CopyObjectResult"])
        head = self.api("head-object", "--bucket", bucket, "--key", "dst")
        self.assertEqual(head["Metadata"], {"a": "1"})
        self.assertEqual(head["ContentType"], "text/x-src")
        self.assertEqual(head["ETag"], etag_of(data))
        tags = self.api("get-object-tagging", "--bucket", bucket, "--key", "dst")["TagSet"]
        self.assertEqual(tags, [{"Key": "k", "Value": "v"}])
        self.assertEqual(self.body(bucket, "dst"), data)

        other = self.new_bucket()
        self.api("copy-object", "--bucket", other, "--key", "dst2",
                 "--copy-source", f"{bucket}/src", "--metadata-directive", "REPLACE",
                 "--metadata", "b=2", "--content-type", "application/json")
        head = self.api("head-object", "--bucket", other, "--key", "dst2")
        self.assertEqual(head["Metadata"], {"b": "2"})
        self.assertEqual(head["ContentType"], "application/json")
        self.assertEqual(self.body(other, "dst2"), data)

        proc = self.api_fail("copy-object", "--bucket", bucket, "--key", "src",
                             "--copy-source", f"{bucket}/src")
        self.assertCliError(proc, "InvalidRequest")

        out = self.api("copy-object", "--bucket", bucket, "--key", "src",
                       "--copy-source", f"{bucket}/src", "--metadata-directive", "REPLACE",
                       "--metadata", "c=3", "--content-type", "text/x-new")
        self.assertEqual(out["CopyObjectResult"]["ETag"], etag_of(data))
        head = self.api("head-object", "--bucket", bucket, "--key", "src")
        self.assertEqual(head["Metadata"], {"c": "3"})
        self.assertEqual(head["ContentType"], "text/x-new")
        self.assertEqual(self.body(bucket, "src"), data)

        proc = self.api_fail("copy-object", "--bucket", bucket, "--key", "x",
                             "--copy-source", f"{bucket}/missing")
        self.assertCliError(proc, "NoSuchKey")

    def test_delete_object_and_delete_objects(self):
        bucket = self.new_bucket()
        for k in ("a", "b", "c"):
            self.api("put-object", "--bucket", bucket, "--key", k, "--body", self.write(k, b"1"))
        self.api("delete-object", "--bucket", bucket, "--key", "a")
        proc = self.api_fail("head-object", "--bucket", bucket, "--key", "a")
        self.assertEqual(cli_error_code(proc), "404", proc.stderr)
        # Deleting a missing key succeeds (204).
        self.api("delete-object", "--bucket", bucket, "--key", "a")

        out = self.api("delete-objects", "--bucket", bucket, "--delete",
                       json.dumps({"Objects": [{"Key": "b"}, {"Key": "c"}, {"Key": "nope"}],
                                   "Quiet": False}))
        self.assertEqual(sorted(d["Key"] for d in out.get("Deleted", [])), ["b", "c", "nope"],
                         out)
        self.assertFalse(out.get("Errors"), out)
        self.assertEqual(self.keys(bucket), [])

    def test_list_objects_v1_v2_and_versions(self):
        bucket = self.new_bucket()
        keys = ["a.txt", "dir/b.txt", "dir/c.txt", "dir/sub/d.txt", "z.txt"]
        for k in keys:
            self.api("put-object", "--bucket", bucket, "--key", k,
                     "--body", self.write("body", k.encode()))

        v1 = self.api("list-objects", "--bucket", bucket)
        self.assertEqual([o["Key"] for o in v1["Contents"]], keys)
        self.assertEqual([o["Size"] for o in v1["Contents"]], [len(k) for k in keys])
        self.assertEqual([o["ETag"] for o in v1["Contents"]], [etag_of(k.encode()) for k in keys])
        v1d = self.api("list-objects", "--bucket", bucket, "--delimiter", "/")
        self.assertEqual([o["Key"] for o in v1d["Contents"]], ["a.txt", "z.txt"])
        self.assertEqual(v1d["CommonPrefixes"], [{"Prefix": "dir/"}])

        v2 = self.api("list-objects-v2", "--bucket", bucket, "--prefix", "dir/",
                      "--delimiter", "/", "--no-paginate")
        self.assertEqual([o["Key"] for o in v2["Contents"]], ["dir/b.txt", "dir/c.txt"])
        self.assertEqual(v2["CommonPrefixes"], [{"Prefix": "dir/sub/"}])
        self.assertEqual(v2["KeyCount"], 3)
        self.assertEqual(v2["Prefix"], "dir/")
        self.assertEqual(v2["Delimiter"], "/")

        # Small pages: the CLI follows continuation tokens and merges every page.
        paged = self.api("list-objects-v2", "--bucket", bucket, "--page-size", "2")
        self.assertEqual([o["Key"] for o in paged["Contents"]], keys)
        paged1 = self.api("list-objects", "--bucket", bucket, "--page-size", "2")
        self.assertEqual([o["Key"] for o in paged1["Contents"]], keys)

        versions = self.api("list-object-versions", "--bucket", bucket)
        self.assertEqual([v["Key"] for v in versions["Versions"]], keys)
        for v in versions["Versions"]:
            self.assertEqual(v["VersionId"], "null", v)
            self.assertTrue(v["IsLatest"], v)
            self.assertEqual(v["ETag"], etag_of(v["Key"].encode()))
        self.assertFalse(versions.get("DeleteMarkers"), versions)

    def test_multipart_by_hand(self):
        bucket = self.new_bucket()
        part1 = os.urandom(5 * MiB)
        source = os.urandom(6 * MiB)
        part3 = os.urandom(1000)
        self.api("put-object", "--bucket", bucket, "--key", "source",
                 "--body", self.write("source", source))

        init = self.api("create-multipart-upload", "--bucket", bucket, "--key", "mp/obj",
                        "--content-type", "application/x-test", "--metadata", "m=1")
        self.assertEqual(init["Bucket"], bucket)
        self.assertEqual(init["Key"], "mp/obj")
        upload_id = init["UploadId"]
        self.assertTrue(upload_id)

        r1 = self.api("upload-part", "--bucket", bucket, "--key", "mp/obj", "--part-number", "1",
                      "--upload-id", upload_id, "--body", self.write("p1", part1))
        self.assertEqual(r1["ETag"], etag_of(part1))
        r2 = self.api("upload-part-copy", "--bucket", bucket, "--key", "mp/obj",
                      "--part-number", "2", "--upload-id", upload_id,
                      "--copy-source", f"{bucket}/source",
                      "--copy-source-range", f"bytes=0-{5 * MiB - 1}")
        self.assertEqual(r2["CopyPartResult"]["ETag"], etag_of(source[:5 * MiB]))
        r3 = self.api("upload-part", "--bucket", bucket, "--key", "mp/obj", "--part-number", "3",
                      "--upload-id", upload_id, "--body", self.write("p3", part3))
        self.assertEqual(r3["ETag"], etag_of(part3))

        parts = self.api("list-parts", "--bucket", bucket, "--key", "mp/obj",
                         "--upload-id", upload_id, "--no-paginate")
        self.assertEqual([(p["PartNumber"], p["Size"], p["ETag"]) for p in parts["Parts"]],
                         [(1, 5 * MiB, etag_of(part1)), (2, 5 * MiB, etag_of(source[:5 * MiB])),
                          (3, 1000, etag_of(part3))])
        self.assertEqual(parts["UploadId"], upload_id)

        uploads = self.api("list-multipart-uploads", "--bucket", bucket)
        self.assertIn((upload_id, "mp/obj"),
                      [(u["UploadId"], u["Key"]) for u in uploads.get("Uploads", [])])

        spec = {"Parts": [{"PartNumber": 1, "ETag": r1["ETag"]},
                          {"PartNumber": 2, "ETag": r2["CopyPartResult"]["ETag"]},
                          {"PartNumber": 3, "ETag": r3["ETag"]}]}
        done = self.api("complete-multipart-upload", "--bucket", bucket, "--key", "mp/obj",
                        "--upload-id", upload_id, "--multipart-upload", json.dumps(spec))
        expected = part1 + source[:5 * MiB] + part3
        self.assertEqual(done["ETag"], multipart_etag([part1, source[:5 * MiB], part3]))
        self.assertEqual(done["Key"], "mp/obj")
        self.assertEqual(done["Bucket"], bucket)
        head = self.api("head-object", "--bucket", bucket, "--key", "mp/obj")
        self.assertEqual(head["ContentLength"], len(expected))
        self.assertEqual(head["ContentType"], "application/x-test")
        self.assertEqual(head["Metadata"], {"m": "1"})
        self.assertEqual(head["ETag"], done["ETag"])
        dst = self.path("mp.out")
        self.api("get-object", "--bucket", bucket, "--key", "mp/obj", dst)
        self.assertTrue(self.read(dst) == expected, "completed object bytes differ")
        uploads = self.api("list-multipart-uploads", "--bucket", bucket)
        self.assertNotIn(upload_id, [u["UploadId"] for u in uploads.get("Uploads", [])])

        # Abort.
        init = self.api("create-multipart-upload", "--bucket", bucket, "--key", "mp/aborted")
        aborted = init["UploadId"]
        self.api("upload-part", "--bucket", bucket, "--key", "mp/aborted", "--part-number", "1",
                 "--upload-id", aborted, "--body", self.path("p3"))
        self.server.aws("s3api", "abort-multipart-upload", "--bucket", bucket,
                        "--key", "mp/aborted", "--upload-id", aborted)
        proc = self.api_fail("list-parts", "--bucket", bucket, "--key", "mp/aborted",
                             "--upload-id", aborted)
        self.assertCliError(proc, "NoSuchUpload")
        uploads = self.api("list-multipart-uploads", "--bucket", bucket)
        self.assertNotIn(aborted, [u["UploadId"] for u in uploads.get("Uploads", [])])
        proc = self.api_fail("head-object", "--bucket", bucket, "--key", "mp/aborted")
        self.assertEqual(cli_error_code(proc), "404", proc.stderr)

    def test_object_tagging(self):
        bucket = self.new_bucket()
        self.api("put-object", "--bucket", bucket, "--key", "t", "--body", self.write("t", b"t"))
        self.assertEqual(self.api("get-object-tagging", "--bucket", bucket, "--key", "t")["TagSet"],
                         [])
        tagset = [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "a b/c=d"}]
        self.api("put-object-tagging", "--bucket", bucket, "--key", "t",
                 "--tagging", json.dumps({"TagSet": tagset}))
        got = self.api("get-object-tagging", "--bucket", bucket, "--key", "t")["TagSet"]
        self.assertEqual(sorted(got, key=lambda t: t["Key"]), tagset)
        self.api("delete-object-tagging", "--bucket", bucket, "--key", "t")
        self.assertEqual(self.api("get-object-tagging", "--bucket", bucket, "--key", "t")["TagSet"],
                         [])
        proc = self.api_fail("put-object-tagging", "--bucket", bucket, "--key", "missing",
                             "--tagging", json.dumps({"TagSet": tagset}))
        self.assertCliError(proc, "NoSuchKey")


if __name__ == "__main__":
    unittest.main(testRunner=harness.Runner)
