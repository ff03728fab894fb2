"""Crash safety: kill -9 during concurrent writes loses no acknowledged object and leaves no
torn one; concurrent writers to one key leave exactly one whole version."""

import concurrent.futures
import random
import sys
import threading
import time
import unittest

from botocore.exceptions import BotoCoreError, ClientError

import harness
from harness import etag_of, md5_hex

KiB = 1024
WRITERS = 8
WRITE_SECONDS = 3.0


class KillDuringWrites(harness.ServerTestCase):
    def test_kill9_mid_flight_keeps_every_acknowledged_object(self):
        bucket = self.new_bucket()
        acked = {}
        lock = threading.Lock()
        killed = threading.Event()
        unexpected = []

        def writer(tid):
            s3 = self.server.client()
            rnd = random.Random(1000 + tid)
            for n in range(1_000_000):
                if killed.is_set():
                    return
                body = rnd.randbytes(rnd.randint(1 * KiB, 256 * KiB))
                key = f"w{tid}/{n:06d}"
                try:
                    r = s3.put_object(Bucket=bucket, Key=key, Body=body)
                except (BotoCoreError, ClientError, OSError) as e:
                    if not killed.is_set():
                        with lock:
                            unexpected.append(f"{key}: {e!r}")
                    return
                md5 = md5_hex(body)
                if r["ETag"] != f'"{md5}"':
                    with lock:
                        unexpected.append(f"{key}: ETag {r['ETag']} for body md5 {md5}")
                with lock:
                    acked[key] = (md5, len(body))

        threads = [threading.Thread(target=writer, args=(i,), daemon=True)
                   for i in range(WRITERS)]
        for t in threads:
            t.start()
        time.sleep(WRITE_SECONDS)
        killed.set()
        self.server.kill9()
        for t in threads:
            t.join(90)
        self.assertFalse(any(t.is_alive() for t in threads), "a writer hung after the kill")
        self.assertNoProblems(unexpected, "writes failed before the kill")
        self.assertGreater(len(acked), WRITERS, "too few writes were acknowledged to test")

        self.server.start()
        s3 = self.server.client()

        def check_acked(item):
            key, (md5, size) = item
            try:
                body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            except ClientError as e:
                return f"{key}: acknowledged but now {e.response['Error'].get('Code')}"
            if len(body) != size or md5_hex(body) != md5:
                return f"{key}: acknowledged {size} bytes md5 {md5}, read {len(body)} bytes"
            return None

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            lost = [m for m in pool.map(check_acked, sorted(acked.items())) if m]
        self.assertNoProblems(lost, f"of {len(acked)} acknowledged objects, some are damaged")

        listed = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            listed += page.get("Contents", [])
        listed_keys = {o["Key"] for o in listed}
        self.assertNoProblems(sorted(set(acked) - listed_keys),
                              "acknowledged objects missing from the listing")

        def check_listed(entry):
            try:
                body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
            except ClientError as e:
                return f"{entry['Key']}: listed but GET gives {e.response['Error'].get('Code')}"
            if f'"{md5_hex(body)}"' != entry["ETag"] or len(body) != entry["Size"]:
                return (f"{entry['Key']}: torn: listed {entry['Size']} bytes {entry['ETag']}, "
                        f"read {len(body)} bytes md5 {md5_hex(body)}")
            return None

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            torn = [m for m in pool.map(check_listed, listed) if m]
        self.assertNoProblems(torn, "listed objects do not match their ETag")
        print(f"\n  {len(acked)} writes acknowledged before kill -9; {len(listed)} objects "
              f"listed after restart", file=sys.stderr)

        # The recovered server accepts writes again, including over recovered keys.
        some_key = sorted(acked)[0]
        s3.put_object(Bucket=bucket, Key=some_key, Body=b"after recovery")
        self.assertEqual(s3.get_object(Bucket=bucket, Key=some_key)["Body"].read(),
                         b"after recovery")


class OneKeyManyWriters(harness.ServerTestCase):
    def test_concurrent_puts_to_one_key_leave_one_whole_body(self):
        bucket = self.new_bucket()
        rnd = random.Random(7)
        bodies = [rnd.randbytes(rnd.randint(64 * KiB, 1024 * KiB)) for _ in range(WRITERS)]
        by_md5 = {md5_hex(b): b for b in bodies}
        self.assertEqual(len(by_md5), WRITERS)
        self.s3.put_object(Bucket=bucket, Key="contended", Body=bodies[0])
        barrier = threading.Barrier(WRITERS + 1)
        done = threading.Event()
        problems = []
        lock = threading.Lock()
        reads = [0]

        def writer(i):
            s3 = self.server.client()
            barrier.wait(30)
            for _ in range(5):
                try:
                    r = s3.put_object(Bucket=bucket, Key="contended", Body=bodies[i])
                    if r["ETag"] != etag_of(bodies[i]):
                        with lock:
                            problems.append(f"writer {i}: ETag {r['ETag']}")
                except (BotoCoreError, ClientError) as e:
                    with lock:
                        problems.append(f"writer {i}: {e!r}")

        def reader():
            s3 = self.server.client()
            barrier.wait(30)
            for _ in range(500):
                if done.is_set():
                    return
                try:
                    g = s3.get_object(Bucket=bucket, Key="contended")
                    body = g["Body"].read()
                except (BotoCoreError, ClientError) as e:
                    with lock:
                        problems.append(f"reader: {e!r}")
                    return
                reads[0] += 1
                md5 = md5_hex(body)
                if md5 not in by_md5:
                    with lock:
                        problems.append(f"reader saw a body that was never written "
                                        f"({len(body)} bytes)")
                elif g["ETag"] != f'"{md5}"':
                    with lock:
                        problems.append(f"reader: ETag {g['ETag']} with body md5 {md5}")

        writers = [threading.Thread(target=writer, args=(i,), daemon=True)
                   for i in range(WRITERS)]
        rd = threading.Thread(target=reader, daemon=True)
        for t in writers + [rd]:
            t.start()
        for t in writers:
            t.join(120)
        done.set()
        rd.join(60)
        self.assertFalse(any(t.is_alive() for t in writers + [rd]), "a client hung")
        self.assertNoProblems(problems, "concurrent writers/reader")
        self.assertGreater(reads[0], 0)

        g = self.s3.get_object(Bucket=bucket, Key="contended")
        body = g["Body"].read()
        self.assertIn(md5_hex(body), by_md5, "final body is not one of the written bodies")
        self.assertEqual(g["ETag"], etag_of(body))
        self.assertEqual(g["ContentLength"], len(body))
        h = self.s3.head_object(Bucket=bucket, Key="contended")
        self.assertEqual((h["ETag"], h["ContentLength"]), (g["ETag"], len(body)))
        listed = self.s3.list_objects_v2(Bucket=bucket)["Contents"]
        self.assertEqual([(o["Key"], o["ETag"], o["Size"]) for o in listed],
                         [("contended", etag_of(body), len(body))])


if __name__ == "__main__":
    unittest.main(testRunner=harness.Runner)
