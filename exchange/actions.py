"""Exchange actions: the only writers of the hub's rows (ARCHITECTURE §4).

Console actions (the directory and groups) run in the public schema. Unit actions (send, sign
for, return, recall, urge, submit) run on the unit's host, so the connection's schema is the
unit's: its documents, files and audit trail are at hand, and the hub's tables are reached
through the public schema on the search path. Each is one transaction with its audit event; a
refused package is recorded in a transaction of its own, so the record stays when the action
fails.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from exchange import directory, keys, notifying, storage
from exchange.models import Delivery, DeliveryEvent, Envelope, PackageRefusal, Party, PartyGroup
from exchange.package import (
    FileEntry,
    Metadata,
    PackageError,
    PackageRefused,
    VerifiedPackage,
    build_package,
    metadata_from_document,
    plan_files,
    read_submission,
    verify_package,
)
from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.queries import has_permission
from oa.documents.errors import FileRefused
from tenants.modules import UNIT_KINDS

logger = logging.getLogger(__name__)
State = Delivery.State
Action = DeliveryEvent.Action
# 催收: once per delivery in this many minutes (a second click is not a second reminder).
URGE_INTERVAL = timedelta(minutes=5)
_EXTERNAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{1,39}")


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _require(user, code: str, what: str) -> None:
    if not has_permission(user, code):
        raise ActionError(ErrorCode.PERMISSION_DENIED, f"您没有{what}的权限。", status=403)


def _name(user) -> str:
    account = getattr(user, "account", None)
    return (account.display_name if account else "") or getattr(user, "username", "") or "系统"


def _event(
    delivery: Delivery, action: str, *, at, actor: str = "", party: str = "", detail: str = ""
) -> None:
    DeliveryEvent.objects.create(
        delivery=delivery, action=action, at=at, actor_name=actor[:150], party_code=party, detail=detail[:500]
    )


def record_refusal(
    stage: str,
    refused: PackageRefused,
    *,
    sender_code: str = "",
    envelope: Envelope | None = None,
    delivery: Delivery | None = None,
    sha256: str = "",
    size: int = 0,
    bundle_id: str = "",
) -> PackageRefusal:
    """Keep the refusal whatever happens to the caller's transaction (a savepoint when nested)."""
    logger.warning("exchange package refused at %s: %s %s", stage, refused.code, refused.detail)
    with transaction.atomic():
        return PackageRefusal.objects.create(
            stage=stage,
            code=str(refused.code),
            detail=refused.detail[:500],
            sender_code=sender_code[:40],
            envelope=envelope,
            delivery=delivery,
            package_sha256=sha256,
            package_size=size,
            bundle_id=bundle_id,
        )


def refused_error(refused: PackageRefused) -> ActionError:
    return ActionError(refused.code, refused.detail, field="package", status=422)  # type: ignore[arg-type]


# --- the directory (console) ------------------------------------------------------------------


def _clean_text(value, *, label: str, limit: int, required: bool = False, field: str) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise ActionError(ErrorCode.INVALID, f"{label}应为文本。", field=field)
    if required and not text:
        raise ActionError(ErrorCode.REQUIRED, f"请填写{label}。", field=field)
    if len(text) > limit:
        raise ActionError(ErrorCode.INVALID, f"{label}不能超过{limit}个字。", field=field)
    return text


@transaction.atomic
def do_create_external_party(
    *, acting_user, code: str, name: str, network: str, note: str = "", ip=None
) -> Party:
    """An external unit known only by its code: reached through the gateway of its network."""
    code = (code or "").strip()
    if not _EXTERNAL_CODE.fullmatch(code):
        raise ActionError(
            ErrorCode.INVALID,
            "单位代码为2到40位字母、数字、点、下划线或连字符（如统一社会信用代码）。",
            field="code",
        )
    directory.sync_platform_units()
    if Party.objects.filter(code__iexact=code).exists():
        raise ActionError(
            ErrorCode.DUPLICATE, f"交换目录中已有代码为“{code}”的单位。", field="code", status=409
        )
    name = _clean_text(name, label="单位名称", limit=100, required=True, field="name")
    network = _clean_text(network, label="所在网络", limit=32, required=True, field="network")
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", network):
        raise ActionError(ErrorCode.INVALID, "所在网络应为小写字母开头的标识，如 intranet。", field="network")
    party = Party.objects.create(
        code=code, name=name, network=network, note=_clean_text(note, label="备注", limit=200, field="note")
    )
    record_event(
        "exchange.party_created",
        acting_user=acting_user,
        target=party,
        summary=f"新增外部单位：{name}（{code}）",
        ip=ip,
    )
    return party


