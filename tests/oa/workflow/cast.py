"""The workflow cast in siming (on top of tests/conftest.py's): an office and a secretariat.

办公室 (office):       director 林建国 主任 (rank 10), deputy 陈副主任 副主任 (rank 20)
秘书科 (secretariat):  secretary 王科长 科长 (rank 30), clerk 张科员 and clerk2 李科员 科员 (rank 40)
role leader (领导):    director, deputy
Outside both: auditor (审计管理员) — a colleague who is party to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

BPMN_DIR = Path(__file__).parent / "bpmn"
PASSWORD = "Cast@2026pass"


@dataclass
class Cast:
    director: object
    deputy: object
    secretary: object
    clerk: object
    clerk2: object
    auditor: object
    office: object
    secretariat: object
    leader: object


def bpmn(name: str) -> str:
    return (BPMN_DIR / name).read_text(encoding="utf-8")


def make_cast() -> Cast:
    """Create the org and people in the current schema (the test's transaction undoes it)."""
    from oa.directory.actions import create_staff
    from oa.directory.models import Department, Position, Role, Staff

    with transaction.atomic():
        office = Department.objects.create(name="办公室", code="office", order=1)
        secretariat = Department.objects.create(name="秘书科", code="secretariat", parent=office, order=2)
        ranks = {
            name: Position.objects.get_or_create(name=name, defaults={"rank": rank})[0]
            for name, rank in (("主任", 10), ("副主任", 20), ("科长", 30), ("科员", 40))
        }
        leader = Role.objects.create(code="leader", name="领导", permissions=[])
        director = Staff.objects.get(user__username="director")
        director.department, director.position = office, ranks["主任"]
        director.save()
        director.roles.add(leader)
        made = {}
        for username, display, dept, position, roles in (
            ("deputy", "陈副主任", office, "副主任", [leader]),
            ("secretary", "王科长", secretariat, "科长", []),
            ("clerk", "张科员", secretariat, "科员", []),
            ("clerk2", "李科员", secretariat, "科员", []),
        ):
            made[username] = create_staff(
                username=username,
                display_name=display,
                password=PASSWORD,
                department=dept,
                position=ranks[position],
                roles=roles,
            ).user
    User = get_user_model()
    return Cast(
        director=User.objects.get(username="director"),
        deputy=made["deputy"],
        secretary=made["secretary"],
        clerk=made["clerk"],
        clerk2=made["clerk2"],
        auditor=User.objects.get(username="auditor"),
        office=office,
        secretariat=secretariat,
        leader=leader,
    )


def deploy(name: str, *, key: str | None = None, module: str = "documents", acting_user=None):
    from oa.workflow.actions import do_deploy_process_definition

    return do_deploy_process_definition(
        acting_user=acting_user,
        key=key or Path(name).stem,
        name=Path(name).stem,
        bpmn_xml=bpmn(name),
        module=module,
    )
