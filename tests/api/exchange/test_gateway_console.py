"""网关交换 on the console: the provider trusts the other network's gateway, exports what waits
for it as a signed bundle (downloaded again at will) and imports its bundles, each package
verified and delivered once.

The other network's deployment is played by the test (tests/exchange/test_gateway.py's
OtherNetwork): it reads the bundles this side exports with this side's public key as the console
shows it, and answers with bundles of its own."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from exchange import fanout, gateway, keys
from exchange.models import Envelope, GatewayBundle, GatewayKey, PackageRefusal, Party
from exchange.package import verify_package
from oa.core.models import AuditEvent
from tests.conftest import HULI, SIMING
from tests.exchange.cast import JIMEI
from tests.exchange.conftest import submit
from tests.exchange.test_gateway import PEER, OtherNetwork, body_replaced, peer  # noqa: F401 (fixture)


def upload(client, data: bytes, name: str = "in.bundle.zip"):
    return client.post(
        "/api/exchange/gateway/import/",
        {"bundle": SimpleUploadedFile(name, data, content_type="application/zip")},
        format="multipart",
    )


def public_text(private) -> str:
    return keys.b64(keys.public_raw(private))


def test_export_and_import_round_trip_with_the_other_network(provider, people, clerks, media):
    other = OtherNetwork()  # trusted through the console below
    overview = provider.get("/api/exchange/gateway/").json()
    assert overview["network"] == "extranet" and overview["trusted"] == []
    own_key = keys.Ed25519PublicKey.from_public_bytes(keys.unb64(overview["public_key"]))
    assert keys.key_id_of(keys.unb64(overview["public_key"])) == overview["key_id"]
    assert overview["fingerprint"].replace(" ", "") == overview["key_id"][:16].upper()

    trusted = provider.post(
        "/api/exchange/gateway/trust/",
        {"network": PEER, "public_key": public_text(other.gateway_key)},
        format="json",
    )
    assert trusted.status_code == 201, trusted.content
    assert trusted.json()["key_id"] == other.gateway_key_id
    again = provider.post(
        "/api/exchange/gateway/trust/",
        {"network": PEER, "public_key": public_text(other.gateway_key)},
        format="json",
    )
    assert again.status_code == 200 and GatewayKey.objects.filter(own=False).count() == 1
    assert AuditEvent.objects.filter(action="exchange.gateway_trusted").count() == 1

    # A send from 思明 reaches 湖里 on the platform and waits for the gateway for 内网市委办公厅.
    Party.objects.create(code="nwoffice", name="内网市委办公厅", network=PEER)
    envelope = submit(people["clerk"], recipients=[HULI, "nwoffice"])
    fanout.fan_out(envelope.pk, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids])
    (waiting,) = provider.get("/api/exchange/gateway/").json()["peers"]
    assert (
        waiting
        | {
            "network": PEER,
            "trusted": True,
            "waiting_deliveries": 1,
            "waiting_packages": 1,
            "waiting_notices": 0,
            "last_export_at": None,
        }
        == waiting
    )

    exported = provider.post("/api/exchange/gateway/export/", {"network": PEER}, format="json")
    assert exported.status_code == 201, exported.content
    row = exported.json()
    assert (row["direction"], row["network"], row["packages"], row["notices"], row["file_available"]) == (
        "export",
        PEER,
        1,
        0,
        True,
    )
    file = provider.get(f"/api/exchange/gateway/bundles/{row['id']}/file/")
    assert file.status_code == 200 and file["X-Content-Type-Options"] == "nosniff"
    assert file["Content-Disposition"] == f"attachment; filename={row['bundle_id']}.bundle.zip"
    assert (media / "exchange" / "gateway" / "outbox" / f"{row['bundle_id']}.bundle.zip").is_file()

    # Over there: the bundle verifies with the key the console showed, and so does the package.
    archive = zipfile.ZipFile(io.BytesIO(file.content))
    manifest_bytes = archive.read("bundle.json")
    signature = json.loads(archive.read("signature.json"))
    assert keys.verify(own_key, keys.unb64(signature["signature"]), manifest_bytes)
    (entry,) = json.loads(manifest_bytes)["packages"]
    assert entry["recipients"] == ["nwoffice"]
    sender_key = keys.Ed25519PublicKey.from_public_bytes(keys.unb64(entry["sender"]["public_key"]))
    package = verify_package(archive.read(entry["file"]), resolve_key=lambda key_id: (SIMING, sender_key))
    assert package.package_id == envelope.package_id
    assert provider.get("/api/exchange/gateway/").json()["peers"][0]["waiting_deliveries"] == 0

    # It signs for it and sends a document of its own to 湖里 and 集美: one bundle back.
    receipt = gateway.Notice(
        kind="signed_for",
        package_id=envelope.package_id,
        recipient="nwoffice",
        at=timezone.now().isoformat(),
        actor="内网文书",
    )
    answer = other.bundle([other.package()], notices=[receipt])
    imported = upload(provider, answer)
    assert imported.status_code == 201, imported.content
    report = imported.json()
    assert {k: report[k] for k in ("network", "packages", "delivered", "duplicates", "refused")} == {
        "network": PEER,
        "packages": 1,
        "delivered": 2,
        "duplicates": 0,
        "refused": 0,
    }
    assert (report["notices_applied"], report["refusals"]) == (1, [])
    assert report["bundle"]["direction"] == "import" and not report["bundle"]["file_available"]
    remote = envelope.deliveries.get(recipient__code="nwoffice")
    assert (remote.state, remote.signed_by_name) == ("signed_for", "内网文书")

    # The same bundle carried across twice: nothing new.
    replay = upload(provider, answer).json()
    assert (
        replay["delivered"],
        replay["duplicates"],
        replay["notices_applied"],
        replay["notices_ignored"],
    ) == (
        0,
        2,
        0,
        1,
    )
    assert Envelope.objects.filter(origin="gateway").get().deliveries.count() == 2

    # The receipts for what arrived (delivered to 湖里 and 集美) wait for the next bundle.
    (waiting,) = provider.get("/api/exchange/gateway/").json()["peers"]
    assert (waiting["waiting_deliveries"], waiting["waiting_notices"]) == (0, 2)
    second = provider.post("/api/exchange/gateway/export/", {"network": PEER}, format="json").json()
    assert (second["packages"], second["notices"]) == (0, 2)
    nothing = provider.post("/api/exchange/gateway/export/", {"network": PEER}, format="json")
    assert nothing.status_code == 409 and nothing.json()["field"] == "network"

    history = provider.get("/api/exchange/gateway/bundles/").json()
    assert history["count"] == 4
    assert [b["direction"] for b in history["results"]] == ["export", "import", "import", "export"]
    assert [b["duplicates"] for b in history["results"]] == [0, 2, 0, 0]
    exports = provider.get("/api/exchange/gateway/bundles/?direction=export").json()
    assert exports["count"] == 2
    imported_id = history["results"][1]["id"]
    assert provider.get(f"/api/exchange/gateway/bundles/{imported_id}/file/").status_code == 404
    assert provider.get("/api/exchange/gateway/bundles/999999/file/").status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"exchange.gateway_exported", "exchange.gateway_imported"} <= actions


def test_a_bundle_refused_whole_is_a_400_naming_the_bundle_and_writes_no_delivery(provider, clerks, media):
    stranger = OtherNetwork()  # never trusted
    refused = upload(provider, stranger.bundle([stranger.package()]))
    assert refused.status_code == 400
    assert refused.json()["field"] == "bundle" and "信任" in refused.json()["detail"]
    assert not Envelope.objects.exists() and not GatewayBundle.objects.exists()
    assert PackageRefusal.objects.get().stage == "gateway"
    assert AuditEvent.objects.filter(action="exchange.gateway_import_refused").count() == 1

    not_a_bundle = upload(provider, b"%PDF-1.7 not a bundle")
    assert not_a_bundle.status_code == 400 and "zip" in not_a_bundle.json()["detail"]
    assert not GatewayBundle.objects.exists()


def test_a_bundle_changed_after_signing_is_refused(provider, peer, clerks, media):  # noqa: F811
    source = zipfile.ZipFile(io.BytesIO(peer.bundle([peer.package()])))
    manifest = json.loads(source.read("bundle.json"))
    manifest["packages"][0]["recipients"] = [HULI, JIMEI, SIMING]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, json.dumps(manifest) if name == "bundle.json" else source.read(name))
    refused = upload(provider, out.getvalue())
    assert refused.status_code == 400 and "签名" in refused.json()["detail"]
    assert not Envelope.objects.exists()


def test_a_tampered_package_is_refused_with_its_reason_the_rest_delivered(provider, peer, clerks, media):  # noqa: F811
    good, forged = peer.package("关于开展保密检查的通知"), peer.package("关于调整办公时间的通知")
    forged.data = body_replaced(forged.data)
    response = upload(provider, peer.bundle([good, forged]))
    assert response.status_code == 201
    report = response.json()
    assert (report["packages"], report["delivered"], report["refused"]) == (2, 2, 1)
    (refusal,) = report["refusals"]
    assert refusal["package_id"] == forged.package_id and refusal["reason"]
    assert report["bundle"]["refused"] == 1


def test_an_oversized_bundle_is_refused_before_it_is_read(provider, peer, clerks, media, settings):  # noqa: F811
    settings.OA_EXCHANGE_BUNDLE_MAX_BYTES = 1000
    response = upload(provider, peer.bundle([peer.package()]))
    assert response.status_code == 413 and response.json()["field"] == "bundle"
    assert not GatewayBundle.objects.exists() and not Envelope.objects.exists()


def test_trusting_a_gateway_key_is_validated_and_a_replacement_must_be_asked_for(provider, clerks, media):
    def trust(**body):
        return provider.post("/api/exchange/gateway/trust/", body, format="json")

    first, second = OtherNetwork(), OtherNetwork()
    for bad in ("not base64!", keys.b64(b"x" * 31), ""):
        response = trust(network=PEER, public_key=bad)
        assert response.status_code == 400 and response.json()["field"] == "public_key", bad
    own = provider.get("/api/exchange/gateway/").json()["public_key"]
    assert trust(network=PEER, public_key=own).json()["field"] == "public_key"
    assert trust(network="extranet", public_key=public_text(first.gateway_key)).json()["field"] == "network"
    assert trust(network="Intra Net", public_key=public_text(first.gateway_key)).json()["field"] == "network"
    assert not GatewayKey.objects.filter(own=False).exists()

    assert trust(network=PEER, public_key=public_text(first.gateway_key)).status_code == 201
    # The same key for another network: refused.
    elsewhere = trust(network="dmz", public_key=public_text(first.gateway_key))
    assert elsewhere.status_code == 409 and elsewhere.json()["field"] == "public_key"
    # Another key for the trusted network: only when the replacement is asked for.
    conflict = trust(network=PEER, public_key=public_text(second.gateway_key))
    assert conflict.status_code == 409 and conflict.json()["field"] == "public_key"
    assert list(GatewayKey.objects.filter(own=False).values_list("key_id", flat=True)) == [
        first.gateway_key_id
    ]
    replaced = trust(network=PEER, public_key=public_text(second.gateway_key), replace=True)
    assert replaced.status_code == 201
    (peer_row,) = provider.get("/api/exchange/gateway/").json()["trusted"]
    assert (peer_row["network"], peer_row["key_id"]) == (PEER, second.gateway_key_id)
    event = AuditEvent.objects.filter(action="exchange.gateway_trusted").order_by("-id").first()
    assert event.detail["replaced"] == [first.gateway_key_id]
    # Bundles signed with the replaced key are refused now; the new key's are imported.
    assert upload(provider, first.bundle([first.package()])).status_code == 400
    assert upload(provider, second.bundle([second.package()])).json()["delivered"] == 2


def test_export_refusals_and_a_kept_file_changed_at_rest(provider, people, clerks, media):
    own = provider.post("/api/exchange/gateway/export/", {"network": "extranet"}, format="json")
    assert own.status_code == 400 and own.json()["field"] == "network"
    empty = provider.post("/api/exchange/gateway/export/", {"network": PEER}, format="json")
    assert empty.status_code == 409 and not GatewayBundle.objects.exists()
    assert provider.post("/api/exchange/gateway/export/", {}, format="json").json()["field"] == "network"

    Party.objects.create(code="nwoffice", name="内网市委办公厅", network=PEER)
    envelope = submit(people["clerk"], recipients=["nwoffice"])
    fanout.fan_out(envelope.pk, enqueue=lambda ids: None)
    row = provider.post("/api/exchange/gateway/export/", {"network": PEER}, format="json").json()
    path = media / "exchange" / "gateway" / "outbox" / f"{row['bundle_id']}.bundle.zip"
    path.write_bytes(path.read_bytes() + b"\0")
    assert provider.get(f"/api/exchange/gateway/bundles/{row['id']}/file/").status_code == 409
    path.unlink()
    assert provider.get(f"/api/exchange/gateway/bundles/{row['id']}/file/").status_code == 404
    assert provider.get("/api/exchange/gateway/bundles/").json()["results"][0]["file_available"] is False


def test_the_gateway_is_the_providers_alone(client_in, people, media):
    """A unit's administrator on the console host's URLs: the console's routes are not served on a
    unit's host, and the console refuses a session from a unit."""
    admin = client_in(SIMING, "admin")
    for method, url in (
        ("get", "/api/exchange/gateway/"),
        ("post", "/api/exchange/gateway/trust/"),
        ("post", "/api/exchange/gateway/export/"),
        ("post", "/api/exchange/gateway/import/"),
        ("get", "/api/exchange/gateway/bundles/"),
    ):
        assert getattr(admin, method)(url).status_code in (403, 404), url
    assert not GatewayKey.objects.exists()
