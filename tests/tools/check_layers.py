"""Includes run one way down the layers (docs/architecture.md): each module of emulator/ may
include only the modules listed for it here, and only main.cpp meets the handlers. Prints each
include that runs back up, and fails if there is one."""

import os
import re
import sys

# module -> the modules it may include (besides itself and sdk/, which every module may use)
ALLOWED = {
    "base": set(),
    "http": {"base"},
    "store": {"base"},
    "auth": {"base", "http"},
    "s3": {"base", "http", "store", "auth"},
    "lambda": {"base", "http", "store", "auth"},
    "logs": {"base", "http", "store", "auth"},
    "events": {"base", "http", "store", "auth", "s3", "lambda"},
    "lifecycle": {"base", "http", "store", "auth", "s3"},
    "api": {"base", "http", "store", "auth", "lambda"},
    "metering": {"base", "store"},
    "batch": {"base", "http", "store", "auth", "s3", "lambda"},
    "s3control": {"base", "http", "store", "auth", "s3", "lambda", "batch"},
    "internal": {"base", "http", "store", "auth", "s3", "lambda", "events", "api", "metering", "logs"},
    "pipeline": {"base", "http", "store", "auth", "s3", "lambda", "events", "api"},
    "app": {"base", "http", "store", "auth", "s3", "lambda", "events", "lifecycle", "api", "metering", "internal", "pipeline",
            "batch", "s3control", "logs"},
    "cli": {"base", "http", "store", "auth", "s3", "lambda", "events", "lifecycle", "api", "metering", "internal", "pipeline",
            "batch", "s3control", "app", "logs"},
}
INCLUDE = re.compile(r'#include "(?:emulator/([a-z0-9_]+)/|(handlers)/)')


def back_arrows(root):
    found = []
    emulator = os.path.join(root, "emulator")
    for entry in sorted(os.listdir(emulator)):
        path = os.path.join(emulator, entry)
        module = entry if os.path.isdir(path) else None
        # C++ files only: a module may hold other things (the console's page and script).
        files = [os.path.join(path, f) for f in sorted(os.listdir(path))
                 if f.endswith((".h", ".cpp"))] if module else [path]
        for file in files:
            if module is None and os.path.basename(file) == "main.cpp":
                continue  # main() hands the handlers in: the one place that may name them
            with open(file, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = m.group(1) or m.group(2)
                    if target == module or (module and target in ALLOWED.get(module, set())):
                        continue
                    found.append(f"{os.path.relpath(file, root)}:{number}: {module or 'emulator'} -> {target}: {line.strip()}")
    return found


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    arrows = back_arrows(os.path.abspath(root))
    for arrow in arrows:
        print(arrow)
    unknown = [d for d in os.listdir(os.path.join(root, "emulator"))
               if os.path.isdir(os.path.join(root, "emulator", d)) and d not in ALLOWED]
    for d in unknown:
        print(f"emulator/{d}: a module with no place in the layers (add it to ALLOWED)")
    print(f"{len(arrows)} include(s) run back up the layers")
    sys.exit(1 if arrows or unknown else 0)