@transaction.atomic
def do_update_external_party(party: Party, *, acting_user, changes: dict, ip=None) -> Party:
    party = Party.objects.select_for_update().get(pk=party.pk)
    if party.unit_id is not None:
        raise ActionError(
            ErrorCode.STATE, "平台单位的名称和类型随单位登记信息变化，请在单位管理中修改。", status=409
        )
    if "name" in changes:
        party.name = _clean_text(changes["name"], label="单位名称", limit=100, required=True, field="name")
    if "note" in changes:
        party.note = _clean_text(changes["note"], label="备注", limit=200, field="note")
    if "network" in changes:
        network = _clean_text(changes["network"], label="所在网络", limit=32, required=True, field="network")
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", network):
            raise ActionError(
                ErrorCode.INVALID, "所在网络应为小写字母开头的标识，如 intranet。", field="network"
            )
        party.network = network
    if "active" in changes:
        party.active = bool(changes["active"])
    party.save()
    record_event(
        "exchange.party_updated",
        acting_user=acting_user,
        target=party,
        summary=f"修改外部单位：{party.name}",
        ip=ip,
    )
    return party


@transaction.atomic
def do_delete_external_party(party: Party, *, acting_user, ip=None) -> None:
    """An external unit that was never sent anything goes; one with deliveries is deactivated
    (its deliveries still name it)."""
    party = Party.objects.select_for_update().get(pk=party.pk)
    if party.unit_id is not None:
        raise ActionError(ErrorCode.STATE, "平台单位不能从交换目录中删除。", status=409)
    used = party.deliveries.exists() or party.envelopes_sent.exists() or party.keys.exists()
    if used:
        party.active = False
        party.save(update_fields=["active"])
    else:
        party.groups.clear()
        party.delete()
    record_event(
        "exchange.party_deleted",
        acting_user=acting_user,
        target_type="exchange.party",
        target_id=party.code,
        summary=f"{'停用' if used else '删除'}外部单位：{party.name}",
        ip=ip,
    )


def _group_values(fields: dict, *, partial: bool) -> tuple[dict, list[str] | None]:
    values: dict = {}
    if "name" in fields or not partial:
        values["name"] = _clean_text(
            fields.get("name"), label="组名称", limit=100, required=True, field="name"
        )
    if "description" in fields:
        values["description"] = _clean_text(
            fields["description"], label="说明", limit=300, field="description"
        )
    if "order" in fields:
        order = fields["order"]
        if not isinstance(order, int) or isinstance(order, bool) or order < 0:
            raise ActionError(ErrorCode.INVALID, "排序应为非负整数。", field="order")
        values["order"] = order
    if "unit_kinds" in fields:
        kinds = fields["unit_kinds"] or []
        known = {k.code for k in UNIT_KINDS}
        if not isinstance(kinds, list) or any(k not in known for k in kinds):
            raise ActionError(ErrorCode.INVALID, "单位类型无效。", field="unit_kinds")
        values["unit_kinds"] = sorted(set(kinds))
    members = None
    if "members" in fields:
        members = [str(c) for c in fields["members"] or []]
    return values, members


def _set_members(group: PartyGroup, codes: list[str]) -> None:
    parties = list(Party.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {p.code for p in parties})
    if unknown:
        raise ActionError(
            ErrorCode.INVALID, f"交换目录中没有这些单位：{'、'.join(unknown[:10])}。", field="members"
        )
    group.members.set(parties)


@transaction.atomic
def do_create_group(*, acting_user, code: str, fields: dict, now=None, ip=None) -> PartyGroup:
    code = (code or "").strip()
    if not re.fullmatch(r"[a-z][a-z0-9_-]{1,39}", code):
        raise ActionError(
            ErrorCode.INVALID, "组代码为小写字母开头的2到40位字母、数字、下划线或连字符。", field="code"
        )
    if PartyGroup.objects.filter(code=code).exists():
        raise ActionError(ErrorCode.DUPLICATE, f"已有代码为“{code}”的单位组。", field="code", status=409)
    directory.sync_platform_units()
    values, members = _group_values(fields, partial=False)
    now = _now(now)
    group = PartyGroup.objects.create(code=code, created_at=now, updated_at=now, **values)
    if members is not None:
        _set_members(group, members)
    record_event(
        "exchange.group_created",
        acting_user=acting_user,
        target=group,
        summary=f"新增单位组：{group.name}",
        ip=ip,
    )
    return group


