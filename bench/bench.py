#!/usr/bin/env python3
"""Benchmark helper for bench/run.sh: bucketfire vs moto vs nginx on 127.0.0.1.

Not a test: it measures and reports, and never asserts on timings. run.sh
prepares the tools and a temporary work directory; this script starts each
server, measures it, stops it, and writes bench/results/latest.{md,json}.
Every process it starts is recorded in WORKDIR/pids so run.sh's trap can stop
it even if this script dies.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"
BUCKET = "bench"
SMALL = 4096
MIB = 1024 * 1024

# Targets from the performance issue: bucketfire relative to nginx unless noted.
TARGETS = {
    "get_4k": ("4 KiB GET req/s", ">=", 0.6, "x nginx"),
    "put_4k": ("4 KiB PUT req/s (durable)", ">=", 1.0, "x nginx"),
    "put_big": ("256 MiB PUT MiB/s", ">=", 0.9, "x nginx"),
    "get_big": ("256 MiB GET MiB/s", ">=", 0.8, "x nginx"),
    "rss_growth": ("RSS growth during 256 MiB transfers", "<=", 16.0, "MiB"),
    "startup": ("start-up to first answered request", "<=", 1.5, "x nginx"),
    "idle_rss": ("idle RSS", "<=", 16.0, "MiB"),
}


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def write_results(out_dir, stem, data, markdown):
    """bench/results/<stem>-latest.json and .md, the files docs/performance.md quotes."""
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"{stem}-latest.json"), "w") as f:
        json.dump(data, f, indent=2)
    with open(os.path.join(out_dir, f"{stem}-latest.md"), "w") as f:
        f.write(markdown)
    print(markdown)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_answer(port, timeout=1.0):
    """One raw request; True once any HTTP status line comes back."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(16).startswith(b"HTTP/")
    except OSError:
        return False


def proc_status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads"):
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out


def children_of(pid):
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(x) for x in f.read().split()]
        return kids
    except OSError:
        pass
    for d in os.listdir("/proc"):  # fallback: scan parent pids
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return kids


class Server:
    """A started server: its process(es), port and URLs."""

    name = "?"
    durable = ""

    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.proc = None
        self.port = None
        self.logfile = None

    # -- process handling -------------------------------------------------
    def record_pids(self):
        with open(os.path.join(self.args.workdir, "pids"), "a") as f:
            for p in self.pids():
                f.write(f"{p}\n")

    def pids(self):
        return [self.proc.pid] if self.proc else []

    def spawn(self, argv, env=None):
        self.logfile = open(os.path.join(self.workdir, f"{self.name}.log"), "ab")
        self.proc = subprocess.Popen(argv, stdout=self.logfile, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=self.workdir,
                                     start_new_session=True)
        with open(os.path.join(self.args.workdir, "pids"), "a") as f:
            f.write(f"{self.proc.pid}\n")

    def wait_answer(self, deadline_s=20.0, t0=None):
        """Poll (every --poll-ms) until an HTTP response arrives; ms since t0."""
        t0 = t0 if t0 is not None else time.perf_counter()
        while time.perf_counter() - t0 < deadline_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.log_tail()}")
            if self.port and http_answer(self.port):
                return (time.perf_counter() - t0) * 1000.0
            time.sleep(self.args.poll_ms / 1000.0)
        raise RuntimeError(f"{self.name} did not answer within {deadline_s}s: {self.log_tail()}")

    def log_tail(self):
        try:
            with open(os.path.join(self.workdir, f"{self.name}.log"), "rb") as f:
                return f.read()[-600:].decode(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if not self.proc:
            return
        pids = self.pids()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for p in pids[1:]:  # e.g. nginx workers: gone with the master, or made to go
            for _ in range(200):
                if not os.path.exists(f"/proc/{p}"):
                    break
                time.sleep(0.01)
            else:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
        self.proc = None
        if self.logfile:
            self.logfile.close()
            self.logfile = None

    def rss_kib(self, field="VmRSS"):
        return sum(proc_status(p).get(field, 0) for p in self.pids())

    def reset_hwm(self):
        ok = True
        for p in self.pids():
            try:
                with open(f"/proc/{p}/clear_refs", "w") as f:
                    f.write("5")
            except OSError:
                ok = False
        return ok

    # -- S3 helpers ---------------------------------------------------------
    def s3(self):
        import boto3
        from botocore.config import Config
        return boto3.client(
            "s3", endpoint_url=f"http://127.0.0.1:{self.port}",
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            region_name=REGION,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                          retries={"max_attempts": 1}))

    def prepare(self):
        c = self.s3()
        c.create_bucket(Bucket=BUCKET)
        c.put_object(Bucket=BUCKET, Key="obj4k", Body=os.urandom(SMALL))

    def presign(self, method, key):
        op = {"GET": "get_object", "PUT": "put_object"}[method]
        return self.s3().generate_presigned_url(op, Params={"Bucket": BUCKET, "Key": key},
                                                ExpiresIn=3600)

    def url(self, method, what):
        key = {"small_get": "obj4k", "small_put": "put4k", "big": "big256"}[what]
        return self.presign(method, key)


