"""Shared helpers for the bucketfire integration tests.

Every test file imports this module, starts the real binary (path in BUCKETFIRE_BIN) on an
ephemeral port bound to 127.0.0.1 and drives it with real clients: boto3, the aws CLI, curl
and hand-built http.client requests.
"""

import atexit
import base64
import collections
import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
import zlib

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

READY_RE = re.compile(r"bucketfire listening on http://127\.0\.0\.1:(\d+)")
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
REGION = "us-east-1"
ACCESS_KEY = "test"
SECRET_KEY = "test"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

# Isolate every client in this process from the user's AWS configuration.
_CONFIG_DIR = tempfile.mkdtemp(prefix="bf-awsconfig-")
_EMPTY_CONFIG = os.path.join(_CONFIG_DIR, "config")
_EMPTY_CREDENTIALS = os.path.join(_CONFIG_DIR, "credentials")
atexit.register(shutil.rmtree, _CONFIG_DIR, True)
for _p in (_EMPTY_CONFIG, _EMPTY_CREDENTIALS):
    open(_p, "w").close()
for _name in list(os.environ):
    if _name.startswith("AWS_"):
        del os.environ[_name]
os.environ["AWS_CONFIG_FILE"] = _EMPTY_CONFIG
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = _EMPTY_CREDENTIALS
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


def binary_path():
    path = os.environ.get("BUCKETFIRE_BIN")
    if not path:
        raise RuntimeError("BUCKETFIRE_BIN is not set: point it at the bucketfire binary")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise RuntimeError(f"BUCKETFIRE_BIN={path!r} is not an executable file")
    return path


class ServerError(RuntimeError):
    pass


# --------------------------------------------------------------------------------------
# The server process
# --------------------------------------------------------------------------------------


_live_servers = set()


def _kill_leftovers():
    for server in list(_live_servers):
        if server.running():
            server.proc.kill()
            server.proc.wait()


atexit.register(_kill_leftovers)


