#!/usr/bin/env python3
"""Checks that `arcadia validate` and the published JSON Schemas (schema/*.schema.json) agree.

Cases are derived from each kind's schema itself, so the two cannot drift apart unnoticed: a valid
base document of the kind, then for every field the schema declares, variants that change only that
field:
  - for strings: YAML values that are not strings (42, 1.5, true, OFF, null, 2001-12-14), explicit
    tags (!!int, !custom, and !!str, which is a string), and for patterns a valid value with a
    trailing line break (\\r, \\n, U+2028, U+0085) and non-ASCII digits;
  - for booleans: a quoted "true", 1, !!str true, null;
  - for enums: an unknown value, a number, a quoted valid value;
  - for lists and mappings: a scalar instead;
  - for integers: a quoted number, a float, a boolean, null, hex, and values just past the bounds;
  - for required fields: the field left out.
A schema sees one file: each kind's cases are validated in a folder of their own, beside the specs
their references may name (SUPPORT, including a droplet named `42` for the `!!str 42` case), and what
validate checks between two specs that both exist (a volume's droplet in its region) is left out of
Arcadia's verdict. The schema's verdict is jsonschema's on PyYAML's reading of the file, with patterns matched as
JSON Schema (ECMA 262) means them: `$` at the very end, not before a final line break (Python's
`re` would let "nyc3\\n" through). Arcadia's verdict is whether `arcadia validate` reports anything
for the file. Every case must get the same verdict from both.

Prints one line per disagreement, then `schema agreement: N cases, M disagreements`; exits 1 on any.
Usage: check_schema_agreement.py ARCADIA_BINARY
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

root = pathlib.Path(__file__).resolve().parent.parent

# The valid base document of each kind, as raw YAML scalars and flow lists, in the order a person writes them.
BASE = {
    "apiVersion": "arcadia/v1",
    "kind": "Droplet",
    "metadata": {"name": "NAME", "labels": {"tier": "web"}},
    "spec": {
        "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "tags": ["web"], "sshKeys": ['"123"'],
        "monitoring": "true", "ipv6": "false", "backups": "false", "userData": '"#cloud-config"',
        "vpc": '"5a4c0de0-0000-4000-8000-000000000000"', "resizeDisk": "false",
    },
    "policy": {"protect": "false", "drift": "report", "ignore": ["tags"], "snapshotBeforeResize": "false"},
}
BASES = {
    "Droplet": BASE,
    "SSHKey": {
        "apiVersion": "arcadia/v1",
        "kind": "SSHKey",
        "metadata": {"name": "NAME", "labels": {"tier": "web"}},
        "spec": {"publicKey": '"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKmC3Ql1Zq7Jm0s8B4q2lX9WcY0W3aZ7pT6jJr0kq1Vb deploy@ci"'},
        "policy": {"protect": "false", "drift": "report", "ignore": ["publicKey"]},
    },
    "Volume": {
        "apiVersion": "arcadia/v1",
        "kind": "Volume",
        "metadata": {"name": "NAME", "labels": {"tier": "web"}},
        "spec": {
            "region": "nyc3", "sizeGigabytes": "100", "filesystemType": "ext4", "description": '"app data"', "tags": ["app"],
            "attachTo": "volume-host",
        },
        "policy": {"protect": "false", "drift": "report", "ignore": ["tags"], "snapshotBeforeDestroy": "false"},
    },
    "ReservedIP": {
        "apiVersion": "arcadia/v1",
        "kind": "ReservedIP",
        "metadata": {"name": "NAME", "labels": {"tier": "web"}},
        "spec": {"region": "nyc3", "droplet": "volume-host"},
        "policy": {"protect": "false", "drift": "report", "ignore": ["droplet"]},
    },
    "Firewall": {
        "apiVersion": "arcadia/v1",
        "kind": "Firewall",
        "metadata": {"name": "NAME", "labels": {"tier": "web"}},
        "spec": {
            "droplets": ["volume-host"], "tags": ["web"],
            "inbound": ['{protocol: tcp, ports: "22", sources: {addresses: ["0.0.0.0/0"], tags: [lb]}}'],
            "outbound": ['{protocol: icmp, destinations: {addresses: ["::/0"]}}'],
        },
        "policy": {"protect": "false", "drift": "report", "ignore": ["droplets"]},
    },
    "Domain": {
        "apiVersion": "arcadia/v1",
        "kind": "Domain",
        "metadata": {"name": "NAME.example.com", "labels": {"tier": "web"}},
        "spec": {
            "records": [
                '{type: A, name: www, droplet: volume-host, ttl: 300}', '{type: MX, name: "@", data: mail.example.com., priority: 10}',
                '{type: TXT, name: "@", data: "v=spf1 -all"}',
            ],
        },
        "policy": {"protect": "false", "drift": "report", "ignore": ["records"], "pruneRecords": "false"},
    },
}
# By kind, the specs its cases name (a volume's attachTo), written beside them.
SUPPORT = {
    "Volume": {
        f"support-{name}.yaml": f"apiVersion: arcadia/v1\nkind: Droplet\nmetadata:\n  name: '{name}'\nspec:\n  region: nyc3\n"
                                "  size: s-1vcpu-1gb\n  image: ubuntu-24-04-x64\n"
        for name in ["volume-host", "42"]
    },
}
SUPPORT["ReservedIP"] = SUPPORT["Firewall"] = SUPPORT["Domain"] = SUPPORT["Volume"]
# What validate checks between two specs that both exist, which no schema of one file can see.
CROSS_FILE = re.compile(r"(attaches a volume|assigns a reserved IP) only to a droplet in its region")
NOT_STRINGS = ["42", "1.5", "true", "OFF", "null", "~", "2001-12-14", "!!int 7", "!custom x"]
BREAKS = ["\\r", "\\n", "\\u2028", "\\x85"]


def render(document, indent=0):
    lines = []
    for key, value in document.items():
        pad = "  " * indent
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += render(value, indent + 1)
        elif isinstance(value, list):
            lines.append(f"{pad}{key}: [{', '.join(value)}]")
        else:
            lines.append(f"{pad}{key}: {value}")
    return lines


def resolve(schema, root_schema):
    while "$ref" in schema:
        schema = root_schema["$defs"][schema["$ref"].split("/")[-1]]
    return schema


def with_base(base, path, raw):
    """A copy of `base` with the field at `path` set to the raw YAML `raw` (None removes it)."""
    document = json.loads(json.dumps(base))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if raw is None:
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = raw
    return document


def valid_text(base, path):
    value = base
    for key in path:
        value = value[key]
    text = value[0] if isinstance(value, list) else value
    return text.strip('"')


def variants(base, path, schema, root_schema, required):
    """(description, document) pairs for one field."""
    def with_leaf(path, raw):
        return with_base(base, path, raw)
    schema = resolve(schema, root_schema)
    cases = []
    if path[-1] in required:
        cases.append(("left out", with_leaf(path, None)))
    kind = schema.get("type")
    is_list = kind == "array"
    item = resolve(schema.get("items", {}), root_schema) if is_list else schema
    wrap = (lambda raw: [raw]) if is_list else (lambda raw: raw)
    if is_list or kind == "object":
        cases.append(("a scalar instead", with_leaf(path, "web")))
    if item.get("type") == "string" or (kind == "object" and path[-1] == "labels"):
        target = path + ["tier"] if kind == "object" else path
        for raw in NOT_STRINGS + ["!!str 42"]:
            cases.append((f"{raw!r}", with_leaf(target, raw) if kind == "object" else with_leaf(path, wrap(raw))))
        if "pattern" in item:
            good = valid_text(base, path)
            for suffix in BREAKS:
                cases.append((f"valid + {suffix}", with_leaf(path, wrap(f'"{good}{suffix}"'))))
            for digits in ["٣", "½", "１２"]:
                cases.append((f"{digits!r}", with_leaf(path, wrap(f'"{digits}"'))))
    if item.get("type") == "integer":
        bounds = [str(item.get("minimum", 1) - 1)] + ([str(item["maximum"]), str(item["maximum"] + 1)] if "maximum" in item else [])
        for raw in ['"3"', "1.5", "true", "null", "!!str 3", "0x10", "-1"] + bounds:
            cases.append((f"{raw!r}", with_leaf(path, wrap(raw))))
    if item.get("type") == "boolean":
        for raw in ['"true"', "1", "!!str true", "null", "yes"]:
            cases.append((f"{raw!r}", with_leaf(path, wrap(raw))))
    if "enum" in item or "const" in item:
        allowed = item.get("enum") or [item.get("const")]
        for raw in ['"bogus"', "42", f'"{allowed[0]}"', f"!!str {allowed[0]}", f"!custom {allowed[0]}"]:
            cases.append((f"{raw!r}", with_leaf(path, wrap(raw))))
    return cases


def fields(schema, root_schema, path):
    """Every leaf field the schema declares, with its schema and whether its parent requires it."""
    schema = resolve(schema, root_schema)
    for name, child in schema.get("properties", {}).items():
        child_path = path + [name]
        yield child_path, child, set(schema.get("required", []))
        resolved = resolve(child, root_schema)
        if resolved.get("type") == "object" and "properties" in resolved:
            yield from fields(resolved, root_schema, child_path)


def ecma_validator(schema):
    """jsonschema with JSON Schema's own reading of `pattern`: `$` only at the very end."""
    def pattern(validator, value, instance, schema):
        if validator.is_type(instance, "string"):
            anchored = value.replace("$", r"\Z") if not value.endswith("\\$") else value
            if not re.search(anchored, instance):
                yield jsonschema.ValidationError(f"{instance!r} does not match {value!r}")
    cls = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": pattern})
    return cls(schema)


