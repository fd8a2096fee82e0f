"""The 信息发布 API on a unit's host. Who may see an item is decided in oa.notices.queries (404
for someone it was never for; 410 expired / retracted for its audience); who may act, in the
actions (403)."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exchange.serializers import EnvelopeSerializer, SendResultSerializer
from api.notices import serializers as s
from api.pagination import Pagination
from api.permissions import IsUnitMember, client_ip, unit_permission
from oa.core.errors import ActionError, ErrorCode
from oa.notices import actions, queries
from oa.notices.models import Column, Notice


class IsPublisher(IsUnitMember):
    """A publisher of at least one column (the column itself is checked by the action)."""

    message = "您不是任何栏目的发布人。"

    def has_permission(self, request, view) -> bool:
        return (
            super().has_permission(request, view) and Column.objects.filter(publishers=request.user).exists()
        )


def _column_payload(column: Column, user) -> dict:
    publishers = list(column.publishers.select_related("account").order_by("username"))
    return {
        "id": column.pk,
        "name": column.name,
        "description": column.description,
        "order": column.order,
        "approval_flow": column.approval_flow,
        "receives_from_units": column.receives_from_units,
        "publishers": [s.person(u) for u in publishers],
        "can_publish": any(u.pk == user.pk for u in publishers),
    }


def _audience_summary(notice: Notice) -> str:
    from oa.directory.models import Department, Role

    if notice.audience_all:
        return "全单位"
    parts = list(Department.objects.filter(pk__in=notice.audience_departments).values_list("name", flat=True))
    parts += list(Role.objects.filter(pk__in=notice.audience_roles).values_list("name", flat=True))
    if notice.audience_users:
        parts.append(f"{len(notice.audience_users)} 人")
    return "、".join(parts)


def notice_payload(notice: Notice, user, *, managing: bool) -> dict:
    from oa.notices.models import NoticeRecipient

    notice = Notice.objects.select_related("column", "author__account", "published_by__account").get(
        pk=notice.pk
    )
    receipt = NoticeRecipient.objects.filter(notice=notice, user_id=user.pk).first()
    return {
        "id": notice.pk,
        "title": notice.title,
        "column": {"id": notice.column_id, "name": notice.column.name},
        "state": notice.state,
        "state_label": notice.get_state_display(),
        "body_html": notice.body_html,
        "pinned": notice.pinned,
        "expires_at": notice.expires_at,
        "published_at": notice.published_at,
        "published_by": s.person(notice.published_by),
        "author": s.person(notice.author),
        "source_unit": notice.source_unit,
        "retract_reason": notice.retract_reason,
        "audience": {
            "all": notice.audience_all,
            "departments": notice.audience_departments,
            "roles": notice.audience_roles,
            "users": notice.audience_users,
            "summary": _audience_summary(notice),
        },
        "files": list(queries.live_files(notice).values("id", "name", "kind", "size", "sha256")),
        "read_at": receipt.read_at if receipt else None,
        "managing": managing,
        "editable": managing and notice.state in (Notice.State.DRAFT, Notice.State.REJECTED),
        "counts": queries.receipt_counts(notice) if managing and notice.published_at else None,
        "process_instance": notice.process_instance_id,
    }


def _detail(notice: Notice, user, *, status_code=status.HTTP_200_OK) -> Response:
    return Response(notice_payload(notice, user, managing=True), status=status_code)


class NoticeListView(generics.ListAPIView):
    """信息列表: what I may read, pinned first, newest first; `q` searches (best first)."""

    permission_classes = [IsUnitMember]
    pagination_class = Pagination
    serializer_class = s.NoticeListItemSerializer

    @extend_schema(parameters=[s.NoticeListQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = s.NoticeListQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return queries.list_for_reader(self.request.user, queries.NoticeFilters(**params.validated_data))


class UnreadCountView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.NoticeUnreadCountSerializer)
    def get(self, request):
        return Response({"unread": queries.unread_count(request.user)})


class ColumnListView(APIView):
    """栏目: every member sees them (to filter the list); the unit admin keeps them."""

    def get_permissions(self):
        return [IsUnitMember()] if self.request.method == "GET" else [unit_permission("notices.manage")()]

    @extend_schema(responses=s.NoticeColumnSerializer(many=True))
    def get(self, request):
        return Response(
            [_column_payload(c, request.user) for c in Column.objects.prefetch_related("publishers")]
        )

    @extend_schema(request=s.NoticeColumnInput, responses={201: s.NoticeColumnSerializer})
    def post(self, request):
        data = s.NoticeColumnInput(data=request.data)
        data.is_valid(raise_exception=True)
        column = actions.do_create_column(
            acting_user=request.user, fields=dict(data.validated_data), ip=client_ip(request)
        )
        return Response(_column_payload(column, request.user), status=status.HTTP_201_CREATED)


def _column(pk: int) -> Column:
    column = Column.objects.filter(pk=pk).first()
    if column is None:
        raise ActionError(ErrorCode.NOT_FOUND, "栏目不存在。", status=404)
    return column


class ColumnDetailView(APIView):
    permission_classes = [unit_permission("notices.manage")]

    @extend_schema(request=s.NoticeColumnInput, responses=s.NoticeColumnSerializer)
    def patch(self, request, pk: int):
        data = s.NoticeColumnInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        column = actions.do_update_column(
            _column(pk), acting_user=request.user, fields=dict(data.validated_data), ip=client_ip(request)
        )
        return Response(_column_payload(column, request.user))

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        actions.do_delete_column(_column(pk), acting_user=request.user, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ManagedListView(generics.ListAPIView):
    """发布管理: the items of the columns I publish in (drafts, pending, published, retracted);
    POST writes a new draft in one of them."""

    permission_classes = [IsPublisher]
    pagination_class = Pagination
    serializer_class = s.NoticeListItemSerializer

    @extend_schema(parameters=[s.NoticeManagedQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = s.NoticeManagedQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return queries.list_managed(self.request.user, **params.validated_data)

    @extend_schema(request=s.NoticeInput, responses={201: s.NoticeDetailSerializer})
    def post(self, request):
        data = s.NoticeInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        column_id = fields.pop("column", None)
        if column_id is None:
            raise ActionError(ErrorCode.REQUIRED, "请选择栏目。", field="column")
        column = Column.objects.filter(pk=column_id).first()
        if column is None:
            raise ActionError(ErrorCode.INVALID, "栏目不存在。", field="column")
        notice = actions.do_create_notice(
            column, acting_user=request.user, fields=fields, ip=client_ip(request)
        )
        return _detail(notice, request.user, status_code=status.HTTP_201_CREATED)


class NoticeDetailView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.NoticeDetailSerializer)
    def get(self, request, pk: int):
        notice, managing = queries.get_notice_for_user(request.user, pk)
        return Response(notice_payload(notice, request.user, managing=managing))

    @extend_schema(request=s.NoticeInput, responses=s.NoticeDetailSerializer)
    def patch(self, request, pk: int):
        notice = queries.get_managed_notice(request.user, pk)
        data = s.NoticeInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "column"}
        actions.do_update_notice(notice, acting_user=request.user, changes=changes, ip=client_ip(request))
        return _detail(notice, request.user)


class ReadView(APIView):
    """已读: the reader opened the item (its receipt)."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=None, responses=s.NoticeDetailSerializer)
    def post(self, request, pk: int):
        notice, managing = queries.get_notice_for_user(request.user, pk)
        actions.do_mark_read(notice, acting_user=request.user, ip=client_ip(request))
        return Response(notice_payload(notice, request.user, managing=managing))