class Bucketfire(Server):
    name = "bucketfire"
    durable = "yes: each object's bytes are fdatasync'ed before the answer"
    access_key = "test"
    secret_key = "test"

    def start(self, port=0):
        data = os.path.join(self.workdir, f"data-{time.monotonic_ns()}")
        os.makedirs(data)
        self.port = port or None
        self.spawn([self.args.bucketfire, "serve", "--port", str(port), "--data-dir", data,
                    "--no-access-log"])
        if not port:  # learn the port from the "listening on" line
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 20:
                m = re.search(rb"listening on http://[^:]+:(\d+)",
                              open(self.logfile.name, "rb").read())
                if m:
                    self.port = int(m.group(1))
                    break
                if self.proc.poll() is not None:
                    break
                time.sleep(0.005)


class Moto(Server):
    name = "moto"
    durable = "no: objects are kept in process memory"
    access_key = "bench"
    secret_key = "bench"

    def start(self, port=0):
        self.port = port or free_port()
        env = dict(os.environ, TMPDIR=self.workdir)
        self.spawn([sys.executable, "-m", "moto.server", "-p", str(self.port), "-H", "127.0.0.1"],
                   env=env)


class Nginx(Server):
    name = "nginx"
    durable = "no: PUT bodies are written and renamed without fsync"
    access_key = secret_key = None

    def __init__(self, args, workdir):
        super().__init__(args, workdir)
        self.workers = []

    def pids(self):
        if not self.proc:
            return []
        if not self.workers:
            self.workers = children_of(self.proc.pid)
            if self.workers:
                self.record_pids()
        return [self.proc.pid] + self.workers

    def config(self, prefix):
        user = "user root;\n" if os.geteuid() == 0 else ""
        temps = "".join(f"  {k}_temp_path {prefix}/{k};\n"
                        for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        return f"""# private nginx for bench/run.sh
{user}worker_processes auto;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_max_body_size 0;
{temps}  server {{
    listen 127.0.0.1:{self.port};
    root {prefix}/www;
    location / {{
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }}
  }}
}}
"""

    def start(self, port=0):
        self.port = port or free_port()
        self.workers = []
        prefix = os.path.join(self.workdir, f"nginx-{time.monotonic_ns()}")
        os.makedirs(os.path.join(prefix, "www"))
        with open(os.path.join(prefix, "www", "index.html"), "w") as f:
            f.write("ok\n")
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(self.config(prefix))
        self.prefix = prefix
        self.spawn([self.args.nginx, "-p", prefix, "-e", os.path.join(prefix, "error.log"),
                    "-c", conf])

    def prepare(self):
        with open(os.path.join(self.prefix, "www", "obj4k"), "wb") as f:
            f.write(os.urandom(SMALL))

    def url(self, method, what):
        path = {"small_get": "obj4k", "small_put": "put/put4k", "big": "big256"}[what]
        return f"http://127.0.0.1:{self.port}/{path}"


# -- measurements -----------------------------------------------------------

def curl(args, timeout=300):
    r = subprocess.run(["curl", "-s", "-S", "--max-time", str(timeout)] + args,
                       capture_output=True, timeout=timeout + 30)
    return r


def probe(method, url, body=None):
    """One request with curl; (status, response body text)."""
    args = ["-o", "-", "-w", "\n%{http_code}", "-X", method]
    if body is not None:
        args += ["-H", "Content-Type:", "-H", "Expect:", "--data-binary", "@" + body]
    r = curl(args + [url], timeout=30)
    raw, _, code = r.stdout.rpartition(b"\n")
    status = int(code) if code.isdigit() else 0
    if method == "GET" and 200 <= status < 300:
        return status, f"<{len(raw)} bytes>"
    return status, (raw.decode(errors="replace") or r.stderr.decode(errors="replace"))[-2000:]


def run_wrk(a, script, url, duration):
    cmd = ["wrk", f"-t{a.wrk_threads}", f"-c{a.wrk_conns}", f"-d{duration}s", "--latency",
           "-s", os.path.join(BENCH_DIR, script), url]
    r = subprocess.run(cmd, capture_output=True, timeout=duration + 60)
    out = r.stdout.decode(errors="replace")
    m = re.search(r"^WRKJSON (.*)$", out, re.M)
    if not m:
        raise RuntimeError(f"wrk printed no summary (rc {r.returncode}): {out[-500:]} {r.stderr.decode()[-500:]}")
    res = json.loads(m.group(1))
    secs = res["duration_us"] / 1e6
    res["rps"] = res["requests"] / secs
    res["ok_rps"] = (res["requests"] - res["errors"]["status"]) / secs
    res["command"] = "wrk " + " ".join(cmd[1:-1])
    return res


def status_diag(a, url, method):
    """Re-run 3 s with a script that counts answers by status (slower, so not measured)."""
    cmd = ["wrk", f"-t{a.wrk_threads}", f"-c{a.wrk_conns}", "-d3s", "-s",
           os.path.join(BENCH_DIR, "status.lua"), url, "--", method]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=60)
        m = re.search(r"^WRKSTATUS (.*)$", r.stdout.decode(errors="replace"), re.M)
        return json.loads(m.group(1)) if m else {"raw": r.stdout.decode(errors="replace")[-800:]}
    except Exception as e:
        return {"diag_error": str(e)}


