"""The DXL vocabulary the reader relies on, taken from the Domino DTD (domino_*.dtd).

Every DXL element lives in the namespace below; older tools sometimes wrote DXL without it, so
an un-namespaced file is accepted when its root is one of the DXL roots.
"""

from __future__ import annotations

DXL_NAMESPACE = "http://www.lotus.com/dxl"

# %design.elements; of the DTD: the named design notes a database export interleaves with its
# documents. They are skipped (and counted) by the reader.
DESIGN_ELEMENTS = frozenset(
    {
        "helpaboutdocument",
        "helpusingdocument",
        "sharedactions",
        "databasescript",
        "form",
        "subform",
        "page",
        "frameset",
        "view",
        "folder",
        "navigator",
        "outline",
        "agent",
        "sharedfield",
        "sharedcolumn",
        "scriptlibrary",
        "imageresource",
        "appletresource",
        "fileresource",
        "stylesheetresource",
        "dataconnection",
        "webservice",
        "webserviceconsumer",
    }
)

# %note.types;: what a <database> may hold after its header elements.
NOTE_ELEMENTS = frozenset({"document", "note"}) | DESIGN_ELEMENTS

# <!ELEMENT database ( databaseinfo?, acl?, fulltextsettings?, launchsettings?, (%note.types;)* )>
DATABASE_HEADER_ELEMENTS = frozenset({"databaseinfo", "acl", "fulltextsettings", "launchsettings"})
DATABASE_CHILDREN = DATABASE_HEADER_ELEMENTS | NOTE_ELEMENTS

# A DXL file is a whole database, a single note of any kind, or an ACL on its own.
ROOT_ELEMENTS = frozenset({"database", "acl"}) | NOTE_ELEMENTS


_LOCAL_NAMES: dict[str, str] = {}


def local_name(tag: str) -> str:
    """'{http://www.lotus.com/dxl}item' → 'item'. Called for every element: the few distinct
    tags of a vocabulary are cached."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rpartition("}")[2]
        if len(_LOCAL_NAMES) < 4096:
            _LOCAL_NAMES[tag] = name
    return name


def namespace_of(tag: str) -> str | None:
    return tag[1:].partition("}")[0] if tag.startswith("{") else None


def is_true(value: str | None) -> bool:
    """DXL's %boolean; is the literal 'true' or 'false'."""
    return value is not None and value.strip().lower() == "true"


def optional_bool(value: str | None) -> bool | None:
    return None if value is None else is_true(value)
