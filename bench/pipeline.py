#!/usr/bin/env python3
"""The reference image pipeline end to end, next to the compute floor of the same work.

Not a test: it measures and reports. Results: bench/results/pipeline-latest.{md,json}
(pipeline-boto3-latest with --client boto3).

  python3 bench/pipeline.py [--images 200] [--runs 1] [--build-dir DIR] [--client presigned|boto3]

What is measured, per run, on the same generated images (~3 megapixels each, 2048x1536
JPEGs from scripts/make-fixture-images.sh, cached between runs):

- **bucketfire pipeline**: the server runs fixtures/pipeline.json with the thumbnail function
  (and the archiver, which must agree on which thumbnails make an image complete) set to one
  256-pixel JPEG. With `--client presigned` (the default) each image is uploaded the way the
  pipeline's clients upload: `POST /uploads` with the demo JWT for a presigned PUT (the
  `presign` request function), then that PUT; 8 threads, one keep-alive connection each.
  With `--client boto3`, 8 threads of boto3 `put_object` send the images straight to
  `ingest` (SigV4 with aws-chunked bodies and CRC32 trailers), which costs the client about
  1.5 CPU seconds on the same cores. Either way every upload then goes thumbnail -> metadata
  -> indexer -> archiver. The time runs from just before the first upload starts (its
  `POST /uploads`, for presigned) to the end of the last successful `thumbnail` invocation
  (`startedUs` + `durationMs` from GET /_bucketfire/invocations, both on the machine's
  real-time clock, like the start).
- **vipsthumbnail floor**: one `vipsthumbnail --size 256` process over all the files, with
  the options the thumbnail function uses (JPEG Q82, stripped, optimised
  Huffman tables; it autorotates by default; the images carry no ICC profile, so neither side
  converts colour). The inputs are all larger than 256 pixels, so
  its default `--size` mode makes the same never-enlarging fit into 256x256 as the
  function's. Timed wall-clock around the process.

The goal is a pipeline time within 15% of the floor. Each side's CPU seconds and peak RSS
are recorded too: on a small machine they say whether the two were limited by the same
cores. With --runs above 1, the medians are reported and every run is kept in the JSON;
odd runs measure the floor first and even runs the pipeline first, so a machine that speeds
up or slows down during a run does not favour one side.
"""

import argparse
import concurrent.futures
import datetime
import glob
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import boto3
from botocore.config import Config

# Helpers shared with the main benchmark.
from bench import ForeignCpu, build_type, free_port, proc_status, sha256_file, write_results

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
TARGET_RATIO = 1.15  # pipeline time at most 15% above the floor
THUMBNAIL_ENV = {"THUMBNAIL_SIZES": "256", "THUMBNAIL_FORMATS": "jpeg"}
# The floor writes what the thumbnail function writes for THUMBNAIL_ENV (THUMBNAIL_QUALITY 82).
# The images carry no ICC profile, so neither side converts colour (the function does only
# for images with an embedded profile).
FLOOR_OPTIONS = ["--size", "256"]
FLOOR_SAVE = "[Q=82,strip,optimize_coding]"
UPLOAD_WORKERS = 8
UPLOAD_CLIENTS = {
    "presigned": "8 threads, each `POST /uploads` (JWT) for a presigned PUT, then the PUT",
    "boto3": "8 threads of boto3 `put_object` straight to `ingest`",
}


