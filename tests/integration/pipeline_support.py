"""Drives the reference pipeline (fixtures/pipeline.json) as its users do: a token from
`bucketfire token`, POST /uploads, the upload with curl (presigned PUT) or a browser-style
POST form, then the HTTP API and the buckets. Shared by the in-process and external tests."""

import json
import os
import subprocess
import urllib.request
import uuid

import harness

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PIPELINE_FILE = os.path.join(REPO, "fixtures", "pipeline.json")
IMAGES = os.path.join(REPO, "fixtures", "images")
CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".tif": "image/tiff",
                 ".gif": "image/gif", ".heic": "image/heic", ".avif": "image/avif"}
# Every artefact of an image with the pipeline's default THUMBNAIL_SIZES and _FORMATS.
THUMBNAILS = {(256, "webp"), (256, "jpeg"), (1024, "webp"), (1024, "jpeg")}


def image(name):
    return os.path.join(IMAGES, name)


def content_type(name):
    return CONTENT_TYPES[os.path.splitext(name)[1]]


def image_size(data):
    """(width, height) of encoded image bytes, read by libvips' vipsheader."""
    path = os.path.join(harness.tempfile.gettempdir(), "bf-thumb-" + uuid.uuid4().hex)
    with open(path, "wb") as f:
        f.write(data)
    try:
        out = subprocess.run(["vipsheader", "-f", "width", path], capture_output=True, text=True, check=True)
        height = subprocess.run(["vipsheader", "-f", "height", path], capture_output=True, text=True, check=True)
        return int(out.stdout), int(height.stdout)
    finally:
        os.unlink(path)


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.status, resp.read(), dict(resp.headers)


class PipelineClient:
    def __init__(self, server):
        self.server = server
        proc = subprocess.run([harness.binary_path(), "token", "--config", PIPELINE_FILE],
                              capture_output=True, text=True, check=True)
        self.token = proc.stdout.strip()
        self.s3 = server.client()  # polled often: one client, not one per poll

    def api(self, method, path, body=None, token=True, headers=None):
        sent = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            sent["Authorization"] = "Bearer " + self.token
        sent.update(headers or {})
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else (body or b"")
        resp = self.server.raw(method, "/_api" + path, sent, data)
        try:
            return resp.status, json.loads(resp.body or b"null")
        except ValueError:
            return resp.status, resp.body

    def presign(self, name, tags=None, size=None, kind=None, headers=None):
        body = {"contentType": kind or content_type(name),
                "size": os.path.getsize(image(name)) if size is None else size}
        if tags:
            body["tags"] = tags
        status, answer = self.api("POST", "/uploads", body, headers=headers)
        assert status == 201, (status, answer)
        return answer

    def put_with_curl(self, answer, name, extra_headers=None):
        """The upload exactly as the presign answer describes it, sent by curl."""
        cmd = ["curl", "-sS", "-o", "/dev/stderr", "-w", "%{http_code}", "-X", "PUT", "--upload-file", image(name)]
        for header, value in list(answer["upload"]["headers"].items()) + list((extra_headers or {}).items()):
            if header.lower() != "content-length":  # curl sends the file's own length
                cmd += ["-H", f"{header}: {value}"]
        proc = subprocess.run(cmd + [answer["upload"]["url"]], capture_output=True, text=True, timeout=60)
        return int(proc.stdout or 0), proc.stderr

    def post_form(self, answer, name):
        with open(image(name), "rb") as f:
            body, form_type = harness.multipart(list(answer["form"]["fields"].items()), f.read(), name, content_type(name))
        url = answer["form"]["url"]
        target = url[url.index("/", len("http://")):]
        return self.server.raw("POST", target, {"Content-Type": form_type}, body)

    def upload(self, name, tags=None):
        answer = self.presign(name, tags)
        status, body = self.put_with_curl(answer, name)
        assert status == 200, (status, body)
        return answer["id"]

    def image(self, image_id):
        return self.api("GET", "/images/" + image_id, token=False)

    def wait_until_archived(self, image_id, timeout=90):
        """Every artefact written and the original moved to archive: the pipeline is done with it."""
        def done():
            status, answer = self.image(image_id)
            if status == 200 and answer["complete"] and answer["original"]["state"] == "archived":
                return answer
            return None
        return harness.wait_for(done, f"image {image_id} to be processed and archived", timeout=timeout,
                                interval=0.1)

    def wait_until_indexed(self, image_ids, timeout=60):
        def indexed():
            index = self.read_json("processed", "index/search-index.json")
            return index if index and all(i in index["images"] for i in image_ids) else None
        return harness.wait_for(indexed, f"{len(image_ids)} image(s) in the search index", timeout=timeout,
                                interval=0.1)

    def read_json(self, bucket, key):
        try:
            return json.loads(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except self.s3.exceptions.NoSuchKey:
            return None

    def failure_records(self, function):
        """The on-failure records the pipeline left in archive for `function`, by upload key."""
        s3 = self.s3
        records = {}
        listing = s3.list_objects_v2(Bucket="archive", Prefix=f"aws/lambda/async/{function}/")
        for item in listing.get("Contents", []):
            record = json.loads(s3.get_object(Bucket="archive", Key=item["Key"])["Body"].read())
            for r in record["requestPayload"]["Records"]:
                records[r["s3"]["object"]["key"]] = record
        return records
