"""S3 Batch Operations through the S3 Control API, driven with boto3's s3control client and the
aws CLI through the server as their HTTP proxy (the account id goes in front of the host):
each operation, each state of a job's life, the completion report checked row by row, manifests
(CSV, inventory, generated), the failure threshold, API errors, and a job that survives kill -9."""

import csv
import datetime
import gzip
import io
import json
import os
import re
import subprocess
import unittest
import urllib.parse
from unittest import mock

from botocore.exceptions import ClientError

import harness

ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/batch"
PIPELINE = {
    "functions": [
        {"name": "tasks", "handler": "batch-task"},
        {"name": "counted-tasks", "handler": "batch-task"},
        {"name": "slow-tasks", "handler": "batch-task", "environment": {"TASK_DELAY_MS": "40"}},
        {"name": "summary", "handler": "event-summary"},
    ],
    "buckets": [],
}
FUNCTION_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:tasks"
TERMINAL = ("Complete", "Failed", "Cancelled")


def control_client(server):
    # The client puts the account in front of the host (000000000000.localhost): only the
    # server, as the proxy, can take that name.
    return server.proxied_client("s3control")


def csv_manifest(rows):
    return "".join(f"{bucket},{urllib.parse.quote(key)}\n" for bucket, key in rows).encode()


class BatchOperations(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE))

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.control = control_client(cls.server)

    # -- helpers ----------------------------------------------------------------------

    def put_manifest(self, rows):
        bucket = self.new_bucket(prefix="manifests")
        etag = self.s3.put_object(Bucket=bucket, Key="m.csv", Body=csv_manifest(rows))["ETag"].strip('"')
        return {"Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key"]},
                "Location": {"ObjectArn": f"arn:aws:s3:::{bucket}/m.csv", "ETag": etag}}

    def create(self, operation, manifest=None, report_bucket=None, scope="AllTasks", **extra):
        args = dict(AccountId=ACCOUNT, Operation=operation, Priority=extra.pop("Priority", 10),
                    RoleArn=extra.pop("RoleArn", ROLE),
                    ClientRequestToken=extra.pop("ClientRequestToken", harness.unique("token")),
                    Report={"Enabled": False} if report_bucket is None else {
                        "Bucket": f"arn:aws:s3:::{report_bucket}", "Format": "Report_CSV_20180820",
                        "Enabled": True, "Prefix": "batch", "ReportScope": scope},
                    ConfirmationRequired=extra.pop("ConfirmationRequired", False), **extra)
        if manifest is not None:
            args["Manifest"] = manifest
        return self.control.create_job(**args)["JobId"]

    def describe(self, job_id):
        return self.control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]

    def wait_status(self, job_id, statuses, timeout=60):
        seen = {}

        def reached():
            seen["job"] = self.describe(job_id)
            return seen["job"]["Status"] in statuses
        harness.wait_for(reached, f"job {job_id} to reach {statuses}", timeout=timeout, interval=0.05)
        return seen["job"]

    def report(self, bucket, job_id):
        """The report's manifest.json and its rows by TaskExecutionStatus."""
        base = f"batch/job-{job_id}/"
        manifest = json.loads(self.s3.get_object(Bucket=bucket, Key=base + "manifest.json")["Body"].read())
        rows = {}
        for result in manifest["Results"]:
            self.assertEqual(result["Bucket"], bucket)
            self.assertTrue(result["Key"].startswith(base + "results/") and result["Key"].endswith(".csv"), result)
            body = self.s3.get_object(Bucket=bucket, Key=result["Key"])["Body"].read()
            self.assertEqual(result["MD5Checksum"], harness.md5_hex(body))
            rows.setdefault(result["TaskExecutionStatus"], []).extend(csv.reader(io.StringIO(body.decode())))
        return manifest, rows

    # -- tests ------------------------------------------------------------------------

    def test_lambda_invoke_with_user_arguments_and_a_report_row_by_row(self):
        src, reports, markers = self.new_bucket(prefix="src"), self.new_bucket(prefix="reports"), self.new_bucket()
        keys = ["a.txt", "dir/with space.txt", "temporary-x", "permanent-y", "crash-z"]
        for key in keys:
            self.s3.put_object(Bucket=src, Key=key, Body=b"x")
        counted = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:counted-tasks"
        job_id = self.create({"LambdaInvoke": {"FunctionArn": counted, "InvocationSchemaVersion": "2.0",
                                               "UserArguments": {"size": "large", "marker-bucket": markers}}},
                             self.put_manifest([(src, k) for k in keys]), reports)
        job = self.wait_status(job_id, TERMINAL)
        self.assertEqual(job["Status"], "Complete", job)
        progress = job["ProgressSummary"]
        self.assertEqual((progress["TotalNumberOfTasks"], progress["NumberOfTasksSucceeded"],
                          progress["NumberOfTasksFailed"]), (5, 2, 3))
        self.assertEqual(job["JobArn"], f"arn:aws:s3:us-east-1:{ACCOUNT}:job/{job_id}")
        self.assertEqual(job["Operation"]["LambdaInvoke"]["UserArguments"], {"size": "large", "marker-bucket": markers})
        self.assertIn("TerminationDate", job)
        manifest, rows = self.report(reports, job_id)
        self.assertEqual(manifest["Format"], "Report_CSV_20180820")
        self.assertEqual(manifest["ReportSchema"], "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage")
        # The function saw each key decoded, and the user arguments (a map: in key order).
        args = json.dumps({"size": "large", "marker-bucket": markers}, separators=(",", ":"), sort_keys=True)
        self.assertEqual(sorted(rows["succeeded"]), sorted([
            [src, "a.txt", "", "succeeded", "200", "", f"{src}/a.txt {args}"],
            [src, "dir/with%20space.txt", "", "succeeded", "200", "", f"{src}/dir/with space.txt {args}"]]))
        failed = {r[1]: r for r in rows["failed"]}
        self.assertEqual(failed["temporary-x"], [src, "temporary-x", "", "failed", "200", "TemporaryFailure", "try again later"])
        self.assertEqual(failed["permanent-y"], [src, "permanent-y", "", "failed", "200", "PermanentFailure",
                                                 "cannot process permanent-y"])
        self.assertEqual(failed["crash-z"][3:6], ["failed", "200", "PermanentFailure"])
        self.assertTrue(failed["crash-z"][6].startswith("Lambda returned function error: "), failed["crash-z"])
        self.assertIn("crashed on crash-z", failed["crash-z"][6])
        # A TemporaryFailure and a function error are tried three times in all; the rest once.
        harness.wait_for(lambda: len(self.server.invocations("counted-tasks")) >= 2 + 1 + 3 + 3, "every attempt's record")
        self.assertEqual(len(self.server.invocations("counted-tasks")), 2 + 1 + 3 + 3)
        markers_written = [o["Key"] for o in self.s3.list_objects_v2(Bucket=markers).get("Contents", [])]
        self.assertEqual(sorted(markers_written), ["a.txt.done", "dir/with space.txt.done"])

    def test_copy_tagging_and_restore_operations(self):
        src, dest, reports = self.new_bucket(prefix="src"), self.new_bucket(prefix="dest"), self.new_bucket(prefix="rep")
        # The destination's writes fire its notifications like any client's.
        self.s3.put_bucket_notification_configuration(Bucket=dest, NotificationConfiguration={
            "LambdaFunctionConfigurations": [{
                "LambdaFunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:summary",
                "Events": ["s3:ObjectCreated:*"]}]})
        for key in ("one.jpg", "two.jpg"):
            self.s3.put_object(Bucket=src, Key=key, Body=b"image", ContentType="image/jpeg", Metadata={"old": "1"})
        manifest = self.put_manifest([(src, "one.jpg"), (src, "two.jpg"), (src, "missing.jpg")])
        job_id = self.create({"S3PutObjectCopy": {
            "TargetResource": f"arn:aws:s3:::{dest}", "TargetKeyPrefix": "copied/", "StorageClass": "STANDARD_IA",
            "MetadataDirective": "REPLACE",
            "NewObjectMetadata": {"ContentType": "image/webp", "UserMetadata": {"model": "v2"}},
            "NewObjectTagging": [{"Key": "reprocessed", "Value": "yes"}]}}, manifest, reports)
        job = self.wait_status(job_id, TERMINAL)
        self.assertEqual((job["Status"], job["ProgressSummary"]["NumberOfTasksSucceeded"],
                          job["ProgressSummary"]["NumberOfTasksFailed"]), ("Complete", 2, 1), job)
        head = self.s3.head_object(Bucket=dest, Key="copied/one.jpg")
        self.assertEqual((head["StorageClass"], head["ContentType"], head["Metadata"]), ("STANDARD_IA", "image/webp", {"model": "v2"}))
        self.assertEqual(self.s3.get_object_tagging(Bucket=dest, Key="copied/two.jpg")["TagSet"],
                         [{"Key": "reprocessed", "Value": "yes"}])
        _, rows = self.report(reports, job_id)
        self.assertEqual(sorted(rows["succeeded"]), [[src, "one.jpg", "", "succeeded", "200", "", "Successful"],
                                                     [src, "two.jpg", "", "succeeded", "200", "", "Successful"]])
        self.assertEqual(rows["failed"][0][:6], [src, "missing.jpg", "", "failed", "404", "NoSuchKey"])
        harness.wait_for(lambda: len(self.server.invocations("summary")) >= 2, "the copies' notifications")

        tag_job = self.create({"S3PutObjectTagging": {"TagSet": [{"Key": "batch", "Value": "tagged"}]}},
                              self.put_manifest([(src, "one.jpg")]))
        self.assertEqual(self.wait_status(tag_job, TERMINAL)["Status"], "Complete")
        self.assertEqual(self.s3.get_object_tagging(Bucket=src, Key="one.jpg")["TagSet"], [{"Key": "batch", "Value": "tagged"}])
        untag_job = self.create({"S3DeleteObjectTagging": {}}, self.put_manifest([(src, "one.jpg")]))
        self.assertEqual(self.wait_status(untag_job, TERMINAL)["Status"], "Complete")
        self.assertEqual(self.s3.get_object_tagging(Bucket=src, Key="one.jpg")["TagSet"], [])

        self.s3.put_object(Bucket=src, Key="cold.bin", Body=b"cold", StorageClass="GLACIER")
        restore_job = self.create({"S3InitiateRestoreObject": {"ExpirationInDays": 2, "GlacierJobTier": "BULK"}},
                                  self.put_manifest([(src, "cold.bin")]))
        self.assertEqual(self.wait_status(restore_job, TERMINAL)["Status"], "Complete")
        self.assertEqual(self.s3.head_object(Bucket=src, Key="cold.bin")["Restore"], 'ongoing-request="true"')

    def test_confirmation_priority_tags_cancel_and_listing(self):
        src = self.new_bucket(prefix="src")
        self.s3.put_object(Bucket=src, Key="k", Body=b"v")
        manifest = self.put_manifest([(src, "k")])
        op = {"LambdaInvoke": {"FunctionArn": FUNCTION_ARN}}
        job_id = self.create(op, manifest, ConfirmationRequired=True, Description="needs a yes",
                             Tags=[{"Key": "team", "Value": "media"}])
        job = self.wait_status(job_id, ("Suspended",))
        self.assertEqual((job["SuspendedCause"], job["ProgressSummary"]["TotalNumberOfTasks"]), ("AWAITING_CONFIRMATION", 1))
        self.assertIn("SuspendedDate", job)
        self.assertEqual(self.control.update_job_priority(AccountId=ACCOUNT, JobId=job_id, Priority=99)["Priority"], 99)
        self.assertEqual(self.describe(job_id)["Priority"], 99)
        listed = self.control.list_jobs(AccountId=ACCOUNT, JobStatuses=["Suspended"])["Jobs"]
        self.assertIn(job_id, [j["JobId"] for j in listed])
        self.assertEqual([j["Description"] for j in listed if j["JobId"] == job_id], ["needs a yes"])
        self.assertEqual(self.control.get_job_tagging(AccountId=ACCOUNT, JobId=job_id)["Tags"], [{"Key": "team", "Value": "media"}])
        self.control.put_job_tagging(AccountId=ACCOUNT, JobId=job_id, Tags=[{"Key": "a", "Value": "b"}])
        self.assertEqual(self.control.get_job_tagging(AccountId=ACCOUNT, JobId=job_id)["Tags"], [{"Key": "a", "Value": "b"}])
        self.control.delete_job_tagging(AccountId=ACCOUNT, JobId=job_id)
        self.assertEqual(self.control.get_job_tagging(AccountId=ACCOUNT, JobId=job_id)["Tags"], [])
        confirmed = self.control.update_job_status(AccountId=ACCOUNT, JobId=job_id, RequestedJobStatus="Ready",
                                                   StatusUpdateReason="looks right")
        self.assertEqual((confirmed["Status"], confirmed["StatusUpdateReason"]), ("Ready", "looks right"))
        self.assertEqual(self.wait_status(job_id, TERMINAL)["Status"], "Complete")
        self.assertClientError(lambda: self.control.update_job_status(AccountId=ACCOUNT, JobId=job_id,
                                                                      RequestedJobStatus="Cancelled"),
                               "JobStatusException", 400)
        # A suspended job cancelled never runs.
        other = self.create(op, manifest, ConfirmationRequired=True)
        self.wait_status(other, ("Suspended",))
        cancelled = self.control.update_job_status(AccountId=ACCOUNT, JobId=other, RequestedJobStatus="Cancelled")
        self.assertEqual(cancelled["Status"], "Cancelled")
        self.assertEqual(self.describe(other)["ProgressSummary"]["NumberOfTasksSucceeded"], 0)
        # Pagination: one job a page, newest first, every job once.
        pages, token = [], None
        while True:
            kwargs = {"NextToken": token} if token else {}
            page = self.control.list_jobs(AccountId=ACCOUNT, MaxResults=1, **kwargs)
            pages.extend(j["JobId"] for j in page["Jobs"])
            token = page.get("NextToken")
            if not token:
                break
        everything = [j["JobId"] for j in self.control.list_jobs(AccountId=ACCOUNT)["Jobs"]]
        self.assertEqual(pages, everything)
        self.assertEqual(everything.index(other), everything.index(job_id) - 1)

    def test_a_job_lives_in_the_region_it_was_made_in(self):
        src = self.new_bucket(prefix="src")
        self.s3.put_object(Bucket=src, Key="k", Body=b"v")
        manifest = self.put_manifest([(src, "k")])
        eu = self.server.proxied_client("s3control", region="eu-west-1")
        job_id = eu.create_job(AccountId=ACCOUNT, ConfirmationRequired=True, RoleArn=ROLE, Priority=1,
                               ClientRequestToken=harness.unique("token"),
                               Operation={"S3PutObjectTagging": {"TagSet": [{"Key": "k", "Value": "v"}]}},
                               Manifest=manifest, Report={"Enabled": False})["JobId"]
        job = eu.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
        self.assertEqual(job["JobArn"], f"arn:aws:s3:eu-west-1:{ACCOUNT}:job/{job_id}")
        self.assertIn(job_id, [j["JobId"] for j in eu.list_jobs(AccountId=ACCOUNT)["Jobs"]])
        self.assertNotIn(job_id, [j["JobId"] for j in self.control.list_jobs(AccountId=ACCOUNT)["Jobs"]])
        self.assertClientError(lambda: self.control.describe_job(AccountId=ACCOUNT, JobId=job_id), "NotFoundException", 404)
        eu.update_job_status(AccountId=ACCOUNT, JobId=job_id, RequestedJobStatus="Cancelled")

    def test_idempotency_and_api_errors(self):
        src = self.new_bucket(prefix="src")
        self.s3.put_object(Bucket=src, Key="k", Body=b"v")
        manifest = self.put_manifest([(src, "k")])
        op = {"LambdaInvoke": {"FunctionArn": FUNCTION_ARN}}
        first = self.create(op, manifest, ClientRequestToken="same-token")
        self.assertEqual(self.create(op, manifest, ClientRequestToken="same-token"), first)
        self.assertClientError(lambda: self.create(op, manifest, ClientRequestToken="same-token", Priority=11),
                               "IdempotencyException", 400)
        self.assertClientError(lambda: self.describe("00000000-0000-0000-0000-000000000000"), "NotFoundException", 404)
        self.assertClientError(lambda: self.create(op, manifest, RoleArn="arn:aws:iam::000000000000:user/x"),
                               "InvalidRequest", 400)
        self.assertClientError(lambda: self.create(op), "InvalidRequest", 400)  # neither manifest nor generator
        self.assertClientError(lambda: self.create({"LambdaInvoke": {"FunctionArn": FUNCTION_ARN,
                                                                     "UserArguments": {"a": "b"}}}, manifest),
                               "InvalidRequest", 400)  # user arguments need schema 2.0
        self.assertClientError(lambda: self.create(op, manifest, report_bucket="no-such-bucket-here"), "InvalidRequest", 400)
        self.assertClientError(lambda: self.control.describe_job(AccountId="111111111111", JobId=first), "AccessDenied", 403)
        self.assertClientError(lambda: self.control.list_jobs(AccountId=ACCOUNT, NextToken="nope"),
                               "InvalidNextTokenException", 400)
        # A body that is not XML is refused, and the next request on the server is served.
        host = f"{ACCOUNT}.localhost:{self.server.port}"
        resp = self.server.signed("POST", "/v20180820/jobs", headers={"x-amz-account-id": ACCOUNT}, body=b"<oops", host=host)
        # (S3 Control wraps its errors: <ErrorResponse><Error><Code>…)
        self.assertEqual((resp.status, re.search(rb"<ErrorResponse><Error><Code>(\w+)</Code>", resp.body).group(1)),
                         (400, b"MalformedXML"), repr(resp))
        resp = self.server.signed("POST", "/v20180820/jobs", headers={"x-amz-account-id": ACCOUNT}, body=b"<x/>",
                                  host=host, payload_hash="0" * 64)
        self.assertEqual((resp.status, re.search(rb"<Code>(\w+)</Code>", resp.body).group(1)),
                         (400, b"XAmzContentSHA256Mismatch"), repr(resp))
        self.assertIn(first, [j["JobId"] for j in self.control.list_jobs(AccountId=ACCOUNT)["Jobs"]])
        # A job whose manifest is missing, or whose ETag does not match, fails in preparation.
        missing = dict(manifest, Location=dict(manifest["Location"], ObjectArn=f"arn:aws:s3:::{src}/gone.csv"))
        job = self.wait_status(self.create(op, missing), TERMINAL)
        self.assertEqual((job["Status"], job["FailureReasons"][0]["FailureCode"]), ("Failed", "ManifestNotFound"))
        wrong = dict(manifest, Location=dict(manifest["Location"], ETag="0" * 32))
        job = self.wait_status(self.create(op, wrong), TERMINAL)
        self.assertEqual((job["Status"], job["FailureReasons"][0]["FailureCode"]), ("Failed", "ManifestEtagMismatch"))

    def test_manifest_generator_output_read_back_as_an_inventory_manifest(self):
        src, out, reports = self.new_bucket(prefix="src"), self.new_bucket(prefix="gen"), self.new_bucket(prefix="rep")
        self.s3.put_object(Bucket=src, Key="originals/a.jpg", Body=b"a" * 100)
        self.s3.put_object(Bucket=src, Key="originals/b.png", Body=b"b" * 100)
        self.s3.put_object(Bucket=src, Key="originals/c.jpg", Body=b"c" * 5000)
        self.s3.put_object(Bucket=src, Key="originals/d.jpg", Body=b"d" * 100, StorageClass="GLACIER")
        self.s3.put_object(Bucket=src, Key="other/e.jpg", Body=b"e" * 100)
        generator = {"S3JobManifestGenerator": {
            "SourceBucket": f"arn:aws:s3:::{src}", "EnableManifestOutput": True,
            "ManifestOutputLocation": {"Bucket": f"arn:aws:s3:::{out}", "ManifestPrefix": "generated",
                                       "ManifestFormat": "S3InventoryReport_CSV_20211130"},
            "Filter": {"KeyNameConstraint": {"MatchAnyPrefix": ["originals/"], "MatchAnySuffix": [".jpg"]},
                       "ObjectSizeLessThanBytes": 1000, "MatchAnyStorageClass": ["STANDARD", "GLACIER"]}}}
        job_id = self.create({"LambdaInvoke": {"FunctionArn": FUNCTION_ARN}}, ManifestGenerator=generator,
                             report_bucket=reports)
        job = self.wait_status(job_id, TERMINAL)
        self.assertEqual((job["Status"], job["ProgressSummary"]["TotalNumberOfTasks"]), ("Complete", 2), job)
        descriptor = job["GeneratedManifestDescriptor"]
        self.assertEqual(descriptor["Format"], "S3InventoryReport_CSV_20211130")
        manifest_key = f"generated/job-{job_id}/manifest.json"
        self.assertEqual(descriptor["Location"]["ObjectArn"], f"arn:aws:s3:::{out}/{manifest_key}")
        inventory = json.loads(self.s3.get_object(Bucket=out, Key=manifest_key)["Body"].read())
        data = gzip.decompress(self.s3.get_object(Bucket=out, Key=inventory["files"][0]["key"])["Body"].read()).decode()
        self.assertEqual(data.splitlines(), [f"{src},originals/a.jpg", f"{src},originals/d.jpg"])
        _, rows = self.report(reports, job_id)
        self.assertEqual(sorted(r[1] for r in rows["succeeded"]), ["originals/a.jpg", "originals/d.jpg"])
        # The generated manifest, read back as an inventory report's manifest.json.
        again = self.create({"S3PutObjectTagging": {"TagSet": [{"Key": "seen", "Value": "1"}]}}, {
            "Spec": {"Format": "S3InventoryReport_CSV_20161130"},
            "Location": {"ObjectArn": descriptor["Location"]["ObjectArn"], "ETag": descriptor["Location"]["ETag"]}})
        job = self.wait_status(again, TERMINAL)
        self.assertEqual((job["Status"], job["ProgressSummary"]["NumberOfTasksSucceeded"]), ("Complete", 2), job)
        self.assertEqual(self.s3.get_object_tagging(Bucket=src, Key="originals/a.jpg")["TagSet"], [{"Key": "seen", "Value": "1"}])

    def test_failure_threshold_fails_the_job(self):
        src, reports = self.new_bucket(prefix="src"), self.new_bucket(prefix="rep")
        # Tasks need not name existing objects: the function answers by key alone.
        rows = [(src, f"permanent-{i:05d}") for i in range(1100)]
        job = self.wait_status(self.create({"LambdaInvoke": {"FunctionArn": FUNCTION_ARN}}, self.put_manifest(rows),
                                           reports, scope="FailedTasksOnly"), TERMINAL, timeout=120)
        self.assertEqual((job["Status"], job["FailureReasons"][0]["FailureCode"]), ("Failed", "TaskFailureThresholdExceeded"))
        done = job["ProgressSummary"]["NumberOfTasksFailed"]
        self.assertGreaterEqual(done, 1000)
        _, report_rows = self.report(reports, job["JobId"])
        self.assertNotIn("succeeded", report_rows)
        self.assertEqual(len(report_rows["failed"]), done)

    def test_aws_cli_creates_and_describes_a_job(self):
        src = self.new_bucket(prefix="src")
        self.s3.put_object(Bucket=src, Key="k", Body=b"v")
        manifest = self.put_manifest([(src, "k")])
        proxy = f"http://127.0.0.1:{self.server.port}"
        with mock.patch.dict(os.environ, {"HTTP_PROXY": proxy, "http_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}):
            endpoint = ("--endpoint-url", f"http://localhost:{self.server.port}")
            made = self.server.aws_json("s3control", "create-job", *endpoint, "--account-id", ACCOUNT,
                                        "--operation", json.dumps({"LambdaInvoke": {"FunctionArn": FUNCTION_ARN}}),
                                        "--manifest", json.dumps(manifest), "--report", '{"Enabled":false}',
                                        "--priority", "5", "--role-arn", ROLE, "--no-confirmation-required",
                                        "--output", "json")
            job_id = made["JobId"]
            harness.wait_for(lambda: self.server.aws_json("s3control", "describe-job", *endpoint, "--account-id", ACCOUNT,
                                                          "--job-id", job_id, "--output", "json")["Job"]["Status"] == "Complete",
                             "the CLI's job to complete")
            listed = self.server.aws_json("s3control", "list-jobs", *endpoint, "--account-id", ACCOUNT,
                                          "--job-statuses", "Complete", "--output", "json")
        self.assertIn(job_id, [j["JobId"] for j in listed["Jobs"]])


class BatchOnTheVirtualClock(harness.ServerTestCase):
    server_args = ("--config", harness.write_pipeline(PIPELINE), "--clock", "virtual")

    def test_restore_job_then_invoke_job_once_restores_complete(self):
        control = control_client(self.server)
        archive, markers = self.new_bucket(prefix="archive"), self.new_bucket(prefix="mark")
        keys = ["old-1.jpg", "old-2.jpg"]
        for key in keys:
            self.s3.put_object(Bucket=archive, Key=key, Body=b"archived", StorageClass="DEEP_ARCHIVE")
        generator = {"S3JobManifestGenerator": {"SourceBucket": f"arn:aws:s3:::{archive}", "EnableManifestOutput": False,
                                                "Filter": {"MatchAnyStorageClass": ["DEEP_ARCHIVE"]}}}

        def run(operation):
            job_id = control.create_job(AccountId=ACCOUNT, ConfirmationRequired=False, Priority=1, RoleArn=ROLE,
                                        ClientRequestToken=harness.unique("t"), Operation=operation,
                                        ManifestGenerator=generator, Report={"Enabled": False})["JobId"]
            harness.wait_for(lambda: control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]["Status"] in TERMINAL,
                             "the job to end")
            return control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]

        restore = run({"S3InitiateRestoreObject": {"ExpirationInDays": 3, "GlacierJobTier": "BULK"}})
        self.assertEqual((restore["Status"], restore["ProgressSummary"]["NumberOfTasksSucceeded"]), ("Complete", 2))
        self.assertClientError(lambda: self.s3.get_object(Bucket=archive, Key="old-1.jpg"), "InvalidObjectState", 403)
        # Deep Archive's bulk restores take up to 48 hours: on the virtual clock, two days pass at once.
        self.assertEqual(self.server.raw("POST", "/_bucketfire/clock?advance=2d").status, 200)
        self.assertEqual(self.s3.get_object(Bucket=archive, Key="old-1.jpg")["Body"].read(), b"archived")
        invoke = run({"LambdaInvoke": {"FunctionArn": FUNCTION_ARN, "InvocationSchemaVersion": "2.0",
                                       "UserArguments": {"marker-bucket": markers}}})
        self.assertEqual((invoke["Status"], invoke["ProgressSummary"]["NumberOfTasksSucceeded"]), ("Complete", 2))
        self.assertEqual(sorted(o["Key"] for o in self.s3.list_objects_v2(Bucket=markers)["Contents"]),
                         [k + ".done" for k in keys])


