"""A bucket's settings the SDKs expose and the architecture uses, with boto3, the aws CLI and
raw HTTP: tagging, default encryption (every object answers its encryption; SSE-KMS is
recorded, nothing is encrypted with a real key; SSE-C is refused over plain HTTP), and
copying from an older version."""

import unittest

import harness

MIB = 1024 * 1024


class BucketTagging(harness.ServerTestCase):

    def test_put_get_delete(self):
        bucket = self.new_bucket()
        self.assertClientError(self.s3.get_bucket_tagging, "NoSuchTagSet", 404, Bucket=bucket)
        tags = [{"Key": "team", "Value": "imaging"}, {"Key": "empty", "Value": ""}]
        self.s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
        self.assertEqual(self.s3.get_bucket_tagging(Bucket=bucket)["TagSet"], tags)
        self.s3.delete_bucket_tagging(Bucket=bucket)
        self.assertClientError(self.s3.get_bucket_tagging, "NoSuchTagSet", 404, Bucket=bucket)

    def test_refusals(self):
        bucket = self.new_bucket()
        for tags in ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
                     [{"Key": "aws:system", "Value": "x"}],
                     [{"Key": f"k{n}", "Value": "v"} for n in range(51)],
                     [{"Key": "k" * 129, "Value": "v"}]):
            self.assertClientError(self.s3.put_bucket_tagging, "InvalidTag", 400, Bucket=bucket,
                                   Tagging={"TagSet": tags})
        self.assertClientError(self.s3.get_bucket_tagging, "NoSuchTagSet", 404, Bucket=bucket)

    def test_aws_cli(self):
        bucket = self.new_bucket()
        self.server.aws("s3api", "put-bucket-tagging", "--bucket", bucket,
                        "--tagging", "TagSet=[{Key=stage,Value=dev}]")
        got = self.server.aws_json("s3api", "get-bucket-tagging", "--bucket", bucket)
        self.assertEqual(got["TagSet"], [{"Key": "stage", "Value": "dev"}])

    def test_object_tags_with_empty_values_round_trip(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=&b=c")
        self.assertEqual(self.s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"],
                         [{"Key": "a", "Value": ""}, {"Key": "b", "Value": "c"}])


class DefaultEncryption(harness.ServerTestCase):

    def test_every_object_answers_sse_s3(self):
        bucket = self.new_bucket()
        self.assertEqual(self.s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"],
                         [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                           "BucketKeyEnabled": False}])
        put = self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        self.assertEqual(self.s3.head_object(Bucket=bucket, Key="k")["ServerSideEncryption"], "AES256")
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["ServerSideEncryption"], "AES256")
        copy = self.s3.copy_object(Bucket=bucket, Key="c", CopySource={"Bucket": bucket, "Key": "k"})
        self.assertEqual(copy["ServerSideEncryption"], "AES256")
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="m")
        self.assertEqual(upload["ServerSideEncryption"], "AES256")
        part = self.s3.upload_part(Bucket=bucket, Key="m", UploadId=upload["UploadId"], PartNumber=1, Body=b"p")
        self.assertEqual(part["ServerSideEncryption"], "AES256")
        done = self.s3.complete_multipart_upload(
            Bucket=bucket, Key="m", UploadId=upload["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.assertEqual(done["ServerSideEncryption"], "AES256")

    def test_a_kms_default_is_recorded_and_answered(self):
        bucket = self.new_bucket()
        self.s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "1234abcd-12ab"},
            "BucketKeyEnabled": True}]})
        key_arn = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab"
        rule = self.s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        self.assertEqual(rule, {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                                       "KMSMasterKeyID": key_arn},
                                "BucketKeyEnabled": True})
        put = self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        self.assertEqual((put["ServerSideEncryption"], put["SSEKMSKeyId"], put["BucketKeyEnabled"]),
                         ("aws:kms", key_arn, True))
        # A request's own setting wins over the bucket's default.
        own = self.s3.put_object(Bucket=bucket, Key="own", Body=b"x", ServerSideEncryption="AES256")
        self.assertEqual(own["ServerSideEncryption"], "AES256")
        self.assertNotIn("SSEKMSKeyId", own)
        head = self.s3.head_object(Bucket=bucket, Key="k")
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]), ("aws:kms", key_arn))
        # Without a key id, the account's AWS managed key for S3.
        managed = self.s3.put_object(Bucket=bucket, Key="m", Body=b"x", ServerSideEncryption="aws:kms")
        self.assertEqual(managed["SSEKMSKeyId"], "arn:aws:kms:us-east-1:000000000000:alias/aws/s3")
        # Deleting the configuration is SSE-S3 again.
        self.s3.delete_bucket_encryption(Bucket=bucket)
        self.assertEqual(self.s3.put_object(Bucket=bucket, Key="k2", Body=b"x")["ServerSideEncryption"], "AES256")
        # The copy takes the destination's encryption, not the source's, and may change only that.
        copy = self.s3.copy_object(Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"},
                                   ServerSideEncryption="AES256")
        self.assertEqual(copy["ServerSideEncryption"], "AES256")

    def test_refusals(self):
        bucket = self.new_bucket()
        self.assertClientError(self.s3.put_object, "InvalidArgument", 400, Bucket=bucket, Key="k", Body=b"x",
                               ServerSideEncryption="DES")
        self.assertClientError(self.s3.put_bucket_encryption, "InvalidArgument", 400, Bucket=bucket,
                               ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
                                   "SSEAlgorithm": "AES256", "KMSMasterKeyID": "k"}}]})
        # SSE-C: customer keys only travel over HTTPS.
        raw = self.server.signed("PUT", f"/{bucket}/c", body=b"x", headers={
            "x-amz-server-side-encryption-customer-algorithm": "AES256",
            "x-amz-server-side-encryption-customer-key": "a2V5" * 11,
            "x-amz-server-side-encryption-customer-key-MD5": "bWQ1"})
        self.assertEqual((raw.status, raw.error()["Code"]), (400, "InvalidRequest"))
        self.assertIn(b"must be made over a secure connection", raw.body)

    def test_aws_cli(self):
        bucket = self.new_bucket()
        got = self.server.aws_json("s3api", "get-bucket-encryption", "--bucket", bucket)
        self.assertEqual(got["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"],
                         {"SSEAlgorithm": "AES256"})


class CopyFromAVersion(harness.ServerTestCase):

    def test_copy_object_and_upload_part_copy_read_the_named_version(self):
        bucket = self.new_bucket()
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        first = self.s3.put_object(Bucket=bucket, Key="src", Body=b"A" * (5 * MIB))["VersionId"]
        self.s3.put_object(Bucket=bucket, Key="src", Body=b"second")
        copy = self.s3.copy_object(Bucket=bucket, Key="dst",
                                   CopySource={"Bucket": bucket, "Key": "src", "VersionId": first})
        self.assertEqual(copy["CopySourceVersionId"], first)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="dst")["ContentLength"], 5 * MIB)
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
        part = self.s3.upload_part_copy(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1,
                                        CopySource={"Bucket": bucket, "Key": "src", "VersionId": first},
                                        CopySourceRange="bytes=0-9")
        self.assertEqual(part["CopySourceVersionId"], first)
        self.assertEqual(part["CopyPartResult"]["ETag"], harness.etag_of(b"A" * 10))
        self.assertClientError(self.s3.upload_part_copy, "NoSuchVersion", 404, Bucket=bucket, Key="mp",
                               UploadId=upload, PartNumber=2,
                               CopySource={"Bucket": bucket, "Key": "src", "VersionId": "nope"})


if __name__ == "__main__":
    unittest.main()
