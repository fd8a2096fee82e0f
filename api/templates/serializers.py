from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oa.templates.models import UnitTemplate
from templates_lib.kinds import TemplateKind
from templates_lib.merging import RESOLUTIONS
from templates_lib.models import StarterKit, Template, TemplateVersion
from templates_lib.validation import canonical_text

ANY_JSON = "Text (BPMN XML) for flows; a JSON object for the other kinds."


# --- shared -------------------------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    """One structural change: a BPMN element (where = its id) or a JSON value (where = pointer)."""

    where = serializers.CharField()
    change = serializers.ChoiceField(choices=["added", "removed", "changed"])
    element = serializers.CharField(required=False, help_text="BPMN only: the element's type")
    name = serializers.CharField(required=False, allow_blank=True, help_text="BPMN only: the element's name")
    diagram = serializers.BooleanField(required=False, help_text="BPMN only: a diagram shape or edge")
    attributes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(allow_null=True)),
        required=False,
        help_text="BPMN only: attribute -> [before, after]",
    )
    content_changed = serializers.BooleanField(required=False)
    before = serializers.JSONField(required=False, allow_null=True, help_text="JSON only")
    after = serializers.JSONField(required=False, allow_null=True, help_text="JSON only")


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    detail = serializers.CharField()
    where = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    pointer = serializers.CharField(allow_null=True)


# --- console: the library -----------------------------------------------------------------


class TemplateSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    version_count = serializers.IntegerField(read_only=True, default=0)
    latest_version = serializers.IntegerField(read_only=True, allow_null=True, default=None)
    latest_published = serializers.IntegerField(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Template
        fields = [
            "id",
            "kind",
            "kind_display",
            "code",
            "name",
            "description",
            "module",
            "builtin",
            "version_count",
            "latest_version",
            "latest_published",
            "created_at",
            "updated_at",
        ]


class VersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = TemplateVersion
        fields = ["number", "state", "checksum", "notes", "created_by_name", "created_at", "published_at"]


class TemplateDetailSerializer(TemplateSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(TemplateSerializer.Meta):
        fields = [*TemplateSerializer.Meta.fields, "versions"]

    @extend_schema_field(VersionSummarySerializer(many=True))
    def get_versions(self, template) -> list[dict]:
        # The list shows versions, not their contents (BPMN runs to tens of kilobytes).
        versions = template.versions.defer("content_text", "content_json").order_by("number")
        return VersionSummarySerializer(versions, many=True).data


class VersionDetailSerializer(VersionSummarySerializer):
    template = TemplateSerializer(read_only=True)
    content = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()

    class Meta(VersionSummarySerializer.Meta):
        fields = ["template", *VersionSummarySerializer.Meta.fields, "content", "text"]

    @extend_schema_field(serializers.JSONField(help_text=ANY_JSON))
    def get_content(self, version):
        return version.content

    @extend_schema_field(serializers.CharField(help_text="The content as text (JSON indented), for display."))
    def get_text(self, version) -> str:
        return canonical_text(version.template.kind, version.content)


class TemplateCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TemplateKind.choices)
    code = serializers.CharField(max_length=64, allow_blank=True)
    name = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    module = serializers.CharField(required=False, allow_blank=True, default="")


class DraftJsonInput(serializers.Serializer):
    content = serializers.JSONField(help_text=ANY_JSON)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DraftFileInput(serializers.Serializer):
    file = serializers.FileField(help_text="A .bpmn file for flows, a .json file for the other kinds.")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DraftUpdateInput(serializers.Serializer):
    content = serializers.JSONField(required=False, help_text=ANY_JSON)
    notes = serializers.CharField(required=False, allow_blank=True)


class DiffSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TemplateKind.choices)
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    unified = serializers.CharField(help_text="Unified text diff of the two contents (JSON indented).")
    changes = ChangeSerializer(many=True)


class KitTemplateSerializer(serializers.Serializer):
    kind = serializers.CharField(source="template.kind")
    code = serializers.CharField(source="template.code")
    name = serializers.CharField(source="template.name")
    version = serializers.IntegerField(source="number")


