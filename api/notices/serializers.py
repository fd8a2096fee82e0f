"""信息发布 API shapes. Inputs name every field (the OpenAPI schema and the frontend's types list
them); the actions re-validate and answer {code, detail, field} on refusal."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oa.notices.models import Notice


def person(user) -> dict | None:
    if user is None:
        return None
    account = getattr(user, "account", None)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": account.display_name if account else user.username,
    }


class NoticePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()


class NoticeColumnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    order = serializers.IntegerField()
    approval_flow = serializers.CharField()
    receives_from_units = serializers.BooleanField()
    publishers = NoticePersonSerializer(many=True)
    can_publish = serializers.BooleanField()


class NoticeColumnInput(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=32)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    order = serializers.IntegerField(required=False)
    approval_flow = serializers.CharField(required=False, allow_blank=True, max_length=64)
    receives_from_units = serializers.BooleanField(required=False)
    publishers = serializers.ListField(child=serializers.IntegerField(), required=False)


class NoticeInput(serializers.Serializer):
    """What a publisher sets on a draft (and the column, when creating it)."""

    column = serializers.IntegerField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    body_html = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    pinned = serializers.BooleanField(required=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    audience_all = serializers.BooleanField(required=False)
    audience_departments = serializers.ListField(child=serializers.IntegerField(), required=False)
    audience_roles = serializers.ListField(child=serializers.IntegerField(), required=False)
    audience_users = serializers.ListField(child=serializers.IntegerField(), required=False)


class NoticeListQuery(serializers.Serializer):
    column = serializers.IntegerField(required=False)
    unread = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(required=False, allow_blank=True, default="")


class NoticeManagedQuery(serializers.Serializer):
    column = serializers.IntegerField(required=False)
    state = serializers.ChoiceField(choices=Notice.State.choices, required=False, default="")


class NoticeColumnRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NoticeListItemSerializer(serializers.ModelSerializer):
    column = NoticeColumnRefSerializer()
    state_label = serializers.CharField(source="get_state_display")
    published_by = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id", "title", "column", "state", "state_label", "pinned", "expires_at", "published_at",
            "published_by", "source_unit", "audience_all", "recipient_count", "read", "snippet",
        ]  # fmt: skip

    @extend_schema_field(NoticePersonSerializer(allow_null=True))
    def get_published_by(self, notice) -> dict | None:
        return person(notice.published_by)

    def get_read(self, notice) -> bool:
        return getattr(notice, "read_at", None) is not None

    def get_snippet(self, notice) -> str:
        return (notice.body_text or "")[:120]


class NoticeFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class NoticeAudienceSerializer(serializers.Serializer):
    all = serializers.BooleanField()
    departments = serializers.ListField(child=serializers.IntegerField())
    roles = serializers.ListField(child=serializers.IntegerField())
    users = serializers.ListField(child=serializers.IntegerField())
    summary = serializers.CharField()


class NoticeCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    read = serializers.IntegerField()
    unread = serializers.IntegerField()


class NoticeDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    column = NoticeColumnRefSerializer()
    state = serializers.CharField()
    state_label = serializers.CharField()
    body_html = serializers.CharField()
    pinned = serializers.BooleanField()
    expires_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    published_by = NoticePersonSerializer(allow_null=True)
    author = NoticePersonSerializer(allow_null=True)
    source_unit = serializers.CharField()
    retract_reason = serializers.CharField()
    audience = NoticeAudienceSerializer()
    files = NoticeFileSerializer(many=True)
    read_at = serializers.DateTimeField(allow_null=True)
    managing = serializers.BooleanField()
    editable = serializers.BooleanField()
    counts = NoticeCountsSerializer(allow_null=True)
    process_instance = serializers.IntegerField(allow_null=True)


class NoticeReceiptSerializer(serializers.Serializer):
    user = NoticePersonSerializer()
    department = serializers.CharField()
    read_at = serializers.DateTimeField(allow_null=True)
    reminded_at = serializers.DateTimeField(allow_null=True)
    remind_count = serializers.IntegerField()


class NoticeReceiptsSerializer(serializers.Serializer):
    counts = NoticeCountsSerializer()
    last_reminded_at = serializers.DateTimeField(allow_null=True)
    receipts = NoticeReceiptSerializer(many=True)


class NoticeRetractInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class NoticeRemindResultSerializer(serializers.Serializer):
    reminded = serializers.IntegerField()


class NoticeUnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class NoticeFilesInput(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField())


class NoticeSendInput(serializers.Serializer):
    recipients = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    groups = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class NoticeFlowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
