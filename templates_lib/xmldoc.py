"""Reading and writing BPMN XML safely, with line numbers.

Uploaded BPMN comes from provider staff and unit admins, so it is parsed with expat
directly, refusing DOCTYPE and entity declarations (the billion-laughs and external-entity
attacks need them) rather than with ElementTree's parser, which accepts them. Each element's
line is kept so a refusal can say where ("第 12 行").
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.parsers import expat

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Prefixes written back when a merged document is serialised (bpmn-js's own choices, so a
# merged file looks like one the modeler saved).
PREFIXES = {
    "bpmn": BPMN,
    "bpmndi": BPMNDI,
    "dc": DC,
    "di": DI,
    "camunda": CAMUNDA,
    "xsi": XSI,
    "bioc": "http://bpmn.io/schema/bpmn/biocolor/1.0",
    "color": "http://www.omg.org/spec/BPMN/non-normative/color/1.0",
    "modeler": "http://camunda.org/schema/modeler/1.0",
}
for _prefix, _uri in PREFIXES.items():
    ET.register_namespace(_prefix, _uri)
_BY_URI = {uri: prefix for prefix, uri in PREFIXES.items()}


def q(ns: str, local: str) -> str:
    """ElementTree's {namespace}local name."""
    return f"{{{ns}}}{local}"


def short(name: str) -> str:
    """{uri}local as prefix:local, for messages."""
    if name.startswith("{"):
        uri, local = name[1:].split("}", 1)
        prefix = _BY_URI.get(uri)
        return f"{prefix}:{local}" if prefix else local
    return name


class XmlError(Exception):
    def __init__(self, line: int, detail: str):
        super().__init__(detail)
        self.line = line
        self.detail = detail


@dataclass
class XmlDocument:
    root: ET.Element
    lines: dict[int, int] = field(default_factory=dict)  # id(element) -> line

    def line_of(self, element: ET.Element) -> int:
        return self.lines.get(id(element), 1)


def _qualify(name: str) -> str:
    # expat joins namespace and local name with the separator we chose ("}").
    return "{" + name if "}" in name else name


def parse_xml(text: str) -> XmlDocument:
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator="}")
    parser.buffer_text = True
    lines: dict[int, int] = {}

    def start(name, attrs):
        element = builder.start(_qualify(name), {_qualify(k): v for k, v in attrs.items()})
        lines[id(element)] = parser.CurrentLineNumber

    def refuse(*_args):
        raise XmlError(parser.CurrentLineNumber, "不允许 DOCTYPE、实体声明或外部实体（安全原因）。")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(_qualify(name))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        message = expat.errors.messages.get(exc.code, str(exc))
        raise XmlError(exc.lineno, f"XML 格式错误（第 {exc.offset + 1} 列：{message}）。") from exc
    root = builder.close()
    # ElementTree keeps elements alive through the root, so their ids stay valid.
    return XmlDocument(root=root, lines=lines)


def serialise(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
