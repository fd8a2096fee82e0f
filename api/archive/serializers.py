"""档案 API shapes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.documents.serializers import PersonSerializer, _person
from oa.archive.models import AccessRecord, Appraisal, DestructionRecord, Loan, Transfer
from oa.documents.models import Classification, DocType, Retention


class CatalogueQuery(serializers.Serializer):
    fonds = serializers.CharField(required=False, allow_blank=True, max_length=40)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
    retention = serializers.ChoiceField(choices=Retention.choices, required=False, allow_blank=True)
    org = serializers.CharField(required=False, allow_blank=True, max_length=40)
    doc_type = serializers.ChoiceField(choices=DocType.choices, required=False, allow_blank=True)
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    include_destroyed = serializers.BooleanField(required=False, default=False)


class BoxLabelQuery(CatalogueQuery):
    per_box = serializers.IntegerField(required=False, min_value=1, max_value=200, default=20)


class CatalogueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    archive_code = serializers.CharField()
    fonds = serializers.CharField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    retention = serializers.ChoiceField(choices=Retention.choices)
    org = serializers.CharField(allow_null=True)
    item_no = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    doc_number = serializers.CharField()
    doc_type = serializers.CharField()
    classification = serializers.ChoiceField(choices=Classification.choices)
    direction = serializers.CharField()
    responsible = serializers.SerializerMethodField()
    date = serializers.SerializerMethodField()
    archived_at = serializers.DateTimeField()
    destroyed = serializers.BooleanField()

    def get_responsible(self, item) -> str:
        from oa.archive.catalogue import responsible

        return responsible(item)

    def get_date(self, item) -> str:
        from oa.archive.catalogue import item_date

        return item_date(item)


class FileRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    size = serializers.IntegerField()


class CatalogueDetailSerializer(CatalogueItemSerializer):
    files = serializers.SerializerMethodField()
    due_year = serializers.SerializerMethodField()

    @extend_schema_field(FileRefSerializer(many=True))
    def get_files(self, item) -> list:
        from oa.archive.queries import live_files

        return FileRefSerializer(live_files(item), many=True).data

    def get_due_year(self, item) -> int | None:
        from oa.archive.queries import due_year

        return due_year(item)


class FacetsSerializer(serializers.Serializer):
    fonds = serializers.ListField(child=serializers.CharField())
    years = serializers.ListField(child=serializers.IntegerField())
    orgs = serializers.ListField(child=serializers.CharField())


class LoanInput(serializers.Serializer):
    documents = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    purpose = serializers.CharField(allow_blank=True, max_length=300)
    days = serializers.IntegerField()
    allow_download = serializers.BooleanField(required=False, default=False)


class LoanItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    archive_code = serializers.CharField()
    title = serializers.CharField()
    doc_number = serializers.CharField()


class LoanSerializer(serializers.ModelSerializer):
    requester = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()
    running = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = [
            "id", "requester", "items", "purpose", "allow_download", "days", "state", "running",
            "requested_at", "decided_at", "decided_by", "opinion", "expires_at", "ended_at", "process_instance",
        ]  # fmt: skip

    @extend_schema_field(PersonSerializer)
    def get_requester(self, loan) -> dict:
        return _person(loan.requester)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_decided_by(self, loan) -> dict | None:
        return _person(loan.decided_by)

    @extend_schema_field(LoanItemSerializer(many=True))
    def get_items(self, loan) -> list:
        return LoanItemSerializer(loan.documents.order_by("archive_code"), many=True).data

    def get_running(self, loan) -> bool:
        from oa.archive.queries import is_running

        return is_running(loan)


class AccessRecordSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    archive_code = serializers.CharField(source="document.archive_code")
    title = serializers.CharField(source="document.title")

    class Meta:
        model = AccessRecord
        fields = [
            "id",
            "loan",
            "document",
            "archive_code",
            "title",
            "user",
            "action",
            "file_name",
            "at",
            "ip",
        ]

    @extend_schema_field(PersonSerializer)
    def get_user(self, record) -> dict:
        return _person(record.user)


class LoanDetailSerializer(LoanSerializer):
    accesses = serializers.SerializerMethodField()

    class Meta(LoanSerializer.Meta):
        fields = [*LoanSerializer.Meta.fields, "accesses"]

    @extend_schema_field(AccessRecordSerializer(many=True))
    def get_accesses(self, loan) -> list:
        records = loan.accesses.select_related("user__account", "document").order_by("-at", "-id")
        return AccessRecordSerializer(records, many=True).data


class DueItemSerializer(CatalogueItemSerializer):
    due_year = serializers.IntegerField()
    open_appraisal = serializers.SerializerMethodField()

    def get_open_appraisal(self, item) -> int | None:
        return item.open_appraisal.pk if item.open_appraisal else None


class AppraisalInput(serializers.Serializer):
    document = serializers.IntegerField()
    proposal = serializers.ChoiceField(choices=Appraisal.Proposal.choices)
    reason = serializers.CharField(allow_blank=True, max_length=500)
    keep_years = serializers.IntegerField(required=False, allow_null=True)


class DecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class AppraisalSerializer(serializers.ModelSerializer):
    archive_code = serializers.CharField(source="document.archive_code")
    title = serializers.CharField(source="document.title")
    proposed_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Appraisal
        fields = [
            "id", "document", "archive_code", "title", "proposal", "keep_years", "reason", "state",
            "proposed_by", "proposed_at", "decided_by", "decided_at", "opinion", "review_year",
        ]  # fmt: skip

    @extend_schema_field(PersonSerializer)
    def get_proposed_by(self, a) -> dict:
        return _person(a.proposed_by)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_decided_by(self, a) -> dict | None:
        return _person(a.decided_by)


class DestroyInput(serializers.Serializer):
    document = serializers.IntegerField()


class DestroyedFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()


class DestructionSerializer(serializers.ModelSerializer):
    destroyed_by = serializers.SerializerMethodField()
    approved_by = serializers.SerializerMethodField()
    files = DestroyedFileSerializer(many=True)

    class Meta:
        model = DestructionRecord
        fields = [
            "id", "document", "appraisal", "archive_code", "title", "doc_number", "retention", "year",
            "files", "destroyed_by", "destroyed_at", "approved_by",
        ]  # fmt: skip

    @extend_schema_field(PersonSerializer)
    def get_destroyed_by(self, r) -> dict:
        return _person(r.destroyed_by)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_approved_by(self, r) -> dict | None:
        return _person(r.appraisal.decided_by)


class ArchiveTransferInput(serializers.Serializer):
    year = serializers.IntegerField()


class ArchiveTransferSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    verified_by = serializers.SerializerMethodField()

    class Meta:
        model = Transfer
        fields = [
            "id", "year", "fonds", "identifier", "item_count", "package_sha256", "package_size", "state",
            "created_by", "created_at", "verified_by", "verified_at",
        ]  # fmt: skip

    @extend_schema_field(PersonSerializer)
    def get_created_by(self, t) -> dict:
        return _person(t.created_by)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_verified_by(self, t) -> dict | None:
        return _person(t.verified_by)


class VerifyInput(serializers.Serializer):
    file = serializers.FileField()


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    identifier = serializers.CharField()
    fonds = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    item_count = serializers.IntegerField()
    file_count = serializers.IntegerField()
    sha256 = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())
    transfer = ArchiveTransferSerializer(allow_null=True)
