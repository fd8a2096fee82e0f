#!/usr/bin/env python3
"""Supervisor behind `make run`: one machine, the whole platform, in the foreground.

    python platform/run.py          migrate, start web + worker + beat, provision the demo, print URLs
    python platform/run.py stop     stop a running supervisor (var/run.pid) and the embedded PostgreSQL

Steps of `run`:
  1. ask the settings which database and broker are in use (this starts the embedded
     PostgreSQL when DATABASE_URL is unset, so later steps find it running);
  2. `manage.py migrate_units`;
  3. start web (uvicorn), worker and beat (celery) as children, each in its own session, with
     their output prefixed on this terminal and copied to var/log/<name>.log;
  4. wait until http://127.0.0.1:$OA_PORT/api/context/ answers for the console host;
  5. `manage.py setup_demo` (creates the demo units once) and print the banner.
Ctrl-C / SIGTERM stops the children (SIGTERM, then SIGKILL after a grace period). If a child dies
on its own, the others are stopped and the exit status is 1. The embedded PostgreSQL outlives this
process on purpose (other commands share it); `make stop` stops it.

This file is run as a script, never imported: `platform/` must not become a Python package (it
would shadow the standard library's `platform` module).
"""

# Every command line here is built from constants and sys.executable, never from input.
# ruff: noqa: S603

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# `python platform/run.py` puts platform/ first on sys.path; nothing here is meant to be imported
# from there, and the children get the repository root as their working directory.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
os.chdir(ROOT)

PORT = int(os.environ.get("OA_PORT", "8000"))
BASE_DOMAIN = os.environ.get("OA_BASE_DOMAIN", "localhost")
VAR_DIR = Path(os.environ.get("OA_VAR_DIR") or ROOT / "var").resolve()
LOG_DIR = VAR_DIR / "log"
PIDFILE = VAR_DIR / "run.pid"
PY = sys.executable

STARTUP_TIMEOUT = float(os.environ.get("OA_RUN_STARTUP_TIMEOUT", "240"))
STOP_GRACE = 20.0

COLOURS = {"web": "36", "worker": "35", "beat": "33", "migrate": "32", "setup": "32", "run": "1"}
USE_COLOUR = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None
_print_lock = threading.RLock()


def say(name: str, line: str) -> None:
    tag = f"{name:<7}|"
    if USE_COLOUR:
        tag = f"\033[{COLOURS.get(name, '0')}m{tag}\033[0m"
    with _print_lock:
        sys.stdout.write(f"{tag} {line}\n")
        sys.stdout.flush()


def note(line: str = "") -> None:
    say("run", line)


def redact(url: str) -> str:
    """The URL with its password replaced, for the banner."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


# --- children -------------------------------------------------------------------------------


class Child:
    """A long-running child process in its own session, its output prefixed and logged."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]):
        self.name = name
        self.argv = argv
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{name}.log"
        self.log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(argv)}\n")
        self.log.flush()
        # Own session: Ctrl-C in the terminal reaches only this supervisor, which stops the
        # children in order instead of all of them getting SIGINT at once.
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._pump, name=f"pump-{name}", daemon=True)
        self.reader.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.rstrip("\n")
            say(self.name, line)
            with contextlib.suppress(ValueError):  # closed during shutdown
                self.log.write(line + "\n")
                self.log.flush()

    def poll(self) -> int | None:
        return self.proc.poll()

    def terminate(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)

    def kill_group(self) -> None:
        # Whatever the child left behind in its session (celery pool processes, uvicorn workers).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def close(self) -> None:
        self.reader.join(timeout=2)
        self.log.close()


class Stop(Exception):
    """Raised when a signal asks the supervisor to stop."""


