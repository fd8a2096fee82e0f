"""Database connections stay bounded under sustained concurrent load (issue 19).

Under ASGI each request's sync code runs in a new thread; with persistent per-thread
connections (CONN_MAX_AGE=60) every request left one open until garbage collection, and a few
minutes of load filled PostgreSQL's slots. The web process now takes a bounded psycopg pool
(ADR 0014). Fifty clients hammer a unit host and the console for a while; the web process
never holds more than its pool, and nothing answers 5xx. The five-minute version is
`make bench BENCH_ARGS=connections`."""

from __future__ import annotations

import http.client
import os
import threading
import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

CLIENTS = 50
SECONDS = 15


def _web_connections(test_db: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = 'govoa-web'",
            [test_db],
        )
        return cursor.fetchone()[0]


def test_fifty_clients_keep_the_connections_flat(live_platform, platform_env, django_db_blocker):
    port, test_db, _env = platform_env
    stop = time.monotonic() + SECONDS
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        host = f"siming.localhost:{port}" if n % 2 else f"localhost:{port}"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            try:
                conn.request("GET", "/api/context/", headers={"Host": host})
                response = conn.getresponse()
                response.read()
            except OSError as exc:  # a refused or dropped connection is a failure too
                with lock:
                    errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    peak = 0
    with django_db_blocker.unblock():
        while any(t.is_alive() for t in threads):
            peak = max(peak, _web_connections(test_db))
            time.sleep(0.5)
        after = _web_connections(test_db)
    for thread in threads:
        thread.join()

    pool_max = int(os.environ.get("OA_DB_POOL_MAX", "10"))
    total = sum(statuses.values())
    assert errors == [], errors[:5]
    assert set(statuses) == {200}, statuses
    assert total > CLIENTS * 5, f"only {total} requests answered in {SECONDS} s"
    # One web process: never more than its pool (the default of OA_DB_POOL_MAX), whatever the load.
    assert 0 < peak <= pool_max, f"peak {peak} connections for {total} requests"
    assert after <= pool_max
