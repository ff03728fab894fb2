#!/usr/bin/env python3
"""S3 Batch Operations end to end: a LambdaInvoke job over N objects, its manifest generated from
the bucket (S3JobManifestGenerator, with the generated manifest written out), every task invoking
an in-process function (the batch-task sample: it answers Succeeded with a result string), and
an AllTasks completion report. Reports the job's phases as DescribeJob shows them (preparing,
running the tasks, writing the report), tasks per second, and the server's peak memory before
and after the job.

Not a test: it measures and reports. Results: bench/results/batch-latest.{md,json}.

  python3 bench/batch_job.py [--bucketfire build/bucketfire] [--objects 100000] [--batch-concurrency 64]
"""

import argparse
import concurrent.futures
import datetime
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import harness  # noqa: E402  the test harness starts the server the same way the tests do

from bench import write_results  # noqa: E402

ACCOUNT = "000000000000"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bucketfire", default="build/bucketfire")
    ap.add_argument("--objects", type=int, default=100000)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--batch-concurrency", type=int, default=64)
    args = ap.parse_args()
    os.environ["BUCKETFIRE_BIN"] = os.path.abspath(args.bucketfire)

    pipeline = harness.write_pipeline({"functions": [{"name": "tasks", "handler": "batch-task"}], "buckets": []})
    server = harness.Server(extra_args=["--config", pipeline, "--no-access-log",
                                        "--batch-concurrency", str(args.batch_concurrency)])
    server.start()
    s3 = server.client()
    s3.create_bucket(Bucket="photos")
    s3.create_bucket(Bucket="reports")
    local = threading.local()

    def load(i):
        if not hasattr(local, "client"):
            local.client = server.client()
        local.client.put_object(Bucket="photos", Key=f"uploads/{i:07d}.jpg", Body=b"x")

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        for chunk in range(0, args.objects, 1000):
            list(pool.map(load, range(chunk, min(chunk + 1000, args.objects))))
    load_s = time.monotonic() - started
    rss_before = harness.proc_status_kib(server.proc.pid, "VmHWM")

    control = server.proxied_client("s3control")
    started = time.monotonic()
    job_id = control.create_job(
        AccountId=ACCOUNT, ConfirmationRequired=False, Priority=10, ClientRequestToken=str(uuid.uuid4()),
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/batch",
        Operation={"LambdaInvoke": {"FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:tasks",
                                    "InvocationSchemaVersion": "2.0",
                                    "UserArguments": {"thumbnailSizes": "128,256,1024"}}},
        ManifestGenerator={"S3JobManifestGenerator": {
            "SourceBucket": "arn:aws:s3:::photos", "EnableManifestOutput": True,
            "ManifestOutputLocation": {"Bucket": "arn:aws:s3:::reports", "ManifestPrefix": "manifests",
                                       "ManifestFormat": "S3InventoryReport_CSV_20211130"},
            "Filter": {"KeyNameConstraint": {"MatchAnyPrefix": ["uploads/"], "MatchAnySuffix": [".jpg"]}}}},
        Report={"Bucket": "arn:aws:s3:::reports", "Format": "Report_CSV_20180820", "Enabled": True,
                "Prefix": "batch", "ReportScope": "AllTasks"})["JobId"]
    created_s = time.monotonic() - started

    # DescribeJob ten times a second: when the tasks start (preparation done), when the last
    # one has an outcome, and when the report is written (Complete).
    active_s = tasks_done_s = None
    while True:
        job = control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
        now = time.monotonic() - started
        progress = job.get("ProgressSummary", {})
        total = progress.get("TotalNumberOfTasks", 0)
        if active_s is None and job["Status"] not in ("New", "Preparing"):
            active_s = now
        done = progress.get("NumberOfTasksSucceeded", 0) + progress.get("NumberOfTasksFailed", 0)
        if tasks_done_s is None and total and done == total:
            tasks_done_s = now
        if job["Status"] in ("Complete", "Failed", "Cancelled"):
            break
        time.sleep(0.1)
    complete_s = time.monotonic() - started
    rss_after = harness.proc_status_kib(server.proc.pid, "VmHWM")
    report_objects = s3.list_objects_v2(Bucket="reports", Prefix=f"batch/job-{job_id}/")["KeyCount"]
    server.stop()

    run_s = tasks_done_s - active_s
    result = {
        "date": datetime.date.today().isoformat(),
        "objects": args.objects,
        "batch_concurrency": args.batch_concurrency,
        "status": job["Status"],
        "tasks_succeeded": progress.get("NumberOfTasksSucceeded", 0),
        "tasks_failed": progress.get("NumberOfTasksFailed", 0),
        "load_seconds": round(load_s, 1),
        "create_job_seconds": round(created_s, 3),
        "preparing_seconds": round(active_s, 2),
        "tasks_seconds": round(run_s, 2),
        "tasks_per_second": round(total / run_s) if run_s > 0 else None,
        "report_seconds": round(complete_s - tasks_done_s, 2),
        "end_to_end_seconds": round(complete_s, 2),
        "report_objects": report_objects,
        "peak_rss_mib_before_job": round(rss_before / 1024, 1),
        "peak_rss_mib_after_job": round(rss_after / 1024, 1),
    }
    # A small job can end between two polls: then its rate is not measured.
    tasks_per_second_text = f"{result['tasks_per_second']:,}" if result["tasks_per_second"] else "-"
    md = (f"# Batch Operations: a LambdaInvoke job over {args.objects:,} objects ({result['date']})\n\n"
          f"| tasks | status | preparing (generate + write manifest) | running tasks | tasks/s | "
          f"writing report | end to end | peak RSS before job | peak RSS after job |\n"
          f"|---|---|---|---|---|---|---|---|---|\n"
          f"| {total:,} | {job['Status']} ({result['tasks_succeeded']:,} succeeded) | {active_s:.2f} s | "
          f"{run_s:.2f} s | {tasks_per_second_text} | {result['report_seconds']:.2f} s | "
          f"{complete_s:.2f} s | {result['peak_rss_mib_before_job']} MiB | {result['peak_rss_mib_after_job']} MiB |\n\n"
          f"Concurrency {args.batch_concurrency} (serve --batch-concurrency); DescribeJob polled every 0.1 s, "
          f"so each phase is known to about 0.1 s. Loading the objects took {load_s:.1f} s.\n")
    write_results(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"), "batch", result, md)


if __name__ == "__main__":
    main()
