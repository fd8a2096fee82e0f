"""The workflow API on a unit's host: to-do and done lists, the task page and its actions,
starting and following instances, circulation. Visibility is decided in oa.workflow.queries
(someone who may not see a task gets 404), permission to act in the actions (403)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsUnitMember, client_ip
from api.workflow import serializers as s
from oa.core.errors import ActionError, ErrorCode
from oa.templates import flows
from oa.workflow import actions, queries


def task_payload(task, user) -> dict:
    task = queries.get_task_for_user(user, task.pk)
    context = {"trail": queries.trail(task.instance), "allowed": queries.allowed_actions(task, user)}
    return s.TaskDetailSerializer(task, context=context).data


def instance_payload(instance) -> dict:
    context = {
        "tasks": queries.instance_tasks(instance),
        "trail": queries.trail(instance),
        "circulations": queries.instance_circulations(instance),
    }
    return s.InstanceDetailSerializer(instance, context=context).data


class TaskListQuery(serializers.Serializer):
    state = serializers.ChoiceField(choices=["open", "done"], required=False, default="open")
    module = serializers.CharField(required=False, allow_blank=True, default="")
    urgent = serializers.BooleanField(required=False, allow_null=True, default=None)
    due_before = serializers.DateTimeField(required=False, allow_null=True, default=None)


class TaskListView(generics.ListAPIView):
    """My to-do list (待办, ?state=open) or done list (已办, ?state=done)."""

    permission_classes = [IsUnitMember]
    serializer_class = s.TaskListItemSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=["open", "done"]),
            OpenApiParameter("module", str),
            OpenApiParameter("urgent", bool),
            OpenApiParameter("due_before", str, description="ISO 8601 date-time"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = TaskListQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = dict(params.validated_data)
        listing = queries.open_tasks_for if filters.pop("state") == "open" else queries.done_tasks_for
        return listing(self.request.user, **filters)


class TaskDetailView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.TaskDetailSerializer)
    def get(self, request, pk: int):
        return Response(task_payload(queries.get_task_for_user(request.user, pk), request.user))


class TaskActionView(APIView):
    """POST /tasks/{id}/<action>/: parse, call the one action, answer the task page.

    Each subclass declares its own `post` with `@extend_schema(request=...)`: decorating one
    inherited function in a loop would annotate the same function object every time, and the
    schema would show the last action's body for all of them."""

    permission_classes = [IsUnitMember]

    def handle(self, request, pk: int, input_class: type[serializers.Serializer]):
        task = queries.get_task_for_user(request.user, pk)
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        result = self.act(task, request, **data.validated_data)
        return Response(task_payload(result or task, request.user))

    def act(self, task, request, **data):
        raise NotImplementedError


class TaskCompleteView(TaskActionView):
    """办理: decide on the step (an outcome of the step, an opinion, form data)."""

    @extend_schema(request=s.CompleteInput, responses=s.TaskDetailSerializer)
    def post(self, request, pk: int):
        return self.handle(request, pk, s.CompleteInput)

    def act(self, task, request, **data):
        flows.validate_resubmission(task, data.get("data"))
        return actions.do_complete_task(task, acting_user=request.user, ip=client_ip(request), **data)


class TaskReturnView(TaskActionView):
    """退回: send the flow back to an earlier completed step, with a reason."""

    @extend_schema(request=s.ReturnInput, responses=s.TaskDetailSerializer)
    def post(self, request, pk: int):
        return self.handle(request, pk, s.ReturnInput)

    def act(self, task, request, **data):
        return actions.do_return_task(task, acting_user=request.user, ip=client_ip(request), **data)


class TaskWithdrawView(TaskActionView):
    """撤回: take back a step I completed while the next one is untouched."""

    @extend_schema(request=s.WithdrawInput, responses=s.TaskDetailSerializer)
    def post(self, request, pk: int):
        return self.handle(request, pk, s.WithdrawInput)

    def act(self, task, request, **data):
        return actions.do_withdraw_task(task, acting_user=request.user, ip=client_ip(request), **data)


