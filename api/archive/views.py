"""档案 API on a unit's host: the catalogue and its printouts, 借阅, 鉴定与销毁, 移交.
Visibility is decided in oa.archive.queries (404), permission to act in the actions (403)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.archive import serializers as s
from api.pagination import Pagination
from api.permissions import IsUnitMember, client_ip, unit_permission
from oa.archive import actions, catalogue, queries
from oa.archive.models import AccessRecord

PDF = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = {(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)}
MANAGE = unit_permission(queries.MANAGE)
APPROVE = unit_permission(queries.APPROVE)


def _filters(request, serializer=s.CatalogueQuery) -> tuple[queries.CatalogueFilters, dict]:
    params = serializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    data = dict(params.validated_data)
    extra = {k: data.pop(k) for k in list(data) if k not in queries.CatalogueFilters.__dataclass_fields__}
    return queries.CatalogueFilters(**data), extra


def _file(content: bytes, content_type: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _unit_name(request) -> str:
    return getattr(getattr(request, "tenant", None), "name", "") or ""


class CatalogueView(generics.ListAPIView):
    """档案目录: archived items by 全宗, 年度, 保管期限, 机构(问题), 文种, in 档号 order."""

    permission_classes = [IsUnitMember]
    serializer_class = s.CatalogueItemSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[s.CatalogueQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return queries.catalogue(self.request.user, _filters(self.request)[0])


class FacetsView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.FacetsSerializer)
    def get(self, request):
        return Response(s.FacetsSerializer(queries.facets()).data)


class CatalogueItemView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.CatalogueDetailSerializer)
    def get(self, request, pk: int):
        return Response(s.CatalogueDetailSerializer(queries.get_item(request.user, pk)).data)


class DirectoryPdfView(APIView):
    """归档文件目录 (DA/T 22-2015 §8), filtered, as PDF."""

    permission_classes = [MANAGE]

    @extend_schema(parameters=[s.CatalogueQuery], responses=PDF)
    def get(self, request):
        filters, _ = _filters(request)
        items = queries.catalogue(request.user, filters)
        content = catalogue.directory_pdf(
            items,
            unit_name=_unit_name(request),
            fonds=filters.fonds,
            year=filters.year,
            retention=filters.retention,
        )
        return _file(content, "application/pdf", f"归档文件目录-{filters.year or '全部'}.pdf", inline=True)


class DirectoryXlsxView(APIView):
    permission_classes = [MANAGE]

    @extend_schema(
        parameters=[s.CatalogueQuery], responses={(200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY)}
    )
    def get(self, request):
        filters, _ = _filters(request)
        items = queries.catalogue(request.user, filters)
        content = catalogue.directory_xlsx(
            items,
            unit_name=_unit_name(request),
            fonds=filters.fonds,
            year=filters.year,
            retention=filters.retention,
        )
        return _file(content, XLSX_TYPE, f"归档文件目录-{filters.year or '全部'}.xlsx")


class BoxLabelsView(APIView):
    """档案盒 labels: the filtered items packed into boxes of `per_box`."""

    permission_classes = [MANAGE]

    @extend_schema(parameters=[s.BoxLabelQuery], responses=PDF)
    def get(self, request):
        filters, extra = _filters(request, s.BoxLabelQuery)
        packed = catalogue.boxes(queries.catalogue(request.user, filters), per_box=extra["per_box"])
        content = catalogue.box_labels_pdf(packed, unit_name=_unit_name(request))
        return _file(content, "application/pdf", f"档案盒标签-{filters.year or '全部'}.pdf", inline=True)


# --- 借阅 ---------------------------------------------------------------------------------------


class LoansView(generics.ListAPIView):
    """My loans (借阅), and asking for one."""

    permission_classes = [IsUnitMember]
    serializer_class = s.LoanSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return queries.loans_for(self.request.user)

    @extend_schema(request=s.LoanInput, responses={201: s.LoanDetailSerializer})
    def post(self, request):
        data = s.LoanInput(data=request.data)
        data.is_valid(raise_exception=True)
        loan = actions.do_request_loan(acting_user=request.user, ip=client_ip(request), **data.validated_data)
        return Response(s.LoanDetailSerializer(loan).data, status=status.HTTP_201_CREATED)


class LoanRecordsView(generics.ListAPIView):
    """Every loan of the unit, for the archivist."""

    permission_classes = [MANAGE]
    serializer_class = s.LoanSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return queries.loans_for(self.request.user, all_of_unit=True)


class LoanDetailView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses=s.LoanDetailSerializer)
    def get(self, request, pk: int):
        return Response(s.LoanDetailSerializer(queries.get_loan_for_user(request.user, pk)).data)


class LoanEndView(APIView):
    """归还 (the borrower) / 收回 (the archivist)."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=None, responses=s.LoanDetailSerializer)
    def post(self, request, pk: int):
        loan = queries.get_loan_for_user(request.user, pk)
        loan = actions.do_end_loan(loan, acting_user=request.user, ip=client_ip(request))
        return Response(s.LoanDetailSerializer(loan).data)