class Supervisor:
    def __init__(self) -> None:
        self.children: list[Child] = []
        self.stopping = threading.Event()
        self.env = dict(os.environ)
        self.env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        self.env.setdefault("OA_PUBLIC_PORT", str(PORT))
        self.env["PYTHONUNBUFFERED"] = "1"
        # platformdirs (through pgserver) warns in every process when XDG_RUNTIME_DIR is unset,
        # as on servers without a login session; the fallback it takes is fine.
        warnings = [w for w in (self.env.get("PYTHONWARNINGS"), "ignore:XDG_RUNTIME_DIR") if w]
        self.env["PYTHONWARNINGS"] = ",".join(warnings)
        self.embedded_db = False

    # signals ---------------------------------------------------------------------------------

    def install_signal_handlers(self) -> None:
        def handler(signum, _frame):
            # No printing here: the handler runs between two bytecodes of the main thread,
            # which may be inside say() holding the print lock or stdout's own buffer lock.
            self.received = signal.Signals(signum).name
            self.stopping.set()

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, handler)

    def check_stop(self) -> None:
        if self.stopping.is_set():
            raise Stop

    # one-off steps ---------------------------------------------------------------------------

    def step(self, name: str, argv: list[str], *, capture: bool = False, timeout: float = 1800) -> str:
        """Run a command to completion (interruptible); return its stdout if captured.

        stderr is always shown, prefixed; stdout too unless captured. Fails loudly.
        """
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            start_new_session=True,
        )
        captured: list[str] = []

        def pump(stream, keep: bool) -> None:
            for raw in stream:
                line = raw.rstrip("\n")
                if keep:
                    captured.append(line)
                else:
                    say(name, line)

        threads = [
            threading.Thread(target=pump, args=(proc.stdout, capture), daemon=True),
            threading.Thread(target=pump, args=(proc.stderr, False), daemon=True),
        ]
        for t in threads:
            t.start()
        deadline = time.monotonic() + timeout
        while proc.poll() is None:
            if self.stopping.is_set() or time.monotonic() > deadline:
                # Only the step's main process: a process group kill could take down the
                # embedded PostgreSQL if this step is the one that started it.
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                self.check_stop()
                raise SystemExit(f"{name}: timed out after {timeout:.0f}s")
            time.sleep(0.2)
        for t in threads:
            t.join(timeout=5)
        if proc.returncode != 0:
            for line in captured:
                say(name, line)
            self.check_stop()
            raise SystemExit(f"{name}: `{' '.join(argv[1:])}` failed with exit status {proc.returncode}")
        return "\n".join(captured)

    def manage(self, name: str, *args: str, capture: bool = False) -> str:
        return self.step(name, [PY, "manage.py", *args], capture=capture)

    # long-running children -------------------------------------------------------------------

    def start(self, name: str, argv: list[str]) -> Child:
        child = Child(name, argv, self.env)
        self.children.append(child)
        note(f"started {name} (pid {child.proc.pid}), log: {display_path(child.log_path)}")
        return child

    def dead_child(self) -> Child | None:
        return next((c for c in self.children if c.poll() is not None), None)

    def watch(self) -> None:
        """Raise when a child died or a signal arrived."""
        self.check_stop()
        child = self.dead_child()
        if child is not None:
            raise ChildDied(child)

    def stop_children(self) -> None:
        if not self.children:
            return
        note("stopping " + ", ".join(c.name for c in self.children if c.poll() is None) + " ...")
        # Web first so no new requests queue work, then beat, then the worker finishes its task.
        for child in sorted(self.children, key=lambda c: ["web", "beat", "worker"].index(c.name)):
            child.terminate()
        deadline = time.monotonic() + STOP_GRACE
        while time.monotonic() < deadline and any(c.poll() is None for c in self.children):
            time.sleep(0.2)
        for child in self.children:
            if child.poll() is None:
                note(f"{child.name} did not stop within {STOP_GRACE:.0f}s: killing it")
            child.kill_group()
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.proc.wait(5)
            child.close()

    # the run ---------------------------------------------------------------------------------

    def wait_for_web(self) -> None:
        host = f"{BASE_DOMAIN}:{PORT}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last_error = ""
        while time.monotonic() < deadline:
            self.watch()
            status, body, last_error = fetch("/api/context/", host)
            if status == 200 and b"console" in body:
                return
            if status is not None:
                last_error = f"HTTP {status}: {body[:200]!r}"
            time.sleep(0.5)
        raise SystemExit(
            f"web did not answer http://127.0.0.1:{PORT}/api/context/ (Host: {host}) within "
            f"{STARTUP_TIMEOUT:.0f}s; last error: {last_error}"
        )

    def run(self) -> int:
        self.install_signal_handlers()
        claim_pidfile()
        try:
            return self._run()
        except Stop:
            note(f"{getattr(self, 'received', 'signal')} received: stopping")
            self.stop_children()
            note("stopped.")
            if self.embedded_db:
                note("The embedded PostgreSQL keeps running for other commands: `make stop` stops it.")
            return 0
        except ChildDied as died:
            code = died.child.poll()
            note(
                f"ERROR: {died.child.name} exited unexpectedly with status {code}; "
                f"its log: {display_path(died.child.log_path)}"
            )
            self.stop_children()
            return 1
        except SystemExit as exc:
            if isinstance(exc.code, str):
                note(f"ERROR: {exc.code}")
            self.stop_children()
            return 1 if exc.code not in (None, 0) else 0
        finally:
            release_pidfile()

    def _run(self) -> int:
        check_port_free(PORT)
        note(f"repository {ROOT}; state in {VAR_DIR}")
        if not (ROOT / "frontend" / "dist" / "index.html").exists():
            note(
                "WARNING: frontend/dist is not built: pages will say so (the API works). `make frontend` builds it."
            )

        note("checking the settings (starts the embedded PostgreSQL when DATABASE_URL is unset) ...")
        services = json.loads(
            self.step("settings", [PY, "-c", SERVICES_PROBE], capture=True).strip().splitlines()[-1]
        )
        self.embedded_db = services["database_embedded"]
        for line in describe_services(services):
            note(line)

        note("migrating (manage.py migrate_units) ...")
        self.manage("migrate", "migrate_units")

        self.check_stop()
        self.start(
            "web",
            [PY, "-m", "uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", str(PORT)],  # noqa: S104
        )
        self.start(
            "worker", [PY, "-m", "celery", "-A", "config", "worker", "-l", "info", "--concurrency", "2"]
        )
        self.start("beat", [PY, "-m", "celery", "-A", "config", "beat", "-l", "info"])

        note(f"waiting for web on http://127.0.0.1:{PORT}/ ...")
        self.wait_for_web()

        note("demo data (manage.py setup_demo: created the first time only) ...")
        output = self.manage("setup", "setup_demo", capture=True).splitlines()
        for line in output:
            if line.strip().startswith("provisioned"):
                say("setup", line.strip())
        logins = "\n".join(line for line in output if not line.strip().startswith("provisioned"))
        self.watch()
        print_banner(services, logins)

        while True:
            self.watch()
            time.sleep(0.5)