class TaskTransferView(TaskActionView):
    """转办: hand the task to another staff member."""

    @extend_schema(request=s.TransferInput, responses=s.TaskDetailSerializer)
    def post(self, request, pk: int):
        return self.handle(request, pk, s.TransferInput)

    def act(self, task, request, to_staff, opinion):
        actions.do_transfer_task(
            task, acting_user=request.user, to_user=to_staff, opinion=opinion, ip=client_ip(request)
        )


class TaskAddSignerView(TaskActionView):
    """加签: one more staff member must sign this step."""

    @extend_schema(request=s.AddSignerInput, responses=s.TaskDetailSerializer)
    def post(self, request, pk: int):
        return self.handle(request, pk, s.AddSignerInput)

    def act(self, task, request, staff, opinion):
        actions.do_add_signer(
            task, acting_user=request.user, user=staff, opinion=opinion, ip=client_ip(request)
        )


class TaskRemindView(TaskActionView):
    """催办: urge whoever holds this open task."""

    @extend_schema(request=s.RemindInput, responses=s.TaskDetailSerializer)
    def post(self, request, pk: int):
        return self.handle(request, pk, s.RemindInput)

    def act(self, task, request, **data):
        return actions.do_remind_task(task, acting_user=request.user, ip=client_ip(request), **data)


class DefinitionListView(APIView):
    """The flows I may start (the latest version of each)."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.DefinitionSerializer(many=True))
    def get(self, request):
        return Response(s.DefinitionSerializer(queries.startable_definitions(request.user), many=True).data)


class StartableFlowListView(APIView):
    """The unit's flows I may start (发起), each with its start form's JSON Schema and layout."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.StartableFlowSerializer(many=True))
    def get(self, request):
        return Response(s.StartableFlowSerializer(flows.startable_flows(request.user), many=True).data)


class InstanceListView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=s.StartInput, responses={201: s.InstanceDetailSerializer})
    def post(self, request):
        data = s.StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        key = fields.pop("key", None) or fields.pop("definition", None)
        fields.pop("definition", None)
        if not key:
            raise ActionError(ErrorCode.REQUIRED, "请选择要发起的流程。", field="key")
        instance = flows.do_start_flow(acting_user=request.user, key=key, ip=client_ip(request), **fields)
        return Response(instance_payload(instance), status=status.HTTP_201_CREATED)


class InstanceDetailView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.InstanceDetailSerializer)
    def get(self, request, pk: int):
        return Response(instance_payload(queries.get_instance_for_user(request.user, pk)))


class InstanceCirculateView(APIView):
    """传阅: send the item to staff for reading, with read receipts."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=s.CirculateInput, responses={201: s.InstanceDetailSerializer})
    def post(self, request, pk: int):
        instance = queries.get_instance_for_user(request.user, pk)
        data = s.CirculateInput(data=request.data)
        data.is_valid(raise_exception=True)
        actions.do_circulate(instance, acting_user=request.user, ip=client_ip(request), **data.validated_data)
        return Response(instance_payload(instance), status=status.HTTP_201_CREATED)


class CirculationListQuery(serializers.Serializer):
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)


class CirculationListView(generics.ListAPIView):
    """What was circulated to me (?unread=true for what I have not read)."""

    permission_classes = [IsUnitMember]
    serializer_class = s.CirculationSerializer

    @extend_schema(parameters=[OpenApiParameter("unread", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = CirculationListQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return queries.circulations_for(self.request.user, **params.validated_data)


class CirculationReadView(APIView):
    """已阅: the read receipt; reading again keeps the first time."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=None, responses=s.CirculationSerializer)
    def post(self, request, pk: int):
        record = queries.get_circulation_for_user(request.user, pk)
        record = actions.do_read_circulation(record, acting_user=request.user, ip=client_ip(request))
        return Response(
            s.CirculationSerializer(queries.get_circulation_for_user(request.user, record.pk)).data
        )