class PublishView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=None, responses=s.NoticeDetailSerializer)
    def post(self, request, pk: int):
        notice = queries.get_managed_notice(request.user, pk)
        actions.do_publish_notice(notice, acting_user=request.user, ip=client_ip(request))
        return _detail(notice, request.user)


class RetractView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=s.NoticeRetractInput, responses=s.NoticeDetailSerializer)
    def post(self, request, pk: int):
        notice = queries.get_managed_notice(request.user, pk)
        data = s.NoticeRetractInput(data=request.data)
        data.is_valid(raise_exception=True)
        actions.do_retract_notice(
            notice, acting_user=request.user, reason=data.validated_data["reason"], ip=client_ip(request)
        )
        return _detail(notice, request.user)


class RemindView(APIView):
    """提醒未读: remind everyone of the audience who has not read the item."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=None, responses=s.NoticeRemindResultSerializer)
    def post(self, request, pk: int):
        notice = queries.get_managed_notice(request.user, pk)
        count = actions.do_remind_unread(notice, acting_user=request.user, ip=client_ip(request))
        return Response({"reminded": count})


class ReceiptsView(APIView):
    """阅读情况: who has read the item and who has not, for its column's publishers."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.NoticeReceiptsSerializer)
    def get(self, request, pk: int):
        notice = queries.get_managed_notice(request.user, pk)
        rows = [
            {
                "user": s.person(r.user),
                "department": r.user.staff.department.name
                if hasattr(r.user, "staff") and r.user.staff.department_id
                else "",
                "read_at": r.read_at,
                "reminded_at": r.reminded_at,
                "remind_count": r.remind_count,
            }
            for r in queries.receipts(notice)
        ]
        return Response(
            {
                "counts": queries.receipt_counts(notice),
                "last_reminded_at": notice.last_reminded_at,
                "receipts": rows,
            }
        )


