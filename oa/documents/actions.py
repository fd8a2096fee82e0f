"""办文 actions: the only writers of documents. Each is one transaction with its trail row
(DocumentEvent) and audit event; the flow steps' effects (step_*) run inside the workflow
action that completes the step (steps.py).

《党政机关公文处理工作条例》第四章 (公文拟制) and 第五章 (公文办理) say what each step is.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.models import Department, Staff
from oa.directory.queries import has_permission, permissions_of
from oa.documents import numbering, search
from oa.documents.models import (
    CLASSIFICATION_LEVELS,
    BodyVersion,
    Classification,
    Direction,
    DocType,
    Document,
    DocumentEvent,
    DocumentFile,
    PublishLevel,
    Retention,
    Urgency,
)
from oa.documents.steps import EDITABLE_STEPS, step_of
from oa.templates import flows
from oa.workflow import actions as workflow_actions
from oa.workflow.models import HumanTask, ProcessInstance
from oa.workflow.queries import handler_q

logger = logging.getLogger(__name__)
Event = DocumentEvent.Action
User = get_user_model()

OUTGOING_FLOW = "fawen"
INCOMING_FLOW = "shouwen"
# The 收文 steps whose due time is the 批办 deadline.
DEADLINE_STEPS = ("Task_Handle",)
# Steps of the 收文 flow at which the registering clerk may still correct the record.
INCOMING_EDITABLE_STEPS = {"acknowledge", "register", "first_check"}

TEXT_FIELDS = {
    # field: (label, max length)
    "title": ("标题", 200),
    "main_recipients": ("主送机关", 500),
    "copy_to": ("抄送机关", 500),
    "secrecy_period": ("保密期限", 20),
    "copy_number": ("份号", 6),
    "note": ("附注", 200),
    "signature_agency": ("发文机关署名", 100),
    "agency_mark": ("发文机关标志", 100),
    "source_agency": ("来文单位", 100),
    "doc_number": ("来文字号", 60),
}
CHOICE_FIELDS = {
    "doc_type": ("文种", DocType),
    "classification": ("密级", Classification),
    "urgency": ("紧急程度", Urgency),
    "publish_level": ("发布层次", PublishLevel),
}
OUTGOING_EDITABLE = {
    "title", "doc_type", "main_recipients", "copy_to", "classification", "secrecy_period",
    "copy_number", "urgency", "publish_level", "note", "signature_agency", "agency_mark", "body_html",
}  # fmt: skip
INCOMING_EDITABLE = {
    "title", "doc_type", "classification", "secrecy_period", "copy_number", "urgency",
    "source_agency", "doc_number", "received_on", "copies", "deadline", "main_recipients", "body_html",
}  # fmt: skip


# --- helpers ------------------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def unit_name() -> str:
    """The unit's name (the 发文机关 by default), from the registry in the public schema."""
    from tenants.models import Unit

    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", "")
    if not name:
        name = Unit.objects.filter(schema_name=connection.schema_name).values_list("name", flat=True).first()
    return name or ""


def _unit_code() -> str:
    # 全宗号 in the 档号: the unit's code (a deployment that has official 全宗号 maps them here).
    return (connection.schema_name or "unit").upper()


def _event(document: Document, action: str, *, actor, at, summary: str, **detail) -> DocumentEvent:
    return DocumentEvent.objects.create(
        document=document, action=action, actor=actor, at=at, summary=summary[:300], detail=detail
    )


def _require_permission(user, code: str, what: str) -> None:
    if not has_permission(user, code):
        raise ActionError(ErrorCode.PERMISSION_DENIED, f"您没有{what}的权限。", status=403)


def _require_not_archived(document: Document) -> None:
    if document.is_archived:
        raise ActionError(ErrorCode.ARCHIVED, "公文已归档，任何人都不能再修改。", status=409)


