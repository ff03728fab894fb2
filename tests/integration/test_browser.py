"""A real browser against the bucket: headless Chromium (Debian's /usr/bin/chromium) driven by
playwright-core (tests/browser/upload.mjs) loads an upload page served from another origin
and, through the bucket's CORS rules, uploads with fetch() and a presigned SigV4 PUT URL,
posts the page's <form> (boto3's generate_presigned_post fields) both with fetch(FormData)
and as a real form submit, and reads the objects back with fetch(). A page on an origin the
rules do not name is blocked by the browser. boto3 then checks bytes and content types.

Needs what tests/browser/setup.sh installs; skips, saying what is missing, without it."""

import hashlib
import html
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import unittest
import xml.etree.ElementTree as ET

import harness

CHROMIUM = "/usr/bin/chromium"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROWSER_DIR = os.path.join(REPO, "tests", "browser")
DRIVER = os.path.join(BROWSER_DIR, "upload.mjs")
DRIVER_TIMEOUT = 55
SETUP_HINT = "run `bash tests/browser/setup.sh` to install it"


def missing_dependency():
    """Why the browser test cannot run here, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is not installed (Debian package chromium); {SETUP_HINT}"
    if not shutil.which("node"):
        return "node is not on PATH; the browser test drives Chromium from Node.js"
    if not os.path.isfile(os.path.join(BROWSER_DIR, "node_modules", "playwright-core",
                                       "package.json")):
        return f"playwright-core is not installed in tests/browser/node_modules; {SETUP_HINT}"
    return None


PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Upload to bucketfire</title></head>
<body>
<h1>Upload to bucketfire</h1>
<section>
  <h2>Presigned PUT</h2>
  <input type="file" id="put-file">
  <button type="button" id="put-button">Upload with PUT</button>
  <pre id="put-result"></pre>
</section>
<section>
  <h2>Form POST</h2>
  <form id="post-form" method="post" action="{action}" enctype="multipart/form-data">
{hidden}
    <input type="file" id="post-file" name="file">
    <button type="submit" id="post-submit">Upload with the form</button>
  </form>
  <button type="button" id="post-fetch-button">Upload the form with fetch</button>
  <pre id="post-fetch-result"></pre>
</section>
<section>
  <h2>Read back</h2>
  <button type="button" id="verify-button">Read the uploads back</button>
  <pre id="verify-result"></pre>
</section>
<script>
const CONFIG = {config};

function show(id, value) {{
  const el = document.getElementById(id);
  el.textContent = JSON.stringify(value);
  el.dataset.done = "1";
}}

// What a page can see of a cross-origin answer: CORS hides headers that are not exposed.
async function seen(resp) {{
  const headers = {{}};
  resp.headers.forEach((value, name) => {{ headers[name] = value; }});
  return {{ok: resp.ok, status: resp.status, type: resp.type, etag: resp.headers.get("ETag"),
          headers, body: await resp.text()}};
}}

function onClick(button, resultId, action) {{
  document.getElementById(button).addEventListener("click", async () => {{
    try {{
      show(resultId, await action());
    }} catch (e) {{
      show(resultId, {{error: String(e)}});
    }}
  }});
}}

onClick("put-button", "put-result", async () => {{
  const file = document.getElementById("put-file").files[0];
  const blob = new Blob([await file.arrayBuffer()], {{type: file.type}});
  return seen(await fetch(CONFIG.putUrl, {{method: "PUT", body: blob}}));
}});

onClick("post-fetch-button", "post-fetch-result", async () => {{
  const form = document.getElementById("post-form");
  return seen(await fetch(form.action, {{method: "POST", body: new FormData(form)}}));
}});

onClick("verify-button", "verify-result", async () => {{
  const results = {{}};
  for (const [name, url] of Object.entries(CONFIG.getUrls)) {{
    const resp = await fetch(url);
    const bytes = await resp.arrayBuffer();
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    results[name] = {{
      status: resp.status, length: bytes.byteLength,
      sha256: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""),
      contentType: resp.headers.get("Content-Type"), etag: resp.headers.get("ETag"),
    }};
  }}
  return results;
}});
</script>
</body>
</html>
"""


def render_page(action, fields, config):
    hidden = "\n".join(f'    <input type="hidden" name="{html.escape(name)}" '
                       f'value="{html.escape(value)}">' for name, value in fields.items())
    # JSON inside <script>: no "<" may close the element early.
    script_json = json.dumps(config).replace("<", "\\u003c")
    return PAGE.format(action=html.escape(action), hidden=hidden, config=script_json)


