"""Full-text search over items with the same Chinese segmentation as 办文 (oa/documents/search.py,
ADR 0009): title A, body C, attachments' names and text D, in a 'simple' tsvector."""

from __future__ import annotations

from django.db import connection

from oa.documents.search import segmented


def index_notice(notice) -> None:
    from oa.notices.models import NoticeFile

    files = NoticeFile.objects.filter(notice_id=notice.pk, removed_at__isnull=True).values_list(
        "name", "text"
    )
    attachments = " ".join(f"{name} {text}" for name, text in files)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE notices_notice SET search_vector ="
            " setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
            " || setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'D')"
            " WHERE id = %s",
            [
                segmented(notice.title),
                segmented(notice.source_unit),
                segmented(notice.body_text),
                segmented(attachments),
                notice.pk,
            ],
        )
