#!/usr/bin/env python3
"""Crash suite: kill `arcadia apply` with SIGKILL inside every saga kind, then resume it, cancel it,
or change the specs under it, and check that nothing leaked, nothing was duplicated, and the ledger
agrees with DigitalOcean (the simulator).

Kill points (`ARCADIA_CRASH_AT=<saga-kind>:<step>:<moment>`, a test-only hook that SIGKILLs the
process). Every step of every saga kind (create, resize, resize with snapshot and pruning, destroy, replace,
power-on: a droplet powered off by hand under `policy.drift: revert`) has
three moments: `before` the step acts, `after-call` when DigitalOcean has acted but the ledger does
not know, `after-ledger` when the ledger says the step completed. The steps that post a droplet
action (PowerOff, Resize, PowerOn, SnapshotDroplet) have two more, inside the step: `after-post` (the
action POST was answered; the ledger does not know the action id yet) and `polling` (the action id
is in the ledger; the action is in flight). DestroyDroplet has `sending`: its DELETE is recorded as
about to be sent, and is not sent yet (the droplet still lists, yet the saga can no longer be undone).
Volumes have scenarios of their own (volume-create with attach, volume-grow, volume-retag, volume-move,
volume-replace, volume-destroy with a snapshot first): AttachVolume, DetachVolume and ResizeVolume post
volume actions and have the two in-step moments; ResizeVolume and DestroyVolume, points of no return,
have `sending`. Reserved IPs too (reservedip-create with an assign, -reassign, -unassign, -destroy):
AssignReservedIP and UnassignReservedIP post actions and have the in-step moments; CreateReservedIP
(which notes the region's addresses before its POST) and DestroyReservedIP have `sending`. Firewalls
(firewall-create, -update: one PUT of the whole firewall, -destroy): DestroyFirewall has `sending`. Domains
(domain-create with its records, -update: a record updated, one created, one deleted, -destroy):
CreateDomain and DestroyDomain have `sending`. A droplet replaced under a reserved IP, a firewall and a
domain (replace-with-dependents): MoveDependents moves all three to the new droplet before DestroyDroplet
and has the in-step moments of the reserved IP's assign; a cancel puts them back and must leave the
followers' record sagas cancelled with it, nothing pending.

Trial types (`--kinds`), each on a fresh simulator (`arcadia sim`) and a fresh state database:

  kill           the full boundary sweep, every step x every moment: apply the starting specs; apply
                 the target specs with the kill point (the process must die by SIGKILL there: a kill
                 point never reached is a violation; with faults, only when it is not reached on any of
                 three fault seeds, since a lost answer to the POST before it rightly makes the step
                 adopt the action instead); `sagas resume`; check against the target specs.
  apply-changed  kill as above, then write CHANGED specs that make the unfinished saga unwanted or
                 different (create: the spec removed; destroy: the spec restored with
                 `policy: protect: true`; resize: a third size; resize with snapshot: back to the
                 starting size; replace: back to the starting image; power-on: a resize); `apply` (exit 0 or 1: the
                 blocked resource is left alone; never killed, never a crash); `sagas resume --specs
                 specs`; `apply` again (exit 0); check against the changed specs.
  cancel         (not power-on, whose start is out of step with its specs by design)
                 kill as above, then `sagas cancel` the unfinished saga. Exit 0: the saga must end
                 `cancelled` and the world match the STARTING specs (kept in `start-specs/`), with no
                 snapshot left. Exit 1: stderr must name the point of no return; `sagas resume` then
                 finishes the saga and the world must match the target specs.
  cancel-live    no kill: `apply` of the target specs runs in the background on a slower simulator
                 (time scale 0.05); once the chosen step is `running` (create:WaitDropletActive,
                 resize:Resize, resize-with-snapshot:SnapshotDroplet, replace:WaitDropletActive,
                 replace:DestroyDroplet, destroy:DestroyDroplet; the DELETE is slowed for the last two)
                 `sagas cancel` runs in a second process; then the apply ends, `sagas resume` runs, and
                 the saga must have ended `cancelled` with the world at the starting specs, or
                 `completed` (cancel refused at the point of no return, or too late) with the world
                 at the target specs.

The check: every spec'd droplet exists exactly once with the spec'd size and image, every spec'd
volume exactly once with its size, attached to the droplet its spec names (or to none); no droplet,
snapshot or volume exists that no spec or completed saga owns; every saga is `completed`,
`rolled_back`, `cancelled` or `superseded` (`pending`, `running`, `compensating` and `failed`, which
means halted and resumable, are violations); and `plan --detailed-exitcode` against the specs the
world should match finds nothing to do (the ledger agrees with the simulator). Any arcadia command
that runs longer than 120 s has hung, and that is a violation too.

Modes (`--modes`, default all four):
  sqlite, postgres   the trials above on that engine (postgres: ARCADIA_TEST_POSTGRES_URL);
  sqlite+faults      the same, without cancel-live, with 10% 5xx on every route, latency and 5% lost
                     responses;
  workers/postgres   an apply of six droplets dies, then two `sagas resume --wait` workers on separate
                     "hosts" share the work, and worker A is killed mid-saga at each create step
                     boundary, so B must take its sagas over when their leases run out.

Sampling: the kill sweep is complete in every engine mode; apply-changed and cancel are a seeded
random sample (`--samples`, default 12 of each per engine mode) of all (scenario, step, moment)
kill points. The seed (`--seed N`; default derived from the clock) is printed first as
`crash suite seed: N`, and `--seed N` reproduces the same sample. Trials are independent and run on
a pool of `--jobs` workers (default 3).

Prints one line per trial as it ends (`ok   [mode] name`, `FAIL [mode] name: violation`), a table
per mode, and last `N passed, M failed` (trials that passed / violations found); exits 1 on any
violation. Usage: crash_suite.py ARCADIA_BINARY [--modes M,...] [--only SCENARIO] [--kinds K,...]
[--seed N] [--samples N] [--jobs N]
"""

import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from urllib.parse import urlsplit, urlunsplit

TOKEN = "crash-suite-token"
TIME_SCALE = "0.005"
LIVE_TIME_SCALE = "0.05"
BASE_ENV = {
    "DIGITALOCEAN_TOKEN": TOKEN,
    "ARCADIA_POLL_INTERVAL": "0.02",
    "NO_COLOR": "1",
}
# No arcadia command in a trial takes more than a few seconds; one that runs this long has hung.
COMMAND_TIMEOUT = 120
FINAL = ("completed", "rolled_back", "cancelled", "superseded")


def spec(name, size="s-1vcpu-1gb", image="ubuntu-24-04-x64", snapshot=False, protect=False, revert=False):
    # Resize snapshots are pruned to one, so PruneSnapshots is in the saga and killed like every step.
    policy = (("  snapshotBeforeResize: true\n  keepSnapshots: 1\n" if snapshot else "") + ("  protect: true\n" if protect else "")
              + ("  drift: revert\n" if revert else ""))
    return (f"apiVersion: arcadia/v1\nkind: Droplet\nmetadata:\n  name: {name}\nspec:\n  region: nyc3\n"
            f"  size: {size}\n  image: {image}\n  tags: [web]\n" + (f"policy:\n{policy}" if policy else ""))