def small_test(a, srv, method, failures):
    what = "small_get" if method == "GET" else "small_put"
    url = srv.url(method, what)
    body = os.path.join(a.workdir, "body4k") if method == "PUT" else None
    status, text = probe(method, url, body)
    entry = {"probe_status": status}
    if not 200 <= status < 300 or (method == "GET" and text != f"<{SMALL} bytes>"):
        entry["error"] = {"status": status, "body": text}
        failures.append({"server": srv.name, "step": f"4 KiB {method} probe", "url": url,
                         "status": status, "body": text})
        log(f"{srv.name} 4 KiB {method} probe failed: {status} {text[:200]}")
        return entry
    script = "get.lua" if method == "GET" else "put.lua"
    run_wrk(a, script, url, a.warmup)
    res = run_wrk(a, script, url, a.duration)
    entry.update(res)
    if res["errors"]["status"]:
        diag = status_diag(a, url, method)
        entry["error"] = diag
        failures.append({"server": srv.name, "step": f"4 KiB {method} under wrk",
                         "non_2xx": res["errors"]["status"], "requests": res["requests"],
                         "diagnostic_rerun_3s": diag})
    log(f"{srv.name} 4 KiB {method}: {res['ok_rps']:.0f} req/s, p50 {res['latency_us']['p50']} us, "
        f"errors {res['errors']}")
    return entry


class RssSampler(threading.Thread):
    def __init__(self, srv):
        super().__init__(daemon=True)
        self.srv, self.stop_ev, self.max_rss, self.max_anon = srv, threading.Event(), 0, 0

    def run(self):
        while not self.stop_ev.is_set():
            st = [proc_status(p) for p in self.srv.pids()]
            self.max_rss = max(self.max_rss, sum(s.get("VmRSS", 0) for s in st))
            self.max_anon = max(self.max_anon, sum(s.get("RssAnon", 0) for s in st))
            self.stop_ev.wait(0.01)


