"""Fan-out: an envelope becomes one delivery per recipient, each delivered once.

The steps are separate transactions, each safe to repeat, so that a worker killed between any
two of them (or a task delivered twice by the broker) neither loses nor duplicates a delivery:

1. verify the stored package (a package changed at rest is refused and recorded, never delivered);
2. create the deliveries: one INSERT ... ON CONFLICT DO NOTHING against the unique
   (envelope, recipient) constraint, so a rerun adds only the missing ones;
3. queue `deliver_many` tasks (batches of 50) for the deliveries still queued; a batch locks its
   rows and acts only on `queued` ones, so a second run of it is a no-op;
4. mark the envelope fanned out.

`sweep` (beat, every minute) finds what a lost task left behind: envelopes not fanned out and
platform deliveries still queued after OA_EXCHANGE_RETRY_AFTER_SECONDS, and queues them again
(counted as retries in the hub monitor). While the broker's queue still holds messages, what is
waiting is most likely behind them rather than lost, and queueing it again would only lengthen
the queue (each copy a no-op, but the workers' time): the sweep then waits for the queue to
drain. A worker killed mid-task leaves its message unacknowledged, outside the queue, so what it
held is queued again as soon as the backlog is gone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from exchange import directory, storage
from exchange.actions import record_refusal
from exchange.models import Delivery, DeliveryEvent, Envelope, PackageRefusal, Party
from exchange.notifying import deliveries_delivered
from exchange.package import PackageError, PackageRefused, verify_package

logger = logging.getLogger(__name__)


@dataclass
class FanOutReport:
    created: int = 0
    queued: list[int] | None = None
    refused: bool = False


def verify_stored(envelope: Envelope) -> bool:
    """Step 1: the stored package still verifies; otherwise the envelope is refused (once)."""
    try:
        try:
            data = storage.read_package(envelope.package_sha256)
        except FileNotFoundError:
            raise PackageRefused(PackageError.MALFORMED, "交换中心找不到这份交换包。") from None
        verify_package(data, expected_sha256=envelope.package_sha256, expected_sender=envelope.sender.code)
    except PackageRefused as refused:
        with transaction.atomic():
            locked = Envelope.objects.select_for_update().get(pk=envelope.pk)
            if locked.state != Envelope.State.REFUSED:
                locked.state = Envelope.State.REFUSED
                locked.save(update_fields=["state"])
                record_refusal(
                    PackageRefusal.Stage.FAN_OUT, refused, sender_code=envelope.sender.code, envelope=envelope,
                    sha256=envelope.package_sha256, size=envelope.package_size,
                )  # fmt: skip
        return False
    return True


def create_deliveries(envelope: Envelope, *, now=None) -> int:
    """Step 2: a delivery for each recipient that has none yet; returns how many were new."""
    now = now or timezone.now()
    parties = list(Party.objects.filter(code__in=envelope.recipients))
    with transaction.atomic():
        before = Delivery.objects.filter(envelope=envelope).count()
        Delivery.objects.bulk_create(
            [
                Delivery(
                    envelope=envelope,
                    recipient=party,
                    route=Delivery.Route.GATEWAY if directory.is_remote(party) else Delivery.Route.PLATFORM,
                    created_at=now,
                    # The first attempt; the sweep counts each retry on top.
                    attempts=1,
                    last_attempt_at=now,
                )
                for party in parties
            ],
            ignore_conflicts=True,
        )
        created = Delivery.objects.filter(envelope=envelope).count() - before
    missing = set(envelope.recipients) - {p.code for p in parties}
    if missing:
        # A recipient removed from the directory between send and fan-out: say so, keep going.
        logger.warning("envelope %s: recipients no longer in the directory: %s", envelope.pk, sorted(missing))
    return created


def queued_platform_deliveries(envelope: Envelope) -> list[int]:
    return list(
        envelope.deliveries.filter(state=Delivery.State.QUEUED, route=Delivery.Route.PLATFORM)
        .order_by("id")
        .values_list("id", flat=True)
    )


def fan_out(envelope_id: int, *, enqueue=None) -> FanOutReport:
    """Steps 1–4 for one envelope. `enqueue(ids)` queues the deliver tasks (the Celery task by
    default); callers that deliver in-line pass their own."""
    envelope = Envelope.objects.select_related("sender").filter(pk=envelope_id).first()
    if envelope is None or envelope.state == Envelope.State.REFUSED:
        return FanOutReport(refused=envelope is not None)
    Envelope.objects.filter(pk=envelope.pk).update(fan_out_attempts=F("fan_out_attempts") + 1)
    if not verify_stored(envelope):
        return FanOutReport(refused=True)
    created = create_deliveries(envelope)
    ids = queued_platform_deliveries(envelope)
    if enqueue is None:
        from exchange.tasks import deliver_many

        def enqueue(batch: list[int]) -> None:
            for start in range(0, len(batch), 50):
                deliver_many.delay(batch[start : start + 50])

    if ids:
        enqueue(ids)
    Envelope.objects.filter(pk=envelope.pk, state=Envelope.State.ACCEPTED).update(
        state=Envelope.State.FANNED_OUT, fanned_out_at=timezone.now()
    )
    return FanOutReport(created=created, queued=ids)


def deliver_batch(delivery_ids: list[int], *, now=None) -> int:
    """Step 3 for a batch: each queued delivery becomes delivered, once; returns how many this
    call delivered. One transaction for the batch; a row another run holds right now is left to
    it (SKIP LOCKED), and one already delivered, recalled or bound for a gateway is left alone,
    so running the same batch twice, or two batches that overlap, delivers each copy once."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            # OF self: lock the delivery rows only, never the envelope they share.
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=delivery_ids, state=Delivery.State.QUEUED, route=Delivery.Route.PLATFORM)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        Delivery.objects.filter(pk__in=ids).update(
            state=Delivery.State.DELIVERED, delivered_at=now, last_error=""
        )
        DeliveryEvent.objects.bulk_create(
            [DeliveryEvent(delivery_id=pk, action=DeliveryEvent.Action.DELIVERED, at=now) for pk in ids]
        )
        # Once per delivered copy, in the same transaction: a rerun delivers nothing new.
        deliveries_delivered(ids)
    return len(ids)


