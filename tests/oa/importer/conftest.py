"""The importer's cast: siming's system administrator (系统管理员) imports, holding
importer.manage through the sysadmin role (importer migration 0002); the director does not.

Files the tests import are the real Domino exports in ../shared/data/dxl (SAMPLES) or written
on the fly by tests/oa/importer/sources/dxl/builders.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from oa.importer import actions
from oa.importer.models import ImportRun
from oa.importer.runs import execute_run
from tests.conftest import SIMING, user_in
from tests.oa.importer.sources.dxl.builders import SAMPLES


@pytest.fixture
def unit(db):
    with schema_context(SIMING):
        yield


@pytest.fixture
def admin(unit):
    return user_in(SIMING, "admin")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def run_file(path: Path, admin, *, dry_run: bool = False, mapping: str | None = None) -> ImportRun:
    """What `manage.py import_domino` does for one file: check, create the run, execute it."""
    run = actions.do_create_file_run(path, acting_user=admin, dry_run=dry_run, mapping=mapping)
    return execute_run(run.pk)


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"the sample exports are not at {SAMPLES}")
    return path