# scenario -> (saga kind, steps, starting specs, target specs, changed specs, the saga's resource)
SCENARIOS = {
    "create": ("create", ["CreateDroplet", "WaitDropletActive", "RegisterDroplet"],
               {}, {"web": spec("web")}, {}, "web"),
    "resize": ("resize", ["PowerOff", "Resize", "PowerOn", "WaitDropletActive", "RecordApplied"],
               {"app": spec("app")}, {"app": spec("app", size="s-1vcpu-2gb")},
               {"app": spec("app", size="s-2vcpu-2gb")}, "app"),
    "resize-with-snapshot": ("resize", ["SnapshotDroplet", "PowerOff", "Resize", "PowerOn", "WaitDropletActive", "RecordApplied",
                                        "PruneSnapshots"],
                             {"app": spec("app", snapshot=True)}, {"app": spec("app", size="s-1vcpu-2gb", snapshot=True)},
                             {"app": spec("app", snapshot=True)}, "app"),
    "destroy": ("destroy", ["DestroyDroplet", "ForgetDroplet"],
                {"old": spec("old"), "keep": spec("keep")}, {"keep": spec("keep")},
                {"old": spec("old", protect=True), "keep": spec("keep")}, "old"),
    "replace": ("replace", ["CreateDroplet", "WaitDropletActive", "DestroyDroplet", "RegisterDroplet"],
                {"app": spec("app")}, {"app": spec("app", image="debian-12-x64")}, {"app": spec("app")}, "app"),
    # The droplet is powered off by hand after setup (POWERED_OFF_AT_START); drift: revert powers it on.
    "power-on": ("power-on", ["PowerOn", "RecordApplied"],
                 {"app": spec("app", revert=True)}, {"app": spec("app", revert=True)},
                 {"app": spec("app", size="s-1vcpu-2gb", revert=True)}, "app"),
}
# scenario -> the droplet powered off outside Arcadia once the starting specs are applied.
POWERED_OFF_AT_START = {"power-on": "app"}
# A cancel puts the world back as it started; a world that started out of step with its specs (a droplet
# powered off by hand) cannot then pass the in-sync check, so these scenarios get no cancel trials.
NO_CANCEL = {"power-on"}
POINTS = ["before", "after-call", "after-ledger"]
# Steps that post a droplet action have two more moments, inside the step.
ACTION_STEPS = {"PowerOff", "Resize", "PowerOn", "SnapshotDroplet"}  # PowerOn also in power-on
# Steps that record a request as about to be sent before sending it have `sending`.
SENDING_STEPS = {"DestroyDroplet"}
IN_STEP_POINTS = ["after-post", "polling"]
# cancel-live: the step that is in flight when the cancel comes.
LIVE_STEPS = [("create", "WaitDropletActive"), ("resize", "Resize"), ("resize-with-snapshot", "SnapshotDroplet"),
              ("replace", "WaitDropletActive"), ("replace", "DestroyDroplet"), ("destroy", "DestroyDroplet")]
def volume_spec(name, size=10, attach="web", snapshot=False, protect=False, filesystem="ext4", tags="data"):
    policy = ("  snapshotBeforeDestroy: true\n" if snapshot else "") + ("  protect: true\n" if protect else "")
    return (f"apiVersion: arcadia/v1\nkind: Volume\nmetadata:\n  name: {name}\nspec:\n  region: nyc3\n  sizeGigabytes: {size}\n"
            f"  filesystemType: {filesystem}\n  tags: [{tags}]\n" + (f"  attachTo: {attach}\n" if attach else "")
            + (f"policy:\n{policy}" if policy else ""))


# Volumes: created and attached to a droplet, grown, retagged, moved to another droplet, replaced by a
# new filesystem (the old one goes first: one volume of a name per region), destroyed with a snapshot
# first. Grow is irreversible (volumes never shrink), so ResizeVolume is a point of no return: a cancel
# after it is refused, and the changed specs grow it further rather than back.
SCENARIOS.update({
    "volume-create": ("create", ["CreateVolume", "AttachVolume", "RegisterVolume"],
                      {"web": spec("web")}, {"web": spec("web"), "data": volume_spec("data")}, {"web": spec("web")}, "data"),
    "volume-grow": ("resize", ["ResizeVolume", "RecordApplied"],
                    {"web": spec("web"), "data": volume_spec("data")}, {"web": spec("web"), "data": volume_spec("data", size=20)},
                    {"web": spec("web"), "data": volume_spec("data", size=30)}, "data"),
    "volume-move": ("move", ["DetachVolume", "AttachVolume", "RecordApplied"],
                    {"web": spec("web"), "db": spec("db"), "data": volume_spec("data")},
                    {"web": spec("web"), "db": spec("db"), "data": volume_spec("data", attach="db")},
                    {"web": spec("web"), "db": spec("db"), "data": volume_spec("data", attach=None)}, "data"),
    "volume-retag": ("tag", ["SetVolumeTags", "RecordApplied"],
                     {"web": spec("web"), "data": volume_spec("data")}, {"web": spec("web"), "data": volume_spec("data", tags="data, logs")},
                     {"web": spec("web"), "data": volume_spec("data", tags="logs")}, "data"),
    "volume-replace": ("replace", ["DetachVolume", "DestroyVolume", "CreateVolume", "AttachVolume", "RegisterVolume"],
                       {"web": spec("web"), "data": volume_spec("data")}, {"web": spec("web"), "data": volume_spec("data", filesystem="xfs")},
                       {"web": spec("web"), "data": volume_spec("data")}, "data"),
    "volume-destroy": ("destroy", ["DetachVolume", "SnapshotVolume", "DestroyVolume", "ForgetVolume"],
                       {"web": spec("web"), "data": volume_spec("data", snapshot=True)}, {"web": spec("web")},
                       {"web": spec("web"), "data": volume_spec("data", snapshot=True, protect=True)}, "data"),
})
ACTION_STEPS |= {"AttachVolume", "DetachVolume", "ResizeVolume"}
SENDING_STEPS |= {"ResizeVolume", "DestroyVolume"}


def reserved_ip_spec(name, droplet="web", protect=False):
    return (f"apiVersion: arcadia/v1\nkind: ReservedIP\nmetadata:\n  name: {name}\nspec:\n  region: nyc3\n"
            + (f"  droplet: {droplet}\n" if droplet else "") + ("policy:\n  protect: true\n" if protect else ""))


