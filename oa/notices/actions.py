"""信息发布 actions: the only writers of columns, items and receipts. Each runs in one
transaction with its audit event; notifications are queued for after the commit.

Who may do what:
- the unit admin (`notices.manage`) keeps the columns and their publishers;
- a column's publishers write, publish, retract and remind in it, and see its receipts;
- an item's audience reads it (a receipt row records when).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.models import Department, Role, Staff
from oa.directory.queries import department_subtree_ids, has_permission
from oa.notices import notifying, search
from oa.notices.models import Column, Notice, NoticeFile, NoticeRecipient

User = get_user_model()
State = Notice.State

# 提醒未读: not more often than this per item, so a publisher cannot flood the audience.
REMIND_INTERVAL = timedelta(minutes=5)
MAX_ATTACHMENTS = 20
TEXT_LIMITS = {"title": ("标题", 200), "description": ("栏目说明", 200), "reason": ("撤回理由", 200)}


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _text(value, *, field: str, label: str, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ActionError(ErrorCode.INVALID, f"{label}应为文本。", field=field)
    text = value.strip()
    if required and not text:
        raise ActionError(ErrorCode.REQUIRED, f"请填写{label}。", field=field)
    if len(text) > limit:
        raise ActionError(ErrorCode.INVALID, f"{label}不能超过{limit}个字。", field=field)
    return text


def _require_manager(user) -> None:
    if not has_permission(user, "notices.manage"):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "您没有管理信息发布栏目的权限。", status=403)


def is_publisher(user, column: Column) -> bool:
    return bool(user and user.is_authenticated) and column.publishers.filter(pk=user.pk).exists()


def _require_publisher(user, column: Column) -> None:
    if not is_publisher(user, column):
        raise ActionError(ErrorCode.PERMISSION_DENIED, f"您不是栏目“{column.name}”的发布人。", status=403)


def _lock(notice: Notice) -> Notice:
    return Notice.objects.select_for_update(of=("self",)).select_related("column").get(pk=notice.pk)


# --- columns (栏目) --------------------------------------------------------------------------------


def _publishers(value) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise ActionError(ErrorCode.INVALID, "发布人应为人员编号列表。", field="publishers")
    users = list(User.objects.filter(pk__in=value, staff__isnull=False, is_active=True))
    if len(users) != len(set(value)):
        raise ActionError(ErrorCode.INVALID, "发布人中有不属于本单位的人员。", field="publishers")
    return users


def _approval_flow(value) -> str:
    from oa.notices.approval import notice_flow_keys

    key = _text(value, field="approval_flow", label="审批流程", limit=64)
    if key and key not in notice_flow_keys():
        raise ActionError(ErrorCode.INVALID, f"“{key}”不是本单位信息发布模块的流程。", field="approval_flow")
    return key


def _column_fields(column: Column, fields: dict, *, creating: bool) -> list | None:
    if creating or "name" in fields:
        name = _text(fields.get("name"), field="name", label="栏目名称", limit=32, required=True)
        if Column.objects.filter(name=name).exclude(pk=column.pk).exists():
            raise ActionError(ErrorCode.DUPLICATE, f"栏目“{name}”已存在。", field="name")
        column.name = name
    if "description" in fields:
        column.description = _text(fields["description"], field="description", label="栏目说明", limit=200)
    if creating and "order" not in fields:
        # After the last column, unless placed.
        last = Column.objects.order_by("-order").values_list("order", flat=True).first() or 0
        column.order = last + 10
    if "order" in fields:
        if not isinstance(fields["order"], int):
            raise ActionError(ErrorCode.INVALID, "排序应为整数。", field="order")
        column.order = fields["order"]
    if "approval_flow" in fields:
        column.approval_flow = _approval_flow(fields["approval_flow"])
    if "receives_from_units" in fields:
        inbound = bool(fields["receives_from_units"])
        if inbound and Column.objects.filter(receives_from_units=True).exclude(pk=column.pk).exists():
            raise ActionError(
                ErrorCode.DUPLICATE, "已有接收外单位信息的栏目，只能设一个。", field="receives_from_units"
            )
        column.receives_from_units = inbound
    return _publishers(fields["publishers"]) if "publishers" in fields else None


@transaction.atomic
def do_create_column(*, acting_user, fields: dict, ip=None) -> Column:
    _require_manager(acting_user)
    column = Column()
    publishers = _column_fields(column, fields, creating=True)
    column.save()
    if publishers is not None:
        column.publishers.set(publishers)
    record_event(
        "notices.column_created", acting_user=acting_user, target=column, summary=f"新建栏目：{column.name}",
        detail={"publishers": [u.pk for u in publishers or []]}, ip=ip,
    )  # fmt: skip
    return column


@transaction.atomic
def do_update_column(column: Column, *, acting_user, fields: dict, ip=None) -> Column:
    _require_manager(acting_user)
    column = Column.objects.select_for_update().get(pk=column.pk)
    publishers = _column_fields(column, fields, creating=False)
    column.save()
    if publishers is not None:
        column.publishers.set(publishers)
    record_event(
        "notices.column_updated", acting_user=acting_user, target=column, summary=f"修改栏目：{column.name}",
        detail={"fields": sorted(fields)}, ip=ip,
    )  # fmt: skip
    return column


@transaction.atomic
def do_delete_column(column: Column, *, acting_user, ip=None) -> None:
    _require_manager(acting_user)
    if column.notices.exists():
        raise ActionError(ErrorCode.IN_USE, f"栏目“{column.name}”中已有信息，不能删除。", status=409)
    record_event(
        "notices.column_deleted",
        acting_user=acting_user,
        target=column,
        summary=f"删除栏目：{column.name}",
        ip=ip,
    )
    column.delete()


# --- items (信息) ----------------------------------------------------------------------------------


def _id_list(value, *, field: str, label: str) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ActionError(ErrorCode.INVALID, f"{label}应为编号列表。", field=field)
    return sorted(set(value))


def _audience(notice: Notice, fields: dict) -> None:
    if "audience_all" in fields:
        notice.audience_all = bool(fields["audience_all"])
    if "audience_departments" in fields:
        ids = _id_list(fields["audience_departments"], field="audience_departments", label="部门")
        if Department.objects.filter(pk__in=ids).count() != len(ids):
            raise ActionError(ErrorCode.INVALID, "所选部门不存在。", field="audience_departments")
        notice.audience_departments = ids
    if "audience_roles" in fields:
        ids = _id_list(fields["audience_roles"], field="audience_roles", label="角色")
        if Role.objects.filter(pk__in=ids).count() != len(ids):
            raise ActionError(ErrorCode.INVALID, "所选角色不存在。", field="audience_roles")
        notice.audience_roles = ids
    if "audience_users" in fields:
        ids = _id_list(fields["audience_users"], field="audience_users", label="人员")
        if Staff.objects.filter(user_id__in=ids).count() != len(ids):
            raise ActionError(ErrorCode.INVALID, "所选人员不属于本单位。", field="audience_users")
        notice.audience_users = ids


def _expiry(value, *, now: datetime) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ActionError(
                ErrorCode.INVALID, "有效期应为日期时间（如 2026-12-31T18:00）。", field="expires_at"
            ) from None
    if not isinstance(value, datetime):
        raise ActionError(ErrorCode.INVALID, "有效期应为日期时间。", field="expires_at")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value <= now:
        raise ActionError(ErrorCode.INVALID, "有效期应晚于现在。", field="expires_at")
    return value


def _apply(notice: Notice, fields: dict, *, now: datetime, creating: bool) -> None:
    from oa.documents.sanitising import html_to_text, sanitise_body_html

    if creating or "title" in fields:
        notice.title = _text(fields.get("title"), field="title", label="标题", limit=200, required=True)
    if "body_html" in fields:
        if not isinstance(fields["body_html"], str):
            raise ActionError(ErrorCode.INVALID, "正文应为文本。", field="body_html")
        # The same allow-list as a document's 正文 (oa/documents/sanitising.py).
        notice.body_html = sanitise_body_html(fields["body_html"])
        notice.body_text = html_to_text(notice.body_html)
    if "pinned" in fields:
        notice.pinned = bool(fields["pinned"])
    if "expires_at" in fields:
        notice.expires_at = _expiry(fields["expires_at"], now=now)
    _audience(notice, fields)


EDITABLE = {
    "title", "body_html", "pinned", "expires_at",
    "audience_all", "audience_departments", "audience_roles", "audience_users",
}  # fmt: skip


def _only_known(fields: dict) -> None:
    unknown = sorted(set(fields) - EDITABLE)
    if unknown:
        raise ActionError(ErrorCode.INVALID, f"不能修改的字段：{', '.join(unknown)}。", field=unknown[0])


@transaction.atomic
def do_create_notice(column: Column, *, acting_user, fields: dict, now=None, ip=None) -> Notice:
    """起草: a draft in the column, by one of its publishers."""
    now = _now(now)
    _require_publisher(acting_user, column)
    _only_known(fields)
    notice = Notice(column=column, author=acting_user)
    _apply(notice, fields, now=now, creating=True)
    notice.save()
    search.index_notice(notice)
    record_event(
        "notices.created", acting_user=acting_user, target=notice, summary=f"起草信息：{notice.title}", ip=ip
    )
    return notice


def _require_editable(notice: Notice, user) -> None:
    _require_publisher(user, notice.column)
    if notice.state not in (State.DRAFT, State.REJECTED):
        raise ActionError(ErrorCode.STATE, f"信息{notice.get_state_display()}，不能再修改。", status=409)


@transaction.atomic
def do_update_notice(notice: Notice, *, acting_user, changes: dict, now=None, ip=None) -> Notice:
    now = _now(now)
    notice = _lock(notice)
    _require_editable(notice, acting_user)
    _only_known(changes)
    _apply(notice, changes, now=now, creating=False)
    notice.save()
    search.index_notice(notice)
    record_event(
        "notices.updated", acting_user=acting_user, target=notice, summary=f"修改信息：{notice.title}",
        detail={"fields": sorted(changes)}, ip=ip,
    )  # fmt: skip
    return notice


@transaction.atomic
def do_add_notice_files(notice: Notice, *, acting_user, files: list[tuple[str, bytes]], now=None, ip=None):
    """附件: every file passes the document intake checks (type by content, size, zip bombs)
    before any is kept; one bad file, none added."""
    from oa.documents.intake import inspect_upload
    from oa.documents.storage import store_bytes
    from oa.documents.text_extraction import extract_text

    now = _now(now)
    notice = _lock(notice)
    _require_editable(notice, acting_user)
    if not files:
        raise ActionError(ErrorCode.REQUIRED, "请选择文件。", field="files")
    live = notice.files.filter(removed_at__isnull=True).count()
    if live + len(files) > MAX_ATTACHMENTS:
        raise ActionError(ErrorCode.INVALID, f"附件不能超过{MAX_ATTACHMENTS}个。", field="files")
    inspected = [(inspect_upload(name, data, purpose="attachment"), data) for name, data in files]
    stored = []
    for i, (info, data) in enumerate(inspected):
        store_bytes(data)
        stored.append(
            NoticeFile.objects.create(
                notice=notice,
                name=info.display_name,
                kind=info.kind,
                mime_type=info.mime_type,
                size=info.size,
                sha256=info.sha256,
                text=extract_text(info, data),
                order=live + i,
                uploaded_by=acting_user,
                uploaded_at=now,
            )
        )
    search.index_notice(notice)
    record_event(
        "notices.files_added", acting_user=acting_user, target=notice, summary=f"添加附件：{notice.title}",
        detail={"files": [f.name for f in stored], "sha256": [f.sha256 for f in stored]}, ip=ip,
    )  # fmt: skip
    return stored


@transaction.atomic
def do_remove_notice_file(file: NoticeFile, *, acting_user, now=None, ip=None) -> None:
    now = _now(now)
    notice = _lock(file.notice)
    _require_editable(notice, acting_user)
    NoticeFile.objects.filter(pk=file.pk).update(removed_at=now)
    search.index_notice(notice)
    record_event(
        "notices.file_removed",
        acting_user=acting_user,
        target=notice,
        summary=f"删除附件：{file.name}",
        ip=ip,
    )


def audience_user_ids(notice: Notice) -> list[int]:
    """The people the item is for, resolved now: active staff of the unit in its audience."""
    staff = Staff.objects.filter(user__is_active=True)
    if not notice.audience_all:
        departments: set[int] = set()
        for root in notice.audience_departments:
            departments.update(department_subtree_ids(root))
        from django.db.models import Q

        staff = staff.filter(
            Q(department_id__in=departments)
            | Q(roles__in=notice.audience_roles)
            | Q(user_id__in=notice.audience_users)
        )
    return list(staff.values_list("user_id", flat=True).distinct())


def _check_publishable(notice: Notice, *, now: datetime) -> None:
    if not notice.body_text.strip() and not notice.files.filter(removed_at__isnull=True).exists():
        raise ActionError(ErrorCode.REQUIRED, "请填写正文或添加附件。", field="body_html")
    if not (
        notice.audience_all or notice.audience_departments or notice.audience_roles or notice.audience_users
    ):
        raise ActionError(ErrorCode.REQUIRED, "请选择发布范围。", field="audience")
    if notice.expires_at is not None and notice.expires_at <= now:
        raise ActionError(ErrorCode.INVALID, "有效期已过，请修改有效期后再发布。", field="expires_at")


def publish_now(notice: Notice, *, actor, now: datetime) -> int:
    """Make the item visible to its audience: one receipt row per person (unread) and one
    notification each. Called by do_publish_notice, the approval flow and do_receive_notice."""
    user_ids = audience_user_ids(notice)
    NoticeRecipient.objects.filter(notice=notice).delete()
    NoticeRecipient.objects.bulk_create(
        [NoticeRecipient(notice=notice, user_id=uid) for uid in user_ids], batch_size=2000
    )
    notice.state = State.PUBLISHED
    notice.published_at = now
    notice.published_by = actor
    notice.recipient_count = len(user_ids)
    notice.save()
    notifying.published(notice, user_ids, actor=actor)
    return len(user_ids)


@transaction.atomic
def do_publish_notice(notice: Notice, *, acting_user, now=None, ip=None) -> Notice:
    """发布: at once, or (a column with an approval flow) once the flow approves it."""
    from oa.notices import approval

    now = _now(now)
    notice = _lock(notice)
    _require_editable(notice, acting_user)
    _check_publishable(notice, now=now)
    if notice.column.approval_flow:
        approval.start(notice, acting_user=acting_user, now=now, ip=ip)
        notice.state = State.PENDING
        notice.save()
        record_event(
            "notices.submitted", acting_user=acting_user, target=notice, summary=f"信息送审：{notice.title}",
            detail={"flow": notice.column.approval_flow, "instance": notice.process_instance_id}, ip=ip,
        )  # fmt: skip
        return notice
    count = publish_now(notice, actor=acting_user, now=now)
    record_event(
        "notices.published", acting_user=acting_user, target=notice, summary=f"发布信息：{notice.title}",
        detail={"column": notice.column.name, "recipients": count}, ip=ip,
    )  # fmt: skip
    return notice


def _require_manageable(notice: Notice, user) -> None:
    """Retract, remind and receipts: a publisher of the item's column."""
    if not is_publisher(user, notice.column):
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有本栏目的发布人可以管理这条信息。", status=403)


