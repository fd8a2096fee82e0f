"""Gateway bundles to and from the other network: exported once, imported once, verified at both
levels (the bundle's gateway signature, each package's sender signature), receipts and recalls
carried back, and a replayed bundle harmless.

The other network's deployment is played by the test: its gateway key and its unit's signing key
are generated here, and its bundles are written with the same builder the exporter uses."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from django_tenants.utils import schema_context

from exchange import actions, fanout, gateway, keys
from exchange.models import Delivery, DeliveryEvent, Envelope, GatewayBundle, PackageRefusal, Party
from exchange.package import Metadata, build_package, plan_files, verify_package
from tests.conftest import HULI, SIMING
from tests.exchange.cast import JIMEI
from tests.exchange.conftest import submit
from tests.oa.documents import samples

PEER = "intranet"


class OtherNetwork:
    """The 政务内网 deployment: its gateway key (trusted here) and its unit 市委办公厅 (nwcity)."""

    def __init__(self):
        self.gateway_key = Ed25519PrivateKey.generate()
        self.gateway_key_id = keys.key_id_of(keys.public_raw(self.gateway_key))
        self.unit_key = Ed25519PrivateKey.generate()
        self.unit_key_id = keys.key_id_of(keys.public_raw(self.unit_key))

    def trust(self):
        keys.trust_gateway(PEER, keys.b64(keys.public_raw(self.gateway_key)))

    def package(self, title="关于开展保密检查的通知", *, sender="nwcity", key=None):
        meta = Metadata(
            identifier=uuid.uuid4().hex,
            title=title,
            doc_type="通知",
            doc_number="厦委办〔2026〕21号",
            agency_name="中共厦门市委办公厅",
            files=plan_files("厦委办〔2026〕21号.pdf", []),
        )
        built = build_package(
            meta,
            {"document.pdf": samples.pdf([title])},
            sender_code=sender,
            sender_name="中共厦门市委办公厅",
            key_id=self.unit_key_id,
            private_key=key or self.unit_key,
        )
        return built

    def bundle(self, packages=(), notices=(), *, recipients=(HULI, JIMEI), sign_with=None):
        entries = [
            gateway.BundlePackage(
                package_id=p.package_id,
                data=p.data,
                sender_code="nwcity",
                sender_name="中共厦门市委办公厅",
                sender_key_id=self.unit_key_id,
                sender_public_key=keys.b64(keys.public_raw(self.unit_key)),
                recipients=list(recipients),
            )
            for p in packages
        ]
        return gateway.build_bundle(
            entries,
            list(notices),
            from_network=PEER,
            to_network="extranet",
            key_id=self.gateway_key_id,
            private_key=sign_with or self.gateway_key,
        )[1]


@pytest.fixture
def peer(db):
    other = OtherNetwork()
    other.trust()
    return other


def body_replaced(data: bytes) -> bytes:
    """The package with its document.pdf swapped for another PDF after it was signed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(
                info.filename, samples.pdf(["伪造的正文"]) if info.filename == "document.pdf" else content
            )
    return out.getvalue()


def test_a_bundle_from_the_other_network_is_delivered_once_and_a_replay_adds_nothing(peer, clerks, media):
    package = peer.package()
    data = peer.bundle([package])
    first = gateway.import_bundle(data)
    assert (first.packages, first.delivered, first.duplicates, first.refused) == (1, 2, 0, 0)
    envelope = Envelope.objects.get(package_id=package.package_id)
    assert envelope.origin == "gateway" and envelope.sender.code == "nwcity"
    assert envelope.sender.network == PEER and envelope.sender.unit_id is None
    assert sorted(envelope.deliveries.values_list("recipient__code", "state")) == [
        (HULI, "delivered"),
        (JIMEI, "delivered"),
    ]
    replay = gateway.import_bundle(data)
    assert (replay.delivered, replay.duplicates) == (0, 2)
    assert envelope.deliveries.count() == 2
    assert DeliveryEvent.objects.filter(delivery__envelope=envelope, action="delivered").count() == 2
    assert GatewayBundle.objects.filter(direction="import").count() == 2


