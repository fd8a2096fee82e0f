"""The gateway from the provider console (网关交换): trust the other network's gateway key,
export what waits for it as a bundle kept in the outbox, import its bundles. The same code paths
as the commands (`exchange_gateway`, `exchange_export_bundle`, `exchange_import_bundle`), with
the console's validation and audit events.

Exported bundles are kept under MEDIA_ROOT/exchange/gateway/outbox/<bundle id>.bundle.zip (next
to the hub's package store), so an operator can download one again; imported bundles are not
kept (their packages are, in the package store).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from exchange import directory, gateway, keys
from exchange.models import GatewayBundle, GatewayKey, Party
from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode

_NETWORK = re.compile(r"[a-z][a-z0-9_-]{0,31}")


def fingerprint(key_id: str) -> str:
    """A short form of a key id to compare over the telephone: 16 hex digits in groups of four."""
    head = key_id[:16].upper()
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def outbox() -> Path:
    return Path(settings.MEDIA_ROOT) / "exchange" / "gateway" / "outbox"


def bundle_path(bundle: GatewayBundle) -> Path | None:
    """The kept file of an exported bundle, when it is still there and unchanged."""
    if bundle.direction != GatewayBundle.Direction.EXPORT or not re.fullmatch(
        r"[0-9a-f]{32}", bundle.bundle_id
    ):
        return None
    path = outbox() / gateway.bundle_file_name(bundle.bundle_id)
    return path if path.is_file() else None


def read_bundle_file(bundle: GatewayBundle) -> bytes:
    path = bundle_path(bundle)
    if path is None:
        what = (
            "导入的网关包不保留文件"
            if bundle.direction == GatewayBundle.Direction.IMPORT
            else "网关包文件已不在"
        )
        raise ActionError(ErrorCode.NOT_FOUND, f"{what}。", status=404)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != bundle.sha256:
        raise ActionError(ErrorCode.STATE, "网关包文件与导出时登记的摘要不符，不能再下载。", status=409)
    return data


def _clean_network(network: str) -> str:
    network = (network or "").strip()
    if not _NETWORK.fullmatch(network):
        raise ActionError(ErrorCode.INVALID, "网络标识应为小写字母开头的标识，如 intranet。", field="network")
    if network == directory.local_network():
        raise ActionError(
            ErrorCode.INVALID, f"“{network}”是本部署所在的网络，对方网关应在另一网络。", field="network"
        )
    return network


def _own_key() -> tuple[str, str]:
    """(key id, public key text) of this deployment's gateway key, made on first use."""
    try:
        key_id, private = keys.own_gateway_key()
    except keys.KeyUnavailable:
        raise ActionError(
            ErrorCode.STATE,
            "本网关的私钥无法用当前部署密钥打开（OA_EXCHANGE_KEY_SECRET 被更换？）。",
            status=409,
        ) from None
    return key_id, keys.b64(keys.public_raw(private))


# --- reading ------------------------------------------------------------------------------------


def overview() -> dict:
    """This side's network and key, the trusted peers, and per peer network what waits."""
    local = directory.local_network()
    key_id, public = _own_key()
    trusted = list(GatewayKey.objects.filter(own=False).order_by("network", "-created_at"))
    networks = {row.network for row in trusted}
    networks |= set(Party.objects.exclude(network=local).values_list("network", flat=True).distinct())
    networks |= set(GatewayBundle.objects.values_list("network", flat=True).distinct())
    last = {
        (row["network"], row["direction"]): row["at"]
        for row in GatewayBundle.objects.values("network", "direction").annotate(at=Max("at"))
    }
    peers = []
    for network in sorted(networks - {local}):
        waiting = gateway.waiting_deliveries(network).aggregate(
            deliveries=Count("id"), packages=Count("envelope_id", distinct=True)
        )
        peers.append(
            {
                "network": network,
                "trusted": network in {row.network for row in trusted},
                "parties": Party.objects.filter(network=network, active=True).count(),
                "waiting_deliveries": waiting["deliveries"],
                "waiting_packages": waiting["packages"],
                "waiting_notices": gateway.waiting_notices(network).count(),
                "last_export_at": last.get((network, GatewayBundle.Direction.EXPORT)),
                "last_import_at": last.get((network, GatewayBundle.Direction.IMPORT)),
            }
        )
    return {
        "network": local,
        "key_id": key_id,
        "fingerprint": fingerprint(key_id),
        "public_key": public,
        "trusted": [trusted_entry(row) for row in trusted],
        "peers": peers,
    }


def trusted_entry(row: GatewayKey) -> dict:
    return {
        "network": row.network,
        "key_id": row.key_id,
        "fingerprint": fingerprint(row.key_id),
        "public_key": row.public_key,
        "since": row.created_at,
    }


# --- actions ------------------------------------------------------------------------------------


@dataclass
class TrustResult:
    key: GatewayKey
    created: bool
    replaced: list[str]


