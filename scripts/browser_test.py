#!/usr/bin/env python3
"""The drift inbox page in a real browser: headless Debian chromium driven by Playwright.

Starts `arcadia sim` and `arcadia controller` (loopback ports, a plain spec folder, a SQLite state in
a temporary directory), makes drift by hand through the simulator's DigitalOcean API, makes tokens
with `arcadia tokens create`, then signs in as people would: a viewer (rows show, Accept is disabled
with its reason), a wrong token (refused, said so), the keyboard alone, a platform_admin who accepts
one drift (the spec file changes by exactly one line, the row leaves the inbox) and reverts another
(the saga appears and completes on the Sagas view), and an operator on a phone-width screen (no
horizontal scroll) who ignores a third. Full-page
screenshots go to .build/screenshots/. Prints 'N passed, N failed' last; exits 1 on a failure.

Usage: scripts/browser_test.py [path/to/arcadia]   (default: the debug build)
"""
import difflib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request

from playwright.sync_api import expect, sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCREENSHOTS = os.path.join(ROOT, ".build", "screenshots")
CHROMIUM = os.environ.get("ARCADIA_CHROMIUM", "/usr/bin/chromium")
SIM_TOKEN = "sim-token"
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)

SPECS = {
    "web.yaml": ("web", "s-1vcpu-1gb", "nyc3", "policy:\n  drift: report\n"),
    "db.yaml": ("db", "s-1vcpu-1gb", "nyc3", ""),
    "cache.yaml": ("cache", "s-1vcpu-1gb", "sfo3", ""),
}


def spec_text(name, size, region, policy):
    return (
        "apiVersion: arcadia/v1\nkind: Droplet\nmetadata:\n"
        f"  name: {name}\n  labels: {{tier: {name}}}\n"
        f"spec:\n  region: {region}\n  size: {size}\n  image: ubuntu-24-04-x64\n  tags: [{name}]\n  monitoring: true\n"
        + policy
    )


class Process:
    """A child process whose combined output is collected by a thread, so a wait never blocks on a full pipe."""

    def __init__(self, arguments, cwd, env):
        self.popen = subprocess.Popen(
            arguments, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        self.output = ""
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.popen.stdout:
            with self.lock:
                self.output += line

    def wait_for(self, pattern, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            with self.lock:
                found = re.search(pattern, self.output)
            if found:
                return found
            if self.popen.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"did not see {pattern!r}; output:\n{self.output[-3000:]}")

    def stop(self):
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)