class Server:
    """One bucketfire process on port 0; can be stopped, killed and restarted on its data dir."""

    def __init__(self, data_dir=None, extra_args=(), cwd=None):
        self._owned_root = None
        if data_dir is None:
            self._owned_root = tempfile.mkdtemp(prefix="bf-it-")
            data_dir = os.path.join(self._owned_root, "data")
        if self._owned_root:
            os.makedirs(data_dir)
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.cwd = cwd
        self.proc = None
        self.port = None
        self.returncode = None
        self.starts = 0
        self._lock = threading.Lock()
        self._log = collections.deque(maxlen=20000)
        self._log_total = 0
        self._drain = None

    # -- lifecycle --------------------------------------------------------------------

    @property
    def root(self):
        """Temp directory that holds the data dir (only when this Server created it)."""
        return self._owned_root

    def command(self):
        return [binary_path(), "serve", "--port", "0", "--bind", "127.0.0.1",
                "--data-dir", self.data_dir] + self.extra_args

    def start(self):
        if self.running():
            raise ServerError("server already running")
        self.starts += 1
        self.port = None
        self.returncode = None
        cmd = self.command()
        self._append(f"=== start #{self.starts}: {' '.join(cmd)}")
        ready = threading.Event()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, cwd=self.cwd)
        proc = self.proc
        _live_servers.add(self)

        def drain():
            for raw in iter(proc.stdout.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                self._append(line)
                if not ready.is_set():
                    m = READY_RE.search(line)
                    if m:
                        self.port = int(m.group(1))
                        ready.set()
            proc.stdout.close()

        self._drain = threading.Thread(target=drain, name="bf-log-drain", daemon=True)
        self._drain.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.wait(0.05):
            if proc.poll() is not None:
                self._drain.join(2)
                raise ServerError(f"bucketfire exited with status {proc.returncode} before it "
                                  f"was ready\n{self.log_tail(60)}")
            if time.monotonic() > deadline:
                self.kill9()
                raise ServerError(f"bucketfire printed no ready line within {START_TIMEOUT:.0f}s"
                                  f"\n{self.log_tail(60)}")
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def _finish(self):
        rc = self.proc.wait()
        if self._drain is not None:
            self._drain.join(5)
        self.returncode = rc
        self._append(f"=== exited with status {rc}")
        return rc

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Asks the server to shut down; returns (exit status, exited_by_itself)."""
        if self.proc is None or self.proc.poll() is not None:
            return (self.proc.returncode if self.proc else None), True
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
            clean = True
        except subprocess.TimeoutExpired:
            self._append(f"=== did not exit within {timeout}s of signal {int(sig)}; killing")
            self.proc.kill()
            clean = False
        return self._finish(), clean

    def kill9(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGKILL)
        self._finish()

    def restart(self):
        rc, clean = self.stop()
        self.start()
        return rc, clean

    def close(self):
        try:
            if self.running():
                self.stop()
        finally:
            _live_servers.discard(self)
            if self._owned_root:
                shutil.rmtree(self._owned_root, ignore_errors=True)

    # -- log ------------------------------------------------------------------------

    def _append(self, line):
        with self._lock:
            self._log.append(line)
            self._log_total += 1

    def log_mark(self):
        with self._lock:
            return self._log_total

    def log_since(self, mark, limit=80):
        with self._lock:
            lines = list(self._log)
            total = self._log_total
        first_kept = total - len(lines)
        start = max(mark - first_kept, 0)
        lines = lines[start:]
        if len(lines) > limit:
            lines = [f"... ({len(lines) - limit} earlier lines)"] + lines[-limit:]
        return "\n".join(lines)

    def log_tail(self, n=40):
        with self._lock:
            lines = list(self._log)[-n:]
        return "\n".join(lines)

    # -- clients --------------------------------------------------------------------

    @property
    def endpoint(self):
        if self.port is None:
            raise ServerError("server is not running")
        return f"http://127.0.0.1:{self.port}"

    def client(self, style="path", access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION,
               signature_version=None, **config):
        """A boto3 S3 client. style='virtual' talks to http://localhost:PORT and puts the
        bucket in the Host (bucket.localhost:PORT)."""
        s3cfg = {"addressing_style": style}
        s3cfg.update(config.pop("s3", {}))
        cfg = dict(region_name=region, s3=s3cfg, connect_timeout=5, read_timeout=60,
                   retries={"mode": "standard", "total_max_attempts": 1},
                   max_pool_connections=20)
        if signature_version:
            cfg["signature_version"] = signature_version
        cfg.update(config)
        if style == "virtual":
            enable_localhost_subdomains()
            endpoint = f"http://localhost:{self.port}"
        else:
            endpoint = self.endpoint
        session = boto3.session.Session(aws_access_key_id=access_key,
                                        aws_secret_access_key=secret_key, region_name=region)
        return session.client("s3", endpoint_url=endpoint, config=Config(**cfg))

    def proxied_client(self, service, region=REGION, **config):
        """A boto3 client for `service` at http://localhost:PORT with the server as its HTTP
        proxy, so the names clients build there (the account's for S3 Control, an access
        point's, a WriteGetObjectResponse route's) reach it with no DNS."""
        session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                                        region_name=region)
        return session.client(service, endpoint_url=f"http://localhost:{self.port}", config=Config(
            proxies={"http": f"http://127.0.0.1:{self.port}"}, retries={"mode": "standard", "total_max_attempts": 1},
            **config))

    def aws_env(self, access_key=ACCESS_KEY, secret_key=SECRET_KEY):
        """The environment the aws CLI runs in against this server: its credentials and region,
        no user configuration, no retries."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=access_key, AWS_SECRET_ACCESS_KEY=secret_key,
                   AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=_EMPTY_CONFIG,
                   AWS_SHARED_CREDENTIALS_FILE=_EMPTY_CREDENTIALS, AWS_PAGER="",
                   AWS_MAX_ATTEMPTS="1", AWS_RETRY_MODE="standard",
                   AWS_EC2_METADATA_DISABLED="true", PYTHONUNBUFFERED="1")
        return env

    def aws(self, *args, check=True, timeout=300, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
            cwd=None, input_text=None):
        """Runs the aws CLI against this server; returns a CompletedProcess (text mode)."""
        env = self.aws_env(access_key, secret_key)
        cmd = ["aws", "--endpoint-url", self.endpoint] + [str(a) for a in args]
        if len(args) and args[0] == "s3api":
            cmd += ["--output", "json"]
        stdin = {"input": input_text} if input_text is not None else {"stdin": subprocess.DEVNULL}
        proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True,
                              timeout=timeout, **stdin)
        if check and proc.returncode != 0:
            raise AssertionError(f"aws CLI failed (status {proc.returncode}): {' '.join(cmd)}\n"
                                 f"stdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-3000:]}")
        return proc

    def lambda_client(self, access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION, **config):
        """A boto3 Lambda client for this server (SigV4, service "lambda")."""
        session = boto3.session.Session(aws_access_key_id=access_key,
                                        aws_secret_access_key=secret_key, region_name=region)
        cfg = Config(region_name=region, connect_timeout=5, read_timeout=120,
                     retries={"mode": "standard", "total_max_attempts": 1}, **config)
        return session.client("lambda", endpoint_url=self.endpoint, config=cfg)

    def internal(self, path):
        """GET /_bucketfire/<path> as JSON."""
        resp = self.raw("GET", "/_bucketfire/" + path)
        if resp.status != 200:
            raise AssertionError(f"GET /_bucketfire/{path}: {resp!r}")
        return json.loads(resp.body)

    def invocations(self, function=None, limit=1000):
        """Recent invocations, oldest first."""
        query = f"invocations?limit={limit}" + (f"&function={function}" if function else "")
        return list(reversed(self.internal(query)["invocations"]))

    def aws_json(self, *args, **kw):
        out = self.aws(*args, **kw).stdout.strip()
        return json.loads(out) if out else {}

    # -- raw HTTP -------------------------------------------------------------------

    def raw(self, method, target, headers=None, body=b"", timeout=30):
        """Sends one request exactly as given. `target` is the already-encoded request target
        (path and query). A Host header in `headers` is sent verbatim; otherwise
        127.0.0.1:PORT."""
        return raw_request(self.port, method, target, headers, body, timeout)

    def signed(self, method, path, query=(), headers=None, body=b"", host=None,
               access_key=ACCESS_KEY, secret_key=SECRET_KEY, amz_date=None,
               payload_hash=None, region=REGION, timeout=30):
        """A SigV4 header-signed raw request. `path` is the decoded path (/bucket/key)."""
        host = host or f"127.0.0.1:{self.port}"
        hdrs = dict(headers or {})
        if payload_hash is None:
            payload_hash = hashlib.sha256(body).hexdigest()
        signed = sigv4_sign(method, path, query, hdrs, payload_hash, access_key, secret_key,
                            host=host, region=region, amz_date=amz_date)
        target = encode_path(path) + (("?" + canonical_query(query)) if query else "")
        return self.raw(method, target, signed.headers, body, timeout)


