"""Finding one's way inside an OFD package (GB/T 33190-2016).

An OFD file is a zip: `OFD.xml` at the root names each document's `Document.xml`
(`DocBody/DocRoot`), which lists its pages in reading order (`Pages/Page/@BaseLoc`), each page's
content in its own `Content.xml`. Locations are relative to the folder of the file that names
them, or absolute from the package root when they start with "/". Producers disagree on the
namespace prefix (and a few omit the namespace), so elements are matched on their local name.
"""

from __future__ import annotations

import posixpath
import zipfile

from .xmlstream import END, START, TEXT, iter_events, local, read_chunks

ROOT = "OFD.xml"


class OfdStructureError(Exception):
    """A location that is missing, escapes the package, or a part that is not well-formed."""


def resolve(base_dir: str, location: str) -> str:
    """A member name for `location` as written in a part stored under `base_dir`."""
    location = location.strip().replace("\\", "/")
    if not location:
        raise OfdStructureError("空的文件位置")
    path = location[1:] if location.startswith("/") else posixpath.join(base_dir, location)
    path = posixpath.normpath(path)
    if path.startswith("..") or path.startswith("/"):
        raise OfdStructureError(f"越出文件包的位置“{location[:80]}”")
    return path


def _texts_of(
    archive: zipfile.ZipFile, member: str, wanted: str, *, attribute: str | None = None
) -> list[str]:
    """The text (or an attribute) of every element named `wanted` in a small structural part."""
    if member not in archive.NameToInfo:
        raise OfdStructureError(f"缺少“{member}”")
    found: list[str] = []
    inside = False
    with archive.open(member) as stream:
        for event, tag, value in iter_events(read_chunks(stream)):
            if event == START and local(tag) == wanted:
                if attribute is not None:
                    found.append(value.get(attribute, "") if isinstance(value, dict) else "")
                else:
                    inside = True
                    found.append("")
            elif event == END and local(tag) == wanted:
                inside = False
            elif event == TEXT and inside and isinstance(value, str):
                found[-1] += value
    return found


def document_roots(archive: zipfile.ZipFile) -> list[str]:
    """Member names of each document's Document.xml, in the order OFD.xml lists them."""
    roots = [resolve("", text) for text in _texts_of(archive, ROOT, "DocRoot")]
    if not roots:
        raise OfdStructureError("OFD.xml 中没有 DocRoot")
    return roots


def page_contents(archive: zipfile.ZipFile, document_root: str) -> list[str]:
    """Member names of each page's Content.xml of one document, in page order."""
    base = posixpath.dirname(document_root)
    pages = []
    for location in _texts_of(archive, document_root, "Page", attribute="BaseLoc"):
        if not location:
            continue
        path = resolve(base, location)
        # BaseLoc names the page's Content.xml; some producers name the page folder instead.
        if path not in archive.NameToInfo and posixpath.join(path, "Content.xml") in archive.NameToInfo:
            path = posixpath.join(path, "Content.xml")
        pages.append(path)
    return pages