@transaction.atomic
def do_retract_notice(notice: Notice, *, acting_user, reason: str = "", now=None, ip=None) -> Notice:
    """撤回: the item leaves its audience's lists at once; the receipts stay for the record."""
    now = _now(now)
    notice = _lock(notice)
    _require_manageable(notice, acting_user)
    if notice.state != State.PUBLISHED:
        raise ActionError(ErrorCode.STATE, "只有已发布的信息可以撤回。", status=409)
    notice.state = State.RETRACTED
    notice.retracted_at = now
    notice.retracted_by = acting_user
    notice.retract_reason = _text(reason, field="reason", label="撤回理由", limit=200)
    notice.save()
    record_event(
        "notices.retracted", acting_user=acting_user, target=notice, summary=f"撤回信息：{notice.title}",
        detail={"reason": notice.retract_reason}, ip=ip,
    )  # fmt: skip
    return notice


@transaction.atomic
def do_mark_read(notice: Notice, *, acting_user, now=None, ip=None) -> NoticeRecipient:
    """已读: the reader's receipt (a whole-unit item read by someone who joined later gets one)."""
    from oa.notices.queries import get_notice_for_reader

    now = _now(now)
    notice = get_notice_for_reader(acting_user, notice.pk, now=now)
    receipt, created = NoticeRecipient.objects.get_or_create(
        notice=notice, user=acting_user, defaults={"read_at": now}
    )
    if not created and receipt.read_at is None:
        receipt.read_at = now
        receipt.save(update_fields=["read_at"])
        record_event(
            "notices.read", acting_user=acting_user, target=notice, summary=f"阅读信息：{notice.title}", ip=ip
        )
    elif created:
        Notice.objects.filter(pk=notice.pk).update(recipient_count=notice.recipient_count + 1)
        record_event(
            "notices.read", acting_user=acting_user, target=notice, summary=f"阅读信息：{notice.title}", ip=ip
        )
    return receipt


