"""Conditional writes as AWS added them in 2024: If-None-Match: * and If-Match on PutObject
and CompleteMultipartUpload, including concurrent writers of which exactly one wins."""

import concurrent.futures
import unittest

import harness
from botocore.exceptions import ClientError

MiB = 1024 * 1024


class ConditionalWrites(harness.ServerTestCase):
    def test_concurrent_create_only_writers_exactly_one_wins(self):
        bucket = self.new_bucket()
        clients = [self.server.client() for _ in range(8)]

        for round_ in range(5):
            key = f"once-{round_}"
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                def attempt_key(i, key=key):
                    try:
                        clients[i].put_object(Bucket=bucket, Key=key, Body=f"writer {i}".encode(), IfNoneMatch="*")
                        return ("won", i)
                    except ClientError as e:
                        return (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
                clients_results = list(pool.map(attempt_key, range(8)))
            winners = [r for r in clients_results if r[0] == "won"]
            self.assertEqual(len(winners), 1, clients_results)
            for r in clients_results:
                if r[0] != "won":
                    self.assertIn(r, [("PreconditionFailed", 412), ("ConditionalRequestConflict", 409)])
            body = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            self.assertEqual(body, f"writer {winners[0][1]}".encode())

    def test_if_match_on_put(self):
        bucket = self.new_bucket()
        etag = self.s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
        self.assertClientError(lambda: self.s3.put_object(Bucket=bucket, Key="k", Body=b"x", IfMatch='"0000"'),
                               "PreconditionFailed", 412)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v1")
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch=etag)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["Body"].read(), b"v2")
        self.assertClientError(lambda: self.s3.put_object(Bucket=bucket, Key="missing", Body=b"x", IfMatch=etag),
                               "NoSuchKey", 404)

    def test_complete_multipart_upload_if_none_match(self):
        bucket = self.new_bucket()

        def upload(body):
            up = self.s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
            part = self.s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1, Body=body)
            return up, [{"PartNumber": 1, "ETag": part["ETag"]}]

        up1, parts1 = upload(b"first")
        up2, parts2 = upload(b"second")
        self.s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up1,
                                          MultipartUpload={"Parts": parts1}, IfNoneMatch="*")
        self.assertClientError(lambda: self.s3.complete_multipart_upload(
            Bucket=bucket, Key="mp", UploadId=up2, MultipartUpload={"Parts": parts2}, IfNoneMatch="*"),
            "PreconditionFailed", 412)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="mp")["Body"].read(), b"first")
        # The refused upload is still there and can be aborted.
        self.s3.abort_multipart_upload(Bucket=bucket, Key="mp", UploadId=up2)


if __name__ == "__main__":
    unittest.main(testRunner=harness.Runner)
