"""Bulk provisioning from the console: a CSV is uploaded, a real Celery worker provisions the
units, and the console shows the job's progress and its result."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import Shots, console_api
from tests.e2e.test_foundation_flow import sign_in

pytestmark = pytest.mark.django_db
CODES = [f"bulk{i}" for i in range(1, 6)]


@pytest.fixture
def cleanup_bulk_units(live_platform):
    yield
    api = console_api(live_platform, "provider", PASSWORD)
    for code in CODES:
        api("DELETE", f"/api/units/{code}/", {"confirm": code}, ok=(204, 404))


def test_a_csv_of_units_is_provisioned_by_the_worker_with_progress(
    live_platform, live_worker, page, tmp_path, cleanup_bulk_units
):
    port = live_platform
    console = f"http://localhost:{port}"
    csv = tmp_path / "units.csv"
    csv.write_text(
        "code,name,kind\n"
        + "".join(f"{code},批量街道{i}办事处,street_office\n" for i, code in enumerate(CODES, 1)),
        encoding="utf-8",
    )
    shot = Shots(page, "bulk")
    sign_in(page, console, "provider", PASSWORD)
    page.get_by_test_id("units-bulk").click()
    page.get_by_test_id("units-bulk-file").locator("input[type=file]").set_input_files(str(csv))
    shot("bulk-dialog")
    page.get_by_test_id("units-bulk-submit").click()
    expect(page.locator(".el-progress").first).to_be_visible()
    shot("bulk-progress")
    expect(page.locator("body")).to_contain_text("bulk5", timeout=60_000)
    expect(page.locator(".el-progress").first).to_contain_text("100%", timeout=60_000)
    shot("bulk-done")
    api = console_api(port, "provider", PASSWORD)
    listed = api("GET", "/api/units/?search=bulk")
    assert sorted(u["code"] for u in listed["results"]) == CODES


def test_a_csv_with_bad_rows_is_refused_row_by_row(live_platform, page, tmp_path):
    port = live_platform
    csv = tmp_path / "units.csv"
    csv.write_text("code,name\nok1,好单位\nBAD!,坏代码\nsiming,冒名单位\n", encoding="utf-8")
    shot = Shots(page, "bulk-refused")
    sign_in(page, f"http://localhost:{port}", "provider", PASSWORD)
    page.get_by_test_id("units-bulk").click()
    page.get_by_test_id("units-bulk-file").locator("input[type=file]").set_input_files(str(csv))
    page.get_by_test_id("units-bulk-submit").click()
    errors = page.get_by_test_id("row-errors")
    expect(errors).to_contain_text("3")
    expect(errors).to_contain_text("4")
    shot("row-errors")
    assert console_api(port, "provider", PASSWORD)("GET", "/api/units/?search=ok1")["count"] == 0