def big_phase(a, srv, method, failures):
    url = srv.url(method, "big")
    before = srv.rss_kib()
    hwm_reset = srv.reset_hwm()
    sampler = RssSampler(srv)
    sampler.start()
    runs = []
    try:
        for i in range(a.repeats):
            if method == "PUT":
                args = ["-o", os.path.join(a.workdir, "put-answer"), "-H", "Expect:",
                        "-T", a.bigfile, "-w", "%{http_code} %{speed_upload} %{size_upload}"]
            else:
                args = ["-o", "/dev/null", "-w", "%{http_code} %{speed_download} %{size_download}"]
            r = curl(args + [url])
            fields = r.stdout.decode().split()
            code = int(fields[0]) if fields and fields[0].isdigit() else 0
            speed = float(fields[1]) if len(fields) > 1 else 0.0
            size = int(float(fields[2])) if len(fields) > 2 else 0
            ok = 200 <= code < 300 and size == a.big_mib * MIB
            runs.append({"status": code, "bytes_per_s": speed, "size": size, "ok": ok})
            if not ok:
                body = ""
                if method == "PUT":
                    try:
                        body = open(os.path.join(a.workdir, "put-answer"), "rb").read()[-2000:].decode(errors="replace")
                    except OSError:
                        pass
                else:
                    _, body = probe("GET", url)
                failures.append({"server": srv.name, "step": f"256 MiB {method} run {i + 1}",
                                 "status": code, "size": size, "body": body,
                                 "curl_error": r.stderr.decode(errors="replace")[-500:]})
                log(f"{srv.name} 256 MiB {method} failed: {code} {body[:200]}")
                break
    finally:
        sampler.stop_ev.set()
        sampler.join(timeout=2)
    hwm = srv.rss_kib("VmHWM")
    good = [x["bytes_per_s"] for x in runs if x["ok"]]
    res = {
        "runs": runs,
        "best_mib_s": max(good) / MIB if good else None,
        "rss_before_kib": before,
        "hwm_kib": hwm if hwm_reset else None,
        "sampled_max_rss_kib": sampler.max_rss,
        "sampled_max_anon_kib": sampler.max_anon,
        "hwm_reset": hwm_reset,
    }
    peak = hwm if hwm_reset else sampler.max_rss
    res["peak_kib"] = max(peak, sampler.max_rss)
    res["growth_kib"] = res["peak_kib"] - before
    log(f"{srv.name} 256 MiB {method}: best {res['best_mib_s'] or 0:.0f} MiB/s, "
        f"growth {res['growth_kib'] / 1024:.1f} MiB")
    return res


def startup_times(a, cls):
    times = []
    for _ in range(a.starts):
        srv = cls(a, a.workdir)
        port = free_port()
        t0 = time.perf_counter()
        srv.start(port)
        try:
            times.append(srv.wait_answer(20.0, t0))
        finally:
            srv.stop()
        time.sleep(0.2)
    return {"runs_ms": times, "median_ms": statistics.median(times)}


class ForeignCpu:
    """CPU used by processes outside this benchmark while it runs (a noise gauge on a
    shared machine): the machine's busy time from /proc/stat (user, nice, system, irq,
    softirq) minus the CPU time of this script and its reaped descendants (servers, wrk,
    curl)."""

    @staticmethod
    def _now():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:8]]
        v = fields[0:3] + fields[5:7]  # user nice system + irq softirq (not idle, iowait)
        tick = os.sysconf("SC_CLK_TCK")
        own = 0.0
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
            ru = resource.getrusage(who)
            own += ru.ru_utime + ru.ru_stime
        return time.monotonic(), sum(v) / tick, own

    def __enter__(self):
        self.t0, self.busy0, self.own0 = self._now()
        return self

    def __exit__(self, *exc):
        t1, busy1, own1 = self._now()
        self.wall = t1 - self.t0
        self.raw = (busy1 - self.busy0) - (own1 - self.own0)
        self.foreign = max(0.0, self.raw)
        self.share = self.foreign / (self.wall * (os.cpu_count() or 1)) if self.wall else 0.0
        return False


def bench_server(a, cls, failures):
    with ForeignCpu() as fc:
        result = bench_server_inner(a, cls, failures)
    result["foreign_cpu"] = {"seconds": fc.foreign, "raw_seconds": fc.raw, "wall_s": fc.wall,
                             "share": fc.share}
    log(f"{cls.name}: other processes used {fc.foreign:.1f} CPU-s in {fc.wall:.0f} s "
        f"({fc.share * 100:.0f}% of the machine)")
    return result


