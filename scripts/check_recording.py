#!/usr/bin/env python3
"""Checks a simulator recording (`arcadia sim --record FILE`, or ARCADIA_SIM_RECORD during the tests).

  1. Every exchange conforms to DigitalOcean's contract: runs ../shared/do-api/check_traffic.py.
  2. The recording exercises every operation the simulator serves (`arcadia sim --list-operations`);
     any operation never exercised is listed and fails the check.
  3. No bearer token is recorded other than the masked `Bearer ***`.

One deviation from the contract, and only one, is made, in a derived copy written next to the
recording: the path parameter `ssh_key_identifier` declares its schemas `readOnly`, which
openapi-core applies to requests, so *every* request to /v2/account/keys/{ssh_key_identifier}
fails whatever the client sends. The derived copy states the same types without `readOnly`.
The unmodified contract is run too, and any failure there other than that one is an error.

Usage: check_recording.py RECORDING ARCADIA_BINARY
"""

import json
import os
import re
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CONTRACT = os.path.join(HERE, "..", "..", "shared", "do-api")
KNOWN_DEFECT = re.compile(r"path parameter 'ssh_key_identifier': Tried to write read-only property")


def derived_spec(path):
    with open(os.path.join(CONTRACT, "openapi.yaml")) as handle:
        spec = yaml.safe_load(handle)
    spec["components"]["parameters"]["ssh_key_identifier"]["schema"] = {
        "anyOf": [{"type": "integer"}, {"type": "string"}]
    }
    with open(path, "w") as handle:
        yaml.safe_dump(spec, handle, sort_keys=False)
    return path


def run_checker(recording, spec=None):
    command = [sys.executable, os.path.join(CONTRACT, "check_traffic.py"), recording]
    if spec:
        command += ["--spec", spec]
    result = subprocess.run(command, capture_output=True, text=True)
    lines = result.stdout.strip().splitlines()
    return result.returncode, [line for line in lines if line.startswith("FAIL")], lines[-1] if lines else "no output"


def coverage(recording, served):
    templates = []
    for operation in served:
        method, template = operation.split(" ", 1)
        regex = "^" + re.sub(r"\\\{[^/}]+\\\}", "[^/]+", re.escape(template)) + "$"
        templates.append((template.count("{"), method, template, re.compile(regex)))
    templates.sort(key=lambda entry: entry[0])
    seen = set()
    with open(recording) as handle:
        for line in handle:
            if not line.strip():
                continue
            exchange = json.loads(line)
            path = exchange["url"].split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
            path = "/" + path
            for _, method, template, regex in templates:
                if method == exchange["method"] and regex.match(path):
                    seen.add(f"{method} {template}")
                    break
    return [operation for operation in served if operation not in seen]


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    recording, binary = sys.argv[1], sys.argv[2]
    problems = 0

    with open(recording) as handle:
        text = handle.read()
    exchanges = sum(1 for line in text.splitlines() if line.strip())
    leaked = set(re.findall(r'"authorization": "(Bearer (?!\*\*\*")[^"]*)"', text, flags=re.IGNORECASE))
    if leaked:
        print(f"FAIL: {len(leaked)} unmasked bearer token(s) in the recording")
        problems += 1

    _, raw_failures, raw_total = run_checker(recording)
    other = [line for line in raw_failures if not KNOWN_DEFECT.search(line)]
    print(f"contract as published: {raw_total} "
          f"({len(raw_failures) - len(other)} on the readOnly ssh_key_identifier parameter)")
    for line in other:
        print(line)
    problems += len(other)

    status, failures, total = run_checker(recording, derived_spec(recording + ".openapi.yaml"))
    print(f"contract with ssh_key_identifier's readOnly dropped: {total}")
    for line in failures:
        print(line)
    if status != 0:
        problems += 1

    served = subprocess.run([binary, "sim", "--list-operations"], capture_output=True, text=True, check=True).stdout.split("\n")
    served = [line for line in served if line.strip()]
    missing = coverage(recording, served)
    print(f"coverage: {len(served) - len(missing)} of {len(served)} served operations exercised in {exchanges} exchanges")
    for operation in missing:
        print(f"FAIL: never exercised: {operation}")
    problems += len(missing)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