@transaction.atomic
def do_update_group(group: PartyGroup, *, acting_user, fields: dict, now=None, ip=None) -> PartyGroup:
    group = PartyGroup.objects.select_for_update().get(pk=group.pk)
    directory.sync_platform_units()
    values, members = _group_values(fields, partial=True)
    for key, value in values.items():
        setattr(group, key, value)
    group.updated_at = _now(now)
    group.save()
    if members is not None:
        _set_members(group, members)
    record_event(
        "exchange.group_updated",
        acting_user=acting_user,
        target=group,
        summary=f"修改单位组：{group.name}",
        ip=ip,
    )
    return group


@transaction.atomic
def do_delete_group(group: PartyGroup, *, acting_user, ip=None) -> None:
    name, pk = group.name, group.pk
    group.members.clear()
    group.delete()
    record_event(
        "exchange.group_deleted",
        acting_user=acting_user,
        target_type="exchange.partygroup",
        target_id=pk,
        summary=f"删除单位组：{name}",
        ip=ip,
    )


# --- sending ------------------------------------------------------------------------------------


def _dispatch_reached(document) -> bool:
    """At or after 核发: the 核发 step is open, or the flow has passed it."""
    from oa.documents.models import Document, DocumentEvent
    from oa.workflow.models import HumanTask

    if (
        document.process_instance_id
        and HumanTask.objects.filter(
            instance_id=document.process_instance_id, element_id="Task_Dispatch", state=HumanTask.State.OPEN
        ).exists()
    ):
        return True
    return (
        document.state in (Document.State.DONE, Document.State.ARCHIVED)
        and document.events.filter(action=DocumentEvent.Action.DISTRIBUTED).exists()
    )


def _already_sent_to(sender: Party, identifier: str) -> set[str]:
    """Recipients holding a live copy of this 公文标识 from this sender: named by an envelope
    (fanned out or not yet) and not returned or recalled since."""
    envelopes = Envelope.objects.filter(sender=sender, identifier=identifier).exclude(
        state=Envelope.State.REFUSED
    )
    closed = set(
        Delivery.objects.filter(
            envelope__in=envelopes, state__in=(State.RETURNED, State.RECALLED)
        ).values_list("envelope_id", "recipient__code")
    )
    return {
        code for pk, recipients in envelopes.values_list("pk", "recipients") for code in recipients
        if (pk, code) not in closed
    }  # fmt: skip


def _document_contents(document) -> tuple[list[FileEntry], dict[str, bytes]]:
    from oa.documents import pdf
    from oa.documents.models import DocumentFile
    from oa.documents.storage import open_blob

    kept = pdf.kept_pdf(document)
    if kept is None:
        raise ActionError(ErrorCode.STATE, "公文尚未用印，没有可分发的版式文件。", status=409)
    attachments = list(
        document.files.filter(role=DocumentFile.Role.ATTACHMENT, removed_at__isnull=True).order_by(
            "order", "id"
        )
    )
    entries = plan_files(kept.name, [a.name for a in attachments])
    contents: dict[str, bytes] = {}
    for entry, row in zip(entries, [kept, *attachments], strict=True):
        with open_blob(row.sha256) as stream:
            contents[entry.path] = stream.read()
    return entries, contents


def check_sender_identity(meta, sender: Party) -> None:
    """发文机关 is the authenticated unit, never what a package says: a metadata.xml naming
    another unit (by code or by name) is refused; an empty one is filled in from the directory."""
    if meta.agency_code and meta.agency_code != sender.code:
        raise PackageRefused(
            PackageError.SENDER_MISMATCH,
            f"元数据中的发文机关代码“{meta.agency_code}”不是本单位（{sender.code}）："
            "交换包只能以提交单位的名义发送。",
        )
    if meta.agency_name and meta.agency_name != sender.name:
        raise PackageRefused(
            PackageError.SENDER_MISMATCH,
            f"元数据中的发文机关“{meta.agency_name}”不是本单位（{sender.name}）："
            "交换包只能以提交单位的名义发送。",
        )
    meta.agency_code = sender.code
    meta.agency_name = sender.name


