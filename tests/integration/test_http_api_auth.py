"""Authorizers on HTTP API routes, over real HTTP: JWT (RS256 and ES256 keys from a JWKS
document, HS256 with a shared secret) with good, badly signed, expired, wrong-audience and
missing-scope tokens; and a Lambda authorizer with simple responses that allows, denies, and
caches its answers by identity for its TTL."""

import base64
import hashlib
import hmac
import json
import os
import tempfile
import time
import unittest

import harness

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
except ImportError:  # pragma: no cover
    ec = None
    print("SKIPPED: the cryptography package is not installed; the JWT authorizer tests cannot sign tokens")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_bytes(n, length=None):
    length = length or (n.bit_length() + 7) // 8
    return n.to_bytes(length, "big")


class Keys:
    def __init__(self):
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.other_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self):
        rn = self.rsa.public_key().public_numbers()
        en = self.ec.public_key().public_numbers()
        return {"keys": [
            {"kty": "RSA", "kid": "r1", "alg": "RS256", "use": "sig", "n": b64url(int_bytes(rn.n)), "e": b64url(int_bytes(rn.e))},
            {"kty": "EC", "kid": "e1", "alg": "ES256", "crv": "P-256", "x": b64url(int_bytes(en.x, 32)),
             "y": b64url(int_bytes(en.y, 32))}]}

    def token(self, claims, alg="RS256", kid="r1", key=None, secret=None):
        header = {"alg": alg, "typ": "JWT", "kid": kid}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        if alg == "HS256":
            signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
        elif alg == "RS256":
            signature = (key or self.rsa).sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            r, s = decode_dss_signature((key or self.ec).sign(signing_input, ec.ECDSA(hashes.SHA256())))
            signature = int_bytes(r, 32) + int_bytes(s, 32)
        return signing_input.decode() + "." + b64url(signature)


ISSUER = "https://issuer.example.com"
KEYS = Keys() if ec else None
JWKS_FILE = os.path.join(tempfile.mkdtemp(prefix="bf-jwks-"), "jwks.json")
with open(JWKS_FILE, "w") as f:
    json.dump(KEYS.jwks() if KEYS else {"keys": []}, f)

PIPELINE = {
    "functions": [
        {"name": "echo", "handler": "echo"},
        {"name": "gatekeeper", "handler": "token-authorizer"},
    ],
    "authorizers": {
        "jwt-keys": {"type": "jwt", "issuer": ISSUER, "audience": ["photos-api"],
                     "jwks": KEYS.jwks() if KEYS else {"keys": []}},
        "jwt-file": {"type": "jwt", "issuer": ISSUER, "audience": ["photos-api"], "jwks_file": JWKS_FILE},
        "jwt-secret": {"type": "jwt", "issuer": ISSUER, "audience": ["workshop"], "secret": "workshop-secret"},
        "gate": {"type": "lambda", "function": "gatekeeper", "ttl": 300},
        "gate-uncached": {"type": "lambda", "function": "gatekeeper",
                          "identity_sources": ["$request.querystring.token"]},
    },
    "routes": [
        {"route": "GET /photos", "function": "echo", "authorizer": "jwt-keys", "scopes": ["photos:read"]},
        {"route": "GET /workshop", "function": "echo", "authorizer": "jwt-secret"},
        {"route": "GET /albums", "function": "echo", "authorizer": "jwt-file"},
        {"route": "GET /gate", "function": "echo", "authorizer": "gate"},
        {"route": "GET /gate-uncached", "function": "echo", "authorizer": "gate-uncached"},
    ],
}


