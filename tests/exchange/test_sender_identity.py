"""The sender of an exchange package is the authenticated unit, never what the package's
metadata.xml says (issue 19 item 3): huli cannot send as 思明, by the package API, by a package
signed with its own key that names another unit, or through the gateway; and what a recipient
is shown as 发文机关 comes from the hub's directory."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from exchange import actions, fanout, gateway, keys, storage
from exchange.models import Delivery, Envelope, PackageRefusal, Party
from exchange.package import RENDERED, Metadata, build_package, metadata_xml, plan_files
from oa.core.errors import ActionError
from tests.conftest import HULI, SIMING, HostClient
from tests.exchange.test_gateway import OtherNetwork
from tests.oa.documents import samples

FORGED = "关于调整思明区防汛责任人的通知"


def forged_submission(*, agency_name: str = "", agency_code: str = "", title: str = FORGED) -> bytes:
    """An unsigned package from huli's own system whose metadata.xml names `agency_*`."""
    meta = Metadata(
        identifier=uuid.uuid4().hex,
        title=title,
        doc_type="通知",
        doc_number="思政办〔2026〕99号",
        agency_name=agency_name,
        agency_code=agency_code,
        main_recipients="各区人民政府办公室",
        files=plan_files("思政办〔2026〕99号.pdf", []),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.xml", metadata_xml(meta))
        archive.writestr(RENDERED, samples.pdf([title]))
    return out.getvalue()


def submit_as_huli(user, data: bytes):
    with schema_context(HULI):
        result = actions.do_submit_package(data, acting_user=user, recipients=[SIMING])
    connection.set_schema_to_public()
    return result.envelope


def deliver(envelope) -> Delivery:
    fanout.fan_out(envelope.pk, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids])
    return Delivery.objects.get(envelope=envelope, recipient__code=SIMING)


@pytest.mark.parametrize(
    ("name", "code", "names"),
    [
        ("思明区政府办公室", "siming", "siming"),  # the reproducer
        ("", "siming", "siming"),
        ("思明区政府办公室", "", "思明区政府办公室"),
        ("湖里区政府办公室", "siming", "siming"),
    ],
)
def test_huli_cannot_submit_a_package_naming_siming(people, clerks, media, name, code, names):
    with pytest.raises(ActionError) as caught:
        submit_as_huli(clerks["hl_clerk"], forged_submission(agency_name=name, agency_code=code))
    assert caught.value.code == "package_sender_mismatch" and caught.value.field == "package"
    assert names in caught.value.detail and "本单位" in caught.value.detail
    assert not Envelope.objects.filter(title=FORGED).exists()
    refusal = PackageRefusal.objects.get(code="package_sender_mismatch")
    assert (refusal.stage, refusal.sender_code) == ("submit", HULI)


def test_a_package_naming_no_agency_is_sent_as_the_submitting_unit(people, clerks, media):
    envelope = submit_as_huli(clerks["hl_clerk"], forged_submission())
    assert envelope.sender.code == HULI
    delivery = deliver(envelope)
    with schema_context(SIMING):
        package = actions.verified_package_of(delivery)
        assert (package.metadata.agency_name, package.metadata.agency_code) == ("湖里区政府办公室", HULI)
        _signed, document = actions.do_sign_for_delivery(delivery.pk, acting_user=people["clerk"])
        assert document.source_agency == "湖里区政府办公室"
    connection.set_schema_to_public()


