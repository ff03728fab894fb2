#!/usr/bin/env python3
"""Soak run for bench/soak.sh: mixed S3 and Lambda load on one bucketfire for a long time,
with kill -9 every few minutes, then an account of everything that was acknowledged.

Not a test: it reports. Clients record each PUT the server acknowledged (key and MD5) and
each synchronous invocation answered. Objects in the `events` bucket fire the in-process
`copy` function (into `copies`), so every acknowledged upload there must end with its copy:
events are at least once, across kills. At the end every acknowledged object must read back
with its MD5, every copy must exist, and the server's RSS and open descriptors are compared
between the first and the last segment (between kills) of the run.

Writes bench/results/soak-latest.{json,md}.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import free_port, http_answer, log, proc_status, write_results  # noqa: E402

PIPELINE = {
    "functions": [
        {"name": "copier", "handler": "copy", "environment": {"TARGET_BUCKET": "copies", "TARGET_PREFIX": ""}},
        {"name": "echo", "handler": "echo"},
    ],
    "buckets": [
        {"name": "plain"}, {"name": "copies"},
        {"name": "events", "notifications": [{"function": "copier", "events": ["s3:ObjectCreated:*"]}]},
    ],
}


class Server:
    def __init__(self, binary, data_dir, config):
        self.binary, self.data_dir, self.config = binary, data_dir, config
        self.proc = None
        self.port = free_port()

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--data-dir", self.data_dir,
             "--config", self.config, "--no-access-log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if http_answer(self.port):
                return
            time.sleep(0.02)
        raise RuntimeError("bucketfire did not start")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)

    def sample(self):
        status = proc_status(self.proc.pid)
        try:
            fds = len(os.listdir(f"/proc/{self.proc.pid}/fd"))
        except OSError:
            fds = None
        return {"rss_kib": status.get("VmRSS"), "fds": fds}


class Ledger:
    """What the server acknowledged, from the clients' side."""

    def __init__(self):
        self.lock = threading.Lock()
        self.objects = {}  # (bucket, key) -> md5
        self.puts = self.gets = self.lists = self.invokes = 0
        self.refused = 0  # requests that failed (a kill in between, mostly)
        self.mismatches = []

    def acknowledged(self, bucket, key, md5):
        with self.lock:
            self.objects[(bucket, key)] = md5
            self.puts += 1

    def pick(self):
        with self.lock:
            if not self.objects:
                return None
            return random.choice(list(self.objects.items()))