def raw_request(port, method, target, headers=None, body=b"", timeout=30):
    headers = dict(headers or {})
    if not any(k.lower() == "host" for k in headers):
        headers["Host"] = f"127.0.0.1:{port}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        if body is None:
            body = b""
        if not any(k.lower() in ("content-length", "transfer-encoding") for k in headers):
            if body or method in ("PUT", "POST"):
                conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        send_error = None
        if body:
            try:
                # Write in pieces so a server that answers early (e.g. 403 on a bad chunk
                # signature) and closes still gives us its response.
                view = memoryview(body)
                for i in range(0, len(view), 65536):
                    conn.send(view[i:i + 65536])
            except (BrokenPipeError, ConnectionResetError) as e:
                send_error = e
        try:
            resp = conn.getresponse()
        except (ConnectionResetError, http.client.RemoteDisconnected) as e:
            raise AssertionError(f"no response to {method} {target} (send error: {send_error!r},"
                                 f" read error: {e!r})")
        data = resp.read()
        return RawResponse(resp.status, resp.reason, resp.getheaders(), data)
    finally:
        conn.close()


class RawResponse:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.header_list = headers
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def error(self):
        return parse_error(self.body)

    def __repr__(self):
        return (f"<HTTP {self.status} {self.reason} headers={self.headers} "
                f"body={self.body[:1500]!r}>")


