"""The daily roll-ups: counted from their sources, live after events, rerun without double
counting, backfilled for past days."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from exchange.fanout import fan_out
from oa.documents.actions import do_register_incoming
from stats.models import FIGURES, UnitDay
from stats.rollup import rollup
from tests.conftest import HULI, PASSWORD, SIMING, HostClient
from tests.exchange.conftest import submit

pytestmark = pytest.mark.django_db(transaction=False)


def row(code: str, day: datetime.date | None = None) -> dict:
    day = day or timezone.localdate()
    found = UnitDay.objects.filter(unit__code=code, day=day).values(*FIGURES).first()
    return found or dict.fromkeys(FIGURES, 0)


def sign_in(code: str, username: str) -> None:
    response = HostClient(code).post(
        "/api/auth/login/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content


def test_a_sign_in_moves_todays_figures_at_once(people, django_capture_on_commit_callbacks):
    before = row(SIMING)["logins"]
    with django_capture_on_commit_callbacks(execute=True):  # as when the login commits
        sign_in(SIMING, "admin")
        sign_in(SIMING, "admin")
    assert row(SIMING)["logins"] == before + 2
    assert row(SIMING)["users"] >= 4  # admin, secadmin, auditor, director and the cast


def test_documents_and_the_exchange_are_counted_and_a_rerun_counts_nothing_twice(people, clerks, media):
    with schema_context(SIMING), transaction.atomic():
        do_register_incoming(
            acting_user=people["clerk"], fields={"title": "关于统计工作的通知", "source_agency": "市统计局"}
        )
    connection.set_schema_to_public()
    envelope = submit(people["clerk"], recipients=[HULI])
    fan_out(envelope.pk)
    today = timezone.localdate()
    rollup(today, today)
    siming, huli = row(SIMING), row(HULI)
    assert siming["documents_received"] >= 1
    assert siming["exchange_sent"] >= 1
    assert huli["exchange_received"] >= 1
    # The beat job, a rerun and the command give the same rows.
    rollup(today, today)
    call_command("rollup_stats", verbosity=0)
    assert row(SIMING) == siming and row(HULI) == huli
    assert UnitDay.objects.filter(unit__code=SIMING, day=today).count() == 1


def test_a_backfill_writes_every_day_and_puts_events_on_their_own_day(people):
    today = timezone.localdate()
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    with schema_context(SIMING), transaction.atomic():
        do_register_incoming(
            acting_user=people["clerk"],
            fields={"title": "关于补录历史收文的通知", "source_agency": "市档案局"},
            now=ten_days_ago,
        )
    connection.set_schema_to_public()
    first = today - datetime.timedelta(days=14)
    report = rollup(first, today, codes=[SIMING])
    assert report == {"units": 1, "days": 15, "rows": 15}
    day = timezone.localtime(ten_days_ago).date()
    assert row(SIMING, day)["documents_received"] == 1
    assert row(SIMING, day - datetime.timedelta(days=1))["documents_received"] == 0
    assert UnitDay.objects.filter(unit__code=SIMING, day__gte=first).count() == 15


def test_the_command_refuses_bad_ranges(db):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="--day"):
        call_command("rollup_stats", day="2026-13-01", verbosity=0)
    with pytest.raises(CommandError, match="future"):
        call_command("rollup_stats", day=tomorrow.isoformat(), verbosity=0)
    with pytest.raises(CommandError, match="before"):
        call_command("rollup_stats", first="2026-02-01", last="2026-01-01", verbosity=0)


def test_statistics_never_break_the_action_that_triggers_them(
    people, monkeypatch, django_capture_on_commit_callbacks
):
    from stats import rollup as rollup_module

    def broken(*args, **kwargs):
        raise RuntimeError("roll-up failed")

    monkeypatch.setattr(rollup_module, "rollup_unit", broken)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sign_in(SIMING, "admin")  # still signs in
    assert callbacks
    assert not UnitDay.objects.filter(unit__code=SIMING, day=timezone.localdate()).exists()


def test_notices_published_by_the_unit_are_counted(db):
    from oa.notices import actions as notices
    from oa.notices.models import Column
    from tests.conftest import user_in

    admin = user_in(SIMING, "admin")
    with schema_context(SIMING), transaction.atomic():
        column = Column.objects.order_by("pk").first()
        column.publishers.add(admin)
        for title in ("关于春节放假的通知", "关于开展安全检查的通知"):
            notice = notices.do_create_notice(
                column,
                acting_user=admin,
                fields={"title": title, "body_html": "<p>正文。</p>", "audience_all": True},
            )
            notices.do_publish_notice(notice, acting_user=admin)
    connection.set_schema_to_public()
    today = timezone.localdate()
    rollup(today, today, codes=[SIMING])
    assert row(SIMING)["notices"] == 2