def client_loop(worker, endpoint_of, ledger, stop):
    cfg = Config(region_name="us-east-1", retries={"mode": "standard", "total_max_attempts": 1},
                 connect_timeout=2, read_timeout=30)
    n = 0
    while not stop.is_set():
        endpoint = endpoint_of()
        session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test")
        s3 = session.client("s3", endpoint_url=endpoint, config=cfg)
        lam = session.client("lambda", endpoint_url=endpoint, config=cfg)
        while not stop.is_set() and endpoint == endpoint_of():
            n += 1
            choice = random.random()
            try:
                if choice < 0.45:
                    bucket = "events" if n % 2 else "plain"
                    key = f"w{worker}/{n:08d}"
                    body = os.urandom(random.choice([1024, 16 * 1024, 256 * 1024]))
                    s3.put_object(Bucket=bucket, Key=key, Body=body)
                    ledger.acknowledged(bucket, key, hashlib.md5(body).hexdigest())
                elif choice < 0.75:
                    picked = ledger.pick()
                    if picked:
                        (bucket, key), md5 = picked
                        got = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                        with ledger.lock:
                            ledger.gets += 1
                            if hashlib.md5(got).hexdigest() != md5:
                                ledger.mismatches.append(f"{bucket}/{key}: read back different bytes")
                elif choice < 0.85:
                    s3.list_objects_v2(Bucket="plain", Prefix=f"w{worker}/", MaxKeys=100)
                    with ledger.lock:
                        ledger.lists += 1
                else:
                    answer = lam.invoke(FunctionName="echo", Payload=json.dumps({"n": n}).encode())
                    payload = json.loads(answer["Payload"].read())
                    with ledger.lock:
                        ledger.invokes += 1
                        if payload != {"n": n}:
                            ledger.mismatches.append(f"echo {n}: answered {payload}")
            except Exception:
                with ledger.lock:
                    ledger.refused += 1
                time.sleep(0.05)
                break  # the server may have been killed: take the current endpoint again


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--duration", type=int, default=1800, help="seconds of load")
    ap.add_argument("--kill-every", type=int, default=180, help="seconds between kill -9s")
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="bf-soak-")
    config = os.path.join(work, "pipeline.json")
    with open(config, "w") as f:
        json.dump(PIPELINE, f)
    server = Server(a.binary, os.path.join(work, "data"), config)
    server.start()
    current = {"endpoint": f"http://127.0.0.1:{server.port}"}
    ledger, stop = Ledger(), threading.Event()
    threads = [threading.Thread(target=client_loop, args=(i, lambda: current["endpoint"], ledger, stop), daemon=True)
               for i in range(a.clients)]
    for t in threads:
        t.start()

    started = time.monotonic()
    segments, samples, kills = [], [], 0
    next_kill = started + a.kill_every
    try:
        while time.monotonic() - started < a.duration:
            time.sleep(5)
            samples.append(dict(server.sample(), t=round(time.monotonic() - started)))
            if time.monotonic() >= next_kill and time.monotonic() - started < a.duration - 30:
                segments.append(samples)
                samples = []
                log(f"kill -9 at {round(time.monotonic() - started)} s ({ledger.puts} puts acknowledged)")
                server.kill9()
                kills += 1
                server.port = free_port()
                server.start()
                current["endpoint"] = f"http://127.0.0.1:{server.port}"
                next_kill = time.monotonic() + a.kill_every
        segments.append(samples)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)

    # Let the outbox drain, then account for everything acknowledged.
    s3 = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test").client(
        "s3", endpoint_url=current["endpoint"], region_name="us-east-1")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        health = json.loads(subprocess.run(["curl", "-s", current["endpoint"] + "/_bucketfire/health"],
                                           capture_output=True, text=True).stdout or "{}")
        if health.get("pendingEvents") == 0:
            break
        time.sleep(1)
    missing, wrong, no_copy = [], [], []
    for (bucket, key), md5 in sorted(ledger.objects.items()):
        try:
            etag = s3.head_object(Bucket=bucket, Key=key)["ETag"].strip('"')
            if etag != md5:
                wrong.append(f"{bucket}/{key}")
        except Exception:
            missing.append(f"{bucket}/{key}")
            continue
        if bucket == "events":
            try:
                s3.head_object(Bucket="copies", Key=key)
            except Exception:
                no_copy.append(key)
    final_sample = server.sample()
    server.stop()
    shutil.rmtree(work, ignore_errors=True)

    def mean(values):
        values = [v for v in values if v is not None]
        return round(sum(values) / len(values)) if values else None

    def steady(segment):  # a segment's second half: after start-up and warm caches
        return segment[len(segment) // 2:] or segment

    first, last = steady(segments[0]), steady(segments[-1])
    result = {
        "duration_s": a.duration, "kill_every_s": a.kill_every, "kills": kills, "clients": a.clients,
        "acknowledged_puts": ledger.puts, "verified_gets": ledger.gets, "lists": ledger.lists,
        "invocations": ledger.invokes, "requests_failed_around_kills": ledger.refused,
        "objects_checked": len(ledger.objects),
        "missing": missing[:20], "missing_count": len(missing),
        "wrong_bytes": wrong[:20], "wrong_count": len(wrong),
        "events_without_copy": no_copy[:20], "events_without_copy_count": len(no_copy),
        "mismatches_during_run": ledger.mismatches[:20],
        "rss_kib_first_segment": mean(s["rss_kib"] for s in first),
        "rss_kib_last_segment": mean(s["rss_kib"] for s in last),
        "fds_first_segment": mean(s["fds"] for s in first),
        "fds_last_segment": mean(s["fds"] for s in last),
        "final": final_sample,
        "segments": segments,
    }
    ok = not (missing or wrong or no_copy or ledger.mismatches)
    md = (f"# Soak: {a.duration} s, kill -9 every {a.kill_every} s ({kills} kills), {a.clients} clients\n\n"
          f"- acknowledged PUTs: {ledger.puts}; GETs verified: {ledger.gets}; lists: {ledger.lists}; "
          f"sync invocations: {ledger.invokes}; requests that failed around kills: {ledger.refused}\n"
          f"- objects checked at the end: {len(ledger.objects)}; missing: {len(missing)}; wrong bytes: "
          f"{len(wrong)}; uploads to `events` without their copy: {len(no_copy)}; wrong answers during "
          f"the run: {len(ledger.mismatches)}\n"
          f"- server RSS, mean of the steady half of the first and last segments: "
          f"{result['rss_kib_first_segment']} KiB -> {result['rss_kib_last_segment']} KiB\n"
          f"- open descriptors, same: {result['fds_first_segment']} -> {result['fds_last_segment']}\n"
          f"- verdict: {'everything acknowledged is accounted for' if ok else 'LOST OR WRONG DATA'}\n")
    write_results(a.out, "soak", result, md)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