# Reserved IPs: reserved and assigned, reassigned to another droplet, unassigned, released. Nothing on
# a reserved IP says which saga reserved it (no name, no tags): CreateReservedIP notes the region's
# addresses before its POST (`sending`) and adopts the one that is new. Releasing is the point of no return.
SCENARIOS.update({
    "reservedip-create": ("create", ["CreateReservedIP", "AssignReservedIP", "RegisterReservedIP"],
                          {"web": spec("web")}, {"web": spec("web"), "ip": reserved_ip_spec("ip")}, {"web": spec("web")}, "ip"),
    "reservedip-reassign": ("reassign", ["AssignReservedIP", "RecordApplied"],
                            {"web": spec("web"), "db": spec("db"), "ip": reserved_ip_spec("ip")},
                            {"web": spec("web"), "db": spec("db"), "ip": reserved_ip_spec("ip", droplet="db")},
                            {"web": spec("web"), "db": spec("db"), "ip": reserved_ip_spec("ip", droplet=None)}, "ip"),
    "reservedip-unassign": ("unassign", ["UnassignReservedIP", "RecordApplied"],
                            {"web": spec("web"), "ip": reserved_ip_spec("ip")}, {"web": spec("web"), "ip": reserved_ip_spec("ip", droplet=None)},
                            {"web": spec("web"), "ip": reserved_ip_spec("ip")}, "ip"),
    "reservedip-destroy": ("destroy", ["DestroyReservedIP", "ForgetReservedIP"],
                           {"web": spec("web"), "ip": reserved_ip_spec("ip")}, {"web": spec("web")},
                           {"web": spec("web"), "ip": reserved_ip_spec("ip", protect=True)}, "ip"),
})
ACTION_STEPS |= {"AssignReservedIP", "UnassignReservedIP"}
SENDING_STEPS |= {"CreateReservedIP", "DestroyReservedIP"}


def firewall_spec(name, ports=("22",), protect=False):
    rules = "".join(f'    - {{protocol: tcp, ports: "{port}", sources: {{addresses: ["0.0.0.0/0"]}}}}\n' for port in ports)
    return (f"apiVersion: arcadia/v1\nkind: Firewall\nmetadata:\n  name: {name}\nspec:\n  droplets: [web]\n  inbound:\n{rules}"
            + ("policy:\n  protect: true\n" if protect else ""))


# Firewalls: created, updated with one PUT of the whole firewall (compensated by PUTting the previous
# one), deleted. DigitalOcean allows two of a name and gives a firewall no tags: a create that may have
# posted adopts the firewall of its name created since it began. Deleting is the point of no return.
SCENARIOS.update({
    "firewall-create": ("create", ["CreateFirewall", "RegisterFirewall"],
                        {"web": spec("web")}, {"web": spec("web"), "fw": firewall_spec("fw")}, {"web": spec("web")}, "fw"),
    "firewall-update": ("update", ["UpdateFirewall", "RecordApplied"],
                        {"web": spec("web"), "fw": firewall_spec("fw")}, {"web": spec("web"), "fw": firewall_spec("fw", ports=("22", "443"))},
                        {"web": spec("web"), "fw": firewall_spec("fw", ports=("80",))}, "fw"),
    "firewall-destroy": ("destroy", ["DestroyFirewall", "ForgetFirewall"],
                         {"web": spec("web"), "fw": firewall_spec("fw")}, {"web": spec("web")},
                         {"web": spec("web"), "fw": firewall_spec("fw", protect=True)}, "fw"),
})
SENDING_STEPS |= {"DestroyFirewall"}


def domain_spec(name, records=("{type: A, name: www, droplet: web, ttl: 300}", '{type: TXT, name: "@", data: "v=spf1 -all"}'), protect=False):
    lines = "".join(f"    - {record}\n" for record in records)
    return (f"apiVersion: arcadia/v1\nkind: Domain\nmetadata:\n  name: {name}\nspec:\n  records:\n{lines}"
            + ("policy:\n  protect: true\n" if protect else ""))


# Domains: added with a record at the droplet's address and a TXT record, each record a step; updated
# (a TTL changed in place, a record added, one deleted: one step each); deleted with every record. A
# domain's name is unique in DigitalOcean, so CreateDomain records its POST (`sending`) and adopts the
# domain only after that; a record step that may have posted adopts the record of its type, name and data.
DOMAIN_UPDATED = ("{type: A, name: www, droplet: web, ttl: 600}", "{type: CNAME, name: api, data: www.example.com.}")
SCENARIOS.update({
    "domain-create": ("create", ["CreateDomain", "CreateDomainRecord", "RegisterDomain"],
                      {"web": spec("web")}, {"web": spec("web"), "dns": domain_spec("example.com")}, {"web": spec("web")}, "example.com"),
    "domain-update": ("update", ["UpdateDomainRecord", "CreateDomainRecord", "DeleteDomainRecord", "RecordApplied"],
                      {"web": spec("web"), "dns": domain_spec("example.com")}, {"web": spec("web"), "dns": domain_spec("example.com", DOMAIN_UPDATED)},
                      {"web": spec("web"), "dns": domain_spec("example.com", ("{type: A, name: www, droplet: web, ttl: 900}",))}, "example.com"),
    "domain-destroy": ("destroy", ["DestroyDomain", "ForgetDomain"],
                       {"web": spec("web"), "dns": domain_spec("example.com")}, {"web": spec("web")},
                       {"web": spec("web"), "dns": domain_spec("example.com", protect=True)}, "example.com"),
})
SENDING_STEPS |= {"CreateDomain", "DestroyDomain"}

# A droplet replaced under a reserved IP, a firewall and a domain's A record: its replace saga moves all
# three to the new droplet (MoveDependents: an assign action, an add-droplets call, a record PUT) before
# it destroys the old one; each follower's own saga only records the move. A cancel moves them back.
DEPENDENTS = {"ip": reserved_ip_spec("ip"), "fw": firewall_spec("fw"), "dns": domain_spec("example.com")}
SCENARIOS.update({
    "replace-with-dependents": ("replace", ["CreateDroplet", "WaitDropletActive", "MoveDependents", "DestroyDroplet", "RegisterDroplet"],
                                {"web": spec("web"), **DEPENDENTS}, {"web": spec("web", image="debian-12-x64"), **DEPENDENTS},
                                {"web": spec("web"), **DEPENDENTS}, "web"),
})
ACTION_STEPS |= {"MoveDependents"}
KINDS = ["kill", "apply-changed", "cancel", "cancel-live"]
FAULT_SEEDS = [11, 12, 13]
NEVER_REACHED = "the kill point was never reached"
FAULTS = {"seed": FAULT_SEEDS[0], "routes": [{"route": "*", "error_rate": 0.1, "latency_ms": [0, 10], "lose_response_rate": 0.05}]}
# cancel-live at DestroyDroplet: a DELETE that takes 2 s, so the step is seen running.
SLOW_DELETE = {"seed": 1, "routes": [{"route": "DELETE /v2/droplets/{droplet_id}", "latency_ms": [2000, 2000]}]}
CRASH_SIGNS = re.compile(r"Fatal error|stack trace|Stack dump|Program crashed|Segmentation fault|panic", re.IGNORECASE)


def points_of(step):
    return POINTS + (IN_STEP_POINTS if step in ACTION_STEPS else []) + (["sending"] if step in SENDING_STEPS else [])


def kill_points(only):
    return [(scenario, step, point) for scenario, (_, steps, *_rest) in SCENARIOS.items()
            if not only or scenario == only for step in steps for point in points_of(step)]


