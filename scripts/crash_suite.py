#!/usr/bin/env python3
"""Crash suite: kill `arcadia apply` with SIGKILL at every step boundary of every saga kind, resume
with `arcadia sagas resume`, and check that nothing leaked, nothing was duplicated, and the ledger
agrees with DigitalOcean (the simulator).

For each saga kind and each of its steps, at each point (`before` the step acts, `after-call` when
DigitalOcean has acted but the ledger does not know, `after-ledger` when the ledger says completed),
one trial:

  1. a fresh simulator (`arcadia sim`) and a fresh state database;
  2. `arcadia apply` of the starting specs, normally;
  3. `arcadia apply` of the target specs with ARCADIA_CRASH_AT=<kind>:<step>:<point>: the process
     must die by SIGKILL at that point;
  4. `arcadia sagas resume`;
  5. the checks: every spec'd droplet exists exactly once with the spec'd size and image; no droplet,
     snapshot or volume exists that no spec or completed saga owns; every saga is `completed` or
     `rolled_back`; and a new `arcadia plan --detailed-exitcode` finds nothing to do (the ledger
     agrees with the simulator).

Modes (`--modes`, default all four):
  sqlite, postgres   the trials above on that engine;
  sqlite+faults      the same with 10% 5xx on every route, latency and 5% lost responses;
  workers/postgres   against PostgreSQL (ARCADIA_TEST_POSTGRES_URL): an apply of six droplets dies, then
                     two `sagas resume --wait` workers on separate "hosts" share the work, and worker A is
                     killed mid-saga at each create step boundary, so B must take its sagas over when
                     their leases run out.

Prints one line per trial, a table per mode, and last `N passed, M failed` (kill points that
passed / violations found). Usage: crash_suite.py ARCADIA_BINARY [--modes M,...] [--only KIND]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from urllib.parse import urlsplit, urlunsplit

TOKEN = "crash-suite-token"
TIME_SCALE = "0.005"
BASE_ENV = {
    "DIGITALOCEAN_TOKEN": TOKEN,
    "ARCADIA_POLL_INTERVAL": "0.02",
    "NO_COLOR": "1",
}


def spec(name, size="s-1vcpu-1gb", image="ubuntu-24-04-x64", snapshot=False):
    policy = "policy:\n  snapshotBeforeResize: true\n" if snapshot else ""
    return (f"apiVersion: arcadia/v1\nkind: Droplet\nmetadata:\n  name: {name}\nspec:\n  region: nyc3\n"
            f"  size: {size}\n  image: {image}\n  tags: [web]\n{policy}")


# kind -> (saga kind, steps, starting specs, target specs)
SCENARIOS = {
    "create": ("create", ["CreateDroplet", "WaitDropletActive", "RegisterDroplet"],
               {}, {"web": spec("web")}),
    "resize": ("resize", ["PowerOff", "Resize", "PowerOn", "WaitDropletActive", "RecordApplied"],
               {"app": spec("app")}, {"app": spec("app", size="s-1vcpu-2gb")}),
    "resize-with-snapshot": ("resize", ["SnapshotDroplet", "PowerOff", "Resize", "PowerOn", "WaitDropletActive", "RecordApplied"],
                             {"app": spec("app", snapshot=True)}, {"app": spec("app", size="s-1vcpu-2gb", snapshot=True)}),
    "destroy": ("destroy", ["DestroyDroplet", "ForgetDroplet"],
                {"old": spec("old"), "keep": spec("keep")}, {"keep": spec("keep")}),
    "replace": ("replace", ["CreateDroplet", "WaitDropletActive", "DestroyDroplet", "RegisterDroplet"],
                {"app": spec("app")}, {"app": spec("app", image="debian-12-x64")}),
}
POINTS = ["before", "after-call", "after-ledger"]
FAULTS = {"seed": 11, "routes": [{"route": "*", "error_rate": 0.1, "latency_ms": [0, 10], "lose_response_rate": 0.05}]}


class Simulator:
    def __init__(self, binary, directory, faults):
        command = [binary, "sim", "--port", "0", "--time-scale", TIME_SCALE, "--token", TOKEN]
        if faults:
            path = os.path.join(directory, "faults.json")
            with open(path, "w") as handle:
                json.dump(FAULTS, handle)
            command += ["--faults", path]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self.process.stdout:
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                self.url = match.group(1)
                return
        raise RuntimeError("the simulator did not start")

    def get(self, path):
        """A GET that is never faulted or rate-limited twice: retried until it answers 200."""
        for _ in range(50):
            request = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {TOKEN}"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return json.load(response)
            except Exception:
                time.sleep(0.05)
        raise RuntimeError(f"GET {path} kept failing")

    def listing(self, path, key):
        return self.get(f"{path}{'&' if '?' in path else '?'}per_page=200")[key]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Database:
    """A fresh SQLite file, or a fresh database on the PostgreSQL test server."""

    def __init__(self, engine, directory):
        self.engine = engine
        if engine == "sqlite":
            self.url = "sqlite:" + os.path.join(directory, "state.sqlite")
            return
        server = os.environ.get("ARCADIA_TEST_POSTGRES_URL")
        if not server:
            raise SystemExit("ARCADIA_TEST_POSTGRES_URL is not set: scripts/test starts a throwaway PostgreSQL server")
        self.server = server
        self.name = "crash_" + os.path.basename(directory).replace("-", "_").replace(".", "_").lower()
        subprocess.run(["psql", server, "-q", "-c", f"CREATE DATABASE {self.name}"], check=True, capture_output=True)
        parts = urlsplit(server)
        self.url = urlunsplit((parts.scheme, parts.netloc, "/" + self.name, parts.query, ""))

    def drop(self):
        if self.engine == "postgres":
            subprocess.run(["psql", self.server, "-q", "-c", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"], capture_output=True)


def arcadia(binary, arguments, directory, sim, database, extra=None, timeout=180):
    environment = dict(os.environ, **BASE_ENV, DIGITALOCEAN_API_URL=sim.url, ARCADIA_DATABASE_URL=database.url)
    environment.pop("ARCADIA_CRASH_AT", None)
    environment.update(extra or {})
    return subprocess.run([binary] + arguments, cwd=directory, env=environment, capture_output=True, text=True, timeout=timeout)


def write_specs(directory, specs):
    folder = os.path.join(directory, "specs")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, text in specs.items():
        with open(os.path.join(folder, f"{name}.yaml"), "w") as handle:
            handle.write(text)


def check(binary, directory, sim, database, target):
    """The invariants; returns a list of violations (empty when all hold)."""
    violations = []
    droplets = sim.listing("/v2/droplets", "droplets")
    names = [droplet["name"] for droplet in droplets]
    for name, text in target.items():
        size = re.search(r"size: (\S+)", text).group(1)
        image = re.search(r"image: (\S+)", text).group(1)
        found = [droplet for droplet in droplets if droplet["name"] == name]
        if len(found) != 1:
            violations.append(f"{len(found)} droplets named {name}, expected exactly 1")
        elif found[0]["size_slug"] != size or found[0]["image"]["slug"] != image:
            violations.append(f"{name} is {found[0]['size_slug']}/{found[0]['image']['slug']}, spec says {size}/{image}")
    for name in sorted(set(names) - set(target)):
        violations.append(f"droplet {name} is owned by no spec")

    listing = arcadia(binary, ["sagas", "list", "--json"], directory, sim, database)
    sagas = json.loads(listing.stdout) if listing.returncode == 0 else []
    if listing.returncode != 0:
        violations.append(f"sagas list failed: {listing.stderr.strip()[:200]}")
    for saga in sagas:
        if saga["status"] not in ("completed", "rolled_back"):
            violations.append(f"saga {saga['id'][:8]} ({saga['kind']} {saga['resourceName']}) is {saga['status']}")
    completed_tags = {saga["id"].replace("-", "")[:8] for saga in sagas if saga["status"] == "completed"}
    for snapshot in sim.listing("/v2/snapshots", "snapshots"):
        match = re.fullmatch(r"(.+)-arcadia-([0-9a-f]{8})", snapshot["name"])
        if not match or match.group(2) not in completed_tags:
            violations.append(f"snapshot {snapshot['name']} is owned by no completed saga")
    snapshot_names = [snapshot["name"] for snapshot in sim.listing("/v2/snapshots", "snapshots")]
    for name in set(snapshot_names):
        if snapshot_names.count(name) > 1:
            violations.append(f"{snapshot_names.count(name)} snapshots named {name}")
    for volume in sim.listing("/v2/volumes", "volumes"):
        violations.append(f"volume {volume['name']} is owned by no spec")

    plan = arcadia(binary, ["plan", "--specs", "specs", "--detailed-exitcode"], directory, sim, database)
    if plan.returncode != 0:
        summary = plan.stdout.strip().splitlines()[-1:] + plan.stderr.strip().splitlines()[-1:]
        violations.append(f"the ledger disagrees with the simulator: plan exited {plan.returncode}: {' / '.join(summary)[:300]}")
    return violations


def trial(binary, scenario, step, point, engine, faults):
    saga_kind, _, start, target = SCENARIOS[scenario]
    directory = tempfile.mkdtemp(prefix=f"crash-{scenario}-")
    sim = Simulator(binary, directory, faults)
    database = Database(engine, directory)
    try:
        if start:
            write_specs(directory, start)
            setup = arcadia(binary, ["apply", "--specs", "specs", "--auto-approve"], directory, sim, database)
            if setup.returncode != 0:
                return [f"setting up failed: {setup.stderr.strip()[-300:]}"]
        write_specs(directory, target)
        crash = f"{saga_kind}:{step}:{point}"
        crashed = arcadia(binary, ["apply", "--specs", "specs", "--auto-approve"], directory, sim, database, {"ARCADIA_CRASH_AT": crash})
        violations = []
        if crashed.returncode != -9:
            violations.append(f"apply was not killed at {crash} (exit {crashed.returncode}): the kill point was never reached")
        resumed = arcadia(binary, ["sagas", "resume"], directory, sim, database)
        if resumed.returncode != 0:
            violations.append(f"resume exited {resumed.returncode}: {resumed.stderr.strip()[-300:]}")
        return violations + check(binary, directory, sim, database, target)
    finally:
        sim.stop()
        database.drop()
        shutil.rmtree(directory, ignore_errors=True)


def worker_trial(binary, step, point, faults):
    """Two workers against PostgreSQL; worker A dies at create:<step>:<point>, worker B takes over."""
    target = {f"w{index}": spec(f"w{index}") for index in range(6)}
    directory = tempfile.mkdtemp(prefix="crash-workers-")
    sim = Simulator(binary, directory, faults)
    database = Database("postgres", directory)
    try:
        write_specs(directory, target)
        violations = []
        # The apply dies as it starts its first saga, leaving six sagas in the ledger under 2 s leases.
        first = arcadia(binary, ["apply", "--specs", "specs", "--auto-approve"], directory, sim, database,
                        {"ARCADIA_CRASH_AT": "create:CreateDroplet:before", "ARCADIA_LEASE_SECONDS": "2"})
        if first.returncode != -9:
            violations.append(f"the apply was not killed (exit {first.returncode})")
        environment = dict(os.environ, **BASE_ENV, DIGITALOCEAN_API_URL=sim.url, ARCADIA_DATABASE_URL=database.url)
        common = [binary, "sagas", "resume", "--wait", "--parallelism", "2", "--lease-seconds", "2"]
        # Worker A (host A) starts first and will die at the kill point; worker B (host B) starts once
        # A holds a saga, runs beside it, and must take A's sagas over when their leases run out.
        worker_a = subprocess.Popen(common, cwd=directory, env=dict(environment, ARCADIA_WORKER_HOST="worker-a", ARCADIA_CRASH_AT=f"create:{step}:{point}"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and worker_a.poll() is None:
            owners = subprocess.run(["psql", database.url, "-Atc", "SELECT count(*) FROM sagas WHERE owner LIKE 'worker-a:%'"],
                                    capture_output=True, text=True).stdout.strip()
            if owners not in ("", "0"):
                break
            time.sleep(0.05)
        worker_b = subprocess.Popen(common, cwd=directory, env=dict(environment, ARCADIA_WORKER_HOST="worker-b"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        worker_a.communicate(timeout=300)
        _, b_err = worker_b.communicate(timeout=300)
        if worker_a.returncode != -9:
            violations.append(f"worker A was not killed at create:{step}:{point} (exit {worker_a.returncode})")
        if worker_b.returncode != 0:
            violations.append(f"worker B exited {worker_b.returncode}: {b_err.strip()[-300:]}")
        return violations + check(binary, directory, sim, database, target)
    finally:
        sim.stop()
        database.drop()
        shutil.rmtree(directory, ignore_errors=True)


MODES = {
    # name: (engine, faults, two workers)
    "sqlite": ("sqlite", False, False),
    "postgres": ("postgres", False, False),
    "sqlite+faults": ("sqlite", True, False),
    "workers/postgres": ("postgres", False, True),
}


def run_mode(binary, mode, only):
    engine, faults, workers = MODES[mode]
    passed = failed = 0
    started = time.monotonic()
    if workers:
        trials = [("workers", step, point) for step in SCENARIOS["create"][1] for point in POINTS]
    else:
        trials = [(scenario, step, point) for scenario, (_, steps, _, _) in SCENARIOS.items()
                  if not only or scenario == only for step in steps for point in POINTS]
    for scenario, step, point in trials:
        violations = worker_trial(binary, step, point, faults) if workers else trial(binary, scenario, step, point, engine, faults)
        name = f"{scenario}:{step}:{point}"
        if violations:
            failed += len(violations)
            for violation in violations:
                print(f"FAIL [{mode}] {name}: {violation}", flush=True)
        else:
            passed += 1
            print(f"ok   [{mode}] {name}", flush=True)
    seconds = time.monotonic() - started
    print(f"crash suite [{mode}]: {len(trials)} kill points, {passed} passed, {failed} failed, {seconds:.0f} s", flush=True)
    return len(trials), passed, failed, seconds


def main():
    parser = argparse.ArgumentParser(description="Arcadia's crash suite")
    parser.add_argument("binary")
    parser.add_argument("--modes", default="sqlite,postgres,sqlite+faults,workers/postgres",
                        help="comma-separated, of: " + ", ".join(MODES))
    parser.add_argument("--only", help="one scenario: " + ", ".join(SCENARIOS))
    arguments = parser.parse_args()
    modes = arguments.modes.split(",")
    for mode in modes:
        if mode not in MODES:
            parser.error(f"unknown mode {mode}; use {', '.join(MODES)}")
    results = [(mode,) + run_mode(os.path.abspath(arguments.binary), mode, arguments.only) for mode in modes]
    print("\n| mode | kill points | passed | violations | time |\n| --- | --- | --- | --- | --- |")
    for mode, tried, passed, failed, seconds in results:
        print(f"| {mode} | {tried} | {passed} | {failed} | {seconds:.0f} s |")
    passed = sum(result[2] for result in results)
    failed = sum(result[3] for result in results)
    print(f"\n{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
