"""Fan-out is safe to run twice and survives a worker killed between its steps; a package
changed at rest is refused (and the refusal recorded), never delivered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from exchange import actions, fanout, storage
from exchange.models import Delivery, DeliveryEvent, Envelope, PackageRefusal, Party
from oa.core.errors import ActionError
from tests.conftest import HULI
from tests.exchange.cast import JIMEI
from tests.exchange.conftest import submit

GROUP = ["district_offices"]


def deliver_inline(ids):
    for pk in ids:
        fanout.deliver(pk)


def delivered_events(envelope) -> list[str]:
    return sorted(
        DeliveryEvent.objects.filter(delivery__envelope=envelope, action="delivered").values_list(
            "delivery__recipient__code", flat=True
        )
    )


def test_running_the_fan_out_twice_delivers_once(people, clerks, media):
    envelope = submit(people["clerk"], groups=GROUP)
    first = fanout.fan_out(envelope.pk, enqueue=deliver_inline)
    second = fanout.fan_out(envelope.pk, enqueue=deliver_inline)
    assert (first.created, second.created) == (2, 0)
    assert second.queued == []  # nothing left queued: the rerun queues nothing
    assert Delivery.objects.filter(envelope=envelope).count() == 2
    assert set(envelope.deliveries.values_list("state", flat=True)) == {"delivered"}
    assert delivered_events(envelope) == [HULI, JIMEI]


def test_a_deliver_task_run_twice_delivers_once(people, clerks, media):
    envelope = submit(people["clerk"], recipients=[HULI])
    fanout.fan_out(envelope.pk, enqueue=lambda ids: None)  # the deliver tasks are still in the broker
    (pk,) = envelope.deliveries.values_list("pk", flat=True)
    assert [fanout.deliver(pk), fanout.deliver(pk)] == [True, False]
    assert delivered_events(envelope) == [HULI]


def test_a_worker_killed_after_creating_the_deliveries_loses_nothing(people, clerks, media):
    envelope = submit(people["clerk"], groups=GROUP)
    # The first worker verified and created the deliveries, then died before queueing them.
    assert fanout.verify_stored(envelope)
    assert fanout.create_deliveries(envelope) == 2
    assert set(envelope.deliveries.values_list("state", flat=True)) == {"queued"}
    # The broker hands the unacknowledged task (acks_late) to another worker.
    report = fanout.fan_out(envelope.pk, enqueue=deliver_inline)
    assert report.created == 0 and len(report.queued) == 2
    assert delivered_events(envelope) == [HULI, JIMEI]


def test_a_worker_killed_halfway_through_delivering_delivers_the_rest_once(people, clerks, media):
    envelope = submit(people["clerk"], groups=GROUP)
    fanout.create_deliveries(envelope)
    huli = envelope.deliveries.get(recipient__code=HULI)
    assert fanout.deliver(huli.pk)  # one delivered, then the worker died
    fanout.fan_out(envelope.pk, enqueue=deliver_inline)
    assert delivered_events(envelope) == [HULI, JIMEI]
    huli.refresh_from_db()
    assert huli.delivered_at is not None and huli.attempts == 1


def test_the_sweep_queues_lost_deliveries_again_and_counts_the_retry(people, clerks, media, settings):
    settings.OA_EXCHANGE_RETRY_AFTER_SECONDS = 120
    envelope = submit(people["clerk"], groups=GROUP)
    fanout.fan_out(envelope.pk, enqueue=lambda ids: None)  # the deliver tasks were lost
    queued = []
    now = timezone.now()
    fresh = fanout.sweep(
        now=now + timedelta(seconds=60),
        enqueue_envelope=queued.append,
        enqueue_deliveries=queued.append,
        backlog=0,
    )
    assert (fresh.envelopes, fresh.deliveries, queued) == (0, 0, [])
    late = fanout.sweep(
        now=now + timedelta(seconds=300),
        enqueue_envelope=queued.append,
        enqueue_deliveries=queued.extend,
        backlog=0,
    )
    assert late.deliveries == 2 and sorted(queued) == sorted(envelope.deliveries.values_list("pk", flat=True))
    deliver_inline(queued)
    assert delivered_events(envelope) == [HULI, JIMEI]
    assert list(envelope.deliveries.values_list("attempts", flat=True)) == [2, 2]
    assert DeliveryEvent.objects.filter(delivery__envelope=envelope, action="retried").count() == 2


def test_the_sweep_fans_out_an_envelope_whose_task_was_lost(people, clerks, media):
    envelope = submit(people["clerk"], groups=GROUP)
    queued = []
    fanout.sweep(
        now=timezone.now() + timedelta(hours=1),
        enqueue_envelope=queued.append,
        enqueue_deliveries=queued.extend,
        backlog=0,
    )
    assert queued == [envelope.pk]


def test_the_sweep_waits_while_the_workers_have_a_backlog(people, clerks, media, settings):
    # Deliveries still queued behind a long queue are waiting, not lost: queueing them again
    # would only make the queue longer (the benchmark's first run retried 10,585 that way).
    settings.OA_EXCHANGE_RETRY_AFTER_SECONDS = 120
    waiting = submit(people["clerk"], groups=GROUP)
    fanout.fan_out(waiting.pk, enqueue=lambda ids: None)
    unfanned = submit(people["clerk"], recipients=[HULI])
    queued = []
    later = timezone.now() + timedelta(seconds=300)
    busy = fanout.sweep(
        now=later, enqueue_envelope=queued.append, enqueue_deliveries=queued.extend, backlog=37
    )
    assert (busy.envelopes, busy.deliveries, busy.backlog, queued) == (0, 0, 37, [])
    assert not DeliveryEvent.objects.filter(action="retried").exists()
    assert set(waiting.deliveries.values_list("attempts", flat=True)) == {1}
    # Once the queue has drained, what is still waiting was lost, and is queued again.
    drained = fanout.sweep(
        now=later, enqueue_envelope=queued.append, enqueue_deliveries=queued.extend, backlog=0
    )
    assert (drained.envelopes, drained.deliveries) == (1, 2)
    assert unfanned.pk in queued


def test_the_backlog_is_read_from_the_broker():
    import uuid

    from config.celery import app

    name = f"test-backlog-{uuid.uuid4().hex[:8]}"
    assert fanout.broker_backlog(name) == 0  # no such queue yet: nothing waits in it
    with app.connection_for_write() as connection:
        queue = connection.SimpleQueue(name)
        try:
            for n in range(3):
                queue.put({"n": n})
            assert fanout.broker_backlog(name) == 3
            queue.get(timeout=5).ack()
            assert fanout.broker_backlog(name) == 2
        finally:
            queue.clear()
            queue.queue.delete()
            queue.close()


def test_a_recalled_delivery_is_not_delivered_by_a_late_task(people, clerks, media):
    envelope = submit(people["clerk"], recipients=[HULI])
    fanout.create_deliveries(envelope)
    (pk,) = envelope.deliveries.values_list("pk", flat=True)
    with schema_context("siming"):
        actions.do_recall_deliveries(envelope.pk, acting_user=people["clerk"])
    assert fanout.deliver(pk) is False
    assert Delivery.objects.get(pk=pk).state == "recalled"


def test_a_package_changed_at_rest_is_refused_recorded_and_never_delivered(people, clerks, media):
    envelope = submit(people["clerk"], groups=GROUP)
    path = storage.package_path(envelope.package_sha256)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    report = fanout.fan_out(envelope.pk, enqueue=deliver_inline)
    assert report.refused
    envelope.refresh_from_db()
    assert envelope.state == Envelope.State.REFUSED and not envelope.deliveries.exists()
    (refusal,) = PackageRefusal.objects.all()
    assert (refusal.stage, refusal.code, refusal.envelope_id) == (
        "fan_out",
        "package_digest_mismatch",
        envelope.pk,
    )
    fanout.fan_out(envelope.pk, enqueue=deliver_inline)  # a rerun neither delivers nor records twice
    assert PackageRefusal.objects.count() == 1 and not envelope.deliveries.exists()


def test_a_package_changed_after_delivery_cannot_be_signed_for(people, clerks, media):
    from oa.documents.models import Document

    envelope = submit(people["clerk"], recipients=[HULI])
    fanout.fan_out(envelope.pk, enqueue=deliver_inline)
    path = storage.package_path(envelope.package_sha256)
    path.write_bytes(path.read_bytes().replace(b"metadata.xml", b"metadata.xmm"))
    delivery = envelope.deliveries.get()
    with schema_context(HULI):
        with pytest.raises(ActionError) as refused:
            actions.do_sign_for_delivery(delivery.pk, acting_user=clerks["hl_clerk"])
        assert not Document.objects.filter(identifier=envelope.identifier).exists()
    assert refused.value.status == 422
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.last_error
    assert PackageRefusal.objects.get().stage == "sign_for"


def test_a_malformed_submission_is_refused_and_recorded(people, clerks, media):
    with pytest.raises(ActionError) as refused:
        submit(people["clerk"], recipients=[HULI], data=b"PK\x03\x04 this is not a zip at all" * 10)
    assert refused.value.code == "package_malformed"
    refusal = PackageRefusal.objects.get()
    assert (refusal.stage, refusal.sender_code) == ("submit", "siming")
    assert not Envelope.objects.exists()


def test_a_submission_with_an_active_attachment_is_refused_and_recorded(people, clerks, media):
    import io
    import zipfile

    from tests.exchange.conftest import submission
    from tests.oa.documents import samples

    source = zipfile.ZipFile(io.BytesIO(submission()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "document.pdf":
                content = samples.pdf(["正文"], javascript=True)
            target.writestr(name, content)
    with pytest.raises(ActionError) as refused:
        submit(people["clerk"], recipients=[HULI], data=out.getvalue())
    assert refused.value.code == "package_unsafe"
    assert PackageRefusal.objects.get().stage == "submit"
    assert not Envelope.objects.exists()


# --- concurrency, on committed rows (one connection per thread) ----------------------------------


def in_thread(fn):
    import threading

    from django.db import connections

    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")


@pytest.fixture
def committed_deliveries(db):
    """Two queued deliveries of one envelope, committed (and removed afterwards)."""
    from django.db import transaction

    def make():
        with transaction.atomic():
            sender = Party.objects.create(code="t-sender", name="并发发文单位")
            first = Party.objects.create(code="t-first", name="并发收文一")
            second = Party.objects.create(code="t-second", name="并发收文二")
            envelope = Envelope.objects.create(
                sender=sender, identifier="t-concurrency", title="并发", package_sha256="0" * 64,
                recipients=["t-first", "t-second"],
            )  # fmt: skip
            return [
                Delivery.objects.create(envelope=envelope, recipient=party).pk for party in (first, second)
            ]

    def remove():
        with transaction.atomic():
            DeliveryEvent.objects.filter(delivery__envelope__identifier="t-concurrency").delete()
            Delivery.objects.filter(envelope__identifier="t-concurrency").delete()
            Envelope.objects.filter(identifier="t-concurrency").delete()
            Party.objects.filter(code__startswith="t-").delete()

    ids = in_thread(make)
    yield ids
    in_thread(remove)


def test_two_workers_deliver_two_copies_of_one_envelope_at_once(committed_deliveries):
    """The bench found this: a delivery's lock must not take its envelope's row with it, or a
    second worker skips (SKIP LOCKED) every other copy of the same envelope."""
    import threading

    from django.db import transaction

    first, second = committed_deliveries
    holding, release = threading.Event(), threading.Event()
    results = {}

    def slow_worker():
        # Delivers the first copy and keeps its transaction open, as a busy worker would.
        from django.db import connections

        try:
            with transaction.atomic():
                results["first"] = fanout.deliver(first)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_worker)
    slow.start()
    assert holding.wait(10)
    try:
        results["second"] = in_thread(lambda: fanout.deliver(second))
    finally:
        release.set()
        slow.join()
    assert results == {"first": True, "second": True}


def test_a_batch_delivered_twice_or_overlapping_delivers_each_copy_once(people, clerks, media):
    envelope = submit(people["clerk"], groups=GROUP)
    fanout.fan_out(envelope.pk, enqueue=lambda ids: None)
    ids = list(envelope.deliveries.values_list("pk", flat=True))
    assert fanout.deliver_batch(ids[:1]) == 1
    assert fanout.deliver_batch(ids) == len(ids) - 1  # overlaps the first batch
    assert fanout.deliver_batch(ids) == 0  # the broker delivered the task again
    assert delivered_events(envelope) == [HULI, JIMEI]
