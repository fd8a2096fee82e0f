"""Legacy import benchmark (issue 6): documents per second and peak memory importing a large
Domino DXL export into one unit.

    python bench/run.py domino_import                       # 100,000 documents
    BENCH_IMPORT_DOCS=20000 python bench/run.py domino_import
    python bench/domino_import.py 20000                     # the same, run on its own

The export is generated in the shapes of the real samples and of a Domino OA system (bench/
dxl_reader.py's 发文 note: noteinfo, names, readers, a datetime, a rich-text body with a
bold run and a table): 70 % 发文 notes, 20 % 收文 notes, 9 % notes of forms no rule names
(filed archive-only, as test_100docs.xml's are), 1 % with a broken date (quarantined); every
50th carries a one-page PDF attachment. It is imported the way `manage.py import_domino` does
(check, then the run: mapping, intake checks, documents archived and indexed, ledger), then run
again (every record unchanged). Peak memory is the process's resident size, sampled every
0.2 s during each phase, against its size just before.
"""

from __future__ import annotations

import base64
import io
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, write_section
from bench.dxl_reader import DOCUMENT, HEADER

UNIT = "importbench"
DEFAULT_DOCS = int(os.environ.get("BENCH_IMPORT_DOCS", "100000"))

INCOMING = """<document form='收文登记'>
<noteinfo noteid='{noteid:x}' unid='{unid}' sequence='2'>
<created><datetime dst='true'>20130305T083000,00+08</datetime></created>
<modified><datetime dst='true'>20130306T101500,00+08</datetime></modified></noteinfo>
<updatedby><name>CN=李四/OU=办公室/O=厦门市政府</name></updatedby>
<item name='Subject'><text>关于报送第{n}期工作信息的通知</text></item>
<item name='FromUnit'><text>厦门市人民政府办公厅</text></item>
<item name='DocNumber'><text>厦府办[2013]{n}号</text></item>
<item name='ShouWenBianHao'><text>思收〔2013〕{n}号</text></item>
<item name='ReceiveDate'><datetime>{received}</datetime></item>
<item name='HuanJi'><text>加急</text></item>
<item name='Body'><richtext><pardef id='1'/><par def='1'>请于本周五前报送。</par></richtext></item>
{attachment}</document>
"""
OTHER = """<document form='info'>
<noteinfo noteid='{noteid:x}' unid='{unid}' sequence='1'>
<created><datetime dst='true'>20090616T145038,84+02</datetime></created>
<modified><datetime dst='true'>20090616T145048,22+02</datetime></modified></noteinfo>
<updatedby><name>CN=Eric BREHAULT/O=Eric BREHAULT</name></updatedby>
<item name='name'><text>makina {n}</text></item>
<item name='age'><number>{pages}</number></item>
{attachment}</document>
"""
ATTACHMENT = """<item name='$FILE' summary='true'><object><file hosttype='msdos' compression='none'
 flags='storedindoc' name='附件{n}.pdf' size='{size}'><filedata>
{data}
</filedata></file></object></item>
"""