@unittest.skipIf(ec is None, "the cryptography package is not installed")
class Authorizers(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    def claims(self, **overrides):
        now = int(time.time())
        c = {"iss": ISSUER, "aud": "photos-api", "sub": "ada", "scope": "photos:read photos:write",
             "iat": now, "exp": now + 300, "groups": ["admin", "dev"]}
        c.update(overrides)
        return c

    def get(self, path, token=None, headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        return self.server.raw("GET", "/_api" + path, h)

    def test_good_tokens(self):
        for alg, kid in [("RS256", "r1"), ("ES256", "e1")]:
            claims = self.claims()
            resp = self.get("/photos", KEYS.token(claims, alg=alg, kid=kid))
            self.assertEqual(resp.status, 200, f"{alg}: {resp!r}")
            jwt = json.loads(resp.body)["requestContext"]["authorizer"]["jwt"]
            self.assertEqual(jwt["claims"]["sub"], "ada")
            self.assertEqual(jwt["claims"]["exp"], str(claims["exp"]))  # claims come as strings
            self.assertEqual(jwt["claims"]["groups"], "[admin dev]")
            self.assertEqual(jwt["scopes"], ["photos:read", "photos:write"])
        # Keys from a JWKS file.
        self.assertEqual(self.get("/albums", KEYS.token(self.claims(), alg="ES256", kid="e1")).status, 200)
        hs = KEYS.token(self.claims(aud="workshop"), alg="HS256", secret="workshop-secret")
        self.assertEqual(self.get("/workshop", hs).status, 200)
        # The token may come without the "Bearer " prefix too.
        self.assertEqual(self.server.raw("GET", "/_api/workshop", {"Authorization": hs}).status, 200)

    def test_refused_tokens(self):
        cases = {
            "missing": None,
            "bad signature": KEYS.token(self.claims(), key=KEYS.other_rsa),
            "expired": KEYS.token(self.claims(exp=int(time.time()) - 10)),
            "no exp": KEYS.token({k: v for k, v in self.claims().items() if k != "exp"}),
            "exp not a number": KEYS.token(self.claims(exp="never")),
            "issued in the future": KEYS.token(self.claims(iat=int(time.time()) + 3600)),
            "wrong audience": KEYS.token(self.claims(aud="someone-else")),
            "wrong issuer": KEYS.token(self.claims(iss="https://evil.example.com")),
            "wrong secret": KEYS.token(self.claims(aud="workshop"), alg="HS256", secret="guess"),
            "garbage": "not.a.token",
        }
        for name, token in cases.items():
            path = "/workshop" if name == "wrong secret" else "/photos"
            resp = self.get(path, token)
            self.assertEqual((resp.status, json.loads(resp.body)), (401, {"message": "Unauthorized"}), name)
        no_scope = self.get("/photos", KEYS.token(self.claims(scope="photos:write")))
        self.assertEqual((no_scope.status, json.loads(no_scope.body)), (403, {"message": "Forbidden"}))

    def test_lambda_authorizer_allows_denies_and_caches(self):
        allowed = self.get("/gate", headers={"Authorization": "letmein"})
        self.assertEqual(allowed.status, 200, repr(allowed))
        first = json.loads(allowed.body)["requestContext"]["authorizer"]["lambda"]
        self.assertEqual(first["user"], "workshop")
        again = json.loads(self.get("/gate", headers={"Authorization": "letmein"}).body)
        self.assertEqual(again["requestContext"]["authorizer"]["lambda"]["decidedBy"], first["decidedBy"],
                         "a cached answer is reused within the TTL")
        denied = self.get("/gate", headers={"Authorization": "wrong"})
        self.assertEqual((denied.status, json.loads(denied.body)), (403, {"message": "Forbidden"}))
        self.assertEqual(self.get("/gate").status, 401)  # no identity source, no call

        one = json.loads(self.server.raw("GET", "/_api/gate-uncached?token=letmein").body)
        two = json.loads(self.server.raw("GET", "/_api/gate-uncached?token=letmein").body)
        self.assertNotEqual(one["requestContext"]["authorizer"]["lambda"]["decidedBy"],
                            two["requestContext"]["authorizer"]["lambda"]["decidedBy"])
        self.assertEqual(self.server.raw("GET", "/_api/gate-uncached?token=nope").status, 403)


if __name__ == "__main__":
    harness.main()
