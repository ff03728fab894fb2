"""Clients told to use the server as their HTTP proxy (HTTP_PROXY, or boto3's `proxies`) send
every request in absolute-form (`GET http://host:port/path`); the server reads the host from the
target as from a Host header. So host names that do not resolve (a bucket as a virtual host,
`*.localhost` on Debian) reach it with no DNS or /etc/hosts change."""

import os
import unittest
from unittest import mock

import boto3
from botocore.config import Config

import harness


def proxied_client(endpoint, proxy, style):
    session = boto3.session.Session(aws_access_key_id=harness.ACCESS_KEY,
                                    aws_secret_access_key=harness.SECRET_KEY, region_name=harness.REGION)
    return session.client("s3", endpoint_url=endpoint, config=Config(
        proxies={"http": proxy}, s3={"addressing_style": style},
        retries={"mode": "standard", "total_max_attempts": 1}))


class ProxyAddressing(harness.ServerTestCase):
    def test_boto3_through_the_server_as_its_proxy(self):
        proxy = f"http://127.0.0.1:{self.server.port}"
        # s3.localhost resolves nowhere here: only the proxy can take these requests.
        s3 = proxied_client(f"http://s3.localhost:{self.server.port}", proxy, "path")
        bucket = harness.unique("proxied")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="a/b.txt", Body=b"through the proxy")
        self.assertEqual(s3.get_object(Bucket=bucket, Key="a/b.txt")["Body"].read(), b"through the proxy")
        self.assertEqual([o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]], ["a/b.txt"])
        # Virtual-hosted style at s3.localhost: the bucket's own host name, which no resolver
        # here knows, arrives in the target.
        virtual = proxied_client(f"http://s3.localhost:{self.server.port}", proxy, "virtual")
        self.assertEqual(virtual.get_object(Bucket=bucket, Key="a/b.txt")["Body"].read(), b"through the proxy")
        # The virtual-hosted GET, logged in origin form (the log is read as the server writes it).
        harness.wait_for(lambda: '"GET /a/b.txt" GetObject 200' in self.server.log_since(self._log_mark),
                         "the virtual-hosted GET in the access log")

    def test_aws_cli_with_http_proxy(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        proxy = f"http://127.0.0.1:{self.server.port}"
        with mock.patch.dict(os.environ, {"HTTP_PROXY": proxy, "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}):
            mark = self.server.log_mark()
            # (the last --endpoint-url wins: a host only the proxy can reach)
            out = self.server.aws("--endpoint-url", f"http://s3.localhost:{self.server.port}",
                                  "s3api", "list-objects-v2", "--bucket", bucket).stdout
        self.assertIn('"Key": "k"', out)
        harness.wait_for(lambda: "ListObjectsV2 200" in self.server.log_since(mark), "the CLI's listing in the log")

    def test_absolute_form_targets_raw(self):
        bucket = self.new_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"v")
        # Unsigned: the bucket's policy is private, so the answer is AccessDenied, read from the
        # virtual host in the target (not NoSuchBucket for a path-style "/k").
        resp = self.server.raw("GET", f"http://{bucket}.s3.localhost:{self.server.port}/k")
        self.assertRawError(resp, 403, "AccessDenied")
        resp = self.server.raw("GET", f"http://127.0.0.1:{self.server.port}/_bucketfire/health")
        self.assertEqual(resp.status, 200, repr(resp))
        # User information has no place in a request target: the server cannot parse it.
        resp = self.server.raw("GET", f"http://someone@127.0.0.1:{self.server.port}/")
        self.assertEqual(resp.status, 400, repr(resp))


if __name__ == "__main__":
    harness.main()
