"""Sending a sealed 发文 through the hub, signing for it and returning it, recall and urge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from exchange import actions, fanout
from exchange.models import Delivery, DeliveryEvent, Envelope
from oa.core.errors import ActionError, ErrorCode
from tests.conftest import HULI, SIMING
from tests.exchange.cast import JIMEI
from tests.exchange.conftest import seal_notice


def send(people, document, *, recipients=(), groups=()):
    with schema_context(SIMING):
        result = actions.do_send_document(
            document, acting_user=people["clerk"], recipients=list(recipients), groups=list(groups)
        )
    connection.set_schema_to_public()
    return result


def fan_out_now(envelope) -> None:
    """The fan-out as the worker runs it, delivering in-line instead of through the broker."""
    fanout.fan_out(envelope.pk, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids])


def delivery_to(envelope, code) -> Delivery:
    return Delivery.objects.get(envelope=envelope, recipient__code=code)


def test_it_sends_to_a_group_and_each_member_gets_one_delivery(people, clerks, sealed):
    result = send(people, sealed, groups=["district_offices"])
    envelope = result.envelope
    assert envelope.recipients == [HULI, JIMEI]  # siming, the sender, is left out of its group
    assert envelope.title == sealed.title and envelope.doc_number == sealed.doc_number
    fan_out_now(envelope)
    envelope.refresh_from_db()
    assert envelope.state == Envelope.State.FANNED_OUT
    deliveries = list(envelope.deliveries.order_by("recipient__code"))
    assert [(d.recipient.code, d.state) for d in deliveries] == [(HULI, "delivered"), (JIMEI, "delivered")]


def test_signing_for_it_creates_the_incoming_document_with_the_same_files(people, clerks, sealed):
    from oa.documents.models import Document, DocumentFile
    from oa.documents.storage import open_blob
    from oa.workflow.models import HumanTask

    with schema_context(SIMING):
        sent_files = {
            f.sha256
            for f in sealed.files.filter(role__in=["rendered", "attachment"], removed_at__isnull=True)
        }
    envelope = send(people, sealed, recipients=[HULI]).envelope
    fan_out_now(envelope)
    delivery = delivery_to(envelope, HULI)
    with schema_context(HULI):
        signed, document = actions.do_sign_for_delivery(delivery.pk, acting_user=clerks["hl_clerk"])
        assert document.direction == "incoming" and document.identifier == sealed.identifier
        assert document.doc_number == sealed.doc_number and document.source_agency == "思明区政府办公室"
        assert document.title == sealed.title and document.main_recipients == sealed.main_recipients
        files = document.files.filter(removed_at__isnull=True)
        assert {f.sha256 for f in files} == sent_files
        assert document.body_file.role == DocumentFile.Role.RENDERED
        assert [f.name for f in files.filter(role="attachment")] == ["检查表.docx", "名单.pdf"]
        with open_blob(document.body_file.sha256) as stream:
            assert stream.read(5) == b"%PDF-"
        # 签收 is done by the clerk; the 收文 flow waits at 登记.
        done = HumanTask.objects.filter(instance_id=document.process_instance_id, state="completed")
        assert list(done.values_list("element_id", "completed_by__username")) == [
            ("Task_Acknowledge", "hl_clerk")
        ]
        assert document.step == "登记"
        assert document.extra["exchange"]["delivery"] == delivery.pk
        assert Document.objects.filter(identifier=sealed.identifier).count() == 1
    connection.set_schema_to_public()
    signed.refresh_from_db()
    assert (signed.state, signed.signed_by_name, signed.incoming_document_id) == (
        "signed_for",
        "湖里文书",
        document.pk,
    )
    assert list(signed.events.values_list("action", flat=True)) == ["delivered", "signed_for"]


def test_signing_for_it_twice_is_refused_and_makes_one_document(people, clerks, sealed):
    envelope = send(people, sealed, recipients=[HULI]).envelope
    fan_out_now(envelope)
    delivery = delivery_to(envelope, HULI)
    with schema_context(HULI):
        actions.do_sign_for_delivery(delivery.pk, acting_user=clerks["hl_clerk"])
        with pytest.raises(ActionError) as refused:
            actions.do_sign_for_delivery(delivery.pk, acting_user=clerks["hl_clerk"])
        from oa.documents.models import Document

        assert Document.objects.filter(identifier=sealed.identifier).count() == 1
    assert refused.value.code == ErrorCode.STATE


def test_returning_needs_a_reason_and_the_sender_sees_it(people, clerks, sealed):
    envelope = send(people, sealed, groups=["district_offices"]).envelope
    fan_out_now(envelope)
    delivery = delivery_to(envelope, JIMEI)
    with schema_context(JIMEI):
        with pytest.raises(ActionError) as refused:
            actions.do_return_delivery(delivery.pk, acting_user=clerks["jm_clerk"], reason="  ")
        assert refused.value.field == "reason"
        actions.do_return_delivery(
            delivery.pk, acting_user=clerks["jm_clerk"], reason="非我单位主管事项，请改送市应急局。"
        )
    connection.set_schema_to_public()
    delivery.refresh_from_db()
    assert delivery.state == "returned" and delivery.return_reason == "非我单位主管事项，请改送市应急局。"
    assert delivery.returned_by_name == "集美文书"


def test_a_recipient_cannot_act_on_another_recipients_delivery(people, clerks, sealed):
    envelope = send(people, sealed, groups=["district_offices"]).envelope
    fan_out_now(envelope)
    jimei_delivery = delivery_to(envelope, JIMEI)
    with schema_context(HULI):
        for act in (
            lambda: actions.do_sign_for_delivery(jimei_delivery.pk, acting_user=clerks["hl_clerk"]),
            lambda: actions.do_return_delivery(
                jimei_delivery.pk, acting_user=clerks["hl_clerk"], reason="不是我的"
            ),
        ):
            with pytest.raises(ActionError) as refused:
                act()
            assert refused.value.status == 404
    jimei_delivery.refresh_from_db()
    assert jimei_delivery.state == "delivered"


def test_signing_for_needs_the_receive_permission(people, clerks, sealed):
    envelope = send(people, sealed, recipients=[HULI]).envelope
    fan_out_now(envelope)
    with schema_context(HULI), pytest.raises(ActionError) as refused:
        actions.do_sign_for_delivery(delivery_to(envelope, HULI).pk, acting_user=clerks["hl_staff"])
    assert refused.value.status == 403


def test_the_sender_recalls_before_signing_and_the_recipient_can_no_longer_sign(people, clerks, sealed):
    envelope = send(people, sealed, groups=["district_offices"]).envelope
    fan_out_now(envelope)
    huli, jimei = delivery_to(envelope, HULI), delivery_to(envelope, JIMEI)
    with schema_context(HULI):
        actions.do_sign_for_delivery(huli.pk, acting_user=clerks["hl_clerk"])
    with schema_context(SIMING):
        with pytest.raises(ActionError) as refused:  # signed for: too late to recall
            actions.do_recall_deliveries(envelope.pk, acting_user=people["clerk"], delivery_ids=[huli.pk])
        assert refused.value.code == ErrorCode.STATE
        recalled = actions.do_recall_deliveries(
            envelope.pk, acting_user=people["clerk"], reason="文号有误，重新印发"
        )
    assert [d.pk for d in recalled] == [jimei.pk]
    with schema_context(JIMEI), pytest.raises(ActionError) as refused:
        actions.do_sign_for_delivery(jimei.pk, acting_user=clerks["jm_clerk"])
    assert refused.value.detail == "发文单位已撤回这份来文。"


def test_urging_reminds_the_unsigned_once_in_a_while(people, clerks, sealed):
    envelope = send(people, sealed, groups=["district_offices"]).envelope
    fan_out_now(envelope)
    with schema_context(HULI):
        actions.do_sign_for_delivery(delivery_to(envelope, HULI).pk, acting_user=clerks["hl_clerk"])
    now = timezone.now()
    with schema_context(SIMING):
        urged = actions.do_urge_deliveries(envelope.pk, acting_user=people["clerk"], now=now)
        assert [d.recipient.code for d in urged] == [JIMEI]
        with pytest.raises(ActionError) as refused:
            actions.do_urge_deliveries(
                envelope.pk, acting_user=people["clerk"], now=now + timedelta(minutes=1)
            )
        assert refused.value.code == ErrorCode.THROTTLED
        actions.do_urge_deliveries(envelope.pk, acting_user=people["clerk"], now=now + timedelta(minutes=6))
    jimei = delivery_to(envelope, JIMEI)
    assert jimei.urge_count == 2
    assert DeliveryEvent.objects.filter(delivery=jimei, action="urged").count() == 2


def test_another_unit_cannot_recall_or_urge_what_it_did_not_send(people, clerks, sealed):
    envelope = send(people, sealed, recipients=[HULI]).envelope
    fan_out_now(envelope)
    with schema_context(HULI):
        for act in (actions.do_recall_deliveries, actions.do_urge_deliveries):
            with pytest.raises(ActionError) as refused:
                act(envelope.pk, acting_user=clerks["hl_clerk"])
            assert refused.value.status == 404


def test_a_document_is_sent_only_once_to_each_unit(people, clerks, sealed):
    first = send(people, sealed, recipients=[HULI]).envelope
    fan_out_now(first)
    second = send(people, sealed, groups=["district_offices"])
    assert second.skipped == [HULI] and second.envelope.recipients == [JIMEI]
    with pytest.raises(ActionError) as refused:
        send(people, sealed, recipients=[HULI, JIMEI])
    assert refused.value.code == ErrorCode.DUPLICATE


def test_after_a_return_it_may_be_sent_again(people, clerks, sealed):
    first = send(people, sealed, recipients=[HULI]).envelope
    fan_out_now(first)
    with schema_context(HULI):
        actions.do_return_delivery(
            delivery_to(first, HULI).pk, acting_user=clerks["hl_clerk"], reason="附件缺页"
        )
    again = send(people, sealed, recipients=[HULI]).envelope
    assert again.recipients == [HULI]


def test_only_a_sealed_document_at_dispatch_can_be_sent(people, clerks, media):
    from oa.documents import actions as documents
    from tests.exchange.conftest import NOTICE

    with schema_context(SIMING):
        draft = documents.do_create_outgoing(acting_user=people["clerk"], fields=NOTICE)
        with pytest.raises(ActionError) as refused:
            actions.do_send_document(draft, acting_user=people["clerk"], recipients=[HULI])
    assert refused.value.code == ErrorCode.STATE


def test_sending_needs_the_dispatch_permission(people, clerks, sealed):
    with schema_context(SIMING), pytest.raises(ActionError) as refused:
        actions.do_send_document(sealed, acting_user=people["auditor"], recipients=[HULI])
    assert refused.value.status == 403


def test_unknown_recipients_and_the_sender_itself_are_refused(people, clerks, sealed):
    for recipients, groups in (([SIMING], []), (["nowhere"], []), ([], ["no_such_group"]), ([], [])):
        with pytest.raises(ActionError):
            send(people, sealed, recipients=recipients, groups=groups)
    assert not Envelope.objects.exists()


def test_it_may_still_be_sent_after_dispatch_is_done(people, clerks, media):
    document = seal_notice(people)
    with schema_context(SIMING):
        from tests.oa.documents.conftest import complete

        complete(document, "Task_Dispatch", people)
    envelope = send(people, document, recipients=[JIMEI]).envelope
    assert envelope.recipients == [JIMEI]
