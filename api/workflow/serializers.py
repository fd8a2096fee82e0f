from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.auth.serializers import IdName
from oa.directory.models import Staff
from oa.workflow.models import CirculationRecord, HumanTask, ProcessDefinition, ProcessInstance, TaskEvent
from oa.workflow.queries import TASK_ACTIONS


def person(user) -> dict | None:
    if user is None:
        return None
    account = getattr(user, "account", None)
    return {"id": user.pk, "name": (account.display_name if account else "") or user.username}


@extend_schema_field(IdName(allow_null=True))
class PersonField(serializers.Field):
    """A user as {id, name} (the display name from their account)."""

    def to_representation(self, value):
        return person(value)


@extend_schema_field(OpenApiTypes.INT)
class StaffUserField(serializers.PrimaryKeyRelatedField):
    """A person picked in the org picker: a Staff id in, the staff member's user out."""

    def get_queryset(self):
        return Staff.objects.select_related("user").filter(user__is_active=True)

    def to_internal_value(self, data):
        return super().to_internal_value(data).user


# --- tasks ------------------------------------------------------------------------------------


class TaskListItemSerializer(serializers.ModelSerializer):
    instance = serializers.IntegerField(source="instance_id")
    title = serializers.CharField(source="instance.title")
    module = serializers.CharField(source="instance.module")
    # What the item is about ("documents.document:12"), so a module's to-do opens its own page.
    business_key = serializers.CharField(source="instance.business_key")
    urgency = serializers.ChoiceField(source="instance.urgency", choices=ProcessInstance.Urgency.choices)
    starter = PersonField(source="instance.starter")

    class Meta:
        model = HumanTask
        fields = [
            "id",
            "name",
            "element_id",
            "kind",
            "state",
            "form_key",
            "instance",
            "title",
            "module",
            "business_key",
            "urgency",
            "starter",
            "created_at",
            "due_at",
            "overdue",
            "remind_count",
            "completed_at",
            "outcome",
        ]


class TaskEventSerializer(serializers.ModelSerializer):
    task = serializers.IntegerField(source="task_id", allow_null=True)

    class Meta:
        model = TaskEvent
        fields = ["id", "action", "step", "task", "actor_name", "outcome", "opinion", "at", "detail"]


class ReturnTargetSerializer(serializers.Serializer):
    element_id = serializers.CharField()
    name = serializers.CharField()


class AllowedSerializer(serializers.Serializer):
    actions = serializers.ListField(child=serializers.ChoiceField(choices=TASK_ACTIONS))
    outcomes = serializers.ListField(child=serializers.CharField())
    return_targets = ReturnTargetSerializer(many=True)


class DefinitionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessDefinition
        fields = ["key", "name", "version"]


class InstanceSummarySerializer(serializers.ModelSerializer):
    definition = DefinitionRefSerializer()
    starter = PersonField()

    class Meta:
        model = ProcessInstance
        fields = [
            "id",
            "title",
            "business_key",
            "module",
            "urgency",
            "state",
            "definition",
            "starter",
            "data",
            "started_at",
            "ended_at",
        ]


class TaskDetailSerializer(TaskListItemSerializer):
    """A task with what the page needs: the item, its trail, and the buttons I may press."""

    assignee = PersonField()
    completed_by = PersonField()
    instance_detail = serializers.SerializerMethodField()
    trail = serializers.SerializerMethodField()
    allowed = serializers.SerializerMethodField()

    class Meta(TaskListItemSerializer.Meta):
        fields = [
            *TaskListItemSerializer.Meta.fields,
            "opinion",
            "assignee",
            "completed_by",
            "instance_detail",
            "trail",
            "allowed",
        ]

    @extend_schema_field(InstanceSummarySerializer)
    def get_instance_detail(self, task):
        return InstanceSummarySerializer(task.instance).data

    @extend_schema_field(TaskEventSerializer(many=True))
    def get_trail(self, task):
        return TaskEventSerializer(self.context["trail"], many=True).data

    @extend_schema_field(AllowedSerializer)
    def get_allowed(self, task):
        return AllowedSerializer(self.context["allowed"]).data