@transaction.atomic
def do_trust_gateway(
    *, acting_user, network: str, public_key: str, replace: bool = False, ip=None
) -> TrustResult:
    """Trust the other network's gateway key (its public half, handed over out of band). Trusting
    the same key again changes nothing; a different key for a network already trusted replaces
    the old one only when asked to (`replace`): bundles signed with the old key are refused then."""
    network = _clean_network(network)
    text = (public_key or "").strip()
    try:
        raw = keys.unb64(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ActionError(
            ErrorCode.INVALID,
            "公钥应为 Ed25519 公钥的 Base64 文本（32 字节，44 个字符）。",
            field="public_key",
        )
    key_id = keys.key_id_of(raw)
    existing = GatewayKey.objects.select_for_update().filter(key_id=key_id).first()
    if existing is not None and existing.own:
        raise ActionError(
            ErrorCode.INVALID, "这是本网关自己的公钥，应填写对方网关的公钥。", field="public_key"
        )
    if existing is not None and existing.network != network:
        raise ActionError(
            ErrorCode.DUPLICATE,
            f"该公钥已作为“{existing.network}”网络的网关公钥受信任。",
            field="public_key",
            status=409,
        )
    if existing is not None:
        return TrustResult(key=existing, created=False, replaced=[])
    others = list(GatewayKey.objects.select_for_update().filter(own=False, network=network))
    if others and not replace:
        raise ActionError(
            ErrorCode.DUPLICATE,
            f"已信任“{network}”网关的另一把公钥（指纹 {fingerprint(others[0].key_id)}）；"
            "确认对方已更换网关密钥后再替换。",
            field="public_key",
            status=409,
        )
    replaced = [row.key_id for row in others]
    GatewayKey.objects.filter(pk__in=[row.pk for row in others]).delete()
    row = keys.trust_gateway(network, text)
    record_event(
        "exchange.gateway_trusted",
        acting_user=acting_user,
        target=row,
        summary=f"信任网关 {network}：公钥指纹 {fingerprint(row.key_id)}"
        + (f"（替换 {', '.join(fingerprint(k) for k in replaced)}）" if replaced else ""),
        detail={"network": network, "key_id": row.key_id, "replaced": replaced},
        ip=ip,
    )
    return TrustResult(key=row, created=True, replaced=replaced)


@transaction.atomic
def do_export_bundle(network: str, *, acting_user, ip=None) -> gateway.ExportResult:
    """Write everything waiting for `network` (packages, receipts, recalls) as one signed bundle
    into the outbox. Nothing waiting: refused (409), nothing written."""
    network = _clean_network(network)
    _own_key()
    folder = outbox()
    try:
        result = gateway.export_bundle(
            network, write=lambda bundle_id, data: gateway.write_bundle_file(folder, bundle_id, data)
        )
    except gateway.BundleRefused as refused:
        raise ActionError(ErrorCode.INVALID, refused.detail, field="network") from None
    if result.bundle is None:
        raise ActionError(
            ErrorCode.STATE, f"没有等待导出到“{network}”的交换包或回执。", field="network", status=409
        )
    record_event(
        "exchange.gateway_exported",
        acting_user=acting_user,
        target=result.bundle,
        summary=f"导出网关包 → {network}：交换包 {result.packages} 个、通知 {result.notices} 条",
        detail={"bundle_id": result.bundle.bundle_id, "sha256": result.bundle.sha256},
        ip=ip,
    )
    return result


def do_import_bundle(data: bytes, *, acting_user, name: str = "", ip=None) -> gateway.ImportReport:
    """Import a bundle from the other network (the bundle's signature, then each package, checked;
    a replay delivers nothing new). Not one transaction: each package is imported, or refused and
    recorded, on its own, as the command does. A bundle refused whole writes no delivery, only
    its refusal record and the audit event."""
    if len(data) > gateway.bundle_max_bytes():
        raise ActionError(ErrorCode.INVALID, "网关包过大。", field="bundle", status=413)
    label = name[:100] or hashlib.sha256(data).hexdigest()[:12]
    try:
        report = gateway.import_bundle(data)
    except gateway.BundleRefused as refused:
        with transaction.atomic():
            record_event(
                "exchange.gateway_import_refused",
                acting_user=acting_user,
                target_type="exchange.gatewaybundle",
                summary=f"拒收网关包 {label}：{refused.detail}",
                detail={"sha256": hashlib.sha256(data).hexdigest(), "reason": refused.detail},
                ip=ip,
            )
        raise ActionError(ErrorCode.FILE_INVALID, refused.detail, field="bundle") from None
    with transaction.atomic():
        record_event(
            "exchange.gateway_imported",
            acting_user=acting_user,
            target=report.bundle,
            summary=(
                f"导入网关包 {label}（{report.bundle.network if report.bundle else ''}）：新投递 {report.delivered}、"
                f"重复 {report.duplicates}、拒收 {report.refused}、通知 {report.notices_applied}"
            ),
            detail={"bundle_id": report.bundle_id, "refusals": [list(r) for r in report.refusals]},
            ip=ip,
        )
    return report
