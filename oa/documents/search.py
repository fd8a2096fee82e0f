"""Full-text search over documents with Chinese word segmentation (ADR 0009).

PostgreSQL has no Chinese parser (zhparser is an extension we cannot count on), so the text
is segmented in Python with jieba (search mode: 厦门市人民政府 → 厦门 门市 市人民 人民 政府
厦门市人民政府) and stored space-separated in a 'simple' tsvector, weighted: title, 发文字号
and agencies A, 主送/抄送 B, body C, attachments' text D. Queries are segmented the same way
and every word must match. Hits are highlighted in Python (ts_headline would re-parse the
unsegmented text with the 'simple' parser and find nothing).
"""

from __future__ import annotations

import html
import logging
import re
import threading

from django.db import connection

logger = logging.getLogger(__name__)

MAX_INDEXED_CHARS = 200_000
_lock = threading.Lock()
_jieba = None


def _tokenizer():
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


_WORD = re.compile(r"[\w]", re.UNICODE)


def words(text: str) -> list[str]:
    """Search-mode segmentation, lower-cased, punctuation and spaces dropped."""
    if not text:
        return []
    jieba = _tokenizer()
    return [w.lower() for w in jieba.cut_for_search(text[:MAX_INDEXED_CHARS]) if _WORD.search(w)]


def segmented(text: str) -> str:
    return " ".join(words(text))


def query_words(query: str) -> list[str]:
    """The words a query must match: its segmentation, without duplicates, in order.

    Query-side we use the precise cut (not search mode) so that 厦门市 asks for 厦门市 and
    not also for 门市; the indexed side holds every sub-word, so both match."""
    if not query or not query.strip():
        return []
    jieba = _tokenizer()
    seen: list[str] = []
    for w in jieba.cut(query.strip()[:200]):
        w = w.strip().lower()
        if w and _WORD.search(w) and w not in seen:
            seen.append(w)
    return seen[:20]


def tsquery(query: str) -> str:
    """A to_tsquery('simple', ...) text: every word, AND-ed, each quoted as a literal."""
    terms = []
    for w in query_words(query):
        escaped = w.replace("'", "''").replace("\\", "\\\\")
        terms.append(f"'{escaped}'")
    return " & ".join(terms)


def index_document(document) -> None:
    """Recompute the document's search vector from its fields and live files (one UPDATE)."""
    from oa.documents.models import DocumentFile

    files = DocumentFile.objects.filter(document_id=document.pk, removed_at__isnull=True).values_list(
        "name", "text", "role"
    )
    attachments = " ".join(
        f"{name} {text}" for name, text, role in files if role != DocumentFile.Role.RENDERED
    )
    heading = " ".join(
        filter(
            None,
            [
                document.title,
                document.doc_number,
                (document.extra or {}).get("incoming_number", ""),
                document.agency_name,
                document.source_agency,
                document.archive_code,
            ],
        )
    )
    parties = " ".join(filter(None, [document.main_recipients, document.copy_to]))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE documents_document SET search_vector ="
            " setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
            " || setweight(to_tsvector('simple', %s), 'C') || setweight(to_tsvector('simple', %s), 'D')"
            " WHERE id = %s",
            [
                segmented(heading),
                segmented(parties),
                segmented(document.body_text),
                segmented(attachments),
                document.pk,
            ],
        )


def highlight(text: str, query: str, *, width: int = 60, limit: int = 3) -> list[str]:
    """Up to `limit` HTML-escaped snippets of `text` around the query's words, each hit in <mark>."""
    terms = sorted(query_words(query), key=len, reverse=True)
    if not text or not terms:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    snippets: list[str] = []
    end_of_last = -1
    for match in pattern.finditer(text):
        if match.start() < end_of_last:
            continue
        start = max(0, match.start() - width // 2)
        end = min(len(text), match.end() + width // 2)
        piece = text[start:end]
        marked = pattern.sub(lambda m: f"\x00{m.group(0)}\x01", piece)
        escaped = html.escape(marked).replace("\x00", "<mark>").replace("\x01", "</mark>")
        snippets.append(("…" if start else "") + escaped + ("…" if end < len(text) else ""))
        end_of_last = end
        if len(snippets) >= limit:
            break
    return snippets
