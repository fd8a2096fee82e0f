"""Who is told what about the archive, through the notification centre (oa.notifications).

Called inside the producing action's transaction: the notices commit or roll back with it, and
a refused action tells nobody. The action's own audit event covers them.
"""

from __future__ import annotations

from oa.notifications.api import notify, register_kind

KINDS = (
    ("archive.loan_approved", "借阅已批准", "Loan approved"),
    ("archive.loan_rejected", "借阅未批准", "Loan refused"),
    ("archive.loan_expired", "借阅已到期", "Loan ended"),
    ("archive.appraisal_proposed", "档案鉴定待审批", "Appraisal to decide"),
    ("archive.appraisal_decided", "档案鉴定已审批", "Appraisal decided"),
)


def register_kinds() -> None:
    for code, zh, en in KINDS:
        register_kind(code, zh, en, module="archive")


def tell(user_ids: list[int], *, event: str, summary: str, link: str = "", source=None, actor=None) -> int:
    return notify(user_ids, event, summary, link=link, source=source, actor=actor)