def _pdf() -> bytes:
    """A valid one-page PDF (the intake opens every page with PDFium)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write_export(path: Path, count: int) -> None:
    pdf = _pdf()
    encoded = base64.encodebytes(pdf).decode("ascii")
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER.format(count=count))
        for n in range(1, count + 1):
            attachment = ATTACHMENT.format(n=n, size=len(pdf), data=encoded) if n % 50 == 0 else ""
            unid = f"{n:016X}48257A2B001C{n % 65536:04X}"
            fields = {
                "noteid": 0x8F6 + 4 * n,
                "unid": unid,
                "n": n,
                "pages": n % 7 + 1,
                "attachment": attachment,
            }
            shape = n % 100
            if shape < 70:
                note = DOCUMENT.format(**fields)
            elif shape < 90:
                note = INCOMING.format(**fields, received="20130305" if shape != 89 else "2013x")
            else:
                note = OTHER.format(**fields)
            out.write(note)
        out.write("</database>\n")


class _RssSampler:
    """The process's resident size, sampled in a thread (libxml2 and jieba live outside
    Python's allocator, so tracemalloc would not see them)."""

    def __init__(self):
        self.peak = self.start = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _rss())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def run(count: int | None = None) -> str:
    import django

    django.setup()
    from django_tenants.utils import schema_context

    from oa.documents.models import Document
    from oa.importer.actions import do_create_file_run
    from oa.importer.runs import execute_run
    from oa.importer.sources import open_source
    from tenants.actions import do_provision_unit
    from tenants.migration_pass import run_migration_pass

    count = count or DEFAULT_DOCS
    run_migration_pass()
    do_provision_unit(
        acting_user=None,
        code=UNIT,
        name="导入基准单位",
        admin_username="admin",
        admin_display_name="管理员",
        admin_password="Bench@2026pass",
    )
    phases = []
    with tempfile.TemporaryDirectory() as tmp, schema_context(UNIT):
        from django.conf import settings
        from django.contrib.auth import get_user_model

        settings.MEDIA_ROOT = Path(tmp) / "media"
        path = Path(tmp) / "export.xml"
        start = time.perf_counter()
        write_export(path, count)
        generate_seconds = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
        admin = get_user_model().objects.get(username="admin")
        Document.objects.filter(pk=-1).exists()  # warm the connection
        for label, dry_run in (
            ("dry run (试导入)", True),
            ("import (正式导入)", False),
            ("re-run, nothing changed", False),
        ):
            with _RssSampler() as memory:
                start = time.perf_counter()
                total = open_source(path).check()
                checked = time.perf_counter() - start
                run_row = do_create_file_run(path, acting_user=admin, dry_run=dry_run, checked_total=total)
                done = execute_run(run_row.pk)
                seconds = time.perf_counter() - start
            assert done.state == "done", (done.state, done.refusal, done.error)
            phases.append((label, done, seconds, checked, memory))
        imported = Document.objects.exclude(legacy_id="").count()
    rows = "\n".join(
        f"| {label} | {seconds:.0f} | {checked:.0f} | **{done.done / seconds:,.0f}** | "
        f"{_totals(done)} | {memory.start / 2**20:.0f} → {memory.peak / 2**20:.0f} |"
        for label, done, seconds, checked, memory in phases
    )
    body = f"""
## Legacy import (issue 6)

Machine: {machine()}

A generated Domino export of **{count:,} documents** ({size_mb:.0f} MB, written in {generate_seconds:.0f} s):
70 % 发文 notes in bench/dxl_reader.py's shape (names, readers, a rich-text body with a table),
20 % 收文 notes, 9 % notes of a form no rule names (filed archive-only), 1 % with a broken date;
every 50th with a one-page PDF attachment. Imported into one unit as `manage.py import_domino`
does, with the built-in mapping: the file is checked (check_dxl: well-formed DXL, counted), then
each record is mapped, its attachments go through the upload checks, and the document is written,
indexed (jieba) and archived with its 档号 in batches of 50; then the same file again, which must
change nothing. Resident memory is sampled every 0.2 s in each phase (start → peak).

| phase | seconds | of which check | documents/s | outcome | RSS MB |
| --- | --- | --- | --- | --- | --- |
{rows}

{imported:,} documents in the unit afterwards. Run with `BENCH_IMPORT_DOCS={count}`
(`BENCH_IMPORT_DOCS=20000` takes about three and a half minutes on this machine).
"""
    write_section("domino-import", body)
    return body


def _totals(run) -> str:
    totals = run.outcome_totals()
    labels = {
        "created": "created",
        "updated": "updated",
        "unchanged": "unchanged",
        "quarantined": "quarantined",
    }
    return ", ".join(f"{totals[k]:,} {v}" for k, v in labels.items() if totals.get(k))


if __name__ == "__main__":
    from bench.common import use_bench_database

    use_bench_database()
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else None))
