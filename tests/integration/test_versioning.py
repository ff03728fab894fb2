"""Bucket versioning with boto3 and the aws CLI: version ids on every write path, reads and
deletes by version, delete markers, ListObjectVersions paging, Suspended buckets, and no
x-amz-version-id header at all on a bucket that was never versioned."""

import hashlib
import unittest

import harness

MiB = 1024 * 1024


class Versioning(harness.ServerTestCase):
    def versioned_bucket(self):
        bucket = self.new_bucket()
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        return bucket

    def test_never_versioned_bucket_sends_no_version_header(self):
        bucket = self.new_bucket()
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket=bucket))
        put = self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        self.assertNotIn("x-amz-version-id", put["ResponseMetadata"]["HTTPHeaders"])
        get = self.s3.get_object(Bucket=bucket, Key="k")
        self.assertNotIn("x-amz-version-id", get["ResponseMetadata"]["HTTPHeaders"])
        deleted = self.s3.delete_object(Bucket=bucket, Key="k")
        self.assertNotIn("x-amz-version-id", deleted["ResponseMetadata"]["HTTPHeaders"])
        # Objects of a never-versioned bucket are listed as version "null".
        self.s3.put_object(Bucket=bucket, Key="n", Body=b"y")
        versions = self.s3.list_object_versions(Bucket=bucket)["Versions"]
        self.assertEqual([(v["Key"], v["VersionId"], v["IsLatest"]) for v in versions], [("n", "null", True)])

    def test_versions_and_delete_markers(self):
        bucket = self.versioned_bucket()
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=bucket)["Status"], "Enabled")
        v1 = self.s3.put_object(Bucket=bucket, Key="doc", Body=b"one")["VersionId"]
        v2 = self.s3.put_object(Bucket=bucket, Key="doc", Body=b"two")["VersionId"]
        self.assertNotEqual(v1, v2)
        self.assertNotEqual(v1, "null")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="doc")["Body"].read(), b"two")
        got = self.s3.get_object(Bucket=bucket, Key="doc", VersionId=v1)
        self.assertEqual((got["Body"].read(), got["VersionId"]), (b"one", v1))
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="doc", VersionId=v2)["ContentLength"], 3)

        # A plain delete adds a marker; the key then reads as missing, old versions stay.
        d = self.s3.delete_object(Bucket=bucket, Key="doc")
        self.assertTrue(d["DeleteMarker"])
        marker = d["VersionId"]
        self.assertClientError(lambda: self.s3.get_object(Bucket=bucket, Key="doc"), "NoSuchKey", 404)
        r = self.server.signed("GET", f"/{bucket}/doc")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("x-amz-delete-marker"), "true")
        self.assertEqual(r.header("x-amz-version-id"), marker)
        r = self.server.signed("GET", f"/{bucket}/doc", query=[("versionId", marker)])
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("x-amz-delete-marker"), "true")
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket=bucket))

        listing = self.s3.list_object_versions(Bucket=bucket)
        self.assertEqual([(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]], [(marker, True)])
        self.assertEqual([(v["VersionId"], v["IsLatest"]) for v in listing["Versions"]],
                         [(v2, False), (v1, False)])

        # Removing the marker by version id brings the newest version back.
        d = self.s3.delete_object(Bucket=bucket, Key="doc", VersionId=marker)
        self.assertTrue(d["DeleteMarker"])
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="doc")["Body"].read(), b"two")
        # Removing the current version for good makes the previous one current.
        self.s3.delete_object(Bucket=bucket, Key="doc", VersionId=v2)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="doc")["Body"].read(), b"one")
        self.assertClientError(lambda: self.s3.get_object(Bucket=bucket, Key="doc", VersionId=v2),
                               "NoSuchVersion", 404)

    def test_write_paths_return_version_ids(self):
        bucket = self.versioned_bucket()
        src = self.s3.put_object(Bucket=bucket, Key="src", Body=b"source")["VersionId"]
        copy = self.s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
        self.assertNotEqual(copy["VersionId"], "null")
        self.assertEqual(copy["CopySourceVersionId"], src)
        # Copy of an older version by id.
        self.s3.put_object(Bucket=bucket, Key="src", Body=b"newer")
        self.s3.copy_object(Bucket=bucket, Key="old", CopySource={"Bucket": bucket, "Key": "src", "VersionId": src})
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="old")["Body"].read(), b"source")
        # Multipart completion.
        up = self.s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
        part = self.s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1, Body=b"p" * 10)
        done = self.s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up,
                                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.assertNotEqual(done["VersionId"], "null")
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="mp")["VersionId"], done["VersionId"])

    def test_post_form_upload_gets_a_version(self):
        bucket = self.versioned_bucket()
        post = self.s3.generate_presigned_post(bucket, "form.txt", ExpiresIn=600)
        boundary = "----bfversioning"
        body = b""
        for name, value in post["fields"].items():
            body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                     f"{value}\r\n").encode()
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\n"
                 ).encode() + b"form bytes" + f"\r\n--{boundary}--\r\n".encode()
        r = self.server.raw("POST", f"/{bucket}", {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body)
        self.assertEqual(r.status, 204, r)
        version = r.header("x-amz-version-id")
        self.assertTrue(version and version != "null", r)
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="form.txt")["VersionId"], version)

    def test_versions_survive_kill_9(self):
        bucket = self.versioned_bucket()
        ids = [self.s3.put_object(Bucket=bucket, Key="k", Body=f"v{i}".encode())["VersionId"] for i in range(3)]
        marker = self.s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
        self.server.kill9()
        self.server.start()
        s3 = self.server.client()
        listing = s3.list_object_versions(Bucket=bucket)
        self.assertEqual([v["VersionId"] for v in listing["Versions"]], list(reversed(ids)))
        self.assertEqual([(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]], [(marker, True)])
        for i, v in enumerate(ids):
            self.assertEqual(s3.get_object(Bucket=bucket, Key="k", VersionId=v)["Body"].read(), f"v{i}".encode())
        self.__class__.s3 = s3

    def test_objects_from_before_versioning_are_null_versions(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"before")
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="k")["VersionId"], "null")
        v = self.s3.put_object(Bucket=bucket, Key="k", Body=b"after")["VersionId"]
        versions = self.s3.list_object_versions(Bucket=bucket)["Versions"]
        self.assertEqual([(x["VersionId"], x["IsLatest"]) for x in versions], [(v, True), ("null", False)])
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read(), b"before")

    def test_suspended_overwrites_the_null_version(self):
        bucket = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=bucket, Key="k", Body=b"kept")["VersionId"]
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
        # S3 answers a write to a Suspended bucket without the null version's id (CopyObject
        # aside), while reads of it name "null".
        self.assertNotIn("VersionId", self.s3.put_object(Bucket=bucket, Key="k", Body=b"n1"))
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
        etag = self.s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"p")["ETag"]
        done = self.s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        self.assertNotIn("VersionId", done)
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="mp")["VersionId"], "null")
        self.s3.delete_object(Bucket=bucket, Key="mp", VersionId="null")
        self.assertEqual(self.s3.copy_object(Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"},
                                             MetadataDirective="REPLACE")["VersionId"], "null")
        self.assertNotIn("VersionId", self.s3.put_object(Bucket=bucket, Key="k", Body=b"n2"))
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="k")["VersionId"], "null")
        versions = self.s3.list_object_versions(Bucket=bucket)["Versions"]
        self.assertEqual([x["VersionId"] for x in versions], ["null", v1])
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"n2")
        d = self.s3.delete_object(Bucket=bucket, Key="k")
        self.assertEqual((d["DeleteMarker"], d["VersionId"]), (True, "null"))
        listing = self.s3.list_object_versions(Bucket=bucket)
        self.assertEqual([x["VersionId"] for x in listing["Versions"]], [v1])
        self.assertEqual([x["VersionId"] for x in listing["DeleteMarkers"]], ["null"])

    def test_list_versions_paging_prefix_and_delimiter(self):
        bucket = self.versioned_bucket()
        expected = []
        for key in ["a/1", "a/2", "b", "c/x"]:
            ids = [self.s3.put_object(Bucket=bucket, Key=key, Body=key.encode() * n)["VersionId"] for n in (1, 2, 3)]
            expected += [(key, i) for i in reversed(ids)]
        seen = []
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 5}):
            seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        self.assertEqual(seen, expected)
        top = self.s3.list_object_versions(Bucket=bucket, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in top["CommonPrefixes"]], ["a/", "c/"])
        self.assertEqual({v["Key"] for v in top["Versions"]}, {"b"})
        self.assertEqual(len(self.s3.list_object_versions(Bucket=bucket, Prefix="a/")["Versions"]), 6)

    def test_delete_objects_with_version_ids(self):
        bucket = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"2")
        result = self.s3.delete_objects(Bucket=bucket, Delete={"Objects": [
            {"Key": "k", "VersionId": v1}, {"Key": "k"}]})
        by_version = {d.get("VersionId"): d for d in result["Deleted"]}
        self.assertIn(v1, by_version)
        marker = by_version[None]
        self.assertTrue(marker["DeleteMarker"])
        self.assertTrue(marker["DeleteMarkerVersionId"])
        listing = self.s3.list_object_versions(Bucket=bucket)
        self.assertEqual(len(listing["Versions"]), 1)
        self.assertEqual(len(listing["DeleteMarkers"]), 1)
        # A bucket holding versions is not empty; removing every version empties it.
        self.assertClientError(lambda: self.s3.delete_bucket(Bucket=bucket), "BucketNotEmpty", 409)
        for v in listing["Versions"] + listing["DeleteMarkers"]:
            self.s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
        self.s3.delete_bucket(Bucket=bucket)

    def test_versions_survive_restart(self):
        bucket = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=bucket, Key="k", Body=b"first")["VersionId"]
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"second")
        self.s3.delete_object(Bucket=bucket, Key="k")
        self.server.restart()
        s3 = self.server.client()
        listing = s3.list_object_versions(Bucket=bucket)
        self.assertEqual(len(listing["Versions"]), 2)
        self.assertTrue(listing["DeleteMarkers"][0]["IsLatest"])
        self.assertEqual(s3.get_object(Bucket=bucket, Key="k", VersionId=v1)["Body"].read(), b"first")
        v3 = s3.put_object(Bucket=bucket, Key="k", Body=b"third")["VersionId"]
        self.assertEqual(s3.list_object_versions(Bucket=bucket)["Versions"][0]["VersionId"], v3)
        self.__class__.s3 = s3

    def test_aws_cli(self):
        bucket = self.new_bucket()
        self.server.aws("s3api", "put-bucket-versioning", "--bucket", bucket,
                        "--versioning-configuration", "Status=Enabled")
        out = self.server.aws_json("s3api", "get-bucket-versioning", "--bucket", bucket)
        self.assertEqual(out["Status"], "Enabled")
        path = f"{self.server.root}/v.txt"
        for body in (b"cli-1", b"cli-2"):
            with open(path, "wb") as f:
                f.write(body)
            self.server.aws("s3", "cp", path, f"s3://{bucket}/v.txt")
        versions = self.server.aws_json("s3api", "list-object-versions", "--bucket", bucket)["Versions"]
        self.assertEqual(len(versions), 2)
        self.assertEqual(sum(v["IsLatest"] for v in versions), 1)


if __name__ == "__main__":
    unittest.main(testRunner=harness.Runner)
