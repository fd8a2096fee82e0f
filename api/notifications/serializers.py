from __future__ import annotations

from rest_framework import serializers

from oa.notifications.kinds import KINDS
from oa.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "link",
            "source_type",
            "source_id",
            "actor_name",
            "created_at",
            "read_at",
            "read",
        ]

    def get_kind_label(self, obj) -> str:
        kind = KINDS.get(obj.kind)
        return kind.zh if kind else obj.kind

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationListQuery(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True, default="")
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate_kind(self, value: str) -> str:
        if value and value not in KINDS:
            raise serializers.ValidationError(f"没有“{value}”这种消息类型。")
        return value


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class ReadAllSerializer(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True, default="")


class ReadAllResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField()
    module = serializers.CharField()
    enabled = serializers.BooleanField()


class PreferenceChangeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    enabled = serializers.BooleanField()


class PreferencesUpdateSerializer(serializers.Serializer):
    preferences = PreferenceChangeSerializer(many=True, allow_empty=False)
