"""Reads of the hub that decide who sees what.

A unit sees the deliveries addressed to it (its 待签收 inbox and what it signed for or returned)
and the envelopes it sent with their per-recipient receipts; nothing else. Another recipient's
delivery is simply not found (404), the same as one that does not exist.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from exchange.models import Delivery, DeliveryEvent, Envelope, PackageRefusal, Party, PartyGroup
from oa.core.errors import ActionError, ErrorCode

State = Delivery.State

INBOX_STATES = {
    "waiting": [State.DELIVERED],
    "signed_for": [State.SIGNED_FOR],
    "returned": [State.RETURNED],
    "recalled": [State.RECALLED],
    "all": [State.DELIVERED, State.SIGNED_FOR, State.RETURNED, State.RECALLED],
}


def inbox(party: Party, *, state: str = "waiting", q: str = "") -> QuerySet[Delivery]:
    """The deliveries addressed to `party` (never queued ones: they have not arrived)."""
    qs = Delivery.objects.filter(recipient=party, state__in=INBOX_STATES.get(state, INBOX_STATES["waiting"]))
    if q:
        qs = qs.filter(
            Q(envelope__title__icontains=q)
            | Q(envelope__doc_number__icontains=q)
            | Q(envelope__sender__name__icontains=q)
        )
    return qs.select_related("envelope__sender").order_by("-envelope__urgency", "-created_at", "-id")


def inbox_delivery(party: Party, pk: int) -> Delivery:
    delivery = inbox(party, state="all").filter(pk=pk).first()
    if delivery is None:
        raise ActionError(ErrorCode.NOT_FOUND, "来文不存在。", status=404)
    return delivery


def waiting_count(party: Party) -> int:
    return Delivery.objects.filter(recipient=party, state=State.DELIVERED).count()


def sent(party: Party, *, document_id: int | None = None, q: str = "") -> QuerySet[Envelope]:
    """What `party` sent, newest first, with per-state counts for the list."""
    qs = Envelope.objects.filter(sender=party)
    if document_id is not None:
        qs = qs.filter(source_document_id=document_id)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_number__icontains=q))
    counts = {f"n_{value}": Count("deliveries", filter=Q(deliveries__state=value)) for value in State.values}
    return qs.annotate(n_total=Count("deliveries"), **counts).order_by("-created_at", "-id")


def sent_envelope(party: Party, pk: int) -> Envelope:
    envelope = Envelope.objects.select_related("sender").filter(sender=party, pk=pk).first()
    if envelope is None:
        raise ActionError(ErrorCode.NOT_FOUND, "发送记录不存在。", status=404)
    return envelope


def tracking(envelope: Envelope) -> list[Delivery]:
    """Each recipient's delivery with its receipts (events), for the sender."""
    return list(
        envelope.deliveries.select_related("recipient").prefetch_related("events").order_by("recipient__code")
    )


def pending_recipients(envelope: Envelope) -> list[Party]:
    """Recipients the fan-out has not reached yet (no delivery row): shown as 待分发 so the
    sender sees every addressee from the moment of sending, not an empty list. A refused
    envelope has none: it will never be delivered."""
    if envelope.state == Envelope.State.REFUSED:
        return []
    have = envelope.deliveries.values_list("recipient__code", flat=True)
    return list(Party.objects.filter(code__in=envelope.recipients).exclude(code__in=have).order_by("code"))


def directory_entries(*, q: str = "", kind: str = "", include_inactive: bool = False) -> QuerySet[Party]:
    qs = Party.objects.all() if include_inactive else Party.objects.filter(active=True)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "code")


def groups() -> QuerySet[PartyGroup]:
    return PartyGroup.objects.prefetch_related("members").order_by("order", "code")


# --- the console's hub monitor --------------------------------------------------------------------


