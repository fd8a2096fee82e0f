"""Demo data for `make run`: a provider account and three units with a handful of staff.

Created the first time only: units that exist are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from oa.directory.actions import create_staff
from oa.directory.models import Department, Position, Role
from tenants.actions import do_create_provider_account, do_provision_unit

DEMO_UNITS = [
    ("xmgov", "市政府办公厅", "city_office", "厦府办"),
    ("siming", "思明区政府办公室", "district_office", "思政办"),
    ("huli", "湖里区政府办公室", "district_office", "湖政办"),
]
DEPARTMENTS = [("办公室", [("秘书科", []), ("文电科", []), ("督查科", [])]), ("综合科", []), ("财务科", [])]
POSITIONS = [("主任", 10), ("副主任", 20), ("科长", 30), ("科员", 40)]
# (username, name, department path, position, role code). The flow roles come from the
# starter kit's role set (templates_lib/builtin/rolesets), so the built-in flows have people.
STAFF = [
    ("director", "林建国", "办公室", "主任", "director"),
    ("deputy", "陈志明", "办公室", "副主任", "deputy_leader"),
    ("clerk", "王晓红", "办公室/文电科", "科员", "clerk"),
    ("secretary", "黄秀英", "办公室/秘书科", "科长", "office_head"),
    ("inspector", "郑海峰", "办公室/督查科", "科长", None),
    ("sealer", "赵敏", "办公室/文电科", "科员", "seal_keeper"),
    ("archivist", "孙丽华", "办公室/文电科", "科员", "archivist"),
    ("secadmin", "吴安全", "综合科", "科员", "secadmin"),
    ("auditor", "刘审计", "综合科", "科员", "auditadmin"),
]


@dataclass
class DemoLogin:
    where: str
    url: str
    username: str
    role: str


def _seed_numbering(abbr: str) -> None:
    """Fill in the unit's 机关代字 in its numbering rules (the library leaves it empty), as the
    unit admin would, so that demo documents get numbers like 思政办〔2026〕1号."""
    from oa.templates.actions import do_edit_unit_template
    from oa.templates.models import UnitTemplate

    for template in UnitTemplate.objects.filter(kind="numbering"):
        content = template.content_json or {}
        if not content.get("agency_abbr"):
            do_edit_unit_template(template, acting_user=None, content={**content, "agency_abbr": abbr})


def _seed_directory(password: str) -> None:
    positions = {
        name: Position.objects.get_or_create(name=name, defaults={"rank": rank})[0]
        for name, rank in POSITIONS
    }
    paths: dict[str, Department] = {}

    def make(items, parent=None, prefix=""):
        for order, (name, children) in enumerate(items):
            dept = Department.objects.get_or_create(name=name, parent=parent, defaults={"order": order})[0]
            path = f"{prefix}{name}"
            paths[path] = dept
            make(children, dept, f"{path}/")

    make(DEPARTMENTS)
    User = get_user_model()
    for username, name, dept, position, role in STAFF:
        if User.objects.filter(username=username).exists():
            continue
        create_staff(
            username=username,
            display_name=name,
            password=password,
            department=paths[dept],
            position=positions[position],
            roles=list(Role.objects.filter(code=role)) if role else [],
        )
    admin = User.objects.get(username="admin").staff
    admin.department = paths["综合科"]
    admin.save(update_fields=["department"])


def setup_demo(*, password: str | None = None, log=print) -> list[DemoLogin]:
    password = password or settings.OA_DEMO_PASSWORD
    logins: list[DemoLogin] = []
    connection.set_schema_to_public()
    User = get_user_model()
    if not User.objects.filter(username="provider").exists():
        do_create_provider_account(
            acting_user=None, username="provider", display_name="平台运营管理员", password=password
        )
    console = f"{settings.OA_PUBLIC_SCHEME}://{settings.OA_BASE_DOMAIN}:{settings.OA_PUBLIC_PORT}/"
    logins.append(DemoLogin("平台控制台 console", console, "provider", "平台运营管理员"))
    for code, name, kind, abbr in DEMO_UNITS:
        result = do_provision_unit(
            acting_user=None,
            code=code,
            name=name,
            kind=kind,
            admin_username="admin",
            admin_display_name="系统管理员",
            admin_password=password,
            if_exists="skip",
        )
        unit = result.unit
        # Seeding is idempotent, so a run interrupted between provisioning and seeding heals.
        with transaction.atomic():
            connection.set_tenant(unit)
            _seed_directory(password)
            _seed_numbering(abbr)
        connection.set_schema_to_public()
        if result.created:
            log(f"  provisioned demo unit {code} ({name})")
        logins.append(DemoLogin(name, unit.url, "admin", "系统管理员"))
        for username, person, _d, position, role in STAFF:
            label = {"secadmin": "安全管理员", "auditadmin": "审计管理员"}.get(role or "", position)
            logins.append(DemoLogin(name, unit.url, username, f"{person}·{label}"))
    connection.set_schema_to_public()
    return logins