def log(msg):
    print(f"pipeline-bench: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------

def default_build_dir():
    """$BUILD_DIR, else the repository's build/ if it holds a server binary, else the build/
    next to the repository."""
    if os.environ.get("BUILD_DIR"):
        return os.environ["BUILD_DIR"]
    inside = os.path.join(REPO, "build")
    if os.path.exists(os.path.join(inside, "bucketfire")):
        return inside
    return os.path.join(os.path.dirname(REPO), "build")


def bench_images(cache_dir):
    return sorted(glob.glob(os.path.join(cache_dir, "bench-*.jpg")))


def ensure_images(build_dir, count, cache_dir):
    """The benchmark JPEGs, generated once into cache_dir and reused while it holds exactly
    `count` of them (the generator is deterministic, so a cached set equals a fresh one)."""
    images = bench_images(cache_dir)
    if len(images) == count:
        log(f"reusing {count} images in {cache_dir}")
        return images
    log(f"generating {count} images in {cache_dir} (a few seconds per ten images)")
    for stale in images:  # a set of another size: start over, touching nothing else there
        os.remove(stale)
    r = subprocess.run(["bash", os.path.join(REPO, "scripts", "make-fixture-images.sh"), "bench",
                        cache_dir, str(count)],
                       env={**os.environ, "BUILD_DIR": os.path.abspath(build_dir)},
                       cwd=REPO, capture_output=True, text=True)
    images = bench_images(cache_dir)
    if r.returncode != 0 or len(images) != count:
        sys.exit(f"pipeline-bench: image generation failed ({len(images)} of {count} written):\n"
                 f"{r.stdout[-1000:]}{r.stderr[-1000:]}")
    return images


def write_pipeline(path):
    """fixtures/pipeline.json with one 256-pixel JPEG thumbnail per image."""
    with open(os.path.join(REPO, "fixtures", "pipeline.json")) as f:
        pipeline = json.load(f)
    # Every function that knows the thumbnail set (thumbnail makes it, archiver waits for it,
    # images links to it) gets the same one.
    for function in pipeline["functions"]:
        if "THUMBNAIL_SIZES" in function.get("environment", {}):
            function["environment"].update(THUMBNAIL_ENV)
    with open(path, "w") as f:
        json.dump(pipeline, f, indent=2)


# --------------------------------------------------------------------------------------
# the floor
# --------------------------------------------------------------------------------------

def run_floor(images, workdir):
    """One vipsthumbnail process over every image. wait4 gives this one child's CPU time and
    peak RSS, whatever else this script has started and reaped."""
    out = os.path.join(workdir, "floor")
    os.makedirs(out)
    cmd = ["vipsthumbnail", *FLOOR_OPTIONS, "-o", os.path.join(out, "%s.jpg" + FLOOR_SAVE), *images]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped above; keep Popen consistent
    errors = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    written = len(os.listdir(out))
    if proc.returncode != 0 or written != len(images):
        raise RuntimeError(f"vipsthumbnail exited {proc.returncode}, wrote {written} of "
                           f"{len(images)}: {errors[-600:]}")
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mib": usage.ru_maxrss / 1024, "thumbnails": written,
            "command": " ".join(["vipsthumbnail", *FLOOR_OPTIONS, "-o", "OUT/%s.jpg" + FLOOR_SAVE])
                       + f" <{len(images)} files>"}


# --------------------------------------------------------------------------------------
# the pipeline
# --------------------------------------------------------------------------------------

def internal(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_bucketfire/{path}", timeout=30) as r:
        return json.loads(r.read())


def start_server(binary, workdir, config):
    """bucketfire on a free port with a data directory on disk (durable writes, as in real
    use); returns once /_bucketfire/health answers 200."""
    port = free_port()
    logfile = open(os.path.join(workdir, "server.log"), "wb")
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", os.path.join(workdir, "data"),
                             "--config", config, "--no-access-log"],
                            stdout=logfile, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    logfile.close()  # the child holds its own copy
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"bucketfire exited with {proc.returncode}: {log_tail(workdir)}")
        try:
            internal(port, "health")
            return proc, port
        except (OSError, ValueError):  # not listening yet, or not answering yet
            time.sleep(0.05)
    stop_server(proc)
    raise RuntimeError(f"bucketfire did not answer within 20 s: {log_tail(workdir)}")