def hub_identity(package: VerifiedPackage, sender: Party) -> VerifiedPackage:
    """What a recipient is shown as 发文机关: the hub's directory entry of the signed sender,
    never the package's own words (verify_package already refused a 发文机关代码 naming another)."""
    package.metadata.agency_code = sender.code
    package.metadata.agency_name = sender.name
    return package


def _sign_and_store(sender: Party, meta, contents: dict[str, bytes]):
    key_id, private = keys.signing_key_for(sender)
    built = build_package(
        meta, contents, sender_code=sender.code, sender_name=sender.name, key_id=key_id, private_key=private
    )
    storage.store_package(built.data)
    return built


def _create_envelope(
    sender: Party,
    built,
    targets: list[Party],
    *,
    origin: str,
    groups: list[str],
    acting_user,
    now,
    document_id=None,
) -> Envelope:
    meta = built.metadata
    envelope = Envelope.objects.create(
        package_id=built.package_id,
        kind=meta.kind,
        origin=origin,
        sender=sender,
        sent_by_id=getattr(acting_user, "pk", None),
        sent_by_name=_name(acting_user),
        source_document_id=document_id,
        identifier=meta.identifier,
        title=meta.title,
        doc_number=meta.doc_number,
        doc_type=meta.doc_type,
        urgency=meta.urgency,
        classification=meta.classification,
        package_sha256=built.sha256,
        package_size=len(built.data),
        recipients=[p.code for p in targets],
        groups=groups,
        created_at=now,
    )
    from exchange import tasks

    transaction.on_commit(lambda: tasks.fan_out_envelope.delay(envelope.pk))
    return envelope


@dataclass
class SendResult:
    envelope: Envelope
    skipped: list[str]


@transaction.atomic
def do_send_document(
    document, *, acting_user, recipients: list[str], groups: list[str] | None = None, now=None, ip=None
) -> SendResult:
    """核发 through the hub: the sealed document, packaged and signed with the unit's key, to the
    units and groups chosen. Recipients who already hold a live copy are skipped (named in the
    result); the fan-out to the rest is queued for after the commit."""
    from oa.documents.models import Direction, Document

    now = _now(now)
    _require(acting_user, "documents.dispatch", "核发与分发")
    sender = directory.current_party()
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.direction != Direction.OUTGOING:
        raise ActionError(ErrorCode.STATE, "只有发文可以通过交换中心发送。", status=409)
    if document.sealed_at is None or not document.doc_number:
        raise ActionError(ErrorCode.STATE, "公文须经签发、编号和用印后才能发送。", status=409)
    if not _dispatch_reached(document):
        raise ActionError(ErrorCode.STATE, "公文到达“核发”步骤后才能发送。", status=409)
    directory.sync_platform_units()
    groups = [str(g) for g in groups or []]
    targets = directory.resolve_recipients(recipients, groups, sender=sender)
    already = _already_sent_to(sender, document.identifier)
    skipped = sorted(p.code for p in targets if p.code in already)
    targets = [p for p in targets if p.code not in already]
    if not targets:
        raise ActionError(ErrorCode.DUPLICATE, "所选单位都已收到过这份公文。", field="recipients", status=409)
    entries, contents = _document_contents(document)
    meta = metadata_from_document(document, sender_code=sender.code, files=entries)
    # The document's 发文机关 was the unit's name when drafted; the hub writes the unit it knows.
    meta.agency_code, meta.agency_name = sender.code, sender.name
    built = _sign_and_store(sender, meta, contents)
    envelope = _create_envelope(
        sender, built, targets, origin=Envelope.Origin.PORTAL, groups=groups, acting_user=acting_user,
        now=now, document_id=document.pk,
    )  # fmt: skip
    record_event(
        "exchange.sent",
        acting_user=acting_user,
        target=document,
        summary=f"交换发送：{document.title}（{len(targets)} 个单位）",
        detail={
            "envelope": envelope.pk,
            "recipients": envelope.recipients,
            "groups": groups,
            "skipped": skipped,
        },
        ip=ip,
    )
    return SendResult(envelope=envelope, skipped=skipped)


def _addressees(targets: list[Party], recipients: list[str], groups: list[str]) -> str:
    """主送: the groups asked for by name, then the units picked one by one."""
    names = list(
        PartyGroup.objects.filter(code__in=groups).order_by("order", "code").values_list("name", flat=True)
    )
    picked = {str(c).strip() for c in recipients}
    names += [p.name for p in targets if p.code in picked]
    text = "、".join(names)
    return text if len(text) <= 500 else "各有关单位"


