#!/usr/bin/env python3
"""Per-group counts of an s3-tests junit xml (scripts/s3-tests.sh writes one).

usage: s3-tests-summary.py JUNIT.xml [--failures FILE]

A test's group is the first rule below whose pattern matches its name (without the
"test_" prefix), so the grouping is deterministic; --failures writes every failed or
errored test, grouped, with a one-line reason (the error code or the assertion).
Failures of tests that s3-tests marks fails_on_aws (rgw extensions or rgw-only behaviour;
the markers come from the plugin in s3-tests.sh) are counted in the "aws*" column and
tagged [fails_on_aws].
"""
import re
import sys
import xml.etree.ElementTree as ET

RULES = [  # (group, regex searched in the name without "test_"), first match wins
    ("bucket logging", r"bucket_logging"),
    ("object lock", r"^object_lock"),
    ("lifecycle / restore", r"^lifecycle|^restore_|^read_through"),
    ("cors", r"cors"),
    ("bucket policy", r"^bucketv?2?_policy|bucket_policy_status|^set_get_del_bucket_policy"
                      r"|with_policy|^head_object_404_with_policy"),
    ("public access block", r"public_block|^block_public|^ignore_public"),
    ("ownership controls", r"ownership|^create_bucket_"),
    ("encryption / sse", r"^sse_|sse_c|^encrypt|_enc_|bucket_encryption|_enc$"),
    ("post object", r"^post_object"),
    ("tagging", r"(^|_)(tag|tags|tagging)(_|$)"),
    ("list objects", r"^bucket_list|^basic_key_count"),
    ("presigned / expires", r"presigned|x_amz_expires|authenticated_expired"),
    ("conditional (if-*)", r"(^|_)if_?(none_?|non)?match|ifmodified|ifunmodified|conditional"),
    ("checksum", r"checksum|cksum"),
    ("object attributes", r"object_attributes"),
    ("acl", r"acl|^access_bucket_"),
    ("copy", r"^object_copy|^copy_|^multipart_copy|^upload_part_copy"),
    ("versioning", r"version|delete_marker"),
    ("multipart", r"multipart|upload_part"),
    ("list buckets", r"list_buckets|^buckets_"),
    ("multi-object delete", r"^multi_object"),
    ("bucket create/head/delete", r"^bucketv?2?_|^head_bucket|^rm_bucket|^get_bucket"),
    ("ranged get", r"ranged"),
    ("atomic / concurrency", r"^atomic"),
    ("object anonymous / raw", r"^object_raw|^object_anon|^object_put_authenticated"),
    ("object put/get/head/delete", r"^object_|^put_object|^get_object|^head_object"
                                   r"|^delete_object"),
]


def group_of(name):
    base = re.sub(r"\[.*\]$", "", name)
    base = base[5:] if base.startswith("test_") else base
    for group, pattern in RULES:
        if re.search(pattern, base):
            return group
    return "other"


def reason(el):
    """One line: the S3 error code and operation, or the assertion."""
    msg = (el.get("message") or el.text or "").strip()
    phase = re.match(r'failed on (setup|teardown) with "(.*)"$', msg, re.S)
    if phase:  # an error in a fixture: say which phase
        return f"[{phase.group(1)}] " + reason_text(phase.group(2))
    return reason_text(msg)


def reason_text(msg):
    m = re.search(r"An error occurred \(([^)]*)\) when calling the (\w+) operation"
                  r"(?: \(reached max retries: \d+\))?: ?(.*)", msg)
    if m:
        detail = m.group(3).splitlines()[0][:90] if m.group(3) else ""
        return f"{m.group(1)} from {m.group(2)}" + (f": {detail}" if detail else "")
    line = msg.splitlines()[0] if msg else "(no message)"
    return line if len(line) <= 160 else line[:157] + "..."


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    failures_path = argv[argv.index("--failures") + 1] if "--failures" in argv else None
    # a test whose body failed and whose teardown also errored has two <testcase>s
    tests, on_aws = {}, set()
    for case in ET.parse(argv[0]).iter("testcase"):
        t = tests.setdefault((case.get("classname"), case.get("name")), [])
        for prop in case.iter("property"):
            if prop.get("name") == "markers" and "fails_on_aws" in prop.get("value", "").split():
                on_aws.add(case.get("name"))
        for kind in ("failure", "error", "skipped"):
            el = case.find(kind)
            if el is not None:
                t.append((kind, el))
    counts, failed = {}, {}
    for (_, name), results in tests.items():
        group = group_of(name)
        c = counts.setdefault(group, {"passed": 0, "failed": 0, "error": 0, "skipped": 0,
                                      "aws*": 0})
        kinds = [k for k, _ in results]
        status = ("failed" if "failure" in kinds else "error" if "error" in kinds
                  else "skipped" if "skipped" in kinds else "passed")
        c[status] += 1
        if status in ("failed", "error"):
            if name in on_aws:
                c["aws*"] += 1
            why = " ; ".join(reason(el) for k, el in results if k != "skipped")
            tag = " [fails_on_aws]" if name in on_aws else ""
            failed.setdefault(group, []).append((name + tag, status, why))
    order = [g for g, _ in RULES] + ["other"]
    rows = sorted(counts, key=order.index)
    keys = ("passed", "failed", "error", "skipped", "aws*")
    total = {k: sum(counts[g][k] for g in rows) for k in keys}
    print(f"{'group':28} {'passed':>6} {'failed':>6} {'error':>6} {'skipped':>7} {'total':>6} "
          f"{'aws*':>5}")
    for g in rows + ["TOTAL"]:
        c = total if g == "TOTAL" else counts[g]
        print(f"{g:28} {c['passed']:6} {c['failed']:6} {c['error']:6} {c['skipped']:7} "
              f"{sum(c[k] for k in keys[:4]):6} {c['aws*']:5}")
    print("aws*: of the failed and errored, tests marked fails_on_aws")
    if failures_path:
        with open(failures_path, "w") as f:
            for g in rows:
                if g in failed:
                    f.write(f"== {g} ({len(failed[g])})\n")
                    for name, kind, why in failed[g]:
                        tag = " [error]" if kind == "error" else ""
                        f.write(f"{name}{tag}: {why}\n")
                    f.write("\n")
    # the plain closing line ("N passed, N failed") for anything that reads it
    print(f"s3-tests: {total['passed']} passed, {total['failed'] + total['error']} failed, "
          f"{total['skipped']} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
