#!/usr/bin/env python3
"""Every S3 error code the server raises by name (s3_error("Code"...), auth_error("Code"...))
has its status and message in emulator/s3/s3_error.cpp's table; a code missing there would
reach the client as a 500. Exits 1 and names the missing codes.

usage: check_error_codes.py [REPO_ROOT]"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
table = set(re.findall(r'\{"([A-Za-z0-9]+)", \{\d{3},', (root / "emulator/s3/s3_error.cpp").read_text()))
used = {}
for path in sorted((root / "emulator").rglob("*.cpp")):
    for code in re.findall(r'\b(?:s3_error|auth_error)\("([A-Za-z0-9]+)"', path.read_text()):
        used.setdefault(code, path.relative_to(root))
missing = sorted(code for code in used if code not in table)
for code in missing:
    print(f"{code}: raised in {used[code]}, not in emulator/s3/s3_error.cpp's table")
print(f"{len(used)} error codes raised, {len(missing)} without a status")
sys.exit(1 if missing else 0)
