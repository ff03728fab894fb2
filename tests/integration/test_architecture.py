"""GET /_bucketfire/architecture: the reference pipeline's tiers as the console draws them,
from what the server holds (the pipeline file, and what boto3 changes afterwards): every route,
function, bucket and Object Lambda access point as a node, and routes, notifications,
destinations, the buckets functions use and Object Lambda transformations as edges."""

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


if __name__ == "__main__":
    unittest.main()