def most_at_once(invocations):
    """The most invocations that ran at the same time: each from its handler's start to when
    its record was written (after the handler returned; to the millisecond)."""
    edges = []
    for i in invocations:
        ended = datetime.datetime.fromisoformat(i["time"].replace("Z", "+00:00"))
        edges += [(i["startedUs"], 1), (int(ended.timestamp() * 1_000_000), -1)]
    running = peak = 0
    for _, step in sorted(edges, key=lambda e: (e[0], e[1])):
        running += step
        peak = max(peak, running)
    return peak


class BatchConcurrencyLimit(harness.ServerTestCase):
    """serve --batch-concurrency bounds the tasks in flight; a function's lower reserved
    concurrency bounds its jobs further."""
    server_args = ("--config", harness.write_pipeline({"functions": [
        {"name": "slow-tasks", "handler": "batch-task", "environment": {"TASK_DELAY_MS": "30"}},
        {"name": "single", "handler": "batch-task", "reserved_concurrency": 1,
         "environment": {"TASK_DELAY_MS": "30"}}], "buckets": []}), "--batch-concurrency", "3")

    def test_tasks_in_flight_stay_within_the_limits(self):
        control = control_client(self.server)
        src = self.new_bucket(prefix="src")
        for i in range(24):
            self.s3.put_object(Bucket=src, Key=f"k{i:02d}", Body=b"x")
        generator = {"S3JobManifestGenerator": {"SourceBucket": f"arn:aws:s3:::{src}", "EnableManifestOutput": False}}
        for function, limit in (("slow-tasks", 3), ("single", 1)):
            job_id = control.create_job(
                AccountId=ACCOUNT, ConfirmationRequired=False, Priority=1, RoleArn=ROLE,
                ClientRequestToken=harness.unique("t"), ManifestGenerator=generator, Report={"Enabled": False},
                Operation={"LambdaInvoke": {"FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{function}"}},
            )["JobId"]
            harness.wait_for(lambda: control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]["Status"] == "Complete",
                             f"the {function} job to complete")
            invocations = self.server.invocations(function)
            self.assertEqual(len(invocations), 24)
            peak = most_at_once(invocations)
            self.assertLessEqual(peak, limit, function)
            if limit > 1:
                self.assertGreater(peak, 1, "tasks ran one at a time")

    def test_the_limit_is_checked(self):
        for bad in ("0", "1025", "many"):
            proc = subprocess.run([harness.binary_path(), "serve", "--port", "0", "--data-dir", ":memory:",
                                   "--batch-concurrency", bad], capture_output=True, text=True, timeout=30)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn("--batch-concurrency is 1 to 1024", proc.stderr)