@transaction.atomic
def do_send_meeting_notice(
    instance,
    *,
    acting_user,
    recipients: list[str],
    groups: list[str] | None = None,
    notice: dict,
    now=None,
    ip=None,
) -> SendResult:
    """会议通知 through the hub: an approved 会议申请 of this unit, announced to the units and
    groups chosen with what the sender adds (`notice`: 参会要求, 联系人, 联系电话, 回执截止,
    会议地点; exchange/meetings.py). The notice is printed in the unit's layout, packaged with
    its meeting in metadata.xml and signed with the unit's key. Its 公文标识 is the same for
    every send of the application, so units holding a live copy are skipped."""
    from exchange import meetings
    from oa.workflow.models import ProcessInstance

    now = _now(now)
    _require(acting_user, "documents.dispatch", "发送会议通知")
    sender = directory.current_party()
    instance = (
        ProcessInstance.objects.select_for_update(of=("self",))
        .select_related("definition")
        .get(pk=instance.pk)
    )
    if not meetings.is_meeting_application(instance):
        raise ActionError(ErrorCode.STATE, "只有会议申请可以发送会议通知。", status=409)
    refusal = meetings.approval_refusal(instance)
    if refusal:
        raise ActionError(ErrorCode.STATE, refusal, status=409)
    info = meetings.meeting_info(instance, notice, now=now)
    directory.sync_platform_units()
    groups = [str(g) for g in groups or []]
    targets = directory.resolve_recipients(recipients, groups, sender=sender)
    identifier = meetings.notice_identifier(sender.code, instance.pk)
    already = _already_sent_to(sender, identifier)
    skipped = sorted(p.code for p in targets if p.code in already)
    targets = [p for p in targets if p.code not in already]
    if not targets:
        raise ActionError(
            ErrorCode.DUPLICATE, "所选单位都已收到过这份会议通知。", field="recipients", status=409
        )
    title = meetings.notice_title(info)
    issued = timezone.localdate(now)
    addressees = _addressees(targets, recipients, groups)
    rendered = meetings.render_notice(info, agency_name=sender.name, addressees=addressees, issued=issued)
    entries = plan_files(f"{title}.pdf", [])
    meta = Metadata(
        identifier=identifier,
        title=title,
        kind=Envelope.Kind.MEETING_NOTICE,
        agency_name=sender.name,
        agency_code=sender.code,
        issued_date=issued.isoformat(),
        main_recipients=addressees,
        signature_agency=sender.name,
        printing_date=issued.isoformat(),
        files=entries,
        meeting=info,
    )
    built = _sign_and_store(sender, meta, {entries[0].path: rendered})
    envelope = _create_envelope(
        sender, built, targets, origin=Envelope.Origin.PORTAL, groups=groups, acting_user=acting_user, now=now
    )
    record_event(
        "exchange.meeting_notice_sent",
        acting_user=acting_user,
        target=instance,
        summary=f"交换发送会议通知：{title}（{len(targets)} 个单位）",
        detail={
            "envelope": envelope.pk,
            "recipients": envelope.recipients,
            "groups": groups,
            "skipped": skipped,
            "notice": {k: v for k, v in info.as_dict().items() if k in meetings.NOTICE_FIELDS},
        },
        ip=ip,
    )
    return SendResult(envelope=envelope, skipped=skipped)


def _inspect_files(meta, contents: dict[str, bytes]) -> None:
    """A unit's own system is not the document intake: its files get the same checks (type by
    content, size, bombs, active content) before the hub signs anything in the unit's name."""
    from oa.documents.intake import inspect_upload

    for entry in [meta.rendered, *meta.attachments]:
        try:
            inspect_upload(
                entry.name, contents[entry.path], purpose="body" if entry.role == "rendered" else "attachment"
            )
        except FileRefused as refused:
            raise PackageRefused(PackageError.UNSAFE, refused.detail) from None


