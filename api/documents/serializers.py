"""办文 API shapes. Inputs name every element so the OpenAPI schema (and the frontend's types)
list them; the actions re-validate and answer {code, detail, field} on refusal."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oa.documents.models import (
    Classification,
    Direction,
    DocType,
    Document,
    DocumentFile,
    PublishLevel,
    Retention,
    Urgency,
)


def _person(user) -> dict | None:
    if user is None:
        return None
    account = getattr(user, "account", None)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": account.display_name if account else user.username,
    }


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ElementsInput(serializers.Serializer):
    """The elements a drafter (or the handler of an editable step) may set."""

    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    doc_type = serializers.ChoiceField(choices=DocType.choices, required=False)
    main_recipients = serializers.CharField(required=False, allow_blank=True, max_length=500)
    copy_to = serializers.CharField(required=False, allow_blank=True, max_length=500)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    secrecy_period = serializers.CharField(required=False, allow_blank=True, max_length=20)
    copy_number = serializers.CharField(required=False, allow_blank=True, max_length=6)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    publish_level = serializers.ChoiceField(choices=PublishLevel.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    signature_agency = serializers.CharField(required=False, allow_blank=True, max_length=100)
    agency_mark = serializers.CharField(required=False, allow_blank=True, max_length=100)
    body_html = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    # 收文 only (the registering clerk corrects the record at 签收, 登记 or 初审):
    source_agency = serializers.CharField(required=False, allow_blank=True, max_length=100)
    doc_number = serializers.CharField(required=False, allow_blank=True, max_length=60, help_text="来文字号")
    received_on = serializers.DateField(required=False)
    copies = serializers.IntegerField(required=False, min_value=1, max_value=10000)
    deadline = serializers.DateField(required=False, allow_null=True)


class IncomingInput(serializers.Serializer):
    """收文登记 (multipart: these fields plus files)."""

    title = serializers.CharField(max_length=200)
    source_agency = serializers.CharField(max_length=100)
    doc_number = serializers.CharField(required=False, allow_blank=True, max_length=60, help_text="来文字号")
    doc_type = serializers.ChoiceField(choices=DocType.choices, required=False)
    received_on = serializers.DateField(required=False)
    classification = serializers.ChoiceField(choices=Classification.choices, required=False)
    secrecy_period = serializers.CharField(required=False, allow_blank=True, max_length=20)
    copy_number = serializers.CharField(required=False, allow_blank=True, max_length=6)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    copies = serializers.IntegerField(required=False, min_value=1, max_value=10000)
    deadline = serializers.DateField(required=False, allow_null=True)
    main_recipients = serializers.CharField(required=False, allow_blank=True, max_length=500)
    body_html = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="附件")


class FilesInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=[("attachment", "附件"), ("body", "正文")], default="attachment")
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class ArchiveInput(serializers.Serializer):
    retention = serializers.ChoiceField(choices=Retention.choices)


class DocumentFileSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SerializerMethodField()

    class Meta:
        model = DocumentFile
        fields = [
            "id",
            "role",
            "name",
            "kind",
            "mime_type",
            "size",
            "sha256",
            "order",
            "uploaded_at",
            "uploaded_by",
            "removed_at",
        ]

    def get_uploaded_by(self, obj) -> str:
        account = getattr(obj.uploaded_by, "account", None)
        return account.display_name if account else obj.uploaded_by.username


class DocumentListItemSerializer(serializers.ModelSerializer):
    drafter = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()
    lead_department = serializers.SerializerMethodField()
    incoming_number = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id", "direction", "doc_type", "title", "doc_number", "incoming_number", "classification", "urgency",
            "state", "step", "source_agency", "received_on", "main_recipients", "signer_name", "issued_date",
            "drafter", "department", "lead_department", "deadline", "created_at", "completed_at", "archive_code",
        ]  # fmt: skip

    def get_drafter(self, obj) -> str:
        account = getattr(obj.drafter, "account", None)
        return account.display_name if account else obj.drafter.username

    def get_department(self, obj) -> str:
        return obj.department.name if obj.department_id else ""

    def get_lead_department(self, obj) -> str:
        return obj.lead_department.name if obj.lead_department_id else ""

    def get_incoming_number(self, obj) -> str:
        return (obj.extra or {}).get("incoming_number", "")


class TrailRowSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    source = serializers.ChoiceField(choices=["document", "flow"])
    action = serializers.CharField()
    action_label = serializers.CharField()
    actor = serializers.CharField()
    step = serializers.CharField()
    outcome = serializers.CharField()
    opinion = serializers.CharField()
    summary = serializers.CharField()


class CurrentTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    element_id = serializers.CharField()
    step = serializers.CharField(
        help_text="What the step does to the document (draft, review, sign_off, ...)"
    )
    mine = serializers.BooleanField(help_text="The requesting user may handle it now")
    assignee = serializers.CharField(allow_blank=True)
    due_at = serializers.DateTimeField(allow_null=True)


class LegacyItemSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    text = serializers.CharField()


class LegacySerializer(serializers.Serializer):
    """Where an imported document came from (oa/importer): its legacy key, source, form, the
    original authors and editors, and the items no field took (kept, never dropped)."""

    legacy_id = serializers.CharField()
    source = serializers.CharField()
    file = serializers.CharField()
    form = serializers.CharField(allow_null=True)
    record = serializers.CharField(help_text="outgoing, incoming or archive (archive-only)")
    authors = serializers.ListField(child=serializers.CharField())
    editors = serializers.ListField(child=serializers.CharField())
    items = LegacyItemSerializer(many=True)

    def to_representation(self, document):
        from oa.importer.records import SourceItem

        extra = document.extra or {}
        info = extra.get("import") or {}
        items = []
        for value in extra.get("items", []):
            text = SourceItem.from_json(value.get("name", ""), value).text
            items.append({"name": value.get("name", ""), "type": value.get("type", ""), "text": text[:500]})
        return {
            "legacy_id": document.legacy_id,
            "source": info.get("source", ""),
            "file": info.get("file", ""),
            "form": info.get("form"),
            "record": info.get("record", ""),
            "authors": [a.get("name", "") for a in extra.get("authors", [])],
            "editors": [a.get("name", "") for a in extra.get("editors", [])],
            "items": items,
        }


class MeetingInfoSerializer(serializers.Serializer):
    """The meeting of a 会议通知 received through the exchange hub (kept in `extra["meeting"]`)."""

    name = serializers.CharField()
    meeting_type = serializers.CharField()
    start_at = serializers.CharField()
    end_at = serializers.CharField()
    location = serializers.CharField()
    leaders = serializers.CharField()
    agenda = serializers.CharField()
    requirements = serializers.CharField()
    contact = serializers.CharField()
    phone = serializers.CharField()
    reply_by = serializers.CharField()

    def to_representation(self, meeting: dict):
        return {name: str(meeting.get(name) or "") for name in self.fields}


class DocumentDetailSerializer(DocumentListItemSerializer):
    files = serializers.SerializerMethodField()
    trail = serializers.SerializerMethodField()
    current_tasks = serializers.SerializerMethodField()
    editable_step = serializers.SerializerMethodField()
    can_archive = serializers.SerializerMethodField()
    body_versions = serializers.SerializerMethodField()
    process_instance = serializers.IntegerField(source="process_instance_id", allow_null=True)
    helper_departments = serializers.SerializerMethodField()
    legacy = serializers.SerializerMethodField()
    meeting = serializers.SerializerMethodField()

    class Meta(DocumentListItemSerializer.Meta):
        fields = [
            *DocumentListItemSerializer.Meta.fields,
            "identifier", "publish_level", "copy_number", "secrecy_period", "agency_name", "agency_mark",
            "number_rule", "signed_at", "sign_opinion", "copy_to", "body_html", "body_file", "signature_agency",
            "sealed_at", "note", "printing_agency", "printing_date", "copies", "helper_departments", "retention",
            "archived_at", "updated_at", "process_instance", "files", "trail", "current_tasks", "editable_step",
            "can_archive", "body_versions", "legacy", "meeting",
        ]  # fmt: skip

    @extend_schema_field(MeetingInfoSerializer(allow_null=True))
    def get_meeting(self, obj):
        meeting = (obj.extra or {}).get("meeting")
        return MeetingInfoSerializer(meeting).data if isinstance(meeting, dict) else None

    @extend_schema_field(LegacySerializer(allow_null=True))
    def get_legacy(self, obj):
        return LegacySerializer(obj).data if obj.legacy_id else None

    @extend_schema_field(DocumentFileSerializer(many=True))
    def get_files(self, obj) -> list:
        return DocumentFileSerializer(self.context["files"], many=True).data

    @extend_schema_field(TrailRowSerializer(many=True))
    def get_trail(self, obj) -> list:
        return TrailRowSerializer(self.context["trail"], many=True).data

    @extend_schema_field(CurrentTaskSerializer(many=True))
    def get_current_tasks(self, obj) -> list:
        return CurrentTaskSerializer(self.context["current_tasks"], many=True).data

    def get_editable_step(self, obj) -> str:
        return self.context["editable_step"]

    def get_can_archive(self, obj) -> bool:
        return self.context["can_archive"]

    def get_body_versions(self, obj) -> int:
        return obj.body_versions.count()

    @extend_schema_field(DepartmentRefSerializer(many=True))
    def get_helper_departments(self, obj) -> list:
        return [{"id": d.pk, "name": d.name} for d in obj.helper_departments.all()]


class SearchHitFileSerializer(serializers.Serializer):
    file = serializers.IntegerField()
    name = serializers.CharField()
    snippets = serializers.ListField(child=serializers.CharField())


class SearchHitsSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="HTML: the title with <mark> around hits, or empty")
    body = serializers.ListField(child=serializers.CharField(), help_text="HTML snippets")
    files = SearchHitFileSerializer(many=True)


class SearchResultSerializer(DocumentListItemSerializer):
    hits = serializers.SerializerMethodField()

    class Meta(DocumentListItemSerializer.Meta):
        fields = [*DocumentListItemSerializer.Meta.fields, "hits"]

    @extend_schema_field(SearchHitsSerializer)
    def get_hits(self, obj) -> dict:
        from oa.documents import queries

        return queries.hits(obj, self.context["q"])


class ListQuery(serializers.Serializer):
    direction = serializers.ChoiceField(
        choices=Direction.choices, required=False, allow_blank=True, default=""
    )
    doc_type = serializers.ChoiceField(choices=DocType.choices, required=False, allow_blank=True, default="")
    state = serializers.ChoiceField(
        choices=Document.State.choices, required=False, allow_blank=True, default=""
    )
    year = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1949, max_value=9999
    )
    department = serializers.IntegerField(required=False, allow_null=True, default=None)
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    mine = serializers.BooleanField(required=False, default=False)