# --------------------------------------------------------------------------------------
# Name resolution for virtual-hosted style
# --------------------------------------------------------------------------------------

_orig_getaddrinfo = socket.getaddrinfo
_patched = False


def enable_localhost_subdomains():
    """Makes localhost and *.localhost resolve to 127.0.0.1 (RFC 6761) inside this process,
    whatever the system resolver does, so virtual-hosted requests stay on 127.0.0.1 (never
    ::1) even where the system resolver does not know bucket.localhost."""
    global _patched
    if _patched:
        return

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str):
            name = host.lower().rstrip(".")
            if name == "localhost" or name.endswith(".localhost"):
                host = "127.0.0.1"
        return _orig_getaddrinfo(host, *args, **kwargs)
    socket.getaddrinfo = getaddrinfo
    _patched = True


# --------------------------------------------------------------------------------------
# SigV4 / checksums / XML
# --------------------------------------------------------------------------------------


def uri_encode(s, encode_slash=True):
    if isinstance(s, str):
        s = s.encode("utf-8")
    return urllib.parse.quote(s, safe="-_.~" if encode_slash else "-_.~/")


def encode_path(path):
    return uri_encode(path, encode_slash=False)


def canonical_query(query):
    pairs = sorted((uri_encode(k), uri_encode(v)) for k, v in query)
    return "&".join(f"{k}={v}" for k, v in pairs)


def amz_now(offset=datetime.timedelta(0)):
    return (datetime.datetime.now(datetime.timezone.utc) + offset).strftime("%Y%m%dT%H%M%SZ")


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8") if isinstance(msg, str) else msg,
                    hashlib.sha256).digest()


def signing_key(secret, date, region=REGION, service="s3"):
    k = _hmac(("AWS4" + secret).encode(), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


class Signed:
    def __init__(self, headers, signature, key, scope, amz_date, canonical_request,
                 string_to_sign):
        self.headers = headers
        self.signature = signature
        self.key = key
        self.scope = scope
        self.amz_date = amz_date
        self.canonical_request = canonical_request
        self.string_to_sign = string_to_sign


def sigv4_sign(method, path, query, headers, payload_hash, access_key, secret_key, host,
               region=REGION, amz_date=None):
    """Signs per the S3 SigV4 rules (path encoded once, no normalisation). Returns the
    headers to send (given ones + host, x-amz-date, x-amz-content-sha256, Authorization);
    all of them except Authorization are signed."""
    amz_date = amz_date or amz_now()
    hdrs = {k: v for k, v in headers.items() if k.lower() != "host"}
    hdrs["Host"] = host
    hdrs.setdefault("x-amz-date", amz_date)
    hdrs.setdefault("x-amz-content-sha256", payload_hash)
    canon = {}
    for k, v in hdrs.items():
        canon.setdefault(k.lower(), []).append(re.sub(r"\s+", " ", str(v).strip()))
    names = sorted(canon)
    canonical_headers = "".join(f"{n}:{','.join(canon[n])}\n" for n in names)
    signed_headers = ";".join(names)
    creq = "\n".join([method, encode_path(path), canonical_query(query), canonical_headers,
                      signed_headers, payload_hash])
    scope = f"{amz_date[:8]}/{region}/s3/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = signing_key(secret_key, amz_date[:8], region)
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    hdrs["Authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
                             f"SignedHeaders={signed_headers}, Signature={sig}")
    return Signed(hdrs, sig, key, scope, amz_date, creq, sts)


def chunk_signature(key, amz_date, scope, previous, data):
    sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, EMPTY_SHA256,
                     hashlib.sha256(data).hexdigest()])
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()


def trailer_signature(key, amz_date, scope, previous, trailer_text):
    """trailer_text is the canonical trailer ("name:value\\n")."""
    sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous,
                     hashlib.sha256(trailer_text.encode()).hexdigest()])
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()