def _lock(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def max_classification() -> str:
    value = getattr(settings, "OA_MAX_CLASSIFICATION", Classification.NONE)
    return value if value in CLASSIFICATION_LEVELS else Classification.NONE


def _check_classification(classification: str, secrecy_period: str, copy_number: str) -> None:
    """The deployment's highest level (settings.OA_MAX_CLASSIFICATION; the 政务外网: none)."""
    highest = max_classification()
    if CLASSIFICATION_LEVELS[classification] > CLASSIFICATION_LEVELS[highest]:
        allowed = (
            "不得处理任何涉密公文"
            if highest == Classification.NONE
            else f"最高只能处理“{Classification(highest).label}”级公文"
        )
        raise ActionError(
            ErrorCode.CLASSIFICATION_TOO_HIGH,
            f"本平台{allowed}，不能登记或起草“{Classification(classification).label}”级公文。",
            field="classification",
        )
    if copy_number and not (copy_number.isdigit() and len(copy_number) == 6):
        # GB/T 9704-2012 §7.2.1: 份号 is six Arabic digits.
        raise ActionError(ErrorCode.INVALID, "份号应为6位阿拉伯数字，如 000001。", field="copy_number")


def _clean(changes: dict, allowed: set[str]) -> dict:
    """Validate the fields a caller may set; unknown fields are refused by name."""
    out: dict = {}
    for field, value in changes.items():
        if field not in allowed:
            raise ActionError(ErrorCode.INVALID, f"不能修改字段“{field}”。", field=field)
        if field in TEXT_FIELDS:
            label, limit = TEXT_FIELDS[field]
            value = (value or "").strip() if isinstance(value, str) or value is None else None
            if value is None:
                raise ActionError(ErrorCode.INVALID, f"{label}应为文本。", field=field)
            if len(value) > limit:
                raise ActionError(ErrorCode.INVALID, f"{label}不能超过{limit}个字。", field=field)
            if field == "title" and not value:
                raise ActionError(ErrorCode.REQUIRED, "请填写标题。", field=field)
        elif field in CHOICE_FIELDS:
            label, choices = CHOICE_FIELDS[field]
            if value not in choices.values:
                raise ActionError(ErrorCode.INVALID, f"{label}无效：{value}。", field=field)
        elif field in {"received_on", "deadline"}:
            value = _date(value, field=field)
        elif field == "copies" and (
            not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10000
        ):
            raise ActionError(ErrorCode.INVALID, "份数应为1到10000之间的整数。", field=field)
        elif field == "body_html" and not isinstance(value, str):
            raise ActionError(ErrorCode.INVALID, "正文应为文本。", field=field)
        out[field] = value
    return out


def _date(value, *, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ActionError(ErrorCode.INVALID, "日期格式应为 YYYY-MM-DD。", field=field) from None


def _apply_body(document: Document, html: str, *, actor, at, step: str) -> bool:
    from oa.documents.sanitising import html_to_text, sanitise_body_html

    clean = sanitise_body_html(html or "")
    if clean == document.body_html:
        return False
    document.body_html = clean
    document.body_text = html_to_text(clean)
    number = (document.body_versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    BodyVersion.objects.create(
        document=document, number=number, body_html=clean, body_file=document.body_file, step=step,
        created_by=actor, created_at=at,
    )  # fmt: skip
    return True


def _open_tasks(document: Document):
    if document.process_instance_id is None:
        return HumanTask.objects.none()
    return HumanTask.objects.filter(instance_id=document.process_instance_id, state=HumanTask.State.OPEN)


def editing_step(document: Document, user) -> str:
    """The step at which `user` may change the document now ("" when they may not): they
    handle an open task of an editable step."""
    if document.is_archived or document.state != Document.State.ACTIVE:
        return ""
    editable = EDITABLE_STEPS if document.direction == Direction.OUTGOING else INCOMING_EDITABLE_STEPS
    for task in _open_tasks(document).filter(handler_q(user)):
        step = step_of(document, task.element_id)
        if step in editable:
            return task.name
    return ""


def _require_editor(document: Document, user) -> str:
    _require_not_archived(document)
    step = editing_step(document, user)
    if not step:
        raise ActionError(
            ErrorCode.PERMISSION_DENIED, "只有当前起草、核稿、签发（或收文登记、初审）步骤的办理人可以修改公文。",
            status=403,
        )  # fmt: skip
    return step


def _start_flow(document: Document, key: str, *, acting_user, now, ip) -> ProcessInstance:
    definition = flows.current_definition(flows.flow_template(key), acting_user=acting_user)
    instance = workflow_actions.do_start_process(
        definition,
        acting_user=acting_user,
        title=document.title,
        data={"document": document.pk, "doc_type": document.doc_type},
        business_key=f"documents.document:{document.pk}",
        urgency=document.urgency,
        now=now,
        ip=ip,
    )
    return instance


def _staff_department(user) -> Department | None:
    staff = Staff.objects.select_related("department").filter(user=user).first()
    return staff.department if staff else None


# --- 发文: drafting -----------------------------------------------------------------------------


@transaction.atomic
def do_create_outgoing(*, acting_user, fields: dict, now: datetime | None = None, ip=None) -> Document:
    """拟稿: a new outgoing draft, its 发文 flow started with the drafter at 起草."""
    now = _now(now)
    _require_permission(acting_user, "documents.draft", "拟稿")
    values = _clean(fields, OUTGOING_EDITABLE | {"number_rule"} - {"number_rule"})
    if not values.get("title"):
        raise ActionError(ErrorCode.REQUIRED, "请填写标题。", field="title")
    if not values.get("doc_type"):
        raise ActionError(ErrorCode.REQUIRED, "请选择文种。", field="doc_type")
    _check_classification(
        values.get("classification", Classification.NONE),
        values.get("secrecy_period", ""),
        values.get("copy_number", ""),
    )
    body = values.pop("body_html", "")
    name = unit_name()
    # The unit's name signs the document unless the drafter wrote another 署名.
    values["signature_agency"] = values.get("signature_agency") or name
    document = Document(
        direction=Direction.OUTGOING,
        drafter=acting_user,
        department=_staff_department(acting_user),
        agency_name=name,
        printing_agency=f"{name}" if name.endswith("办公室") else f"{name}办公室",
        number_rule=numbering.default_rule(Direction.OUTGOING, values["doc_type"]),
        created_at=now,
        updated_at=now,
        **values,
    )
    document.save()
    _apply_body(document, body, actor=acting_user, at=now, step="起草")
    document.process_instance = _start_flow(document, OUTGOING_FLOW, acting_user=acting_user, now=now, ip=ip)
    document.save()
    sync_with_flow(document, document.process_instance, actor=acting_user)
    _event(document, Event.CREATED, actor=acting_user, at=now, summary=f"拟稿：{document.title}")
    search.index_document(document)
    record_event(
        "documents.created",
        acting_user=acting_user,
        target=document,
        summary=f"拟稿：{document.title}",
        ip=ip,
    )
    return document


@transaction.atomic
def do_update_document(document: Document, *, acting_user, changes: dict, now=None, ip=None) -> Document:
    """修改: the handler of an editable step changes elements or the body (a new body version)."""
    now = _now(now)
    document = _lock(document)
    step = _require_editor(document, acting_user)
    allowed = OUTGOING_EDITABLE if document.direction == Direction.OUTGOING else INCOMING_EDITABLE
    if document.number_seq is not None and document.direction == Direction.OUTGOING:
        allowed = allowed - {"doc_type"}
    values = _clean(changes, allowed)
    body = values.pop("body_html", None)
    changed = sorted(f for f, v in values.items() if getattr(document, f) != v)
    for field in changed:
        setattr(document, field, values[field])
    _check_classification(document.classification, document.secrecy_period, document.copy_number)
    if "doc_type" in changed and document.number_seq is None and document.direction == Direction.OUTGOING:
        document.number_rule = numbering.default_rule(document.direction, document.doc_type)
    body_changed = body is not None and _apply_body(document, body, actor=acting_user, at=now, step=step)
    if not changed and not body_changed:
        return document
    document.updated_at = now
    document.save()
    if document.process_instance_id and "title" in changed:
        ProcessInstance.objects.filter(pk=document.process_instance_id).update(title=document.title)
    if changed:
        _event(document, Event.EDITED, actor=acting_user, at=now, summary=f"{step}时修改要素", fields=changed)
    if body_changed:
        _event(document, Event.BODY_CHANGED, actor=acting_user, at=now, summary=f"{step}时修改正文")
    search.index_document(document)
    record_event(
        "documents.updated",
        acting_user=acting_user,
        target=document,
        summary=f"修改公文：{document.title}",
        detail={"fields": changed, "body": body_changed},
        ip=ip,
    )
    return document


# --- files --------------------------------------------------------------------------------------


def _inspect(name: str, data: bytes, *, role: str):
    from oa.documents.intake import inspect_upload

    return inspect_upload(name, data, purpose="body" if role == DocumentFile.Role.BODY else "attachment")


def _store_file(document, inspected, data: bytes, *, role: str, actor, at, order: int) -> DocumentFile:
    from oa.documents.storage import store_bytes
    from oa.documents.text_extraction import extract_text

    store_bytes(data)
    return DocumentFile.objects.create(
        document=document,
        role=role,
        name=inspected.display_name,
        kind=inspected.kind,
        mime_type=inspected.mime_type,
        size=inspected.size,
        sha256=inspected.sha256,
        order=order,
        text=extract_text(inspected, data),
        uploaded_by=actor,
        uploaded_at=at,
    )


@transaction.atomic
def do_add_files(
    document: Document, *, acting_user, files: list[tuple[str, bytes]], role: str = DocumentFile.Role.ATTACHMENT,
    now=None, ip=None,
) -> list[DocumentFile]:  # fmt: skip
    """Attach files (附件), or replace the body with an uploaded DOCX/PDF/OFD. Every file is
    checked (type by content, size, zip bombs) before any is stored: one bad file, none added."""
    now = _now(now)
    document = _lock(document)
    step = _require_editor(document, acting_user)
    if role not in (DocumentFile.Role.BODY, DocumentFile.Role.ATTACHMENT):
        raise ActionError(ErrorCode.INVALID, "文件用途应为正文或附件。", field="role")
    if not files:
        raise ActionError(ErrorCode.REQUIRED, "请选择文件。", field="files")
    if role == DocumentFile.Role.BODY and len(files) != 1:
        raise ActionError(ErrorCode.INVALID, "正文只能上传一个文件。", field="files")
    inspected = [(_inspect(name, data, role=role), data) for name, data in files]
    order = document.files.filter(role=role, removed_at__isnull=True).count()
    stored = [
        _store_file(document, info, data, role=role, actor=acting_user, at=now, order=order + i)
        for i, (info, data) in enumerate(inspected)
    ]
    if role == DocumentFile.Role.BODY:
        previous = document.body_file
        if previous is not None:
            DocumentFile.objects.filter(pk=previous.pk).update(removed_at=now)
        document.body_file = stored[0]
        number = (
            document.body_versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        BodyVersion.objects.create(
            document=document, number=number, body_html=document.body_html, body_file=stored[0], step=step,
            created_by=acting_user, created_at=now,
        )  # fmt: skip
        _event(
            document, Event.BODY_CHANGED, actor=acting_user, at=now, summary=f"上传正文文件：{stored[0].name}"
        )
    else:
        for f in stored:
            _event(
                document,
                Event.FILE_ADDED,
                actor=acting_user,
                at=now,
                summary=f"添加附件：{f.name}",
                file=f.pk,
            )
    document.updated_at = now
    document.save()
    search.index_document(document)
    record_event(
        "documents.files_added",
        acting_user=acting_user,
        target=document,
        summary=f"{'上传正文' if role == DocumentFile.Role.BODY else '添加附件'}：{document.title}",
        detail={"files": [f.name for f in stored], "sha256": [f.sha256 for f in stored]},
        ip=ip,
    )
    return stored


@transaction.atomic
def do_remove_file(file: DocumentFile, *, acting_user, now=None, ip=None) -> DocumentFile:
    """删除附件: the row stays (the trail names it), the file leaves the document."""
    now = _now(now)
    document = _lock(file.document)
    _require_editor(document, acting_user)
    if file.removed_at is not None or file.role != DocumentFile.Role.ATTACHMENT:
        raise ActionError(ErrorCode.STATE, "只能删除现有附件。", field="file", status=409)
    file.removed_at = now
    file.save(update_fields=["removed_at"])
    _event(
        document,
        Event.FILE_REMOVED,
        actor=acting_user,
        at=now,
        summary=f"删除附件：{file.name}",
        file=file.pk,
    )
    document.updated_at = now
    document.save(update_fields=["updated_at"])
    search.index_document(document)
    record_event(
        "documents.file_removed",
        acting_user=acting_user,
        target=document,
        summary=f"删除附件：{file.name}",
        ip=ip,
    )
    return file


# --- 收文: registration -------------------------------------------------------------------------


@transaction.atomic
def do_register_incoming(
    *, acting_user, fields: dict, files: list[tuple[str, bytes]] | None = None, now=None, ip=None
) -> Document:
    """签收 + 登记 of a paper or electronic document: the record, its files, and the 收文 flow
    started and moved past 签收 and 登记 (the 收文编号 is allocated there) to 初审."""
    now = _now(now)
    _require_permission(acting_user, "documents.receive", "收文登记")
    values = _clean(fields, INCOMING_EDITABLE)
    for field, label in (("title", "标题"), ("source_agency", "来文单位")):
        if not values.get(field):
            raise ActionError(ErrorCode.REQUIRED, f"请填写{label}。", field=field)
    values.setdefault("doc_type", DocType.NOTICE)
    values.setdefault("received_on", timezone.localdate(now))
    _check_classification(
        values.get("classification", Classification.NONE),
        values.get("secrecy_period", ""),
        values.get("copy_number", ""),
    )
    inspected = [
        (_inspect(name, data, role=DocumentFile.Role.ATTACHMENT), data) for name, data in files or []
    ]
    body = values.pop("body_html", "")
    document = Document(
        direction=Direction.INCOMING,
        drafter=acting_user,
        department=_staff_department(acting_user),
        agency_name=values.get("source_agency", ""),
        number_rule=numbering.INCOMING_RULE,
        created_at=now,
        updated_at=now,
        **values,
    )
    document.save()
    _apply_body(document, body, actor=acting_user, at=now, step="登记")
    for i, (info, data) in enumerate(inspected):
        _store_file(
            document, info, data, role=DocumentFile.Role.ATTACHMENT, actor=acting_user, at=now, order=i
        )
    document.process_instance = _start_flow(document, INCOMING_FLOW, acting_user=acting_user, now=now, ip=ip)
    document.save()
    sync_with_flow(document, document.process_instance, actor=acting_user)
    _event(
        document, Event.REGISTERED, actor=acting_user, at=now,
        summary=f"收文登记：{document.source_agency} {document.doc_number} {document.title}",
    )  # fmt: skip
    # The clerk who registers has signed for it and registers it now: complete those two
    # steps in their name, when they are the ones who may.
    for element in ("Task_Acknowledge", "Task_Register"):
        task = _open_tasks(document).filter(handler_q(acting_user), element_id=element).first()
        if task is None:
            break
        workflow_actions.do_complete_task(task, acting_user=acting_user, outcome="approve", now=now, ip=ip)
    document.refresh_from_db()
    search.index_document(document)
    record_event(
        "documents.registered",
        acting_user=acting_user,
        target=document,
        summary=f"收文登记：{document.title}",
        ip=ip,
    )
    return document


RECEIVED_FIELDS = INCOMING_EDITABLE | {"copy_to", "publish_level"}


@transaction.atomic
def do_receive_delivery(
    *,
    acting_user,
    fields: dict,
    rendered: tuple[str, bytes],
    attachments: list[tuple[str, bytes]],
    source: dict,
    extra: dict | None = None,
    now=None,
    ip=None,
) -> Document:
    """签收 of a delivery from the exchange hub: the incoming document made from the package
    (its 版式文件 and attachments, its GB/T 33480 metadata) and its 收文 flow started, with 签收
    completed by the person who signed for it; 登记 (the 收文编号) is the next step.

    `fields` are the incoming elements (as do_register_incoming takes them) plus `identifier`
    (公文标识, kept across units), `issued_date` and `signer_name`; `source` is the hub's reference
    (delivery, envelope, package digest, sender), kept in `extra["exchange"]`; `extra` adds what
    the package says beyond the elements (a 会议通知's meeting, as `extra["meeting"]`). The files are
    checked like any upload; a document with the same 公文标识 already here is refused.
    """
    now = _now(now)
    _require_permission(acting_user, "documents.receive", "签收")
    fields = dict(fields)
    identifier = str(fields.pop("identifier", "") or "").strip()
    issued_date = _date(fields.pop("issued_date", None), field="issued_date")
    signer_name = str(fields.pop("signer_name", "") or "").strip()[:60]
    values = _clean(fields, RECEIVED_FIELDS)
    for field, label in (("title", "标题"), ("source_agency", "来文单位")):
        if not values.get(field):
            raise ActionError(ErrorCode.REQUIRED, f"请填写{label}。", field=field)
    if not identifier or len(identifier) > 64:
        raise ActionError(ErrorCode.REQUIRED, "缺少公文标识。", field="identifier")
    existing = Document.objects.filter(identifier=identifier).first()
    if existing is not None:
        raise ActionError(
            ErrorCode.DUPLICATE,
            f"本单位已有这份公文（{existing.doc_number or existing.title}），不能重复签收。",
            field="identifier",
            status=409,
        )
    values.setdefault("doc_type", DocType.NOTICE)
    values.setdefault("received_on", timezone.localdate(now))
    _check_classification(
        values.get("classification", Classification.NONE),
        values.get("secrecy_period", ""),
        values.get("copy_number", ""),
    )
    rendered_name, rendered_data = rendered
    body = _inspect(rendered_name, rendered_data, role=DocumentFile.Role.BODY)
    inspected = [
        (_inspect(name, data, role=DocumentFile.Role.ATTACHMENT), data) for name, data in attachments
    ]
    values.pop("body_html", None)
    document = Document(
        direction=Direction.INCOMING,
        identifier=identifier,
        drafter=acting_user,
        department=_staff_department(acting_user),
        agency_name=values.get("source_agency", ""),
        signer_name=signer_name,
        issued_date=issued_date,
        number_rule=numbering.INCOMING_RULE,
        created_at=now,
        updated_at=now,
        extra={**(extra or {}), "exchange": source},
        **values,
    )
    document.save()
    # The sender's sealed PDF is the 正文 as received: kept as the 版式文件, never re-rendered.
    kept = _store_file(
        document, body, rendered_data, role=DocumentFile.Role.RENDERED, actor=acting_user, at=now, order=0
    )
    document.body_file = kept
    for i, (info, data) in enumerate(inspected):
        _store_file(
            document, info, data, role=DocumentFile.Role.ATTACHMENT, actor=acting_user, at=now, order=i
        )
    document.process_instance = _start_flow(document, INCOMING_FLOW, acting_user=acting_user, now=now, ip=ip)
    document.save()
    sync_with_flow(document, document.process_instance, actor=acting_user)
    _event(
        document, Event.REGISTERED, actor=acting_user, at=now,
        summary=f"签收（公文交换）：{document.source_agency} {document.doc_number} {document.title}",
        delivery=source.get("delivery"),
    )  # fmt: skip
    task = _open_tasks(document).filter(handler_q(acting_user), element_id="Task_Acknowledge").first()
    if task is not None:
        workflow_actions.do_complete_task(
            task, acting_user=acting_user, outcome="approve", opinion="已签收（公文交换）", now=now, ip=ip
        )
    document.refresh_from_db()
    search.index_document(document)
    record_event(
        "documents.received",
        acting_user=acting_user,
        target=document,
        summary=f"签收交换公文：{document.title}",
        detail={"delivery": source.get("delivery"), "package_sha256": source.get("package_sha256")},
        ip=ip,
    )
    return document


# --- the flow steps (called by steps.before_complete inside the workflow action) ---------------


REQUIRED_AT_SIGN_OFF = (
    # (field, label): the elements 条例第九条 requires of every document before it is signed.
    ("title", "标题"),
    ("doc_type", "文种"),
    ("main_recipients", "主送机关"),
    ("agency_name", "发文机关"),
    ("signature_agency", "发文机关署名"),
)


def missing_elements(document: Document) -> list[dict]:
    missing = [
        {"field": field, "code": str(ErrorCode.MISSING_ELEMENT), "detail": f"缺少{label}。"}
        for field, label in REQUIRED_AT_SIGN_OFF
        if not getattr(document, field)
    ]
    # 公告/通告/命令 are published, not addressed: 主送机关 may be empty for them.
    if document.doc_type in (DocType.ANNOUNCEMENT, DocType.PUBLIC_NOTICE, DocType.ORDER, DocType.MINUTES):
        missing = [m for m in missing if m["field"] != "main_recipients"]
    if not (document.body_text.strip() or document.body_file_id):
        missing.append({"field": "body", "code": str(ErrorCode.MISSING_ELEMENT), "detail": "缺少正文。"})
    if document.classification != Classification.NONE:
        if not document.secrecy_period:
            missing.append(
                {
                    "field": "secrecy_period",
                    "code": str(ErrorCode.MISSING_ELEMENT),
                    "detail": "涉密公文须标注保密期限。",
                }
            )
        if not document.copy_number:
            missing.append(
                {
                    "field": "copy_number",
                    "code": str(ErrorCode.MISSING_ELEMENT),
                    "detail": "涉密公文须标注份号。",
                }
            )
    return missing


def step_draft(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    if not document.title.strip():
        raise ActionError(ErrorCode.REQUIRED, "请填写标题。", field="title")
    if not (document.body_text.strip() or document.body_file_id):
        raise ActionError(ErrorCode.REQUIRED, "请先撰写正文或上传正文文件，再送核稿。", field="body")
    return None


def step_review(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    if outcome == "countersign":
        signers = data.get("countersigners")
        if not isinstance(signers, list) or not signers:
            raise ActionError(ErrorCode.REQUIRED, "请选择会签人。", field="countersigners")
        known = set(
            User.objects.filter(username__in=[str(s) for s in signers], is_active=True).values_list(
                "username", flat=True
            )
        )
        unknown = [str(s) for s in signers if str(s) not in known]
        if unknown:
            raise ActionError(
                ErrorCode.INVALID, f"会签人不存在：{'、'.join(unknown)}。", field="countersigners"
            )
    if outcome == "return" and not opinion.strip():
        raise ActionError(ErrorCode.REQUIRED, "退回修改请填写意见。", field="opinion")
    return None


def step_sign_off(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    if outcome == "return":
        if not opinion.strip():
            raise ActionError(ErrorCode.REQUIRED, "退回请填写意见。", field="opinion")
        return None
    _require_permission(acting_user, "documents.sign", "签发")
    missing = missing_elements(document)
    if missing:
        raise ActionError(
            ErrorCode.MISSING_ELEMENT,
            "签发前须补齐公文要素：" + "".join(m["detail"] for m in missing),
            field=missing[0]["field"],
            errors=missing,
        )
    _check_classification(document.classification, document.secrecy_period, document.copy_number)
    # 条例第二十条: 签发人签署意见、姓名和完整日期.
    document.signer = acting_user
    document.signer_name = (
        getattr(getattr(acting_user, "account", None), "display_name", "") or acting_user.username
    )
    document.signed_at = now
    document.sign_opinion = opinion
    document.issued_date = document.issued_date or timezone.localdate(now)
    document.updated_at = now
    document.save()
    _event(
        document,
        Event.SIGNED,
        actor=acting_user,
        at=now,
        summary=f"{document.signer_name}签发：{opinion or '同意'}",
    )
    return None


def _allocate_number(document, *, acting_user, now) -> str:
    if document.number_seq is not None:
        return document.doc_number
    year = timezone.localdate(now).year
    allocated = numbering.allocate(
        document.number_rule or numbering.default_rule(document.direction, document.doc_type),
        year=year,
        direction=document.direction,
        exclude_pk=document.pk,
    )
    document.number_rule, document.number_year, document.number_seq = (
        allocated.rule,
        allocated.year,
        allocated.seq,
    )
    if document.direction == Direction.OUTGOING:
        document.doc_number = allocated.text
    else:
        document.extra = {**document.extra, "incoming_number": allocated.text}
    document.updated_at = now
    document.save()
    label = "发文字号" if document.direction == Direction.OUTGOING else "收文编号"
    _event(document, Event.NUMBERED, actor=acting_user, at=now, summary=f"取得{label}：{allocated.text}")
    return allocated.text


def incoming_number(document: Document) -> str:
    return (document.extra or {}).get("incoming_number", "")


def step_register(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    if document.direction == Direction.OUTGOING:
        if document.signed_at is None:
            raise ActionError(ErrorCode.STATE, "未经签发的公文不能编号。", status=409)
        return {"doc_number": _allocate_number(document, acting_user=acting_user, now=now)}
    return {"incoming_number": _allocate_number(document, acting_user=acting_user, now=now)}


def step_seal(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    _require_permission(acting_user, "documents.seal", "用印")
    if not document.doc_number:
        raise ActionError(ErrorCode.STATE, "公文尚未编号，不能用印。", status=409)
    document.sealed_at = now
    document.sealed_by = acting_user
    document.updated_at = now
    document.save()
    kept = _keep_rendered(document, actor=acting_user, at=now)
    _event(
        document, Event.SEALED, actor=acting_user, at=now, summary="用印", file=kept.pk, sha256=kept.sha256
    )
    return None


def _keep_rendered(document: Document, *, actor, at) -> DocumentFile:
    """The sealed 版式文件: rendered once, kept, and from now on what is distributed."""
    from oa.documents import pdf
    from oa.documents.storage import store_bytes

    data = pdf.render(document)
    blob = store_bytes(data)
    return DocumentFile.objects.create(
        document=document,
        role=DocumentFile.Role.RENDERED,
        name=f"{document.doc_number or document.title}.pdf",
        kind="pdf",
        mime_type="application/pdf",
        size=len(data),
        sha256=blob.sha256,
        uploaded_by=actor,
        uploaded_at=at,
    )


def step_dispatch(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    document.printing_date = document.printing_date or timezone.localdate(now)
    document.updated_at = now
    document.save()
    _event(
        document, Event.DISTRIBUTED, actor=acting_user, at=now,
        summary=f"核发：主送 {document.main_recipients or '—'}；抄送 {document.copy_to or '—'}",
    )  # fmt: skip
    return None


def step_first_check(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    if outcome == "return" and not opinion.strip():
        # 条例第二十四条: 不符合规定的公文，应当及时退回来文单位并说明理由.
        raise ActionError(ErrorCode.REQUIRED, "退回来文单位须说明理由。", field="opinion")
    return None


def step_return_to_sender(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    reason = (
        task.instance.events.filter(outcome="return").exclude(opinion="").order_by("-at", "-id")
        .values_list("opinion", flat=True).first() or opinion
    )  # fmt: skip
    _event(
        document, Event.RETURNED, actor=acting_user, at=now, summary=f"退回来文单位：{reason}", reason=reason
    )
    return None


def step_instruct(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    """批办: the leader names the lead department (主办), helpers (协办), the deadline and who
    reads it (传阅)."""
    lead = _department(data.get("lead_department"), field="lead_department", required=True)
    helpers = [
        _department(value, field="helper_departments", required=True)
        for value in data.get("helper_departments") or []
    ]
    readers = data.get("readers")
    if not isinstance(readers, list) or not readers:
        raise ActionError(ErrorCode.REQUIRED, "请选择传阅人。", field="readers")
    known = set(
        User.objects.filter(username__in=[str(r) for r in readers], is_active=True).values_list(
            "username", flat=True
        )
    )
    unknown = [str(r) for r in readers if str(r) not in known]
    if unknown:
        raise ActionError(ErrorCode.INVALID, f"传阅人不存在：{'、'.join(unknown)}。", field="readers")
    deadline = _date(data.get("deadline"), field="deadline")
    if deadline is None and document.urgency != Urgency.NORMAL:
        # 条例第二十五条: 紧急公文应当明确办理时限.
        raise ActionError(ErrorCode.REQUIRED, "紧急公文须明确办理时限。", field="deadline")
    document.lead_department = lead
    document.deadline = deadline or document.deadline
    document.updated_at = now
    document.save()
    document.helper_departments.set(helpers)
    return {"lead_department": lead.code or lead.name, "readers": [str(r) for r in readers]}


def _department(value, *, field: str, required: bool) -> Department | None:
    if value in (None, ""):
        if required:
            raise ActionError(ErrorCode.REQUIRED, "请选择主办部门。", field=field)
        return None
    qs = Department.objects.all()
    department = qs.filter(pk=value).first() if str(value).isdigit() else qs.filter(code=str(value)).first()
    if department is None:
        raise ActionError(ErrorCode.INVALID, f"部门不存在：{value}。", field=field)
    return department


def step_complete(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    _event(document, Event.COMPLETED, actor=acting_user, at=now, summary=f"办结：{opinion or '已办结'}")
    return None


def step_archive(document, *, task, acting_user, outcome, opinion, data, now) -> dict | None:
    retention = data.get("retention") or Retention.YEARS_10
    _archive(document, acting_user=acting_user, retention=retention, now=now)
    return None


def sync_with_flow(document: Document, instance: ProcessInstance, *, actor) -> None:
    """Keep the document's state and current step in line with its flow."""
    if document.is_archived:
        return
    names = sorted(set(_open_tasks(document).values_list("name", flat=True)))
    state = Document.State.ACTIVE
    completed_at = None
    if instance.state == ProcessInstance.State.COMPLETED:
        returned = document.events.filter(action=Event.RETURNED).exists()
        state = Document.State.RETURNED if returned else Document.State.DONE
        completed_at = instance.ended_at
    elif instance.state == ProcessInstance.State.CANCELLED:
        state = Document.State.CANCELLED
        completed_at = instance.ended_at
    if document.deadline is not None and state == Document.State.ACTIVE:
        # 批办's 办理时限 is the 承办 step's due time (end of that day): reminders and overdue
        # marking follow the leader's deadline, not the flow's default.
        due = timezone.make_aware(
            datetime.combine(document.deadline, datetime.max.time().replace(microsecond=0))
        )
        _open_tasks(document).filter(element_id__in=DEADLINE_STEPS).exclude(due_at=due).update(due_at=due)
    step = "、".join(names)[:100]
    if (document.state, document.step, document.completed_at) != (state, step, completed_at):
        Document.objects.filter(pk=document.pk).update(state=state, step=step, completed_at=completed_at)
        document.state, document.step, document.completed_at = state, step, completed_at


# --- 归档 ---------------------------------------------------------------------------------------


def _archive(document: Document, *, acting_user, retention: str, now) -> None:
    if retention not in Retention.values:
        raise ActionError(ErrorCode.INVALID, "保管期限应为永久、定期30年或定期10年。", field="retention")
    year = (document.issued_date or document.received_on or timezone.localdate(document.created_at)).year
    department = document.lead_department or document.department
    org = (department.code if department and department.code else "BGS").upper()
    # 件号: per 年度, 保管期限 and 机构 (DA/T 22-2015 §7.2), from the same kind of locked counter.
    counter = numbering._lock_counter(f"archive:{retention}:{org}"[:40], year)
    counter.last += 1
    counter.save(update_fields=["last"])
    # 档号 = 全宗号-门类代码·年度-保管期限-机构代码-件号 (DA/T 22-2015 §7.1).
    document.archive_code = f"{_unit_code()}-WS·{year}-{retention}-{org}-{counter.last:04d}"
    document.retention = retention
    document.state = Document.State.ARCHIVED
    document.archived_by = acting_user
    document.updated_at = now
    search.index_document(document)  # the last write before the row freezes
    document.archived_at = now
    document.save()
    _event(
        document, Event.ARCHIVED, actor=acting_user, at=now,
        summary=f"归档：档号 {document.archive_code}，保管期限 {Retention(retention).label}",
    )  # fmt: skip
    record_event(
        "documents.archived",
        acting_user=acting_user,
        target=document,
        summary=f"归档：{document.title}（{document.archive_code}）",
        detail={"retention": retention},
    )


@transaction.atomic
def do_archive_document(document: Document, *, acting_user, retention: str, now=None, ip=None) -> Document:
    """归档: a finished document is filed with its 档号 and becomes immutable."""
    now = _now(now)
    document = _lock(document)
    _require_permission(acting_user, "documents.archive", "归档")
    _require_not_archived(document)
    if document.state not in (Document.State.DONE, Document.State.RETURNED):
        raise ActionError(ErrorCode.STATE, "只有办结（或已发文）的公文可以归档。", status=409)
    _archive(document, acting_user=acting_user, retention=retention, now=now)
    return document


def permissions_for(user) -> set[str]:
    return {p for p in permissions_of(user) if p.startswith("documents.")}
