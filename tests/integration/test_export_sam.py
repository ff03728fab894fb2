"""`bucketfire export sam`: the pipeline file as a SAM template that cfn-lint accepts and that
the SAM translator turns into CloudFormation (after `sam package` would have replaced each
local package with its S3 location), with the S3 triggers, filters, async settings,
destinations, concurrency and recursion setting carried over."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

PIPELINE = {
    "functions": [
        {"name": "thumbnail", "handler": "copy", "memory_size": 512, "timeout": 30,
         "environment": {"TARGET_BUCKET": "processed", "MODE": "fast"}, "reserved_concurrency": 5,
         "maximum_retry_attempts": 1, "maximum_event_age_seconds": 3600,
         "on_success": "indexer", "on_failure": "arn:aws:s3:::failures"},
        {"name": "indexer", "handler": "log-event", "recursive_loop": "Allow"},
    ],
    "buckets": [
        {"name": "ingest", "versioning": "Enabled", "notifications": [
            {"id": "thumbs", "function": "thumbnail", "events": ["s3:ObjectCreated:*"],
             "prefix": "incoming/", "suffix": ".jpg"}]},
        {"name": "processed", "notifications": [
            {"id": "index", "function": "indexer", "events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}]},
        {"name": "failures", "lifecycle": {"Rules": [
            {"ID": "records", "Status": "Enabled", "Filter": {"And": {"Prefix": "aws/", "ObjectSizeGreaterThan": 0}},
             "Transitions": [{"Days": 30, "StorageClass": "GLACIER_IR"}], "Expiration": {"Days": 365}},
            {"ID": "uploads", "Status": "Enabled", "Filter": {"Prefix": ""},
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]},
         "intelligent_tiering": [{"Id": "cold", "Status": "Enabled", "Filter": {"Prefix": "aws/"},
                                  "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}]},
    ],
}


def export(pipeline_path):
    proc = subprocess.run([harness.binary_path(), "export", "sam", "--config", pipeline_path],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError(proc.stderr)
    return json.loads(proc.stdout)


def translate(template):
    """What CloudFormation's SAM transform makes of it, packages already uploaded."""
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self):
            return {}

    packaged = json.loads(json.dumps(template))
    for resource in packaged["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://deploy-bucket/" + os.path.basename(
                resource["Properties"]["CodeUri"])
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return transform(packaged, {}, NoManagedPolicies())


class ExportSam(unittest.TestCase):
    def test_template_passes_cfn_lint_and_the_sam_translator(self):
        try:
            import samtranslator  # noqa: F401
        except ImportError:
            print("SKIPPED: aws-sam-translator is not installed")
            self.skipTest("aws-sam-translator is not installed")
        for path in [harness.write_pipeline(PIPELINE), os.path.join(REPO, "fixtures", "demo-pipeline.json"),
                     os.path.join(REPO, "fixtures", "pipeline.json")]:
            template = export(path)
            with tempfile.TemporaryDirectory() as work:
                out = os.path.join(work, "template.json")
                with open(out, "w") as f:
                    json.dump(template, f)
                if shutil.which("cfn-lint"):
                    lint = subprocess.run(["cfn-lint", out], capture_output=True, text=True, timeout=300)
                    self.assertEqual(lint.returncode, 0, lint.stdout + lint.stderr)
            translate(template)

    def test_what_the_template_says(self):
        template = export(harness.write_pipeline(PIPELINE))
        resources = template["Resources"]
        self.assertEqual(template["Transform"], "AWS::Serverless-2016-10-31")
        thumb = resources["ThumbnailFunction"]["Properties"]
        self.assertEqual((thumb["Runtime"], thumb["Handler"], thumb["MemorySize"], thumb["Timeout"]),
                         ("provided.al2023", "copy", 512, 30))
        self.assertEqual(thumb["CodeUri"], "build/packages/builtin.zip")
        self.assertEqual(thumb["ReservedConcurrentExecutions"], 5)
        self.assertEqual(thumb["Environment"]["Variables"]["TARGET_BUCKET"],
                         {"Fn::Sub": "processed-${AWS::AccountId}-${AWS::Region}"})
        config = thumb["EventInvokeConfig"]
        self.assertEqual((config["MaximumRetryAttempts"], config["MaximumEventAgeInSeconds"]), (1, 3600))
        self.assertEqual(config["DestinationConfig"]["OnSuccess"]["Type"], "Lambda")
        self.assertEqual(config["DestinationConfig"]["OnFailure"]["Type"], "S3Bucket")
        [event] = thumb["Events"].values()
        self.assertEqual(event["Properties"]["Filter"]["S3Key"]["Rules"],
                         [{"Name": "prefix", "Value": "incoming/"}, {"Name": "suffix", "Value": ".jpg"}])
        self.assertEqual(resources["IndexerFunction"]["Properties"]["RecursiveLoop"], "Allow")
        self.assertEqual(resources["IngestBucket"]["Properties"]["VersioningConfiguration"], {"Status": "Enabled"})
        failures = resources["FailuresBucket"]["Properties"]
        self.assertEqual(failures["LifecycleConfiguration"], {
            "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K",
            "Rules": [{"Id": "records", "Status": "Enabled", "Prefix": "aws/", "ObjectSizeGreaterThan": "0",
                       "Transitions": [{"StorageClass": "GLACIER_IR", "TransitionInDays": 30}],
                       "ExpirationInDays": 365},
                      {"Id": "uploads", "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
        self.assertEqual(failures["IntelligentTieringConfigurations"], [
            {"Id": "cold", "Status": "Enabled", "Prefix": "aws/",
             "Tierings": [{"AccessTier": "ARCHIVE_ACCESS", "Days": 90}]}])

        try:
            cfn = translate(template)["Resources"]
        except ImportError:
            return
        types = sorted({r["Type"] for r in cfn.values()})
        for expected in ["AWS::Lambda::EventInvokeConfig", "AWS::Lambda::Function", "AWS::Lambda::Permission",
                         "AWS::S3::Bucket"]:
            self.assertIn(expected, types)
        ingest = cfn["IngestBucket"]["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]
        self.assertEqual(ingest[0]["Event"], "s3:ObjectCreated:*")

    def test_the_reference_pipeline_ships_with_its_http_api(self):
        template = export(os.path.join(REPO, "fixtures", "pipeline.json"))
        resources = template["Resources"]
        for name in ["Presign", "Metadata", "Thumbnail", "Indexer", "Archiver", "Search", "Similar", "Images",
                     "Restore", "Restored"]:
            self.assertEqual(resources[name + "Function"]["Properties"]["CodeUri"], "build/packages/pipeline.zip")
        presign = resources["PresignFunction"]["Properties"]["Events"]
        [route] = presign.values()
        self.assertEqual(route, {"Type": "HttpApi", "Properties": {"ApiId": {"Ref": "HttpApi"}, "Method": "POST",
                                                                   "Path": "/uploads", "Auth": {"Authorizer": "demo"}}})
        jwt = resources["HttpApi"]["Properties"]["Auth"]["Authorizers"]["demo"]["JwtConfiguration"]
        self.assertEqual(jwt, {"issuer": "https://auth.bucketfire.local", "audience": ["bucketfire-demo"]})
        self.assertIn("ApiUrl", template["Outputs"])
        try:
            cfn = translate(template)["Resources"]
        except ImportError:
            return
        [api] = [r for r in cfn.values() if r["Type"] == "AWS::ApiGatewayV2::Api"]
        paths = api["Properties"]["Body"]["paths"]
        self.assertEqual(sorted(paths), ["/images/{id}", "/images/{id}/restore", "/search", "/similar/{id}", "/uploads"])
        self.assertEqual(paths["/uploads"]["post"]["security"], [{"demo": []}])
        # The archive's rules and the restore notification travel with the template.
        archive = template["Resources"]["ArchiveBucket"]["Properties"]
        self.assertEqual([r["Id"] for r in archive["LifecycleConfiguration"]["Rules"]],
                         ["small-originals", "failure-records", "abandoned-uploads"])
        # processed's public thumbnails: its access block and its policy, naming the deployed bucket.
        processed = template["Resources"]["ProcessedBucket"]["Properties"]
        self.assertEqual(processed["PublicAccessBlockConfiguration"]["BlockPublicPolicy"], False)
        policy = template["Resources"]["ProcessedBucketPolicy"]["Properties"]
        self.assertEqual(policy["Bucket"], {"Ref": "ProcessedBucket"})
        self.assertEqual(policy["PolicyDocument"]["Statement"][0]["Resource"],
                         {"Fn::Sub": "arn:${AWS::Partition}:s3:::processed-${AWS::AccountId}-${AWS::Region}/thumbnails/*"})
        self.assertEqual(archive["IntelligentTieringConfigurations"][0]["Tierings"],
                         [{"AccessTier": "ARCHIVE_ACCESS", "Days": 90}, {"AccessTier": "DEEP_ARCHIVE_ACCESS", "Days": 180}])

    def test_a_bad_pipeline_is_refused(self):
        bad = harness.write_pipeline({"functions": [{"name": "x", "handler": "nope"}]})
        proc = subprocess.run([harness.binary_path(), "export", "sam", "--config", bad],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("functions[0].handler", proc.stderr)


if __name__ == "__main__":
    harness.main()
