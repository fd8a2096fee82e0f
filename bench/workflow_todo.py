"""To-do list benchmark (issue 3: workflow).

One unit with 300 staff, 10,000 open tasks and 30,000 finished ones (a year or so of
history); the tasks are spread the way a unit's are: most assigned to one person, the rest
in role, department and small person pools. A leader, who sits in a busy role and department,
asks for their to-do list through the API (session, middleware, DRF, serializer) again and
again; also timed: the query and serializer alone. Target: median under 50 ms.
"""

from __future__ import annotations

import os
import random
import time
import uuid

from bench.common import machine, median, percentile, timed, write_section

UNIT = "wfbench"
STAFF, DEPARTMENTS, ROLES = 300, 10, 5
OPEN, FINISHED, INSTANCES = 10_000, 30_000, 200
SAMPLES = int(os.environ.get("BENCH_TODO_SAMPLES", "200"))

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench" name="基准流程" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
    <bpmn:userTask id="handle" name="办理" camunda:candidateGroups="starter" camunda:dueDate="P3D" />
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def _populate(rng: random.Random):
    """Staff, roles and departments in bulk (one password hash for all), then instances
    started the real way, then the task rows inserted directly."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from oa.core.models import Account
    from oa.directory.models import Department, Position, Role, Staff
    from oa.workflow.actions import do_deploy_process_definition, do_start_process
    from oa.workflow.models import HumanTask

    User = get_user_model()
    with transaction.atomic():
        departments = [
            Department.objects.create(name=f"部门{i}", code=f"d{i}", order=i) for i in range(DEPARTMENTS)
        ]
        positions = [Position.objects.create(name=f"职务{i}", rank=10 * (i + 1)) for i in range(4)]
        roles = [Role.objects.create(code=f"r{i}", name=f"角色{i}") for i in range(ROLES)]
        password = make_password("Bench@2026pass")
        users = User.objects.bulk_create(User(username=f"s{i:04d}", password=password) for i in range(STAFF))
        Account.objects.bulk_create(Account(user=u, display_name=f"人员{u.username}") for u in users)
        staff = Staff.objects.bulk_create(
            Staff(user=u, department=departments[i % DEPARTMENTS], position=positions[min(i // 20, 3)])
            for i, u in enumerate(users)
        )
        Staff.roles.through.objects.bulk_create(
            Staff.roles.through(staff_id=s.pk, role_id=roles[i % ROLES].pk) for i, s in enumerate(staff)
        )
        definition = do_deploy_process_definition(
            acting_user=None, key="bench", name="基准流程", bpmn_xml=BPMN
        )
    instances = [
        do_start_process(
            definition,
            acting_user=users[rng.randrange(STAFF)],
            title=f"关于第 {n} 项工作的请示",
            urgency=rng.choice(["normal", "normal", "urgent", "very_urgent"]),
        )
        for n in range(INSTANCES)
    ]
    now = timezone.now()

    def row(i: int, state: str) -> HumanTask:
        kind = rng.random()
        pool: dict = {}
        if kind < 0.60:
            pool["assignee_id"] = users[rng.randrange(STAFF)].pk
        elif kind < 0.80:
            pool["candidate_roles"] = [roles[rng.randrange(ROLES)].pk]
        elif kind < 0.95:
            pool["candidate_departments"] = [departments[rng.randrange(DEPARTMENTS)].pk]
        else:
            pool["candidate_users"] = [users[rng.randrange(STAFF)].pk for _ in range(3)]
        created = now - timezone.timedelta(minutes=rng.randrange(60 * 24 * 365))
        return HumanTask(
            instance=instances[i % INSTANCES],
            spiff_task_id=uuid.uuid4(),
            element_id="handle",
            name="办理",
            state=state,
            created_at=created,
            due_at=created + timezone.timedelta(days=3),
            completed_at=None if state == "open" else created + timezone.timedelta(hours=5),
            **pool,
        )

    HumanTask.objects.bulk_create((row(i, "open") for i in range(OPEN)), batch_size=2000)
    HumanTask.objects.bulk_create((row(i, "completed") for i in range(FINISHED)), batch_size=2000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_humantask")
    # The reader: a leader in the first role and department (their pools are the busiest).
    return users[0]


def run(units: int | None = None) -> str:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from api.workflow.serializers import TaskListItemSerializer
    from oa.workflow.queries import open_tasks_for
    from tenants.actions import do_provision_unit
    from tenants.migration_pass import run_migration_pass

    # The test client needs the test-server host name allowed.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    run_migration_pass()
    do_provision_unit(
        acting_user=None,
        code=UNIT,
        name="流程基准单位",
        admin_username="admin",
        admin_display_name="管理员",
        admin_password="Bench@2026pass",
    )
    rng = random.Random(2026)
    with schema_context(UNIT):
        start = time.perf_counter()
        reader = _populate(rng)
        setup_seconds = time.perf_counter() - start
        mine = open_tasks_for(reader).count()
        client = Client(HTTP_HOST=f"{UNIT}.{settings.OA_BASE_DOMAIN}")
        client.force_login(reader)
        session = client.session
        session["oa_schema"] = UNIT
        session.save()
        sql, params = open_tasks_for(reader).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(r[0] for r in cursor.fetchall())

    def api_call():
        response = client.get("/api/workflow/tasks/")
        assert response.status_code == 200, response.content
        connection.set_schema_to_public()

    def query_and_serialize():
        with schema_context(UNIT):
            TaskListItemSerializer(open_tasks_for(reader)[:50], many=True).data  # noqa: B018

    api_ms = timed(api_call, SAMPLES)
    query_ms = timed(query_and_serialize, SAMPLES)
    bitmap = "BitmapOr" in plan and "Seq Scan on workflow_humantask" not in plan
    body = f"""
## To-do list (issue 3)

Machine: {machine()}

One unit with {STAFF} staff in {DEPARTMENTS} departments and {ROLES} roles, {OPEN:,} open tasks
and {FINISHED:,} finished ones over {INSTANCES} instances (60 % assigned to one person, 20 % to a
role, 15 % to a department, 5 % to a small pool of people); set-up took {setup_seconds:.1f} s.
The reader is a staff member with {mine} open tasks (direct, role and department pools).
`GET /api/workflow/tasks/` through Django's test client (host lookup, session, DRF, the count
and the first page of 50), {SAMPLES} calls after 10 warm-up calls; and the query plus serializer
alone for the same page. Target: median under 50 ms.

| what | median ms | p95 ms |
| --- | --- | --- |
| `GET /api/workflow/tasks/` | **{median(api_ms):.1f}** | {percentile(api_ms, 95):.1f} |
| `open_tasks_for()` + serializer, 50 rows | {median(query_ms):.1f} | {percentile(query_ms, 95):.1f} |

Plan: {"a BitmapOr over the four partial indexes (assignee, candidate users, roles, departments)" if bitmap else "see below (not the expected BitmapOr)"}.
"""
    if not bitmap:
        body += "\n```\n" + plan + "\n```\n"
    write_section("workflow-todo", body)
    return body
