"""公文交换 on a unit's host: the directory and groups to address, sending a sealed 发文 or a
会议通知 (for an approved 会议申请) and tracking it (recall, urge), the 待签收 inbox (preview,
sign for, return), and the package API for the unit's other systems (API tokens:
`Authorization: Bearer oa_...`).

Who may see what is decided in exchange.queries: a unit's inbox holds only what was addressed
to it (404 otherwise); its sent list only what it sent."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exchange import serializers as s
from api.permissions import IsUnitMember, client_ip, unit_permission
from exchange import actions, directory, queries, storage
from exchange.package import PackageRefused, verify_package
from oa.core.errors import ActionError, ErrorCode

DISPATCH = unit_permission("documents.dispatch")
RECEIVE = unit_permission("documents.receive")


def group_context(groups) -> dict:
    return {"effective": {g.pk: [p.code for p in directory.group_members(g)] for g in groups}}


class DirectoryView(generics.ListAPIView):
    """交换目录: every unit that can be sent to (platform units and external ones)."""

    permission_classes = [IsUnitMember]
    serializer_class = s.PartySerializer
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("kind", str)])
    def get(self, request, *args, **kwargs):
        directory.sync_platform_units()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return queries.directory_entries(q=params.get("q", "").strip(), kind=params.get("kind", "").strip())


class GroupListView(APIView):
    """单位组: the provider's address lists, with the units each reaches now."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.PartyGroupSerializer(many=True))
    def get(self, request):
        directory.sync_platform_units()
        groups = list(queries.groups())
        return Response(s.PartyGroupSerializer(groups, many=True, context=group_context(groups)).data)


