"""网关交换 on the console: this side's gateway key, the trusted peers, bundles in and out."""

from __future__ import annotations

from rest_framework import serializers

from exchange.models import GatewayBundle


class TrustedGatewaySerializer(serializers.Serializer):
    network = serializers.CharField()
    key_id = serializers.CharField()
    fingerprint = serializers.CharField(help_text="the key id's first 16 hex digits, to compare out of band")
    public_key = serializers.CharField(help_text="Ed25519 public key, Base64")
    since = serializers.DateTimeField()


class GatewayPeerSerializer(serializers.Serializer):
    network = serializers.CharField()
    trusted = serializers.BooleanField(help_text="a key of this network's gateway is trusted here")
    parties = serializers.IntegerField(help_text="active directory entries on that network")
    waiting_deliveries = serializers.IntegerField(help_text="deliveries to its units not exported yet")
    waiting_packages = serializers.IntegerField(help_text="distinct packages among them")
    waiting_notices = serializers.IntegerField(help_text="receipts and recalls going back, not exported yet")
    last_export_at = serializers.DateTimeField(allow_null=True)
    last_import_at = serializers.DateTimeField(allow_null=True)


class GatewayOverviewSerializer(serializers.Serializer):
    network = serializers.CharField(help_text="this deployment's network (OA_EXCHANGE_NETWORK)")
    key_id = serializers.CharField()
    fingerprint = serializers.CharField()
    public_key = serializers.CharField(help_text="this gateway's public key, for the other side to trust")
    trusted = TrustedGatewaySerializer(many=True)
    peers = GatewayPeerSerializer(many=True)


class GatewayTrustInput(serializers.Serializer):
    network = serializers.CharField(max_length=32, help_text="the other network, e.g. intranet")
    public_key = serializers.CharField(max_length=200, help_text="its gateway's public key (Base64)")
    replace = serializers.BooleanField(
        required=False, default=False, help_text="replace a different key already trusted for that network"
    )


class GatewayExportInput(serializers.Serializer):
    network = serializers.CharField(max_length=32)


class GatewayImportInput(serializers.Serializer):
    bundle = serializers.FileField(help_text="a signed gateway bundle (<bundle id>.bundle.zip)")


class GatewayBundleSerializer(serializers.ModelSerializer):
    direction_label = serializers.CharField(source="get_direction_display")
    file_available = serializers.SerializerMethodField(help_text="an exported bundle whose file is kept")

    class Meta:
        model = GatewayBundle
        fields = [
            "id", "bundle_id", "direction", "direction_label", "network", "sha256", "packages", "notices",
            "delivered", "duplicates", "refused", "at", "file_available",
        ]  # fmt: skip
        read_only_fields = fields

    def get_file_available(self, bundle: GatewayBundle) -> bool:
        from exchange.gateway_actions import bundle_path

        return bundle_path(bundle) is not None


class GatewayRefusedPackageSerializer(serializers.Serializer):
    package_id = serializers.CharField()
    reason = serializers.CharField()


class GatewayImportReportSerializer(serializers.Serializer):
    bundle = GatewayBundleSerializer()
    bundle_id = serializers.CharField()
    network = serializers.CharField(help_text="the network the bundle came from")
    packages = serializers.IntegerField()
    delivered = serializers.IntegerField(help_text="new deliveries")
    duplicates = serializers.IntegerField(help_text="deliveries already made (a replayed bundle)")
    refused = serializers.IntegerField()
    refusals = GatewayRefusedPackageSerializer(many=True)
    notices_applied = serializers.IntegerField()
    notices_ignored = serializers.IntegerField(help_text="notices without effect (already applied, or moot)")
    problems = serializers.ListField(child=serializers.CharField(), help_text="refusals and other notes")


def import_report(report) -> dict:
    return {
        "bundle": report.bundle,
        "bundle_id": report.bundle_id,
        "network": report.bundle.network if report.bundle else "",
        "packages": report.packages,
        "delivered": report.delivered,
        "duplicates": report.duplicates,
        "refused": report.refused,
        "refusals": [{"package_id": p, "reason": r} for p, r in report.refusals],
        "notices_applied": report.notices_applied,
        "notices_ignored": report.notices_ignored,
        "problems": report.problems,
    }
