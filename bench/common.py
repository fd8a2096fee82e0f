"""Shared set-up for benchmarks: a dedicated database, machine details, the results file."""

from __future__ import annotations

import os
import platform as std_platform
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "benchmarks.md"
# BENCH_DATABASE: another name, so that two benchmarks can run side by side on one server.
BENCH_DB = os.environ.get("BENCH_DATABASE", "govoa_bench")


def use_bench_database() -> str:
    """Point DATABASE_URL at a fresh benchmark database on the configured (or embedded) server."""
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("DATABASE_URL")
    if not url:
        from config.embedded import embedded_database_url

        url = embedded_database_url()
    admin_url = (
        re.sub(r"/[^/?]+(\?|$)", r"/postgres\1", url, count=1) if "/" in url.split("://", 1)[1] else url
    )
    bench_url = re.sub(r"/[^/?]+(\?|$)", rf"/{BENCH_DB}\1", url, count=1)
    import psycopg

    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return bench_url


def _libpq(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(
            next(
                x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")
            ).split()[1]
        )
        mem = f"{kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    db = (
        "embedded pgserver"
        if "host=/" in os.environ.get("DATABASE_URL", "") or "%2F" in os.environ.get("DATABASE_URL", "")
        else "PostgreSQL server"
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem}; {std_platform.system()} {std_platform.release()}; "
        f"Python {std_platform.python_version()}; PostgreSQL {pg} ({db}); "
        f"git {git_rev()}; run {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores when it started (other work on a shared machine shows here)"
    )


def git_rev() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn, samples: int, warmup: int = 10) -> list[float]:
    """Milliseconds of each of `samples` calls of `fn`, after `warmup` calls (caches, connection)."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(samples):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def write_section(name: str, body: str) -> None:
    """Replace (or append) one benchmark's section in docs/benchmarks.md."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = (
        RESULTS.read_text(encoding="utf-8")
        if RESULTS.exists()
        else (
            "# Benchmarks\n\nWritten by `make bench` (bench/run.py). Each section is replaced when its benchmark runs;"
            " numbers are medians unless named otherwise, and ratios compare runs made in the same process,"
            " since these machines are shared and noisy.\n"
        )
    )
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")