def aws_chunked_unsigned(data, chunk_size, trailers=()):
    """STREAMING-UNSIGNED-PAYLOAD-TRAILER framing: plain chunks, then trailer lines."""
    out = bytearray()
    for i in range(0, len(data), chunk_size):
        c = data[i:i + chunk_size]
        out += b"%x\r\n" % len(c) + c + b"\r\n"
    out += b"0\r\n"
    for name, value in trailers:
        out += f"{name}:{value}\r\n".encode()
    out += b"\r\n"
    return bytes(out)


def aws_chunked_signed(data, chunk_size, signed=None, trailer=None, tamper_chunk=None,
                       bad_trailer_signature=False):
    """STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] framing with chunk signatures chained
    from the request signature. `trailer` is (name, value) for the signed-trailer form.
    With signed=None, placeholder signatures are used (for computing the framed length).
    tamper_chunk=i flips a byte of chunk i after signing it."""
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    prev = signed.signature if signed else "0" * 64
    out = bytearray()
    for i, c in enumerate(chunks):
        sig = chunk_signature(signed.key, signed.amz_date, signed.scope, prev, c) \
            if signed else "0" * 64
        prev = sig
        if tamper_chunk == i and c:
            c = bytes([c[0] ^ 0x01]) + c[1:]
        out += f"{len(c):x};chunk-signature={sig}\r\n".encode()
        if c or trailer is None:
            out += c + b"\r\n"
    if trailer is not None:
        name, value = trailer
        text = f"{name}:{value}\n"
        tsig = trailer_signature(signed.key, signed.amz_date, signed.scope, prev, text) \
            if signed else "0" * 64
        if bad_trailer_signature:
            tsig = ("1" if tsig[0] != "1" else "2") + tsig[1:]
        out += f"{name}:{value}\r\n".encode()
        out += f"x-amz-trailer-signature:{tsig}\r\n".encode()
        out += b"\r\n"
    return bytes(out)


def b64(raw):
    return base64.b64encode(raw).decode()


