"""信息发布 through the hub: a published item of one unit (e.g. the city office's 通知公告) sent
to other units (e.g. every district office), where it is filed in the receiving unit's own
inbound column (上级来文) for the whole unit to read.

The package is the usual signed one (ADR 0012): the item printed as a PDF in the sender's
layout (the 版式文件, for the record), its attachments, and metadata.xml of 类型 notice whose
信息 element carries the column, the expiry and the rich-text body. On delivery the hub files
it without a clerk: an item is information, not a 公文 to register and handle, so there is no
收文 flow to start (ADR 0018). The receiving unit's publishers of that column may retract it.
Filing is idempotent: the delivery is locked and must still be 待签收; it becomes 已签收 by
"自动入栏" with the new item's id in its trail.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from exchange import directory
from exchange.models import Delivery, DeliveryEvent, Envelope, Party
from exchange.package import Metadata, NoticeInfo, PackageRefused, plan_files
from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode

logger = logging.getLogger(__name__)

FILED_BY = "自动入栏"


def _render(notice, *, agency_name: str, addressees: str, issued) -> bytes:
    from oa.documents import pdf
    from oa.documents.rendering import DocumentContent, render_pdf

    content = DocumentContent(
        title=notice.title,
        agency_name=agency_name,
        body_html=notice.body_html or "<p></p>",
        addressees=addressees,
        attachments=[f.name for f in notice.files.filter(removed_at__isnull=True)],
        signature_agency=agency_name,
        issued_date=issued,
        printing_date=issued,
    )
    return render_pdf(content, pdf.layout())


@transaction.atomic
def do_send_notice(
    notice, *, acting_user, recipients: list[str], groups: list[str] | None = None, now=None, ip=None
):
    """发布到其他单位: the published item, packaged and signed with the unit's key, to the units
    and groups chosen. Units that already hold a live copy are skipped."""
    from exchange.actions import SendResult, _addressees, _already_sent_to, _create_envelope, _sign_and_store
    from oa.directory.queries import has_permission
    from oa.documents.storage import open_blob
    from oa.notices.models import Notice
    from oa.notices.queries import is_publisher_of

    now = now or timezone.now()
    notice = Notice.objects.select_for_update(of=("self",)).select_related("column").get(pk=notice.pk)
    if not is_publisher_of(acting_user, notice):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有本栏目的发布人可以发布到其他单位。", status=403)
    if not has_permission(acting_user, "notices.publish"):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "您没有向其他单位发布信息的权限。", status=403)
    if notice.state != Notice.State.PUBLISHED:
        raise ActionError(ErrorCode.STATE, "信息发布后才能发布到其他单位。", status=409)
    if notice.expires_at is not None and notice.expires_at <= now:
        raise ActionError(ErrorCode.EXPIRED, "信息已过有效期，不能再发布到其他单位。", status=409)
    if notice.source_unit:
        raise ActionError(ErrorCode.STATE, "收到的外单位信息不能再转发。", status=409)
    sender = directory.current_party()
    directory.sync_platform_units()
    groups = [str(g) for g in groups or []]
    if not recipients and not groups:
        raise ActionError(ErrorCode.REQUIRED, "请选择接收单位或单位组。", field="recipients")
    targets = directory.resolve_recipients(recipients, groups, sender=sender)
    already = _already_sent_to(sender, notice.identifier)
    skipped = sorted(p.code for p in targets if p.code in already)
    targets = [p for p in targets if p.code not in already]
    if not targets:
        raise ActionError(ErrorCode.DUPLICATE, "所选单位都已收到过这条信息。", field="recipients", status=409)
    issued = timezone.localdate(now)
    addressees = _addressees(targets, recipients, groups)
    files = list(notice.files.filter(removed_at__isnull=True).order_by("order", "id"))
    entries = plan_files(f"{notice.title[:150]}.pdf", [f.name for f in files])
    contents = {
        entries[0].path: _render(notice, agency_name=sender.name, addressees=addressees, issued=issued)
    }
    for entry, file in zip(entries[1:], files, strict=True):
        with open_blob(file.sha256) as stream:
            contents[entry.path] = stream.read()
    meta = Metadata(
        identifier=notice.identifier,
        title=notice.title,
        kind=Envelope.Kind.NOTICE,
        agency_name=sender.name,
        agency_code=sender.code,
        issued_date=issued.isoformat(),
        main_recipients=addressees,
        signature_agency=sender.name,
        printing_date=issued.isoformat(),
        files=entries,
        notice=NoticeInfo(
            column=notice.column.name,
            body_html=notice.body_html,
            expires_at=timezone.localtime(notice.expires_at).isoformat() if notice.expires_at else "",
        ),
    )
    built = _sign_and_store(sender, meta, contents)
    envelope = _create_envelope(
        sender, built, targets, origin=Envelope.Origin.PORTAL, groups=groups, acting_user=acting_user, now=now
    )
    record_event(
        "exchange.notice_sent",
        acting_user=acting_user,
        target=notice,
        summary=f"发布到其他单位：{notice.title}（{len(targets)} 个单位）",
        detail={
            "envelope": envelope.pk,
            "recipients": envelope.recipients,
            "groups": groups,
            "skipped": skipped,
        },
        ip=ip,
    )
    return SendResult(envelope=envelope, skipped=skipped)


def file_delivered(delivery_ids: list[int], *, now=None) -> int:
    """File the delivered 信息发布 copies among these deliveries in their units; returns how many
    this call filed. Each is its own transaction, so one unit's refusal does not hold the rest."""
    ids = list(
        Delivery.objects.filter(
            pk__in=delivery_ids, state=Delivery.State.DELIVERED, envelope__kind=Envelope.Kind.NOTICE,
            route=Delivery.Route.PLATFORM,
        ).values_list("pk", flat=True)
    )  # fmt: skip
    return sum(1 for pk in ids if file_delivery(pk, now=now))


