#!/usr/bin/env python3
"""Drives `arcadia sim` with DigitalOcean's official Python client, pydo, unmodified.

pydo (through azure-core) refuses to send a bearer token over plain HTTP, as it should. So the
script puts a TLS front before the simulator, with a throwaway self-signed certificate that pydo
is told to trust through REQUESTS_CA_BUNDLE: pydo speaks HTTPS exactly as to api.digitalocean.com.

Creates a droplet and waits for it to be active, resizes it, snapshots it, lists snapshots,
creates and attaches a volume, then deletes everything and checks nothing is left. The
simulator records its traffic; the recording is checked against the contract at the end.

Usage: pydo_smoke.py ARCADIA_BINARY        (needs `pip install pydo`)
Prints one line per step and "pydo smoke: N steps passed" at the end; exits 1 on the first failure.
"""

import http.client
import os
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

TOKEN = "pydo-smoke-token"


def start_simulator(binary, record):
    process = subprocess.Popen(
        [binary, "sim", "--port", "0", "--time-scale", "0.01", "--token", TOKEN, "--record", record],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    for line in process.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            return process, match.group(1)
    raise SystemExit(f"the simulator did not start (exit {process.wait()})")


def tls_front(upstream, directory):
    """Serves HTTPS on a free loopback port and forwards every request to `upstream` unchanged."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    target = urlsplit(upstream)

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            headers = {name: value for name, value in self.headers.items() if name.lower() != "host"}
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            connection.close()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = forward

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"https://127.0.0.1:{server.server_address[1]}", cert


def wait(what, check, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def action_done(client, droplet_id, action_id):
    status = client.droplet_actions.get(droplet_id, action_id)["action"]["status"]
    assert status != "errored", f"action {action_id} errored"
    return status == "completed"


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    directory = tempfile.mkdtemp(prefix="pydo-smoke-")
    record = os.path.join(directory, "traffic.jsonl")
    process, url = start_simulator(sys.argv[1], record)
    front, https_url, cert = tls_front(url, directory)
    os.environ["REQUESTS_CA_BUNDLE"] = cert
    import pydo  # after REQUESTS_CA_BUNDLE, which its HTTP session reads

    steps = 0
    try:
        client = pydo.Client(token=TOKEN, endpoint=https_url)

        def step(name):
            nonlocal steps
            steps += 1
            print(f"ok {steps}: {name}")

        created = client.droplets.create({"name": "smoke-1", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "tags": ["smoke"]})
        droplet_id = created["droplet"]["id"]
        create_action = created["links"]["actions"][0]["id"]
        wait("the create action", lambda: client.actions.get(create_action)["action"]["status"] == "completed")
        wait("the droplet to be active", lambda: client.droplets.get(droplet_id)["droplet"]["status"] == "active")
        step("create a droplet and wait for it to be active")

        off = client.droplet_actions.post(droplet_id, {"type": "power_off"})["action"]["id"]
        wait("power off", lambda: action_done(client, droplet_id, off))
        resize = client.droplet_actions.post(droplet_id, {"type": "resize", "size": "s-1vcpu-2gb", "disk": False})["action"]["id"]
        wait("resize", lambda: action_done(client, droplet_id, resize))
        on = client.droplet_actions.post(droplet_id, {"type": "power_on"})["action"]["id"]
        wait("power on", lambda: action_done(client, droplet_id, on))
        droplet = client.droplets.get(droplet_id)["droplet"]
        assert droplet["size_slug"] == "s-1vcpu-2gb" and droplet["status"] == "active", droplet
        step("resize it (power off, resize, power on)")

        snap = client.droplet_actions.post(droplet_id, {"type": "snapshot", "name": "smoke-1-snap"})["action"]["id"]
        wait("snapshot", lambda: action_done(client, droplet_id, snap))
        step("snapshot it")

        snapshots = wait("the snapshot to list", lambda: client.snapshots.list(resource_type="droplet")["snapshots"])
        assert [s["name"] for s in snapshots] == ["smoke-1-snap"], snapshots
        assert client.droplets.list_snapshots(droplet_id)["snapshots"][0]["name"] == "smoke-1-snap"
        step("list snapshots")

        volume = client.volumes.create({"name": "smoke-data", "region": "nyc3", "size_gigabytes": 10, "filesystem_type": "ext4"})["volume"]
        attach = client.volume_actions.post_by_id(volume["id"], {"type": "attach", "droplet_id": droplet_id})["action"]["id"]
        wait("attach", lambda: client.volume_actions.get(volume["id"], attach)["action"]["status"] == "completed")
        assert client.volumes.get(volume["id"])["volume"]["droplet_ids"] == [droplet_id]
        step("create a volume and attach it")

        detach = client.volume_actions.post_by_id(volume["id"], {"type": "detach", "droplet_id": droplet_id})["action"]["id"]
        wait("detach", lambda: client.volume_actions.get(volume["id"], detach)["action"]["status"] == "completed")
        client.volumes.delete(volume["id"])
        client.snapshots.delete(snapshots[0]["id"])
        client.droplets.destroy(droplet_id)
        assert client.droplets.list()["droplets"] == []
        assert client.volumes.list()["volumes"] == []
        assert client.snapshots.list()["snapshots"] == []
        step("delete everything; nothing is left")
    finally:
        front.shutdown()
        process.terminate()
        process.wait(timeout=10)

    checker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "do-api", "check_traffic.py")
    result = subprocess.run([sys.executable, checker, record], capture_output=True, text=True)
    print(f"pydo traffic against the contract: {result.stdout.strip().splitlines()[-1]}")
    if result.returncode != 0:
        print(result.stdout)
        return 1
    print(f"pydo smoke: {steps} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
