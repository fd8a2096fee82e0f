"""Embedded services for a one-machine demo (ARCHITECTURE §8).

With no DATABASE_URL the platform starts PostgreSQL from the `pgserver` wheel under
`var/pgdata` in the checkout; with no REDIS_URL Celery uses kombu's filesystem transport
under `var/broker`. Neither is used when the real servers are configured, and every
reliability guarantee is tested against the real servers.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OA_VAR_DIR", BASE_DIR / "var"))
EMBEDDED_DB_NAME = "govoa"


def embedded_database_url() -> str:
    """Start (or reuse) the embedded PostgreSQL and return a URL for the platform database."""
    import pgserver  # imported lazily: only the embedded mode needs it

    pgdata = VAR_DIR / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so `manage.py` commands, the
    # web process and the Celery worker all share one server; `make stop` stops it.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return server.get_uri(EMBEDDED_DB_NAME)


def embedded_broker_settings() -> dict:
    """Celery settings for kombu's filesystem transport (no broker server needed)."""
    folder = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            "control_folder": str(folder / "control"),
        },
    }