class StarterKitSerializer(serializers.ModelSerializer):
    unit_kind_display = serializers.CharField(source="get_unit_kind_display", read_only=True)
    also_suits = serializers.ListField(child=serializers.CharField())
    modules = serializers.ListField(child=serializers.CharField())
    templates = KitTemplateSerializer(source="versions", many=True, read_only=True)

    class Meta:
        model = StarterKit
        fields = [
            "id",
            "code",
            "name",
            "description",
            "unit_kind",
            "unit_kind_display",
            "also_suits",
            "modules",
            "builtin",
            "templates",
            "updated_at",
        ]


# --- unit: the unit's own copies ----------------------------------------------------------


class UnitTemplateSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    latest_version = serializers.SerializerMethodField(
        help_text="The library's latest published version of the parent template."
    )
    upgrade_available = serializers.SerializerMethodField()

    class Meta:
        model = UnitTemplate
        fields = [
            "id",
            "kind",
            "kind_display",
            "code",
            "name",
            "parent_code",
            "parent_version",
            "latest_version",
            "upgrade_available",
            "forked",
            "edited",
            "checksum",
            "updated_at",
        ]

    def _latest(self, template) -> int | None:
        return self.context.get("latest", {}).get((template.kind, template.parent_code))

    def get_latest_version(self, template) -> int | None:
        return self._latest(template)

    def get_upgrade_available(self, template) -> bool:
        latest = self._latest(template)
        return bool(latest and template.parent_version and latest > template.parent_version)


class UnitTemplateDetailSerializer(UnitTemplateSerializer):
    content = serializers.SerializerMethodField()

    class Meta(UnitTemplateSerializer.Meta):
        fields = [*UnitTemplateSerializer.Meta.fields, "content"]

    @extend_schema_field(serializers.JSONField(help_text=ANY_JSON))
    def get_content(self, template):
        return template.content


class LibraryEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TemplateKind.choices)
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    module = serializers.CharField(allow_blank=True)
    latest_version = serializers.IntegerField()
    installed = serializers.BooleanField(help_text="The unit already has a copy with this code.")


class InstantiateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TemplateKind.choices)
    code = serializers.CharField(max_length=64)
    version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class UnitTemplateEditInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    content = serializers.JSONField(required=False, help_text=ANY_JSON)


class ForkInput(serializers.Serializer):
    code = serializers.CharField(max_length=64, allow_blank=True)
    name = serializers.CharField(max_length=200, allow_blank=True)


class UpgradeInput(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Default: the latest published version."
    )
    resolutions = serializers.DictField(
        child=serializers.ChoiceField(choices=list(RESOLUTIONS)),
        required=False,
        default=dict,
        help_text='Conflict "where" -> "ours" (keep the unit\'s) or "theirs" (take the new version\'s).',
    )


class ConflictSerializer(serializers.Serializer):
    where = serializers.CharField(
        help_text="JSON pointer; or a BPMN element id, id@attribute, id#content, id/parent"
    )
    detail = serializers.CharField()
    element = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    base = serializers.JSONField(allow_null=True)
    ours = serializers.JSONField(allow_null=True)
    theirs = serializers.JSONField(allow_null=True)
    resolution = serializers.ChoiceField(choices=list(RESOLUTIONS), allow_null=True)


class UpgradePreviewSerializer(serializers.Serializer):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    clean = serializers.BooleanField(help_text="True when the upgrade can be applied as previewed.")
    conflicts = ConflictSerializer(many=True)
    problems = ProblemSerializer(many=True)
    library_changes = ChangeSerializer(many=True, help_text="What the library changed (base → new version).")
    unit_changes = ChangeSerializer(many=True, help_text="What the unit changed (base → unit's content).")
    result_diff = serializers.CharField(help_text="Unified diff: the unit's content → the merged content.")
    content = serializers.JSONField(
        help_text="The merged content; unresolved conflicts keep the unit's side."
    )