class PageServer:
    """Serves one HTML page at / from its own origin (http://127.0.0.1:<ephemeral port>)."""

    def __init__(self):
        self.page = b""
        self.requests = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                owner.requests.append(f"{self.command} {self.path}")
                path = self.path.split("?", 1)[0]
                if path == "/":
                    body, status, ctype = owner.page, 200, "text/html; charset=utf-8"
                elif path == "/favicon.ico":
                    body, status, ctype = b"", 204, "image/x-icon"
                else:
                    body, status, ctype = b"not found", 404, "text/plain"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="page-server",
                                       kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def sample(seed, size, header=b""):
    """Binary data with every byte value, CRLFs and lines that look like multipart
    boundaries, so a parser that cuts at the wrong place changes the bytes."""
    rnd = random.Random(seed)
    tricky = (b"\r\n--\r\n------WebKitFormBoundary\r\n--" + bytes(range(256)) +
              b"\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n")
    data = bytearray(header)
    while len(data) < size:
        data += rnd.randbytes(4096) + tricky
    return bytes(data[:size])


@unittest.skipIf(missing_dependency(), f"browser test skipped: {missing_dependency()}")
class BrowserUploads(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.app = PageServer()  # the origin the bucket's CORS rules allow
        self.addCleanup(self.app.close)
        self.other = PageServer()  # an origin they do not name
        self.addCleanup(self.other.close)
        self.s3v4 = self.server.client(signature_version="s3v4")

    def run_browser(self, job):
        job_path = os.path.join(self.server.root, "browser-job.json")
        with open(job_path, "w") as f:
            json.dump(job, f)
        try:
            proc = subprocess.run(["node", DRIVER, job_path], cwd=BROWSER_DIR,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=DRIVER_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail(f"{DRIVER} did not finish within {DRIVER_TIMEOUT}s\n"
                      f"stdout: {e.stdout!r}\nstderr: {e.stderr!r}")
        try:
            out = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            self.fail(f"{DRIVER} printed no JSON (status {proc.returncode})\n"
                      f"stdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr[-3000:]}")
        self.assertIsNone(out.get("fatal"), f"browser run failed: {json.dumps(out, indent=1)}"
                          f"\nstderr: {proc.stderr[-3000:]}")
        self.assertEqual(proc.returncode, 0, proc.stderr[-3000:])
        return out

    def test_uploads_from_a_page_on_another_origin(self):
        bucket = self.new_bucket()
        self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
            "AllowedOrigins": [self.app.origin], "AllowedMethods": ["PUT", "POST", "GET"],
            "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}]})

        files = {
            "put": ("put/photo.png", "photo.png", "image/png",
                    sample(1, 300 * 1024, b"\x89PNG\r\n\x1a\n")),
            "postFetch": ("form/fetched.jpg", "fetched.jpg", "image/jpeg",
                          sample(2, 200 * 1024, b"\xff\xd8\xff\xe0")),
            "postForm": ("form/submitted.jpg", "submitted.jpg", "image/jpeg",
                         sample(3, 1024 * 1024 + 17, b"\xff\xd8\xff\xe1")),
            "denied": ("denied/photo.png", "photo.png", "image/png", sample(4, 1000)),
        }
        job_files = {}
        for name, (_, filename, mime, data) in files.items():
            path = os.path.join(self.server.root, f"{name}-{filename}")
            with open(path, "wb") as f:
                f.write(data)
            job_files[name] = {"path": path, "name": filename, "mimeType": mime}

        def put_url(key):
            return self.s3v4.generate_presigned_url(
                "put_object", Params={"Bucket": bucket, "Key": key, "ContentType": "image/png"},
                ExpiresIn=600)

        self.assertIn("X-Amz-Algorithm=AWS4-HMAC-SHA256", put_url("x"))
        form_type = "image/jpeg"
        post = self.s3v4.generate_presigned_post(
            bucket, "form/${filename}", ExpiresIn=600,
            Fields={"success_action_status": "201", "Content-Type": form_type},
            Conditions=[["starts-with", "$key", "form/"], {"success_action_status": "201"},
                        {"Content-Type": form_type},
                        ["content-length-range", 1, 4 * 1024 * 1024]])
        self.assertEqual(post["fields"]["x-amz-algorithm"], "AWS4-HMAC-SHA256")
        get_urls = {name: self.s3v4.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": files[name][0]}, ExpiresIn=600)
            for name in ("put", "postFetch", "postForm")}
        self.app.page = render_page(post["url"], post["fields"], {
            "putUrl": put_url(files["put"][0]), "getUrls": get_urls}).encode()
        self.other.page = render_page(post["url"], post["fields"], {
            "putUrl": put_url(files["denied"][0]), "getUrls": {}}).encode()

        out = self.run_browser({"pageUrl": self.app.origin + "/",
                                "deniedPageUrl": self.other.origin + "/",
                                "formAction": post["url"], "files": job_files})
        context = (f"\nbrowser {out.get('browserVersion')}; console: {out['console']}; "
                   f"page errors: {out['pageErrors']}; failed requests: {out['failedRequests']}")
        etags = {name: harness.etag_of(spec[3]) for name, spec in files.items()}

        with self.subTest("presigned PUT with fetch"):
            put = out["put"]
            self.assertNotIn("error", put, f"fetch PUT failed in the browser: {put}{context}")
            self.assertTrue(put["ok"], f"{put}{context}")
            self.assertEqual(put["status"], 200, put)
            self.assertEqual(put["type"], "cors", put)
            self.assertEqual(put["etag"], etags["put"], f"ETag not readable (exposed): {put}")

        with self.subTest("form POST with fetch(FormData)"):
            got = out["postFetch"]
            self.assertNotIn("error", got, f"fetch POST failed in the browser: {got}{context}")
            self.assertEqual(got["status"], 201, f"{got}{context}")
            self.assertEqual(got["type"], "cors", got)
            self.assertEqual(got["etag"], etags["postFetch"], f"ETag not readable: {got}")
            doc = ET.fromstring(got["body"])
            self.assertEqual(doc.tag, "PostResponse", got["body"])
            self.assertEqual(doc.findtext("Bucket"), bucket, got["body"])
            self.assertEqual(doc.findtext("Key"), files["postFetch"][0], got["body"])
            self.assertEqual(doc.findtext("ETag"), etags["postFetch"], got["body"])

        with self.subTest("real <form> submit"):
            got = out["postForm"]
            sent_type = got["requestHeaders"].get("content-type", "")
            self.assertTrue(sent_type.startswith("multipart/form-data; boundary="), got)
            self.assertEqual(got["requestHeaders"].get("origin"), self.app.origin, got)
            self.assertEqual(got["status"], 201, f"{got}{context}")
            doc = ET.fromstring(got["body"])
            self.assertEqual(doc.tag, "PostResponse", got["body"])
            self.assertEqual(doc.findtext("Bucket"), bucket, got["body"])
            self.assertEqual(doc.findtext("Key"), files["postForm"][0], got["body"])
            self.assertEqual(doc.findtext("ETag"), etags["postForm"], got["body"])
            self.assertEqual(got["headers"].get("etag"), etags["postForm"], got)

        with self.subTest("read back with fetch GET"):
            verify = out["verify"]
            self.assertNotIn("error", verify, f"fetch GET failed in the browser: {verify}{context}")
            for name in ("put", "postFetch", "postForm"):
                data = files[name][3]
                self.assertEqual(verify[name], {
                    "status": 200, "length": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "contentType": files[name][2], "etag": etags[name]}, name)

        with self.subTest("origin the CORS rules do not name"):
            denied = out["denied"]
            self.assertEqual(denied, {"error": "TypeError: Failed to fetch"},
                             f"the browser let a page from {self.other.origin} upload: {denied}")
            self.assertClientError(lambda: self.s3.head_object(Bucket=bucket,
                                                               Key=files["denied"][0]),
                                   "404", 404)

        with self.subTest("boto3 reads what the browser wrote"):
            for name in ("put", "postFetch", "postForm"):
                key, _, mime, data = files[name]
                obj = self.s3.get_object(Bucket=bucket, Key=key)
                body = obj["Body"].read()
                self.assertEqual(len(body), len(data), key)
                self.assertTrue(body == data, f"{key}: the stored bytes differ from the file")
                self.assertEqual(obj["ContentType"], mime, key)
                self.assertEqual(obj["ETag"], etags[name], key)
            listed = [o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket)["Contents"]]
            self.assertEqual(sorted(listed), sorted(files[n][0] for n in
                                                    ("put", "postFetch", "postForm")))

        self.assertEqual(self.app.requests.count("GET /"), 2, self.app.requests)


if __name__ == "__main__":
    if missing_dependency():
        print(f"test_browser: SKIPPED: {missing_dependency()}", file=sys.stderr, flush=True)
    unittest.main(testRunner=harness.Runner)
