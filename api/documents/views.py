"""The 办文 API on a unit's host: drafting, registering, the document page, files, archive,
registers with XLSX export, search. Visibility is decided in oa.documents.queries (404 for
someone who may not see a document); permission to act in the actions (403). A step is
handled through /api/workflow/tasks/{id}/complete/ (the flow's hooks apply the document's side)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.documents import serializers as s
from api.documents.pagination import DocumentPagination
from api.parsers import JSONParser
from api.permissions import IsUnitMember, client_ip, unit_permission
from oa.directory.queries import has_permission
from oa.documents import actions, exports, queries
from oa.documents.models import Direction
from oa.documents.steps import step_of
from oa.workflow.models import HumanTask
from oa.workflow.queries import can_handle

LIST_PARAMETERS = [
    OpenApiParameter("direction", str, enum=list(Direction.values)),
    OpenApiParameter("doc_type", str),
    OpenApiParameter("state", str),
    OpenApiParameter("year", int),
    OpenApiParameter("department", int),
    OpenApiParameter("date_from", OpenApiTypes.DATE),
    OpenApiParameter("date_to", OpenApiTypes.DATE),
    OpenApiParameter("q", str),
    OpenApiParameter("mine", bool),
]


def _filters(request) -> queries.DocumentFilters:
    params = s.ListQuery(data=request.query_params)
    params.is_valid(raise_exception=True)
    return queries.DocumentFilters(**params.validated_data)


def _uploads(request) -> list[tuple[str, bytes]]:
    return [(f.name, f.read()) for f in request.FILES.getlist("files")]


def document_payload(document, user) -> dict:
    document = queries.get_document_for_user(user, document.pk)
    tasks = []
    if document.process_instance_id:
        for task in (
            HumanTask.objects.filter(instance_id=document.process_instance_id, state=HumanTask.State.OPEN)
            .select_related("assignee__account")
            .order_by("pk")
        ):
            tasks.append(
                {
                    "id": task.pk,
                    "name": task.name,
                    "element_id": task.element_id,
                    "step": step_of(document, task.element_id),
                    "mine": can_handle(task, user),
                    "assignee": task.assignee.account.display_name
                    if task.assignee_id and hasattr(task.assignee, "account")
                    else "",
                    "due_at": task.due_at,
                }
            )
    context = {
        "files": queries.live_files(document),
        "trail": queries.trail(document),
        "current_tasks": tasks,
        "editable_step": actions.editing_step(document, user),
        "can_archive": document.state in ("done", "returned") and has_permission(user, "documents.archive"),
    }
    return s.DocumentDetailSerializer(document, context=context).data


class DocumentListView(generics.ListAPIView):
    """The documents I may see (公文列表), newest first, with filters."""

    permission_classes = [IsUnitMember]
    pagination_class = DocumentPagination
    serializer_class = s.DocumentListItemSerializer

    @extend_schema(parameters=LIST_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        documents, self.document_count = queries.list_with_count(self.request.user, _filters(self.request))
        return documents


class OutgoingCreateView(APIView):
    """拟稿: create an outgoing draft; its 发文 flow starts at 起草 for the drafter."""

    permission_classes = [unit_permission("documents.draft")]

    @extend_schema(request=s.ElementsInput, responses={201: s.DocumentDetailSerializer})
    def post(self, request):
        data = s.ElementsInput(data=request.data)
        data.is_valid(raise_exception=True)
        document = actions.do_create_outgoing(
            acting_user=request.user, fields=dict(data.validated_data), ip=client_ip(request)
        )
        return Response(document_payload(document, request.user), status=status.HTTP_201_CREATED)


class IncomingCreateView(APIView):
    """收文登记: register a paper or electronic document with its files; the 收文 flow starts."""

    permission_classes = [unit_permission("documents.receive")]
    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": s.IncomingInput}, responses={201: s.DocumentDetailSerializer}
    )
    def post(self, request):
        data = s.IncomingInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "files"}
        document = actions.do_register_incoming(
            acting_user=request.user, fields=fields, files=_uploads(request), ip=client_ip(request)
        )
        return Response(document_payload(document, request.user), status=status.HTTP_201_CREATED)


class DocumentDetailView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.DocumentDetailSerializer)
    def get(self, request, pk: int):
        return Response(document_payload(queries.get_document_for_user(request.user, pk), request.user))

    @extend_schema(request=s.ElementsInput, responses=s.DocumentDetailSerializer)
    def patch(self, request, pk: int):
        document = queries.get_document_for_user(request.user, pk)
        data = s.ElementsInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        actions.do_update_document(
            document, acting_user=request.user, changes=dict(data.validated_data), ip=client_ip(request)
        )
        return Response(document_payload(document, request.user))


class DocumentFilesView(APIView):
    """Add attachments (附件) or replace the body with a DOCX/PDF/OFD file."""

    permission_classes = [IsUnitMember]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": s.FilesInput}, responses={201: s.DocumentDetailSerializer})
    def post(self, request, pk: int):
        document = queries.get_document_for_user(request.user, pk)
        data = s.FilesInput(data=request.data)
        data.is_valid(raise_exception=True)
        actions.do_add_files(
            document,
            acting_user=request.user,
            files=_uploads(request),
            role=data.validated_data["role"],
            ip=client_ip(request),
        )
        return Response(document_payload(document, request.user), status=status.HTTP_201_CREATED)


class DocumentFileView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int, file_pk: int):
        from oa.documents.storage import open_blob

        file = queries.get_file_for_user(request.user, pk, file_pk)
        response = FileResponse(
            open_blob(file.sha256), content_type=file.mime_type, as_attachment=True, filename=file.name
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(responses=s.DocumentDetailSerializer)
    def delete(self, request, pk: int, file_pk: int):
        file = queries.get_file_for_user(request.user, pk, file_pk)
        actions.do_remove_file(file, acting_user=request.user, ip=client_ip(request))
        return Response(document_payload(file.document, request.user))


class DocumentPdfView(APIView):
    """The document as a GB/T 9704 PDF: the kept 版式文件 once sealed, else rendered now (a draft
    carries a watermark)."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int):
        from oa.documents import pdf
        from oa.documents.storage import open_blob

        document = queries.get_document_for_user(request.user, pk)
        kept = pdf.kept_pdf(document)
        if kept is not None:
            response = FileResponse(open_blob(kept.sha256), content_type="application/pdf")
        else:
            response = HttpResponse(pdf.render(document), content_type="application/pdf")
        name = quote(f"{document.doc_number or document.title}.pdf")
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
        response["X-Content-Type-Options"] = "nosniff"
        # The document page previews it in a frame; other sites still may not (DENY elsewhere).
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response


