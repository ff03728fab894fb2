#!/usr/bin/env python3
"""Upload-to-handler latency and event throughput of bucketfire's S3 -> Lambda path, next to
moto's S3 -> SQS notification path (moto runs Lambda functions only in Docker, which this
machine does not have, so its queue delivery is the closest path it can run here).

Not a test: it measures and reports. Results: bench/results/events-latest.{md,json}.

  python3 bench/events.py [--bucketfire build/bucketfire] [--samples 1000] [--duration 10]
"""

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

import boto3
from botocore.config import Config

from bench import free_port, write_results  # the same helpers the main benchmark uses

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
BODY = b"b" * 4096


def log(msg):
    print(f"events-bench: {msg}", file=sys.stderr, flush=True)


def wait_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def s3_client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))


def pct(values, p):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summary(values):
    return {"n": len(values), "p50": pct(values, 50), "p90": pct(values, 90), "p99": pct(values, 99),
            "mean": statistics.fmean(values) if values else None, "max": max(values) if values else None}


class Conn:
    """A kept-alive HTTP connection replaying presigned URLs."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, url, body=b""):
        parts = urllib.parse.urlsplit(url)
        target = parts.path + (("?" + parts.query) if parts.query else "")
        self.conn.request(method, target, body=body, headers={"Content-Length": str(len(body))})
        resp = self.conn.getresponse()
        data = resp.read()
        return resp.status, data


# --------------------------------------------------------------------------------------
# bucketfire
# --------------------------------------------------------------------------------------

PIPELINE = {
    "functions": [{"name": "noop", "handler": "noop", "timeout": 30}],
    "buckets": [
        {"name": "latency", "notifications": [{"function": "noop", "events": ["s3:ObjectCreated:*"]}]},
        {"name": "throughput", "notifications": [{"function": "noop", "events": ["s3:ObjectCreated:*"]}]},
        {"name": "plain"},
    ],
}


def start_bucketfire(binary, workdir):
    pipeline = os.path.join(workdir, "pipeline.json")
    with open(pipeline, "w") as f:
        json.dump(PIPELINE, f)
    port = free_port()
    data = os.path.join(workdir, "bf-data")
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data, "--config", pipeline,
                             "--no-access-log"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)
    return proc, port


def internal(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/_bucketfire/" + path)
    body = c.getresponse().read()
    c.close()
    return json.loads(body)


def bucketfire_latency(port, samples):
    """Sequential PUTs, each waited on until its handler has run: time from just before the
    request was sent to the handler's start, and from the event's commit to the handler's
    start (both on this machine's real-time clock)."""
    s3 = s3_client(f"http://127.0.0.1:{port}")
    urls = [s3.generate_presigned_url("put_object", Params={"Bucket": "latency", "Key": f"k{i}"})
            for i in range(samples)]
    conn = Conn(port)
    poll = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    upload_to_start, commit_to_start, put_ms = [], [], []
    seen = None
    for i, url in enumerate(urls):
        t_send = time.time_ns() // 1000
        t0 = time.perf_counter()
        status, _ = conn.request("PUT", url, BODY)
        put_ms.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"PUT answered {status}")
        deadline = time.monotonic() + 10
        while True:
            poll.request("GET", "/_bucketfire/invocations?function=noop&limit=1")
            latest = json.loads(poll.getresponse().read())["invocations"]
            if latest and latest[0]["requestId"] != seen and "startedUs" in latest[0]:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("handler did not run within 10 s")
        seen = latest[0]["requestId"]
        upload_to_start.append((latest[0]["startedUs"] - t_send) / 1000)
        commit_to_start.append((latest[0]["startedUs"] - latest[0]["enqueuedUs"]) / 1000)
    return {"upload_to_handler_start_ms": summary(upload_to_start),
            "commit_to_handler_start_ms": summary(commit_to_start),
            "put_response_ms": summary(put_ms)}


def run_wrk(url, duration, conns):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "--latency", "-s",
           os.path.join(BENCH_DIR, "put.lua"), url]
    r = subprocess.run(cmd, capture_output=True, timeout=duration + 60)
    m = re.search(r"^WRKJSON (.*)$", r.stdout.decode(errors="replace"), re.M)
    if not m:
        raise RuntimeError(f"wrk printed no summary: {r.stdout[-400:]} {r.stderr[-400:]}")
    res = json.loads(m.group(1))
    res["ok"] = res["requests"] - res["errors"]["status"]
    res["rps"] = res["ok"] / (res["duration_us"] / 1e6)
    res["command"] = " ".join(cmd[:-1])
    return res


def bucketfire_throughput(port, duration, conns):
    """wrk PUTs for `duration` s to a bucket whose every write fires the no-op function; the
    events per second are all delivered events over the time from the first PUT to an empty
    queue. The same load on a bucket without notifications shows what queuing costs a PUT."""
    s3 = s3_client(f"http://127.0.0.1:{port}")
    plain = run_wrk(s3.generate_presigned_url("put_object", Params={"Bucket": "plain", "Key": "k"}),
                    duration, conns)
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "throughput", "Key": "k"})
    before = internal(port, "health")["pendingEvents"]
    t0 = time.monotonic()
    fired = run_wrk(url, duration, conns)
    t_wrk = time.monotonic() - t0
    backlog = internal(port, "health")["pendingEvents"]
    deadline = time.monotonic() + 600
    while internal(port, "health")["pendingEvents"] > 0:
        if time.monotonic() > deadline:
            raise RuntimeError("queue did not drain in 600 s")
        time.sleep(0.05)
    total = time.monotonic() - t0
    return {"plain_put": plain, "notified_put": fired, "events": fired["ok"],
            "pending_before": before, "backlog_when_load_stopped": backlog,
            "seconds_load": t_wrk, "seconds_to_empty_queue": total,
            "events_per_second": fired["ok"] / total}