def test_an_imported_package_is_signed_for_and_the_receipts_go_back(peer, clerks, media):
    package = peer.package()
    gateway.import_bundle(peer.bundle([package]))
    huli = Delivery.objects.get(envelope__package_id=package.package_id, recipient__code=HULI)
    with schema_context(HULI):
        _delivery, document = actions.do_sign_for_delivery(huli.pk, acting_user=clerks["hl_clerk"])
        assert document.source_agency == "中共厦门市委办公厅"
    written = {}
    result = gateway.export_bundle(PEER, write=lambda bundle_id, data: written.update({bundle_id: data}))
    assert (result.packages, result.notices) == (0, 2)
    (data,) = written.values()
    notices = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("bundle.json"))["notices"]
    assert sorted((n["recipient"], n["kind"], n["actor"]) for n in notices) == [
        (HULI, "signed_for", "湖里文书"),
        (JIMEI, "delivered", ""),
    ]
    # Each receipt travels once.
    assert gateway.export_bundle(PEER, write=lambda *_: None).bundle is None


def test_a_tampered_package_in_a_bundle_is_refused_and_recorded_the_rest_imported(peer, clerks, media):
    good = peer.package("关于开展保密检查的通知")
    forged = peer.package("关于调整办公时间的通知")
    forged.data = body_replaced(forged.data)
    report = gateway.import_bundle(peer.bundle([good, forged]))
    assert (report.packages, report.delivered, report.refused) == (2, 2, 1)
    assert not Envelope.objects.filter(package_id=forged.package_id).exists()
    refusal = PackageRefusal.objects.get()
    assert (refusal.stage, refusal.code, refusal.sender_code) == (
        "gateway",
        "package_digest_mismatch",
        "nwcity",
    )


def test_a_bundle_from_an_untrusted_gateway_is_refused_whole(clerks, media):
    stranger = OtherNetwork()  # not trusted
    with pytest.raises(gateway.BundleRefused):
        gateway.import_bundle(stranger.bundle([stranger.package()]))
    assert not Envelope.objects.exists()
    assert PackageRefusal.objects.get().stage == "gateway"


def test_a_bundle_changed_after_signing_is_refused(peer, clerks, media):
    data = peer.bundle([peer.package()])
    source = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(source.read("bundle.json"))
    manifest["packages"][0]["recipients"] = [HULI, JIMEI, SIMING]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, json.dumps(manifest) if name == "bundle.json" else source.read(name))
    with pytest.raises(gateway.BundleRefused) as refused:
        gateway.import_bundle(out.getvalue())
    assert "签名" in refused.value.detail
    assert not Envelope.objects.exists()


def test_a_foreign_package_claiming_a_local_sender_is_refused(peer, clerks, media):
    package = peer.package(sender=SIMING)
    entry_bundle = gateway.build_bundle(
        [
            gateway.BundlePackage(
                package_id=package.package_id,
                data=package.data,
                sender_code=SIMING,
                sender_name="思明区政府办公室",
                sender_key_id=peer.unit_key_id,
                sender_public_key=keys.b64(keys.public_raw(peer.unit_key)),
                recipients=[HULI],
            )
        ],
        [],
        from_network=PEER,
        to_network="extranet",
        key_id=peer.gateway_key_id,
        private_key=peer.gateway_key,
    )[1]
    report = gateway.import_bundle(entry_bundle)
    assert report.refused == 1 and report.delivered == 0
    assert PackageRefusal.objects.get().code == "package_sender_mismatch"


