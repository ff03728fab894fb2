#!/usr/bin/env python3
"""The console under load: Chromium keeps the console open while invocations are driven at the
server (an HTTP API route to an in-process function), at a steady rate (`--rate`, by paced
keep-alive connections) and then as fast as the server takes them (wrk), and the page is
watched for freezing.

Not a test: it measures and reports. Results: bench/results/console-load-latest.{md,json}.

  python3 bench/console_load.py [--seconds 10] [--rate 1000] [--connections 4] [--bucketfire build/bucketfire]

Reported: invocations per second (the server's own count over the run), what the page's
invocation counter showed at the end against that count (the page aggregates: the server sends
at most four invocation events a second, each with at most 500 rows and the number it left out;
the table keeps 200 rows), how late a 50 ms timer in the page ran (the longest and the 99th
percentile: how long the page froze), the browser's long tasks (over 50 ms), and how long
opening the newest row took right after the load. Needs node, playwright-core and Chromium
(bash tests/browser/setup.sh) and wrk.
"""

import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import harness  # noqa: E402  the test harness starts the server the same way the tests do

from bench import write_results  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BROWSER_DIR = os.path.join(REPO, "tests", "browser")
PIPELINE = {"functions": [{"name": "hello", "handler": "http-hello"}], "buckets": [],
            "routes": [{"route": "GET /hello", "function": "hello"}]}


def invocations(server):
    """The server's count of hello's invocations, from its Prometheus metrics."""
    text = server.raw("GET", "/metrics").body.decode()
    return sum(float(m) for m in re.findall(
        r'^bucketfire_lambda_invocations_total\{function="hello",outcome="[^"]+"\} (\S+)$', text, re.M))


def paced(server, rate, seconds, threads=4):
    """GET /_api/hello `rate` times a second for `seconds`, each thread on one keep-alive
    connection; the number of answers that were not 200."""
    total = rate * seconds
    start = time.monotonic() + 0.05

    def run(first):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        failed = 0
        for n in range(first, total, threads):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            conn.request("GET", "/_api/hello")
            resp = conn.getresponse()
            resp.read()
            failed += resp.status != 200
        conn.close()
        return failed

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(run, range(threads)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bucketfire", default=os.path.join(REPO, "build", "bucketfire"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--rate", type=int, default=1000)
    args = ap.parse_args()
    for tool in ("wrk", "node"):
        if not shutil.which(tool):
            sys.exit(f"console-load-bench: {tool} is missing")
    os.environ["BUCKETFIRE_BIN"] = os.path.abspath(args.bucketfire)

    rows = []
    for how in (f"{args.rate:,} a second, paced", f"as fast as the server takes them (wrk, {args.connections} connections)"):
        server = harness.Server(extra_args=["--config", harness.write_pipeline(PIPELINE), "--no-access-log"])
        server.start()
        driver = subprocess.Popen(["node", "console_load.mjs", server.endpoint + "/_bucketfire/console/"],
                                  cwd=BROWSER_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            def report(expected):
                line = driver.stdout.readline()
                answer = json.loads(line) if line else {"step": "failed", "error": "the driver ended", "errors": []}
                if answer["step"] != expected or answer["errors"]:
                    sys.exit(f"console-load-bench: {answer}")
                return answer

            def tell(line):
                driver.stdin.write(line + "\n")
                driver.stdin.flush()

            report("ready")
            tell("start")
            report("started")
            before = invocations(server)
            started = time.monotonic()
            if how.startswith("as fast"):
                subprocess.run(["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s",
                                server.endpoint + "/_api/hello"], capture_output=True, text=True, check=True)
                failed = None
            else:
                failed = paced(server, args.rate, args.seconds)
            elapsed = time.monotonic() - started
            time.sleep(1)  # the events of the last 250 ms reach the page; the last counts settle
            count = invocations(server) - before
            tell("report")
            page = report("done")
            rss = harness.proc_status_kib(server.proc.pid, "VmHWM")
        finally:
            driver.kill()
            server.close()
        rows.append({"load": how, "invocations": count, "invocations_per_s": count / elapsed, "failed": failed,
                     "page": page, "server_peak_rss_kib": rss})

    result = {"date": datetime.date.today().isoformat(), "seconds": args.seconds, "runs": rows}
    md = [f"Console under load ({result['date']}, {args.seconds} s of GET /hello, an HTTP API route to an "
          "in-process function; Chromium on the console, all on one 2-core machine):", "",
          "| load | invocations/s | page counter showed / invocations | table rows | timer late, max "
          "| timer late, p99 | long tasks (total) | opening a row after |",
          "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        p = r["page"]
        md.append(f"| {r['load']} | {r['invocations_per_s']:,.0f} | {p['shown']:,} / {r['invocations']:,.0f} "
                  f"| {p['rows']} | {p['lagMaxMs']:.0f} ms | {p['lagP99Ms']:.0f} ms "
                  f"| {p['longTasks']} ({p['longTaskMs']:.0f} ms) | {p['clickMs']} ms |")
    write_results(os.path.join(REPO, "bench", "results"), "console-load", result, "\n".join(md) + "\n")


if __name__ == "__main__":
    main()
