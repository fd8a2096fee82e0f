from __future__ import annotations

from rest_framework import serializers

from oa.core.models import ApiToken


class IdName(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=["provider", "unit"])
    permissions = serializers.ListField(child=serializers.CharField())
    department = IdName(allow_null=True)
    position = IdName(allow_null=True)
    roles = IdName(many=True)
    must_change_password = serializers.BooleanField()


class LoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=True)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordChangeInput(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenInput(serializers.Serializer):
    name = serializers.CharField(max_length=64)


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]


class TokenCreatedSerializer(TokenSerializer):
    token = serializers.CharField(help_text="The token itself, shown only in this response.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]


class ModuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    available = serializers.BooleanField()


class ContextUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    modules = ModuleSerializer(many=True)


class ContextSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["console", "unit"])
    platform_name = serializers.CharField()
    unit = ContextUnitSerializer(allow_null=True)
