"""The registry of notification kinds (消息类型). A module that writes notifications of its own
registers its kinds once, from its AppConfig.ready(), with register_kind(code, zh, en)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    zh: str
    en: str
    # The group the preferences page shows it under (the producing module).
    module: str


KINDS: dict[str, Kind] = {}


def register_kind(code: str, zh: str, en: str, *, module: str = "") -> Kind:
    """Add (or re-register the same) kind. Codes are "<module>.<event>"."""
    if "." not in code or len(code) > 64:
        raise ValueError(f"notification kind {code!r} must be '<module>.<event>' and at most 64 characters")
    kind = Kind(code=code, zh=zh, en=en, module=module or code.split(".", 1)[0])
    existing = KINDS.get(code)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {code!r} is already registered differently")
    KINDS[code] = kind
    return kind


def get_kind(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"unknown notification kind {code!r}; register it with register_kind()") from None


for _code, _zh, _en in (
    ("todo.created", "新待办", "New to-do"),
    ("todo.urged", "催办", "Reminder (urged)"),
    ("todo.returned", "退回", "Returned to you"),
    ("deadline.warning", "即将到期", "Deadline approaching"),
    ("deadline.overdue", "已超期", "Overdue"),
    ("exchange.delivered", "收到来文", "Document received"),
    ("exchange.receipt", "交换回执", "Exchange receipt"),
    ("notice.published", "信息发布", "Notice published"),
    ("notice.reminder", "阅读提醒", "Please read"),
    ("meeting.invited", "会议邀请", "Meeting invitation"),
):
    register_kind(_code, _zh, _en)
