"""公文交换 API shapes: the directory, groups, envelopes with per-recipient tracking, the inbox,
and the console's monitor. Inputs are parsed here and validated again by the actions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exchange.models import Delivery, DeliveryEvent, Envelope, PackageRefusal, Party, PartyGroup
from oa.documents.models import Classification, DocType, Urgency


class PartySerializer(serializers.ModelSerializer):
    platform = serializers.SerializerMethodField()

    class Meta:
        model = Party
        fields = ["code", "name", "kind", "network", "platform", "active", "note"]
        read_only_fields = fields

    def get_platform(self, party: Party) -> bool:
        return party.unit_id is not None


class PartyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PartyCreateInput(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=100)
    network = serializers.CharField(max_length=32)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PartyUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    network = serializers.CharField(max_length=32, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class PartyGroupSerializer(serializers.ModelSerializer):
    """A group with its explicit members and, in `effective`, everyone it reaches now."""

    unit_kinds = serializers.ListField(child=serializers.CharField(), read_only=True)
    members = serializers.SerializerMethodField()
    effective = serializers.SerializerMethodField()

    class Meta:
        model = PartyGroup
        fields = ["id", "code", "name", "description", "unit_kinds", "order", "members", "effective"]
        read_only_fields = fields

    def get_members(self, group: PartyGroup) -> list[str]:
        return sorted(p.code for p in group.members.all())

    def get_effective(self, group: PartyGroup) -> list[str]:
        return self.context["effective"].get(group.pk, [])


class PartyGroupInput(serializers.Serializer):
    code = serializers.CharField(max_length=40, required=False)
    name = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    unit_kinds = serializers.ListField(child=serializers.CharField(), required=False)
    members = serializers.ListField(child=serializers.CharField(), required=False)
    order = serializers.IntegerField(min_value=0, required=False)


# --- sending and tracking -------------------------------------------------------------------------


class ExchangeSendInput(serializers.Serializer):
    document = serializers.IntegerField(help_text="the sealed outgoing document (this unit's)")
    recipients = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    groups = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class PackageSubmitInput(serializers.Serializer):
    package = serializers.FileField(help_text="zip: metadata.xml and the files it lists (docs/exchange.md)")
    recipients = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    groups = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class DeliverySelectInput(serializers.Serializer):
    deliveries = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="none: every eligible one"
    )
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DeliveryUrgeInput(serializers.Serializer):
    deliveries = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="none: every unsigned one"
    )


class DeliveryReturnInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


class DeliveryEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display")

    class Meta:
        model = DeliveryEvent
        fields = ["action", "action_label", "at", "actor_name", "party_code", "detail"]
        read_only_fields = fields


class DeliveryCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    queued = serializers.IntegerField()
    delivered = serializers.IntegerField()
    signed_for = serializers.IntegerField()
    returned = serializers.IntegerField()
    recalled = serializers.IntegerField()


class EnvelopeSerializer(serializers.ModelSerializer):
    sender = PartyRefSerializer()
    recipients = serializers.ListField(child=serializers.CharField(), read_only=True)
    groups = serializers.ListField(child=serializers.CharField(), read_only=True)
    doc_type = serializers.CharField(read_only=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    classification = serializers.ChoiceField(choices=Classification.choices, read_only=True)
    counts = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Envelope
        fields = [
            "id", "package_id", "kind", "origin", "sender", "sent_by_name", "source_document_id", "identifier",
            "title", "doc_number", "doc_type", "urgency", "classification", "recipients", "groups", "state",
            "state_label", "created_at", "fanned_out_at", "counts",
        ]  # fmt: skip
        read_only_fields = fields

    def get_counts(self, envelope: Envelope) -> DeliveryCountsSerializer:
        if hasattr(envelope, "n_total"):
            values = {
                "total": envelope.n_total,
                **{s: getattr(envelope, f"n_{s}") for s in Delivery.State.values},
            }
        else:
            states = list(envelope.deliveries.values_list("state", flat=True))
            values = {"total": len(states), **{s: states.count(s) for s in Delivery.State.values}}
        # Recipients not fanned out yet count as queued.
        pending = max(0, len(envelope.recipients) - values["total"])
        values["queued"] += pending
        values["total"] += pending
        return values  # type: ignore[return-value]


class TrackedDeliverySerializer(serializers.ModelSerializer):
    recipient = PartyRefSerializer()
    state_label = serializers.CharField(source="get_state_display")
    events = DeliveryEventSerializer(many=True)

    class Meta:
        model = Delivery
        fields = [
            "id", "recipient", "route", "state", "state_label", "created_at", "delivered_at", "signed_at",
            "signed_by_name", "returned_at", "returned_by_name", "return_reason", "recalled_at",
            "recalled_by_name", "recall_reason", "urge_count", "last_urged_at", "exported_at", "events",
        ]  # fmt: skip
        read_only_fields = fields


class EnvelopeDetailSerializer(EnvelopeSerializer):
    deliveries = serializers.SerializerMethodField()
    # Recipients the fan-out has not reached yet (待分发): no delivery row exists for them.
    pending = serializers.SerializerMethodField()

    class Meta(EnvelopeSerializer.Meta):
        fields = [*EnvelopeSerializer.Meta.fields, "deliveries", "pending"]

    def get_deliveries(self, envelope: Envelope) -> TrackedDeliverySerializer(many=True):  # type: ignore[valid-type]
        return TrackedDeliverySerializer(self.context["deliveries"], many=True).data

    def get_pending(self, envelope: Envelope) -> PartyRefSerializer(many=True):  # type: ignore[valid-type]
        return PartyRefSerializer(self.context.get("pending", []), many=True).data


class SendableDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    doc_number = serializers.CharField()
    doc_type = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    main_recipients = serializers.CharField()
    copy_to = serializers.CharField()
    step = serializers.CharField()
    sealed_at = serializers.DateTimeField()
    sent_to = serializers.SerializerMethodField(help_text="units already holding a live copy")

    def get_sent_to(self, document) -> int:
        return self.context["sent_to"].get(document.identifier, 0)


class MeetingNoticeSendInput(serializers.Serializer):
    instance = serializers.IntegerField(help_text="the approved 会议申请 (a process instance of this unit)")
    recipients = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    groups = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    requirements = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="参会要求")
    contact = serializers.CharField(required=False, allow_blank=True, help_text="联系人")
    phone = serializers.CharField(required=False, allow_blank=True, help_text="联系电话")
    reply_by = serializers.CharField(
        required=False, allow_blank=True, help_text="回执截止: ISO 8601, before the meeting starts"
    )
    location = serializers.CharField(
        required=False, allow_blank=True, help_text="会议地点; empty: the application's 会议室"
    )


class SendableMeetingSerializer(serializers.Serializer):
    """An approved 会议申请 this unit may announce, with how many units hold its notice."""

    id = serializers.IntegerField()
    title = serializers.SerializerMethodField(help_text="会议名称")
    meeting_type = serializers.SerializerMethodField()
    start_at = serializers.SerializerMethodField()
    end_at = serializers.SerializerMethodField()
    room = serializers.SerializerMethodField()
    attendee_count = serializers.SerializerMethodField()
    external_units = serializers.SerializerMethodField(help_text="需通知的外单位, as the applicant wrote it")
    applicant = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField(help_text="arranging: at 会务安排; arranged: 已安排")
    begun = serializers.SerializerMethodField(help_text="the meeting has started: no notice any more")
    started_at = serializers.DateTimeField(help_text="when the application was filed")
    sent_to = serializers.SerializerMethodField(help_text="units already holding a live notice")

    def _data(self, instance, key: str) -> str:
        value = (instance.data or {}).get(key, "")
        return value if isinstance(value, str) else ""

    def get_title(self, instance) -> str:
        return self._data(instance, "title") or instance.title

    def get_meeting_type(self, instance) -> str:
        return self._data(instance, "meeting_type")

    def get_start_at(self, instance) -> str:
        return self._data(instance, "start_at")

    def get_end_at(self, instance) -> str:
        return self._data(instance, "end_at")

    def get_room(self, instance) -> str:
        return self._data(instance, "room")

    def get_external_units(self, instance) -> str:
        return self._data(instance, "external_units")

    def get_attendee_count(self, instance) -> int | None:
        value = (instance.data or {}).get("attendee_count")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def get_applicant(self, instance) -> str:
        account = getattr(instance.starter, "account", None)
        return (account.display_name if account else "") or instance.starter.username

    def get_state(self, instance) -> str:
        return "arranged" if instance.state == "completed" else "arranging"

    def get_begun(self, instance) -> bool:
        from exchange import meetings

        return meetings.has_begun(instance, now=self.context["now"])

    def get_sent_to(self, instance) -> int:
        from exchange import meetings

        identifier = meetings.notice_identifier(self.context["unit_code"], instance.pk)
        return self.context["sent_to"].get(identifier, 0)


class SendResultSerializer(serializers.Serializer):
    envelope = EnvelopeSerializer()
    skipped = serializers.ListField(child=serializers.CharField())


# --- the inbox --------------------------------------------------------------------------------------


class InboxItemSerializer(serializers.ModelSerializer):
    sender = PartyRefSerializer(source="envelope.sender")
    title = serializers.CharField(source="envelope.title")
    doc_number = serializers.CharField(source="envelope.doc_number")
    doc_type = serializers.ChoiceField(source="envelope.doc_type", choices=DocType.choices)
    urgency = serializers.ChoiceField(source="envelope.urgency", choices=Urgency.choices)
    classification = serializers.ChoiceField(source="envelope.classification", choices=Classification.choices)
    identifier = serializers.CharField(source="envelope.identifier")
    kind = serializers.ChoiceField(source="envelope.kind", choices=Envelope.Kind.choices)
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Delivery
        fields = [
            "id", "kind", "state", "state_label", "sender", "title", "doc_number", "doc_type", "urgency",
            "classification", "identifier", "delivered_at", "urge_count", "last_urged_at", "signed_at",
            "signed_by_name", "incoming_document_id", "returned_at", "returned_by_name", "return_reason",
            "recalled_at", "recall_reason",
        ]  # fmt: skip
        read_only_fields = fields


class PackageFileSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=["rendered", "attachment"])
    size = serializers.IntegerField()


class PackageMetadataSerializer(serializers.Serializer):
    agency_name = serializers.CharField()
    signer_name = serializers.CharField()
    issued_date = serializers.CharField()
    main_recipients = serializers.CharField()
    copy_to = serializers.CharField()
    secrecy_period = serializers.CharField()
    copy_number = serializers.CharField()
    note = serializers.CharField()
    printing_agency = serializers.CharField()
    printing_date = serializers.CharField()
    package_sha256 = serializers.CharField()
    signed_by_key = serializers.CharField()


class MeetingSerializer(serializers.Serializer):
    """The meeting a 会议通知 announces (metadata.xml's 会议 element). Times are ISO 8601."""

    name = serializers.CharField(help_text="会议名称")
    meeting_type = serializers.CharField(help_text="会议类型")
    start_at = serializers.CharField(help_text="开始时间")
    end_at = serializers.CharField(help_text="结束时间")
    location = serializers.CharField(help_text="地点")
    leaders = serializers.CharField(help_text="出席领导")
    agenda = serializers.CharField(help_text="议程")
    requirements = serializers.CharField(help_text="参会要求")
    contact = serializers.CharField(help_text="联系人")
    phone = serializers.CharField(help_text="联系电话")
    reply_by = serializers.CharField(help_text="回执截止 (empty: none)")


class InboxDetailSerializer(InboxItemSerializer):
    metadata = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    meeting = serializers.SerializerMethodField()

    class Meta(InboxItemSerializer.Meta):
        fields = [*InboxItemSerializer.Meta.fields, "metadata", "files", "meeting"]

    @extend_schema_field(MeetingSerializer(allow_null=True))
    def get_meeting(self, delivery: Delivery):
        meeting = self.context["package"].metadata.meeting
        return meeting.as_dict() if meeting is not None else None

    def get_metadata(self, delivery: Delivery) -> PackageMetadataSerializer:
        package = self.context["package"]
        meta = package.metadata
        names = [
            name
            for name in PackageMetadataSerializer().fields
            if name not in ("package_sha256", "signed_by_key")
        ]
        return {  # type: ignore[return-value]
            **{name: getattr(meta, name) for name in names},
            "package_sha256": package.sha256,
            "signed_by_key": package.key_id,
        }

    def get_files(self, delivery: Delivery) -> PackageFileSerializer(many=True):  # type: ignore[valid-type]
        package = self.context["package"]
        meta = package.metadata
        return [
            {"index": i, "name": entry.name, "role": entry.role, "size": len(package.members[entry.path])}
            for i, entry in enumerate([meta.rendered, *meta.attachments])
        ]


class SignedSerializer(serializers.Serializer):
    delivery = InboxItemSerializer()
    document = serializers.IntegerField(help_text="the incoming document, in this unit")


# --- the console ------------------------------------------------------------------------------------


class HubDeliverySerializer(serializers.ModelSerializer):
    sender = PartyRefSerializer(source="envelope.sender")
    recipient = PartyRefSerializer()
    title = serializers.CharField(source="envelope.title")
    doc_number = serializers.CharField(source="envelope.doc_number")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Delivery
        fields = [
            "id", "envelope_id", "sender", "recipient", "title", "doc_number", "route", "state", "state_label",
            "created_at", "delivered_at", "attempts", "last_attempt_at", "last_error",
        ]  # fmt: skip
        read_only_fields = fields


class RefusalSerializer(serializers.ModelSerializer):
    stage_label = serializers.CharField(source="get_stage_display")

    class Meta:
        model = PackageRefusal
        fields = [
            "id", "at", "stage", "stage_label", "code", "detail", "sender_code", "envelope_id", "delivery_id",
            "package_sha256", "package_size", "bundle_id",
        ]  # fmt: skip
        read_only_fields = fields


class DayVolumeSerializer(serializers.Serializer):
    day = serializers.DateField()
    envelopes = serializers.IntegerField()
    deliveries = serializers.IntegerField()


class SenderVolumeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    envelopes = serializers.IntegerField()
    deliveries = serializers.IntegerField()


class RecipientVolumeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    deliveries = serializers.IntegerField()
    waiting = serializers.IntegerField()
    signed_for = serializers.IntegerField()
    returned = serializers.IntegerField()


class MonitorSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    per_day = DayVolumeSerializer(many=True)
    by_sender = SenderVolumeSerializer(many=True)
    by_recipient = RecipientVolumeSerializer(many=True)
    states = serializers.DictField(child=serializers.IntegerField())
    retries = serializers.IntegerField()
    retried_deliveries = serializers.IntegerField()
    stuck = serializers.IntegerField()
    envelopes_pending = serializers.IntegerField()
    refusals = serializers.IntegerField()
    gateway_waiting = serializers.IntegerField()
    queue_backlog = serializers.IntegerField(
        allow_null=True, help_text="tasks waiting for a worker; null when the broker did not answer"
    )