def http(method, url, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def eventually(what, condition, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


class World:
    """The simulator, the controller, the spec folder and the tokens."""

    def __init__(self, arcadia, directory):
        self.arcadia = arcadia
        self.directory = directory
        self.specs = os.path.join(directory, "specs")
        self.database = "sqlite:" + os.path.join(directory, "state.sqlite")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCADIA_", "DIGITALOCEAN_"))}
        self.env["NO_COLOR"] = "1"
        self.processes = []

    def start(self):
        os.makedirs(self.specs)
        for file, spec in SPECS.items():
            with open(os.path.join(self.specs, file), "w") as handle:
                handle.write(spec_text(*spec))
        sim = self.spawn([self.arcadia, "sim", "--port", "0", "--time-scale", "0.01", "--rate-limit-minute", "0", "--rate-limit-hour", "0",
                          "--new-droplet-404-seconds", "0"])
        self.sim_url = sim.wait_for(r"listening on (http://127\.0\.0\.1:\d+)").group(1)
        self.tokens = {role: self.token(name, role) for name, role in [("vera", "viewer"), ("otto", "operator"), ("ada", "platform_admin")]}
        env = dict(self.env, DIGITALOCEAN_TOKEN=SIM_TOKEN, DIGITALOCEAN_API_URL=self.sim_url, ARCADIA_POLL_INTERVAL="0.01")
        self.controller = self.spawn(
            [self.arcadia, "controller", "--listen", "127.0.0.1:0", "--specs", self.specs, "--interval", "2s", "--database", self.database], env
        )
        self.url = self.controller.wait_for(r"serving the API on (http://127\.0\.0\.1:\d+)").group(1)

    def spawn(self, arguments, env=None):
        process = Process(arguments, self.directory, env or self.env)
        self.processes.append(process)
        return process

    def token(self, name, role):
        done = subprocess.run([self.arcadia, "tokens", "create", "--name", name, "--role", role, "--database", self.database],
                              cwd=self.directory, env=self.env, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"tokens create failed: {done.stderr}")
        return done.stdout.strip().splitlines()[-1]

    def droplets(self):
        return http("GET", f"{self.sim_url}/v2/droplets?per_page=200", SIM_TOKEN)[1]["droplets"]

    def droplet(self, name):
        return next((d for d in self.droplets() if d["name"] == name), None)

    def act(self, droplet_id, action):
        """A droplet action by hand, as someone in DigitalOcean's console would, waited for."""
        status, answer = http("POST", f"{self.sim_url}/v2/droplets/{droplet_id}/actions", SIM_TOKEN, action)
        if status >= 300:
            raise RuntimeError(f"{action} answered {status}: {answer}")
        action_id = answer["action"]["id"]
        eventually(f"action {action}", lambda: http("GET", f"{self.sim_url}/v2/actions/{action_id}", SIM_TOKEN)[1]["action"]["status"] == "completed")

    def resize_by_hand(self, name, size):
        droplet = eventually(f"droplet {name} active", lambda: (lambda d: d if d and d["status"] == "active" else None)(self.droplet(name)))
        self.act(droplet["id"], {"type": "power_off"})
        self.act(droplet["id"], {"type": "resize", "size": size, "disk": False})
        self.act(droplet["id"], {"type": "power_on"})

    def tag_by_hand(self, name, tag):
        droplet = self.droplet(name)
        http("POST", f"{self.sim_url}/v2/tags", SIM_TOKEN, {"name": tag})
        http("POST", f"{self.sim_url}/v2/tags/{tag}/resources", SIM_TOKEN,
             {"resources": [{"resource_id": str(droplet["id"]), "resource_type": "droplet"}]})

    def open_drift(self, name, field):
        status, answer = http("GET", f"{self.url}/api/v1/drift?name={name}", self.tokens["viewer"])
        return next((r for r in answer.get("drift", []) if r["field"] == field), None) if status == 200 else None

    def stop(self):
        for process in reversed(self.processes):
            process.stop()


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.page = None  # screenshot on a failure, to see what the person would have seen

    def run(self, name, body):
        try:
            body()
            self.passed += 1
            print(f"ok   {name}", flush=True)
        except Exception as error:  # noqa: BLE001 - every failure is reported, then the next test runs
            self.failed += 1
            print(f"FAIL {name}: {error}", flush=True)
            traceback.print_exc(limit=3)
            if self.page is not None:
                shot = os.path.join(SCREENSHOTS, f"failure-{self.failed}.png")
                try:
                    self.page.screenshot(path=shot, full_page=True)
                    print(f"     what the page showed: {shot}", flush=True)
                except Exception:  # noqa: BLE001 - a page that cannot be shot is no second failure
                    pass


def sign_in(page, world, token):
    page.goto(world.url + "/")
    expect(page.locator("#token")).to_be_visible()
    page.fill("#token", token)
    page.click("#sign-in-form button[type=submit]")


def main():
    arcadia = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(
        subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip(), "arcadia")
    os.makedirs(SCREENSHOTS, exist_ok=True)
    for old in os.listdir(SCREENSHOTS):
        if old.startswith("failure-"):
            os.remove(os.path.join(SCREENSHOTS, old))
    suite = Suite()
    with tempfile.TemporaryDirectory(prefix="arcadia-browser-") as directory:
        world = World(arcadia, directory)
        try:
            world.start()
            eventually("the droplets", lambda: all(world.droplet(spec[0]) for spec in SPECS.values()), 60)
            world.resize_by_hand("web", "s-1vcpu-2gb")
            world.resize_by_hand("db", "s-2vcpu-2gb")
            world.tag_by_hand("cache", "debug")
            for name, field in [("web", "size"), ("db", "size"), ("cache", "tags")]:
                eventually(f"drift {name}.{field}", lambda: world.open_drift(name, field), 30)
            run_browser(world, suite)
            suite.run("no token in the controller's log", lambda: check_no_token_logged(world))
        except Exception as error:  # noqa: BLE001 - the setup failing is one failure, reported with its cause
            suite.failed += 1
            print(f"FAIL setup: {error}", flush=True)
            traceback.print_exc(limit=5)
        finally:
            world.stop()
    print(f"{suite.passed} passed, {suite.failed} failed")
    return 1 if suite.failed else 0


def check_no_token_logged(world):
    for role, token in world.tokens.items():
        secret = token.split("_")[-1]
        assert secret not in world.controller.output, f"the {role} token's secret is in the controller's output"


def run_browser(world, suite):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        try:
            desktop = {"viewport": {"width": 1280, "height": 860}, "device_scale_factor": 1}
            problems = []

            def watch(page):
                page.on("console", lambda message: problems.append(message.text) if message.type == "error" and "401" not in message.text else None)
                page.on("pageerror", lambda error: problems.append(str(error)))

            context = browser.new_context(**desktop)
            page = context.new_page()
            suite.page = page
            watch(page)
            page.set_default_timeout(WAIT_MS)

            suite.run("the page is served with its security headers", lambda: check_headers(page, world))
            suite.run("viewer: rows show, Accept disabled with the reason", lambda: check_viewer(page, world))
            suite.run("wrong token: refused and said so", lambda: check_wrong_token(page, world))
            suite.run("keyboard: sign in, open and close a dialog, switch tabs", lambda: check_keyboard(page, world))
            suite.run("platform_admin: inbox, resource view (screenshots)", lambda: check_views(page, world))
            suite.run("platform_admin: accept changes one spec line and the row leaves", lambda: check_accept(page, world))
            suite.run("platform_admin: revert runs a saga that completes on the Sagas view", lambda: check_revert(page, world))
            suite.run("the token stays out of the URL and survives only in sessionStorage", lambda: check_token_storage(page, world))
            suite.run("sign out forgets the token", lambda: check_sign_out(page))
            context.close()

            phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, is_mobile=True, has_touch=True)
            phone_page = phone.new_page()
            suite.page = phone_page
            watch(phone_page)
            phone_page.set_default_timeout(WAIT_MS)
            suite.run("phone width (390px): inbox without horizontal scroll; an operator ignores a field", lambda: check_phone(phone_page, world))
            suite.run("a broken spec shows in the status bar at file:line:col", lambda: check_spec_problem(phone_page, world))
            phone.close()
            suite.page = None
            suite.run("no script errors or CSP violations", lambda: check_no_problems(problems))
        finally:
            browser.close()


def check_headers(page, world):
    response = page.goto(world.url + "/")
    headers = response.headers
    assert "default-src 'self'" in headers.get("content-security-policy", ""), headers
    assert headers.get("x-content-type-options") == "nosniff", headers
    assert "set-cookie" not in headers, headers
    script = page.request.get(world.url + "/ui/app.js")
    assert script.headers["content-type"].startswith("text/javascript"), script.headers


def check_viewer(page, world):
    sign_in(page, world, world.tokens["viewer"])
    expect(page.locator("#who-name")).to_contain_text("vera")
    row = page.locator('section[data-resource="Droplet/web"] tr[data-field="size"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("s-1vcpu-1gb")
    expect(row).to_contain_text("s-1vcpu-2gb")
    expect(row).to_contain_text("web.yaml:")
    accept = row.locator('button[data-action="accept"]')
    expect(accept).to_be_disabled()
    assert "platform_admin" in (accept.get_attribute("title") or ""), accept.get_attribute("title")
    expect(page.locator("#role-note")).to_contain_text("may only read")
    expect(page.locator("#reconcile-now")).to_be_disabled()
    page.click("#sign-out")
    expect(page.locator("#token")).to_be_visible()


def check_wrong_token(page, world):
    sign_in(page, world, world.tokens["viewer"][:-4] + "zzzz")
    expect(page.locator("#sign-in-error")).to_be_visible()
    expect(page.locator("#sign-in-error")).to_contain_text("not accepted")
    expect(page.locator("#nav")).to_be_hidden()


def check_keyboard(page, world):
    page.goto(world.url + "/")
    expect(page.locator("#token")).to_be_focused()
    page.keyboard.type(world.tokens["operator"])
    page.keyboard.press("Enter")
    expect(page.locator("#who-name")).to_contain_text("otto")
    revert = page.locator('section[data-resource="Droplet/cache"] button[data-action="revert"]')
    revert.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#dialog")).to_be_hidden()
    page.goto(world.url + "/#/resource/Droplet/cache")
    page.locator('button[data-tab="diff"]').focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator('button[data-tab="desired"]')).to_have_attribute("aria-selected", "true")
    expect(page.locator("#resource-spec")).to_contain_text("name: cache")
    page.click("#sign-out")


def check_views(page, world):
    sign_in(page, world, world.tokens["platform_admin"])
    expect(page.locator('section[data-resource="Droplet/db"]')).to_be_visible()
    expect(page.locator("#status-last .badge")).to_have_text(re.compile("succeeded|failed|busy"))
    page.screenshot(path=os.path.join(SCREENSHOTS, "inbox.png"), full_page=True)
    page.click('section[data-resource="Droplet/db"] h2 a')
    expect(page.locator("#resource-diff tr.differs")).to_contain_text("s-2vcpu-2gb")
    page.screenshot(path=os.path.join(SCREENSHOTS, "resource.png"), full_page=True)
    page.click('button[data-tab="desired"]')
    expect(page.locator("#resource-spec")).to_contain_text("name: db")
    page.click('button[data-tab="live"]')
    expect(page.locator("#resource-live")).to_contain_text("s-2vcpu-2gb")
    page.click('#nav a[data-view="inbox"]')


def check_accept(page, world):
    path = os.path.join(world.specs, "web.yaml")
    before = open(path).read()
    row = page.locator('section[data-resource="Droplet/web"] tr[data-field="size"]')
    row.locator('button[data-action="accept"]').click()
    dialog = page.locator("#dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("- size: s-1vcpu-1gb")
    expect(dialog).to_contain_text("+ size: s-1vcpu-2gb")
    page.click("#dialog-confirm")
    expect(page.locator("#dialog-title")).to_have_text("Accepted")
    expect(dialog.locator("pre.patch")).to_contain_text("+  size: s-1vcpu-2gb")
    after = open(path).read()
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert changed == ["-   size: s-1vcpu-1gb", "+   size: s-1vcpu-2gb"], changed
    page.click("#dialog-confirm")
    expect(dialog).to_be_hidden()
    expect(page.locator('section[data-resource="Droplet/web"] tr[data-field="size"]')).to_have_count(0)
    expect(page.locator('section[data-resource="Droplet/db"]')).to_be_visible()


def check_revert(page, world):
    row = page.locator('section[data-resource="Droplet/db"] tr[data-field="size"]')
    row.locator('button[data-action="revert"]').click()
    expect(page.locator("#revert-steps li").first).to_be_visible()
    expect(page.locator("#dialog")).to_contain_text("resize")
    page.click("#dialog-confirm")
    expect(page.locator("#dialog-title")).to_have_text("Revert started")
    page.click("#dialog-confirm")
    expect(page).to_have_url(re.compile(r"#/sagas/[0-9a-f-]+$"))
    saga_id = page.url.rsplit("/", 1)[-1]
    expect(page.locator("#saga-steps li").first).to_be_visible()
    expect(page.locator("#saga-status")).to_have_text("completed", timeout=45_000)
    page.screenshot(path=os.path.join(SCREENSHOTS, "saga.png"), full_page=True)
    page.click('#nav a[data-view="sagas"]')
    saga_row = page.locator(f'#sagas-table tr[data-saga="{saga_id}"]')
    expect(saga_row).to_contain_text("completed")
    page.screenshot(path=os.path.join(SCREENSHOTS, "sagas.png"), full_page=True)
    assert world.droplet("db")["size_slug"] == "s-1vcpu-1gb", world.droplet("db")


def check_token_storage(page, world):
    token = world.tokens["platform_admin"]
    assert token not in page.url
    assert page.evaluate("sessionStorage.getItem('arcadia.token')") == token
    assert page.evaluate("localStorage.length") == 0
    assert page.context.cookies() == []
    page.reload()
    expect(page.locator("#who-name")).to_contain_text("ada")


def check_sign_out(page):
    page.click("#sign-out")
    expect(page.locator("#token")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('arcadia.token')") is None


def check_phone(page, world):
    sign_in(page, world, world.tokens["operator"])
    expect(page.locator('section[data-resource="Droplet/cache"]')).to_be_visible()
    page.wait_for_timeout(300)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.screenshot(path=os.path.join(SCREENSHOTS, "inbox-phone.png"), full_page=True)
    assert widths[0] <= widths[1], f"the page is {widths[0]}px wide in a {widths[1]}px window"
    expect(page.locator('section[data-resource="Droplet/cache"] button[data-action="accept"]')).to_be_disabled()
    page.locator('section[data-resource="Droplet/cache"] button[data-action="ignore"]').click()
    expect(page.locator("#dialog")).to_contain_text("policy.ignore")
    page.click("#dialog-confirm")
    expect(page.locator("#dialog-title")).to_have_text("Ignored")
    expect(page.locator("#dialog pre.patch")).to_contain_text("ignore")
    page.click("#dialog-confirm")
    expect(page.locator('section[data-resource="Droplet/cache"]')).to_have_count(0)
    assert "ignore" in open(os.path.join(world.specs, "cache.yaml")).read()


def check_spec_problem(page, world):
    broken = os.path.join(world.specs, "broken.yaml")
    with open(broken, "w") as handle:
        handle.write("apiVersion: arcadia/v1\nkind: Droplet\nmetadata: {name: broken}\nspec:\n  region: nyc3\n  size: [\n")
    try:
        expect(page.locator("#spec-problems")).to_contain_text(re.compile(r"broken\.yaml:\d+:\d+"), timeout=30000)
        page.screenshot(path=os.path.join(SCREENSHOTS, "spec-problem.png"), full_page=True)
    finally:
        os.remove(broken)
    expect(page.locator("#spec-problems")).to_have_count(0, timeout=30000)


def check_no_problems(problems):
    assert not problems, problems


if __name__ == "__main__":
    sys.exit(main())
