"""Generated DXL for the tests: a database of documents, in any encoding, written the way
Domino's exporter writes it (single quotes, <noteinfo> first, items after)."""

from __future__ import annotations

import base64
from pathlib import Path

# The real exports the README of /work/shared/data/dxl describes (never copied into the repo).
SAMPLES = Path(__file__).resolve().parents[5] / ".." / "shared" / "data" / "dxl"

NS = "http://www.lotus.com/dxl"
CREATED = "20120617T093015,21+08"


def item(name: str, value: str, **flags: str) -> str:
    attrs = "".join(f" {k}='{v}'" for k, v in flags.items())
    return f"<item name='{name}'{attrs}>{value}</item>"


def text(value: str) -> str:
    return f"<text>{value}</text>"


def richtext(body: str) -> str:
    return f"<richtext><pardef id='1'/>{body}</richtext>"


def attachment(
    name: str, data: bytes | None = None, *, encoded: str | None = None, size: int | None = None
) -> str:
    payload = encoded if encoded is not None else base64.encodebytes(data or b"").decode("ascii")
    size_attr = f" size='{size}'" if size is not None else ""
    return item(
        "$FILE",
        f"<object><file hosttype='msdos' compression='none' flags='storedindoc' name='{name}'{size_attr}>"
        f"<created><datetime dst='true'>{CREATED}</datetime></created>"
        f"<modified><datetime>20120601T080000,00+08</datetime></modified>"
        f"<filedata>\n{payload}</filedata></file></object>",
        summary="true",
        sign="true",
        seal="true",
    )


def unid(n: int) -> str:
    return f"{n:016X}48257A2B001C3A5E"


def document(
    *items: str, n: int = 1, form: str | None = "发文", element: str = "document", attrs: str = ""
) -> str:
    form_attr = f" form='{form}'" if form is not None and element == "document" else ""
    open_tag = f"<note class='document'{attrs}>" if element == "note" else f"<document{form_attr}{attrs}>"
    close_tag = "</note>" if element == "note" else "</document>"
    return (
        f"{open_tag}\n<noteinfo noteid='{0x8F6 + 4 * n:x}' unid='{unid(n)}' sequence='2'>"
        f"<created><datetime dst='true'>{CREATED}</datetime></created>"
        f"<modified><datetime dst='true'>20120618T101520,03+08</datetime></modified></noteinfo>\n"
        f"<updatedby><name>CN=张三/OU=办公室/O=厦门市政府</name></updatedby>\n"
        + "\n".join(items)
        + f"\n{close_tag}\n"
    )


def database(*notes: str, encoding: str = "utf-8", namespace: bool = True, title: str = "发文管理") -> bytes:
    xmlns = f" xmlns='{NS}'" if namespace else ""
    xml = (
        f"<?xml version='1.0' encoding='{encoding}'?>\n"
        f"<database{xmlns} version='8.5' replicaid='48257A2B001C3A5E' path='oa/fawen.nsf' title='{title}'>\n"
        "<databaseinfo dbid='48257A2B001C3A5E' numberofdocuments='2'/>\n"
        "<acl><aclentry name='-Default-' default='true' level='noaccess'/></acl>\n"
        "<form name='发文'><noteinfo noteid='132' unid='C49D80D6DADCAC06C12575C900515D72'/>"
        "<body><richtext><par>标题：<field type='text' kind='editable' name='Subject'/></par></richtext></body>"
        "</form>\n" + "".join(notes) + "</database>\n"
    )
    codec = "utf-16" if encoding.upper() == "UTF-16" else encoding
    # What the encoding cannot hold becomes a character reference, as XML writers do.
    return xml.encode(codec, errors="xmlcharrefreplace")


def bulk(path: Path, count: int, *, attachment_every: int = 100) -> Path:
    """A database of `count` small documents written straight to disk."""
    payload = b"%PDF-1.4\n" + bytes(range(256)) * 40
    with path.open("wb") as out:
        head = database().decode("utf-8").removesuffix("</database>\n")
        out.write(head.encode("utf-8"))
        for n in range(1, count + 1):
            items = [
                item("Subject", text(f"关于做好{n}号文件办理工作的通知"), summary="true"),
                item("Pages", f"<number>{n % 7}</number>"),
                item(
                    "Body", richtext(f"<par def='1'><run><font style='bold'/>各单位：</run>第{n}号。</par>")
                ),
            ]
            if n % attachment_every == 0:
                items.append(attachment(f"附件{n}.pdf", payload, size=len(payload)))
            out.write(document(*items, n=n).encode("utf-8"))
        out.write(b"</database>\n")
    return path