def test_deliveries_to_the_other_network_are_exported_once_and_receipts_come_back(
    peer, people, clerks, media
):
    Party.objects.create(code="nwoffice", name="内网市委办公厅", network=PEER)
    envelope = submit(people["clerk"], recipients=[HULI, "nwoffice"])
    fanout.fan_out(envelope.pk, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids])
    written = {}
    result = gateway.export_bundle(PEER, write=lambda bundle_id, data: written.update({bundle_id: data}))
    assert (result.packages, result.notices) == (1, 0)
    ((_bundle_id, data),) = written.items()
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest_bytes = archive.read("bundle.json")
    manifest = json.loads(manifest_bytes)
    signature = json.loads(archive.read("signature.json"))
    own_id, own_key = keys.own_gateway_key()
    assert signature["key_id"] == own_id
    assert keys.verify(own_key.public_key(), keys.unb64(signature["signature"]), manifest_bytes)
    (entry,) = manifest["packages"]
    assert entry["recipients"] == ["nwoffice"] and entry["sender"]["code"] == SIMING
    # The package inside verifies on the other side with the key the bundle carries.
    sender_key = keys.Ed25519PublicKey.from_public_bytes(keys.unb64(entry["sender"]["public_key"]))
    package = verify_package(archive.read(entry["file"]), resolve_key=lambda key_id: (SIMING, sender_key))
    assert package.package_id == envelope.package_id
    remote = envelope.deliveries.get(recipient__code="nwoffice")
    assert remote.state == "queued" and remote.exported_at is not None
    assert gateway.export_bundle(PEER, write=lambda *_: None).bundle is None  # exported once

    # The other side signs for it; its receipt arrives in its next bundle (twice: a replay).
    receipt = gateway.Notice(
        kind="signed_for",
        package_id=envelope.package_id,
        recipient="nwoffice",
        at=timezone.now().isoformat(),
        actor="内网文书",
    )
    data = peer.bundle(notices=[receipt])
    assert gateway.import_bundle(data).notices_applied == 1
    assert gateway.import_bundle(data).notices_ignored == 1
    remote.refresh_from_db()
    assert (remote.state, remote.signed_by_name) == ("signed_for", "内网文书")
    assert remote.events.filter(action="signed_for").count() == 1


def test_a_recall_after_export_travels_in_the_next_bundle(peer, people, clerks, media):
    Party.objects.create(code="nwoffice", name="内网市委办公厅", network=PEER)
    envelope = submit(people["clerk"], recipients=["nwoffice"])
    fanout.fan_out(envelope.pk, enqueue=lambda ids: None)
    gateway.export_bundle(PEER, write=lambda *_: None)
    with schema_context(SIMING):
        actions.do_recall_deliveries(envelope.pk, acting_user=people["clerk"], reason="重新印发")
    written = {}
    result = gateway.export_bundle(PEER, write=lambda bundle_id, data: written.update({bundle_id: data}))
    assert (result.packages, result.notices) == (0, 1)
    (notice,) = json.loads(zipfile.ZipFile(io.BytesIO(next(iter(written.values())))).read("bundle.json"))[
        "notices"
    ]
    assert (notice["kind"], notice["recipient"], notice["reason"]) == ("recalled", "nwoffice", "重新印发")


def test_a_recall_from_the_other_network_takes_back_an_unsigned_delivery(peer, clerks, media):
    package = peer.package()
    gateway.import_bundle(peer.bundle([package]))
    recall = gateway.Notice(
        kind="recalled",
        package_id=package.package_id,
        recipient=JIMEI,
        at=timezone.now().isoformat(),
        reason="撤回",
    )
    gateway.import_bundle(peer.bundle(notices=[recall]))
    states = dict(
        Delivery.objects.filter(envelope__package_id=package.package_id).values_list(
            "recipient__code", "state"
        )
    )
    assert states == {HULI: "delivered", JIMEI: "recalled"}


def test_the_command_pair_writes_and_reads_bundle_files(peer, people, clerks, media, tmp_path):
    from django.core.management import call_command

    Party.objects.create(code="nwoffice", name="内网市委办公厅", network=PEER)
    envelope = submit(people["clerk"], recipients=["nwoffice"])
    fanout.fan_out(envelope.pk, enqueue=lambda ids: None)
    out = io.StringIO()
    call_command("exchange_export_bundle", PEER, "--out", str(tmp_path / "outbox"), stdout=out)
    (written,) = (tmp_path / "outbox").glob("*.bundle.zip")
    assert "1 packages" in out.getvalue()

    inbox = tmp_path / "inbox.bundle.zip"
    inbox.write_bytes(peer.bundle([peer.package()]))
    for expected in ("2 new deliveries", "0 new deliveries, 2 already delivered"):
        out = io.StringIO()
        call_command("exchange_import_bundle", str(inbox), stdout=out)
        assert expected in out.getvalue()
    assert written.stat().st_size > 0