def stop_server(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def log_tail(workdir, lines=40):
    try:
        with open(os.path.join(workdir, "server.log"), "rb") as f:
            return "\n".join(f.read().decode(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def process_usage(pid):
    """CPU seconds (user + system) and peak RSS of a running process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return cpu, proc_status(pid).get("VmHWM", 0) / 1024


def s3_client(port):
    return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                                      max_pool_connections=UPLOAD_WORKERS))


def read_bodies(images):
    # Read beforehand so the upload time is the server's, not this disk's.
    bodies = []
    for path in images:
        with open(path, "rb") as f:
            bodies.append(f.read())
    return bodies


def upload_with(upload_one, count):
    """Runs upload_one(i) for every image from 8 threads; returns (t0, seconds), t0 being the
    real-time clock just before the first upload starts."""
    with concurrent.futures.ThreadPoolExecutor(UPLOAD_WORKERS) as pool:
        t0 = time.time()
        list(pool.map(upload_one, range(count)))  # re-raises the first failed upload
        return t0, time.time() - t0


def upload_boto3(s3, images):
    bodies = read_bodies(images)

    def put(i):
        s3.put_object(Bucket="ingest", Key=f"bench/{i:04d}.jpg", Body=bodies[i], ContentType="image/jpeg")
    return upload_with(put, len(bodies))


def api_token(binary, config):
    r = subprocess.run([binary, "token", "--config", config], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"bucketfire token failed: {r.stderr.strip()}")
    return r.stdout.strip()


def upload_presigned(port, images, token):
    """Each image as a client of the pipeline uploads it: POST /uploads for a presigned PUT,
    then the PUT with exactly the headers the answer lists (they are signed)."""
    bodies = read_bodies(images)
    local = threading.local()

    def request(method, target, body, headers):
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        local.conn.request(method, target, body=body, headers=headers)
        resp = local.conn.getresponse()
        return resp.status, resp.read()

    def put(i):
        asked = json.dumps({"contentType": "image/jpeg", "size": len(bodies[i])})
        status, body = request("POST", "/_api/uploads", asked,
                               {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        if status != 201:
            raise RuntimeError(f"POST /uploads answered {status}: {body[:200]!r}")
        upload = json.loads(body)["upload"]
        url = urllib.parse.urlsplit(upload["url"])
        status, body = request("PUT", url.path + "?" + url.query, bodies[i], upload["headers"])
        if status != 200:
            raise RuntimeError(f"presigned PUT answered {status}: {body[:200]!r}")
    return upload_with(put, len(bodies))


class Invocations:
    """Every invocation record the server reports, merged across polls. The server keeps only
    its latest 1000 records (all functions together), and a 200-image run makes about 1000, so
    records are collected while the run goes rather than read once at the end.

    A record is never changed once written, but one event can leave several: a function at its
    concurrency limit logs arriving events as Throttled and retries them later under the same
    request id and attempt. Throttles are AWS's retry-later, not failures, and are counted
    apart."""

    def __init__(self, port):
        self.port = port
        self.records = {}
        self.pending_events = None

    def poll(self):
        reply = internal(self.port, "invocations?limit=1000")
        for r in reply["invocations"]:
            self.records[(r["requestId"], r["attempt"], r["status"], r["time"], r.get("startedUs"))] = r
        self.pending_events = reply.get("pendingEvents")

    def ok(self, function):
        return [r for r in self.records.values() if r["function"] == function and r["status"] == "Success"]

    def failed(self, function=None):
        return [r for r in self.records.values() if r["status"] not in ("Success", "Throttled")
                and function in (None, r["function"])]

    def ran(self):
        """Records of handlers that were called (they have a start time)."""
        return [r for r in self.records.values() if "startedUs" in r]

    def counts(self):
        """Per function: handler calls, failed outcomes, throttles."""
        out = {}
        for r in self.records.values():
            c = out.setdefault(r["function"], {"ran": 0, "failed": 0, "throttled": 0})
            c["ran"] += "startedUs" in r
            c["failed"] += r["status"] not in ("Success", "Throttled")
            c["throttled"] += r["status"] == "Throttled"
        return dict(sorted(out.items()))

    def failure_examples(self, limit=5):
        return [{k: r.get(k) for k in ("function", "status", "trigger", "errorType", "errorMessage")}
                for r in self.failed()[:limit]]


def end_s(record):
    return (record["startedUs"] + record["durationMs"] * 1000) / 1e6


# The whole list is fetched at each poll, so polls are spaced to keep their cost to the
# server small; the times come from the records, so the spacing does not change them.
POLL_S = 0.5


def wait_for_thumbnails(inv, count, timeout):
    """Until every image has an outcome: a thumbnail, or a failed thumbnail invocation (the
    first function an upload reaches; metadata comes after it)."""
    deadline = time.monotonic() + timeout
    while True:
        inv.poll()
        done = len(inv.ok("thumbnail"))
        failed = len(inv.failed("thumbnail"))
        if done + failed >= count:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {done} of {count} thumbnails after {timeout} s ({failed} failed)")
        time.sleep(POLL_S)


def wait_settled(inv, timeout=120):
    """After the last thumbnail metadata, indexer and archiver still run, and throttled events,
    if any, wait out their back-off (1 s, 2 s, 4 s, ...): wait until the server has no queued events and no new
    invocation has appeared for a second (bounded)."""
    deadline = time.monotonic() + timeout
    seen, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        inv.poll()
        if len(inv.records) != seen:
            seen, quiet_since = len(inv.records), time.monotonic()
        elif inv.pending_events == 0 and time.monotonic() - quiet_since >= 1.0:
            return True
        time.sleep(POLL_S / 2)
    return False


def count_objects(s3, bucket, prefix):
    n = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        n += page.get("KeyCount", 0)
    return n


def run_pipeline(binary, images, workdir, timeout, client):
    config = os.path.join(workdir, "pipeline.json")
    write_pipeline(config)
    proc, port = start_server(binary, workdir, config)
    try:
        s3 = s3_client(port)
        inv = Invocations(port)
        if client == "boto3":
            t0, upload_s = upload_boto3(s3, images)
        else:
            t0, upload_s = upload_presigned(port, images, api_token(binary, config))
        wait_for_thumbnails(inv, len(images), timeout)
        thumbs = inv.ok("thumbnail")
        last_thumbnail = max(map(end_s, thumbs)) if thumbs else t0
        settled = wait_settled(inv)
        cpu_s, peak_mib = process_usage(proc.pid)  # before stopping: /proc has it only while it runs
        result = {
            "seconds": last_thumbnail - t0,
            "upload_seconds": upload_s,
            "last_invocation_end_seconds": max(map(end_s, inv.ran())) - t0,
            "settled": settled,
            "cpu_seconds": cpu_s,
            "peak_rss_mib": peak_mib,
            "successful_thumbnails": len(thumbs),
            "invocations": inv.counts(),
            "failed_invocations": len(inv.failed()),
            "failure_examples": inv.failure_examples(),
            "thumbnails_in_processed": count_objects(s3, "processed", "thumbnails/"),
            "archived": count_objects(s3, "archive", "bench/" if client == "boto3" else "uploads/"),
            "failure_records": count_objects(s3, "archive", "aws/lambda/async/"),
        }
    except Exception:
        log(f"server log tail:\n{log_tail(workdir)}")
        raise
    finally:
        stop_server(proc)
    if result["failed_invocations"] or result["archived"] != len(images):
        log(f"failed invocations or missing archives; server log tail:\n{log_tail(workdir)}")
    return result


# --------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------

def filesystem(path):
    """The type of the file system holding path (ext4, tmpfs, ...): on tmpfs the server's
    fdatasyncs cost nothing and the pipeline would look faster than on a disk."""
    r = subprocess.run(["df", "--output=fstype", path], capture_output=True, text=True)
    return r.stdout.split()[-1] if r.returncode == 0 and r.stdout.split() else "?"


def machine_info(binary_src, binary, data_dir):
    def out(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (r.stdout.strip() or r.stderr.strip()).splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "?"
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "command": " ".join(["python3", "bench/pipeline.py", *sys.argv[1:]]),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "libvips": out(["vips", "--version"]),
        "bucketfire": out([binary, "--version"]),
        "bucketfire_bin": binary_src,
        "bucketfire_build_type": build_type(binary_src),
        "bucketfire_sha256": sha256_file(binary)[:16],
        "data_dir_filesystem": filesystem(data_dir),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def summarise(runs):
    pipe = [r["pipeline"] for r in runs]
    floor = [r["floor"] for r in runs]
    seconds, floor_seconds = median_of(pipe, "seconds"), median_of(floor, "seconds")
    return {"pipeline_seconds": seconds, "floor_seconds": floor_seconds,
            "ratio": seconds / floor_seconds, "target_ratio": TARGET_RATIO,
            "met": seconds / floor_seconds <= TARGET_RATIO,
            "pipeline_cpu_seconds": median_of(pipe, "cpu_seconds"),
            "floor_cpu_seconds": median_of(floor, "cpu_seconds"),
            "pipeline_peak_rss_mib": median_of(pipe, "peak_rss_mib"),
            "floor_peak_rss_mib": median_of(floor, "peak_rss_mib")}


def all_seconds(results):
    return ", ".join(f"{r['seconds']:.2f}" for r in results)


def max_share(results):
    return f"{max(r['foreign_cpu_share'] for r in results) * 100:.0f}%"


def render(info, args, runs, s):
    n = args.images
    pipe = [r["pipeline"] for r in runs]
    floor = [r["floor"] for r in runs]
    what = f"median of {len(runs)} runs" if len(runs) > 1 else "one run"
    lines = [f"# Image pipeline benchmark ({info['date']})", "",
             f"{info['bucketfire']} ({info['bucketfire_build_type']}, sha256 {info['bucketfire_sha256']}…), "
             f"libvips {info['libvips'].removeprefix('vips-')}; {info['nproc']} CPUs ({info['cpu']}); "
             f"{n} JPEGs of 2048x1536 (3.1 megapixels, {args.image_bytes / n / 1024:.0f} KiB on average), "
             f"one 256-pixel JPEG thumbnail each; {what}; "
             f"data dir on {info['data_dir_filesystem']}; load average at start {info['load_average']}.", "",
             f"Uploads: {UPLOAD_CLIENTS[args.client]}.", "",
             f"Command: `{info['command']}`. "
             f"Floor: `{floor[0]['command']}`.", "",
             "| measure | bucketfire pipeline | vipsthumbnail floor |", "|---|---:|---:|",
             f"| first upload → last thumbnail / process wall time (s) | {s['pipeline_seconds']:.2f} | "
             f"{s['floor_seconds']:.2f} |",
             f"| images per second | {n / s['pipeline_seconds']:.1f} | {n / s['floor_seconds']:.1f} |",
             f"| CPU seconds (user + system) | {s['pipeline_cpu_seconds']:.1f} | {s['floor_cpu_seconds']:.1f} |",
             f"| peak RSS (MiB) | {s['pipeline_peak_rss_mib']:.0f} | {s['floor_peak_rss_mib']:.0f} |",
             f"| thumbnails | {min(r['successful_thumbnails'] for r in pipe)} successful invocations | "
             f"{min(r['thumbnails'] for r in floor)} files |"]
    if len(runs) > 1:
        lines.append(f"| all runs (s) | {all_seconds(pipe)} | {all_seconds(floor)} |")
        lines.append("| pipeline ÷ floor, run by run | " +
                     ", ".join(f"{p['seconds'] / f['seconds']:.2f}" for p, f in zip(pipe, floor)) + " | |")
    lines.append(f"| other processes' CPU during the measurement (share of the machine) | "
                 f"{max_share(pipe)} | {max_share(floor)} |")
    verdict = "met" if s["met"] else "missed"
    lines += ["", f"**Pipeline ÷ floor: {s['ratio']:.2f}×** (target ≤ {TARGET_RATIO:.2f}×: {verdict}).", "",
              "## Pipeline details", "", "| | " + " | ".join(f"run {i + 1}" for i in range(len(runs))) + " |",
              "|---|" + "---:|" * len(runs)]

    def row(label, cell):
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in pipe) + " |")
    row("uploads done (s after first upload)", lambda r: f"{r['upload_seconds']:.2f}")
    row("last invocation of any function ends (s after first upload)",
        lambda r: f"{r['last_invocation_end_seconds']:.2f}")
    row("handler calls", lambda r: ", ".join(f"{f} {c['ran']}" for f, c in r["invocations"].items()))
    row("failed invocations", lambda r: ", ".join(f"{f} {c['failed']}" for f, c in r["invocations"].items()))
    row("throttled and retried later",
        lambda r: ", ".join(f"{f} {c['throttled']}" for f, c in r["invocations"].items() if c["throttled"]) or "0")
    row(f"originals archived (of {n})", lambda r: str(r["archived"]))
    row("failure records in archive (aws/lambda/async/)", lambda r: str(r["failure_records"]))
    row("thumbnails in processed", lambda r: str(r["thumbnails_in_processed"]))
    row("event queue empty when counted", lambda r: "yes" if r["settled"] else "no (gave up after 120 s)")
    if any(r["successful_thumbnails"] < n for r in pipe):
        lines += ["", "Warning: some images got no thumbnail; the pipeline time covers only those that did."]
    if any(r["foreign_cpu_share"] > 0.10 for r in pipe + floor):
        lines += ["", "Warning: other processes used more than 10% of the machine during a measured "
                      "part; re-run on a quiet machine."]
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--images", type=int, default=200)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--build-dir", default=default_build_dir(),
                   help="holds the bucketfire binary; the image generator is compiled into its tools/")
    p.add_argument("--image-dir", help="image cache (default /tmp/bucketfire-bench-images-N)")
    p.add_argument("--timeout", type=float, default=600, help="seconds to wait for the last thumbnail")
    p.add_argument("--out-dir", default=os.path.join(BENCH_DIR, "results"))
    p.add_argument("--client", choices=["presigned", "boto3"], default="presigned",
                   help="how the images are uploaded (results: pipeline-latest, or pipeline-boto3-latest)")
    a = p.parse_args()
    if a.images < 1 or a.runs < 1:
        sys.exit("pipeline-bench: --images and --runs must be at least 1")
    binary_src = os.path.join(a.build_dir, "bucketfire")
    if not os.path.exists(binary_src):
        sys.exit(f"pipeline-bench: no server binary at {binary_src} (use --build-dir)")
    if not shutil.which("vipsthumbnail"):
        sys.exit("pipeline-bench: vipsthumbnail is missing (apt-get install libvips-tools)")

    images = ensure_images(a.build_dir, a.images, a.image_dir or f"/tmp/bucketfire-bench-images-{a.images}")
    a.image_bytes = sum(os.path.getsize(path) for path in images)
    top = tempfile.mkdtemp(prefix="bf-pipeline-bench-")
    try:
        # Run a private copy, so a rebuild during the run cannot swap the binary under it.
        binary = os.path.join(top, "bucketfire")
        shutil.copy2(binary_src, binary)
        info = machine_info(binary_src, binary, top)
        runs = []
        for i in range(a.runs):
            run_dir = os.path.join(top, f"run-{i + 1}")
            os.makedirs(run_dir)
            def measure_floor():
                log(f"run {i + 1}/{a.runs}: vipsthumbnail floor")
                with ForeignCpu() as noise:
                    result = run_floor(images, run_dir)
                result["foreign_cpu_share"] = noise.share
                return result

            def measure_pipeline():
                log(f"run {i + 1}/{a.runs}: bucketfire pipeline ({a.client} uploads)")
                with ForeignCpu() as noise:
                    result = run_pipeline(binary, images, run_dir, a.timeout, a.client)
                result["foreign_cpu_share"] = noise.share
                return result
            # Alternating which side goes first cancels a steady drift in the machine's speed.
            if i % 2 == 0:
                floor = measure_floor()
                pipe = measure_pipeline()
            else:
                pipe = measure_pipeline()
                floor = measure_floor()
            log(f"run {i + 1}/{a.runs}: pipeline {pipe['seconds']:.2f} s, floor {floor['seconds']:.2f} s")
            runs.append({"pipeline": pipe, "floor": floor})
            shutil.rmtree(run_dir, ignore_errors=True)
    finally:
        shutil.rmtree(top, ignore_errors=True)

    s = summarise(runs)
    write_results(a.out_dir, "pipeline" if a.client == "presigned" else "pipeline-boto3",
                  {"info": info, "client": a.client, "images": a.images, "image_size": "2048x1536",
                   "image_bytes": a.image_bytes,
                   "thumbnail_environment": THUMBNAIL_ENV, "summary": s, "runs": runs},
                  render(info, a, runs, s))


if __name__ == "__main__":
    main()
