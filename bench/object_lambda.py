#!/usr/bin/env python3
"""Serving images through the reference pipeline's Object Lambda access point, next to a plain
GET of the same object and to vipsthumbnail doing the same conversion.

Not a test: it measures and reports. Results: bench/results/object-lambda-latest.{md,json}.

  python3 bench/object_lambda.py [--requests 300] [--threads 2] [--bucketfire build/bucketfire]

The server runs fixtures/pipeline.json (the reencode function in-process). Two images are put
in processed: a 256-pixel WebP thumbnail (as the pipeline makes them, with vipsthumbnail) and
the 1200x800 camera JPEG fixtures/images/harbour.jpg. The function's log holds its last 1000
invocations, so keep `--requests` under that. For each, `--threads` threads with one
keep-alive connection each send `--requests` GETs of a presigned URL (signed once, as a
browser holding one would): plainly from processed, then through the Object Lambda access
point's alias with an Accept header asking for JPEG, WebP and AVIF. Reported: requests per
second, the client's p50/p95 latency, and the reencode function's median duration (from
GET /_bucketfire/invocations: fetching the original through inputS3Url, decoding, encoding,
WriteGetObjectResponse). Next to it, the same conversion (full size, the function's encoder
settings) by `vipsthumbnail`: one process per image, median of 20 (start-up included, as a user
of the command pays it), and 20 copies in one process, per image (the conversion alone).
"""

import argparse
import concurrent.futures
import datetime
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import harness  # noqa: E402  the test harness starts the server the same way the tests do

from bench import write_results  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
ACCEPTS = [("JPEG", "image/jpeg", "jpg"), ("WebP", "image/webp", "webp"), ("AVIF", "image/avif", "avif")]
QUALITY = 82


def get_many(url, accept, requests, threads):
    """Wall time and per-request latencies of `requests` GETs of `url` over `threads` connections."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path + "?" + parts.query
    headers = {"Accept": accept} if accept else {}

    def run(count):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        latencies = []
        for _ in range(count):
            started = time.perf_counter()
            conn.request("GET", target, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200 or not body:
                raise RuntimeError(f"GET {url} ({accept}): {resp.status} {body[:200]!r}")
            latencies.append(time.perf_counter() - started)
        conn.close()
        return latencies

    shares = [requests // threads + (1 if i < requests % threads else 0) for i in range(threads)]
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        latencies = [x for part in pool.map(run, shares) for x in part]
    return time.perf_counter() - started, sorted(latencies)


def save_options(ext):
    """The reencode function's encoder settings (handlers/pipeline/image_ops.cpp)."""
    return f"Q={QUALITY},strip" + (",effort=1" if ext == "avif" else ",optimize_coding" if ext == "jpg" else "")


def vipsthumbnail_ms(path, size, ext, runs=20):
    """Median wall time of one vipsthumbnail process converting the image, and the time per image
    of one process converting `runs` copies (start-up shared)."""
    out = tempfile.mkdtemp(prefix="bf-olbench-")
    try:
        target = os.path.join(out, f"%s-out.{ext}[{save_options(ext)}]")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(["vipsthumbnail", path, "--size", str(size), "-o", target], check=True)
            times.append((time.perf_counter() - started) * 1000)
        copies = []
        for i in range(runs):
            copies.append(os.path.join(out, f"source{i}" + os.path.splitext(path)[1]))
            shutil.copy(path, copies[-1])
        started = time.perf_counter()
        subprocess.run(["vipsthumbnail", *copies, "--size", str(size), "-o", target], check=True)
        return statistics.median(times), (time.perf_counter() - started) * 1000 / runs
    finally:
        shutil.rmtree(out, True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bucketfire", default=os.path.join(REPO, "build", "bucketfire"))
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if not shutil.which("vipsthumbnail"):
        sys.exit("object-lambda-bench: vipsthumbnail is missing (apt-get install libvips-tools)")
    os.environ["BUCKETFIRE_BIN"] = os.path.abspath(args.bucketfire)

    work = tempfile.mkdtemp(prefix="bf-olbench-")
    thumb = os.path.join(work, "thumb.webp")
    harbour = os.path.join(REPO, "fixtures", "images", "harbour.jpg")
    subprocess.run(["vipsthumbnail", harbour, "--size", "256", "-o", thumb + f"[Q={QUALITY},strip]"], check=True)
    images = [("256x171 WebP thumbnail", thumb, 256, "thumbnails/256/bench.webp"),
              ("1200x800 camera JPEG", harbour, 1200, "originals/harbour.jpg")]

    server = harness.Server(extra_args=["--config", os.path.join(REPO, "fixtures", "pipeline.json"), "--no-access-log"])
    server.start()
    rows = []
    try:
        s3 = server.client()
        alias = server.proxied_client("s3control").get_access_point_for_object_lambda(
            AccountId="000000000000", Name="images-for-clients")["Alias"]["Value"]
        for label, path, size, key in images:
            with open(path, "rb") as f:
                s3.put_object(Bucket="processed", Key=key, Body=f.read())
            plain = s3.generate_presigned_url("get_object", Params={"Bucket": "processed", "Key": key}, ExpiresIn=3600)
            through = s3.generate_presigned_url("get_object", Params={"Bucket": alias, "Key": key}, ExpiresIn=3600)
            cases = [("plain GET from processed", plain, None, None)]
            cases += [(f"through Object Lambda as {name}", through, accept, ext) for name, accept, ext in ACCEPTS]
            for request, url, accept, ext in cases:
                get_many(url, accept, min(20, args.requests), args.threads)  # warm up
                since_us = time.time_ns() // 1000
                wall, latencies = get_many(url, accept, args.requests, args.threads)
                row = {"image": label, "request": request, "requests": args.requests, "threads": args.threads,
                       "requests_per_second": round(args.requests / wall, 1),
                       "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
                       "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 2)}
                if accept:
                    runs = [r for r in server.invocations("reencode", limit=100000) if r["startedUs"] >= since_us]
                    row["function_p50_ms"] = round(statistics.median(r["durationMs"] for r in runs), 2)
                    one, batched = vipsthumbnail_ms(path, size, ext)
                    row["vipsthumbnail_p50_ms"] = round(one, 2)
                    row["vipsthumbnail_per_image_ms"] = round(batched, 2)
                rows.append(row)
                print(row, flush=True)
        rss = harness.proc_status_kib(server.proc.pid, "VmHWM")
    finally:
        server.stop()
        shutil.rmtree(work, True)

    result = {"date": datetime.date.today().isoformat(), "peak_rss_mib": round(rss / 1024, 1), "rows": rows}
    md = [f"# Object Lambda: images re-encoded on the way out ({result['date']})", "",
          f"{args.threads} client threads, one keep-alive connection each, {args.requests} GETs per row of one "
          f"presigned URL. The server's peak RSS over the run: {result['peak_rss_mib']} MiB.", "",
          "| image | request | req/s | p50 | p95 | reencode function p50 | vipsthumbnail process p50 | "
          "vipsthumbnail per image, 20 in one process |",
          "|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ms = lambda name: f"{r[name]} ms" if name in r else "-"  # noqa: E731
        md.append(f"| {r['image']} | {r['request']} | {r['requests_per_second']:,} | {r['p50_ms']} ms | "
                  f"{r['p95_ms']} ms | {ms('function_p50_ms')} | {ms('vipsthumbnail_p50_ms')} | "
                  f"{ms('vipsthumbnail_per_image_ms')} |")
    write_results(os.path.join(REPO, "bench", "results"), "object-lambda", result, "\n".join(md) + "\n")


if __name__ == "__main__":
    main()
