"""The reference pipeline of fixtures/pipeline.json end to end over real HTTP, with its handlers
in-process: token -> POST /uploads -> curl PUT (or the browser POST form) -> metadata,
thumbnails, the index entry and the archived original all appear -> search and similar find
the image. Every bad input ends in a failure record with its reason while good uploads keep
flowing, and the request tier refuses what it should. Through the Object Lambda access point any
image of processed is served re-encoded for the client's Accept header, its metadata stripped."""

import concurrent.futures
import hashlib
import json
import os
import time
import unittest
import urllib.error
import urllib.request

import harness
import pipeline_support as ps


class ReferencePipeline(harness.ServerTestCase):
    server_args = ("--config", ps.PIPELINE_FILE, "--time-scale", "0.01")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pipeline = ps.PipelineClient(cls.server)

    def test_presigned_put_reaches_every_tier(self):
        image_id = self.pipeline.upload("harbour.jpg", tags=["harbour", "oslo"])
        answer = self.pipeline.wait_until_archived(image_id)

        # Thumbnails: each size and encoding, fitted in the box, fetched with the presigned URLs.
        got = {(t["size"], t["format"]) for t in answer["thumbnails"]}
        self.assertEqual(got, ps.THUMBNAILS)
        for t in answer["thumbnails"]:
            status, body, headers = ps.fetch(t["url"])
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"], "image/webp" if t["format"] == "webp" else "image/jpeg")
            width, height = ps.image_size(body)
            self.assertEqual((width, height), (t["size"], round(t["size"] * 2 / 3)), t["key"])
        # Thumbnails are public, as a CDN's origin: processed's policy lets anyone read
        # thumbnails/, and nothing else.
        status, body, _ = ps.fetch(f"{self.server.endpoint}/processed/thumbnails/256/{image_id}.webp")
        self.assertEqual((status, ps.image_size(body)), (200, (256, 171)))
        with self.assertRaises(urllib.error.HTTPError) as refused:
            ps.fetch(f"{self.server.endpoint}/processed/metadata/{image_id}.json")
        self.assertEqual(refused.exception.code, 403)
        head = self.s3.head_object(Bucket="processed", Key=f"thumbnails/256/{image_id}.webp")
        self.assertEqual(head["Metadata"]["source"], f"s3://ingest/{answer['original']['key']}")

        # Metadata: what the image is, its EXIF, its content hash and its fingerprint.
        status, body, _ = ps.fetch(answer["metadata"]["url"])
        doc = json.loads(body)
        with open(ps.image("harbour.jpg"), "rb") as f:
            original = f.read()
        self.assertEqual(doc["contentSha256"], hashlib.sha256(original).hexdigest())
        self.assertEqual((doc["format"], doc["width"], doc["height"], doc["colourSpace"]), ("jpeg", 1200, 800, "srgb"))
        self.assertEqual(doc["exif"]["model"], "Canon EOS R6")
        self.assertEqual(doc["exif"]["gps"], {"latitude": 59.912222, "longitude": 10.738889})
        self.assertEqual(doc["tags"], ["harbour", "oslo"])
        self.assertEqual(len(doc["fingerprint"]["dhash"]), 16)

        # The original: gone from ingest, in archive as INTELLIGENT_TIERING with the same bytes
        # (readable while it is in the Frequent Access tier); the copy kept the original's
        # single-part ETag, the MD5 of the same bytes.
        key = answer["original"]["key"]
        self.assertRegex(key, r"^uploads/\d{4}/\d{2}/" + image_id + r"\.jpg$")
        self.assertClientError(lambda: self.s3.head_object(Bucket="ingest", Key=key), "404")
        listed = self.s3.list_objects_v2(Bucket="archive", Prefix=key)["Contents"]
        self.assertEqual(listed[0]["StorageClass"], "INTELLIGENT_TIERING")
        self.assertEqual(answer["original"]["storageClass"], "INTELLIGENT_TIERING")
        status, body, _ = ps.fetch(answer["original"]["url"])
        self.assertEqual((status, body), (200, original))
        head = self.s3.head_object(Bucket="archive", Key=key)
        self.assertEqual(head["ETag"].strip('"'), hashlib.md5(original).hexdigest())
        self.assertEqual(head["ContentLength"], len(original))

        # The index, searched through the API.
        self.pipeline.wait_until_indexed([image_id])
        for query in ["canon", "Canon R6", "oslo", "2024-06", "landscape gps"]:
            status, found = self.pipeline.api("GET", "/search?q=" + query.replace(" ", "+"), token=False)
            self.assertEqual(status, 200, found)
            self.assertIn(image_id, [r["id"] for r in found["results"]], query)
        status, found = self.pipeline.api("GET", "/search?q=canon+portrait", token=False)
        self.assertNotIn(image_id, [r["id"] for r in found["results"]])

    def test_browser_post_form_and_similar_images(self):
        answer = self.pipeline.presign("harbour-small.jpg")
        resp = self.pipeline.post_form(answer, "harbour-small.jpg")
        self.assertEqual(resp.status, 204, resp.body)
        near = answer["id"]
        harbour = self.pipeline.upload("harbour.jpg")
        forest = self.pipeline.upload("forest.png")
        for image_id in (near, harbour, forest):
            self.pipeline.wait_until_archived(image_id)
        self.pipeline.wait_until_indexed([near, harbour, forest])

        status, similar = self.pipeline.api("GET", f"/similar/{harbour}?limit=50", token=False)
        self.assertEqual(status, 200, similar)
        ranked = [r["id"] for r in similar["results"]]
        self.assertNotIn(harbour, ranked)
        self.assertLess(ranked.index(near), ranked.index(forest))
        scores = {r["id"]: r["similarity"] for r in similar["results"]}
        self.assertGreater(scores[near], 0.85)
        self.assertEqual(similar["results"], sorted(similar["results"], key=lambda r: -r["similarity"]))

    def test_every_accepted_format_and_autorotation(self):
        names = ["portrait.jpg", "sunset.webp", "wide-gamut.jpg", "night.tif", "badge.gif", "city.heic", "city.avif"]
        ids = {name: self.pipeline.upload(name) for name in names}
        for name, image_id in ids.items():
            with self.subTest(name):
                answer = self.pipeline.wait_until_archived(image_id)
                self.assertEqual({(t["size"], t["format"]) for t in answer["thumbnails"]}, ps.THUMBNAILS)
        answer = self.pipeline.image(ids["portrait.jpg"])[1]
        small = next(t for t in answer["thumbnails"] if t["size"] == 256 and t["format"] == "jpeg")
        self.assertEqual(ps.image_size(ps.fetch(small["url"])[1]), (171, 256))  # stored 900x600, orientation 6
        self.assertEqual((answer["width"], answer["height"]), (600, 900))

    def test_bad_inputs_end_in_failure_records_and_good_uploads_keep_flowing(self):
        expected = {"empty.jpg": "EmptyImage", "corrupt.jpg": "CorruptImage", "not-an-image.jpg": "UnsupportedImage",
                    "truncated.jpg": "CorruptImage", "huge-100mp.png": "ImageTooLarge"}
        keys = {}
        for name in expected:
            # Straight into ingest (as `aws s3 cp` would), so even the empty file gets there.
            keys[name] = f"uploads/bad/{harness.unique('x')}-{name}"
            with open(ps.image("bad/" + name), "rb") as f:
                self.s3.put_object(Bucket="ingest", Key=keys[name], Body=f.read(), ContentType=ps.content_type(name))
        good = self.pipeline.upload("sunset.webp")

        records = harness.wait_for(
            lambda: (lambda r: r if all(k in r for k in keys.values()) else None)(self.pipeline.failure_records("thumbnail")),
            "a failure record for each bad input", timeout=60, interval=0.2)
        for name, error_type in expected.items():
            with self.subTest(name):
                record = records[keys[name]]
                self.assertEqual(record["requestContext"]["condition"], "RetriesExhausted")
                self.assertEqual(record["responsePayload"]["errorType"], error_type)
                self.assertTrue(record["responsePayload"]["errorMessage"])
                # Bad uploads stay in ingest, untouched, for someone to look at.
                self.s3.head_object(Bucket="ingest", Key=keys[name])
        self.assertIn("above the limit of 50 megapixels", records[keys["huge-100mp.png"]]["responsePayload"]["errorMessage"])
        self.assertIn("0 bytes", records[keys["empty.jpg"]]["responsePayload"]["errorMessage"])
        self.pipeline.wait_until_archived(good)
        self.server.internal("health")  # still answering

    def test_concurrent_uploads_all_reach_the_index(self):
        names = ["harbour.jpg", "forest.png", "sunset.webp", "badge.gif", "night.tif", "harbour-small.jpg"] * 2
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            ids = list(pool.map(self.pipeline.upload, names))
        index = self.pipeline.wait_until_indexed(ids, timeout=90)
        for image_id in ids:
            self.assertIn(image_id, index["images"])
        # Postings are consistent with the entries: every indexed term points back to its image.
        for image_id in ids:
            for term in index["images"][image_id]["terms"]:
                self.assertIn(image_id, index["terms"][term])

    def test_an_index_written_elsewhere_is_built_on_not_overwritten(self):
        # The indexer keeps the index it last wrote; a write by anyone else in between must be
        # read, not replaced by the kept copy.
        first = self.pipeline.upload("harbour-small.jpg")
        index = self.pipeline.wait_until_indexed([first])
        index["images"]["written-elsewhere"] = dict(index["images"][first])
        self.s3.put_object(Bucket="processed", Key="index/search-index.json",
                           Body=json.dumps(index).encode(), ContentType="application/json")
        second = self.pipeline.upload("forest.png")
        index = self.pipeline.wait_until_indexed([second])
        self.assertIn("written-elsewhere", index["images"])
        self.assertIn(first, index["images"])

    def pipeline_has_bucket(self, name):
        return any(b["Name"] == name for b in self.s3.list_buckets()["Buckets"])

    def test_metadata_run_on_a_plain_event_describes_the_object_as_the_pipeline_did(self):
        # In the pipeline, metadata writes the description thumbnail made while it had the
        # image; invoked with a plain S3 event it downloads and reads the object itself.
        mark = self.server.log_mark()
        image_id = self.pipeline.upload("harbour.jpg", tags=["harbour", "oslo"])
        self.pipeline.wait_until_archived(image_id)
        chained = self.pipeline.read_json("processed", f"metadata/{image_id}.json")
        self.assertRegex(self.server.log_since(mark, limit=100000),
                         f"metadata for {image_id}: jpeg 1200x800, .*, as thumbnail described it")
        key = chained["source"]["key"]
        # Replay the event against a copy of the original's bytes in another bucket, under the
        # same key.
        if not self.pipeline_has_bucket("replay"):
            self.s3.create_bucket(Bucket="replay")
        archived = self.s3.head_object(Bucket="archive", Key=key)
        with open(ps.image("harbour.jpg"), "rb") as f:
            self.s3.put_object(Bucket="replay", Key=key, Body=f.read(), ContentType=archived["ContentType"],
                               Metadata=archived["Metadata"])
        head = self.s3.head_object(Bucket="replay", Key=key)
        event = {"Records": [{
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": "2026-01-01T00:00:00.000Z", "eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": "replay", "arn": "arn:aws:s3:::replay"},
                   "object": {"key": key, "size": head["ContentLength"], "eTag": head["ETag"].strip('"')}}}]}
        answer = self.server.lambda_client().invoke(FunctionName="metadata", Payload=json.dumps(event).encode())
        payload = json.loads(answer["Payload"].read())
        self.assertNotIn("FunctionError", answer, payload)
        self.assertEqual(payload, {"metadata": [f"metadata/{image_id}.json"]})
        alone = self.pipeline.read_json("processed", f"metadata/{image_id}.json")
        self.assertRegex(self.server.log_since(mark, limit=100000),
                         f"metadata for {image_id}: jpeg 1200x800, .*, read from the object")
        self.assertEqual(alone["source"].pop("bucket"), "replay")
        self.assertEqual(chained["source"].pop("bucket"), "ingest")
        for doc in (alone, chained):
            doc.pop("processedAt")
        self.assertEqual(alone, chained)

    def test_object_lambda_serves_images_re_encoded_for_the_client(self):
        control = self.server.proxied_client("s3control")
        alias = control.get_access_point_for_object_lambda(AccountId="000000000000",
                                                           Name="images-for-clients")["Alias"]["Value"]
        image_id = self.pipeline.upload("harbour.jpg")
        self.pipeline.wait_until_archived(image_id)

        def through_object_lambda(key, accept=None):
            url = self.s3.generate_presigned_url("get_object", Params={"Bucket": alias, "Key": key})
            request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
            with urllib.request.urlopen(request, timeout=60) as resp:
                return resp.headers["Content-Type"], resp.read()

        # A thumbnail, in the format each client asks for, at its size.
        thumbnail = f"thumbnails/256/{image_id}.webp"
        formats = {"image/avif,image/webp,*/*": ("image/avif", b"ftypavif"),
                   "image/webp,*/*;q=0.8": ("image/webp", b"WEBP"),
                   "*/*": ("image/jpeg", b"\xff\xd8\xff")}
        for accept, (content_type, magic) in formats.items():
            with self.subTest(accept):
                got_type, body = through_object_lambda(thumbnail, accept)
                self.assertEqual(got_type, content_type)
                self.assertIn(magic, body[:16])
                self.assertEqual(ps.image_size(body), (256, 171))
        # Any image of processed: EXIF (camera, GPS) is stripped on the way out.
        with open(ps.image("harbour.jpg"), "rb") as f:
            original = f.read()
        self.assertIn(b"Exif", original)
        self.s3.put_object(Bucket="processed", Key="originals/harbour.jpg", Body=original)
        for accept in ("image/jpeg", "image/webp", "image/avif"):
            with self.subTest(accept):
                got_type, body = through_object_lambda("originals/harbour.jpg", accept)
                self.assertEqual((got_type, ps.image_size(body)), (accept, (1200, 800)))
                self.assertNotIn(b"Exif", body)
                self.assertNotIn(b"Canon", body)
        # The stored thumbnail itself is unchanged, and what cannot be served says why.
        self.assertEqual(self.s3.get_object(Bucket="processed", Key=thumbnail)["ContentType"], "image/webp")
        self.assertClientError(lambda: self.s3.get_object(Bucket=alias, Key="thumbnails/none.webp"), "NoSuchKey", 404)
        self.s3.put_object(Bucket="processed", Key="originals/notes.txt", Body=b"not an image")
        self.assertClientError(lambda: self.s3.get_object(Bucket=alias, Key="originals/notes.txt"),
                               "UnsupportedImage", 415)

    def test_an_upload_s_journey_is_one_trace(self):
        # A client that sends one X-Amzn-Trace-Id on both of its requests (as an X-Ray-instrumented
        # client does) sees POST /uploads, the presigned PUT and everything the upload causes
        # in that one trace.
        root = "1-%08x-%s" % (int(time.time()), os.urandom(12).hex())
        header = {"X-Amzn-Trace-Id": f"Root={root};Sampled=1"}
        answer = self.pipeline.presign("harbour-small.jpg", headers=header)
        status, body = self.pipeline.put_with_curl(answer, "harbour-small.jpg", header)
        self.assertEqual(status, 200, body)
        self.pipeline.wait_until_archived(answer["id"])
        self.pipeline.wait_until_indexed([answer["id"]])
        wanted = {"HttpApi", "presign", "metadata", "thumbnail", "indexer", "archiver"}

        def documents():
            resp = self.server.raw("GET", f"/_bucketfire/traces/{root}")
            if resp.status != 200:
                return None
            docs = [json.loads(s["Document"]) for s in json.loads(resp.body)["Traces"][0]["Segments"]]
            return docs if wanted <= {d["name"] for d in docs} else None
        docs = harness.wait_for(documents, f"the pipeline's functions in trace {root}")
        by_id = {d["id"]: d for d in docs}
        gateway = next(d for d in docs if d["name"] == "HttpApi")
        presign = next(d for d in docs if d["name"] == "presign")
        put = next(d for d in docs if d["name"] == "S3" and d["aws"]["operation"] == "PutObject"
                   and d["http"]["request"]["url"].startswith("/ingest/"))
        self.assertEqual(presign["parent_id"], gateway["id"])
        self.assertEqual(next(d for d in docs if d["name"] == "thumbnail")["parent_id"], put["id"])
        # The indexer runs for the metadata document the metadata function wrote: its parent is
        # that write, whose parent is the metadata function.
        indexer = next(d for d in docs if d["name"] == "indexer")
        self.assertEqual(by_id[by_id[indexer["parent_id"]]["parent_id"]]["name"], "metadata")
        self.assertEqual({d["trace_id"] for d in docs}, {root})

        # Two roots, the client's two requests; every other segment descends from one of them.
        def top(d):
            while "parent_id" in d:
                d = by_id[d["parent_id"]]
            return d["id"]
        self.assertEqual({top(d) for d in docs}, {gateway["id"], put["id"]})

    def test_request_tier_refusals(self):
        size = os.path.getsize(ps.image("harbour.jpg"))
        cases = [
            ({"contentType": "image/jpeg", "size": size}, False, 401, "Unauthorized"),
            ({"contentType": "application/pdf", "size": size}, True, 415, "not accepted"),
            ({"contentType": "image/jpeg", "size": 60 * 1024 * 1024}, True, 413, "above the limit"),
            ({"contentType": "image/jpeg"}, True, 400, "size is required"),
            ({"contentType": "image/jpeg", "size": 0}, True, 400, "at least 1 byte"),
            ({"size": size}, True, 400, "contentType is required"),
            ({"contentType": "image/jpeg", "size": size, "tags": ["Not Allowed"]}, True, 400, "each tag"),
        ]
        for body, token, status, text in cases:
            with self.subTest(body=body, token=token):
                got, answer = self.pipeline.api("POST", "/uploads", body, token=token)
                self.assertEqual(got, status, answer)
                self.assertIn(text, answer["message"])
        got, answer = self.pipeline.api("POST", "/uploads", b"not json")
        self.assertEqual(got, 400)

        # The presigned PUT holds the client to what it asked for: type and length are signed.
        answer = self.pipeline.presign("harbour.jpg", size=size + 1)
        status, body = self.pipeline.put_with_curl(answer, "harbour.jpg")
        self.assertEqual(status, 403, body)
        self.assertIn("SignatureDoesNotMatch", body)
        answer = self.pipeline.presign("harbour.jpg")
        answer["upload"]["headers"]["Content-Type"] = "image/png"
        status, body = self.pipeline.put_with_curl(answer, "harbour.jpg")
        self.assertEqual(status, 403, body)
        # The POST form's policy pins the type too.
        answer = self.pipeline.presign("forest.png")
        answer["form"]["fields"]["Content-Type"] = "image/gif"
        resp = self.pipeline.post_form(answer, "forest.png")
        self.assertEqual(resp.status, 403, resp.body)

        for path, status in [("/images/not-an-id", 400), ("/images/00000000-0000-4000-8000-000000000000", 404),
                             ("/search", 400), ("/similar/00000000-0000-4000-8000-000000000000", 404),
                             ("/similar/nope", 400)]:
            with self.subTest(path=path):
                self.assertEqual(self.pipeline.api("GET", path, token=False)[0], status)


if __name__ == "__main__":
    unittest.main()