def test_the_package_api_refuses_huli_sending_as_siming(people, clerks, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = HostClient(HULI).login_as("hl_clerk")
    data = forged_submission(agency_name="思明区政府办公室", agency_code="siming")
    response = client.post(
        "/api/exchange/packages/",
        {
            "package": SimpleUploadedFile("p.zip", data, content_type="application/zip"),
            "recipients": [SIMING],
        },
        format="multipart",
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "package_sender_mismatch" and body["field"] == "package"
    assert not Envelope.objects.filter(title=FORGED).exists()


def _signed_by_huli(*, agency_name: str, agency_code: str) -> Envelope:
    """A package signed with huli's own key (as a hub before this fix would have signed it) that
    names another unit in metadata.xml, stored and enveloped to siming."""
    sender = Party.objects.get(code=HULI)
    key_id, private = keys.signing_key_for(sender)
    meta = Metadata(
        identifier=uuid.uuid4().hex,
        title=FORGED,
        doc_type="通知",
        agency_name=agency_name,
        agency_code=agency_code,
        files=plan_files("正文.pdf", []),
    )
    built = build_package(
        meta, {RENDERED: samples.pdf([FORGED])}, sender_code=HULI, sender_name=sender.name,
        key_id=key_id, private_key=private,
    )  # fmt: skip
    storage.store_package(built.data)
    return Envelope.objects.create(
        package_id=built.package_id, kind=meta.kind, origin=Envelope.Origin.API, sender=sender,
        identifier=meta.identifier, title=meta.title, doc_type=meta.doc_type,
        package_sha256=built.sha256, package_size=len(built.data), recipients=[SIMING],
    )  # fmt: skip


def test_a_signed_package_whose_metadata_names_another_unit_code_never_reaches_the_recipient(
    people, clerks, media
):
    from exchange.directory import sync_platform_units

    sync_platform_units()
    envelope = _signed_by_huli(agency_name="思明区政府办公室", agency_code="siming")
    fanout.fan_out(envelope.pk, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids])
    envelope.refresh_from_db()
    assert envelope.state == Envelope.State.REFUSED
    refusal = PackageRefusal.objects.get(envelope=envelope)
    assert (refusal.stage, refusal.code) == ("fan_out", "package_sender_mismatch")
    client = HostClient(SIMING).login_as("clerk")
    assert client.get("/api/exchange/inbox/").json()["results"] == []
    # Had it been delivered (a delivery made before the check existed), it is refused on reading.
    delivery = Delivery.objects.create(
        envelope=envelope, recipient=Party.objects.get(code=SIMING), state=Delivery.State.DELIVERED
    )
    detail = client.get(f"/api/exchange/inbox/{delivery.pk}/")
    assert detail.status_code == 422 and detail.json()["code"] == "package_sender_mismatch"
    signed = client.post(f"/api/exchange/inbox/{delivery.pk}/sign/", format="json")
    assert signed.status_code == 422 and signed.json()["code"] == "package_sender_mismatch"
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.incoming_document_id is None


def test_the_recipient_never_sees_the_packages_own_agency_name(people, clerks, media):
    from exchange.directory import sync_platform_units

    sync_platform_units()
    delivery = deliver(_signed_by_huli(agency_name="思明区政府办公室", agency_code=""))
    client = HostClient(SIMING).login_as("clerk")
    (item,) = client.get("/api/exchange/inbox/").json()["results"]
    assert (item["sender"]["code"], item["sender"]["name"]) == (HULI, "湖里区政府办公室")
    detail = client.get(f"/api/exchange/inbox/{delivery.pk}/").json()
    assert detail["metadata"]["agency_name"] == "湖里区政府办公室"
    signed = client.post(f"/api/exchange/inbox/{delivery.pk}/sign/", format="json")
    assert signed.status_code == 201, signed.content
    with schema_context(SIMING):
        from oa.documents.models import Document

        document = Document.objects.get(pk=signed.json()["document"])
        assert document.source_agency == "湖里区政府办公室"
        assert "思明" not in document.source_agency
    connection.set_schema_to_public()


def test_the_portal_send_writes_the_hubs_name_of_the_unit(people, clerks, sealed):
    from oa.documents.models import Document

    with schema_context(SIMING):
        # Whatever the document row says (here: another unit's name), the package names siming.
        Document.objects.filter(pk=sealed.pk).update(agency_name="湖里区政府办公室")
        sealed.refresh_from_db()
        result = actions.do_send_document(sealed, acting_user=people["clerk"], recipients=[HULI])
    connection.set_schema_to_public()
    from exchange.package import verify_package

    package = verify_package(storage.read_package(result.envelope.package_sha256))
    assert (package.metadata.agency_name, package.metadata.agency_code) == ("思明区政府办公室", SIMING)


@pytest.mark.parametrize(
    ("name", "code"), [("思明区政府办公室", ""), ("中共厦门市委办公厅", "siming"), ("", "siming")]
)
def test_a_gateway_package_naming_a_unit_other_than_its_sender_is_refused(clerks, media, name, code):
    peer = OtherNetwork()
    peer.trust()
    meta = Metadata(
        identifier=uuid.uuid4().hex,
        title=FORGED,
        doc_type="通知",
        agency_name=name,
        agency_code=code,
        files=plan_files("正文.pdf", []),
    )
    built = build_package(
        meta, {RENDERED: samples.pdf([FORGED])}, sender_code="nwcity", sender_name="中共厦门市委办公厅",
        key_id=peer.unit_key_id, private_key=peer.unit_key,
    )  # fmt: skip
    report = gateway.import_bundle(peer.bundle([built]))
    assert (report.packages, report.delivered, report.refused) == (1, 0, 1)
    assert not Envelope.objects.filter(package_id=built.package_id).exists()
    assert PackageRefusal.objects.filter(stage="gateway", code="package_sender_mismatch").count() == 1
