"""The exchange hub (公文交换) in the public schema: the directory of parties and groups, the
signing keys, envelopes and their per-recipient deliveries, receipts, refusals and gateway
bundles (ARCHITECTURE §6, docs/exchange.md).

Nothing here points into a unit's schema with a foreign key: users and documents of a unit are
named by id and display name, because a public table cannot reference a table that exists once
per schema.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Party(models.Model):
    """An entry of the exchange directory (交换目录): a unit on this platform (`unit` set, kept in
    line with the registry) or an external unit known only by its code, reached through a gateway
    (the other network's deployment, or another system that takes bundles)."""

    EXTERNAL = "external"

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    # The unit kind (tenants.modules.UNIT_KINDS) of a platform unit, or "external".
    kind = models.CharField(max_length=32, default=EXTERNAL)
    unit = models.OneToOneField(
        "tenants.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="exchange_party"
    )
    # Which network the party is on (settings.OA_EXCHANGE_NETWORK names this deployment's). A
    # party not on this platform is reached by exporting gateway bundles for its network.
    network = models.CharField(max_length=32, blank=True)
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_platform_unit(self) -> bool:
        return self.unit_id is not None


class PartyGroup(models.Model):
    """An address list the provider maintains (e.g. 全市区政府办公室): explicit members plus,
    optionally, every platform unit of some kinds, so that a new district office is in
    "all district offices" from the day it is provisioned."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    unit_kinds = models.JSONField(default=list, blank=True)
    members = models.ManyToManyField(Party, blank=True, related_name="groups")
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SigningKey(models.Model):
    """A party's Ed25519 key. Platform units' keys are generated on first use and their private
    half kept encrypted (ADR 0012); parties behind a gateway have their public key only, pinned
    from the first signed bundle that carried it."""

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="keys")
    key_id = models.CharField(max_length=32, unique=True)
    public_key = models.CharField(max_length=64)  # raw 32 bytes, base64
    # AES-256-GCM(nonce || ciphertext) of the raw private key, base64; empty for foreign keys.
    private_key_sealed = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["party", "-created_at"]
        constraints = [
            # One current signing key per party (the others are kept to verify old packages).
            models.UniqueConstraint(
                fields=["party"],
                condition=Q(retired_at__isnull=True) & ~Q(private_key_sealed=""),
                name="signingkey_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.party.code} {self.key_id}"


class GatewayKey(models.Model):
    """Gateway bundle keys: this deployment's own (`own`, private half sealed) and the trusted
    peers' (public only). A bundle is imported only when signed by a trusted peer's key."""

    network = models.CharField(max_length=32)
    own = models.BooleanField(default=False)
    key_id = models.CharField(max_length=32, unique=True)
    public_key = models.CharField(max_length=64)
    private_key_sealed = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-own", "network", "-created_at"]

    def __str__(self) -> str:
        return f"{'own' if self.own else 'peer'} {self.network} {self.key_id}"


class Envelope(models.Model):
    """One send: a signed package from one party to a list of recipients (resolved at send time
    from the units and groups asked for). Fan-out turns it into one Delivery per recipient."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", "已受理"
        FANNED_OUT = "fanned_out", "已分发"
        REFUSED = "refused", "已拒收"

    class Origin(models.TextChoices):
        PORTAL = "portal", "单位门户"
        API = "api", "外部系统接口"
        GATEWAY = "gateway", "网关导入"

    class Kind(models.TextChoices):
        DOCUMENT = "document", "公文"
        MEETING_NOTICE = "meeting_notice", "会议通知"
        NOTICE = "notice", "信息发布"

    # The package's own id (manifest.json), the same on both sides of a gateway.
    package_id = models.CharField(max_length=32, unique=True, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.PORTAL)
    sender = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="envelopes_sent")
    sent_by_id = models.BigIntegerField(null=True, blank=True)  # the user, in the sender's schema
    sent_by_name = models.CharField(max_length=150, blank=True)
    # The outgoing document in the sender's schema (portal sends only).
    source_document_id = models.BigIntegerField(null=True, blank=True)

    # The metadata the hub needs for tracking and monitoring (the package holds the rest).
    identifier = models.CharField(max_length=64)  # 公文标识
    title = models.CharField(max_length=200)
    doc_number = models.CharField(max_length=60, blank=True)
    doc_type = models.CharField(max_length=8, blank=True)
    urgency = models.CharField(max_length=16, default="normal")
    classification = models.CharField(max_length=16, default="none")

    package_sha256 = models.CharField(max_length=64)
    package_size = models.PositiveBigIntegerField(default=0)
    # Codes of the recipients (parties) and of the groups asked for, as resolved at send time.
    recipients = models.JSONField(default=list)
    groups = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACCEPTED)
    fan_out_attempts = models.PositiveIntegerField(default=0)
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sender", "-created_at"], name="envelope_sender"),
            models.Index(fields=["sender", "source_document_id"], name="envelope_document"),
            models.Index(
                fields=["state", "created_at"], name="envelope_pending", condition=Q(state="accepted")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender.code}: {self.title}"

    def save(self, *args, **kwargs):
        if not self.package_id:
            self.package_id = uuid.uuid4().hex
        super().save(*args, **kwargs)