def do_submit_package(
    data: bytes, *, acting_user, recipients: list[str], groups: list[str] | None = None, now=None, ip=None
) -> SendResult:
    """A unit's other system submits a package (metadata.xml and its files; a manifest, if any,
    must match). It is checked like any package, then signed with the unit's key and sent. A
    refused package is recorded before the refusal is returned."""
    now = _now(now)
    _require(acting_user, "documents.dispatch", "核发与分发")
    sender = directory.current_party()
    try:
        meta, contents = read_submission(data)
        check_sender_identity(meta, sender)
        _inspect_files(meta, contents)
    except PackageRefused as refused:
        record_refusal(
            PackageRefusal.Stage.SUBMIT, refused, sender_code=sender.code,
            sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        )  # fmt: skip
        raise refused_error(refused) from None
    with transaction.atomic():
        directory.sync_platform_units()
        groups = [str(g) for g in groups or []]
        targets = directory.resolve_recipients(recipients, groups, sender=sender)
        built = _sign_and_store(sender, meta, contents)
        envelope = _create_envelope(
            sender,
            built,
            targets,
            origin=Envelope.Origin.API,
            groups=groups,
            acting_user=acting_user,
            now=now,
        )
        record_event(
            "exchange.submitted",
            acting_user=acting_user,
            target=envelope,
            summary=f"外部系统提交交换包：{meta.title}（{len(targets)} 个单位）",
            detail={"recipients": envelope.recipients, "groups": groups},
            ip=ip,
        )
    return SendResult(envelope=envelope, skipped=[])


# --- receiving ----------------------------------------------------------------------------------


def _inbox_delivery(party: Party, pk: int, *, lock: bool = False) -> Delivery:
    qs = Delivery.objects.select_related("envelope__sender", "recipient")
    if lock:
        qs = qs.select_for_update(of=("self",))
    delivery = qs.filter(pk=pk, recipient=party).exclude(state=State.QUEUED).first()
    if delivery is None:
        raise ActionError(ErrorCode.NOT_FOUND, "来文不存在。", status=404)
    return delivery


_STATE_REFUSALS = {
    State.SIGNED_FOR: "这份来文已经签收。",
    State.RETURNED: "这份来文已经退回。",
    State.RECALLED: "发文单位已撤回这份来文。",
}


def _require_waiting(delivery: Delivery) -> None:
    if delivery.state != State.DELIVERED:
        raise ActionError(
            ErrorCode.STATE, _STATE_REFUSALS.get(delivery.state, "来文不在待签收状态。"), status=409
        )


def verified_package_of(delivery: Delivery, *, stage: str = PackageRefusal.Stage.SIGN_FOR) -> VerifiedPackage:
    """The delivery's package, verified again; a failure is recorded and raised as ActionError."""
    envelope = delivery.envelope
    try:
        try:
            data = storage.read_package(envelope.package_sha256)
        except FileNotFoundError:
            raise PackageRefused(PackageError.MALFORMED, "交换中心找不到这份交换包。") from None
        package = verify_package(
            data, expected_sha256=envelope.package_sha256, expected_sender=envelope.sender.code
        )
        return hub_identity(package, envelope.sender)
    except PackageRefused as refused:
        record_refusal(
            stage, refused, sender_code=envelope.sender.code, envelope=envelope, delivery=delivery,
            sha256=envelope.package_sha256, size=envelope.package_size,
        )  # fmt: skip
        Delivery.objects.filter(pk=delivery.pk).update(last_error=refused.detail[:300])
        raise refused_error(refused) from None


def incoming_fields(package: VerifiedPackage, sender: Party, *, now) -> dict:
    meta = package.metadata
    return {
        "identifier": meta.identifier,
        "title": meta.title,
        "doc_type": meta.doc_type,
        "doc_number": meta.doc_number,
        # The hub's name of the signed sender, never the package's 发文机关 (a forgery's claim).
        "source_agency": sender.name[:100],
        "classification": meta.classification,
        "secrecy_period": meta.secrecy_period,
        "copy_number": meta.copy_number,
        "urgency": meta.urgency,
        "main_recipients": meta.main_recipients,
        "copy_to": meta.copy_to,
        "publish_level": meta.publish_level,
        "issued_date": meta.issued_date or None,
        "signer_name": meta.signer_name,
        "received_on": timezone.localdate(now),
    }


