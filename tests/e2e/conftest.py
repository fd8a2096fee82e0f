"""End-to-end: the built frontend served by a real web process (uvicorn) over the test
database, driven by Debian's Chromium through Playwright. Screenshots go to test-output/e2e/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# Playwright's sync API keeps an event loop running in this thread; Django's ORM (used only by
# fixtures here) would otherwise refuse to run beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def platform_env(django_db_setup, tmp_path_factory):
    """Environment for the platform's processes: the test database, a private var/ (the
    filesystem broker lives there when REDIS_URL is not set), the port."""
    port = _free_port()
    test_db = connection.settings_dict["NAME"]
    assert test_db.startswith("test_"), f"refusing to serve the non-test database {test_db!r}"
    url = re.sub(r"/[^/?]+(\?|$)", rf"/{test_db}\1", settings.DATABASE_URL, count=1)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OA_PUBLIC_PORT": str(port),
        "OA_LOG_LEVEL": "WARNING",
        "OA_VAR_DIR": str(tmp_path_factory.mktemp("var")),
    }
    return port, test_db, env


class Process:
    """A platform process (web or worker) for the tests, its output in test-output/<name>.log."""

    def __init__(self, name: str, args: list[str], env: dict, ready):
        self.log = ROOT / "test-output" / f"e2e-{name}.log"
        self.log.parent.mkdir(exist_ok=True)
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.time() + 60
        while not ready(self):
            if self.proc.poll() is not None or time.time() > deadline:
                self.proc.kill()
                pytest.fail(f"{name} did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _answers(port: int) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/context/", headers={"Host": f"localhost:{port}"}
    )
    try:
        urllib.request.urlopen(request, timeout=2)
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def live_worker(platform_env):
    """A real Celery worker (Redis when REDIS_URL is set, else the filesystem broker)."""
    _port, _db, env = platform_env
    worker = Process(
        "worker",
        ["celery", "-A", "config", "worker", "-l", "info", "--concurrency", "1", "--pool", "solo"],
        env,
        ready=lambda p: "ready" in p.log.read_text(),
    )
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def live_platform(platform_env, django_db_blocker):
    """Port of a running platform (web process) over the test database."""
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        pytest.fail(
            "frontend/dist is missing: `make test` builds it (cd frontend && npm ci && npm run build)"
        )
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    port, test_db, env = platform_env
    web = Process(
        "web",
        ["uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        env,
        ready=lambda _p: _answers(port),
    )
    yield port
    web.stop()
    # Django connections opened while Playwright's event loop ran belong to that loop's context
    # and are never closed by pytest-django; end them so the test database can be dropped.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [test_db],
        )


@pytest.fixture(scope="session")
def browser():
    import shutil

    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # this run's screenshots only
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# Every page is served with a Content-Security-Policy (oa/core/middleware.py); whatever it
# refuses is reported to the page as a securitypolicyviolation event and to the console.
_RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def page(browser):
    """A zh-CN page; the test fails if anything on any page it opened broke the CSP."""
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    context.add_init_script(_RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_violations = violations  # type: ignore[attr-defined]
    yield page
    context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def console_api(port: int, username: str, password: str, code: str | None = None):
    """A tiny signed-in JSON client for the live platform (session cookie + CSRF), for set-up
    and clean-up around browser tests."""
    import http.cookiejar
    import json

    host = f"{code}.localhost:{port}" if code else f"localhost:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def call(method: str, path: str, body=None, ok=(200, 201, 204)):
        csrf = next((c.value for c in jar if c.name == "csrftoken"), "")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Host": host,
                "Content-Type": "application/json",
                "X-CSRFToken": csrf,
                "Referer": f"http://{host}/",
            },
        )
        try:
            with opener.open(request, timeout=30) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        assert status in ok, (method, path, status, payload[:500])
        return json.loads(payload) if payload else None

    # Cookies for 127.0.0.1 are kept by the jar although the Host header names the unit.
    call("GET", "/api/auth/csrf/", ok=(204,))
    call("POST", "/api/auth/login/", {"username": username, "password": password})
    return call


class Shots:
    def __init__(self, page, prefix: str):
        self.page, self.prefix, self.n = page, prefix, 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> Path:
        self.n += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.n:02d}-{name}.png"
        self.page.wait_for_timeout(250)  # let transitions settle
        self.page.screenshot(path=str(path), full_page=True)
        return path