class Delivery(models.Model):
    """One recipient's copy of an envelope: queued → delivered → signed for | returned (with a
    reason) | recalled. Unique per (envelope, recipient): a fan-out run twice cannot make two."""

    class State(models.TextChoices):
        QUEUED = "queued", "待投递"
        DELIVERED = "delivered", "待签收"
        SIGNED_FOR = "signed_for", "已签收"
        RETURNED = "returned", "已退回"
        RECALLED = "recalled", "已撤回"

    class Route(models.TextChoices):
        PLATFORM = "platform", "本平台"
        GATEWAY = "gateway", "网关"

    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="deliveries")
    recipient = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="deliveries")
    route = models.CharField(max_length=10, choices=Route.choices, default=Route.PLATFORM)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Delivery attempts (more than one: a retry after a lost task, shown in the hub monitor).
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    # 签收 (receipt): who, when, and the incoming document it became in the recipient's schema.
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by_id = models.BigIntegerField(null=True, blank=True)
    signed_by_name = models.CharField(max_length=150, blank=True)
    incoming_document_id = models.BigIntegerField(null=True, blank=True)
    # 退回 (receipt): why.
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by_name = models.CharField(max_length=150, blank=True)
    return_reason = models.CharField(max_length=500, blank=True)
    # 撤回 by the sender, before signing.
    recalled_at = models.DateTimeField(null=True, blank=True)
    recalled_by_name = models.CharField(max_length=150, blank=True)
    recall_reason = models.CharField(max_length=500, blank=True)
    # 催收 by the sender.
    urge_count = models.PositiveIntegerField(default=0)
    last_urged_at = models.DateTimeField(null=True, blank=True)

    # Gateway deliveries: when the package left in a bundle; when this side's receipt or recall
    # for it did (so each travels once).
    exported_at = models.DateTimeField(null=True, blank=True)
    notice_exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # By the column, not the relation: ordering by `envelope` would join the envelope (and
        # SELECT ... FOR UPDATE would then lock it too, serialising a whole fan-out on one row).
        ordering = ["envelope_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["envelope", "recipient"], name="delivery_once_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient", "state", "-created_at"], name="delivery_inbox"),
            models.Index(fields=["state", "created_at"], name="delivery_queued", condition=Q(state="queued")),
        ]

    def __str__(self) -> str:
        return f"{self.envelope_id} → {self.recipient_id} {self.state}"

    @property
    def is_open(self) -> bool:
        """Still waiting for the recipient (not signed for, returned or recalled)."""
        return self.state in (self.State.QUEUED, self.State.DELIVERED)


class DeliveryEvent(models.Model):
    """The delivery's trail and the receipts the sender sees: delivered, signed for (by whom),
    returned (why), recalled, urged, exported, retried, refused."""

    class Action(models.TextChoices):
        QUEUED = "queued", "进入投递队列"
        DELIVERED = "delivered", "已送达"
        SIGNED_FOR = "signed_for", "签收"
        RETURNED = "returned", "退回"
        RECALLED = "recalled", "撤回"
        URGED = "urged", "催收"
        EXPORTED = "exported", "导出网关"
        IMPORTED = "imported", "网关导入"
        RETRIED = "retried", "重试投递"
        REFUSED = "refused", "拒收"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    actor_name = models.CharField(max_length=150, blank=True)
    # The party that acted (the recipient for receipts, the sender for recall and urging).
    party_code = models.CharField(max_length=40, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["delivery", "at"], name="deliveryevent_delivery")]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.action}"


class PackageRefusal(models.Model):
    """A package the hub refused (bad digest, bad signature, malformed, a bomb): recorded, and
    never delivered."""

    class Stage(models.TextChoices):
        SUBMIT = "submit", "提交"
        FAN_OUT = "fan_out", "分发"
        SIGN_FOR = "sign_for", "签收"
        GATEWAY = "gateway", "网关导入"

    at = models.DateTimeField(default=timezone.now)
    stage = models.CharField(max_length=10, choices=Stage.choices)
    code = models.CharField(max_length=32)
    detail = models.CharField(max_length=500)
    sender_code = models.CharField(max_length=40, blank=True)
    envelope = models.ForeignKey(Envelope, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    package_sha256 = models.CharField(max_length=64, blank=True)
    package_size = models.PositiveBigIntegerField(default=0)
    bundle_id = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.stage} {self.code}: {self.detail}"


class GatewayBundle(models.Model):
    """A bundle written for, or read from, the other network: what it carried and what came of it."""

    class Direction(models.TextChoices):
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"

    bundle_id = models.CharField(max_length=32)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    network = models.CharField(max_length=32)  # the peer's network
    sha256 = models.CharField(max_length=64)
    packages = models.PositiveIntegerField(default=0)
    notices = models.PositiveIntegerField(default=0)
    # Import: how many deliveries were new, how many were already there (a replay), refused.
    delivered = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.direction} {self.network} {self.bundle_id}"