class FilesView(APIView):
    permission_classes = [IsUnitMember]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.NoticeFilesInput}, responses={201: s.NoticeDetailSerializer}
    )
    def post(self, request, pk: int):
        notice = queries.get_managed_notice(request.user, pk)
        files = [(f.name, f.read()) for f in request.FILES.getlist("files")]
        actions.do_add_notice_files(notice, acting_user=request.user, files=files, ip=client_ip(request))
        return _detail(notice, request.user, status_code=status.HTTP_201_CREATED)


def _file(notice: Notice, file_pk: int):
    file = queries.live_files(notice).filter(pk=file_pk).first()
    if file is None:
        raise ActionError(ErrorCode.NOT_FOUND, "附件不存在。", status=404)
    return file


class FileView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int, file_pk: int):
        from oa.documents.storage import open_blob

        notice, _managing = queries.get_notice_for_user(request.user, pk)
        file = _file(notice, file_pk)
        response = FileResponse(
            open_blob(file.sha256), content_type=file.mime_type, as_attachment=True, filename=file.name
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(responses=s.NoticeDetailSerializer)
    def delete(self, request, pk: int, file_pk: int):
        notice = queries.get_managed_notice(request.user, pk)
        actions.do_remove_notice_file(_file(notice, file_pk), acting_user=request.user, ip=client_ip(request))
        return _detail(notice, request.user)


class SendView(APIView):
    """发布到其他单位: the published item through the exchange hub (e.g. to 全市区政府办公室)."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=s.NoticeSendInput, responses={201: SendResultSerializer})
    def post(self, request, pk: int):
        from exchange.notices import do_send_notice

        notice = queries.get_managed_notice(request.user, pk)
        data = s.NoticeSendInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = do_send_notice(
            notice, acting_user=request.user, recipients=data.validated_data["recipients"],
            groups=data.validated_data["groups"], ip=client_ip(request),
        )  # fmt: skip
        body = {"envelope": EnvelopeSerializer(result.envelope).data, "skipped": result.skipped}
        return Response(body, status=status.HTTP_201_CREATED)


class ApprovalFlowsView(APIView):
    """The unit's flows of the notices module: what a column may name as its approval flow."""

    permission_classes = [unit_permission("notices.manage")]

    @extend_schema(responses=s.NoticeFlowSerializer(many=True))
    def get(self, request):
        from oa.notices.approval import notice_flows

        return Response(notice_flows())