class ChildDied(Exception):
    def __init__(self, child: Child):
        super().__init__(child.name)
        self.child = child


# --- helpers ------------------------------------------------------------------------------


# Run in a child so this process never imports Django: which database/broker the settings chose.
SERVICES_PROBE = r"""
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "database_url": getattr(settings, "DATABASE_URL", ""),
    "database_embedded": not os.environ.get("DATABASE_URL"),
    "database_name": db.get("NAME"),
    "redis_url": getattr(settings, "REDIS_URL", ""),
    "broker_url": settings.CELERY_BROKER_URL,
    "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
}))
"""


def describe_services(s: dict) -> list[str]:
    if s["database_embedded"]:
        db = f"embedded PostgreSQL (pgserver wheel), database {s['database_name']}, data in {display_path(VAR_DIR / 'pgdata')}"
    else:
        db = f"PostgreSQL at {redact(s['database_url'])}"
    if s["redis_url"]:
        broker = f"Redis at {redact(s['redis_url'])} (Celery broker, cache, channel layer)"
    else:
        broker = (
            f"kombu filesystem transport in {display_path(VAR_DIR / 'broker')}, in-memory channel layer "
            "(one-machine demo only; set REDIS_URL for real use)"
        )
    return [f"database: {db}", f"broker:   {broker}"]