class Simulator:
    def __init__(self, binary, directory, faults, time_scale=TIME_SCALE):
        command = [binary, "sim", "--port", "0", "--time-scale", time_scale, "--token", TOKEN]
        if faults:
            path = os.path.join(directory, "faults.json")
            with open(path, "w") as handle:
                json.dump(faults, handle)
            command += ["--faults", path]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self.process.stdout:
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                self.url = match.group(1)
                # Keep reading its output, so a chatty simulator never blocks on a full pipe.
                threading.Thread(target=self.process.stdout.read, daemon=True).start()
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

    def post(self, path, body):
        """A POST retried until it answers 2xx (faults may refuse it before any change)."""
        for _ in range(50):
            request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method="POST",
                                             headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return json.load(response)
            except Exception:
                time.sleep(0.05)
        raise RuntimeError(f"POST {path} kept failing")

    def power_off(self, name):
        """Powers the droplet off as an operator would, outside Arcadia, and waits until it is off."""
        droplet = next(d for d in self.listing("/v2/droplets", "droplets") if d["name"] == name)
        self.post(f"/v2/droplets/{droplet['id']}/actions", {"type": "power_off"})
        for _ in range(400):
            current = self.get(f"/v2/droplets/{droplet['id']}")["droplet"]
            if current["status"] == "off" and not current["locked"]:
                return
            time.sleep(0.05)
        raise RuntimeError(f"droplet {name} did not power off")

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


def quiet(text):
    """The text without the client's `retrying ...` notes, which faults make common."""
    return "\n".join(line for line in (text or "").strip().splitlines() if not line.startswith("retrying "))


def tail(result, characters=300):
    return (quiet(result.stderr) or quiet(result.stdout))[-characters:].replace("\n", " / ")


def crash_of(result, allowed=(0, 1)):
    """None when a command ended with an allowed exit status and no crash report, else what went wrong."""
    if result.returncode < 0:
        return f"was killed by signal {-result.returncode}: {tail(result)}"
    match = CRASH_SIGNS.search(result.stderr or "")
    if match:
        return f"crashed ({match.group(0)}): {tail(result)}"
    if result.returncode not in allowed:
        return f"exited {result.returncode}: {tail(result)}"
    return None


