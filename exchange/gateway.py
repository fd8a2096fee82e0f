"""Gateway bundles: the exchange between this deployment and another network's (政务外网 ↔
政务内网), which share no database or connection. What crosses is a file:

    bundle.json          format, bundle id, from/to network, the packages (with each sender's
                         public key and the recipients on the other side) and the notices
                         (delivered / signed for / returned receipts going back to the sender,
                         recalls going to the recipient)
    signature.json       Ed25519 over the exact bytes of bundle.json, by the exporting deployment's
                         gateway key (trusted by the importer beforehand: `exchange_gateway key`)
    packages/<id>.zip    the packages, as their senders signed them

Import checks the bundle signature against a trusted peer key, then each package on its own
(its digest in the signed bundle.json, then the full package verification against the sender's
key, which the signed bundle vouches for and which is pinned on first sight). A package refused
is recorded and skipped; the rest of the bundle is imported. Everything is idempotent: an
envelope is keyed by its package id and a delivery by (envelope, recipient), and notices only
move a delivery forward, so a replayed bundle delivers nothing new.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from exchange import directory, fanout, keys, storage
from exchange.actions import record_refusal
from exchange.models import Delivery, DeliveryEvent, Envelope, GatewayBundle, PackageRefusal, Party
from exchange.package import PackageError, PackageRefused, verify_package
from oa.documents import archives
from oa.documents.errors import ContentRefused
from oa.documents.models import CLASSIFICATION_LEVELS

logger = logging.getLogger(__name__)
FORMAT = "govoa-gateway-bundle/1"
BUNDLE = "bundle.json"
SIGNATURE = "signature.json"
State = Delivery.State
# A notice moves a delivery forward from these states only (so a replay changes nothing).
RECEIPT_FROM = {
    State.DELIVERED: {State.QUEUED},
    # Signing may cross a recall in transit: the document was signed for, so that stands.
    State.SIGNED_FOR: {State.QUEUED, State.DELIVERED, State.RECALLED},
    State.RETURNED: {State.QUEUED, State.DELIVERED},
}


class BundleRefused(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@dataclass
class BundlePackage:
    package_id: str
    data: bytes
    sender_code: str
    sender_name: str
    sender_key_id: str
    sender_public_key: str
    recipients: list[str]


@dataclass
class Notice:
    kind: str  # "delivered" | "signed_for" | "returned" | "recalled"
    package_id: str
    recipient: str
    at: str
    actor: str = ""
    reason: str = ""

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("kind", "package_id", "recipient", "at", "actor", "reason")}


# --- writing ------------------------------------------------------------------------------------


def build_bundle(
    packages: list[BundlePackage],
    notices: list[Notice],
    *,
    from_network: str,
    to_network: str,
    key_id: str,
    private_key,
    bundle_id: str | None = None,
) -> tuple[str, bytes]:
    """(bundle id, zip bytes), signed with this deployment's gateway key."""
    bundle_id = bundle_id or uuid.uuid4().hex
    entries = []
    for package in packages:
        entries.append(
            {
                "package_id": package.package_id,
                "file": f"packages/{package.package_id}.zip",
                "sha256": hashlib.sha256(package.data).hexdigest(),
                "size": len(package.data),
                "sender": {
                    "code": package.sender_code,
                    "name": package.sender_name,
                    "key_id": package.sender_key_id,
                    "public_key": package.sender_public_key,
                },
                "recipients": package.recipients,
            }
        )
    manifest = {
        "format": FORMAT,
        "bundle_id": bundle_id,
        "from_network": from_network,
        "to_network": to_network,
        "created_at": timezone.now().isoformat(),
        "key_id": key_id,
        "packages": entries,
        "notices": [n.as_dict() for n in notices],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    signature = {
        "algorithm": "Ed25519",
        "key_id": key_id,
        "signature": keys.b64(private_key.sign(manifest_bytes)),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(BUNDLE, manifest_bytes)
        archive.writestr(SIGNATURE, json.dumps(signature).encode("utf-8"))
        for package in packages:
            archive.writestr(f"packages/{package.package_id}.zip", package.data)
    return bundle_id, out.getvalue()


def _package_key_id(data: bytes) -> str:
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    return manifest["key_id"]


@dataclass
class ExportResult:
    bundle: GatewayBundle | None
    data: bytes = b""
    packages: int = 0
    notices: int = 0


def waiting_deliveries(network: str):
    """Deliveries to units of `network` that wait for the next bundle (not exported yet)."""
    return Delivery.objects.filter(
        route=Delivery.Route.GATEWAY, recipient__network=network, state=State.QUEUED, exported_at__isnull=True
    )


def waiting_notices(network: str):
    """Receipts for packages that came from `network` (delivered, signed for, returned here), and
    recalls of packages this side sent to `network` that already left: not exported yet."""
    receipts = Delivery.objects.filter(
        envelope__origin=Envelope.Origin.GATEWAY,
        envelope__sender__network=network,
        state__in=(State.DELIVERED, State.SIGNED_FOR, State.RETURNED),
        notice_exported_at__isnull=True,
    )
    recalls = Delivery.objects.filter(
        route=Delivery.Route.GATEWAY,
        recipient__network=network,
        state=State.RECALLED,
        exported_at__isnull=False,
        notice_exported_at__isnull=True,
    )
    return receipts | recalls


def _outgoing_notices(network: str) -> list[Delivery]:
    return list(
        waiting_notices(network)
        .select_for_update(of=("self",))
        .select_related("envelope", "recipient")
        .order_by("id")
    )


def _notice_of(delivery: Delivery) -> Notice:
    at = {
        State.DELIVERED: delivery.delivered_at,
        State.SIGNED_FOR: delivery.signed_at,
        State.RETURNED: delivery.returned_at,
        State.RECALLED: delivery.recalled_at,
    }[delivery.state]
    actor = {
        State.SIGNED_FOR: delivery.signed_by_name,
        State.RETURNED: delivery.returned_by_name,
        State.RECALLED: delivery.recalled_by_name,
    }.get(delivery.state, "")
    reason = {State.RETURNED: delivery.return_reason, State.RECALLED: delivery.recall_reason}.get(
        delivery.state, ""
    )
    return Notice(
        kind=delivery.state,
        package_id=delivery.envelope.package_id,
        recipient=delivery.recipient.code,
        at=(at or timezone.now()).isoformat(),
        actor=actor,
        reason=reason,
    )


def export_bundle(network: str, *, write, now: datetime | None = None) -> ExportResult:
    """Everything waiting for `network`: queued gateway deliveries' packages and the notices.
    `write(bundle_id, data)` stores the file; it runs before the deliveries are marked exported,
    so a failure there (or a crash before the commit) exports them again next time, which the
    other side's import absorbs."""
    now = now or timezone.now()
    if network == directory.local_network():
        raise BundleRefused("不能向本网络导出网关包。")
    key_id, private = keys.own_gateway_key()
    with transaction.atomic():
        waiting = list(
            waiting_deliveries(network)
            .select_for_update(of=("self",))
            .select_related("envelope__sender", "recipient")
            .order_by("envelope_id", "id")
        )
        notices = _outgoing_notices(network)
        if not waiting and not notices:
            return ExportResult(bundle=None)
        by_envelope: dict[int, list[Delivery]] = {}
        for delivery in waiting:
            by_envelope.setdefault(delivery.envelope_id, []).append(delivery)
        packages = []
        for group in by_envelope.values():
            envelope = group[0].envelope
            data = storage.read_package(envelope.package_sha256)
            sender_key_id = _package_key_id(data)
            packages.append(
                BundlePackage(
                    package_id=envelope.package_id,
                    data=data,
                    sender_code=envelope.sender.code,
                    sender_name=envelope.sender.name,
                    sender_key_id=sender_key_id,
                    sender_public_key=keys.public_key_text(sender_key_id),
                    recipients=[d.recipient.code for d in group],
                )
            )
        bundle_id, data = build_bundle(
            packages,
            [_notice_of(d) for d in notices],
            from_network=directory.local_network(),
            to_network=network,
            key_id=key_id,
            private_key=private,
        )
        write(bundle_id, data)
        for delivery in waiting:
            delivery.exported_at = now
        Delivery.objects.bulk_update(waiting, ["exported_at"])
        for delivery in notices:
            delivery.notice_exported_at = now
        Delivery.objects.bulk_update(notices, ["notice_exported_at"])
        DeliveryEvent.objects.bulk_create(
            [
                DeliveryEvent(
                    delivery=d, action=DeliveryEvent.Action.EXPORTED, at=now, detail=f"网关包 {bundle_id}"
                )
                for d in waiting
            ]
        )
        bundle = GatewayBundle.objects.create(
            bundle_id=bundle_id,
            direction=GatewayBundle.Direction.EXPORT,
            network=network,
            sha256=hashlib.sha256(data).hexdigest(),
            packages=len(packages),
            notices=len(notices),
            at=now,
        )
    return ExportResult(bundle=bundle, data=data, packages=len(packages), notices=len(notices))


def bundle_file_name(bundle_id: str) -> str:
    return f"{bundle_id}.bundle.zip"


def write_bundle_file(folder: Path, bundle_id: str, data: bytes) -> Path:
    """Write `<bundle id>.bundle.zip` into `folder`: a temporary file, synced, then renamed, so a
    half-written bundle never carries the final name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / bundle_file_name(bundle_id)
    temporary = path.with_suffix(".partial")
    try:
        with open(temporary, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


# --- reading ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    bundle_id: str = ""
    packages: int = 0
    delivered: int = 0
    duplicates: int = 0
    refused: int = 0
    notices_applied: int = 0
    notices_ignored: int = 0
    problems: list[str] = field(default_factory=list)
    # (package id, reason) of each package refused; its reason is also in `problems`.
    refusals: list[tuple[str, str]] = field(default_factory=list)
    bundle: GatewayBundle | None = None  # the history row written for this import


def bundle_max_bytes() -> int:
    return getattr(settings, "OA_EXCHANGE_BUNDLE_MAX_BYTES", 2 * 1024 * 1024 * 1024)


def _bundle_limits() -> archives.ZipLimits:
    return archives.ZipLimits(
        max_members=10_000,
        max_uncompressed=bundle_max_bytes(),
        max_member_ratio=200,
        max_total_ratio=100,
        # Packages are zips, their DOCX attachments zips again: checked when each package is.
        max_depth=0,
        max_nested_bytes=0,
    )


def _open_bundle(data: bytes) -> tuple[zipfile.ZipFile, dict, bytes, str]:
    """(archive, manifest, manifest bytes, peer network) after the signature check."""
    if not data.startswith(archives.ZIP_MAGIC):
        raise BundleRefused("网关包不是 zip 文件。")
    limits = _bundle_limits()
    try:
        archive = archives.open_zip(data, limits)
    except ContentRefused as exc:
        raise BundleRefused(f"网关包{exc.reason}。") from None
    names = set(archive.namelist())
    if BUNDLE not in names or SIGNATURE not in names:
        raise BundleRefused("网关包缺少 bundle.json 或 signature.json。")
    if archive.getinfo(BUNDLE).file_size > 64 * 1024 * 1024:
        raise BundleRefused("bundle.json 过大。")
    manifest_bytes = archive.read(BUNDLE)
    try:
        manifest = json.loads(manifest_bytes)
        signature = json.loads(archive.read(SIGNATURE))
        raw_signature = keys.unb64(signature["signature"])
        key_id = str(signature["key_id"])
    except (ValueError, KeyError, TypeError):
        raise BundleRefused("网关包的清单或签名格式不正确。") from None
    trusted = keys.trusted_gateway_key(key_id)
    if trusted is None:
        raise BundleRefused("网关包的签名密钥不是已信任的对端网关。")
    network, public = trusted
    if not keys.verify(public, raw_signature, manifest_bytes):
        raise BundleRefused("网关包签名验证失败。")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("key_id") != key_id:
        raise BundleRefused("不支持的网关包格式。")
    if manifest.get("to_network") != directory.local_network() or manifest.get("from_network") != network:
        raise BundleRefused("网关包不是发往本网络的，或与签名网关的网络不符。")
    return archive, manifest, manifest_bytes, network


def _sender_party(entry: dict, network: str) -> Party:
    sender = entry.get("sender") or {}
    code, name = str(sender.get("code", "")), str(sender.get("name", ""))[:100]
    party = Party.objects.filter(code=code).first()
    if party is None:
        party = Party.objects.create(code=code, name=name or code, network=network, note="网关导入时登记")
    elif party.unit_id is not None or party.network != network:
        # A package claiming to come from a unit of this network, or of another gateway.
        raise PackageRefused(PackageError.SENDER_MISMATCH, f"发送单位“{code}”不属于网络 {network}。")
    try:
        keys.pin_foreign_key(party, str(sender.get("public_key", "")))
    except ValueError as exc:
        raise PackageRefused(PackageError.UNKNOWN_KEY, f"发送单位的公钥无效或与已登记的不符：{exc}") from None
    return party


def _import_package(archive, entry: dict, network: str, report: ImportReport, bundle_id: str) -> None:
    try:
        data = archive.read(str(entry["file"]))
    except (KeyError, TypeError):
        raise PackageRefused(PackageError.MALFORMED, "网关包中缺少清单所列的交换包。") from None
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        raise PackageRefused(PackageError.DIGEST_MISMATCH, "交换包与网关清单中的摘要不符。")
    with transaction.atomic():
        sender = _sender_party(entry, network)
        package = verify_package(data, expected_sender=sender.code)
        if package.package_id != entry.get("package_id"):
            raise PackageRefused(PackageError.MALFORMED, "交换包编号与网关清单不符。")
        claimed = package.metadata.agency_name
        if claimed and claimed not in {sender.name, package.sender_name}:
            # The signed sender is the 发文机关; a metadata.xml naming another unit is refused.
            raise PackageRefused(
                PackageError.SENDER_MISMATCH,
                f"元数据中的发文机关“{claimed}”与发送单位“{sender.name}”（{sender.code}）不符。",
            )
        highest = CLASSIFICATION_LEVELS.get(settings.OA_MAX_CLASSIFICATION, 0)
        if CLASSIFICATION_LEVELS[package.metadata.classification] > highest:
            raise PackageRefused(PackageError.METADATA_INVALID, "交换包的密级高于本网络允许处理的最高密级。")
        directory.sync_platform_units()
        local = set(
            Party.objects.filter(
                code__in=entry.get("recipients") or [], unit__isnull=False, active=True
            ).values_list("code", flat=True)
        )
        for code in sorted(set(entry.get("recipients") or []) - local):
            report.problems.append(f"{package.package_id}: 收文单位 {code} 不在本网络的交换目录中")
        storage.store_package(data)
        meta = package.metadata
        envelope, _created = Envelope.objects.get_or_create(
            package_id=package.package_id,
            defaults={
                "kind": meta.kind,
                "origin": Envelope.Origin.GATEWAY,
                "sender": sender,
                "sent_by_name": f"网关 {network}",
                "identifier": meta.identifier,
                "title": meta.title,
                "doc_number": meta.doc_number,
                "doc_type": meta.doc_type,
                "urgency": meta.urgency,
                "classification": meta.classification,
                "package_sha256": package.sha256,
                "package_size": package.size,
                "recipients": sorted(local),
            },
        )
        if envelope.sender_id != sender.pk or envelope.package_sha256 != package.sha256:
            raise PackageRefused(PackageError.DIGEST_MISMATCH, "同一交换包编号对应了不同的内容。")
        # A later bundle may name recipients an earlier one did not (the sender added some).
        added = sorted(local - set(envelope.recipients))
        if added:
            envelope.recipients = sorted(set(envelope.recipients) | local)
            envelope.save(update_fields=["recipients"])
    before = set(envelope.deliveries.values_list("pk", flat=True))
    started = timezone.now()
    fanout.fan_out(envelope.pk, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids])
    created = sorted(set(envelope.deliveries.values_list("pk", flat=True)) - before)
    DeliveryEvent.objects.bulk_create(
        [
            DeliveryEvent(
                delivery_id=pk, action=DeliveryEvent.Action.IMPORTED, at=started, detail=f"网关包 {bundle_id}"
            )
            for pk in created
        ]
    )
    report.delivered += len(created)
    report.duplicates += len(local) - len(created)


def _apply_notice(notice: dict, network: str, report: ImportReport) -> None:
    kind = notice.get("kind")
    at = parse_datetime(str(notice.get("at", ""))) or timezone.now()
    actor = str(notice.get("actor", ""))[:150]
    reason = str(notice.get("reason", ""))[:500]
    with transaction.atomic():
        qs = Delivery.objects.select_for_update(of=("self",)).filter(
            envelope__package_id=str(notice.get("package_id", "")),
            recipient__code=str(notice.get("recipient", "")),
        )
        if kind == State.RECALLED:
            # The sender (over there) recalls a package delivered here.
            delivery = qs.filter(
                envelope__origin=Envelope.Origin.GATEWAY, envelope__sender__network=network
            ).first()
            allowed = {State.QUEUED, State.DELIVERED}
        else:
            # A receipt from over there for a package this side sent.
            delivery = qs.filter(route=Delivery.Route.GATEWAY, recipient__network=network).first()
            allowed = RECEIPT_FROM.get(kind, set())
        if delivery is None or delivery.state not in allowed:
            report.notices_ignored += 1
            return
        delivery.state = kind
        if kind == State.DELIVERED:
            delivery.delivered_at = at
        elif kind == State.SIGNED_FOR:
            delivery.signed_at, delivery.signed_by_name = at, actor
        elif kind == State.RETURNED:
            delivery.returned_at, delivery.returned_by_name, delivery.return_reason = at, actor, reason
        else:
            delivery.recalled_at, delivery.recalled_by_name, delivery.recall_reason = at, actor, reason
        delivery.save()
        DeliveryEvent.objects.create(
            delivery=delivery, action=kind, at=at, actor_name=actor, party_code=notice.get("recipient", ""),
            detail=reason or f"经网关 {network}",
        )  # fmt: skip
        report.notices_applied += 1


def import_bundle(data: bytes) -> ImportReport:
    """Verify and import a bundle from the other network; safe to run on the same file twice."""
    report = ImportReport()
    digest = hashlib.sha256(data).hexdigest()
    try:
        archive, manifest, _bytes, network = _open_bundle(data)
    except BundleRefused as refused:
        record_refusal(
            PackageRefusal.Stage.GATEWAY, PackageRefused(PackageError.BAD_SIGNATURE, refused.detail),
            sha256=digest, size=len(data),
        )  # fmt: skip
        raise
    report.bundle_id = str(manifest.get("bundle_id", ""))[:32]
    # Platform units first, so a package claiming to be from one of them is seen as such.
    directory.sync_platform_units()
    for entry in manifest.get("packages") or []:
        report.packages += 1
        try:
            _import_package(archive, entry, network, report, report.bundle_id)
        except PackageRefused as refused:
            report.refused += 1
            report.refusals.append((str(entry.get("package_id", "?"))[:64], refused.detail))
            report.problems.append(f"{entry.get('package_id', '?')}: {refused.detail}")
            record_refusal(
                PackageRefusal.Stage.GATEWAY, refused, sender_code=str((entry.get("sender") or {}).get("code", ""))[:40],
                sha256=str(entry.get("sha256", ""))[:64], size=int(entry.get("size") or 0), bundle_id=report.bundle_id,
            )  # fmt: skip
    for notice in manifest.get("notices") or []:
        if isinstance(notice, dict):
            _apply_notice(notice, network, report)
    with transaction.atomic():
        report.bundle = GatewayBundle.objects.create(
            bundle_id=report.bundle_id,
            direction=GatewayBundle.Direction.IMPORT,
            network=network,
            sha256=digest,
            packages=report.packages,
            notices=report.notices_applied,
            delivered=report.delivered,
            duplicates=report.duplicates,
            refused=report.refused,
        )
    logger.info(
        "gateway bundle %s from %s: %s packages, %s new deliveries, %s duplicates, %s refused, %s notices",
        report.bundle_id, network, report.packages, report.delivered, report.duplicates, report.refused,
        report.notices_applied,
    )  # fmt: skip
    return report
