"""平台统计 API: the provider's dashboard and table, a unit admin's own figures, and refusals."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from stats.models import UnitDay
from tenants.models import Unit
from tests.conftest import HULI, SIMING

pytestmark = pytest.mark.django_db


@pytest.fixture
def days(db):
    """Roll-ups for 40 days: siming signs in 3 times a day and sends 2, huli once and 1."""
    today = timezone.localdate()
    siming, huli = Unit.objects.get(code=SIMING), Unit.objects.get(code=HULI)
    rows = []
    for n in range(40):
        day = today - datetime.timedelta(days=n)
        rows.append(UnitDay(unit=siming, day=day, logins=3, exchange_sent=2, users=10, meeting_notices=1))
        rows.append(UnitDay(unit=huli, day=day, logins=1, exchange_sent=1, users=5, documents_received=4))
    UnitDay.objects.bulk_create(rows)
    return today


def test_the_provider_sees_the_articles_figures_and_their_trend(provider, days):
    response = provider.get("/api/stats/overview/", {"period": "week"})
    assert response.status_code == 200, response.content
    data = response.json()
    figures = data["figures"]
    assert figures["logins_week"] == 7 * (3 + 1)
    assert figures["exchange_sent_month"] == 30 * (2 + 1)
    assert figures["meeting_notices_month"] == 30
    assert figures["users"] == 15  # a level: each unit's last day, not summed over days
    assert figures["documents_received_total"] == 40 * 4
    assert figures["units_deployed"] >= 2 and figures["units_on_exchange"] >= 2
    series = data["series"]
    assert len(series) == 26 and all(p["period"] for p in series)
    assert sum(p["logins"] for p in series) == 40 * 4
    assert series[-1]["users"] == 15
    kinds = {row["kind"]: row for row in data["by_kind"]}
    assert sum(row["exchange_sent"] for row in kinds.values()) == 40 * 3

    monthly = provider.get("/api/stats/overview/", {"period": "month"}).json()
    assert len(monthly["series"]) == 12
    assert sum(p["exchange_sent"] for p in monthly["series"]) == 40 * 3


def test_the_table_sorts_pages_and_exports(provider, days):
    first = (days - datetime.timedelta(days=9)).isoformat()
    response = provider.get("/api/stats/units/", {"date_from": first, "ordering": "-logins"})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [r["code"] for r in rows[:2]] == [SIMING, HULI]
    assert rows[0]["logins"] == 30 and rows[0]["users"] == 10
    ascending = provider.get("/api/stats/units/", {"date_from": first, "ordering": "logins"}).json()[
        "results"
    ]
    assert [r["code"] for r in ascending if r["code"] in (SIMING, HULI)] == [HULI, SIMING]
    found = provider.get("/api/stats/units/", {"search": "湖里"}).json()["results"]
    assert [r["code"] for r in found] == [HULI]

    export = provider.get("/api/stats/units/export/", {"date_from": first, "ordering": "-logins"})
    assert export.status_code == 200
    assert "attachment" in export["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:4] == ("单位代码", "单位名称", "单位类型", "登录次数")
    assert values[2][0] == SIMING and values[2][3] == 30


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "year"}, "period"),
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_to": "2999-01-01"}, "date_to"),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_from"),
        ({"date_from": "2020-01-01", "date_to": "2026-01-01"}, "date_from"),
        ({"kind": "planet"}, "kind"),
        ({"ordering": "password"}, "ordering"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(provider, params, field):
    response = provider.get("/api/stats/units/", params)
    assert response.status_code == 400
    body = response.json()
    assert field in str(body), body


def test_a_unit_admin_sees_its_own_unit_only(siming_admin, huli_outsider, days):
    mine = siming_admin.get("/api/stats/", {"period": "week"})
    assert mine.status_code == 200, mine.content
    assert mine.json()["figures"]["logins_week"] == 21
    assert mine.json()["figures"]["users"] == 10
    theirs = huli_outsider.get("/api/stats/").json()
    assert theirs["figures"]["logins_week"] == 7
    assert "units_deployed" not in theirs["figures"]


def test_who_is_refused(siming, siming_director, siming_auditor, console, provider, days):
    assert siming.get("/api/stats/").status_code in (401, 403)
    assert siming_director.get("/api/stats/").status_code == 403  # no directory.manage
    assert siming_auditor.get("/api/stats/").status_code == 403
    for path in ("/api/stats/overview/", "/api/stats/units/", "/api/stats/units/export/"):
        assert console.get(path).status_code in (401, 403)
    # The unit endpoint does not exist on the console, nor the console's on a unit host.
    assert provider.get("/api/stats/").status_code == 404
    assert siming_director.get("/api/stats/overview/").status_code == 404
