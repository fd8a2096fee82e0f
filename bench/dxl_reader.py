"""DXL reader throughput and memory on a generated Domino export (no database needed).

    python bench/dxl_reader.py            # 100,000 documents
    python bench/dxl_reader.py 20000

Writes an export shaped like the real samples (acl, view, form, then documents with noteinfo,
text/number/datetime/names items, a rich-text body with a bold run and a table, every 50th with a
20 KB attachment) into a temporary directory, then times check_dxl() and a full read, and
reports the process's peak resident size (libxml2's tree included) and, in a second pass, the
read's peak Python heap (tracemalloc). The file is deleted.
"""

from __future__ import annotations

import base64
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oa.importer.sources.dxl import DxlReader, check_dxl

HEADER = """<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE database SYSTEM 'xmlschemas/domino_8_5_3.dtd'>
<database xmlns='http://www.lotus.com/dxl' version='8.5' replicaid='48257A2B001C3A5E'
 path='oa/fawen.nsf' title='发文管理'>
<databaseinfo dbid='48257A2B001C3A5E' odsversion='51' numberofdocuments='{count}'/>
<acl maxinternetaccess='editor'><aclentry name='-Default-' default='true' level='noaccess'/></acl>
<view name='所有文档'><noteinfo noteid='116' unid='5FF20CBC9D178B04C12575C900515749' sequence='2'/>
<code event='selection'><formula>@All</formula></code></view>
<form name='发文'><noteinfo noteid='132' unid='C49D80D6DADCAC06C12575C900515D72' sequence='2'/>
<body><richtext><pardef id='1'/><par def='1'>标题：<field type='text' kind='editable' name='Subject'/></par>
</richtext></body></form>
"""
DOCUMENT = """<document form='发文'>
<noteinfo noteid='{noteid:x}' unid='{unid}' sequence='3'>
<created><datetime dst='true'>20120617T093015,21+08</datetime></created>
<modified><datetime dst='true'>20120618T101520,03+08</datetime></modified>
<revised><datetime dst='true'>20120618T101520,02+08</datetime></revised>
<lastaccessed><datetime dst='true'>20120618T101520,02+08</datetime></lastaccessed>
<addedtofile><datetime dst='true'>20120617T093015,22+08</datetime></addedtofile></noteinfo>
<updatedby><name>CN=张三/OU=办公室/O=厦门市政府</name></updatedby>
<item name='Subject' summary='true'><text>关于做好{n}号文件办理工作的通知</text></item>
<item name='DocNumber'><text>厦府办〔2012〕{n}号</text></item>
<item name='Pages'><number>{pages}</number></item>
<item name='DocDate'><datetime>20120617</datetime></item>
<item name='Signer' names='true'><text>CN=李四/OU=领导/O=厦门市政府</text></item>
<item name='Readers' names='true' readers='true'><textlist><text>CN=张三/OU=办公室/O=厦门市政府</text><text>[Admin]</text></textlist></item>
<item name='Body'><richtext><pardef id='1'/>
<par def='1'><run><font style='bold'/>各区人民政府，市直各委、办、局：</run></par>
<par>为进一步做好公文办理工作，现将有关事项通知如下。一、提高认识，加强领导。二、明确责任，规范流程。三、加强督查，确保实效。</par>
<table><tablecolumn width='2in'/><tablecolumn width='2in'/>
<tablerow><tablecell><par>单位</par></tablecell><tablecell><par>联系人</par></tablecell></tablerow>
<tablerow><tablecell><par>办公室</par></tablecell><tablecell><par>张三</par></tablecell></tablerow></table>
<par>特此通知。</par></richtext></item>
{attachment}</document>
"""
ATTACHMENT = """<item name='$FILE' summary='true' sign='true' seal='true'><object><file hosttype='msdos'
 compression='none' flags='storedindoc' name='附件{n}.pdf' size='{size}'>
<created><datetime dst='true'>20120617T093015,21+08</datetime></created>
<modified><datetime dst='true'>20120617T093015,21+08</datetime></modified><filedata>
{data}
</filedata></file></object></item>
"""
PAYLOAD = b"%PDF-1.4\n" + bytes(range(256)) * 80


def write_export(path: Path, count: int) -> None:
    encoded = base64.encodebytes(PAYLOAD).decode("ascii")
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER.format(count=count))
        for n in range(1, count + 1):
            attachment = ATTACHMENT.format(n=n, size=len(PAYLOAD), data=encoded) if n % 50 == 0 else ""
            unid = f"{n:016X}48257A2B001C{n % 65536:04X}"
            out.write(
                DOCUMENT.format(noteid=0x8F6 + 4 * n, unid=unid, n=n, pages=n % 7 + 1, attachment=attachment)
            )
        out.write("</database>\n")


def run(count: int = 100_000) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xml"
        write_export(path, count)
        size_mb = path.stat().st_size / 1e6

        start = time.perf_counter()
        check_dxl(path)
        check_seconds = time.perf_counter() - start

        start = time.perf_counter()
        documents = sum(1 for _ in DxlReader(path))
        read_seconds = time.perf_counter() - start

        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB: includes libxml2's tree

        tracemalloc.start()
        for _ in DxlReader(path):
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return (
        f"DXL reader: {documents} documents, {size_mb:.0f} MB file; check_dxl {check_seconds:.1f} s "
        f"({documents / check_seconds:,.0f} docs/s); read {read_seconds:.1f} s "
        f"({documents / read_seconds:,.0f} docs/s); process max RSS {max_rss / 1024:.0f} MB; "
        f"peak Python heap while reading {peak / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