def bench_server_inner(a, cls, failures):
    srv = cls(a, a.workdir)
    result = {"durable": srv.durable}
    log(f"starting {srv.name}")
    try:
        srv.start(0)
        srv.wait_answer(20.0)
        time.sleep(a.settle)
        srv.pids()  # learn nginx workers
        result["idle_rss_kib"] = srv.rss_kib()
        result["pids"] = srv.pids()
        result["threads"] = [proc_status(p).get("Threads") for p in srv.pids()]
        log(f"{srv.name} on port {srv.port}, idle RSS {result['idle_rss_kib'] / 1024:.1f} MiB")
        srv.prepare()
        result["put_big"] = big_phase(a, srv, "PUT", failures)
        if result["put_big"]["best_mib_s"] is not None:
            result["get_big"] = big_phase(a, srv, "GET", failures)
        else:
            result["get_big"] = {"best_mib_s": None, "skipped": "256 MiB PUT failed"}
        result["get_4k"] = small_test(a, srv, "GET", failures)
        result["put_4k"] = small_test(a, srv, "PUT", failures)
    except Exception as e:  # a failing server is a result, not a crash
        result["error"] = str(e)
        failures.append({"server": srv.name, "step": "run", "error": str(e)})
        log(f"{srv.name} failed: {e}")
    finally:
        srv.stop()
    log(f"start-up timing {srv.name}")
    try:
        result["startup"] = startup_times(a, cls)
    except Exception as e:
        result["startup"] = {"median_ms": None, "error": str(e)}
        failures.append({"server": srv.name, "step": "start-up", "error": str(e)})
    return result


# -- report -------------------------------------------------------------------

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_type(binary):
    try:
        with open(os.path.join(os.path.dirname(binary), "CMakeCache.txt")) as f:
            m = re.search(r"^CMAKE_BUILD_TYPE:STRING=(.*)$", f.read(), re.M)
            return m.group(1) or "(empty)" if m else "unknown"
    except OSError:
        return "unknown (no CMakeCache.txt beside the binary)"


def machine_info(a):
    def first(cmd):  # what a version command printed, on stdout or stderr
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return r.stdout.strip() or r.stderr.strip()
        except Exception:
            return "?"
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / MIB:.1f} GiB"
    except OSError:
        pass
    osname = "?"
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    import boto3
    import moto
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "os": osname,
        "memory": mem,
        "bucketfire": first([a.bucketfire, "--version"]),
        "bucketfire_build_type": build_type(a.bucketfire_src),
        "bucketfire_built": datetime.datetime.fromtimestamp(
            os.path.getmtime(a.bucketfire_src), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "tree_changes": first(["git", "-C", os.path.dirname(BENCH_DIR), "status", "--porcelain",
                               "--", "emulator", "sdk", "CMakeLists.txt"]).replace("\n", "; "),
        "bucketfire_bin": a.bucketfire_src,
        "bucketfire_sha256": sha256_file(a.bucketfire)[:16],
        "nginx": first([a.nginx, "-v"]).replace("nginx version: ", ""),
        "moto": moto.__version__,
        "boto3": boto3.__version__,
        "python": platform.python_version(),
        "wrk": (first(["wrk", "--version"]).splitlines() or ["?"])[0].split(" Copyright")[0],
        "curl": first(["curl", "--version"]).splitlines()[0],
        "loadavg_at_start": open("/proc/loadavg").read().split()[:3],
        "git_commit": first(["git", "-C", os.path.dirname(BENCH_DIR), "rev-parse", "--short", "HEAD"]),
    }


def fmt(v, nd=0):
    if v is None:
        return "n/a"
    return f"{v:,.{nd}f}"


def ratio(b, n):
    if b is None or n is None or not n:
        return None
    return b / n


def verdict(key, value):
    if value is None:
        return "n/a"
    _, op, target, _ = TARGETS[key]
    ok = value >= target if op == ">=" else value <= target
    return "met" if ok else "missed"


def get(d, *path):
    for p in path:
        if not isinstance(d, dict) or d.get(p) is None:
            return None
        d = d[p]
    return d