class EnvelopeListView(generics.ListAPIView):
    """发送记录: what this unit sent, with per-state counts; POST sends a sealed 发文."""

    permission_classes = [DISPATCH]
    serializer_class = s.EnvelopeSerializer

    @extend_schema(parameters=[OpenApiParameter("document", int), OpenApiParameter("q", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        document = self.request.query_params.get("document", "")
        return queries.sent(
            directory.current_party(),
            document_id=int(document) if document.isdigit() else None,
            q=self.request.query_params.get("q", "").strip(),
        ).select_related("sender")

    @extend_schema(request=s.ExchangeSendInput, responses={201: s.SendResultSerializer})
    def post(self, request):
        from oa.documents.queries import get_document_for_user

        data = s.ExchangeSendInput(data=request.data)
        data.is_valid(raise_exception=True)
        document = get_document_for_user(request.user, data.validated_data["document"])
        result = actions.do_send_document(
            document,
            acting_user=request.user,
            recipients=data.validated_data["recipients"],
            groups=data.validated_data["groups"],
            ip=client_ip(request),
        )
        body = {"envelope": s.EnvelopeSerializer(result.envelope).data, "skipped": result.skipped}
        return Response(body, status=status.HTTP_201_CREATED)


class SendableView(generics.ListAPIView):
    """待分发: sealed outgoing documents at or after 核发 that this user may send."""

    permission_classes = [DISPATCH]
    serializer_class = s.SendableDocumentSerializer

    def get_queryset(self):
        return queries.sendable_documents(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None and not getattr(self, "swagger_fake_view", False):
            context["sent_to"] = queries.live_copies(directory.current_party())
        return context


class SendableMeetingsView(generics.ListAPIView):
    """会议通知 to send: this unit's approved 会议申请 (at 会务安排 or 已安排), newest first."""

    permission_classes = [DISPATCH]
    serializer_class = s.SendableMeetingSerializer

    def get_queryset(self):
        from exchange import meetings

        return meetings.approved_applications()

    def get_serializer_context(self):
        from django.utils import timezone

        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None and not getattr(self, "swagger_fake_view", False):
            party = directory.current_party()
            context.update(sent_to=queries.live_copies(party), unit_code=party.code, now=timezone.now())
        return context


class MeetingNoticeView(APIView):
    """Send a 会议通知 for an approved 会议申请 of this unit to units and groups."""

    permission_classes = [DISPATCH]

    @extend_schema(request=s.MeetingNoticeSendInput, responses={201: s.SendResultSerializer})
    def post(self, request):
        from exchange import meetings
        from oa.workflow.models import ProcessInstance

        data = s.MeetingNoticeSendInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        instance = ProcessInstance.objects.filter(pk=values["instance"]).first()
        if instance is None:
            raise ActionError(ErrorCode.NOT_FOUND, "会议申请不存在。", field="instance", status=404)
        result = actions.do_send_meeting_notice(
            instance,
            acting_user=request.user,
            recipients=values["recipients"],
            groups=values["groups"],
            notice={key: values[key] for key in meetings.NOTICE_FIELDS if key in values},
            ip=client_ip(request),
        )
        body = {"envelope": s.EnvelopeSerializer(result.envelope).data, "skipped": result.skipped}
        return Response(body, status=status.HTTP_201_CREATED)


def envelope_payload(envelope) -> dict:
    context = {"deliveries": queries.tracking(envelope), "pending": queries.pending_recipients(envelope)}
    return s.EnvelopeDetailSerializer(envelope, context=context).data


class EnvelopeDetailView(APIView):
    """One send, tracked per recipient: delivered, signed for (who, when), returned (why)."""

    permission_classes = [DISPATCH]

    @extend_schema(responses=s.EnvelopeDetailSerializer)
    def get(self, request, pk: int):
        return Response(envelope_payload(queries.sent_envelope(directory.current_party(), pk)))


class EnvelopeRecallView(APIView):
    """撤回 the deliveries named (or every one not yet signed for)."""

    permission_classes = [DISPATCH]

    @extend_schema(request=s.DeliverySelectInput, responses=s.EnvelopeDetailSerializer)
    def post(self, request, pk: int):
        data = s.DeliverySelectInput(data=request.data)
        data.is_valid(raise_exception=True)
        actions.do_recall_deliveries(
            pk,
            acting_user=request.user,
            delivery_ids=data.validated_data["deliveries"],
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(envelope_payload(queries.sent_envelope(directory.current_party(), pk)))


class EnvelopeUrgeView(APIView):
    """催收 the recipients named (or every one that has not signed for it)."""

    permission_classes = [DISPATCH]

    @extend_schema(request=s.DeliveryUrgeInput, responses=s.EnvelopeDetailSerializer)
    def post(self, request, pk: int):
        data = s.DeliveryUrgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        actions.do_urge_deliveries(
            pk,
            acting_user=request.user,
            delivery_ids=data.validated_data["deliveries"],
            ip=client_ip(request),
        )
        return Response(envelope_payload(queries.sent_envelope(directory.current_party(), pk)))


class InboxView(generics.ListAPIView):
    """待签收 (and, with `state`, what was signed for, returned or recalled). Other systems poll it
    with `since` to fetch their unit's deliveries."""

    permission_classes = [RECEIVE]
    serializer_class = s.InboxItemSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(queries.INBOX_STATES)),
            OpenApiParameter("q", str),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="delivered at or after"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        from django.utils.dateparse import parse_datetime

        params = self.request.query_params
        qs = queries.inbox(
            directory.current_party(), state=params.get("state", "waiting"), q=params.get("q", "").strip()
        )
        since = params.get("since", "").strip()
        if since:
            moment = parse_datetime(since)
            if moment is None:
                raise ActionError(ErrorCode.INVALID, "since 应为 ISO 8601 时间。", field="since")
            qs = qs.filter(delivered_at__gte=moment)
        return qs


def _package_for(request, pk: int):
    delivery = queries.inbox_delivery(directory.current_party(), pk)
    if delivery.state != delivery.State.DELIVERED and delivery.state != delivery.State.SIGNED_FOR:
        raise ActionError(ErrorCode.STATE, "来文已退回或已被撤回，不能再查看其内容。", status=409)
    try:
        data = storage.read_package(delivery.envelope.package_sha256)
        package = verify_package(
            data,
            expected_sha256=delivery.envelope.package_sha256,
            expected_sender=delivery.envelope.sender.code,
        )
    except FileNotFoundError:
        raise ActionError(ErrorCode.NOT_FOUND, "交换中心找不到这份交换包。", status=404) from None
    except PackageRefused as refused:
        raise actions.refused_error(refused) from None
    return delivery, data, package


class InboxDetailView(APIView):
    """A delivery with its metadata and file list, read from the verified package (before 签收)."""

    permission_classes = [RECEIVE]

    @extend_schema(responses=s.InboxDetailSerializer)
    def get(self, request, pk: int):
        delivery = queries.inbox_delivery(directory.current_party(), pk)
        if delivery.state in (delivery.State.RETURNED, delivery.State.RECALLED):
            return Response(s.InboxItemSerializer(delivery).data)
        delivery, _data, package = _package_for(request, pk)
        return Response(s.InboxDetailSerializer(delivery, context={"package": package}).data)


class InboxFileView(APIView):
    """One file of the package (0: the 版式文件, 1..: attachments), to read before signing for it."""

    permission_classes = [RECEIVE]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int, index: int):
        _delivery, _data, package = _package_for(request, pk)
        entries = [package.metadata.rendered, *package.metadata.attachments]
        if index >= len(entries):
            raise ActionError(ErrorCode.NOT_FOUND, "文件不存在。", status=404)
        entry = entries[index]
        is_pdf = entry.path.endswith(".pdf")
        response = HttpResponse(
            package.members[entry.path],
            content_type="application/pdf" if is_pdf else "application/octet-stream",
        )
        disposition = "inline" if is_pdf and request.query_params.get("inline") else "attachment"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(entry.name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class InboxPackageView(APIView):
    """The signed package itself (zip), for the unit's other systems to verify and keep."""

    permission_classes = [RECEIVE]

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int):
        delivery, data, _package = _package_for(request, pk)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f"attachment; filename={delivery.envelope.package_id}.zip"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class InboxSignView(APIView):
    """签收: the incoming document is created here and its 收文 flow starts."""

    permission_classes = [RECEIVE]

    @extend_schema(request=None, responses={201: s.SignedSerializer})
    def post(self, request, pk: int):
        delivery, document = actions.do_sign_for_delivery(pk, acting_user=request.user, ip=client_ip(request))
        body = {"delivery": s.InboxItemSerializer(delivery).data, "document": document.pk}
        return Response(body, status=status.HTTP_201_CREATED)


class InboxReturnView(APIView):
    """退回 with a reason; the sender sees it."""

    permission_classes = [RECEIVE]

    @extend_schema(request=s.DeliveryReturnInput, responses=s.InboxItemSerializer)
    def post(self, request, pk: int):
        data = s.DeliveryReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        delivery = actions.do_return_delivery(
            pk, acting_user=request.user, reason=data.validated_data["reason"], ip=client_ip(request)
        )
        return Response(s.InboxItemSerializer(delivery).data)


class PackageSubmitView(APIView):
    """For the unit's other systems: submit a package (metadata.xml and its files, as a zip) to
    units and groups; the hub checks it, signs it with the unit's key and sends it."""

    permission_classes = [DISPATCH]
    parser_classes = [MultiPartParser]
    # api.uploads: the package may be larger than an ordinary upload.
    upload_max_bytes = staticmethod(lambda: settings.OA_EXCHANGE_PACKAGE_MAX_BYTES)

    @extend_schema(
        request={"multipart/form-data": s.PackageSubmitInput}, responses={201: s.SendResultSerializer}
    )
    def post(self, request):
        data = s.PackageSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["package"]
        from django.conf import settings

        if upload.size > settings.OA_EXCHANGE_PACKAGE_MAX_BYTES:
            raise ActionError(ErrorCode.INVALID, "交换包过大。", field="package", status=413)
        result = actions.do_submit_package(
            upload.read(),
            acting_user=request.user,
            recipients=data.validated_data["recipients"],
            groups=data.validated_data["groups"],
            ip=client_ip(request),
        )
        body = {"envelope": s.EnvelopeSerializer(result.envelope).data, "skipped": result.skipped}
        return Response(body, status=status.HTTP_201_CREATED)