def print_banner(services: dict, logins: str) -> None:
    urls = list(dict.fromkeys(re.findall(r"https?://[^\s]+", logins)))
    console = f"http://{BASE_DOMAIN}:{PORT}/"
    units = [u for u in urls if u.rstrip("/") != console.rstrip("/")]
    rule = "=" * 78
    lines = [
        "",
        rule,
        " 统一电子公文办公平台 is running",
        "",
        f"   console (provider)   {console}",
        *[f"   unit {unit_code(u):<15} {u}" for u in units],
        f"   API docs             {console}api/docs/",
        "",
        *(f"   {line}" for line in describe_services(services)),
        f"   logs:     {display_path(LOG_DIR)}/{{web,worker,beat}}.log",
        "",
        " demo logins (`make run` sets these up once; OA_DEMO_PASSWORD sets the password):",
        *(f" {line}" for line in logins.strip("\n").splitlines()),
        "",
        " Ctrl-C stops web, worker and beat; `make stop` also stops the embedded database.",
        rule,
        "",
    ]
    with _print_lock:
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()


def unit_code(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.split(".", 1)[0]


def display_path(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def fetch(path: str, host: str) -> tuple[int | None, bytes, str]:
    """GET http://127.0.0.1:PORT<path> with a Host header (Python does not resolve *.localhost here)."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read(), ""
    except (OSError, http.client.HTTPException) as exc:
        return None, b"", str(exc) or type(exc).__name__
    finally:
        conn.close()


def check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", port))  # noqa: S104
        except OSError:
            raise SystemExit(
                f"port {port} is in use (another `make run`?). Stop it, or choose another with OA_PORT=..."
            ) from None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_pidfile() -> int | None:
    """The pid of the supervisor running for this VAR_DIR, if any (a stale file is ignored)."""
    try:
        pid = int(PIDFILE.read_text().strip())
    except (OSError, ValueError):
        return None
    if not pid_alive(pid):
        return None
    # After a crash the pid may belong to some other process by now: never signal that one.
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        with contextlib.suppress(OSError):
            if b"run.py" not in cmdline.read_bytes():
                return None
    return pid


def claim_pidfile() -> None:
    other = read_pidfile()
    if other is not None and other != os.getpid():
        raise SystemExit(f"`make run` is already running for {VAR_DIR} (pid {other}); `make stop` stops it")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    PIDFILE.write_text(f"{os.getpid()}\n")


def release_pidfile() -> None:
    with contextlib.suppress(OSError):
        if PIDFILE.read_text().strip() == str(os.getpid()):
            PIDFILE.unlink()


# --- stop ---------------------------------------------------------------------------------


def stop() -> int:
    """Stop a running supervisor for this VAR_DIR, then the embedded PostgreSQL in VAR_DIR/pgdata."""
    pid = read_pidfile()
    if pid is not None:
        print(f"stopping `make run` (pid {pid}) ...")
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE + 15
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.3)
        if pid_alive(pid):
            print(f"error: pid {pid} did not stop", file=sys.stderr)
            return 1

    pgdata = VAR_DIR / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        print(f"embedded PostgreSQL is not running ({display_path(pgdata)})")
        return 0
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        print("error: the pgserver package is not installed in this Python", file=sys.stderr)
        return 1
    pg_ctl = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / "pg_ctl"
    # As root, pgserver runs PostgreSQL as the system user `pgserver` (pg_ctl refuses root).
    user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    status = subprocess.run(
        [str(pg_ctl), "-D", str(pgdata), "status"], user=user, capture_output=True, text=True
    )
    if status.returncode != 0:  # 3: not running (a stale postmaster.pid)
        print(f"embedded PostgreSQL is not running ({display_path(pgdata)})")
        return 0
    print(f"stopping the embedded PostgreSQL ({display_path(pgdata)}) ...")
    done = subprocess.run([str(pg_ctl), "-D", str(pgdata), "-m", "fast", "-w", "-t", "60", "stop"], user=user)
    return done.returncode


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "run"
    if command == "run":
        return Supervisor().run()
    if command == "stop":
        return stop()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
