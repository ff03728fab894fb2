"""The front door: HTTP API routes under /_api and Function URLs under /_url/<function>/,
driven over real HTTP with http.client. Route selection, the payload format 2.0 event field
by field (text, binary, cookies, repeated headers, query strings), response mapping, API
Gateway's own errors, and a Function URL with AWS_IAM auth signed by botocore's SigV4 signer."""

import base64
import json
import unittest

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import harness

PIPELINE = {
    "functions": [
        {"name": "echo", "handler": "echo", "url": {"auth": "NONE"}},
        {"name": "hello", "handler": "http-hello"},
        {"name": "broken", "handler": "fail", "maximum_retry_attempts": 0},
        {"name": "private", "handler": "echo", "url": {"auth": "AWS_IAM"}},
    ],
    "routes": [
        {"route": "POST /images/{id}", "function": "echo"},
        {"route": "GET /hello/{id}", "function": "hello"},
        {"route": "GET /hello/me", "function": "echo"},
        {"route": "ANY /files/{proxy+}", "function": "hello"},
        {"route": "GET /broken", "function": "broken"},
    ],
}


class HttpApi(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    def test_payload_v2_event_field_for_field(self):
        resp = self.server.raw("POST", "/_api/images/42?size=small&tag=a&tag=b&empty=",
                               {"Content-Type": "application/json", "X-Multi": "one",
                                "Cookie": "session=abc; theme=dark", "User-Agent": "bucketfire-test"},
                               b'{"title": "cat"}')
        self.assertEqual(resp.status, 200, repr(resp))
        self.assertEqual(resp.header("content-type"), "application/json")
        event = json.loads(resp.body)
        self.assertEqual(list(event), ["version", "routeKey", "rawPath", "rawQueryString", "cookies", "headers",
                                       "queryStringParameters", "requestContext", "body", "pathParameters",
                                       "isBase64Encoded"])
        self.assertEqual(event["version"], "2.0")
        self.assertEqual(event["routeKey"], "POST /images/{id}")
        self.assertEqual(event["rawPath"], "/images/42")
        self.assertEqual(event["rawQueryString"], "size=small&tag=a&tag=b&empty=")
        self.assertEqual(event["cookies"], ["session=abc", "theme=dark"])
        self.assertNotIn("cookie", event["headers"])
        self.assertEqual(event["headers"]["x-multi"], "one")
        self.assertEqual(event["headers"]["content-type"], "application/json")
        self.assertEqual(event["queryStringParameters"], {"size": "small", "tag": "a,b", "empty": ""})
        self.assertEqual(event["pathParameters"], {"id": "42"})
        self.assertEqual(event["body"], '{"title": "cat"}')
        self.assertFalse(event["isBase64Encoded"])
        ctx = event["requestContext"]
        self.assertEqual(list(ctx), ["accountId", "apiId", "domainName", "domainPrefix", "http", "requestId",
                                     "routeKey", "stage", "time", "timeEpoch"])
        self.assertEqual(ctx["http"], {"method": "POST", "path": "/images/42", "protocol": "HTTP/1.1",
                                       "sourceIp": "127.0.0.1", "userAgent": "bucketfire-test"})
        self.assertEqual((ctx["routeKey"], ctx["stage"], ctx["domainPrefix"]), ("POST /images/{id}", "$default", "bucketfire"))
        self.assertRegex(ctx["time"], r"^\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000$")
        self.assertEqual(ctx["requestId"], resp.header("apigw-requestid"))

    def test_repeated_headers_are_comma_joined(self):
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        conn.putrequest("POST", "/_api/images/1")
        conn.putheader("X-Multi", "one")
        conn.putheader("X-Multi", "two")
        conn.putheader("Content-Length", "0")
        conn.endheaders()
        event = json.loads(conn.getresponse().read())
        conn.close()
        self.assertEqual(event["headers"]["x-multi"], "one,two")

    def test_binary_bodies_are_base64(self):
        resp = self.server.raw("POST", "/_api/images/7", {"Content-Type": "image/png"}, b"\x89PNG\x00\xff")
        event = json.loads(resp.body)
        self.assertTrue(event["isBase64Encoded"])
        self.assertEqual(base64.b64decode(event["body"]), b"\x89PNG\x00\xff")

    def test_response_mapping(self):
        resp = self.server.raw("GET", "/_api/hello/ada")
        self.assertEqual((resp.status, resp.body), (200, b"hello ada"))
        self.assertEqual(resp.header("content-type"), "text/plain")
        self.assertEqual(resp.header("x-route"), "GET /hello/{id}")
        cookies = [v for k, v in resp.header_list if k.lower() == "set-cookie"]
        self.assertEqual(cookies, ["visited=yes; Path=/", "theme=dark"])
        self.assertEqual(self.server.raw("GET", "/_api/hello/ada?status=201").status, 201)
        binary = self.server.raw("GET", "/_api/files/x?binary=1")
        self.assertEqual(binary.body, b"\x00\x01\x02\xff")
        # A literal path beats a variable one: /hello/me goes to echo.
        self.assertEqual(json.loads(self.server.raw("GET", "/_api/hello/me").body)["routeKey"], "GET /hello/me")
        # A greedy variable takes the rest of the path.
        self.assertEqual(self.server.raw("DELETE", "/_api/files/a/b/c").body, b"hello a/b/c")

    def test_gateway_errors(self):
        missing = self.server.raw("GET", "/_api/nothing/here")
        self.assertEqual((missing.status, json.loads(missing.body)), (404, {"message": "Not Found"}))
        wrong_method = self.server.raw("DELETE", "/_api/hello/ada")
        self.assertEqual(wrong_method.status, 404)
        broken = self.server.raw("GET", "/_api/broken")
        self.assertEqual((broken.status, json.loads(broken.body)), (500, {"message": "Internal Server Error"}))

    def test_function_url_without_auth(self):
        resp = self.server.raw("GET", "/_url/echo/some/path?q=1")
        event = json.loads(resp.body)
        self.assertEqual(event["routeKey"], "$default")
        self.assertEqual(event["rawPath"], "/some/path")
        self.assertRegex(event["requestContext"]["domainName"], r"^[0-9a-f]{32}\.lambda-url\.us-east-1\.on\.aws$")
        self.assertEqual(self.server.raw("GET", "/_url/hello/").status, 404)  # hello has no URL

    def test_function_url_with_aws_iam(self):
        unsigned = self.server.raw("POST", "/_url/private/", {"Content-Type": "application/json"}, b"{}")
        self.assertEqual(unsigned.status, 403)
        url = f"{self.server.endpoint}/_url/private/orders?id=9"
        request = AWSRequest(method="POST", url=url, data=b'{"order": 9}',
                             headers={"Content-Type": "application/json"})
        SigV4Auth(Credentials(harness.ACCESS_KEY, harness.SECRET_KEY), "lambda", "us-east-1").add_auth(request)
        headers = dict(request.headers.items())
        resp = self.server.raw("POST", "/_url/private/orders?id=9", headers, b'{"order": 9}')
        self.assertEqual(resp.status, 200, repr(resp))
        event = json.loads(resp.body)
        self.assertEqual(event["requestContext"]["authorizer"]["iam"]["accessKey"], harness.ACCESS_KEY)
        self.assertEqual(event["body"], '{"order": 9}')
        tampered = self.server.raw("POST", "/_url/private/orders?id=9", headers, b'{"order": 10}')
        self.assertEqual(tampered.status, 403)


class ApiOnItsOwnPort(harness.ServerTestCase):
    """`serve --api-port 0`: the routes also at the root of a port of their own."""
    server_args = ("--config", harness.write_pipeline(PIPELINE), "--api-port", "0")

    def test_routes_at_the_root(self):
        import re
        line = harness.wait_for(lambda: re.search(r"bucketfire HTTP API on http://127\.0\.0\.1:(\d+)",
                                                  self.server.log_tail(400)), "the API port line")
        port = int(line.group(1))
        resp = harness.raw_request(port, "GET", "/hello/ada")
        self.assertEqual((resp.status, resp.body), (200, b"hello ada"))
        missing = harness.raw_request(port, "GET", "/_api/hello/ada")  # no prefix on this port
        self.assertEqual(missing.status, 404)
        self.assertEqual(self.server.raw("GET", "/_api/hello/ada").body, b"hello ada")


if __name__ == "__main__":
    harness.main()
