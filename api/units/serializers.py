from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.models import Job, Unit
from tenants.modules import BY_CODE, UNIT_KINDS


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.CharField(read_only=True)
    modules = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "kind",
            "kind_display",
            "status",
            "url",
            "modules",
            "starter_kit",
            "created_at",
            "suspended_at",
            "suspend_reason",
        ]


class UnitCreatedSerializer(UnitSerializer):
    admin_username = serializers.CharField()
    admin_password = serializers.CharField(allow_null=True, help_text="Generated password, shown only once.")

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "admin_username", "admin_password"]


class UnitCreateInput(serializers.Serializer):
    code = serializers.CharField(max_length=64, allow_blank=True)
    name = serializers.CharField(max_length=200, allow_blank=True)
    kind = serializers.ChoiceField(choices=[k.code for k in UNIT_KINDS], default="district_office")
    admin_username = serializers.CharField(max_length=150, default="admin")
    admin_display_name = serializers.CharField(max_length=64, default="单位管理员")
    admin_password = serializers.CharField(
        max_length=128, required=False, allow_null=True, allow_blank=True, trim_whitespace=False
    )
    modules = serializers.ListField(
        child=serializers.ChoiceField(choices=list(BY_CODE)),
        required=False,
        help_text="Default: the starter kit's modules.",
    )
    starter_kit = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Starter kit code (GET /api/starter-kits/); default: the kit for the unit's kind.",
    )


class UnitUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    # Enabling and disabling a unit's modules is this PATCH (docs/adr/0006): the list is the
    # complete set of enabled modules.
    modules = serializers.ListField(
        child=serializers.ChoiceField(choices=list(BY_CODE)),
        required=False,
        help_text="The unit's enabled modules, complete (enable or disable modules by sending the new list).",
    )


class SuspendInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, allow_blank=True)


class DeleteInput(serializers.Serializer):
    confirm = serializers.CharField(max_length=64, allow_blank=True)


class BulkInput(serializers.Serializer):
    file = serializers.FileField()


class JobResultSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=["created", "existing", "failed"])
    admin_username = serializers.CharField(required=False)
    admin_password = serializers.CharField(required=False, allow_null=True)
    detail = serializers.CharField(required=False)


class JobErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    field = serializers.CharField(allow_null=True)
    detail = serializers.CharField()


class JobSerializer(serializers.ModelSerializer):
    errors = JobErrorSerializer(many=True)
    results = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id", "kind", "status", "interrupted", "total", "done", "errors", "results", "created_at",
            "finished_at",
        ]  # fmt: skip

    @extend_schema_field(JobResultSerializer(many=True))
    def get_results(self, job) -> list[dict]:
        results = self.context.get("results", job.payload.get("results", []))
        return JobResultSerializer(results, many=True).data


class CatalogueEntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    description = serializers.CharField(required=False)
