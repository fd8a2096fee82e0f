"""What the renderer prints: the elements of one 公文 (《党政机关公文处理工作条例》第九条).

The renderer takes these as plain values, so the document module decides where each comes
from (the draft, the numbering rule, the sign-off, the unit) and the renderer stays a pure
function of its inputs.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentContent:
    title: str
    agency_name: str  # fills "{机关名称}" in the layout (发文机关全称或规范化简称)
    body_html: str = ""  # sanitised HTML (<p>, <br>, <strong>, <h1>-<h4>, <ol>/<ul>, <table>) or plain text
    copy_number: str = ""  # 份号: 6 digits, for classified copies
    classification: str = ""  # 密级和保密期限, e.g. "秘密★1年"
    urgency: str = ""  # 紧急程度: 特急 / 加急
    agency_mark: str = ""  # 发文机关标志; empty: the layout's text ("{机关名称}文件")
    agency_short_name: str = ""  # fills "{机关简称}"; empty: agency_name
    joint_agencies: Sequence[
        str
    ] = ()  # 联合行文: the agencies' names, the lead one first; empty: the layout's
    doc_number: str = ""  # 发文字号, e.g. "思政办〔2026〕3号"; empty while a draft
    signer: str | Sequence[str] = ""  # 签发人 (上行文): one name or several
    addressees: str = ""  # 主送机关, e.g. "各街道办事处，区直各单位"
    attachments: Sequence[str] = ()  # 附件 names, for the 附件说明
    signature_agency: str = ""  # 发文机关署名; empty: agency_name
    issued_date: datetime.date | None = None  # 成文日期
    seal_png: bytes | None = None  # 印章 image (PNG, transparent background)
    seal_diameter_mm: float = 42.0  # the usual 4.2 cm round seal of a local government unit
    note: str = ""  # 附注, e.g. "此件公开发布" (parentheses are added)
    copy_to: str | Sequence[str] = ""  # 抄送机关
    printing_agency: str = ""  # 印发机关; empty: the layout's ("{机关名称}办公室")
    printing_date: datetime.date | None = None  # 印发日期; empty: issued_date
    draft: bool = False  # not yet signed off: every page carries a 草稿/DRAFT watermark
