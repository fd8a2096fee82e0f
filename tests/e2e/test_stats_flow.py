"""平台统计 in Chromium: the provider opens the dashboard, a siming user signs in and siming sends a
document through the exchange, and after 刷新 the figures have moved; the per-unit table exports
to XLSX; siming's administrator sees the unit's own page. Screenshots in test-output/e2e/stats-*.png."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import PASSWORD, SIMING
from tests.e2e.conftest import Shots, console_api
from tests.e2e.test_exchange_flow import committed
from tests.e2e.test_foundation_flow import sign_in

expect.set_options(timeout=30_000)
pytestmark = pytest.mark.django_db


def _send_from_siming() -> None:
    from django.contrib.auth import get_user_model

    from exchange import actions
    from oa.directory.actions import create_staff
    from oa.directory.models import Role
    from tests.exchange.conftest import submission

    with schema_context(SIMING):
        with transaction.atomic():
            if not get_user_model().objects.filter(username="st_clerk").exists():
                create_staff(
                    username="st_clerk",
                    display_name="思明统计文书",
                    password=PASSWORD,
                    roles=list(Role.objects.filter(code="clerk")),
                )
        clerk = get_user_model().objects.get(username="st_clerk")
        actions.do_submit_package(
            submission("关于报送2026年度统计数据的通知"), acting_user=clerk, recipients=["huli"]
        )
    connection.set_schema_to_public()


def _card(page, key: str) -> int:
    text = page.get_by_test_id(f"stat-{key}").locator(".figure-card__value").inner_text()
    return int(re.sub(r"\D", "", text))


def test_the_dashboard_moves_with_a_sign_in_and_a_send(live_platform, page):
    port = live_platform
    shots = Shots(page, "stats")
    sign_in(page, f"http://localhost:{port}", "provider", PASSWORD)
    page.goto(f"http://localhost:{port}/console/stats")
    expect(page.get_by_test_id("stat-logins_week")).to_be_visible()
    expect(page.get_by_test_id("stats-units").locator("tbody tr").first).to_be_visible()
    logins, sends = _card(page, "logins_week"), _card(page, "exchange_sent_month")
    assert _card(page, "units_deployed") >= 2
    shots("dashboard")

    console_api(port, "admin", PASSWORD, SIMING)  # a real sign-in on siming's host
    committed(_send_from_siming)
    page.get_by_role("button", name="刷新").click()
    expect(page.get_by_test_id("stat-logins_week").locator(".figure-card__value")).not_to_have_text(
        f"{logins:,}"
    )
    assert _card(page, "logins_week") >= logins + 1
    assert _card(page, "exchange_sent_month") >= sends + 1

    page.get_by_role("radio", name="按月").check(force=True)
    expect(page.get_by_test_id("stats-trend").locator("canvas")).to_be_visible()
    # Sort the table by 登录次数, descending: siming (which just signed in) is among the first.
    header = page.get_by_test_id("stats-units").locator("th", has_text="登录次数")
    header.click()
    header.click()
    shots("month-sorted")
    with page.expect_download() as download:
        page.get_by_test_id("stats-export").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "单位代码"
    assert SIMING in [row[0] for row in values[2:]]


def test_a_unit_admin_sees_the_units_own_figures(live_platform, page):
    port = live_platform
    shots = Shots(page, "stats-unit")
    sign_in(page, f"http://{SIMING}.localhost:{port}", "admin", PASSWORD)
    page.goto(f"http://{SIMING}.localhost:{port}/admin/stats")
    expect(page.get_by_test_id("stat-logins_week")).to_be_visible()
    assert _card(page, "logins_week") >= 1  # this sign-in at least
    expect(page.get_by_test_id("stats-trend").locator("canvas")).to_be_visible()
    shots("unit")