def render(a, info, res, failures, started, elapsed):
    names = ["bucketfire", "moto", "nginx"]
    b, m, n = (res[k] for k in names)
    L = []
    w = L.append
    w("# bucketfire benchmark results\n")
    w(f"- date: {started} (whole run {elapsed:.0f} s)")
    w(f"- command: `bash bench/run.sh` (bucketfire binary: `{info['bucketfire_bin']}`, {info['bucketfire']}, build type {info['bucketfire_build_type']}, built {info['bucketfire_built']}, sha256 {info['bucketfire_sha256']}…, run from a private copy; repo at commit {info['git_commit']}"
      + (f", uncommitted changes: {info['tree_changes']})" if info['tree_changes'] else ", no uncommitted changes to emulator/ or sdk/)"))
    w(f"- machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, kernel {info['kernel']}, {info['os']}; "
      f"load average (1/5/15 min) {' '.join(info['loadavg_at_start'])} at start, {' '.join(info['loadavg_at_end'])} at end")
    w(f"- compared with: moto {info['moto']} (`python3 -m moto.server`), {info['nginx']}; clients: {info['wrk']}, {info['curl'].split(' (')[0]}, boto3 {info['boto3']}")
    if info.get("warning"):
        w(f"- **warning: {info['warning']}**")
    w("- all servers, wrk and curl share the same machine and talk over 127.0.0.1; bucketfire and moto are "
      "driven through SigV4 presigned URLs (path style), nginx through plain URLs\n")

    def row(label, key_path, nd=0, scale=1.0, target=None, invert=False, show_ratio=True):
        vals = [get(r, *key_path) for r in (b, m, n)]
        vals = [v * scale if v is not None else None for v in vals]
        rt = ratio(vals[0], vals[2]) if show_ratio else None
        cells = [fmt(v, nd) for v in vals]
        tcell = vcell = ""
        if target:
            _, op, tv, unit = TARGETS[target]
            tcell = f"{'≥' if op == '>=' else '≤'} {tv:g}×"
            vcell = verdict(target, rt)
        return f"| {label} | {' | '.join(cells)} | {f'{rt:.2f}×' if rt is not None else ''} | {tcell} | {vcell} |"

    head = "| | bucketfire | moto | nginx | bucketfire ÷ nginx | target | verdict |\n|---|---:|---:|---:|---:|---|---|"

    w(f"## 4 KiB GET (`wrk -t{a.wrk_threads} -c{a.wrk_conns} -d{a.duration}s`, after a {a.warmup} s warm-up)\n")
    w(head)
    w(row("req/s (2xx)", ["get_4k", "ok_rps"], 0, target="get_4k"))
    w(row("latency p50 (ms)", ["get_4k", "latency_us", "p50"], 3, 1e-3))
    w(row("latency p99 (ms)", ["get_4k", "latency_us", "p99"], 3, 1e-3))
    w(row("latency mean (ms)", ["get_4k", "latency_us", "mean"], 3, 1e-3))
    w(row("non-2xx answers", ["get_4k", "errors", "status"], show_ratio=False))
    w(sockrow(b, m, n, "get_4k"))
    w("")
    w(f"## 4 KiB PUT (`wrk -t{a.wrk_threads} -c{a.wrk_conns} -d{a.duration}s -s bench/put.lua`, same URL replayed)\n")
    w(head)
    w(row("req/s (2xx)", ["put_4k", "ok_rps"], 0, target="put_4k"))
    w(row("latency p50 (ms)", ["put_4k", "latency_us", "p50"], 3, 1e-3))
    w(row("latency p99 (ms)", ["put_4k", "latency_us", "p99"], 3, 1e-3))
    w(row("latency mean (ms)", ["put_4k", "latency_us", "mean"], 3, 1e-3))
    w(row("non-2xx answers", ["put_4k", "errors", "status"], show_ratio=False))
    w(sockrow(b, m, n, "put_4k"))
    w(f"| durable when answered | {b['durable']} | {m['durable']} | {n['durable']} | | | |")
    w("")
    w(f"## 256 MiB PUT (curl `-T`, best of {a.repeats}; MiB/s = 2^20 bytes/s)\n")
    w(head)
    w(row("MiB/s (best)", ["put_big", "best_mib_s"], 0, target="put_big"))
    w(runsrow(b, m, n, "put_big"))
    w(row("RSS before (MiB)", ["put_big", "rss_before_kib"], 1, 1 / 1024, show_ratio=False))
    w(row("peak RSS during (MiB)", ["put_big", "peak_kib"], 1, 1 / 1024, show_ratio=False))
    w(growthrow(b, m, n, "put_big"))
    w("")
    w(f"## 256 MiB GET (curl, best of {a.repeats})\n")
    w(head)
    w(row("MiB/s (best)", ["get_big", "best_mib_s"], 0, target="get_big"))
    w(runsrow(b, m, n, "get_big"))
    w(row("RSS before (MiB)", ["get_big", "rss_before_kib"], 1, 1 / 1024, show_ratio=False))
    w(row("peak RSS during (MiB)", ["get_big", "peak_kib"], 1, 1 / 1024, show_ratio=False))
    w(growthrow(b, m, n, "get_big"))
    w("")
    w(f"## Start-up to first answered request (median of {a.starts}; spawn → first HTTP status line, polled every {a.poll_ms:g} ms)\n")
    w(head)
    w(row("median (ms)", ["startup", "median_ms"], 1, target="startup"))
    mins = [min(get(r, "startup", "runs_ms") or [0]) if get(r, "startup", "runs_ms") else None for r in (b, m, n)]
    maxs = [max(get(r, "startup", "runs_ms")) if get(r, "startup", "runs_ms") else None for r in (b, m, n)]
    w(f"| min / max (ms) | " + " | ".join(
        f"{fmt(lo, 1)} / {fmt(hi, 1)}" for lo, hi in zip(mins, maxs)) + " | | | |")
    w("")
    w("## Idle RSS (after the first answered request and a short settle)\n")
    w("| | bucketfire | moto | nginx | bucketfire ÷ nginx | target | verdict |\n|---|---:|---:|---:|---:|---|---|")
    iv = [get(r, "idle_rss_kib") for r in (b, m, n)]
    irt = ratio(iv[0], iv[2])
    w(f"| VmRSS (MiB) | " + " | ".join(fmt(v / 1024 if v is not None else None, 1) for v in iv) +
      f" | {f'{irt:.2f}×' if irt else ''} | ≤ 16 MiB | {verdict('idle_rss', iv[0] / 1024 if iv[0] is not None else None)} |")
    w(f"| processes (threads) | " + " | ".join(
        f"{len(r.get('pids', []))} ({'+'.join(str(t) for t in r.get('threads', []))})" for r in (b, m, n)) + " | | | |")
    w("\nnginx RSS is the sum over its master and worker processes (worker_processes auto); "
      "peak RSS is VmHWM after resetting it (`/proc/PID/clear_refs` = 5) just before the transfers, "
      "or the 10 ms RSS sampler's maximum if higher; growth = peak − RSS just before.\n")

    fc = [get(r, "foreign_cpu") for r in (b, m, n)]
    w("## Noise: CPU used by other processes during each server's part of the run\n")
    w("| | bucketfire | moto | nginx |\n|---|---:|---:|---:|")
    w("| CPU-seconds (share of the machine) | " + " | ".join(
        f"{x['seconds']:.1f} ({x['share'] * 100:.0f}%)" if x else "n/a" for x in fc) + " |")
    w("\nMachine-wide busy time (user, system, irq, softirq) minus that of this benchmark and everything it started; "
      "a few percent is kernel work not charged to a process. A large share means another "
      "workload competed for the cores and that part should be re-run.\n")
    w("## Against the targets\n")
    w("| target | bucketfire | verdict |\n|---|---|---|")
    for key, path in (("get_4k", ["get_4k", "ok_rps"]), ("put_4k", ["put_4k", "ok_rps"]),
                      ("put_big", ["put_big", "best_mib_s"]), ("get_big", ["get_big", "best_mib_s"]),
                      ("startup", ["startup", "median_ms"])):
        rt = ratio(get(b, *path), get(n, *path))
        label, op, tv, unit = TARGETS[key]
        w(f"| {label} {'≥' if op == '>=' else '≤'} {tv:g}× nginx | {f'{rt:.2f}×' if rt is not None else 'n/a'} | {verdict(key, rt)} |")
    g = [get(b, k, "growth_kib") for k in ("put_big", "get_big")]
    g = [x for x in g if x is not None]
    gm = max(g) / 1024 if g else None
    w(f"| RSS growth during 256 MiB transfers ≤ 16 MiB | {fmt(gm, 1)} MiB | {verdict('rss_growth', gm)} |")
    w(f"| idle RSS ≤ 16 MiB | {fmt(iv[0] / 1024 if iv[0] is not None else None, 1)} MiB | {verdict('idle_rss', iv[0] / 1024 if iv[0] is not None else None)} |")
    w("")
    w("## Failures observed\n")
    if failures:
        for f in failures:
            w(f"- {json.dumps(f)}")
    else:
        w("none: every probe and transfer got a 2xx answer with the expected size.")
    w("")
    return "\n".join(L)


