"""The SDK's S3 client (what handlers link and ship to AWS) against two S3 implementations:
bucketfire and moto server. The same C++ program (tests/tools/s3_client_check.cpp) runs every
operation with its endpoint and credentials taken from the environment, as on AWS. Also: TLS
with certificate and host-name checks, and retries of transient failures."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import harness


def check_binary():
    path = os.environ.get("BF_S3_CLIENT_CHECK")
    if not path:
        path = os.path.join(os.path.dirname(harness.binary_path()), "tests", "bf_s3_client_check")
    return path


def run_check(endpoint, *args, extra_env=None, timeout=120):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL_S3=endpoint, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               AWS_REGION="us-east-1")
    env.update(extra_env or {})
    return subprocess.run([check_binary(), *args], capture_output=True, text=True, env=env, timeout=timeout)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AgainstBucketfire(harness.ServerTestCase):
    def test_every_operation(self):
        with tempfile.TemporaryDirectory() as work:
            proc = run_check(self.server.endpoint, harness.unique("sdk"), work)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("all steps ok", proc.stdout)


class AgainstMoto(unittest.TestCase):
    def test_every_operation(self):
        try:
            import moto  # noqa: F401
        except ImportError:
            print("SKIPPED: moto is not installed")
            self.skipTest("moto is not installed")
        port = free_port()
        moto_proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (moto_proc.terminate(), moto_proc.wait(timeout=10)))
        harness.wait_for(lambda: _listening(port), "moto to listen", timeout=30)
        with tempfile.TemporaryDirectory() as work:
            # AWS_ENDPOINT_URL (not the S3-specific one) is honoured too.
            proc = run_check("", "sdk-check", work,
                             extra_env={"AWS_ENDPOINT_URL_S3": "", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"})
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)


class Tls(unittest.TestCase):
    """HTTPS to a local TLS server (openssl s_server -WWW serves files over HTTP/1.0)."""

    @classmethod
    def setUpClass(cls):
        if not shutil.which("openssl"):
            raise unittest.SkipTest("openssl is not installed")
        cls.dir = tempfile.mkdtemp(prefix="bf-tls-")
        cls.cert = os.path.join(cls.dir, "cert.pem")
        key = os.path.join(cls.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                        "-keyout", key, "-out", cls.cert], check=True, capture_output=True)
        os.makedirs(os.path.join(cls.dir, "bucket"))
        with open(os.path.join(cls.dir, "bucket", "object.txt"), "w") as f:
            f.write("over tls")
        cls.port = free_port()
        cls.server = subprocess.Popen(["openssl", "s_server", "-quiet", "-WWW", "-accept", str(cls.port),
                                       "-cert", cls.cert, "-key", key], cwd=cls.dir,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        harness.wait_for(lambda: _listening(cls.port), "openssl s_server", timeout=20)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=10)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_trusted_certificate(self):
        proc = run_check(f"https://localhost:{self.port}", "--get", "bucket", "object.txt",
                         extra_env={"AWS_CA_BUNDLE": self.cert})
        self.assertEqual((proc.returncode, proc.stdout), (0, "over tls"), proc.stderr)

    def test_untrusted_certificate_is_refused(self):
        proc = run_check(f"https://localhost:{self.port}", "--get", "bucket", "object.txt")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("certificate verify failed", proc.stderr)

    def test_wrong_host_name_is_refused(self):
        proc = run_check(f"https://127.0.0.1:{self.port}", "--get", "bucket", "object.txt",
                         extra_env={"AWS_CA_BUNDLE": self.cert})
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("certificate verify failed", proc.stderr)


def _listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


if __name__ == "__main__":
    harness.main()
