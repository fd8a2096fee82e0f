"""Attachments, per-document problems that never stop the stream, and flat memory."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

from oa.importer.sources.dxl import DxlReader, ProblemCode, check_dxl
from tests.oa.importer.sources.dxl.builders import attachment, bulk, database, document, item, text

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 300 + b"\n%%EOF\n"
ROOT = Path(__file__).resolve().parents[5]


def read(data: bytes):
    reader = DxlReader(io.BytesIO(data))
    return list(reader), reader.summary


def test_attachments_decode_with_their_metadata():
    docx = b"PK\x03\x04" + b"\x00" * 5000
    [found], _ = read(
        database(
            document(
                item("Subject", text("带附件的公文")),
                attachment("正文.pdf", PDF, size=len(PDF)),
                attachment("附件1.docx", docx),
            )
        )
    )
    pdf, word = found.attachments
    assert (pdf.name, pdf.data, pdf.size, pdf.declared_size, pdf.broken) == (
        "正文.pdf",
        PDF,
        len(PDF),
        len(PDF),
        False,
    )
    assert (word.name, word.data[:4], word.size, word.declared_size) == (
        "附件1.docx",
        b"PK\x03\x04",
        5004,
        None,
    )
    assert (pdf.host_type, pdf.compression, pdf.flags) == ("msdos", "none", "storedindoc")
    assert found.items["$FILE"].first is pdf  # every $FILE item is kept too, in item_list
    assert [i.name for i in found.item_list] == ["Subject", "$FILE", "$FILE"]
    assert found.problems == []


def test_a_broken_attachment_quarantines_its_document_and_the_stream_goes_on():
    good = base64.encodebytes(PDF).decode()
    data = database(
        document(
            item("Subject", text("一")), attachment("坏.pdf", encoded=good[:100] + "!!!" + good[100:]), n=1
        ),
        document(item("Subject", text("二")), attachment("截断.pdf", encoded=good.strip()[:-3]), n=2),
        document(item("Subject", text("三")), attachment("少了.pdf", PDF, size=len(PDF) + 1), n=3),
        document(item("Subject", text("四")), attachment("好.pdf", PDF), n=4),
        document(
            item("Subject", text("五")),
            attachment("空.pdf", encoded="").replace("<filedata>\n</filedata>", ""),
            n=5,
        ),
    )
    check_dxl(io.BytesIO(data))  # the XML is fine: these are problems of single documents
    documents, summary = read(data)
    assert [d.text("Subject") for d in documents] == ["一", "二", "三", "四", "五"]
    assert [[p.code for p in d.problems] for d in documents] == [
        [ProblemCode.BAD_BASE64],
        [ProblemCode.BAD_BASE64],
        [ProblemCode.SIZE_MISMATCH],
        [],
        [ProblemCode.NO_FILE_DATA],
    ]
    assert [a.broken for d in documents for a in d.attachments] == [True, True, True, False, True]
    assert documents[0].attachments[0].data is None
    assert documents[2].attachments[0].data == PDF  # kept: the importer may still want it
    assert "坏.pdf" in documents[0].problems[0].message
    assert documents[0].problems[0].item == "$FILE"
    assert (summary.documents, summary.documents_with_problems) == (5, 4)


def test_a_compressed_attachment_is_flagged():
    xml = attachment("压缩.pdf", PDF).replace("compression='none'", "compression='huffman'")
    [found], _ = read(database(document(xml)))
    assert found.attachments[0].compression == "huffman"
    assert [p.code for p in found.problems] == [ProblemCode.COMPRESSED_ATTACHMENT]


def traced_peak(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in DxlReader(path))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_python_heap_stays_flat_from_2000_to_20000_documents(tmp_path):
    small = bulk(tmp_path / "small.xml", 2000)
    large = bulk(tmp_path / "large.xml", 20000)
    small_count, small_peak = traced_peak(small)
    large_count, large_peak = traced_peak(large)
    assert (small_count, large_count) == (2000, 20000)
    assert large_peak < 2 * small_peak, (small_peak, large_peak)


MEASURE = """
import json, resource, sys
from oa.importer.sources.dxl import DxlReader, check_dxl
check_dxl(sys.argv[1])
count = sum(1 for _ in DxlReader(sys.argv[1]))
print(json.dumps([count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))
"""


def max_rss_kb(path: Path) -> tuple[int, int]:
    # libxml2's tree lives outside the Python heap, out of tracemalloc's sight: a fresh process's
    # peak resident size shows whether parsed notes really are let go.
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    count, rss = json.loads(result.stdout)
    return count, rss


def test_the_parsed_tree_is_released_as_it_goes(tmp_path):
    small = bulk(tmp_path / "small.xml", 2000)
    large = bulk(tmp_path / "large.xml", 20000)
    assert large.stat().st_size > 9 * small.stat().st_size
    (small_count, small_rss), (large_count, large_rss) = max_rss_kb(small), max_rss_kb(large)
    assert (small_count, large_count) == (2000, 20000)
    # Kept whole, the large file's tree alone would be several times its 10 MB.
    assert large_rss - small_rss < 8 * 1024, (small_rss, large_rss)
