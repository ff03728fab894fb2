#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora into tests/fuzz/corpus/<target>/.

Requests are signed by botocore (the aws CLI's and boto3's signer) for 2026-01-01T00:00:00Z,
the fuzz harness's fixed clock, with the test keys, so the seeds verify and the fuzzer starts
from requests that reach the operations. Run it again after changing a target's input format;
the corpus is committed."""
import base64
import datetime
import hashlib
import hmac
import io
import json
import os
import shutil
import zipfile
from unittest import mock

import botocore.auth
import botocore.credentials
from botocore.awsrequest import AWSRequest

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
NOW = datetime.datetime(2026, 1, 1, 0, 0, 0)
EPOCH = 1767225600
HOST = "127.0.0.1:4566"
CREDS = botocore.credentials.Credentials("test", "test")
DATE, STAMP = "20260101", "20260101T000000Z"
SCOPE = DATE + "/us-east-1/s3/aws4_request"


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def text_request(method, target, headers=(), body=b""):
    head = f"{method} {target}\n" + "".join(f"{k}: {v}\n" for k, v in headers) + "\n"
    return head.encode() + (body if isinstance(body, bytes) else body.encode())


def botocore_signed(auth_class, method, path, body=b"", headers=None, expires=None, **kw):
    """The request a client sends, signed by botocore at NOW; as text for support.h."""
    url = f"http://{HOST}{path}"
    # Query signers would read a body as form fields: a presigned URL's body is sent unsigned.
    req = AWSRequest(method=method, url=url, data=b"" if expires is not None else body,
                     headers=headers or {})
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW), \
         mock.patch("time.time", return_value=EPOCH):
        if expires is not None:
            auth_class(CREDS, "s3", "us-east-1", expires=expires).add_auth(req) \
                if auth_class is botocore.auth.S3SigV4QueryAuth else auth_class(CREDS, expires=expires).add_auth(req)
        elif auth_class in (botocore.auth.HmacV1Auth,):
            auth_class(CREDS).add_auth(req)
        else:
            auth_class(CREDS, "s3", "us-east-1").add_auth(req)
    prepared = req.prepare()
    target = prepared.url.split(HOST, 1)[1]
    hdrs = [(k, v.decode() if isinstance(v, bytes) else v) for k, v in prepared.headers.items()]
    if not any(k.lower() == "host" for k, _ in hdrs):
        hdrs.insert(0, ("Host", HOST))
    return text_request(method, target, hdrs, body)


def signing_key(service="s3"):
    k = hmac.new(b"AWS4test", DATE.encode(), hashlib.sha256).digest()
    for part in ("us-east-1", service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def signed_chunks(chunks, previous="0" * 64, trailer=None):
    """aws-chunked framing with chunk signatures chained from `previous`."""
    key, out = signing_key(), b""
    empty = hashlib.sha256(b"").hexdigest()
    for data in chunks + [b""]:
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", STAMP, SCOPE, previous, empty,
                         hashlib.sha256(data).hexdigest()])
        previous = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        out += b"%x;chunk-signature=%s\r\n" % (len(data), previous.encode()) + data
        if data:
            out += b"\r\n"
    if trailer is not None:
        block = "".join(f"{k}:{v}\n" for k, v in trailer)
        sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", STAMP, SCOPE, previous,
                         hashlib.sha256(block.encode()).hexdigest()])
        sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        out += "".join(f"{k}:{v}\r\n" for k, v in trailer).encode()
        out += f"x-amz-trailer-signature:{sig}\r\n".encode()
    return out + b"\r\n"


def http_head():
    write("http_head", "get", b"GET /fuzz/key HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    write("http_head", "put", b"PUT /fuzz/k?tagging HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
    write("http_head", "chunked", b"PUT /fuzz/k HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  b"5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nx-trailer: 1\r\n\r\n")
    write("http_head", "virtual-host", b"HEAD /key%20x HTTP/1.0\r\nHost: fuzz.s3.localhost:4566\r\n"
                                       b"Connection: keep-alive\r\n\r\n")
    write("http_head", "bad-length", b"PUT /fuzz/k HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n")
    write("http_head", "obs-fold", b"GET / HTTP/1.1\r\nHost: a\r\nX-Amz-Meta-A: one\r\n two\r\n\r\n")
    write("http_head", "absolute-form", b"GET http://fuzz.s3.localhost:4566/key?x=1#f HTTP/1.1\r\n"
                                        b"Host: 127.0.0.1:4566\r\n\r\n")


def aws_chunked():
    write("aws_chunked", "unsigned", b"\x00\x03" + b"5\r\nhello\r\n0\r\n\r\n")
    write("aws_chunked", "unsigned-trailer", b"\x02\x07" + b"5\r\nhello\r\n0\r\n"
                                             b"x-amz-checksum-crc32:NhCmhg==\r\n\r\n")
    write("aws_chunked", "signed", b"\x01\x10" + signed_chunks([b"a" * 8192, b"tail"]))
    write("aws_chunked", "signed-trailer", b"\x07\xff" + signed_chunks(
        [b"hello"], trailer=[("x-amz-checksum-crc32", "NhCmhg==")]))


def auth():
    s = botocore.auth
    write("auth", "sigv4-header-get", botocore_signed(s.S3SigV4Auth, "GET", "/fuzz/key"))
    write("auth", "sigv4-header-put", botocore_signed(
        s.S3SigV4Auth, "PUT", "/fuzz/key", b"hello",
        {"x-amz-meta-colour": "blue", "x-amz-tagging": "a=b", "Content-Type": "text/plain"}))
    write("auth", "sigv4-unsigned-payload", botocore_signed(
        s.S3SigV4Auth, "PUT", "/fuzz/k", b"x", {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}))
    write("auth", "sigv4-list", botocore_signed(s.S3SigV4Auth, "GET", "/fuzz?list-type=2&prefix=a%2Fb&max-keys=3"))
    write("auth", "sigv4-presigned", botocore_signed(s.S3SigV4QueryAuth, "GET", "/fuzz/key", expires=3600))
    write("auth", "sigv4-presigned-put", botocore_signed(s.S3SigV4QueryAuth, "PUT", "/fuzz/up", b"data", expires=60))
    write("auth", "sigv2-header", botocore_signed(s.HmacV1Auth, "GET", "/fuzz/key"))
    write("auth", "sigv2-query", botocore_signed(s.HmacV1QueryAuth, "GET", "/fuzz/key", expires=3600))
    write("auth", "sigv4-lambda", botocore_signed(s.SigV4Auth, "GET", "/2015-03-31/functions/"))
    # botocore signs streaming uploads only inside its upload managers: this one by hand.
    headers = [("content-encoding", "aws-chunked"), ("host", HOST),
               ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), ("x-amz-date", STAMP),
               ("x-amz-decoded-content-length", "5")]
    names = ";".join(k for k, _ in headers)
    canonical = "\n".join(["PUT", "/fuzz/k", ""] + [f"{k}:{v}" for k, v in headers] +
                          ["", names, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"])
    sts = "\n".join(["AWS4-HMAC-SHA256", STAMP, SCOPE, hashlib.sha256(canonical.encode()).hexdigest()])
    seed = hmac.new(signing_key(), sts.encode(), hashlib.sha256).hexdigest()
    authorization = f"AWS4-HMAC-SHA256 Credential=test/{SCOPE}, SignedHeaders={names}, Signature={seed}"
    write("auth", "sigv4-streaming", text_request("PUT", "/fuzz/k", headers + [("Authorization", authorization)],
                                                  signed_chunks([b"hello"], previous=seed)))


def range_conditional():
    write("range_conditional", "first-bytes", "bytes=0-99 1000\nIf-Match: \"9bb58f26192e4ba00f01e2e7b136bbd8\"\n")
    write("range_conditional", "suffix", "bytes=-500 1000\nIf-None-Match: *\n")
    write("range_conditional", "open", "bytes=900- 1000\nIf-Modified-Since: Wed, 31 Dec 2025 00:00:00 GMT\n")
    write("range_conditional", "copy", "bytes=5-1 10\nx-amz-copy-source-if-unmodified-since: Thu, 01 Jan 2026 00:00:00 GMT\n"
          "x-amz-copy-source-if-none-match: \"a\", W/\"b\"\n")
    write("range_conditional", "dates", "bytes=0-0 0\nIf-Unmodified-Since: Thursday, 01-Jan-26 00:00:00 GMT\n"
          "If-Modified-Since: Thu Jan  1 00:00:00 2026\n")


def xml_documents():
    ns = ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    write("xml_documents", "delete", b"\x00" + f"<Delete{ns}><Quiet>true</Quiet><Object><Key>a</Key></Object>"
          "<Object><Key>b&amp;c</Key><VersionId>null</VersionId></Object></Delete>".encode())
    # fuzz_xml_documents uploads parts "part one" and "part two" first; only the last may be small.
    etags = [hashlib.md5(p).hexdigest() for p in (b"part one", b"part two")]
    write("xml_documents", "complete", b"\x01" + f"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
          f"<ETag>\"{etags[0]}\"</ETag></Part>"
          "</CompleteMultipartUpload>".encode())
    write("xml_documents", "notification", b"\x02" + f"<NotificationConfiguration{ns}><CloudFunctionConfiguration>"
          "<Id>n1</Id><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:fuzz</CloudFunction>"
          "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>in/</Value>"
          "</FilterRule><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter>"
          "</CloudFunctionConfiguration><EventBridgeConfiguration/></NotificationConfiguration>".encode())
    write("xml_documents", "cors", b"\x03" + b"<CORSConfiguration><CORSRule><ID>r</ID><AllowedOrigin>*</AllowedOrigin>"
          b"<AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*</AllowedHeader><ExposeHeader>ETag</ExposeHeader>"
          b"<MaxAgeSeconds>300</MaxAgeSeconds></CORSRule></CORSConfiguration>")
    write("xml_documents", "bucket-tagging", b"\x04" + b"<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>"
          b"</TagSet></Tagging>")
    write("xml_documents", "object-tagging", b"\x05" + b"<Tagging><TagSet><Tag><Key>a b</Key><Value></Value></Tag>"
          b"<Tag><Key>c</Key><Value>d</Value></Tag></TagSet></Tagging>")
    write("xml_documents", "versioning", b"\x06" + f"<VersioningConfiguration{ns}><Status>Suspended</Status>"
          "<MfaDelete>Disabled</MfaDelete></VersioningConfiguration>".encode())
    write("xml_documents", "encryption", b"\x0a" + b"<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
          b"<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>alias/k</KMSMasterKeyID>"
          b"</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule>"
          b"</ServerSideEncryptionConfiguration>")
    write("xml_documents", "public-access-block", b"\x0b" + b"<PublicAccessBlockConfiguration><BlockPublicAcls>true"
          b"</BlockPublicAcls><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>")
    write("xml_documents", "ownership", b"\x0c" + b"<OwnershipControls><Rule><ObjectOwnership>ObjectWriter"
          b"</ObjectOwnership></Rule></OwnershipControls>")
    xsi = b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    write("xml_documents", "bucket-acl", b"\x0d" + b"<AccessControlPolicy><Owner><ID>x</ID></Owner><AccessControlList>"
          b"<Grant><Grantee " + xsi + b' xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>'
          b"</Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>")
    write("xml_documents", "object-acl", b"\x0e" + b"<AccessControlPolicy><AccessControlList><Grant><Grantee " + xsi +
          b' xsi:type="CanonicalUser"><ID>abc</ID></Grantee><Permission>WRITE_ACP</Permission></Grant>'
          b"</AccessControlList></AccessControlPolicy>")
    # PutObjectAcl with no body and no ACL header: MissingSecurityHeader, once a 500 (found by libFuzzer).
    write("xml_documents", "object-acl-empty-body", b"\x0e")
    write("xml_documents", "policy", b"\x0f" + json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": {"AWS": ["*"]}, "NotAction": "s3:List*", "Resource": ["arn:aws:s3:::fuzz/*"],
         "Condition": {"IpAddressIfExists": {"aws:SourceIp": ["10.0.0.0/8", "::1/128"]},
                       "StringLike": {"s3:prefix": "a?*"}}}]}).encode())
    write("xml_documents", "doctype", b"\x03" + b"<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]>"
          b"<CORSConfiguration>&x;</CORSConfiguration>")


def s3_requests():
    w = lambda name, *reqs: write("s3_requests", name, b"\n====\n".join(reqs))
    w("put-get", text_request("PUT", "/fuzz/a/b.txt", [("Content-Type", "text/plain"), ("x-amz-meta-k", "v")], "hello"),
      text_request("GET", "/fuzz/a/b.txt", [("Range", "bytes=1-3"), ("If-None-Match", "\"x\"")]))
    w("copy", text_request("PUT", "/fuzz/src", [], "data"),
      text_request("PUT", "/fuzz/dst", [("x-amz-copy-source", "/fuzz/src"), ("x-amz-metadata-directive", "REPLACE")]))
    w("multipart", text_request("POST", "/fuzz/mp?uploads"),
      text_request("GET", "/fuzz?uploads&prefix=m"), text_request("GET", "/fuzz/mp?uploadId=x&part-number-marker=1"))
    w("versions", text_request("PUT", "/fuzz-versioned/k", [], "1"), text_request("DELETE", "/fuzz-versioned/k"),
      text_request("GET", "/fuzz-versioned?versions&key-marker=k&version-id-marker=null"))
    w("checksum", text_request("PUT", "/fuzz/c", [("x-amz-checksum-crc32", "NhCmhg=="), ("x-amz-sdk-checksum-algorithm", "CRC32")], "hello"),
      text_request("HEAD", "/fuzz/c?partNumber=1", [("x-amz-checksum-mode", "ENABLED")]))
    w("buckets", text_request("GET", "/"), text_request("PUT", "/new-bucket", [], "<CreateBucketConfiguration>"
      "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"), text_request("DELETE", "/new-bucket"))
    w("attributes", text_request("PUT", "/fuzz/x", [], "x"),
      text_request("GET", "/fuzz/x?attributes", [("x-amz-object-attributes", "ETag,ObjectSize,Checksum,ObjectParts")]))
    w("metadata-acl-sse", text_request("PUT", "/fuzz/m", [("x-amz-meta-a", "=?utf-8?q?caf=C3=A9_ok?="),
                                                           ("x-amz-meta-b", "=?UTF-8?B?Y2Fm?= =?ISO-8859-1?Q?=E9?="),
                                                           ("x-amz-meta-c", "caf\xe9"), ("x-amz-acl", "public-read"),
                                                           ("x-amz-server-side-encryption", "aws:kms")], "body"),
      text_request("HEAD", "/fuzz/m"), text_request("GET", "/fuzz/m?acl"))
    w("grant-headers", text_request("PUT", "/fuzz/g", [("x-amz-grant-read", 'uri="http://acs.amazonaws.com/groups/global/AllUsers", id="abc"'),
                                                        ("x-amz-grant-full-control", 'emailAddress="a@b"')], "body"),
      text_request("PUT", "/fuzz?acl", [("x-amz-grant-write", "id=, uri")]),
      text_request("PUT", "/fuzz?acl", [("x-amz-acl", "log-delivery-write")]))
    w("options", text_request("OPTIONS", "/fuzz/x", [("Origin", "http://a"), ("Access-Control-Request-Method", "PUT")]))
    w("streaming", text_request("PUT", "/fuzz/s", [("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
      ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "5"), ("x-amz-trailer", "x-amz-checksum-crc32")],
      b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"))


def listing():
    write("listing", "plain", "|||\na\nb/c\nb/d\ne\n")
    write("listing", "delimiter", "b/|/||1\nb/c\nb/d/e\nb/d/f\nbz\n")
    write("listing", "not-utf8", b"|/||1\na/\xff\xfe\na/\xff/x\n\xc3\n\xc3\xa9\n")
    write("listing", "start-after", "||b|2\na\nb\nc\nd\n")
    write("listing", "max-keys-zero", "|||0\na\nb\n")


def post_form():
    policy = {"expiration": "2026-01-02T00:00:00Z", "conditions": [{"bucket": "fuzz"}, ["starts-with", "$key", "up/"],
              ["content-length-range", 1, 1024], {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
              {"x-amz-credential": "test/" + SCOPE}, {"x-amz-date": STAMP}, ["eq", "$Content-Type", "text/plain"],
              {"success_action_status": "201"}]}
    policy_b64 = base64.b64encode(json.dumps(policy).encode()).decode()
    signature = hmac.new(signing_key(), policy_b64.encode(), hashlib.sha256).hexdigest()
    fields = [("key", "up/${filename}"), ("Content-Type", "text/plain"), ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
              ("x-amz-credential", "test/" + SCOPE), ("x-amz-date", STAMP), ("policy", policy_b64),
              ("x-amz-signature", signature), ("success_action_status", "201")]
    body = b""
    for k, v in fields:
        body += f"--fuzzboundary\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
    body += b"--fuzzboundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n" \
            b"Content-Type: text/plain\r\n\r\nhello\r\n--fuzzboundary--\r\n"
    field_lines = "".join(f"{k}: {v}\n" for k, v in fields if k != "policy")
    write("post_form", "signed-v4", json.dumps(policy) + "\n\n" + field_lines + "\n=====\n" + body.decode())
    write("post_form", "anonymous", '{"conditions": []}\n\nkey: a\n\n=====\n' +
          "--fuzzboundary\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nanon\r\n--fuzzboundary\r\n"
          "Content-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--fuzzboundary--\r\n")
    # An x-amz-checksum-* field: matching the file, not matching, malformed, and two of them.
    good = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
    for name, checksum_fields in (("checksum-field", [("x-amz-checksum-sha256", good)]),
                                  ("checksum-field-wrong", [("x-amz-checksum-crc32", "AAAAAA==")]),
                                  ("checksum-field-malformed", [("x-amz-checksum-sha1", "bad")]),
                                  ("checksum-fields-two", [("x-amz-checksum-sha256", good), ("x-amz-checksum-crc32", "AAAAAA==")])):
        parts = [("key", "sum/${filename}")] + checksum_fields
        body = "".join(f"--fuzzboundary\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n" for k, v in parts)
        body += "--fuzzboundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.txt\"\r\n\r\nx\r\n--fuzzboundary--\r\n"
        write("post_form", name, '{"conditions": []}\n\nkey: a\n\n=====\n' + body)


def lambda_json():
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("bootstrap", "#!/bin/sh\nexit 0\n")
    create = {"FunctionName": "fz", "Runtime": "provided.al2023", "Role": "arn:aws:iam::000000000000:role/r",
              "Handler": "x", "Timeout": 5, "MemorySize": 256, "Environment": {"Variables": {"A": "b"}},
              "Code": {"ZipFile": base64.b64encode(zipped.getvalue()).decode()}}
    j = lambda method, path, doc=None: text_request(method, path, [("Content-Type", "application/json")],
                                                     json.dumps(doc) if doc is not None else "")
    w = lambda name, *reqs: write("lambda_json", name, b"\n====\n".join(reqs))
    w("create", j("POST", "/2015-03-31/functions", create), j("GET", "/2015-03-31/functions/fz"))
    w("update", j("POST", "/2015-03-31/functions", create),
      j("PUT", "/2015-03-31/functions/fz/configuration", {"Timeout": 30, "Environment": {"Variables": {}}}),
      j("PUT", "/2015-03-31/functions/fz/code", {"ZipFile": create["Code"]["ZipFile"]}))
    w("event-config", j("POST", "/2015-03-31/functions", create), j("PUT", "/2019-09-25/functions/fz/event-invoke-config",
      {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 60,
       "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:lambda:us-east-1:000000000000:function:fz"}}}))
    w("concurrency", j("POST", "/2015-03-31/functions", create), j("PUT", "/2017-10-31/functions/fz/concurrency", {"ReservedConcurrentExecutions": 2}),
      j("PUT", "/2024-08-31/functions/fz/recursion-config", {"RecursiveLoop": "Allow"}),
      j("DELETE", "/2015-03-31/functions/fz"))
    w("list", j("GET", "/2015-03-31/functions/?MaxItems=1&Marker=x"))


def pipeline_file():
    for name in ("pipeline.json", "demo-pipeline.json"):
        path = os.path.join(HERE, "..", "..", "fixtures", name)
        if os.path.exists(path):
            shutil.copy(path, os.path.join(CORPUS, "pipeline_file", name))
    write("pipeline_file", "small.json", json.dumps({
        "functions": [{"name": "f", "handler": "echo", "timeout": 3}],
        "buckets": [{"name": "b", "versioning": "Enabled", "notifications": [
            {"function": "f", "events": ["s3:ObjectCreated:*"], "prefix": "in/"}]}],
        "routes": [{"route": "GET /x/{id}", "function": "f"}]}))


def cost():
    table = open(os.path.join(HERE, "..", "..", "fixtures", "prices", "us-east-1.json")).read()
    write("cost", "builtin-table", "/_bucketfire/cost\n" + table)
    write("cost", "period-scale-free", "/_bucketfire/cost?from=2026-02-01&to=2026-02-03T12:00:00Z&scale=1000&free_tier=true\n"
          + json.dumps({"region": "x", "prices": [{"service": "AmazonS3", "usage_type": "Requests-Tier1",
                                                   "unit": "Requests", "price": 0.000005}],
                        "free_tier": [{"usage_type": "Requests-Tier1", "quantity": 2}]}))


def jwt():
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    claims = {"iss": "https://issuer.example", "aud": "fuzz-audience", "exp": EPOCH + 3600, "nbf": EPOCH - 10,
              "iat": EPOCH, "scope": "read write", "sub": "u"}
    write("jwt", "claims", json.dumps(claims))
    write("jwt", "claims-client-id", json.dumps({"iss": "https://issuer.example", "client_id": "fuzz-audience",
                                                 "exp": EPOCH + 60, "scp": ["a", "b"]}))
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims).encode())
    sig = b64(hmac.new(b"fuzz-secret", f"{header}.{payload}".encode(), hashlib.sha256).digest())
    write("jwt", "hs256-token", f"{header}.{payload}.{sig}")
    write("jwt", "rs256-token", b64(json.dumps({"alg": "RS256", "kid": "r1"}).encode()) + "." + payload + "." + b64(b"\x01" * 256))
    write("jwt", "es256-token", b64(json.dumps({"alg": "ES256", "kid": "e1"}).encode()) + "." + payload + "." + b64(b"\x02" * 64))


def router():
    write("router", "path-style", "127.0.0.1:4566\nGET /fuzz/a%2Fb/c?list-type=2&prefix=x\nGET /fuzz/{proxy+}\n")
    write("router", "virtual", "fuzz.s3.us-east-1.amazonaws.com\nPUT /key?partNumber=1&uploadId=u\nPUT /key\n")
    write("router", "service", "localhost\nGET /?x-id=ListBuckets\n$default\n")
    write("router", "api", "127.0.0.1\nPOST /images/123/meta?tagging\nANY /images/{id}/{rest+}\n")
    write("router", "encoded", "s3.localhost\nDELETE /b/%C3%A9%FF%00?versionId=1&delete=\nDELETE /b/{k}\n")


if __name__ == "__main__":
    shutil.rmtree(CORPUS, ignore_errors=True)
    os.makedirs(os.path.join(CORPUS, "pipeline_file"), exist_ok=True)
    for make in (http_head, aws_chunked, auth, range_conditional, xml_documents, s3_requests, listing,
                 post_form, lambda_json, pipeline_file, cost, jwt, router):
        make()
    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} seeds")
