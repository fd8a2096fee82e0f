"""The module catalogue (模块目录): what a unit's OA can be built from.

`available` says whether the module is built in this release; a unit may have a module
enabled before it ships, and the portal shows it as coming soon rather than a fake page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Module:
    code: str
    name: str
    name_en: str
    description: str
    available: bool = False


CATALOGUE: tuple[Module, ...] = (
    Module("directory", "组织机构", "Organisation", "部门、职务、人员与角色", available=True),
    Module("documents", "办文", "Documents", "发文、收文、公文办理与登记", available=True),
    Module("exchange", "公文交换", "Exchange", "与全市各单位之间的公文交换、签收与回执", available=True),
    Module("meetings", "办会", "Meetings", "会议申请、会议室预订、会议通知与签到"),
    Module("affairs", "办事", "Affairs", "请假、用车、用印等事务申请"),
    Module("supervision", "督办", "Supervision", "督办事项、分解落实与效能统计"),
    Module("notices", "信息发布", "Notices", "通知公告与阅读回执", available=True),
    Module("messaging", "即时通信", "Messaging", "即时消息与内部邮件"),
    Module("archive", "档案", "Archive", "档案目录、借阅、鉴定销毁与移交", available=True),
)
BY_CODE = {m.code: m for m in CATALOGUE}
DEFAULT_MODULES = [m.code for m in CATALOGUE]


@dataclass(frozen=True)
class UnitKind:
    code: str
    name: str
    name_en: str


UNIT_KINDS: tuple[UnitKind, ...] = (
    UnitKind("city_office", "市政府办公厅", "City government office"),
    UnitKind("district_office", "区政府办公室", "District government office"),
    UnitKind("city_bureau", "市直部门", "City bureau"),
    UnitKind("street_office", "街道办事处", "Street office"),
)
UNIT_KIND_CHOICES = [(k.code, k.name) for k in UNIT_KINDS]
