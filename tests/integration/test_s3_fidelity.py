"""S3 behaviours a conformance suite checks, each against boto3 or raw HTTP: listing edges
(max-keys=0, an empty continuation token, encoding-type=url with control characters),
CompleteMultipartUpload answered again for a retry, GET/HEAD by partNumber, UploadPartCopy's
range checks, GetObjectAttributes, per-part checksums, Content-Encoding kept as sent beside aws-chunked, metadata
beyond US-ASCII, Expect: 100-continue."""

import base64
import hashlib
import socket
import unittest

import harness

MIB = 1024 * 1024


class S3Fidelity(harness.ServerTestCase):

    def multipart(self, bucket, key, sizes, **create):
        """A completed multipart object of parts of these sizes; its parts' bodies and the
        Complete request's parts."""
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
        bodies, parts = [], []
        for n, size in enumerate(sizes, start=1):
            body = bytes([64 + n]) * size
            extra = {"ChecksumAlgorithm": create["ChecksumAlgorithm"]} if "ChecksumAlgorithm" in create else {}
            answer = self.s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=n, Body=body, **extra)
            part = {"PartNumber": n, "ETag": answer["ETag"]}
            for name in ("ChecksumCRC32", "ChecksumSHA256"):
                if name in answer:
                    part[name] = answer[name]
            bodies.append(body)
            parts.append(part)
        done = self.s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload,
                                                 MultipartUpload={"Parts": parts})
        return upload, bodies, parts, done

    def test_listing_edges(self):
        bucket = self.new_bucket()
        keys = ["a", "ctl\x01key", "ctl\x1fz", "dir/x", "space key"]
        for key in keys:
            self.s3.put_object(Bucket=bucket, Key=key, Body=b"x")
        for call in (self.s3.list_objects_v2, self.s3.list_objects):
            page = call(Bucket=bucket, MaxKeys=0)
            self.assertEqual((page["IsTruncated"], page.get("Contents")), (False, None))
        # An empty continuation token is the first page, echoed back.
        page = self.s3.list_objects_v2(Bucket=bucket, ContinuationToken="")
        self.assertEqual((page["ContinuationToken"], [o["Key"] for o in page["Contents"]]), ("", keys))
        # Control characters survive only URL-encoded; boto3 asks for that and decodes.
        page = self.s3.list_objects_v2(Bucket=bucket, Prefix="ctl\x01", StartAfter="a", Delimiter="/")
        self.assertEqual([o["Key"] for o in page["Contents"]], ["ctl\x01key"])
        self.assertEqual((page["Prefix"], page["StartAfter"]), ("ctl\x01", "a"))
        raw = self.server.signed("GET", f"/{bucket}", query=[("list-type", "2"), ("encoding-type", "url"),
                                                              ("prefix", "ctl"), ("start-after", "ctl\x01key")])
        self.assertIn(b"<Key>ctl%1Fz</Key>", raw.body)
        self.assertIn(b"<StartAfter>ctl%01key</StartAfter>", raw.body)

    def test_complete_multipart_upload_answers_a_retry_as_the_first_time(self):
        bucket = self.new_bucket()
        upload, _, parts, done = self.multipart(bucket, "retried", [5 * MIB, 10])
        again = self.s3.complete_multipart_upload(Bucket=bucket, Key="retried", UploadId=upload,
                                                  MultipartUpload={"Parts": parts})
        self.assertEqual((again["ETag"], again["Key"]), (done["ETag"], "retried"))
        # Other parts than the ones it was made of: the upload is gone.
        self.assertClientError(lambda: self.s3.complete_multipart_upload(
            Bucket=bucket, Key="retried", UploadId=upload, MultipartUpload={"Parts": parts[:1]}), "NoSuchUpload", 404)

    def test_get_and_head_by_part_number(self):
        bucket = self.new_bucket()
        _, bodies, _, _ = self.multipart(bucket, "parts", [5 * MIB, 5 * MIB, 7])
        second = self.s3.get_object(Bucket=bucket, Key="parts", PartNumber=2)
        self.assertEqual(second["Body"].read(), bodies[1])
        self.assertEqual((second["PartsCount"], second["ContentRange"], second["ResponseMetadata"]["HTTPStatusCode"]),
                         (3, f"bytes {5 * MIB}-{10 * MIB - 1}/{10 * MIB + 7}", 206))
        head = self.s3.head_object(Bucket=bucket, Key="parts", PartNumber=3)
        self.assertEqual((head["ContentLength"], head["PartsCount"]), (7, 3))
        self.assertNotIn("PartsCount", self.s3.head_object(Bucket=bucket, Key="parts"))
        self.assertClientError(lambda: self.s3.get_object(Bucket=bucket, Key="parts", PartNumber=4), "InvalidPartNumber", 416)
        self.assertClientError(lambda: self.s3.get_object(Bucket=bucket, Key="parts", PartNumber=1, Range="bytes=0-1"),
                               "InvalidRequest", 400)
        raw = self.server.signed("GET", f"/{bucket}/parts", query=[("partNumber", "0")])
        self.assertEqual(raw.status, 400)
        self.assertIn(b"<Code>InvalidArgument</Code>", raw.body)
        # A single-part object is its own part 1 and has no other.
        self.s3.put_object(Bucket=bucket, Key="single", Body=b"whole")
        single = self.s3.get_object(Bucket=bucket, Key="single", PartNumber=1, ChecksumMode="ENABLED")
        self.assertEqual((single["Body"].read(), single["ContentRange"], single["ResponseMetadata"]["HTTPStatusCode"]),
                         (b"whole", "bytes 0-4/5", 206))
        self.assertIn("ChecksumCRC32", single)  # the part is the whole object
        self.assertNotIn("PartsCount", single)
        self.assertClientError(lambda: self.s3.head_object(Bucket=bucket, Key="single", PartNumber=2), "416", 416)
        raw = self.server.signed("GET", f"/{bucket}/parts", query=[("partNumber", "9")])
        self.assertEqual(raw.status, 416)
        self.assertIn(b"<PartNumberRequested>9</PartNumberRequested>", raw.body)
        self.assertIn(b"<ActualPartCount>3</ActualPartCount>", raw.body)

    def test_part_checksums(self):
        bucket = self.new_bucket()
        # A composite checksum is the checksum of the parts' checksums; each part answers its own.
        _, bodies, _, done = self.multipart(bucket, "composite", [5 * MIB, 5 * MIB, 3], ChecksumAlgorithm="SHA256")
        digests = [hashlib.sha256(b).digest() for b in bodies]
        composite = base64.b64encode(hashlib.sha256(b"".join(digests)).digest()).decode()
        self.assertEqual(done["ChecksumSHA256"], composite + "-3")
        whole = self.s3.head_object(Bucket=bucket, Key="composite", ChecksumMode="ENABLED")
        self.assertEqual((whole["ChecksumSHA256"], whole["ChecksumType"]), (composite + "-3", "COMPOSITE"))
        for number in (1, 3):
            with self.subTest(part=number):
                got = self.s3.get_object(Bucket=bucket, Key="composite", PartNumber=number, ChecksumMode="ENABLED")
                self.assertEqual(got["Body"].read(), bodies[number - 1])
                self.assertEqual((got["ChecksumSHA256"], got["ChecksumType"]),
                                 (base64.b64encode(digests[number - 1]).decode(), "COMPOSITE"))
        self.assertNotIn("ChecksumSHA256", self.s3.head_object(Bucket=bucket, Key="composite", PartNumber=2))
        # A copy is written whole: its part 1 is all of it, with none of the source's parts.
        self.s3.copy_object(Bucket=bucket, Key="copied", CopySource={"Bucket": bucket, "Key": "composite"})
        copied = self.s3.head_object(Bucket=bucket, Key="copied", PartNumber=1, ChecksumMode="ENABLED")
        self.assertEqual((copied["ContentLength"], copied.get("ChecksumSHA256")), (10 * MIB + 3, None))
        self.assertNotIn("ObjectParts", self.s3.get_object_attributes(Bucket=bucket, Key="copied",
                                                                      ObjectAttributes=["ObjectParts"]))
        # A full-object checksum has no per-part checksums to answer: a part of it gets none.
        self.multipart(bucket, "full", [5 * MIB, 5 * MIB, 3], ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
        part = self.s3.get_object(Bucket=bucket, Key="full", PartNumber=2, ChecksumMode="ENABLED")
        self.assertEqual(part["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertNotIn("ChecksumCRC32", part)
        self.assertNotIn("ChecksumType", part)
        attrs = self.s3.get_object_attributes(Bucket=bucket, Key="full", ObjectAttributes=["Checksum", "ObjectParts"])
        self.assertEqual(attrs["ObjectParts"], {"TotalPartsCount": 3})
        self.assertEqual(attrs["Checksum"]["ChecksumType"], "FULL_OBJECT")

    def test_upload_part_copy_ranges_are_checked(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="source", Body=b"0123456789")
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="copy")["UploadId"]

        def copy(spec):
            return self.s3.upload_part_copy(Bucket=bucket, Key="copy", UploadId=upload, PartNumber=1,
                                            CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange=spec)
        for bad in ("bytes=0-10", "bytes=5-2", "bytes=a-3", "bytes=-3", "bytes= 1-2", "0-3"):
            with self.subTest(range=bad):
                self.assertClientError(lambda: copy(bad), "InvalidArgument", 400)
        copy("bytes=2-5")
        self.s3.complete_multipart_upload(Bucket=bucket, Key="copy", UploadId=upload, MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": self.s3.list_parts(Bucket=bucket, Key="copy", UploadId=upload)["Parts"][0]["ETag"]}]})
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="copy")["Body"].read(), b"2345")

    def test_get_object_attributes(self):
        bucket = self.new_bucket()
        self.multipart(bucket, "attrs", [5 * MIB, 5 * MIB, 3], ChecksumAlgorithm="SHA256")
        everything = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
        got = self.s3.get_object_attributes(Bucket=bucket, Key="attrs", ObjectAttributes=everything, MaxParts=2)
        self.assertRegex(got["ETag"], r"^[0-9a-f]{32}-3$")  # unquoted, as AWS answers it
        self.assertEqual(got["Checksum"]["ChecksumType"], "COMPOSITE")
        # The composite checksum without the "-3" that GET, HEAD and Complete give it (as S3 answers).
        self.assertRegex(got["Checksum"]["ChecksumSHA256"], r"^[A-Za-z0-9+/]{43}=$")
        self.assertEqual((got["StorageClass"], got["ObjectSize"]), ("STANDARD", 10 * MIB + 3))
        parts = got["ObjectParts"]
        self.assertEqual((parts["TotalPartsCount"], parts["IsTruncated"], parts["NextPartNumberMarker"]), (3, True, 2))
        sha = [base64.b64encode(hashlib.sha256(bytes([64 + n]) * size).digest()).decode()
               for n, size in ((1, 5 * MIB), (2, 5 * MIB), (3, 3))]
        self.assertEqual([(p["PartNumber"], p["Size"], p["ChecksumSHA256"]) for p in parts["Parts"]],
                         [(1, 5 * MIB, sha[0]), (2, 5 * MIB, sha[1])])
        rest = self.s3.get_object_attributes(Bucket=bucket, Key="attrs", ObjectAttributes=["ObjectParts"],
                                             PartNumberMarker=2)["ObjectParts"]
        self.assertEqual([(p["PartNumber"], p["Size"], p["ChecksumSHA256"]) for p in rest["Parts"]], [(3, 3, sha[2])])
        self.assertEqual((rest["IsTruncated"], rest["NextPartNumberMarker"]), (False, 3))
        self.s3.put_object(Bucket=bucket, Key="plain", Body=b"abc")
        plain = self.s3.get_object_attributes(Bucket=bucket, Key="plain", ObjectAttributes=everything)
        self.assertNotIn("ObjectParts", plain)
        self.assertEqual(plain["ETag"], "900150983cd24fb0d6963f7d28e17f72")
        self.assertClientError(lambda: self.s3.get_object_attributes(Bucket=bucket, Key="none", ObjectAttributes=["ETag"]),
                               "NoSuchKey", 404)
        raw = self.server.signed("GET", f"/{bucket}/plain", query=[("attributes", "")],
                                 headers={"x-amz-object-attributes": "ETag,Colour"})
        self.assertEqual(raw.status, 400)
        self.assertIn(b"<Code>InvalidArgument</Code>", raw.body)

    def test_content_encoding_is_kept_as_sent_beside_aws_chunked(self):
        bucket = self.new_bucket()
        # boto3 sends the body aws-chunked with a trailing checksum, and puts aws-chunked in
        # front of the Content-Encoding it was given.
        self.s3.put_object(Bucket=bucket, Key="enc", Body=b"x" * 100, ContentEncoding="deflate, gzip",
                           ChecksumAlgorithm="CRC32")
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="enc")["ContentEncoding"], "deflate, gzip")
        # Raw, aws-chunked in the middle: the rest stays as it was written.
        data = b"y" * 1000
        body = harness.aws_chunked_unsigned(data, 400)
        resp = self.server.signed("PUT", f"/{bucket}/raw-enc", body=body, payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                  headers={"Content-Encoding": "br,  aws-chunked , gzip",
                                           "x-amz-decoded-content-length": str(len(data))})
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="raw-enc")["ContentEncoding"], "br, gzip")

    def test_metadata_beyond_ascii_as_s3_carries_it(self):
        bucket = self.new_bucket()
        # boto3 refuses non-ASCII metadata itself; callers send RFC 2047 encoded-words, which S3
        # decodes to store and answers as one UTF-8 base64 word.
        self.s3.put_object(Bucket=bucket, Key="b", Body=b"x", Metadata={"name": "=?UTF-8?B?Y2Fmw6kg4pyT?="})
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="b")["Metadata"]["name"], "=?UTF-8?B?Y2Fmw6kg4pyT?=")
        cases = [
            ("q", "=?utf-8?q?caf=C3=A9_ok?=", "café ok"),
            ("two-words", "=?UTF-8?B?Y2Fm?= =?ISO-8859-1?Q?=E9?=", "café"),
            ("ascii", "plain =?not a word", None),
        ]
        for key, sent, text in cases:
            with self.subTest(key):
                put = self.server.signed("PUT", f"/{bucket}/{key}", body=b"x", headers={"x-amz-meta-v": sent})
                self.assertEqual(put.status, 200, put)
                got = self.server.signed("HEAD", f"/{bucket}/{key}").header("x-amz-meta-v")
                expected = sent if text is None else "=?UTF-8?B?" + harness.b64(text.encode()) + "?="
                self.assertEqual(got, expected)
                self.assertEqual(self.s3.get_object(Bucket=bucket, Key=key)["Metadata"]["v"], expected)

    def test_expect_100_continue(self):
        bucket = self.new_bucket()

        def send_head(key, signed=True):
            url = self.s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=600)
            target = url.split(str(self.server.port), 1)[1]
            if not signed:
                target = target.replace("Signature=", "Signature=x")
            sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
            sock.sendall(f"PUT {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\nContent-Length: 5\r\n"
                         "Expect: 100-continue\r\n\r\n".encode())
            return sock

        # Accepted: the interim answer comes before the body is sent, then the final one.
        with send_head("k") as sock:
            self.assertEqual(sock.recv(64), b"HTTP/1.1 100 Continue\r\n\r\n")
            sock.sendall(b"hello")
            self.assertTrue(sock.recv(4096).startswith(b"HTTP/1.1 200 OK"))
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"hello")
        # Refused: the final answer at once, and the body is never asked for.
        with send_head("k2", signed=False) as sock:
            self.assertTrue(sock.recv(4096).startswith(b"HTTP/1.1 403 Forbidden"))

    def test_complete_checks_the_object_checksum_it_is_given(self):
        bucket = self.new_bucket()
        for algorithm, kind in (("CRC32", "FULL_OBJECT"), ("SHA256", "COMPOSITE")):
            with self.subTest(algorithm):
                key = f"mp-{algorithm}"
                upload = self.s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm=algorithm,
                                                         ChecksumType=kind)["UploadId"]
                parts = []
                for n, size in ((1, 5 * MIB), (2, 100)):
                    answer = self.s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=n,
                                                 Body=bytes([n]) * size, ChecksumAlgorithm=algorithm)
                    parts.append({"PartNumber": n, "ETag": answer["ETag"],
                                  f"Checksum{algorithm}": answer[f"Checksum{algorithm}"]})
                field = f"Checksum{algorithm}"
                complete = dict(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})
                wrong = "AAAAAA==" if algorithm == "CRC32" else harness.b64(b"\0" * 32) + "-2"
                self.assertClientError(self.s3.complete_multipart_upload, "BadDigest", 400,
                                       **complete, ChecksumType=kind, **{field: wrong})
                whole = bytes([1]) * (5 * MIB) + bytes([2]) * 100
                if algorithm == "CRC32":
                    right = harness.crc32_b64(whole)
                    # Without x-amz-checksum-type the value stated is taken as composite: S3
                    # answers BadDigest even for the right full-object value.
                    self.assertClientError(self.s3.complete_multipart_upload, "BadDigest", 400,
                                           **complete, **{field: right})
                    # Another algorithm's value is never the object's.
                    self.assertClientError(self.s3.complete_multipart_upload, "BadDigest", 400,
                                           **complete, ChecksumType=kind, ChecksumCRC32C="AAAAAA==")
                else:
                    digests = b"".join(hashlib.sha256(bytes([n]) * size).digest()
                                       for n, size in ((1, 5 * MIB), (2, 100)))
                    right = harness.b64(hashlib.sha256(digests).digest()) + "-2"
                # The type must be the upload's.
                other = "COMPOSITE" if kind == "FULL_OBJECT" else "FULL_OBJECT"
                self.assertClientError(self.s3.complete_multipart_upload, "InvalidRequest", 400,
                                       **complete, ChecksumType=other)
                done = self.s3.complete_multipart_upload(**complete, ChecksumType=kind, **{field: right})
                self.assertEqual((done[field], done["ChecksumType"]), (right, kind))

    def test_complete_checks_each_part_s_checksum(self):
        bucket = self.new_bucket()
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256")["UploadId"]
        # A part of another algorithm than the upload's is refused.
        self.assertClientError(lambda: self.s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1,
                                                           Body=b"abc", ChecksumAlgorithm="CRC32"),
                               "InvalidRequest", 400)
        part = self.s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"abc",
                                   ChecksumAlgorithm="SHA256")
        listed = {"PartNumber": 1, "ETag": part["ETag"]}
        # A composite checksum needs each part's checksum in the request, and the right one.
        raw = self.server.signed("POST", "/%s/k" % bucket, query=[("uploadId", upload)],
                                 body=b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%s</ETag>"
                                      b"</Part></CompleteMultipartUpload>" % part["ETag"].encode())
        self.assertEqual((raw.status, raw.error()["Code"]), (400, "InvalidRequest"))
        self.assertIn(b"using a sha256 checksum", raw.body)
        self.assertIn(b"It was missing for part 1 in the request.", raw.body)
        wrong = dict(listed, ChecksumSHA256=harness.b64(hashlib.sha256(b"abd").digest()))
        self.assertClientError(lambda: self.s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload, MultipartUpload={"Parts": [wrong]}), "BadDigest", 400)
        right = dict(listed, ChecksumSHA256=part["ChecksumSHA256"])
        done = self.s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload,
                                                 MultipartUpload={"Parts": [right]})
        self.assertEqual(done["ChecksumType"], "COMPOSITE")

    def test_owners_have_no_display_name(self):
        # S3 stopped answering owners' and grantees' DisplayName on 2025-11-21; a multipart
        # upload's Initiator still has one.
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
        for path, query in ((f"/{bucket}", [("fetch-owner", "true"), ("list-type", "2")]), ("/", []),
                            (f"/{bucket}", [("acl", "")]), (f"/{bucket}/k", [("acl", "")]),
                            (f"/{bucket}", [("versions", "")]), (f"/{bucket}/mp", [("uploadId", upload)])):
            with self.subTest(path=path, query=query):
                raw = self.server.signed("GET", path, query=query)
                self.assertEqual(raw.status, 200, raw.body)
                self.assertIn(b"<Owner><ID>", raw.body)
                self.assertNotIn(b"</ID><DisplayName>", raw.body.split(b"<Initiator>")[0])
        parts = self.s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload)
        self.assertTrue(parts["Initiator"]["DisplayName"])  # the principal's name
        self.assertNotIn("DisplayName", parts["Owner"])

    def test_edges_a_conformance_suite_found(self):
        bucket = self.new_bucket()
        # A key that is only white space is deleted like any other.
        self.s3.put_object(Bucket=bucket, Key=" ", Body=b"x")
        self.s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": " "}]})
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket=bucket))
        # A read names no encryption of its own.
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        for method in ("GET", "HEAD"):
            raw = self.server.signed(method, f"/{bucket}/k", headers={"x-amz-server-side-encryption": "AES256"})
            self.assertEqual(raw.status, 400)
        self.assertEqual(self.server.signed("GET", f"/{bucket}/k", headers={
            "x-amz-server-side-encryption": "AES256"}).error()["Code"], "InvalidArgument")
        # A presigned URL valid for 0 seconds never is.
        v4 = self.server.client(signature_version="s3v4")
        url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=0)
        got = self.server.raw("GET", url.split(str(self.server.port), 1)[1])
        self.assertEqual((got.status, got.error()["Code"], got.error()["Message"]),
                         (403, "AccessDenied", "Request has expired"))
        # ListObjects (v1) answers its Prefix as given, encoding-type=url or not.
        raw = self.server.signed("GET", f"/{bucket}", query=[("encoding-type", "url"), ("prefix", "a b")])
        self.assertIn(b"<Prefix>a b</Prefix>", raw.body)
        # A bucket holding nothing but an unfinished upload is deleted, and the upload with it.
        doomed = self.new_bucket()
        self.s3.create_multipart_upload(Bucket=doomed, Key="never-finished")
        self.s3.delete_bucket(Bucket=doomed)
        self.assertClientError(self.s3.head_bucket, "404", 404, Bucket=doomed)
        # One with an object is not, and keeps its upload.
        kept = self.new_bucket()
        self.s3.put_object(Bucket=kept, Key="k", Body=b"x")
        upload = self.s3.create_multipart_upload(Bucket=kept, Key="later")["UploadId"]
        self.assertClientError(self.s3.delete_bucket, "BucketNotEmpty", 409, Bucket=kept)
        self.assertEqual([u["UploadId"] for u in self.s3.list_multipart_uploads(Bucket=kept)["Uploads"]], [upload])


if __name__ == "__main__":
    unittest.main()