class BatchJobSurvivesKill9(unittest.TestCase):
    def test_a_running_job_continues_after_kill9_and_reports_each_task_once(self):
        server = harness.Server(extra_args=("--config", harness.write_pipeline(PIPELINE)))
        self.addCleanup(server.close)
        server.start()
        s3, control = server.client(), control_client(server)
        src, reports, markers = harness.unique("src"), harness.unique("rep"), harness.unique("mark")
        for b in (src, reports, markers):
            s3.create_bucket(Bucket=b)
        keys = [f"obj-{i:05d}" for i in range(2000)]
        body = csv_manifest([(src, k) for k in keys])
        manifest_bucket = harness.unique("man")
        s3.create_bucket(Bucket=manifest_bucket)
        etag = s3.put_object(Bucket=manifest_bucket, Key="m.csv", Body=body)["ETag"].strip('"')
        job_id = control.create_job(
            AccountId=ACCOUNT, ConfirmationRequired=False, Priority=1, RoleArn=ROLE, ClientRequestToken="kill9",
            Operation={"LambdaInvoke": {"FunctionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:slow-tasks",
                                        "InvocationSchemaVersion": "2.0", "UserArguments": {"marker-bucket": markers}}},
            Manifest={"Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key"]},
                      "Location": {"ObjectArn": f"arn:aws:s3:::{manifest_bucket}/m.csv", "ETag": etag}},
            Report={"Bucket": f"arn:aws:s3:::{reports}", "Format": "Report_CSV_20180820", "Enabled": True,
                    "Prefix": "batch", "ReportScope": "AllTasks"})["JobId"]

        def progress():
            return control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
        harness.wait_for(lambda: progress()["ProgressSummary"]["NumberOfTasksSucceeded"] >= 300, "300 tasks done")
        server.kill9()
        server.start()
        s3, control = server.client(), control_client(server)
        before = progress()
        self.assertIn(before["Status"], ("Active", "Completing", "Complete"))
        self.assertGreaterEqual(before["ProgressSummary"]["NumberOfTasksSucceeded"], 300)
        harness.wait_for(lambda: progress()["Status"] == "Complete", "the job to complete after the restart", timeout=120)
        job = progress()
        self.assertEqual((job["ProgressSummary"]["TotalNumberOfTasks"], job["ProgressSummary"]["NumberOfTasksSucceeded"],
                          job["ProgressSummary"]["NumberOfTasksFailed"]), (2000, 2000, 0))
        manifest = json.loads(s3.get_object(Bucket=reports, Key=f"batch/job-{job_id}/manifest.json")["Body"].read())
        reported = []
        for result in manifest["Results"]:
            body = s3.get_object(Bucket=reports, Key=result["Key"])["Body"].read().decode()
            reported.extend(row[1] for row in csv.reader(io.StringIO(body)))
        self.assertEqual(sorted(reported), keys)  # every task once
        marked = set()
        token = None
        while True:
            page = s3.list_objects_v2(Bucket=markers, **({"ContinuationToken": token} if token else {}))
            marked.update(o["Key"] for o in page.get("Contents", []))
            token = page.get("NextContinuationToken")
            if not token:
                break
        self.assertEqual(marked, {k + ".done" for k in keys})


if __name__ == "__main__":
    harness.main()
