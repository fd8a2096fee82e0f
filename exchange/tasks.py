"""Exchange background work: fan-out, delivery and the sweep. Every task takes ids and is safe
to run twice (exchange/fanout.py says how)."""

from __future__ import annotations

from celery import shared_task

from exchange import fanout


@shared_task(acks_late=True)
def fan_out_envelope(envelope_id: int) -> dict:
    report = fanout.fan_out(envelope_id)
    return {"created": report.created, "queued": len(report.queued or []), "refused": report.refused}


@shared_task(acks_late=True)
def deliver_many(delivery_ids: list[int]) -> int:
    delivered = fanout.deliver_batch(delivery_ids)
    # 信息发布 copies are filed in their units at once (exchange/notices.py); a rerun files
    # what a lost task left delivered but not filed.
    from exchange import notices

    notices.file_delivered(delivery_ids)
    return delivered


@shared_task
def sweep_stuck() -> dict:
    report = fanout.sweep()
    return {"envelopes": report.envelopes, "deliveries": report.deliveries, "backlog": report.backlog}
