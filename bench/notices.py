"""信息发布 benchmark (issue 14): a notice to a 3,000-person unit, published with its receipts.

One unit with 3,000 staff in 30 departments (the article: 40 units on the office cloud with
3,000+ users; one large unit holding them all is the worst case for one publish). A publisher
writes a notice and publishes it through the API (session, middleware, DRF, the action): the
audience is resolved and one receipt row per person written in the request. Timed from the
POST to its answer, for the whole unit and for half of it (15 departments), then the
publisher's 阅读情况 page (3,000 rows) and one reader's 已读.

    python bench/run.py notices
    BENCH_NOTICES_STAFF=3000 BENCH_NOTICES_SAMPLES=10 python bench/run.py notices

The staff are written with bulk inserts (accounts with unusable passwords): create_staff would
hash 3,000 passwords, which measures nothing about publishing.
"""

from __future__ import annotations

import os
import tempfile
import time

from bench.common import machine, median, percentile, write_section

UNIT = "noticebench"
STAFF = int(os.environ.get("BENCH_NOTICES_STAFF", "3000"))
DEPARTMENTS = 30
SAMPLES = int(os.environ.get("BENCH_NOTICES_SAMPLES", "10"))
TARGET_SECONDS = 2.0


def _populate():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from oa.core.models import Account
    from oa.directory.models import Department, Staff
    from oa.notices.models import Column

    User = get_user_model()
    with transaction.atomic():
        departments = Department.objects.bulk_create(
            [Department(name=f"第{i + 1}科", order=i) for i in range(DEPARTMENTS)]
        )
        users = User.objects.bulk_create(
            [User(username=f"staff{i:04d}", password=make_password(None)) for i in range(STAFF)]
        )
        Account.objects.bulk_create(
            [Account(user=u, display_name=f"职员{i:04d}") for i, u in enumerate(users)]
        )
        Staff.objects.bulk_create(
            [Staff(user=u, department=departments[i % DEPARTMENTS]) for i, u in enumerate(users)]
        )
        publisher = users[0]
        column = Column.objects.get(name="通知公告")
        column.publishers.add(publisher)
    return publisher, users[1], column, departments


def run() -> str:
    import django

    os.environ.setdefault("OA_VAR_DIR", tempfile.mkdtemp(prefix="bench-notices-"))
    os.environ.setdefault("OA_FAST_PASSWORD_HASHER", "1")
    django.setup()
    from django.conf import settings
    from django.test import Client
    from django_tenants.utils import schema_context

    from tenants.actions import do_provision_unit
    from tenants.migration_pass import run_migration_pass

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    run_migration_pass()
    do_provision_unit(
        acting_user=None, code=UNIT, name="信息发布基准单位", admin_username="admin",
        admin_display_name="管理员", admin_password="Bench@2026pass",
    )  # fmt: skip
    with schema_context(UNIT):
        publisher, reader, column, departments = _populate()

        def client_for(user) -> Client:
            client = Client(HTTP_HOST=f"{UNIT}.{settings.OA_BASE_DOMAIN}")
            client.force_login(user)
            session = client.session
            session["oa_schema"] = UNIT
            session.save()
            return client

        editor, staff = client_for(publisher), client_for(reader)
        body = "<p>" + "各科室要认真落实年度安全生产责任制，做好节前安全检查。" * 20 + "</p>"

        def publish(audience: dict) -> tuple[float, int]:
            draft = editor.post(
                "/api/notices/manage/",
                {"column": column.pk, "title": "关于做好节前安全检查的通知", "body_html": body, **audience},
                content_type="application/json",
            ).json()
            start = time.perf_counter()
            answer = editor.post(f"/api/notices/{draft['id']}/publish/")
            seconds = time.perf_counter() - start
            assert answer.status_code == 200, answer.content
            return seconds, draft["id"]

        publish({"audience_all": True})  # warm-up (jieba, connections)
        whole, half = [], []
        last = 0
        for _ in range(SAMPLES):
            seconds, last = publish({"audience_all": True})
            whole.append(seconds)
        for _ in range(SAMPLES):
            seconds, _pk = publish({"audience_departments": [d.pk for d in departments[: DEPARTMENTS // 2]]})
            half.append(seconds)
        receipts, reads = [], []
        for _ in range(SAMPLES):
            start = time.perf_counter()
            page = editor.get(f"/api/notices/{last}/receipts/")
            receipts.append(time.perf_counter() - start)
            # The unit's admin is staff too.
            assert page.status_code == 200 and page.json()["counts"]["total"] >= STAFF
        start = time.perf_counter()
        assert staff.post(f"/api/notices/{last}/read/").status_code == 200
        reads.append(time.perf_counter() - start)
        for _ in range(SAMPLES):
            start = time.perf_counter()
            assert staff.get("/api/notices/").status_code == 200
            reads.append(time.perf_counter() - start)

    def ms(values: list[float]) -> str:
        return f"{median(values) * 1000:.0f} ms (p95 {percentile(values, 95) * 1000:.0f} ms)"

    ok = percentile(whole, 95) <= TARGET_SECONDS
    body = f"""## 信息发布: a notice to a {STAFF:,}-person unit

{machine()}. One unit, {STAFF:,} staff in {DEPARTMENTS} departments; publishing through the API
(`POST /api/notices/{{id}}/publish/`: the audience resolved, one receipt row and one notification
(oa.notifications, pushed live after the commit) per person); {SAMPLES} samples each.

| what | time |
| --- | --- |
| publish to the whole unit ({STAFF:,} receipts) | {ms(whole)} |
| publish to {DEPARTMENTS // 2} departments ({STAFF // 2:,} receipts) | {ms(half)} |
| 阅读情况: the {STAFF:,}-row receipts page | {ms(receipts)} |
| a reader's list (信息列表) | {ms(reads[1:])} |

Target: published with its receipts in ≤ {TARGET_SECONDS:.0f} s (p95): **{"met" if ok else "NOT met"}**.
"""
    write_section("notices", body)
    return body