def deliver(delivery_id: int, *, now=None) -> bool:
    """Step 3 for one delivery: queued → delivered, once. True when this call delivered it."""
    return deliver_batch([delivery_id], now=now) == 1


@dataclass
class SweepReport:
    envelopes: int = 0
    deliveries: int = 0
    # Messages waiting in the broker's queue when the sweep looked; the sweep queued nothing
    # again while there were any (None: the broker could not say).
    backlog: int | None = None


def broker_backlog(queue: str | None = None) -> int | None:
    """How many messages wait in the broker's queue (the default one), or None when the broker
    cannot be asked. An absent queue is an empty one."""
    from kombu.exceptions import ChannelError, OperationalError

    from config.celery import app

    name = queue or app.conf.task_default_queue
    try:
        with app.connection_for_read() as connection:
            try:
                return connection.default_channel.queue_declare(queue=name, passive=True).message_count
            except ChannelError:
                return 0
    except (OperationalError, OSError) as error:
        logger.warning("exchange sweep: cannot read the broker's queue %s: %s", name, error)
        return None


def sweep(*, now=None, enqueue_envelope=None, enqueue_deliveries=None, backlog=None) -> SweepReport:
    """Queue again what a lost task left behind (see the module's docstring). `backlog` is the
    broker queue's length (asked of the broker when not given)."""
    from exchange import tasks

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OA_EXCHANGE_RETRY_AFTER_SECONDS)
    enqueue_envelope = enqueue_envelope or (lambda pk: tasks.fan_out_envelope.delay(pk))
    enqueue_deliveries = enqueue_deliveries or (lambda ids: tasks.deliver_many.delay(ids))
    report = SweepReport(backlog=broker_backlog() if backlog is None else backlog)
    if report.backlog:
        logger.info("exchange sweep: %s messages still queued, nothing queued again", report.backlog)
        return report
    stale_envelopes = list(
        Envelope.objects.filter(state=Envelope.State.ACCEPTED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in stale_envelopes:
        enqueue_envelope(pk)
    report.envelopes = len(stale_envelopes)
    with transaction.atomic():
        stale = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=Delivery.State.QUEUED, route=Delivery.Route.PLATFORM)
            .filter(Q(last_attempt_at__lt=cutoff) | Q(last_attempt_at__isnull=True, created_at__lt=cutoff))
            .order_by("id")[:2000]
        )
        for delivery in stale:
            delivery.attempts += 1
            delivery.last_attempt_at = now
        Delivery.objects.bulk_update(stale, ["attempts", "last_attempt_at"])
        DeliveryEvent.objects.bulk_create(
            [DeliveryEvent(delivery=d, action=DeliveryEvent.Action.RETRIED, at=now) for d in stale]
        )
    ids = [d.pk for d in stale]
    for start in range(0, len(ids), 50):
        enqueue_deliveries(ids[start : start + 50])
    report.deliveries = len(ids)
    if report.envelopes or report.deliveries:
        logger.info(
            "exchange sweep: %s envelopes, %s deliveries queued again", report.envelopes, report.deliveries
        )
    return report