def do_sign_for_delivery(delivery_id: int, *, acting_user, now=None, ip=None):
    """签收: the incoming document is made in this unit from the package (verified again) and its
    收文 flow starts; the receipt (who, when) goes to the sender's tracking."""
    now = _now(now)
    _require(acting_user, "documents.receive", "签收")
    party = directory.current_party()
    delivery = _inbox_delivery(party, delivery_id)
    _require_waiting(delivery)
    package = verified_package_of(delivery)
    try:
        return _sign_for(party, delivery_id, package, acting_user=acting_user, now=now, ip=ip)
    except FileRefused as refused:
        # The files passed the sender's intake but not ours (a stricter deployment): recorded too.
        record_refusal(
            PackageRefusal.Stage.SIGN_FOR, PackageRefused(refused.code, refused.detail),  # type: ignore[arg-type]
            sender_code=delivery.envelope.sender.code, envelope=delivery.envelope, delivery=delivery,
            sha256=package.sha256, size=package.size,
        )  # fmt: skip
        raise


@transaction.atomic
def _sign_for(party: Party, delivery_id: int, package: VerifiedPackage, *, acting_user, now, ip):
    from oa.documents.actions import do_receive_delivery

    delivery = _inbox_delivery(party, delivery_id, lock=True)
    _require_waiting(delivery)
    sender = delivery.envelope.sender
    meta = package.metadata
    document = do_receive_delivery(
        acting_user=acting_user,
        fields=incoming_fields(package, sender, now=now),
        rendered=(meta.rendered.name, package.file_bytes(meta.rendered)),
        attachments=[(entry.name, package.file_bytes(entry)) for entry in meta.attachments],
        source={
            "delivery": delivery.pk,
            "envelope": delivery.envelope_id,
            "package_id": package.package_id,
            "package_sha256": package.sha256,
            "sender": sender.code,
            "sender_name": sender.name,
        },
        extra={"meeting": meta.meeting.as_dict()} if meta.meeting is not None else None,
        now=now,
        ip=ip,
    )
    delivery.state = State.SIGNED_FOR
    delivery.signed_at = now
    delivery.signed_by_id = acting_user.pk
    delivery.signed_by_name = _name(acting_user)
    delivery.incoming_document_id = document.pk
    delivery.notice_exported_at = None
    delivery.last_error = ""
    delivery.save()
    _event(delivery, Action.SIGNED_FOR, at=now, actor=delivery.signed_by_name, party=party.code)
    notifying.receipt(delivery, acting_user=acting_user)
    record_event(
        "exchange.signed_for",
        acting_user=acting_user,
        target=delivery,
        summary=f"签收来文：{delivery.envelope.title}（{sender.name}）",
        detail={"document": document.pk},
        ip=ip,
    )
    return delivery, document


@transaction.atomic
def do_return_delivery(delivery_id: int, *, acting_user, reason: str, now=None, ip=None) -> Delivery:
    """退回: refuse the delivery with a reason (条例第二十四条); the sender sees why."""
    now = _now(now)
    _require(acting_user, "documents.receive", "退回来文")
    reason = _clean_text(reason, label="退回理由", limit=500, required=True, field="reason")
    party = directory.current_party()
    delivery = _inbox_delivery(party, delivery_id, lock=True)
    _require_waiting(delivery)
    delivery.state = State.RETURNED
    delivery.returned_at = now
    delivery.returned_by_name = _name(acting_user)
    delivery.return_reason = reason
    delivery.notice_exported_at = None
    delivery.save()
    _event(
        delivery, Action.RETURNED, at=now, actor=delivery.returned_by_name, party=party.code, detail=reason
    )
    notifying.receipt(delivery, acting_user=acting_user)
    record_event(
        "exchange.returned",
        acting_user=acting_user,
        target=delivery,
        summary=f"退回来文：{delivery.envelope.title}：{reason}",
        ip=ip,
    )
    return delivery


# --- the sender's tracking: recall and urge ------------------------------------------------------


def _sent_deliveries(
    party: Party, envelope_id: int, delivery_ids: list[int] | None, *, states
) -> list[Delivery]:
    envelope = Envelope.objects.filter(pk=envelope_id, sender=party).first()
    if envelope is None:
        raise ActionError(ErrorCode.NOT_FOUND, "发送记录不存在。", status=404)
    qs = envelope.deliveries.select_for_update(of=("self",)).select_related("recipient").order_by("id")
    if delivery_ids:
        qs = qs.filter(pk__in=delivery_ids)
        rows = list(qs)
        if len(rows) != len(set(delivery_ids)):
            raise ActionError(
                ErrorCode.NOT_FOUND, "所选收文单位不在这次发送中。", field="deliveries", status=404
            )
        wrong = [d for d in rows if d.state not in states]
        if wrong:
            names = "、".join(f"{d.recipient.name}（{d.get_state_display()}）" for d in wrong[:5])
            raise ActionError(ErrorCode.STATE, f"这些单位的状态不允许此操作：{names}。", status=409)
        return rows
    rows = [d for d in qs if d.state in states]
    if not rows:
        raise ActionError(ErrorCode.STATE, "没有可以操作的收文单位。", status=409)
    return rows


