"""The exchange hub's notifications, written in the units' own schemas (the hub never reads a
unit's tables, but it may write through a unit's public API, oa.notifications.api, in that
unit's schema, as 签收 already does through oa.documents):

- exchange.delivered: a copy reached a unit; whoever signs for incoming documents
  (documents.receive) hears of it.
- exchange.receipt: a recipient signed for it or returned it; the person who sent it (or, for
  an API or gateway send, the unit's dispatchers, documents.dispatch) hears of it.
"""

from __future__ import annotations

from collections import defaultdict

from django_tenants.utils import schema_context

from exchange.models import Delivery, Envelope
from oa.directory.queries import user_ids_with_permission
from oa.notifications.api import notify


def _what(envelope: Envelope) -> str:
    return "会议通知" if envelope.kind == Envelope.Kind.MEETING_NOTICE else "公文"


def deliveries_delivered(delivery_ids: list[int]) -> int:
    """Inside the delivering transaction: one notification per receiver per delivered copy."""
    rows = (
        Delivery.objects.filter(pk__in=delivery_ids, recipient__unit__isnull=False)
        .select_related("envelope__sender", "recipient__unit")
        .order_by("pk")
    )
    by_schema: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in rows:
        by_schema[delivery.recipient.unit.schema_name].append(delivery)
    made = 0
    for schema, deliveries in by_schema.items():
        with schema_context(schema):
            receivers = user_ids_with_permission("documents.receive")
            for delivery in deliveries:
                envelope = delivery.envelope
                made += notify(
                    receivers,
                    "exchange.delivered",
                    f"来文：{envelope.title}",
                    body=f"{envelope.sender.name}发来{_what(envelope)}，请签收。",
                    link="/portal/exchange",
                    source=delivery,
                )
    return made


def receipt(delivery: Delivery, *, acting_user) -> int:
    """In the signing (or returning) unit's action: tell the sending unit."""
    envelope = delivery.envelope
    sender_unit = envelope.sender.unit
    if sender_unit is None:
        return 0
    if delivery.state == Delivery.State.SIGNED_FOR:
        title = f"已签收：{envelope.title}"
        body = f"{delivery.recipient.name}（{delivery.signed_by_name}）已签收。"
    else:
        title = f"被退回：{envelope.title}"
        body = f"{delivery.recipient.name}退回：{delivery.return_reason}"
    with schema_context(sender_unit.schema_name):
        recipients = (
            [envelope.sent_by_id] if envelope.sent_by_id else user_ids_with_permission("documents.dispatch")
        )
        # The actor is a user of another unit: not someone to leave out here.
        return notify(
            recipients,
            "exchange.receipt",
            title,
            body=body,
            link=f"/portal/exchange/sent/{envelope.pk}",
            source=delivery,
        )
