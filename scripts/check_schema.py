#!/usr/bin/env python3
"""Checks the spec files against the published JSON Schema (schema/*.schema.json).

Every YAML file under examples/ must pass; every file under Tests/Fixtures/schema-invalid/ must fail.
Prints one line per file and ends with `N passed, M failed`; exits 1 on any failure.
Needs: pip install jsonschema pyyaml
"""
import json
import pathlib
import sys

import jsonschema
import yaml

root = pathlib.Path(__file__).resolve().parent.parent
schemas = {}
for path in sorted((root / "schema").glob("*.schema.json")):
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    schemas[schema["properties"]["kind"]["const"]] = jsonschema.Draft202012Validator(schema)

passed = failed = 0


def check(path, should_pass):
    global passed, failed
    document = yaml.safe_load(path.read_text())
    validator = schemas.get((document or {}).get("kind"))
    errors = [f"kind {document.get('kind')!r} has no schema"] if validator is None else [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(document)
    ]
    ok = not errors if should_pass else bool(errors)
    rel = path.relative_to(root)
    if ok:
        passed += 1
        print(f"ok   {rel}" + ("" if should_pass else f" (rejected: {errors[0]})"))
    else:
        failed += 1
        print(f"FAIL {rel}: " + ("; ".join(errors) if should_pass else "the schema accepted an invalid spec"))


for path in sorted((root / "examples").rglob("*.y*ml")):
    check(path, True)
for path in sorted((root / "Tests/Fixtures/schema-invalid").rglob("*.y*ml")):
    check(path, False)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
