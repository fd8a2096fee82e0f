from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oa.importer.errors import Reason
from oa.importer.models import ImportRun, QuarantineItem

# Item texts in a quarantined record are shown, not edited: long ones are cut for the page.
ITEM_TEXT_CHARS = 500


class UploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="A Domino DXL export (.xml/.dxl) or an XLSX/CSV register.")
    mapping = serializers.CharField(required=False, allow_blank=True, max_length=40)


class RefusalSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    column = serializers.IntegerField(allow_null=True)


class QuarantineProblemSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Reason.choices)
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    item = serializers.CharField(allow_null=True)


class RunSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    created_by_name = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    quarantined_open = serializers.IntegerField(read_only=True, default=0)
    quarantined_resolved = serializers.IntegerField(read_only=True, default=0)
    refusal = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = [
            "id", "source_name", "kind", "kind_display", "file_size", "mapping_code", "dry_run", "preview",
            "state", "state_display", "refusal", "error", "total", "done", "totals", "quarantined_open",
            "quarantined_resolved", "created_by_name", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_created_by_name(self, run) -> str:
        account = getattr(run.created_by, "account", None)
        return account.display_name if account else run.created_by.username

    def get_totals(self, run) -> dict[str, int]:
        return run.outcome_totals()

    @extend_schema_field(RefusalSerializer(allow_null=True))
    def get_refusal(self, run):
        return run.refusal or None


class FormReportSerializer(serializers.Serializer):
    rule = serializers.CharField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    quarantined = serializers.IntegerField()
    problems = serializers.DictField(child=serializers.IntegerField(), help_text="reason → count")


class RunDetailSerializer(RunSerializer):
    report = serializers.SerializerMethodField()
    summary = serializers.JSONField(read_only=True)

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "report", "summary"]
        read_only_fields = fields

    @extend_schema_field(FormReportSerializer(many=True))
    def get_report(self, run) -> list[dict]:
        problems = self.context.get("problems", {})
        rules = list(run.counts or {}) + [r for r in problems if r not in (run.counts or {})]
        return [
            {
                **{
                    outcome: (run.counts or {}).get(rule, {}).get(outcome, 0)
                    for outcome in ImportRun.Outcome.values
                },
                "rule": rule,
                "problems": problems.get(rule, {}),
            }
            for rule in rules
        ]


class QuarantineItemSerializer(serializers.ModelSerializer):
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    document_title = serializers.CharField(source="document.title", default="", read_only=True)
    problems = QuarantineProblemSerializer(many=True, read_only=True)

    class Meta:
        model = QuarantineItem
        fields = [
            "id", "run", "index", "key", "form", "rule", "location", "title", "reason", "reason_display",
            "message", "field", "problems", "attempts", "resolved", "resolved_at", "document", "document_title",
        ]  # fmt: skip
        read_only_fields = fields


class RecordItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    text = serializers.CharField()


class RecordAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.CharField())


class QuarantineDetailSerializer(QuarantineItemSerializer):
    items = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    fixes = serializers.JSONField(read_only=True)

    class Meta(QuarantineItemSerializer.Meta):
        fields = [*QuarantineItemSerializer.Meta.fields, "items", "attachments", "fixes"]
        read_only_fields = fields

    @extend_schema_field(RecordItemSerializer(many=True))
    def get_items(self, item) -> list[dict]:
        from oa.importer.records import SourceItem

        out = []
        for value in item.record.get("items", []):
            source = SourceItem.from_json(value["name"], value)
            text = source.text
            if len(text) > ITEM_TEXT_CHARS:
                text = text[:ITEM_TEXT_CHARS] + "…"
            out.append({"name": source.name, "type": source.type, "text": text})
        return out

    @extend_schema_field(RecordAttachmentSerializer(many=True))
    def get_attachments(self, item) -> list[dict]:
        return [
            {"name": a.get("name", ""), "size": a.get("size", 0), "problems": a.get("problems", [])}
            for a in item.record.get("attachments", [])
        ]


class RetryInput(serializers.Serializer):
    fields = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="mapped field → value typed in",
    )
    form = serializers.CharField(required=False, allow_blank=True, help_text="the mapping's form rule to use")
    skip_attachments = serializers.ListField(child=serializers.CharField(), required=False)
    accept_problems = serializers.BooleanField(required=False, default=False)


class ImportedDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    direction = serializers.CharField()
    doc_type = serializers.CharField()
    doc_number = serializers.CharField()
    archive_code = serializers.CharField()
    legacy_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    form = serializers.SerializerMethodField()
    authors = serializers.SerializerMethodField()

    def get_form(self, document) -> str:
        return ((document.extra or {}).get("import") or {}).get("form") or ""

    def get_authors(self, document) -> list[str]:
        return [a.get("name", "") for a in (document.extra or {}).get("authors", [])]


class MappingOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    origin = serializers.ChoiceField(choices=["unit", "library"])
    rules = serializers.ListField(child=serializers.CharField())


class FieldOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()


class ReasonOptionSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Reason.choices)
    label = serializers.CharField()


class OptionsSerializer(serializers.Serializer):
    mappings = MappingOptionSerializer(many=True)
    fields = FieldOptionSerializer(many=True)
    reasons = ReasonOptionSerializer(many=True)
