"""The CloudFront + WAF stand-in on HTTP API routes: body size, content types, required
headers and query parameters, a token-bucket rate limit per client and route with
Retry-After, IP allow/deny lists, the 30 s gateway timeout, each refusal logged with its
rule; and CORS on Function URLs (preflight answered before auth and the function)."""

import json
import time
import unittest

import harness

PIPELINE = {
    "functions": [
        {"name": "echo", "handler": "echo",
         "url": {"auth": "AWS_IAM", "cors": {"allow_origins": ["https://app.example.com"],
                                             "allow_methods": ["GET", "POST"], "allow_headers": ["*"],
                                             "expose_headers": ["x-request-id"], "max_age": 600}}},
        {"name": "public", "handler": "echo",
         "url": {"auth": "NONE", "cors": {"allow_origins": ["*"], "allow_methods": ["*"]}}},
        {"name": "slow", "handler": "sleep", "timeout": 10, "environment": {"SLEEP_MS": "3000"}},
    ],
    "routes": [
        {"route": "POST /small", "function": "echo", "limits": {"max_body": 10}},
        {"route": "POST /json", "function": "echo", "limits": {"content_types": ["application/json"]}},
        {"route": "GET /needs", "function": "echo",
         "limits": {"required_headers": ["x-api-key"], "required_query": ["page"]}},
        {"route": "GET /rate", "function": "echo", "limits": {"rate": {"requests_per_second": 1, "burst": 2}}},
        {"route": "GET /denied", "function": "echo", "limits": {"deny_ips": ["127.0.0.0/8"]}},
        {"route": "GET /allowed", "function": "echo", "limits": {"allow_ips": ["10.0.0.0/8"]}},
        {"route": "GET /slow", "function": "slow", "limits": {"timeout": 1}},
    ],
}


class Limits(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    def assertRefused(self, resp, status, message, rule, mark):
        self.assertEqual((resp.status, json.loads(resp.body)), (status, {"message": message}), repr(resp))
        harness.wait_for(lambda: f"refused by rule {rule}" in self.server.log_since(mark, 400),
                         f"the log line naming rule {rule}", timeout=5)

    def test_each_rule(self):
        mark = self.server.log_mark()
        self.assertRefused(self.server.raw("POST", "/_api/small", {}, b"x" * 11), 413,
                           "Request Entity Too Large", "max_body", mark)
        self.assertEqual(self.server.raw("POST", "/_api/small", {}, b"x" * 10).status, 200)
        self.assertRefused(self.server.raw("POST", "/_api/json", {"Content-Type": "text/plain"}, b"hi"), 415,
                           "Unsupported Media Type", "content_types", mark)
        self.assertEqual(self.server.raw("POST", "/_api/json", {"Content-Type": "application/json; charset=utf-8"},
                                         b"{}").status, 200)
        self.assertRefused(self.server.raw("GET", "/_api/needs"), 400,
                           "Missing required request parameters: [x-api-key, page]", "required", mark)
        self.assertEqual(self.server.raw("GET", "/_api/needs?page=2", {"X-Api-Key": "k"}).status, 200)
        self.assertRefused(self.server.raw("GET", "/_api/denied"), 403, "Forbidden", "deny_ips", mark)
        self.assertRefused(self.server.raw("GET", "/_api/allowed"), 403, "Forbidden", "allow_ips", mark)

    def test_rate_limit(self):
        statuses = [self.server.raw("GET", "/_api/rate") for _ in range(4)]
        self.assertEqual([r.status for r in statuses[:2]], [200, 200])  # the burst
        limited = [r for r in statuses if r.status == 429]
        self.assertTrue(limited, [r.status for r in statuses])
        self.assertEqual(json.loads(limited[0].body), {"message": "Too Many Requests"})
        self.assertGreaterEqual(int(limited[0].header("retry-after")), 1)
        time.sleep(1.1)  # one token a second
        self.assertEqual(self.server.raw("GET", "/_api/rate").status, 200)

    def test_gateway_timeout(self):
        started = time.monotonic()
        resp = self.server.raw("GET", "/_api/slow")
        self.assertEqual((resp.status, json.loads(resp.body)), (503, {"message": "Service Unavailable"}))
        self.assertLess(time.monotonic() - started, 2.5)

    def test_function_url_cors(self):
        preflight = self.server.raw("OPTIONS", "/_url/echo/", {
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-custom"})
        self.assertEqual(preflight.status, 200)  # no signature needed for a preflight
        self.assertEqual(preflight.header("access-control-allow-origin"), "https://app.example.com")
        self.assertEqual(preflight.header("access-control-allow-methods"), "GET,POST")
        self.assertEqual(preflight.header("access-control-allow-headers"), "content-type,x-custom")
        self.assertEqual(preflight.header("access-control-max-age"), "600")
        other = self.server.raw("OPTIONS", "/_url/echo/", {
            "Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
        self.assertIsNone(other.header("access-control-allow-origin"))
        actual = self.server.raw("GET", "/_url/public/x", {"Origin": "https://anywhere.example"})
        self.assertEqual(actual.status, 200)
        self.assertEqual(actual.header("access-control-allow-origin"), "*")


if __name__ == "__main__":
    harness.main()
