"""Who may see which item, as indexed queries.

A reader sees a published item that has not expired when it is for the whole unit or they are
in its receipt list (the audience resolved at publish time). A column's publishers see every item
of the column, in any state. Anyone else gets 404: an item's existence is not disclosed. A reader
who was in the audience of an item that has since been retracted or has expired is told so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from oa.core.errors import ActionError, ErrorCode
from oa.documents import search as words
from oa.notices.models import Column, Notice, NoticeFile, NoticeRecipient

State = Notice.State


def _receipt(user) -> QuerySet:
    return NoticeRecipient.objects.filter(notice_id=OuterRef("pk"), user_id=user.pk)


def reader_q(user, *, now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return (
        Q(state=State.PUBLISHED)
        & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        & (Q(audience_all=True) | Q(Exists(_receipt(user))))
    )


def published_columns(user) -> QuerySet[Column]:
    return Column.objects.filter(publishers=user)


def publisher_q(user) -> Q:
    return Q(column__in=published_columns(user).values("pk"))


def _annotated(qs: QuerySet[Notice], user) -> QuerySet[Notice]:
    return (
        qs.annotate(read_at=Subquery(_receipt(user).values("read_at")[:1]))
        .select_related("column", "author__account", "published_by__account")
        .defer("search_vector", "body_html")
    )


@dataclass
class NoticeFilters:
    column: int | None = None
    unread: bool = False
    q: str = ""


def _search_query(query: str) -> SearchQuery:
    text = words.tsquery(query)
    if not text:
        raise ActionError(ErrorCode.REQUIRED, "请输入检索词。", field="q")
    return SearchQuery(text, search_type="raw", config="simple")


def list_for_reader(user, filters: NoticeFilters, *, now=None) -> QuerySet[Notice]:
    """The items the user may read, pinned first, newest first (or best first for a search)."""
    qs = Notice.objects.filter(reader_q(user, now=now))
    if filters.column:
        qs = qs.filter(column_id=filters.column)
    qs = _annotated(qs, user)
    if filters.unread:
        qs = qs.filter(read_at__isnull=True)
    if filters.q:
        tsq = _search_query(filters.q)
        return (
            qs.filter(search_vector=tsq)
            .annotate(rank=SearchRank(F("search_vector"), tsq))
            .order_by("-rank", "-published_at", "-id")
        )
    return qs.order_by("-pinned", "-published_at", "-id")


def list_managed(user, *, column: int | None = None, state: str = "") -> QuerySet[Notice]:
    """发布管理: every item of the columns the user publishes in, newest first."""
    qs = Notice.objects.filter(publisher_q(user))
    if column:
        qs = qs.filter(column_id=column)
    if state:
        qs = qs.filter(state=state)
    return _annotated(qs, user).order_by("-updated_at", "-id")


def _visible(now: datetime) -> QuerySet[Notice]:
    return Notice.objects.filter(state=State.PUBLISHED).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def unread_count(user, *, now=None) -> int:
    """What reader_q lets the user read, less what they have read: the items of their unread
    receipts, plus the whole-unit items they have no receipt for (who joined after publishing).
    Two indexed counts rather than a receipt lookup per item (70,000 items: bench/portal.py)."""
    now = now or timezone.now()
    visible = _visible(now)
    with_receipt = visible.filter(recipients__user_id=user.pk, recipients__read_at__isnull=True).count()
    without = visible.filter(audience_all=True).exclude(Exists(_receipt(user))).count()
    return with_receipt + without


def latest_for_reader(user, limit: int, *, now=None) -> list[Notice]:
    """The newest `limit` items the user may read, pinned first, each with `read_at` (the
    portal home): the newest through the user's receipts, the newest to the whole unit and the
    pinned ones, each an indexed query of at most `limit` rows, merged here."""
    now = now or timezone.now()
    visible = _visible(now)
    ids: set[int] = set()
    ids.update(
        visible.filter(recipients__user_id=user.pk)
        .order_by("-published_at")
        .values_list("pk", flat=True)[:limit]
    )
    ids.update(
        visible.filter(audience_all=True).order_by("-published_at").values_list("pk", flat=True)[:limit]
    )
    ids.update(visible.filter(reader_q(user, now=now), pinned=True).values_list("pk", flat=True)[:limit])
    rows = list(_annotated(Notice.objects.filter(pk__in=ids), user))
    rows.sort(key=lambda n: (n.pinned, n.published_at, n.pk), reverse=True)
    return rows[:limit]


def _was_for(user, notice: Notice) -> bool:
    return notice.audience_all or NoticeRecipient.objects.filter(notice=notice, user_id=user.pk).exists()


def get_notice_for_reader(user, pk, *, now=None) -> Notice:
    """The item if the user may read it now; EXPIRED / RETRACTED (410) if it was for them."""
    now = now or timezone.now()
    notice = Notice.objects.select_related("column").filter(pk=pk).first()
    if notice is None or notice.state not in (State.PUBLISHED, State.RETRACTED) or not _was_for(user, notice):
        raise ActionError(ErrorCode.NOT_FOUND, "信息不存在。", status=404)
    if notice.state == State.RETRACTED:
        raise ActionError(ErrorCode.RETRACTED, "这条信息已被发布人撤回。", status=410)
    if notice.expires_at is not None and notice.expires_at <= now:
        raise ActionError(ErrorCode.EXPIRED, "这条信息已过有效期。", status=410)
    return notice


def is_publisher_of(user, notice: Notice) -> bool:
    return Column.objects.filter(pk=notice.column_id, publishers=user).exists()


def get_notice_for_user(user, pk, *, now=None) -> tuple[Notice, bool]:
    """(item, managing): a publisher of its column gets it in any state; a reader as above."""
    notice = (
        Notice.objects.select_related("column", "author__account", "published_by__account")
        .filter(pk=pk)
        .first()
    )
    if notice is not None and is_publisher_of(user, notice):
        return notice, True
    return get_notice_for_reader(user, pk, now=now), False


def get_managed_notice(user, pk) -> Notice:
    """For the publisher's own actions and the receipts page: 404 unless a publisher."""
    notice, managing = get_notice_for_user(user, pk)
    if not managing:
        raise ActionError(ErrorCode.PERMISSION_DENIED, "只有本栏目的发布人可以管理这条信息。", status=403)
    return notice


def live_files(notice: Notice) -> QuerySet[NoticeFile]:
    return notice.files.filter(removed_at__isnull=True)


def receipts(notice: Notice) -> QuerySet[NoticeRecipient]:
    """已读/未读: every person of the audience with their department, unread first."""
    return (
        NoticeRecipient.objects.filter(notice=notice)
        .select_related("user__account", "user__staff__department")
        .order_by(F("read_at").desc(nulls_first=True), "user__username")
    )


def receipt_counts(notice: Notice) -> dict[str, int]:
    total = NoticeRecipient.objects.filter(notice=notice).count()
    read = NoticeRecipient.objects.filter(notice=notice, read_at__isnull=False).count()
    return {"total": total, "read": read, "unread": total - read}


def inbound_column() -> Column | None:
    return Column.objects.filter(receives_from_units=True).first()
