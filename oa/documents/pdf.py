"""The document as a GB/T 9704-2012 PDF (版式文件): its elements mapped onto the renderer's
input, the unit's layout template, the unit's seal.

Until it is sealed the PDF is rendered on request (a draft carries the 草稿 watermark); at 用印
it is rendered once more and kept as the document's `rendered` file: what is distributed,
exchanged and archived is that file, never re-rendered.
"""

from __future__ import annotations

import functools
import html
import json
import re

from oa.documents.models import Classification, DocType, Document, DocumentFile, Urgency
from oa.documents.rendering import DocumentContent, draw_default_seal, render_pdf
from oa.templates.models import UnitTemplate
from templates_lib.kinds import TemplateKind

LAYOUT_CODE = "red_header"
# 上行文 show the 签发人 beside the number (GB/T 9704-2012 §7.2.4).
UPWARD_KINDS = {DocType.REQUEST, DocType.REPORT}


def layout() -> dict:
    """The unit's red-header layout (its copy of the library's), else the library's own."""
    template = UnitTemplate.objects.filter(kind=TemplateKind.LAYOUT, code=LAYOUT_CODE).first()
    if template is not None and isinstance(template.content_json, dict):
        return template.content_json
    return _builtin_layout()


@functools.cache
def _builtin_layout() -> dict:
    from templates_lib.loading import BUILTIN_DIR

    return json.loads((BUILTIN_DIR / "layouts" / f"{LAYOUT_CODE}.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=64)
def seal_for(agency_name: str) -> bytes:
    return draw_default_seal(agency_name)


def _attachment_title(name: str) -> str:
    # 附件说明 names the attachment, not its file: drop the extension.
    return re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)


def _body_html(document: Document) -> str:
    """The body to print: the edited HTML, else the uploaded body file's text (DOCX/OFD/PDF),
    one paragraph per line, so a document drafted in Word still prints on the grid."""
    if document.body_html.strip() or document.body_file_id is None:
        return document.body_html
    text = DocumentFile.objects.filter(pk=document.body_file_id).values_list("text", flat=True).first() or ""
    return "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


def content_for(document: Document) -> DocumentContent:
    classification = ""
    if document.classification != Classification.NONE:
        label = Classification(document.classification).label
        classification = f"{label}★{document.secrecy_period}" if document.secrecy_period else label
    attachments = [
        _attachment_title(name)
        for name in document.files.filter(role=DocumentFile.Role.ATTACHMENT, removed_at__isnull=True)
        .order_by("order", "id")
        .values_list("name", flat=True)
    ]
    return DocumentContent(
        title=document.title,
        agency_name=document.agency_name,
        agency_mark=document.agency_mark,
        body_html=_body_html(document),
        copy_number=document.copy_number,
        classification=classification,
        urgency=Urgency(document.urgency).label if document.urgency != Urgency.NORMAL else "",
        doc_number=document.doc_number,
        signer=document.signer_name if document.doc_type in UPWARD_KINDS else "",
        addressees=document.main_recipients,
        attachments=attachments,
        signature_agency=document.signature_agency,
        issued_date=document.issued_date,
        seal_png=seal_for(document.signature_agency or document.agency_name) if document.sealed_at else None,
        note=document.note,
        copy_to=document.copy_to,
        printing_agency=document.printing_agency,
        printing_date=document.printing_date or document.issued_date,
        draft=document.signed_at is None,
    )


def render(document: Document) -> bytes:
    return render_pdf(content_for(document), layout())


def kept_pdf(document: Document) -> DocumentFile | None:
    return (
        document.files.filter(role=DocumentFile.Role.RENDERED, removed_at__isnull=True)
        .order_by("-id")
        .first()
    )
