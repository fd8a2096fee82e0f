"""The 信息发布 cast in siming (on top of tests/conftest.py's):

办公室 (office):   editor 张编辑, publisher of 通知公告
财务科 (finance):  cashier 钱会计, accountant 孙出纳
人事科 (hr):       officer 周人事 (not in the audience of the finance notices)
admin (系统管理员, notices.manage) keeps the columns; director (林建国) is in no department.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

PASSWORD = "Cast@2026pass"


@dataclass
class Cast:
    admin: object
    editor: object
    cashier: object
    accountant: object
    officer: object
    director: object
    office: object
    finance: object
    hr: object
    column: object


def make_cast() -> Cast:
    from oa.directory.actions import create_staff
    from oa.directory.models import Department
    from oa.notices.models import Column

    with transaction.atomic():
        office = Department.objects.create(name="办公室", order=1)
        finance = Department.objects.create(name="财务科", order=2)
        hr = Department.objects.create(name="人事科", order=3)
        made = {}
        for username, display, dept in (
            ("editor", "张编辑", office),
            ("cashier", "钱会计", finance),
            ("accountant", "孙出纳", finance),
            ("officer", "周人事", hr),
        ):
            made[username] = create_staff(
                username=username, display_name=display, password=PASSWORD, department=dept
            ).user
        column = Column.objects.get(name="通知公告")
        column.publishers.add(made["editor"])
    User = get_user_model()
    return Cast(
        admin=User.objects.get(username="admin"),
        director=User.objects.get(username="director"),
        office=office,
        finance=finance,
        hr=hr,
        column=column,
        **made,
    )
