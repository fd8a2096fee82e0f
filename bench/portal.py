"""Portal home benchmark (issue 14): GET /api/portal/home/ for one person.

One unit with the to-do benchmark's population (bench/workflow_todo.py: 300 staff, 10,000 open
tasks and 30,000 finished ones in role, department and person pools, with deadlines) and
500,000 notifications (the reader has 5,000 of them, 500 unread; the rest spread over the
unit) and 70,000 信息发布 items. The reader asks for the whole home page (to-do across modules, notifications, the
week's deadlines, shortcuts, recent documents) through the API again and again.
Target: p95 under 100 ms.
"""

from __future__ import annotations

import os
import random
import time

from bench.common import machine, median, percentile, timed, write_section

UNIT = "ptbench"
NOTIFICATIONS, READER_NOTIFICATIONS, READER_UNREAD = 500_000, 5_000, 500
# 信息发布: the article's 70,000 items; a tenth to the whole unit, the rest to a department each,
# the reader in the audience of 1 in 20 of those; the reader has read 90 % of theirs.
NOTICES = 70_000
SAMPLES = int(os.environ.get("BENCH_PORTAL_SAMPLES", "200"))
TARGET_P95_MS = 100


def _notifications(reader_id: int) -> float:
    """Insert the notifications with one INSERT ... SELECT (seconds taken)."""
    from django.db import connection

    start = time.perf_counter()
    others = NOTIFICATIONS - READER_NOTIFICATIONS
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(id) FROM auth_user WHERE id <> %s", [reader_id])
        (ids,) = cursor.fetchone()
        kinds = ["todo.created", "todo.urged", "deadline.warning", "deadline.overdue", "exchange.delivered"]
        cursor.execute(
            """
            INSERT INTO notifications_notification
                (recipient_id, kind, title, body, link, source_type, source_id, actor_name, created_at, read_at)
            SELECT CASE WHEN g <= %(mine)s THEN %(reader)s ELSE (%(ids)s::bigint[])[1 + g %% cardinality(%(ids)s::bigint[])] END,
                   (%(kinds)s::text[])[1 + g %% 5],
                   '待办：关于第 ' || g || ' 项工作的请示', '请办理“办理”。', '/portal/tasks/' || g,
                   'workflow.humantask', g::text, '',
                   now() - (g || ' seconds')::interval,
                   CASE WHEN (g <= %(mine)s AND g > %(unread)s) OR (g > %(mine)s AND g %% 10 <> 0)
                        THEN now() ELSE NULL END
            FROM generate_series(1, %(total)s) AS g
            """,
            {
                "mine": READER_NOTIFICATIONS,
                "unread": READER_UNREAD,
                "reader": reader_id,
                "ids": ids,
                "kinds": kinds,
                "total": READER_NOTIFICATIONS + others,
            },
        )
        cursor.execute("ANALYZE notifications_notification")
    return time.perf_counter() - start


def _notices(reader_id: int) -> float:
    """Insert the notices and their receipts with INSERT ... SELECT (seconds taken)."""
    from django.db import connection

    from oa.notices.models import Column

    start = time.perf_counter()
    column = Column.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(id) FROM auth_user WHERE id <> %s", [reader_id])
        (ids,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO notices_notice
                (identifier, column_id, title, body_html, body_text, state, audience_all,
                 audience_departments, audience_roles, audience_users, pinned, published_at,
                 source_unit, source, recipient_count, retract_reason, created_at, updated_at)
            SELECT 'bench' || g, %(column)s, '关于第 ' || g || ' 项工作的通知', '<p>正文。</p>', '正文。',
                   'published', g %% 10 = 0, '[]', '[]', '[]', g > %(total)s - 3,
                   now() - (g || ' minutes')::interval, '', '{}', 1, '',
                   now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval
            FROM generate_series(1, %(total)s) AS g
            """,
            {"column": column.pk, "total": NOTICES},
        )
        # Receipts, as publishing writes them: the reader's for every whole-unit item and 1 in 20
        # of the department ones (90 % read), someone else's for the other department items.
        cursor.execute(
            """
            INSERT INTO notices_noticerecipient (notice_id, user_id, read_at, remind_count)
            SELECT n.id,
                   CASE WHEN n.audience_all OR n.id %% 20 = 0 THEN %(reader)s
                        ELSE (%(ids)s::bigint[])[1 + n.id %% cardinality(%(ids)s::bigint[])] END,
                   CASE WHEN n.id %% 10 = 0 AND NOT n.audience_all THEN NULL
                        WHEN n.id %% 100 = 0 THEN NULL ELSE now() END, 0
            FROM notices_notice n WHERE n.identifier LIKE 'bench%%'
            """,
            {"reader": reader_id, "ids": ids},
        )
        cursor.execute("ANALYZE notices_notice")
        cursor.execute("ANALYZE notices_noticerecipient")
    return time.perf_counter() - start


def run() -> str:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from bench.workflow_todo import _populate
    from oa.notifications.queries import unread_count
    from oa.workflow.queries import open_tasks_for
    from tenants.actions import do_provision_unit
    from tenants.migration_pass import run_migration_pass

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    run_migration_pass()
    do_provision_unit(
        acting_user=None,
        code=UNIT,
        name="门户基准单位",
        admin_username="admin",
        admin_display_name="管理员",
        admin_password="Bench@2026pass",
    )
    rng = random.Random(2026)
    with schema_context(UNIT):
        start = time.perf_counter()
        reader = _populate(rng)
        tasks_seconds = time.perf_counter() - start
        notif_seconds = _notifications(reader.pk)
        notices_seconds = _notices(reader.pk)
        from oa.notices.queries import unread_count as notices_unread

        notices_mine = notices_unread(reader)
        mine, unread = open_tasks_for(reader).count(), unread_count(reader)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM notifications_notification")
            (total,) = cursor.fetchone()
        client = Client(HTTP_HOST=f"{UNIT}.{settings.OA_BASE_DOMAIN}")
        client.force_login(reader)
        session = client.session
        session["oa_schema"] = UNIT
        session.save()

    def home():
        response = client.get("/api/portal/home/")
        assert response.status_code == 200, response.content
        connection.set_schema_to_public()
        return response

    sections = [s["code"] for s in home().json()["sections"]]
    ms = timed(home, SAMPLES)
    p95 = percentile(ms, 95)
    body = f"""
## Portal home (issue 14)

Machine: {machine()}

One unit with 300 staff, 10,000 open tasks and 30,000 finished ones (bench/workflow_todo.py's
population, set up in {tasks_seconds:.1f} s) and {total:,} notifications (inserted in
{notif_seconds:.1f} s), and {NOTICES:,} 信息发布 items with their receipts (inserted in
{notices_seconds:.1f} s; a tenth to the whole unit, the rest to departments). The reader has
{mine} open tasks, {READER_NOTIFICATIONS:,} notifications of which {unread} unread, and
{notices_mine:,} unread notices. `GET /api/portal/home/` through Django's test client
(host lookup, session, DRF), sections {", ".join(sections)}, {SAMPLES} calls after 10 warm-up calls. Target: p95 under {TARGET_P95_MS} ms.

| what | median ms | p95 ms |
| --- | --- | --- |
| `GET /api/portal/home/` | {median(ms):.1f} | **{p95:.1f}** {"✓" if p95 <= TARGET_P95_MS else "✗ over target"} |
"""
    write_section("portal-home", body)
    return body