def stuck_deliveries(*, now=None) -> QuerySet[Delivery]:
    """Platform deliveries still queued past the retry interval: a worker is down or behind."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OA_EXCHANGE_RETRY_AFTER_SECONDS)
    return (
        Delivery.objects.filter(state=State.QUEUED, route=Delivery.Route.PLATFORM, created_at__lt=cutoff)
        .select_related("envelope__sender", "recipient")
        .order_by("created_at")
    )


def monitor(*, days: int = 30, now=None) -> dict:
    # The fan-out module (it imports the actions) is not needed for the rest of the queries.
    from exchange.fanout import broker_backlog

    now = now or timezone.now()
    since = now - timedelta(days=days)
    recent = Delivery.objects.filter(created_at__gte=since)
    per_day = [
        {"day": row["day"], "envelopes": row["envelopes"], "deliveries": row["deliveries"]}
        for row in recent.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(deliveries=Count("id"), envelopes=Count("envelope", distinct=True))
        .order_by("day")
    ]
    by_sender = list(
        recent.values("envelope__sender__code", "envelope__sender__name")
        .annotate(deliveries=Count("id"), envelopes=Count("envelope", distinct=True))
        .order_by("-deliveries")[:20]
    )
    by_recipient = list(
        recent.values("recipient__code", "recipient__name")
        .annotate(
            deliveries=Count("id"),
            waiting=Count("id", filter=Q(state=State.DELIVERED)),
            signed_for=Count("id", filter=Q(state=State.SIGNED_FOR)),
            returned=Count("id", filter=Q(state=State.RETURNED)),
        )
        .order_by("-deliveries")[:20]
    )
    states = dict(recent.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    retries = recent.aggregate(n=Sum("attempts"), d=Count("id"))
    return {
        "days": days,
        "per_day": per_day,
        "by_sender": [
            {
                "code": r["envelope__sender__code"],
                "name": r["envelope__sender__name"],
                "envelopes": r["envelopes"],
                "deliveries": r["deliveries"],
            }
            for r in by_sender
        ],
        "by_recipient": [
            {
                "code": r["recipient__code"],
                "name": r["recipient__name"],
                **{k: r[k] for k in ("deliveries", "waiting", "signed_for", "returned")},
            }
            for r in by_recipient
        ],
        "states": {value: states.get(value, 0) for value in State.values},
        "retries": (retries["n"] or 0) - (retries["d"] or 0),
        "retried_deliveries": recent.filter(attempts__gt=1).count(),
        "stuck": stuck_deliveries(now=now).count(),
        "envelopes_pending": Envelope.objects.filter(state=Envelope.State.ACCEPTED).count(),
        "refusals": PackageRefusal.objects.filter(at__gte=since).count(),
        "gateway_waiting": Delivery.objects.filter(
            route=Delivery.Route.GATEWAY, state=State.QUEUED, exported_at__isnull=True
        ).count(),
        # Tasks waiting for a worker (None: the broker did not answer); the sweep waits while any.
        "queue_backlog": broker_backlog(),
    }


def refusals() -> QuerySet[PackageRefusal]:
    return PackageRefusal.objects.order_by("-at", "-id")


def delivery_events(delivery: Delivery) -> QuerySet[DeliveryEvent]:
    return delivery.events.order_by("at", "id")


def sendable_documents(user):
    """Outgoing documents `user` may see that can be sent now: sealed, at or after 核发."""
    from django.db.models import Exists, OuterRef

    from oa.documents.models import Direction, Document
    from oa.documents.queries import visible_documents
    from oa.workflow.models import HumanTask

    at_dispatch = HumanTask.objects.filter(
        instance_id=OuterRef("process_instance_id"), element_id="Task_Dispatch", state=HumanTask.State.OPEN
    )
    return (
        visible_documents(user)
        .filter(direction=Direction.OUTGOING, sealed_at__isnull=False)
        .filter(Q(Exists(at_dispatch)) | Q(state__in=(Document.State.DONE, Document.State.ARCHIVED)))
        .order_by("-sealed_at", "-id")
    )


def live_copies(party: Party) -> dict[str, int]:
    """公文标识 → how many units hold a live copy sent by `party` (for the 待分发 list)."""
    rows = (
        Delivery.objects.filter(
            envelope__sender=party, state__in=(State.QUEUED, State.DELIVERED, State.SIGNED_FOR)
        )
        .values("envelope__identifier")
        .annotate(n=Count("id"))
    )
    return {row["envelope__identifier"]: row["n"] for row in rows}
