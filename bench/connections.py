"""Database connections under sustained load (issue 19, ADR 0014).

Fifty HTTP clients call `/api/context/` on a unit host and the console, without pause, against a
real web process (uvicorn, as `make run` starts it). Every few seconds the benchmark counts the
web process's connections in pg_stat_activity (application_name `govoa-web` / `govoa`).

1. Before: the previous design (`OA_DB_POOL=0`: one persistent connection per request thread,
   CONN_MAX_AGE=60) with only BENCH_CONN_BEFORE_CLIENTS (8) clients, stopped early once it holds
   40 connections, so that the shared server keeps its slots (with 50 clients it takes all 100 of
   them in about 2 s and answers 500).
2. The pool (`OA_DB_POOL=1`, the default under ASGI) with the same few clients for as long: the
   ratio of requests per second is taken between these two.
3. The pool with BENCH_CONN_CLIENTS (50) clients for BENCH_CONN_SECONDS (300).

All phases run in this one process, one after the other.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from bench.common import ROOT, machine, median, percentile, write_section

UNIT = "conn"
STOP_BEFORE_AT = 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/context/", headers={"Host": f"localhost:{port}"}
    )
    try:
        urllib.request.urlopen(request, timeout=2)  # noqa: S310 (a fixed http://127.0.0.1 URL)
    except OSError:
        return False
    return True


def _connections(app: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
            [app],
        )
        return cursor.fetchone()[0]


def _phase(pool: bool, seconds: float, clients: int, log) -> dict:
    """Start a web process, load it with `clients` clients for `seconds`, stop it."""
    port = _free_port()
    env = {
        **os.environ,
        "OA_DB_POOL": "1" if pool else "0",
        "OA_PUBLIC_PORT": str(port),
        "OA_LOG_LEVEL": "WARNING",
    }
    app = "govoa-web" if pool else "govoa"
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while not _answers(port):
            if web.poll() is not None or time.time() > deadline:
                raise RuntimeError("the web process did not start (test-output/bench-connections-web.log)")
            time.sleep(0.3)
        stop = threading.Event()
        latencies: list[float] = []
        statuses: dict[int | str, int] = {}
        lock = threading.Lock()

        def client(n: int) -> None:
            host = f"{UNIT}.localhost:{port}" if n % 2 else f"localhost:{port}"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    conn.request("GET", "/api/context/", headers={"Host": host})
                    response = conn.getresponse()
                    response.read()
                    status: int | str = response.status
                except OSError as exc:
                    status = type(exc).__name__
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    latencies.append(time.perf_counter() - started)
            conn.close()

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        samples: list[int] = []
        while time.perf_counter() - started < seconds:
            time.sleep(0.5 if not pool else 2)
            samples.append(_connections(app))
            if not pool and samples[-1] >= STOP_BEFORE_AT:
                break
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        time.sleep(1)
        after = _connections(app)
    finally:
        web.terminate()
        try:
            web.wait(timeout=15)
        except subprocess.TimeoutExpired:
            web.kill()
    total = sum(statuses.values())
    return {
        "seconds": elapsed,
        "requests": total,
        "per_second": total / elapsed,
        "ok": statuses.get(200, 0),
        "failed": total - statuses.get(200, 0),
        "statuses": statuses,
        "p50_ms": median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": percentile(latencies, 95) * 1000 if latencies else 0.0,
        "peak": max(samples, default=0),
        "median_connections": median(samples) if samples else 0,
        "last": samples[-1] if samples else 0,
        "after": after,
    }


def run() -> str:
    os.environ.setdefault("OA_VAR_DIR", tempfile.mkdtemp(prefix="bench-connections-"))
    os.environ.setdefault("OA_FAST_PASSWORD_HASHER", "1")
    import django

    django.setup()
    from django.db import connection

    from tenants.actions import do_provision_unit
    from tenants.migration_pass import run_migration_pass

    seconds = float(os.environ.get("BENCH_CONN_SECONDS", "300"))
    before_seconds = float(os.environ.get("BENCH_CONN_BEFORE_SECONDS", "30"))
    clients = int(os.environ.get("BENCH_CONN_CLIENTS", "50"))
    few = int(os.environ.get("BENCH_CONN_BEFORE_CLIENTS", "8"))
    pool_max = int(os.environ.get("OA_DB_POOL_MAX", "10"))
    about = machine()
    run_migration_pass()
    do_provision_unit(acting_user=None, code=UNIT, name="连接基准单位", admin_password="Bench@2026pass")
    connection.set_schema_to_public()
    log_path = ROOT / "test-output" / "bench-connections-web.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        before = _phase(False, before_seconds, few, log)
        same = _phase(True, before["seconds"], few, log)
        after = _phase(True, seconds, clients, log)

    def row(name: str, r: dict) -> str:
        failed = ", ".join(f"{k}: {v}" for k, v in r["statuses"].items() if k != 200) or "none"
        return (
            f"| {name} | {r['seconds']:.0f} s | {r['requests']} | {r['per_second']:.0f} | {r['p50_ms']:.0f} / "
            f"{r['p95_ms']:.0f} ms | {r['median_connections']:.0f} | {r['peak']} | {r['last']} → {r['after']} | {failed} |"
        )

    ratio = same["per_second"] / before["per_second"] if before["per_second"] else float("nan")
    body = f"""## Database connections under sustained load (issue 19)

{about}

HTTP clients call `/api/context/` without pause on a unit host and the console (half each)
against one uvicorn web process; the web process's connections are counted in pg_stat_activity
(every 0.5 s before, every 2 s with the pool). *Before* is the previous design (a persistent
connection per request thread, CONN_MAX_AGE=60) with {few} clients, stopped once it holds
{STOP_BEFORE_AT} connections (with 50 clients it takes the server's 100 slots in about 2 s and answers
500); then the bounded psycopg pool (OA_DB_POOL_MAX={pool_max}) with the same {few} clients for as long,
and with {clients} clients for {seconds / 60:.0f} minutes.

| design | ran | requests | req/s | p50 / p95 | connections (median) | peak | last → 1 s after | non-200 |
|---|---|---|---|---|---|---|---|---|
{row(f"before: per-thread, conn_max_age=60, {few} clients", before)}
{row(f"psycopg pool, {few} clients", same)}
{row(f"psycopg pool, {clients} clients", after)}

Requests per second with {few} clients, pool / before, in this run: **{ratio:.2f}×**. With {clients}
clients the pool never held more than {after["peak"]} connections (its bound is {pool_max}) over
{after["seconds"] / 60:.1f} minutes, while the previous design reached {before["peak"]} with {few} clients
in {before["seconds"]:.0f} s and kept them.
"""
    write_section("connections", body)
    return body