@transaction.atomic
def do_remind_unread(notice: Notice, *, acting_user, now=None, ip=None) -> int:
    """提醒未读: a reminder to everyone of the audience who has not read the item yet."""
    now = _now(now)
    notice = _lock(notice)
    _require_manageable(notice, acting_user)
    if notice.state != State.PUBLISHED:
        raise ActionError(ErrorCode.STATE, "只有已发布的信息可以提醒阅读。", status=409)
    if notice.expires_at is not None and notice.expires_at <= now:
        raise ActionError(ErrorCode.EXPIRED, "信息已过有效期，不能再提醒。", status=409)
    if notice.last_reminded_at and now - notice.last_reminded_at < REMIND_INTERVAL:
        minutes = int(REMIND_INTERVAL.total_seconds() // 60)
        raise ActionError(ErrorCode.THROTTLED, f"刚刚提醒过，请 {minutes} 分钟后再提醒。", status=429)
    unread = NoticeRecipient.objects.filter(notice=notice, read_at__isnull=True)
    user_ids = list(unread.values_list("user_id", flat=True))
    if not user_ids:
        raise ActionError(ErrorCode.STATE, "所有人都已阅读，无需提醒。", status=409)
    from django.db.models import F

    unread.update(reminded_at=now, remind_count=F("remind_count") + 1)
    notice.last_reminded_at = now
    notice.save(update_fields=["last_reminded_at"])
    notifying.reminder(notice, user_ids, actor=acting_user)
    record_event(
        "notices.reminded", acting_user=acting_user, target=notice, summary=f"提醒未读：{notice.title}",
        detail={"users": len(user_ids)}, ip=ip,
    )  # fmt: skip
    return len(user_ids)


@transaction.atomic
def do_receive_notice(
    *, title: str, column: str, body_html: str, expires_at: str, attachments: list[tuple[str, bytes]],
    source_unit: str, source: dict, now=None,
) -> Notice:  # fmt: skip
    """An item another unit published to this one (through the exchange hub): filed in the
    inbound column (上级来文) or, without one, in the column of the sender's column's name, for the
    whole unit. The body is sanitised again and the files pass this unit's intake checks."""
    from oa.documents.intake import inspect_upload
    from oa.documents.sanitising import html_to_text, sanitise_body_html
    from oa.documents.storage import store_bytes
    from oa.documents.text_extraction import extract_text
    from oa.notices.queries import inbound_column

    now = _now(now)
    target = inbound_column() or Column.objects.filter(name=column).first()
    if target is None:
        raise ActionError(ErrorCode.NOT_FOUND, "本单位没有接收外单位信息的栏目。", field="column", status=404)
    existing = Notice.objects.filter(
        source__identifier=source.get("identifier"), source__sender=source.get("sender")
    )
    if source.get("identifier") and existing.filter(state=State.PUBLISHED).exists():
        raise ActionError(ErrorCode.DUPLICATE, "本单位已收到过这条信息。", status=409)
    inspected = [(inspect_upload(name, data, purpose="attachment"), data) for name, data in attachments]
    notice = Notice(
        column=target,
        title=_text(title, field="title", label="标题", limit=200, required=True),
        body_html=sanitise_body_html(body_html or ""),
        audience_all=True,
        source_unit=source_unit[:100],
        source=source,
        expires_at=datetime.fromisoformat(expires_at) if expires_at else None,
    )
    notice.body_text = html_to_text(notice.body_html)
    notice.save()
    for i, (info, data) in enumerate(inspected):
        store_bytes(data)
        NoticeFile.objects.create(
            notice=notice, name=info.display_name, kind=info.kind, mime_type=info.mime_type, size=info.size,
            sha256=info.sha256, text=extract_text(info, data), order=i, uploaded_at=now,
        )  # fmt: skip
    count = publish_now(notice, actor=None, now=now)
    search.index_notice(notice)
    record_event(
        "notices.received", acting_user=None, target=notice, summary=f"收到{source_unit}发布的信息：{notice.title}",
        detail={"column": target.name, "recipients": count, **source}, ip=None,
    )  # fmt: skip
    return notice