def crc32_b64(data):
    return b64((zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big"))


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    t = _CRC32C
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def crc32c_b64(data):
    return b64(crc32c(data).to_bytes(4, "big"))


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


def md5_b64(data):
    return b64(hashlib.md5(data).digest())


def etag_of(data):
    return f'"{md5_hex(data)}"'


def multipart_etag(parts):
    joined = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(joined).hexdigest()}-{len(parts)}"'


def strip_ns(tag):
    return tag.split("}", 1)[1] if "}" in tag else tag


def parse_xml(body):
    return ET.fromstring(body)


def parse_error(body):
    """<Error> body → {element: text}; {} if the body is not an S3 error document."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return {}
    if strip_ns(root.tag) != "Error":
        return {}
    return {strip_ns(c.tag): (c.text or "") for c in root}


def unique(prefix="bf"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def proc_status_kib(pid, field):
    """A field of /proc/PID/status in KiB (VmRSS, VmHWM), 0 when absent."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def wait_for(predicate, what, timeout=20.0, interval=0.02):
    """Polls predicate() until it returns something truthy (returned) or fails after
    `timeout` seconds, naming `what` and the last value seen."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")


def multipart(fields, file_bytes, filename="photo.png", file_type="image/png"):
    """Encodes the form as a browser does: fields in order, `file` last."""
    boundary = "----bucketfire" + uuid.uuid4().hex
    out = b""
    for name, value in fields:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode()
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {file_type}\r\n\r\n").encode()
    out += file_bytes + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def write_pipeline(document):
    """Writes a pipeline file to a temp directory; returns its path."""
    directory = tempfile.mkdtemp(prefix="bf-pipeline-")
    path = os.path.join(directory, "pipeline.json")
    with open(path, "w") as f:
        json.dump(document, f, indent=2)
    return path


# --------------------------------------------------------------------------------------
# unittest glue
# --------------------------------------------------------------------------------------


class ServerTestCase(unittest.TestCase):
    """Starts one server per test class (setUpClass) and shows its log on failures."""

    server_args = ()
    server = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = Server(extra_args=cls.server_args)
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.s3 = cls.server.client()

    def setUp(self):
        super().setUp()
        self._log_mark = self.server.log_mark() if self.server else 0

    def new_bucket(self, client=None, prefix="b"):
        name = unique(prefix)
        (client or self.s3).create_bucket(Bucket=name)
        return name

    def assertClientError(self, fn, code, status=None, *args, **kwargs):
        """Calls fn; asserts it raised ClientError with this S3 error code (and status)."""
        try:
            result = fn(*args, **kwargs)
        except ClientError as e:
            err = e.response.get("Error", {})
            meta = e.response.get("ResponseMetadata", {})
            got_status = meta.get("HTTPStatusCode")
            self.assertEqual(err.get("Code"), code,
                             f"expected error {code} ({status}), got {got_status} {err}")
            if status is not None:
                self.assertEqual(got_status, status, f"error {code}: {e.response}")
            return e.response
        self.fail(f"expected error {code} ({status}) but the call succeeded: "
                  f"{_describe(result)}")

    def assertNoProblems(self, problems, what, limit=20):
        """Fails listing the first few entries of a list of problem descriptions."""
        if problems:
            shown = "\n  ".join(str(p) for p in problems[:limit])
            more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
            self.fail(f"{what}: {len(problems)} problem(s):\n  {shown}{more}")

    def assertRawError(self, resp, status, code):
        err = resp.error()
        self.assertEqual((resp.status, err.get("Code")), (status, code), repr(resp))
        return err


def _describe(result):
    if isinstance(result, dict):
        result = {k: v for k, v in result.items() if k != "Body"}
        return repr(result)[:1500]
    return repr(result)[:1500]


class _Result(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.outcomes = []

    def _server_log(self, test):
        server = getattr(type(test), "server", None) or getattr(test, "server", None)
        if not isinstance(server, Server):
            return ""
        mark = getattr(test, "_log_mark", 0)
        time.sleep(0.2)  # the server logs a request after answering it
        return "\n--- server output during this test ---\n" + server.log_since(mark)

    def _with_log(self, bucket, test):
        test_, text = bucket[-1]
        bucket[-1] = (test_, text + self._server_log(test))

    def addSuccess(self, test):
        super().addSuccess(test)
        self.outcomes.append((test.id(), "PASS"))

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._with_log(self.failures, test)
        self.outcomes.append((test.id(), "FAIL"))

    def addError(self, test, err):
        super().addError(test, err)
        self._with_log(self.errors, test)
        self.outcomes.append((test.id(), "ERROR"))

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            bucket = self.failures if issubclass(err[0], test.failureException) else self.errors
            self._with_log(bucket, test)
            self.outcomes.append((subtest.id(), "FAIL"))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.outcomes.append((test.id(), "SKIP"))

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.outcomes.append((test.id(), "XFAIL"))

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.outcomes.append((test.id(), "XPASS"))


class Runner(unittest.TextTestRunner):
    """TextTestRunner that attaches the server log to failures and ends with a summary."""

    resultclass = _Result

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbosity", 2)
        super().__init__(*args, **kwargs)

    def run(self, test):
        start = time.monotonic()
        result = super().run(test)
        script = os.path.splitext(os.path.basename(sys.argv[0]))[0] or "tests"
        failed_ids = collections.OrderedDict()
        for tid, outcome in result.outcomes:
            if outcome in ("FAIL", "ERROR", "XPASS"):
                failed_ids[tid] = outcome
        passed = sum(1 for _, o in result.outcomes if o in ("PASS", "XFAIL"))
        skipped = sum(1 for _, o in result.outcomes if o == "SKIP")
        # Errors in setUpClass/tearDownClass have no per-test outcome.
        for test_, _ in result.errors:
            tid = test_.id() if hasattr(test_, "id") else str(test_)
            failed_ids.setdefault(tid, "ERROR")
        out = self.stream
        out.writeln("")
        out.writeln(f"==== {script} summary ({time.monotonic() - start:.1f}s) ====")
        for tid, outcome in failed_ids.items():
            out.writeln(f"  {outcome:5} {tid}")
        out.writeln(f"{script}: {passed} passed, {len(failed_ids)} failed, {skipped} skipped")
        out.flush()
        return result


def main():
    unittest.main(testRunner=Runner)