def sockrow(b, m, n, key):
    def s(r):
        e = get(r, key, "errors")
        if not e:
            return "n/a"
        return f"{e['connect']}/{e['read']}/{e['write']}/{e['timeout']}"
    return f"| socket errors (connect/read/write/timeout) | {s(b)} | {s(m)} | {s(n)} | | | |"


def runsrow(b, m, n, key):
    def s(r):
        runs = get(r, key, "runs")
        if not runs:
            return "n/a"
        return ", ".join(f"{x['bytes_per_s'] / MIB:.0f}" if x["ok"] else f"HTTP {x['status']}" for x in runs)
    return f"| all runs (MiB/s) | {s(b)} | {s(m)} | {s(n)} | | | |"


def growthrow(b, m, n, key):
    vals = [get(r, key, "growth_kib") for r in (b, m, n)]
    cell = [fmt(v / 1024 if v is not None else None, 1) for v in vals]
    gv = vals[0] / 1024 if vals[0] is not None else None
    return f"| RSS growth (MiB) | {' | '.join(cell)} | | ≤ 16 MiB | {verdict('rss_growth', gv)} |"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bucketfire", required=True)
    p.add_argument("--nginx", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--wrk-conns", type=int, default=32)
    p.add_argument("--duration", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--big-mib", type=int, default=256)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--starts", type=int, default=5)
    p.add_argument("--settle", type=float, default=1.0)
    p.add_argument("--poll-ms", type=float, default=1.0,
                   help="start-up poll interval; 5 ms quantises ~6 ms start-ups too coarsely")
    p.add_argument("--only", default="bucketfire,moto,nginx")
    a = p.parse_args()

    # SIGTERM (from run.sh on Ctrl-C or kill) unwinds like an error, so every
    # started server is stopped by the finally blocks on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t_start = time.time()
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(os.path.join(a.workdir, "body4k"), "wb") as f:
        f.write(os.urandom(SMALL))
    a.bigfile = os.path.join(a.workdir, "big.bin")
    if not os.path.exists(a.bigfile) or os.path.getsize(a.bigfile) != a.big_mib * MIB:
        log(f"creating {a.big_mib} MiB file from /dev/urandom")
        with open("/dev/urandom", "rb") as src, open(a.bigfile, "wb") as dst:
            for _ in range(a.big_mib):
                dst.write(src.read(MIB))

    # Run a private copy, so a rebuild of the binary mid-run cannot mix two builds.
    a.bucketfire_src = a.bucketfire
    a.bucketfire = os.path.join(a.workdir, "bucketfire")
    shutil.copy2(a.bucketfire_src, a.bucketfire)
    info = machine_info(a)
    failures = []
    classes = {"bucketfire": Bucketfire, "moto": Moto, "nginx": Nginx}
    res = {}
    for name in ("bucketfire", "moto", "nginx"):
        if name in a.only.split(","):
            res[name] = bench_server(a, classes[name], failures)
        else:
            res[name] = {"durable": classes[name].durable, "skipped": True}
    elapsed = time.time() - t_start
    info["loadavg_at_end"] = open("/proc/loadavg").read().split()[:3]
    busy = [n for n, r in res.items() if get(r, "foreign_cpu", "share") and r["foreign_cpu"]["share"] > 0.10]
    if busy:
        info["warning"] = (f"other processes used more than 10% of the machine during the "
                           f"{', '.join(busy)} part(s); those numbers are disturbed, re-run")
        log(info["warning"])

    os.makedirs(a.out_dir, exist_ok=True)
    md = render(a, info, res, failures, started, elapsed)
    with open(os.path.join(a.out_dir, "latest.md"), "w") as f:
        f.write(md)
    raw = {"date": started, "elapsed_s": elapsed, "machine": info,
           "settings": {k: v for k, v in vars(a).items() if k not in ("workdir", "bigfile", "out_dir", "bucketfire")},
           "targets": TARGETS, "results": res, "failures": failures}
    with open(os.path.join(a.out_dir, "latest.json"), "w") as f:
        json.dump(raw, f, indent=2)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