class World:
    """One trial's temporary directory, simulator and database."""

    def __init__(self, binary, prefix, engine, faults, time_scale=TIME_SCALE, poll_interval=None):
        self.binary = binary
        self.directory = tempfile.mkdtemp(prefix=f"crash-{prefix}-")
        self.sim = Simulator(binary, self.directory, faults, time_scale)
        try:
            self.database = Database(engine, self.directory)
        except BaseException:
            self.sim.stop()
            raise
        self.environment = dict(os.environ, **BASE_ENV, DIGITALOCEAN_API_URL=self.sim.url, ARCADIA_DATABASE_URL=self.database.url)
        self.environment.pop("ARCADIA_CRASH_AT", None)
        if poll_interval:
            self.environment["ARCADIA_POLL_INTERVAL"] = poll_interval

    def close(self):
        self.sim.stop()
        self.database.drop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def run(self, arguments, extra=None, timeout=COMMAND_TIMEOUT):
        try:
            return subprocess.run([self.binary] + arguments, cwd=self.directory, env=dict(self.environment, **(extra or {})),
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            output = (expired.stdout or b"")
            output = output.decode(errors="replace") if isinstance(output, bytes) else output
            last = " / ".join(output.strip().splitlines()[-2:])
            raise RuntimeError(f"`arcadia {' '.join(arguments)}` hung: no exit after {timeout} s (last output: {last[-200:]})") from None

    def write_specs(self, specs, folder="specs"):
        path = os.path.join(self.directory, folder)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        for name, text in specs.items():
            with open(os.path.join(path, f"{name}.yaml"), "w") as handle:
                handle.write(text)

    def apply(self, extra=None):
        return self.run(["apply", "--specs", "specs", "--auto-approve"], extra)

    def command(self):
        """What a trial kills or cancels under: `apply` of the target specs, unless the scenario runs another command."""
        return SCENARIO_COMMANDS.get(getattr(self, "scenario", None), ["apply", "--specs", "specs", "--auto-approve"])

    def setup(self, start, scenario=None):
        """Applies the starting specs (then powers off what the scenario wants off); returns a violation, or None."""
        self.scenario = scenario
        if not start:
            self.write_specs({})
            return None
        self.write_specs(start)
        result = self.apply()
        if result.returncode != 0:
            return f"setting up failed: {tail(result)}"
        if scenario in POWERED_OFF_AT_START:
            self.sim.power_off(POWERED_OFF_AT_START[scenario])
        return None

    def sagas(self):
        result = self.run(["sagas", "list", "--json"])
        return json.loads(result.stdout) if result.returncode == 0 else None

    def saga(self, saga_id):
        result = self.run(["sagas", "show", saga_id, "--json"])
        return json.loads(result.stdout) if result.returncode == 0 else None

    def check(self, target, specs_folder="specs"):
        """The invariants against `target` (the specs in `specs_folder`); returns a list of violations."""
        violations = []
        sim = self.sim
        droplets = sim.listing("/v2/droplets", "droplets")
        names = [droplet["name"] for droplet in droplets]
        volume_specs = {name: text for name, text in target.items() if "kind: Volume" in text}
        target = {name: text for name, text in target.items() if name not in volume_specs}
        for name, text in target.items():
            if "kind: Droplet" not in text:
                continue
            size = re.search(r"size: (\S+)", text).group(1)
            image = re.search(r"image: (\S+)", text).group(1)
            found = [droplet for droplet in droplets if droplet["name"] == name]
            if len(found) != 1:
                violations.append(f"{len(found)} droplets named {name}, expected exactly 1")
            elif found[0]["size_slug"] != size or found[0]["image"]["slug"] != image:
                violations.append(f"{name} is {found[0]['size_slug']}/{found[0]['image']['slug']}, spec says {size}/{image}")
        for name in sorted(set(names) - set(target)):
            violations.append(f"droplet {name} is owned by no spec")

        listing = self.run(["sagas", "list", "--json"])
        sagas = json.loads(listing.stdout) if listing.returncode == 0 else []
        if listing.returncode != 0:
            violations.append(f"sagas list failed: {listing.stderr.strip()[:200]}")
        for saga in sagas:
            if saga["status"] not in FINAL:
                violations.append(f"saga {saga['id'][:8]} ({saga['kind']} {saga['resourceName']}) is {saga['status']}"
                                  + (f": {saga['error'][:200]}" if saga.get("error") else ""))
        completed_tags = {saga["id"].replace("-", "")[:8] for saga in sagas if saga["status"] == "completed"}
        snapshots = sim.listing("/v2/snapshots", "snapshots")
        for snapshot in snapshots:
            match = re.fullmatch(r"(.+)-arcadia-([0-9a-f]{8})", snapshot["name"])
            if not match or match.group(2) not in completed_tags:
                violations.append(f"snapshot {snapshot['name']} is owned by no completed saga")
        snapshot_names = [snapshot["name"] for snapshot in snapshots]
        for name in set(snapshot_names):
            if snapshot_names.count(name) > 1:
                violations.append(f"{snapshot_names.count(name)} snapshots named {name}")
        volumes = sim.listing("/v2/volumes", "volumes")
        for name, text in volume_specs.items():
            size = int(re.search(r"sizeGigabytes: (\d+)", text).group(1))
            attach = re.search(r"attachTo: (\S+)", text)
            wanted = [droplet["id"] for droplet in droplets if attach and droplet["name"] == attach.group(1)]
            found = [volume for volume in volumes if volume["name"] == name]
            if len(found) != 1:
                violations.append(f"{len(found)} volumes named {name}, expected exactly 1")
            elif found[0]["size_gigabytes"] != size or sorted(found[0]["droplet_ids"] or []) != wanted:
                violations.append(f"volume {name} is {found[0]['size_gigabytes']} GiB on droplets {found[0]['droplet_ids']}, "
                                  f"spec says {size} GiB on {attach.group(1) if attach else 'none'} {wanted}")
        for volume in volumes:
            if volume["name"] not in volume_specs:
                violations.append(f"volume {volume['name']} is owned by no spec")

        violations += more_checks(self, target, sagas, snapshots)
        plan = self.run(["plan", "--specs", specs_folder, "--detailed-exitcode"])
        if plan.returncode != 0:
            summary = quiet(plan.stdout).splitlines()[-1:] + quiet(plan.stderr).splitlines()[-1:]
            violations.append(f"the ledger disagrees with the simulator ({specs_folder}/): plan exited {plan.returncode}: "
                              f"{' / '.join(summary)[:300]}")
        return violations

    def kill(self, saga_kind, step, point):
        """Applies the target specs (already written) with the kill point; returns a violation, or None."""
        crash = f"{saga_kind}:{step}:{point}"
        crashed = self.run(self.command(), {"ARCADIA_CRASH_AT": crash})
        if crashed.returncode != -9:
            return f"apply was not killed at {crash} (exit {crashed.returncode}): {NEVER_REACHED}"
        return None


def unfinished(sagas):
    return [saga for saga in sagas or [] if saga["status"] not in FINAL]


def kill_trial(world, scenario, step, point):
    """Kill, resume, check against the target specs."""
    saga_kind, _, start, target, _, _ = SCENARIOS[scenario]
    failure = world.setup(start, scenario)
    if failure:
        return [failure], None
    world.write_specs(target)
    violations = [v for v in [world.kill(saga_kind, step, point)] if v]
    resumed = world.run(["sagas", "resume"])
    if resumed.returncode != 0:
        violations.append(f"resume exited {resumed.returncode}: {tail(resumed)}")
    return violations + world.check(target), None


def apply_changed_trial(world, scenario, step, point):
    """Kill; apply CHANGED specs (the blocked resource is left alone); resume; apply; check against them."""
    saga_kind, _, start, target, changed, _ = SCENARIOS[scenario]
    failure = world.setup(start, scenario)
    if failure:
        return [failure], None
    world.write_specs(target)
    violations = [v for v in [world.kill(saga_kind, step, point)] if v]
    world.write_specs(changed)
    first = world.apply()
    problem = crash_of(first)
    if problem:
        violations.append(f"apply of the changed specs {problem}")
    resumed = world.run(["sagas", "resume", "--specs", "specs"])
    problem = crash_of(resumed)
    if problem:
        violations.append(f"sagas resume --specs specs {problem}")
    ended = [saga["status"] for saga in world.sagas() or [] if saga["kind"] == saga_kind and saga["resourceName"] == SCENARIOS[scenario][5]]
    second = world.apply()
    problem = crash_of(second, allowed=(0,))
    if problem:
        why = "; ".join(f"{saga['id'][:8]} {saga['status']}: {saga['error'][:300]}" for saga in world.sagas() or []
                        if saga.get("error") and saga["status"] not in ("completed", "superseded"))
        violations.append(f"the second apply of the changed specs {problem}" + (f" [{why}]" if why else ""))
    note = f"first apply exit {first.returncode}, resume exit {resumed.returncode}, saga {'/'.join(ended[:1]) or '?'}"
    return violations + world.check(changed), note


def cancel_trial(world, scenario, step, point):
    """Kill; cancel the unfinished saga: cancelled and back at the start specs, or refused and resumed to the target."""
    saga_kind, _, start, target, _, _ = SCENARIOS[scenario]
    failure = world.setup(start, scenario)
    if failure:
        return [failure], None
    world.write_specs(start, "start-specs")
    world.write_specs(target)
    violation = world.kill(saga_kind, step, point)
    if violation:
        return [violation] + world.check(target), None
    # The killed saga; sagas planned after it (a replace's followers) are pending beside it.
    everything = unfinished(world.sagas())
    left = [saga for saga in everything if saga["kind"] == saga_kind and saga["resourceName"] == SCENARIOS[scenario][5]]
    if len(left) != 1 or any(saga["status"] != "pending" for saga in everything if saga not in left):
        violations = [f"expected one unfinished saga after the kill, found {[(s['kind'], s['status']) for s in everything]}"]
        world.run(["sagas", "resume", "--specs", "specs"])
        return violations + world.check(target), None
    saga_id = left[0]["id"]
    cancel = world.run(["sagas", "cancel", saga_id])
    violations = []
    if cancel.returncode == 0:
        saga = world.saga(saga_id) or {}
        if saga.get("status") != "cancelled":
            violations.append(f"cancel exited 0 ({cancel.stdout.strip()[-200:]}) but saga {saga_id[:8]} is "
                              f"{saga.get('status')}: {saga.get('error', '')[:200]}")
        # The followers (planned after it, not started) end cancelled with it: nothing is left pending.
        pending = unfinished(world.sagas())
        if pending:
            violations.append(f"the cancel left {[(s['kind'], s['resourceName'], s['status']) for s in pending]} unfinished")
            world.run(["sagas", "resume"])
        return violations + world.check(start, "start-specs"), "cancelled"
    if cancel.returncode == 1 and "point of no return" in cancel.stderr:
        resumed = world.run(["sagas", "resume", "--specs", "specs"])
        if resumed.returncode != 0:
            violations.append(f"resume after a refused cancel exited {resumed.returncode}: {tail(resumed)}")
        return violations + world.check(target), "refused"
    violations.append(f"cancel {crash_of(cancel, allowed=()) or 'failed'}")
    world.run(["sagas", "resume", "--specs", "specs"])
    return violations + world.check(target), None


def cancel_live_trial(world, scenario, step):
    """Cancel while the step is in flight in a live apply; the apply's worker compensates or goes on."""
    saga_kind, _, start, target, _, resource = SCENARIOS[scenario]
    failure = world.setup(start, scenario)
    if failure:
        return [failure], None
    world.write_specs(start, "start-specs")
    world.write_specs(target)
    violations = []
    with open(os.path.join(world.directory, "apply.out"), "w+") as out, open(os.path.join(world.directory, "apply.err"), "w+") as err:
        apply = subprocess.Popen([world.binary] + world.command(), cwd=world.directory,
                                 env=world.environment, stdout=out, stderr=err, text=True)
        saga_id = seen = cancel = None
        deadline = time.monotonic() + 120
        try:
            while apply.poll() is None and time.monotonic() < deadline:
                if saga_id is None:
                    mine = [s for s in unfinished(world.sagas()) if s["kind"] == saga_kind and s["resourceName"] == resource]
                    saga_id = mine[0]["id"] if mine else None
                if saga_id:
                    saga = world.saga(saga_id) or {}
                    status = {s["name"]: s["status"] for s in saga.get("steps", [])}.get(step)
                    if status == "running":
                        seen = "running"
                        cancel = world.run(["sagas", "cancel", saga_id])
                        break
                    if status not in (None, "pending") or saga.get("status") in FINAL:
                        seen = f"{status}, saga {saga.get('status')}"
                        break
                time.sleep(0.05)
            try:
                apply.wait(timeout=COMMAND_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"`arcadia apply` hung: no exit after {COMMAND_TIMEOUT} s (cancel exit "
                                   f"{None if cancel is None else cancel.returncode})") from None
        finally:
            if apply.poll() is None:
                apply.kill()
                apply.wait()
        out.seek(0)
        err.seek(0)
        applied = subprocess.CompletedProcess(apply.args, apply.returncode, out.read(), err.read())
    problem = crash_of(applied)
    if problem:
        violations.append(f"the apply {problem}")
    if seen != "running":
        violations.append(f"the suite never saw {step} running (seen: {seen}); nothing was cancelled in flight; "
                          f"the apply exited {applied.returncode}: {tail(applied)}")
    if cancel is not None:
        if cancel.returncode == 0 and "Cancel requested" not in cancel.stdout:
            violations.append(f"cancel did not leave the saga to the live apply that holds it: {cancel.stdout.strip()[-200:]}")
        elif cancel.returncode != 0 and not (cancel.returncode == 1 and re.search(r"point of no return|already ended", cancel.stderr)):
            violations.append(f"cancel {crash_of(cancel, allowed=()) or 'failed'}")
    resumed = world.run(["sagas", "resume", "--specs", "specs"])
    if resumed.returncode != 0:
        violations.append(f"resume after the apply exited {resumed.returncode}: {tail(resumed)}")
    final = (world.saga(saga_id) or {}).get("status") if saga_id else None
    cancel_said = "none" if cancel is None else f"{cancel.returncode}"
    if final == "cancelled":
        if cancel is None or cancel.returncode != 0:
            violations.append(f"saga {saga_id[:8]} ended cancelled though cancel exited {cancel_said}")
        return violations + world.check(start, "start-specs"), f"cancel exit {cancel_said}, cancelled"
    if final == "completed":
        return violations + world.check(target), f"cancel exit {cancel_said}, completed"
    violations.append(f"saga {(saga_id or '?')[:8]} ended {final}, neither cancelled nor completed")
    return violations + world.check(target), None


def worker_trial(binary, step, point, faults):
    """Two workers against PostgreSQL; worker A dies at create:<step>:<point>, worker B takes over."""
    target = {f"w{index}": spec(f"w{index}") for index in range(6)}
    world = World(binary, "workers", "postgres", FAULTS if faults else None)
    try:
        world.write_specs(target)
        violations = []
        # The apply dies as it starts its first saga, leaving six sagas in the ledger under 2 s leases.
        first = world.apply({"ARCADIA_CRASH_AT": "create:CreateDroplet:before", "ARCADIA_LEASE_SECONDS": "2"})
        if first.returncode != -9:
            violations.append(f"the apply was not killed (exit {first.returncode})")
        environment = world.environment
        common = [binary, "sagas", "resume", "--wait", "--parallelism", "2", "--lease-seconds", "2"]
        # Worker A (host A) starts first and will die at the kill point; worker B (host B) starts once
        # A holds a saga, runs beside it, and must take A's sagas over when their leases run out.
        worker_a = subprocess.Popen(common, cwd=world.directory, env=dict(environment, ARCADIA_WORKER_HOST="worker-a", ARCADIA_CRASH_AT=f"create:{step}:{point}"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and worker_a.poll() is None:
            owners = subprocess.run(["psql", world.database.url, "-Atc", "SELECT count(*) FROM sagas WHERE owner LIKE 'worker-a:%'"],
                                    capture_output=True, text=True).stdout.strip()
            if owners not in ("", "0"):
                break
            time.sleep(0.05)
        worker_b = subprocess.Popen(common, cwd=world.directory, env=dict(environment, ARCADIA_WORKER_HOST="worker-b"),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            worker_a.communicate(timeout=300)
            _, b_err = worker_b.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            raise RuntimeError("a `sagas resume --wait` worker hung: no exit after 300 s") from None
        finally:
            for worker in (worker_a, worker_b):
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
        if worker_a.returncode != -9:
            violations.append(f"worker A was not killed at create:{step}:{point} (exit {worker_a.returncode})")
        if worker_b.returncode != 0:
            violations.append(f"worker B exited {worker_b.returncode}: {b_err.strip()[-300:]}")
        return violations + world.check(target), None
    finally:
        world.close()


# In-place droplet updates, `arcadia snapshot`, and the SSHKey kind (issue 12).
#
#   update-in-place     tags, backups and ipv6 changed in one update saga: SetDropletTags, SetDropletBackups
#                       (an action: after-post, polling) and EnableIPv6 (its point of no return: `sending`
#                       before its POST, then after-post, polling). apply-changed keeps ipv6 on (it cannot be
#                       turned off) and changes tags and backups again.
#   snapshot            `arcadia snapshot app --label crash` killed instead of apply (start and target specs
#                       are the same); resume must leave exactly one snapshot, a cancel none. apply-changed
#                       resizes the droplet once the snapshot saga is done.
#   sshkey-and-droplet  an SSHKey and a droplet naming it by name, created from nothing (the key's saga
#                       first); apply-changed removes the droplet's spec. No cancel trials: a kill leaves two
#                       unfinished sagas, or a completed key the starting specs do not have.
#   sshkey-replace      a new publicKey: CreateSSHKey, DestroySSHKey (the point of no return; `sending`),
#                       RegisterSSHKey, beside a droplet that names the key and is left alone; apply-changed
#                       goes back to the first key.
#   sshkey-destroy      a key's spec removed: DestroySSHKey (`sending`), ForgetSSHKey; apply-changed puts it back.
#                       CreateSSHKey records its upload as about to be sent (`sending`), so its compensation
#                       deletes only a key it may have uploaded.
KEY_MATERIAL = {
    "a": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKmC3Ql1Zq7Jm0s8B4q2lX9WcY0W3aZ7pT6jJr0kq1Vb deploy@ci",
    "b": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0b2n1zYp3Cq4R5s6T7u8V9w0X1y2Z3a4B5c6D7e8F9 deploy@ci",
}


def droplet_spec(name, tags="[web]", backups=False, ipv6=False, keys=(), **policy):
    """spec() with the in-place fields and `sshKeys` naming SSHKey specs."""
    fields = f"  tags: {tags}\n" + ("  backups: true\n" if backups else "") + ("  ipv6: true\n" if ipv6 else "")
    fields += f"  sshKeys: [{', '.join(keys)}]\n" if keys else ""
    return spec(name, **policy).replace("  tags: [web]\n", fields)


def key_spec(name, material="a"):
    return f"apiVersion: arcadia/v1\nkind: SSHKey\nmetadata:\n  name: {name}\nspec:\n  publicKey: {KEY_MATERIAL[material]}\n"


SCENARIOS.update({
    "update-in-place": ("update", ["SetDropletTags", "SetDropletBackups", "EnableIPv6", "RecordApplied"],
                        {"app": droplet_spec("app")}, {"app": droplet_spec("app", tags="[web, frontend]", backups=True, ipv6=True)},
                        {"app": droplet_spec("app", tags="[web, blue]", ipv6=True)}, "app"),
    "snapshot": ("snapshot", ["SnapshotDroplet", "RecordSnapshot"],
                 {"app": spec("app")}, {"app": spec("app")}, {"app": spec("app", size="s-1vcpu-2gb")}, "app"),
    "sshkey-and-droplet": ("create", ["CreateSSHKey", "RegisterSSHKey", "CreateDroplet", "WaitDropletActive", "RegisterDroplet"],
                           {}, {"deploy": key_spec("deploy"), "app": droplet_spec("app", keys=["deploy"])},
                           {"deploy": key_spec("deploy")}, "app"),
    "sshkey-replace": ("replace", ["CreateSSHKey", "DestroySSHKey", "RegisterSSHKey"],
                       {"deploy": key_spec("deploy"), "app": droplet_spec("app", keys=["deploy"])},
                       {"deploy": key_spec("deploy", "b"), "app": droplet_spec("app", keys=["deploy"])},
                       {"deploy": key_spec("deploy"), "app": droplet_spec("app", keys=["deploy"])}, "deploy"),
    "sshkey-destroy": ("destroy", ["DestroySSHKey", "ForgetSSHKey"],
                       {"deploy": key_spec("deploy"), "ci": key_spec("ci", "b")}, {"ci": key_spec("ci", "b")},
                       {"deploy": key_spec("deploy"), "ci": key_spec("ci", "b")}, "deploy"),
})
# scenario -> the command killed instead of `apply`.
SCENARIO_COMMANDS = {"snapshot": ["snapshot", "app", "--label", "crash", "--specs", "specs"]}
NO_CANCEL.add("sshkey-and-droplet")
ACTION_STEPS |= {"SetDropletBackups", "EnableIPv6"}
SENDING_STEPS |= {"EnableIPv6", "DestroySSHKey", "CreateSSHKey"}
# (The in-place actions take 3-5 s of DigitalOcean time, too short to be seen running at the live time scale.)
LIVE_STEPS.append(("snapshot", "SnapshotDroplet"))


def more_checks(world, target, sagas, snapshots):
    """Each SSHKey spec's key exists once with its material and no other key exists; each completed
    `arcadia snapshot` saga left exactly one snapshot (the generic check already refuses one left by
    any other saga)."""
    violations = []
    keys = world.sim.listing("/v2/account/keys", "ssh_keys")
    wanted = {name: re.search(r"publicKey: (.+)", text).group(1).strip() for name, text in target.items() if "kind: SSHKey" in text}
    for name, material in wanted.items():
        found = [key for key in keys if key["name"] == name]
        if len(found) != 1:
            violations.append(f"{len(found)} SSH keys named {name}, expected exactly 1")
        elif found[0]["public_key"].split()[:2] != material.split()[:2]:
            violations.append(f"SSH key {name} holds {found[0]['public_key'][:40]}…, the spec says {material[:40]}…")
    for key in keys:
        if key["name"] not in wanted:
            violations.append(f"SSH key {key['name']} ({key['id']}) is owned by no spec")
    violations += reserved_ip_checks(world, target)
    violations += firewall_checks(world, target)
    violations += domain_checks(world, target)
    for saga in sagas:
        if saga["kind"] == "snapshot" and saga["status"] == "completed":
            tag = saga["id"].replace("-", "")[:8]
            taken = [snapshot for snapshot in snapshots if snapshot["name"].endswith(f"-arcadia-{tag}")]
            if len(taken) != 1:
                violations.append(f"the completed snapshot saga {tag} left {len(taken)} snapshots, expected exactly 1")
    return violations


def reserved_ip_checks(world, target):
    """As many reserved IPs as ReservedIP specs (none left by an undone or repeated create), each
    spec's droplet holding one of them, and no other droplet holding one."""
    violations = []
    addresses = world.sim.listing("/v2/reserved_ips", "reserved_ips")
    wanted = [text for text in target.values() if "kind: ReservedIP" in text]
    if len(addresses) != len(wanted):
        violations.append(f"{len(addresses)} reserved IPs, the specs want {len(wanted)}")
    holders = sorted((address.get("droplet") or {}).get("name", "") for address in addresses)
    named = sorted(match.group(1) if (match := re.search(r"droplet: (\S+)", text)) else "" for text in wanted)
    if len(addresses) == len(wanted) and holders != named:
        violations.append(f"reserved IPs are assigned to {holders}, the specs say {named}")
    return violations


def firewall_checks(world, target):
    """Each Firewall spec's firewall exists once, with the spec's inbound ports, and no other firewall exists."""
    violations = []
    firewalls = world.sim.listing("/v2/firewalls", "firewalls")
    ids = {droplet["name"]: droplet["id"] for droplet in world.sim.listing("/v2/droplets", "droplets")}
    wanted = {name: sorted(re.findall(r'ports: "(\d+)"', text)) for name, text in target.items() if "kind: Firewall" in text}
    for name, ports in wanted.items():
        found = [firewall for firewall in firewalls if firewall["name"] == name]
        if len(found) != 1:
            violations.append(f"{len(found)} firewalls named {name}, expected exactly 1")
        elif sorted(rule["ports"] for rule in found[0]["inbound_rules"]) != ports:
            violations.append(f"firewall {name} opens {[rule['ports'] for rule in found[0]['inbound_rules']]}, the spec says {ports}")
        elif sorted(found[0]["droplet_ids"]) != sorted(ids[droplet] for droplet in droplets_of(target[name]) if droplet in ids):
            violations.append(f"firewall {name} filters droplets {found[0]['droplet_ids']}, the spec names {droplets_of(target[name])} {ids}")
    for firewall in firewalls:
        if firewall["name"] not in wanted:
            violations.append(f"firewall {firewall['name']} ({firewall['id']}) is owned by no spec")
    return violations


def droplets_of(text):
    """The droplet names a Firewall spec's `droplets: [a, b]` lists."""
    match = re.search(r"droplets: \[([^\]]*)\]", text)
    return [name.strip() for name in match.group(1).split(",") if name.strip()] if match else []


def domain_checks(world, target):
    """Each Domain spec's domain exists with exactly its records (SOA and NS aside), each once, pointing
    at a droplet that exists; no other domain exists."""
    violations = []
    domains = [domain["name"] for domain in world.sim.listing("/v2/domains", "domains")]
    wanted = {re.search(r"name: (\S+)", text).group(1): text for text in target.values() if "kind: Domain" in text}
    addresses = {network["ip_address"] for droplet in world.sim.listing("/v2/droplets", "droplets")
                 for network in droplet["networks"]["v4"] if network["type"] == "public"}
    for name, text in wanted.items():
        if name not in domains:
            violations.append(f"domain {name} is missing")
            continue
        records = [record for record in world.sim.listing(f"/v2/domains/{name}/records", "domain_records") if record["type"] not in ("SOA", "NS")]
        listed = sorted(re.findall(r"type: (\w+), name: (\S+?),", text))
        found = sorted((record["type"], record["name"] if record["name"] == "@" else record["name"]) for record in records)
        if found != sorted((kind, host.strip('"')) for kind, host in listed):
            violations.append(f"domain {name} holds records {found}, the spec lists {listed}")
        for record in records:
            if record["type"] == "A" and record["data"] not in addresses:
                violations.append(f"domain {name}'s A record {record['name']} points at {record['data']}, which no droplet has")
    for name in domains:
        if name not in wanted:
            violations.append(f"domain {name} is owned by no spec")
    return violations


MODES = {
    # name: (engine, faults, two workers, trial kinds)
    "sqlite": ("sqlite", False, False, KINDS),
    "postgres": ("postgres", False, False, KINDS),
    "sqlite+faults": ("sqlite", True, False, ["kill", "apply-changed", "cancel"]),
    "workers/postgres": ("postgres", False, True, ["kill"]),
}


def plan_trials(mode, only, kinds, seed, samples):
    """(mode, kind, scenario, step, point) for every trial of the mode."""
    engine, faults, workers, mode_kinds = MODES[mode]
    chosen = [kind for kind in KINDS if kind in kinds and kind in mode_kinds]
    if workers:
        return [(mode, "kill", "workers", step, point) for step in SCENARIOS["create"][1] for point in POINTS] if "kill" in chosen else []
    trials = []
    population = kill_points(only)
    for kind in chosen:
        if kind == "kill":
            picked = population
        elif kind == "cancel-live":
            picked = [(scenario, step, "running") for scenario, step in LIVE_STEPS if not only or scenario == only]
        else:
            eligible = [trial for trial in population if not (kind == "cancel" and trial[0] in NO_CANCEL)]
            picked = random.Random(f"{seed}/{mode}/{kind}").sample(eligible, min(samples, len(eligible)))
        trials += [(mode, kind, scenario, step, point) for scenario, step, point in picked]
    return trials


def run_trial(binary, mode, kind, scenario, step, point):
    engine, faults, workers, _ = MODES[mode]
    started = time.monotonic()
    try:
        if workers:
            violations, note = worker_trial(binary, step, point, faults)
        else:
            live = kind == "cancel-live"
            # The faults are a seeded sequence over the requests as they come: a lost answer to the very
            # POST a kill point follows makes the step adopt the action instead of passing that point.
            # That is right, not a violation, so such a trial runs again on the next seed of faults.
            for attempt, seed in enumerate(FAULT_SEEDS if faults else [None]):
                fault_plan = dict(FAULTS, seed=seed) if faults else (SLOW_DELETE if live and step == "DestroyDroplet" else None)
                world = World(binary, f"{kind}-{scenario}", engine, fault_plan,
                              time_scale=LIVE_TIME_SCALE if live else TIME_SCALE, poll_interval="0.1" if live else None)
                try:
                    if kind == "kill":
                        violations, note = kill_trial(world, scenario, step, point)
                    elif kind == "apply-changed":
                        violations, note = apply_changed_trial(world, scenario, step, point)
                    elif kind == "cancel":
                        violations, note = cancel_trial(world, scenario, step, point)
                    else:
                        violations, note = cancel_live_trial(world, scenario, step)
                finally:
                    world.close()
                if not (len(violations) == 1 and NEVER_REACHED in violations[0]):
                    if attempt:
                        note = f"{note + '; ' if note else ''}the kill point was reached on fault seed {seed}"
                    break
    except Exception as error:  # a hung command or a broken trial is a violation, not a crashed suite
        violations, note = [str(error) if isinstance(error, RuntimeError) else f"the trial raised {type(error).__name__}: {error}"], None
    return violations, note, time.monotonic() - started


def trial_name(kind, scenario, step, point):
    name = f"{scenario}:{step}" + ("" if kind == "cancel-live" else f":{point}")
    return name if kind == "kill" else f"{kind} {name}"


def main():
    parser = argparse.ArgumentParser(description="Arcadia's crash suite")
    parser.add_argument("binary")
    parser.add_argument("--modes", default="sqlite,postgres,sqlite+faults,workers/postgres",
                        help="comma-separated, of: " + ", ".join(MODES))
    parser.add_argument("--only", help="one scenario: " + ", ".join(SCENARIOS))
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated trial kinds, of: " + ", ".join(KINDS))
    parser.add_argument("--seed", type=int, help="the sampling seed (default: from the clock; printed first)")
    parser.add_argument("--samples", type=int, default=12, help="apply-changed and cancel trials per engine mode (default 12)")
    parser.add_argument("--jobs", type=int, default=3, help="trials run at once (default 3)")
    arguments = parser.parse_args()
    modes = arguments.modes.split(",")
    for mode in modes:
        if mode not in MODES:
            parser.error(f"unknown mode {mode}; use {', '.join(MODES)}")
    kinds = arguments.kinds.split(",")
    for kind in kinds:
        if kind not in KINDS:
            parser.error(f"unknown kind {kind}; use {', '.join(KINDS)}")
    if arguments.only and arguments.only not in SCENARIOS:
        parser.error(f"unknown scenario {arguments.only}; use {', '.join(SCENARIOS)}")
    seed = arguments.seed if arguments.seed is not None else int(time.time() * 1000) % 1_000_000_007
    print(f"crash suite seed: {seed}", flush=True)
    binary = os.path.abspath(arguments.binary)
    trials = [trial for mode in modes for trial in plan_trials(mode, arguments.only, kinds, seed, arguments.samples)]
    # The slow trials first, so they do not trail at the end.
    trials.sort(key=lambda trial: (trial[1] != "cancel-live", trial[0] != "workers/postgres"))

    tally = {(mode, kind): [0, 0, 0, 0.0] for mode in modes for kind in KINDS}  # tried, passed, violations, seconds
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, arguments.jobs)) as pool:
        futures = {pool.submit(run_trial, binary, *trial): trial for trial in trials}
        for future in concurrent.futures.as_completed(futures):
            mode, kind, scenario, step, point = futures[future]
            violations, note, seconds = future.result()
            name = trial_name(kind, scenario, step, point)
            row = tally[(mode, kind)]
            row[0] += 1
            row[3] += seconds
            if violations:
                row[2] += len(violations)
                for violation in violations:
                    print(f"FAIL [{mode}] {name}: {violation}", flush=True)
            else:
                row[1] += 1
                print(f"ok   [{mode}] {name}" + (f" ({note})" if note else ""), flush=True)
    wall = time.monotonic() - started

    print("\n| mode | trials | passed | violations | trial time |\n| --- | --- | --- | --- | --- |")
    for mode in modes:
        rows = [(kind, tally[(mode, kind)]) for kind in KINDS if tally[(mode, kind)][0]]
        for kind, (tried, passed, failed, seconds) in rows:
            print(f"| {mode} {kind} | {tried} | {passed} | {failed} | {seconds:.0f} s |")
        if rows:
            tried, passed, failed, seconds = (sum(row[index] for _, row in rows) for index in range(4))
            print(f"| **{mode}** | **{tried}** | **{passed}** | **{failed}** | **{seconds:.0f} s** |")
    print(f"\ncrash suite: {len(trials)} trials on {arguments.jobs} workers in {wall:.0f} s (seed {seed})")
    passed = sum(row[1] for row in tally.values())
    failed = sum(row[2] for row in tally.values())
    print(f"\n{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
