"""The same end-to-end tests as test_reference_pipeline.py, with every function of the reference
pipeline run from its shipping package (build/packages/pipeline.zip: the bootstrap, its
libraries and the Runtime API loop) as external processes, as they would run on AWS."""

import json
import os
import unittest

import harness
import pipeline_support as ps
import test_reference_pipeline as in_process

PACKAGE = os.path.join(os.path.dirname(harness.binary_path()), "packages", "pipeline.zip")


def packaged_pipeline():
    with open(ps.PIPELINE_FILE) as f:
        document = json.load(f)
    for function in document["functions"]:
        function["code"] = PACKAGE  # the handler name becomes _HANDLER for the bootstrap
    return harness.write_pipeline(document)


class ReferencePipelinePackaged(in_process.ReferencePipeline):
    server_args = ("--config", packaged_pipeline(), "--time-scale", "0.01")

    def test_functions_ran_as_processes(self):
        self.pipeline.wait_until_archived(self.pipeline.upload("badge.gif"))
        for function in ["presign", "metadata", "thumbnail", "indexer", "archiver"]:
            with self.subTest(function):
                runs = self.server.invocations(function)
                self.assertTrue(runs, function)
        # Warm environments: the packaged bootstrap (started through its bundled loader) serving
        # each function's _HANDLER.
        handlers = set()
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if any(a.endswith(b"/bin/pipeline") for a in argv):
                handlers.add(argv[-2].decode() if argv[-1] == b"" else argv[-1].decode())
        self.assertTrue({"presign", "metadata", "thumbnail", "indexer", "archiver"} <= handlers, handlers)


if __name__ == "__main__":
    unittest.main()
