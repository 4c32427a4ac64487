#!/usr/bin/env python3
"""Runs README.md's tour as written and fails if it does not do what the README shows.

The tour is the ```console blocks under "## A tour": a line `$ COMMAND` is a command (lines after it that
start with `> ` continue it, as a shell prompts for a here-document); the lines after it, up to the next
command, are what it prints (standard output and standard error, in order). A prompt line ending in `: yes`
shows the answer the reader types; the script types it.

The commands run in order with bash, twice: in a fresh empty temporary directory, and in a fresh `git clone`
of this repository, so the tour works both for someone with only the binary and in a checkout. They use the
`arcadia` given as the argument (put first on PATH; nothing is built), with the embedded simulator sped up.
Only what genuinely varies between runs is normalised: saga ids, droplet ids, timestamps, durations, addresses.
Exits 1 at the first command that fails or whose output departs from the README, showing the difference.

Usage: scripts/check_readme_tour.py PATH/TO/arcadia
"""
import difflib
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
VARIABLE = [
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?"), "<time>"),
    (re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\b"), "<time>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uuid>"),
    (re.compile(r"\b[0-9a-f]{8}\b"), "<id>"),
    (re.compile(r"\(\d+(\.\d+)?s\)"), "(<duration>)"),
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b"), "<ip>"),
    (re.compile(r"\b\d{6,}\b"), "<number>"),
    (re.compile(r"127\.0\.0\.1:\d+|localhost:\d+"), "<address>"),
]


def tour_steps(readme):
    """[(command, [expected lines])] from the tour's console blocks."""
    section = readme.split("\n## A tour\n", 1)[1].split("\n## ", 1)[0]
    steps = []
    for block in re.findall(r"```console\n(.*?)```", section, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append([line[2:], []])
            elif line.startswith("> ") and steps and not steps[-1][1]:
                steps[-1][0] += "\n" + line[2:]
            elif steps:
                steps[-1][1].append(line)
    if not steps:
        sys.exit("README.md: no ```console block with `$ ` commands under '## A tour'")
    return steps


def normalise(lines):
    out = []
    for line in lines:
        line = line.rstrip()
        for pattern, replacement in VARIABLE:
            line = pattern.sub(replacement, line)
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out


def run_tour(steps, directory, binary, label):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCADIA_", "DIGITALOCEAN_"))}
    env.update(PATH=f"{pathlib.Path(binary).resolve().parent}:{env.get('PATH', '')}", NO_COLOR="1", ARCADIA_SIM_TIME_SCALE="0.002")
    cwd = directory
    marker = pathlib.Path(directory).parent / f".{label}-cwd"
    for command, shown in steps:
        answer = "".join(line.rsplit(": ", 1)[1] + "\n" for line in shown if line.endswith(": yes"))
        expected = [line[: -len("yes")] if line.endswith(": yes") else line for line in shown]
        script = f'{command}\nstatus=$?\npwd > "{marker}"\nexit $status\n'
        result = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, input=answer, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        cwd = marker.read_text().strip() if marker.exists() else cwd
        got = normalise(result.stdout.splitlines())
        want = normalise(expected)
        first = command.splitlines()[0]
        if result.returncode != 0:
            print(f"{label}: `{first}` exited {result.returncode}:\n{result.stdout}")
            return False
        if got != want:
            diff = "\n".join(difflib.unified_diff(want, got, "README.md", "actual", lineterm=""))
            print(f"{label}: `{first}` printed something else than README.md shows:\n{diff}")
            return False
        print(f"{label}: ok  $ {first}")
    return True


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    steps = tour_steps((ROOT / "README.md").read_text())
    ok = True
    with tempfile.TemporaryDirectory(prefix="arcadia-tour-") as temporary:
        empty = pathlib.Path(temporary, "empty")
        empty.mkdir()
        ok &= run_tour(steps, str(empty), binary, "empty directory")
        clone = pathlib.Path(temporary, "clone")
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        ok &= run_tour(steps, str(clone), binary, "fresh clone")
    print("README tour: " + ("passed" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
