#!/usr/bin/env python3
"""The cost of time: a year and more of lifecycle and Intelligent-Tiering over many objects on
the virtual clock. Loads N objects (nine in ten STANDARD under a lifecycle rule,
one in ten INTELLIGENT_TIERING of 128 KB with an archive tier opted in), then advances the clock 400 days in one
call and reports how long that took, what moved, and the server's peak memory.

Not a test: it measures and reports. Results: bench/results/lifecycle-latest.{md,json}.

  python3 bench/lifecycle_year.py [--bucketfire build/bucketfire] [--objects 100000] [--days 400]
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import harness  # noqa: E402  the test harness starts the server the same way the tests do

from bench import write_results  # noqa: E402


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def blob_files(data_dir):
    root = os.path.join(data_dir, "blobs")
    return sum(len(os.listdir(os.path.join(root, d))) for d in os.listdir(root))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bucketfire", default="build/bucketfire")
    ap.add_argument("--objects", type=int, default=100000)
    ap.add_argument("--days", type=int, default=400)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args()
    os.environ["BUCKETFIRE_BIN"] = os.path.abspath(args.bucketfire)

    server = harness.Server(extra_args=["--clock", "virtual"])
    server.start()
    s3 = server.client()
    s3.create_bucket(Bucket="aging")
    # A size filter lets 1-byte objects transition (S3's 128 KB minimum applies otherwise).
    s3.put_bucket_lifecycle_configuration(Bucket="aging", LifecycleConfiguration={"Rules": [{
        "ID": "year", "Status": "Enabled", "Filter": {"And": {"Prefix": "s/", "ObjectSizeGreaterThan": 0}},
        "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"},
                        {"Days": 90, "StorageClass": "GLACIER"}],
        "Expiration": {"Days": 365}}]})
    s3.put_bucket_intelligent_tiering_configuration(
        Bucket="aging", Id="arch", IntelligentTieringConfiguration={
            "Id": "arch", "Status": "Enabled", "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]})

    tiered_body = b"t" * (128 * 1024)  # Intelligent-Tiering monitors 128 KB and up
    local = threading.local()

    def load(i):
        if not hasattr(local, "client"):
            local.client = server.client()
        client = local.client
        if i % 10:
            client.put_object(Bucket="aging", Key=f"s/{i:07d}", Body=b"x")
        else:
            client.put_object(Bucket="aging", Key=f"t/{i:07d}", Body=tiered_body,
                              StorageClass="INTELLIGENT_TIERING")

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        for chunk in range(0, args.objects, 1000):
            list(pool.map(load, range(chunk, min(chunk + 1000, args.objects))))
    load_s = time.monotonic() - started
    rss_before = peak_rss_kib(server.proc.pid)

    started = time.monotonic()
    resp = server.raw("POST", f"/_bucketfire/clock?advance={args.days}d", timeout=3600)
    advance_s = time.monotonic() - started
    assert resp.status == 200, resp
    # Expired objects' files are unlinked in the background once their page commits: how long
    # after the answer the last one goes (the 10% of Intelligent-Tiering objects stay).
    kept = args.objects // 10
    while blob_files(server.data_dir) > kept and time.monotonic() - started < 3600:
        time.sleep(0.25)
    files_s = time.monotonic() - started
    rss_after = peak_rss_kib(server.proc.pid)

    remaining = 0
    tiers = {}
    after = ""
    while True:
        page = server.internal(f"objects?bucket=aging&limit=10000&start-after={after}")
        for o in page["objects"]:
            remaining += 1
            tiers[o["accessTier"] or o["storageClass"]] = tiers.get(o["accessTier"] or o["storageClass"], 0) + 1
        if "nextStartAfter" not in page:
            break
        after = page["nextStartAfter"]
    server.stop()

    result = {
        "date": datetime.date.today().isoformat(),
        "objects": args.objects, "days": args.days,
        "load_seconds": round(load_s, 1),
        "advance_seconds": round(advance_s, 2),
        "files_removed_seconds": round(files_s, 2),
        "remaining_objects": remaining, "where_they_are": tiers,
        "peak_rss_mib_after_load": round(rss_before / 1024, 1),
        "peak_rss_mib_after_advance": round(rss_after / 1024, 1),
    }
    md = (f"# Lifecycle over {args.days} days ({result['date']})\n\n"
          f"| objects | advance {args.days} d | last expired file unlinked | peak RSS after load | "
          f"peak RSS after advance | left |\n"
          f"|---|---|---|---|---|---|\n"
          f"| {args.objects:,} | {advance_s:.2f} s | {files_s:.2f} s | {result['peak_rss_mib_after_load']} MiB | "
          f"{result['peak_rss_mib_after_advance']} MiB | {remaining:,} {tiers} |\n")
    write_results(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"), "lifecycle", result, md)


if __name__ == "__main__":
    main()