def judge(binary, kind, schema):
    """(field, description, schema verdict, arcadia verdict) for every case of one kind, validated in a
    folder of their own beside the kind's supporting specs; None if those do not validate."""
    base, validator = BASES[kind], ecma_validator(schema)
    cases = [(f"{kind} base", "valid", base)]
    for path, child, required in fields(schema, schema, []):
        for description, document in variants(base, path, child, schema, required):
            cases.append((f"{kind} " + "/".join(path), description, document))
    support = SUPPORT.get(kind, {})
    with tempfile.TemporaryDirectory() as directory:
        folder = pathlib.Path(directory) / "specs"
        folder.mkdir()
        for name, text in support.items():
            (folder / name).write_text(text, encoding="utf-8")
        files = []
        for index, (field, description, document) in enumerate(cases):
            document = json.loads(json.dumps(document))
            metadata = document.get("metadata")
            if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
                metadata["name"] = metadata["name"].replace("NAME", f"case-{index}")
            text = "\n".join(render(document)) + "\n"
            path = folder / f"case-{index:04d}.yaml"
            path.write_text(text, encoding="utf-8")
            try:
                loaded = yaml.safe_load(text)
                schema_ok = not list(validator.iter_errors(loaded))
            except yaml.YAMLError:
                schema_ok = False
            files.append((path, field, description, schema_ok))
        result = subprocess.run([binary, "validate", "--specs", str(folder)], capture_output=True, text=True, timeout=120)
        reported = {line.split(":", 1)[0] for line in result.stderr.splitlines() if line.startswith(str(folder)) and not CROSS_FILE.search(line)}
        broken = sorted(name for name in support if str(folder / name) in reported)
        if broken:
            print(f"the supporting specs of {kind} do not validate: {', '.join(broken)}")
            return None
    return [(field, description, schema_ok, str(path) not in reported) for path, field, description, schema_ok in files]


def main():
    binary = sys.argv[1]
    verdicts = []
    for schema_path in sorted((root / "schema").glob("*.schema.json")):
        schema = json.loads(schema_path.read_text())
        kind = schema["properties"]["kind"]["const"]
        if kind not in BASES:
            print(f"no base document for kind {kind} ({schema_path.name}): add one to BASES")
            return 1
        judged = judge(binary, kind, schema)
        if judged is None:
            return 1
        verdicts += judged

    disagreements = 0
    for field, description, schema_ok, arcadia_ok in verdicts:
        if arcadia_ok != schema_ok:
            disagreements += 1
            print(f"DISAGREE {field} = {description}: schema {'accepts' if schema_ok else 'rejects'}, "
                  f"arcadia {'accepts' if arcadia_ok else 'rejects'}")
    print(f"schema agreement: {len(verdicts)} cases, {disagreements} disagreements")
    return 1 if disagreements or len(verdicts) < 50 else 0


if __name__ == "__main__":
    sys.exit(main())