@transaction.atomic
def do_recall_deliveries(
    envelope_id: int,
    *,
    acting_user,
    delivery_ids: list[int] | None = None,
    reason: str = "",
    now=None,
    ip=None,
) -> list[Delivery]:
    """撤回: take back deliveries not yet signed for (all open ones, or those named)."""
    now = _now(now)
    _require(acting_user, "documents.dispatch", "撤回")
    reason = _clean_text(reason, label="撤回理由", limit=500, field="reason")
    party = directory.current_party()
    rows = _sent_deliveries(party, envelope_id, delivery_ids, states=(State.QUEUED, State.DELIVERED))
    actor = _name(acting_user)
    for delivery in rows:
        delivery.state = State.RECALLED
        delivery.recalled_at = now
        delivery.recalled_by_name = actor
        delivery.recall_reason = reason
        # A gateway delivery already exported must have its recall carried over too.
        delivery.notice_exported_at = None
        delivery.save()
        _event(delivery, Action.RECALLED, at=now, actor=actor, party=party.code, detail=reason)
    record_event(
        "exchange.recalled",
        acting_user=acting_user,
        target_type="exchange.envelope",
        target_id=envelope_id,
        summary=f"撤回：{rows[0].envelope.title}（{len(rows)} 个单位）",
        detail={"deliveries": [d.pk for d in rows], "reason": reason},
        ip=ip,
    )
    return rows


@transaction.atomic
def do_urge_deliveries(
    envelope_id: int, *, acting_user, delivery_ids: list[int] | None = None, now=None, ip=None
) -> list[Delivery]:
    """催收: remind recipients who have not signed for it. A delivery urged in the last few
    minutes is not urged again (it is left out, or refused when it was the only one named)."""
    now = _now(now)
    _require(acting_user, "documents.dispatch", "催收")
    party = directory.current_party()
    rows = _sent_deliveries(party, envelope_id, delivery_ids, states=(State.DELIVERED,))
    due = [d for d in rows if d.last_urged_at is None or now - d.last_urged_at >= URGE_INTERVAL]
    if not due:
        raise ActionError(ErrorCode.THROTTLED, "刚刚已经催收过，请稍后再试。", status=429)
    actor = _name(acting_user)
    for delivery in due:
        delivery.urge_count += 1
        delivery.last_urged_at = now
        delivery.save(update_fields=["urge_count", "last_urged_at"])
        _event(delivery, Action.URGED, at=now, actor=actor, party=party.code)
    record_event(
        "exchange.urged",
        acting_user=acting_user,
        target_type="exchange.envelope",
        target_id=envelope_id,
        summary=f"催收：{due[0].envelope.title}（{len(due)} 个单位）",
        detail={"deliveries": [d.pk for d in due]},
        ip=ip,
    )
    return due


# --- the console --------------------------------------------------------------------------------


@transaction.atomic
def do_retry_delivery(delivery_id: int, *, acting_user, now=None, ip=None) -> Delivery:
    """Queue a delivery still waiting in the hub again now (the sweep would, a little later)."""
    from exchange import tasks

    now = _now(now)
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("envelope__sender", "recipient")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise ActionError(ErrorCode.NOT_FOUND, "投递记录不存在。", status=404)
    if delivery.state != State.QUEUED or delivery.route != Delivery.Route.PLATFORM:
        raise ActionError(ErrorCode.STATE, "只有尚在交换中心排队的本平台投递可以重试。", status=409)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.save(update_fields=["attempts", "last_attempt_at"])
    _event(delivery, Action.RETRIED, at=now, actor=_name(acting_user))
    record_event(
        "exchange.retried",
        acting_user=acting_user,
        target=delivery,
        summary=f"重试投递：{delivery.envelope.title} → {delivery.recipient.name}",
        ip=ip,
    )
    transaction.on_commit(lambda: tasks.deliver_many.delay([delivery.pk]))
    return delivery