# --------------------------------------------------------------------------------------
# moto (S3 -> SQS)
# --------------------------------------------------------------------------------------

def moto_latency(samples, workdir):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        endpoint = f"http://127.0.0.1:{port}"
        s3 = s3_client(endpoint)
        sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test")
        queue = sqs.create_queue(QueueName="events")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        s3.create_bucket(Bucket="latency")
        s3.put_bucket_notification_configuration(Bucket="latency", NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
        # Drain the s3:TestEvent moto sends when the configuration is set.
        while sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages"):
            pass
        urls = [s3.generate_presigned_url("put_object", Params={"Bucket": "latency", "Key": f"k{i}"})
                for i in range(samples)]
        conn = Conn(port)
        upload_to_event, put_ms = [], []
        for url in urls:
            t0 = time.perf_counter()
            status, _ = conn.request("PUT", url, BODY)
            put_ms.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise RuntimeError(f"moto PUT answered {status}")
            while True:
                msgs = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", [])
                if msgs:
                    upload_to_event.append((time.perf_counter() - t0) * 1000)
                    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msgs[0]["ReceiptHandle"])
                    break
        return {"version": subprocess.run([sys.executable, "-c", "import moto;print(moto.__version__)"],
                                          capture_output=True, text=True).stdout.strip(),
                "upload_to_event_received_ms": summary(upload_to_event),
                "put_response_ms": summary(put_ms)}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --------------------------------------------------------------------------------------

def fmt(v, nd=3):
    return "—" if v is None else f"{v:,.{nd}f}"


def render(info, bf_lat, bf_tp, moto):
    lines = [f"# Event path benchmark ({info['date']})", "",
             f"{info['bucketfire']}, moto {moto.get('version', '—') if moto else 'not run'}; "
             f"{info['cpus']} CPUs; {info['samples']} sequential samples; wrk {info['duration']} s at "
             f"{info['conns']} connections.", "",
             "## Upload to handler start (ms, 4 KiB PUT, one at a time)", "",
             "| | p50 | p90 | p99 | mean | max |", "|---|---:|---:|---:|---:|---:|"]

    def row(name, s):
        lines.append(f"| {name} | {fmt(s['p50'])} | {fmt(s['p90'])} | {fmt(s['p99'])} | "
                     f"{fmt(s['mean'])} | {fmt(s['max'])} |")
    row("bucketfire: PUT sent → handler called", bf_lat["upload_to_handler_start_ms"])
    row("bucketfire: event committed → handler called", bf_lat["commit_to_handler_start_ms"])
    row("bucketfire: PUT response time", bf_lat["put_response_ms"])
    if moto:
        row("moto: PUT sent → event received from SQS", moto["upload_to_event_received_ms"])
        row("moto: PUT response time", moto["put_response_ms"])
    lines += ["", "## Events per second through a no-op handler", "",
              "| | value |", "|---|---:|",
              f"| PUTs answered 2xx, bucket with notifications (req/s) | {fmt(bf_tp['notified_put']['rps'], 0)} |",
              f"| PUTs answered 2xx, same load, bucket without notifications (req/s) | {fmt(bf_tp['plain_put']['rps'], 0)} |",
              f"| events delivered | {bf_tp['events']:,} |",
              f"| queue backlog when the load stopped | {bf_tp['backlog_when_load_stopped']:,} |",
              f"| first PUT → empty queue (s) | {fmt(bf_tp['seconds_to_empty_queue'], 2)} |",
              f"| events per second, end to end | {fmt(bf_tp['events_per_second'], 0)} |", ""]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser()
    default_bin = os.path.join(REPO, "build", "bucketfire")
    if not os.path.exists(default_bin):
        default_bin = "/work/build/bucketfire"
    p.add_argument("--bucketfire", default=os.environ.get("BUCKETFIRE_BIN", default_bin))
    p.add_argument("--samples", type=int, default=1000)
    p.add_argument("--moto-samples", type=int, default=200)
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--conns", type=int, default=32)
    p.add_argument("--no-moto", action="store_true")
    p.add_argument("--out-dir", default=os.path.join(BENCH_DIR, "results"))
    a = p.parse_args()
    if not shutil.which("wrk"):
        sys.exit("events-bench: wrk is missing (apt-get install wrk)")
    workdir = tempfile.mkdtemp(prefix="bf-events-bench-")
    info = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "bucketfire": subprocess.run([a.bucketfire, "--version"], capture_output=True, text=True).stdout.strip(),
            "binary": a.bucketfire, "cpus": os.cpu_count(), "samples": a.samples,
            "duration": a.duration, "conns": a.conns}
    try:
        proc, port = start_bucketfire(a.bucketfire, workdir)
        try:
            log("bucketfire latency")
            bf_lat = bucketfire_latency(port, a.samples)
            log("bucketfire throughput")
            bf_tp = bucketfire_throughput(port, a.duration, a.conns)
        finally:
            proc.terminate()
            proc.wait(timeout=40)
        moto = None
        if not a.no_moto:
            log("moto latency (S3 -> SQS)")
            moto = moto_latency(a.moto_samples, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = {"info": info, "bucketfire_latency": bf_lat, "bucketfire_throughput": bf_tp, "moto": moto}
    write_results(a.out_dir, "events", result, render(info, bf_lat, bf_tp, moto))


if __name__ == "__main__":
    main()
