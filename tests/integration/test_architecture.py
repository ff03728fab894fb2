"""GET /_bucketfire/architecture: the reference pipeline's tiers as the console draws them,
from what the server holds (the pipeline file, and what boto3 changes afterwards): every route,
function, bucket and Object Lambda access point as a node, and routes, notifications,
destinations, the buckets functions use and Object Lambda transformations as edges; a Batch
Operations job with its manifest, the function it invokes and its report."""

import json
import unittest

import harness
import pipeline_support as ps


class Architecture(harness.ServerTestCase):
    server_args = ("--config", ps.PIPELINE_FILE)

    def describe(self):
        return self.server.internal("architecture")

    def test_every_tier_of_the_pipeline_file_is_drawn(self):
        with open(ps.PIPELINE_FILE) as f:
            declared = json.load(f)
        graph = self.describe()
        nodes = {n["id"]: n for n in graph["nodes"]}
        edges = {(e["from"], e["to"], e["kind"]): e for e in graph["edges"]}
        for fn in declared["functions"]:
            self.assertEqual(nodes[f"function:{fn['name']}"]["runtime"], "in-process")
        for bucket in declared["buckets"]:
            self.assertIn(f"bucket:{bucket['name']}", nodes)
        for route in declared["routes"]:
            self.assertIn((f"route:{route['route']}", f"function:{route['function']}", "route"), edges)
            self.assertIn(("client", f"route:{route['route']}", "request"), edges)
        self.assertEqual(edges[("bucket:ingest", "function:thumbnail", "notification")]["events"], ["s3:ObjectCreated:*"])
        self.assertEqual(edges[("bucket:processed", "function:indexer", "notification")]["prefix"], "metadata/")
        self.assertEqual(edges[("function:thumbnail", "function:metadata", "destination")]["condition"], "OnSuccess")
        self.assertEqual(edges[("function:metadata", "bucket:archive", "destination")]["condition"], "OnFailure")
        self.assertEqual(edges[("function:thumbnail", "bucket:processed", "uses")]["variable"], "PROCESSED_BUCKET")
        self.assertEqual(nodes["object-lambda:images-for-clients"]["kind"], "object-lambda")
        self.assertEqual(edges[("object-lambda:images-for-clients", "function:reencode", "transformation")]["actions"],
                         ["GetObject"])
        self.assertEqual(edges[("object-lambda:images-for-clients", "bucket:processed", "supporting-access-point")]
                         ["accessPoint"], "processed-images")
        # Every edge joins two nodes of the graph.
        for e in graph["edges"]:
            self.assertIn(e["from"], nodes)
            self.assertIn(e["to"], nodes)

    def test_what_boto3_changes_is_drawn_too(self):
        self.s3.create_bucket(Bucket="added-later")
        self.s3.put_bucket_notification_configuration(Bucket="added-later", NotificationConfiguration={
            "LambdaFunctionConfigurations": [{
                "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:metadata",
                "Events": ["s3:ObjectRemoved:*"]}]})
        edges = {(e["from"], e["to"], e["kind"]): e for e in self.describe()["edges"]}
        self.assertEqual(edges[("bucket:added-later", "function:metadata", "notification")]["events"],
                         ["s3:ObjectRemoved:*"])

    def test_a_batch_job_is_drawn_with_its_manifest_function_and_report(self):
        etag = self.s3.put_object(Bucket="processed", Key="manifests/redo.csv",
                                  Body=b"processed,metadata/a.json\n")["ETag"].strip('"')
        control = self.server.proxied_client("s3control")
        job_id = control.create_job(
            AccountId="000000000000", ConfirmationRequired=True, Priority=1,
            RoleArn="arn:aws:iam::000000000000:role/batch", ClientRequestToken=harness.unique("token"),
            Operation={"LambdaInvoke": {"FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:indexer"}},
            Manifest={"Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key"]},
                      "Location": {"ObjectArn": "arn:aws:s3:::processed/manifests/redo.csv", "ETag": etag}},
            Report={"Bucket": "arn:aws:s3:::archive", "Format": "Report_CSV_20180820", "Enabled": True,
                    "Prefix": "batch", "ReportScope": "AllTasks"})["JobId"]
        job = f"batch-job:{job_id}"

        def drawn():
            graph = self.describe()
            nodes = {n["id"]: n for n in graph["nodes"]}
            return (nodes, graph["edges"]) if nodes.get(job, {}).get("status") == "Suspended" else None
        nodes, edges = harness.wait_for(drawn, "the job, waiting for its confirmation, in the graph")
        self.assertEqual((nodes[job]["kind"], nodes[job]["label"]), ("batch-job", f"LambdaInvoke {job_id[:8]}"))
        self.assertEqual(nodes[job]["total"], 1)
        kinds = {(e["from"], e["to"]): e["kind"] for e in edges}
        self.assertEqual(kinds[("bucket:processed", job)], "manifest")
        self.assertEqual(kinds[(job, "function:indexer")], "batch-invoke")
        self.assertEqual(kinds[(job, "bucket:archive")], "report")


if __name__ == "__main__":
    unittest.main()