class DocumentArchiveView(APIView):
    """归档: file a finished document with its 档号; it can never change again."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ArchiveInput, responses=s.DocumentDetailSerializer)
    def post(self, request, pk: int):
        document = queries.get_document_for_user(request.user, pk)
        data = s.ArchiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        actions.do_archive_document(
            document,
            acting_user=request.user,
            retention=data.validated_data["retention"],
            ip=client_ip(request),
        )
        return Response(document_payload(document, request.user))


class RegisterView(generics.ListAPIView):
    """发文登记簿 / 收文登记簿 (for holders of the office-wide document permissions)."""

    permission_classes = [IsUnitMember]
    serializer_class = s.DocumentListItemSerializer
    pagination_class = DocumentPagination

    @extend_schema(parameters=LIST_PARAMETERS[1:])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return queries.register(self.request.user, self.kwargs["direction"], _filters(self.request))


class RegisterExportView(APIView):
    """The register, filtered, as an XLSX workbook."""

    permission_classes = [IsUnitMember]

    @extend_schema(
        parameters=LIST_PARAMETERS[1:],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY
            )
        },
    )
    def get(self, request, direction: str):
        rows = queries.register(request.user, direction, _filters(request))
        content, filename = exports.register_xlsx(direction, rows)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response


class SearchView(generics.ListAPIView):
    """全文检索: title, body, 发文字号, agencies and attachments' text, with highlighted hits."""

    permission_classes = [IsUnitMember]
    serializer_class = s.SearchResultSerializer
    pagination_class = DocumentPagination

    @extend_schema(parameters=LIST_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = _filters(self.request)
        self.query = filters.q
        result = queries.search_with_count(self.request.user, self.query, filters)
        # The search has counted its matches already (DocumentPagination uses this).
        self.document_count = (result.count, result.count_exact)
        return result.documents

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "q": getattr(self, "query", "")}