def file_delivery(delivery_id: int, *, now=None) -> bool:
    from exchange.actions import _event, verified_package_of

    now = now or timezone.now()
    delivery = Delivery.objects.select_related("envelope__sender", "recipient__unit").get(pk=delivery_id)
    try:
        package = verified_package_of(delivery)
    except ActionError:
        return False  # recorded as a refusal by verified_package_of
    party: Party = delivery.recipient
    if party.unit is None:
        return False
    try:
        with transaction.atomic():
            locked = Delivery.objects.select_for_update(of=("self",)).get(pk=delivery_id)
            if locked.state != Delivery.State.DELIVERED:
                return False
            with schema_context(party.unit.schema_name):
                from oa.notices.actions import do_receive_notice

                meta = package.metadata
                notice = do_receive_notice(
                    title=meta.title,
                    column=meta.notice.column if meta.notice else "",
                    body_html=meta.notice.body_html if meta.notice else "",
                    expires_at=meta.notice.expires_at if meta.notice else "",
                    attachments=[(entry.name, package.file_bytes(entry)) for entry in meta.attachments],
                    source_unit=delivery.envelope.sender.name,
                    source={
                        "delivery": delivery.pk,
                        "envelope": delivery.envelope_id,
                        "package_id": package.package_id,
                        "sender": delivery.envelope.sender.code,
                        "identifier": meta.identifier,
                    },
                    now=now,
                )
            locked.state = Delivery.State.SIGNED_FOR
            locked.signed_at = now
            locked.signed_by_name = FILED_BY
            locked.last_error = ""
            locked.save()
            _event(
                locked, DeliveryEvent.Action.SIGNED_FOR, at=now, actor=FILED_BY, party=party.code,
                detail=f"已发布在“{notice.column.name}”栏目",
            )  # fmt: skip
    except (ActionError, PackageRefused) as refusal:
        detail = getattr(refusal, "detail", str(refusal))
        logger.warning("notice delivery %s not filed in %s: %s", delivery_id, party.code, detail)
        Delivery.objects.filter(pk=delivery_id).update(last_error=str(detail)[:300])
        return False
    return True