class LoanItemPdfView(APIView):
    """查阅: the lent item's 版式文件, only while the loan runs; every view is recorded."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses=PDF)
    def get(self, request, pk: int, document_pk: int):
        from oa.documents import pdf
        from oa.documents.storage import open_blob

        loan, document = queries.loaned_item(request.user, pk, document_pk)
        actions.do_record_access(
            loan, document, acting_user=request.user, action=AccessRecord.Action.VIEW, ip=client_ip(request)
        )
        kept = pdf.kept_pdf(document)
        if kept is not None:
            with open_blob(kept.sha256) as stream:
                content = stream.read()
        else:
            content = pdf.render(document)
        response = _file(content, "application/pdf", f"{document.archive_code}.pdf", inline=True)
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Cache-Control"] = "no-store"
        return response


class LoanItemFileView(APIView):
    """下载: one file of the lent item, when the loan allows downloads; recorded."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int, document_pk: int, file_pk: int):
        from oa.documents.storage import open_blob

        loan, document = queries.loaned_item(request.user, pk, document_pk)
        file = queries.live_files(document).filter(pk=file_pk).first()
        if file is None:
            from oa.core.errors import ActionError, ErrorCode

            raise ActionError(ErrorCode.NOT_FOUND, "没有这个文件。", status=404)
        actions.do_record_access(
            loan,
            document,
            acting_user=request.user,
            action=AccessRecord.Action.DOWNLOAD,
            file_name=file.name,
            ip=client_ip(request),
        )
        with open_blob(file.sha256) as stream:
            content = stream.read()
        response = _file(content, file.mime_type or "application/octet-stream", file.name)
        response["Cache-Control"] = "no-store"
        return response


class AccessRecordsView(generics.ListAPIView):
    """利用登记: every view and download through loans, for the archivist."""

    permission_classes = [MANAGE]
    serializer_class = s.AccessRecordSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return queries.access_records(self.request.user)


# --- 鉴定与销毁 ---------------------------------------------------------------------------------


class DueView(APIView):
    """Items whose retention has run out (到期档案), for appraisal."""

    permission_classes = [MANAGE]

    @extend_schema(responses=s.DueItemSerializer(many=True))
    def get(self, request):
        return Response(s.DueItemSerializer(queries.due_for_appraisal(request.user), many=True).data)


class AppraisalsView(generics.ListAPIView):
    permission_classes = [MANAGE]
    serializer_class = s.AppraisalSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return queries.appraisals(self.request.user)

    @extend_schema(request=s.AppraisalInput, responses={201: s.AppraisalSerializer})
    def post(self, request):
        data = s.AppraisalInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        document = queries.get_item(request.user, values.pop("document"))
        appraisal = actions.do_propose_appraisal(
            document, acting_user=request.user, ip=client_ip(request), **values
        )
        return Response(s.AppraisalSerializer(appraisal).data, status=status.HTTP_201_CREATED)


class PendingAppraisalsView(generics.ListAPIView):
    """Appraisal proposals waiting for a leader's decision (鉴定审批)."""

    permission_classes = [APPROVE]
    serializer_class = s.AppraisalSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return queries.appraisals(self.request.user).filter(state="proposed")


class AppraisalDecideView(APIView):
    permission_classes = [APPROVE]

    @extend_schema(request=s.DecisionInput, responses=s.AppraisalSerializer)
    def post(self, request, pk: int):
        appraisal = queries.get_appraisal(request.user, pk)
        data = s.DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        appraisal = actions.do_decide_appraisal(
            appraisal, acting_user=request.user, ip=client_ip(request), **data.validated_data
        )
        return Response(s.AppraisalSerializer(appraisal).data)


class DestructionsView(generics.ListAPIView):
    """销毁清册, and carrying out an approved destroy decision."""

    permission_classes = [MANAGE]
    serializer_class = s.DestructionSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return queries.destruction_register(self.request.user)

    @extend_schema(request=s.DestroyInput, responses={201: s.DestructionSerializer})
    def post(self, request):
        data = s.DestroyInput(data=request.data)
        data.is_valid(raise_exception=True)
        document = queries.get_item(request.user, data.validated_data["document"])
        record = actions.do_destroy_item(document, acting_user=request.user, ip=client_ip(request))
        return Response(s.DestructionSerializer(record).data, status=status.HTTP_201_CREATED)


# --- 移交 ---------------------------------------------------------------------------------------


class TransfersView(generics.ListAPIView):
    permission_classes = [MANAGE]
    serializer_class = s.ArchiveTransferSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return queries.transfers(self.request.user)

    @extend_schema(request=s.ArchiveTransferInput, responses={201: s.ArchiveTransferSerializer})
    def post(self, request):
        data = s.ArchiveTransferInput(data=request.data)
        data.is_valid(raise_exception=True)
        record, _package = actions.do_export_transfer(
            acting_user=request.user, year=data.validated_data["year"], ip=client_ip(request)
        )
        return Response(s.ArchiveTransferSerializer(record).data, status=status.HTTP_201_CREATED)


class TransferPackageView(APIView):
    """The package as it was exported (kept in the unit's store by its digest)."""

    permission_classes = [MANAGE]

    @extend_schema(responses=ZIP)
    def get(self, request, pk: int):
        from oa.documents.storage import open_blob

        record = queries.get_transfer(request.user, pk)
        with open_blob(record.package_sha256) as stream:
            content = stream.read()
        return _file(content, "application/zip", f"移交包-{record.fonds}-{record.year}.zip")


class TransferVerifyView(APIView):
    """Re-import check of a package (移交包校验)."""

    permission_classes = [MANAGE]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": s.VerifyInput}, responses=s.VerificationSerializer)
    def post(self, request):
        upload = request.FILES.get("file")
        data = upload.read() if upload is not None else b""
        result, record = actions.do_verify_transfer(
            acting_user=request.user, data=data, ip=client_ip(request)
        )
        payload = {**result.__dict__, "transfer": record}
        return Response(s.VerificationSerializer(payload).data)