class CompleteInput(serializers.Serializer):
    outcome = serializers.CharField(max_length=32, help_text="One of the task's allowed.outcomes.")
    opinion = serializers.CharField(required=False, allow_blank=True, default="")
    data = serializers.DictField(required=False, default=dict, help_text="The step's form fields.")


class ReturnInput(serializers.Serializer):
    to_element = serializers.CharField(
        max_length=128, help_text="The BPMN id of one of the task's allowed.return_targets."
    )
    opinion = serializers.CharField(allow_blank=True, help_text="The reason, shown to whoever gets it back.")


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TransferInput(serializers.Serializer):
    to_staff = StaffUserField(help_text="The staff member (Staff id) who takes the task over.")
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class AddSignerInput(serializers.Serializer):
    staff = StaffUserField(help_text="The staff member (Staff id) who must also sign.")
    opinion = serializers.CharField(required=False, allow_blank=True, default="")


class RemindInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- instances and definitions ---------------------------------------------------------------


class DefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessDefinition
        fields = ["id", "key", "name", "version", "module", "created_at"]


class StartInput(serializers.Serializer):
    key = serializers.SlugField(
        max_length=64,
        required=False,
        help_text="The flow's key (the unit's flow template code); its current version starts.",
    )
    definition = serializers.SlugField(
        max_length=64, required=False, help_text="Same as key (older clients)."
    )
    title = serializers.CharField(max_length=500, allow_blank=True)
    data = serializers.DictField(required=False, default=dict)
    business_key = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(
        choices=ProcessInstance.Urgency.choices, required=False, default=ProcessInstance.Urgency.NORMAL
    )


class StartableFlowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    module = serializers.CharField()
    form_key = serializers.CharField(help_text="The start event's camunda:formKey (a unit form template).")
    schema = serializers.JSONField(allow_null=True, help_text="The start form's JSON Schema (Draft 2020-12).")
    ui = serializers.JSONField(allow_null=True, help_text="The start form's layout hints.")


class InstanceTaskSerializer(serializers.ModelSerializer):
    assignee = PersonField()
    completed_by = PersonField()

    class Meta:
        model = HumanTask
        fields = [
            "id",
            "name",
            "element_id",
            "kind",
            "state",
            "assignee",
            "completed_by",
            "outcome",
            "opinion",
            "created_at",
            "due_at",
            "overdue",
            "completed_at",
        ]


class CirculationSerializer(serializers.ModelSerializer):
    instance = serializers.IntegerField(source="instance_id")
    title = serializers.CharField(source="instance.title")
    sender = PersonField()
    recipient = PersonField()

    class Meta:
        model = CirculationRecord
        fields = ["id", "instance", "title", "sender", "recipient", "note", "created_at", "read_at"]


class InstanceDetailSerializer(InstanceSummarySerializer):
    tasks = serializers.SerializerMethodField()
    trail = serializers.SerializerMethodField()
    circulations = serializers.SerializerMethodField()

    class Meta(InstanceSummarySerializer.Meta):
        fields = [*InstanceSummarySerializer.Meta.fields, "tasks", "trail", "circulations"]

    @extend_schema_field(InstanceTaskSerializer(many=True))
    def get_tasks(self, instance):
        return InstanceTaskSerializer(self.context["tasks"], many=True).data

    @extend_schema_field(TaskEventSerializer(many=True))
    def get_trail(self, instance):
        return TaskEventSerializer(self.context["trail"], many=True).data

    @extend_schema_field(CirculationSerializer(many=True))
    def get_circulations(self, instance):
        return CirculationSerializer(self.context["circulations"], many=True).data


class CirculateInput(serializers.Serializer):
    recipients = serializers.ListField(child=StaffUserField(), min_length=1, max_length=500)
    note = serializers.CharField(required=False, allow_blank=True, default="")
