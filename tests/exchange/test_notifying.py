"""The hub's notifications: a delivered copy tells the receiving unit's clerks; a 签收 or a
退回 tells whoever sent it, in the sending unit."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context

from exchange import actions, fanout
from oa.notifications.models import Notification
from tests.conftest import HULI, SIMING
from tests.exchange.cast import JIMEI
from tests.exchange.conftest import submit
from tests.exchange.test_actions import delivery_to, fan_out_now


def notes(code: str, user, kind: str) -> list[Notification]:
    with schema_context(code):
        rows = list(Notification.objects.filter(recipient_id=user.pk, kind=kind))
    connection.set_schema_to_public()
    return rows


def test_a_delivery_tells_the_receiving_units_clerks_only(people, clerks, media):
    envelope = submit(people["clerk"], recipients=[HULI, JIMEI])
    fan_out_now(envelope)
    (huli,) = notes(HULI, clerks["hl_clerk"], "exchange.delivered")
    assert huli.title == f"来文：{envelope.title}" and "思明区政府办公室" in huli.body
    assert huli.link == "/portal/exchange" and huli.source_id == str(delivery_to(envelope, HULI).pk)
    assert len(notes(JIMEI, clerks["jm_clerk"], "exchange.delivered")) == 1
    # A colleague without the receive role hears nothing.
    assert notes(HULI, clerks["hl_staff"], "exchange.delivered") == []


def test_delivering_the_same_copy_again_notifies_once(people, clerks, media):
    envelope = submit(people["clerk"], recipients=[HULI])
    fan_out_now(envelope)
    delivery = delivery_to(envelope, HULI)
    assert fanout.deliver(delivery.pk) is False
    assert len(notes(HULI, clerks["hl_clerk"], "exchange.delivered")) == 1


def test_signing_for_it_sends_a_receipt_to_the_sender(people, clerks, media):
    envelope = submit(people["clerk"], recipients=[HULI])
    fan_out_now(envelope)
    with schema_context(HULI):
        actions.do_sign_for_delivery(delivery_to(envelope, HULI).pk, acting_user=clerks["hl_clerk"])
    connection.set_schema_to_public()
    (receipt,) = notes(SIMING, people["clerk"], "exchange.receipt")
    assert receipt.title == f"已签收：{envelope.title}" and "湖里文书" in receipt.body
    assert receipt.link == f"/portal/exchange/sent/{envelope.pk}"


def test_a_return_sends_the_reason_to_the_sender(people, clerks, media):
    envelope = submit(people["clerk"], recipients=[JIMEI])
    fan_out_now(envelope)
    with schema_context(JIMEI):
        actions.do_return_delivery(
            delivery_to(envelope, JIMEI).pk, acting_user=clerks["jm_clerk"], reason="请改送市应急局"
        )
    connection.set_schema_to_public()
    (receipt,) = notes(SIMING, people["clerk"], "exchange.receipt")
    assert receipt.title.startswith("被退回") and "请改送市应急局" in receipt.body
