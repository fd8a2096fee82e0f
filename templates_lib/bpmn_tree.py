"""BPMN documents as a set of elements keyed by id, for diffs and three-way merges.

An element is *tracked* when it has an id and so does every ancestor up to the root
(bpmn:definitions): processes, tasks, gateways, events, sequence flows, lanes, and the
diagram's shapes and edges. Everything else belongs to the nearest tracked element as its
*content*: documentation, condition expressions, multi-instance settings, extension
elements, a shape's bounds, an edge's waypoints.

bpmn:incoming / bpmn:outgoing are left out of an element's content: they only repeat the
sequence flows' sourceRef / targetRef, so two sides adding flows to the same task would
otherwise collide on the task. After a merge they are written again from the flows.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from templates_lib.xmldoc import BPMN, BPMNDI, DC, DI, q, short

FLOW_REFS = frozenset({q(BPMN, "incoming"), q(BPMN, "outgoing")})
# Rewritten by every modeler on save; never worth a conflict.
VOLATILE_ATTRIBUTES = frozenset({"exporter", "exporterVersion"})
DIAGRAM_NAMESPACES = (BPMNDI, DC, DI)


@dataclass
class Node:
    id: str
    tag: str
    attributes: dict[str, str]  # without id
    content: str  # canonical form of the non-tracked children
    parent: str | None
    element: ET.Element

    @property
    def label(self) -> str:
        return self.attributes.get("name", "")

    @property
    def is_diagram(self) -> bool:
        return self.tag.startswith(tuple(f"{{{ns}}}" for ns in DIAGRAM_NAMESPACES))

    def signature(self) -> tuple:
        return (self.tag, self.parent, tuple(sorted(self.merge_attributes().items())), self.content)

    def merge_attributes(self) -> dict[str, str]:
        return {k: v for k, v in self.attributes.items() if k not in VOLATILE_ATTRIBUTES}


def _canonical(element: ET.Element) -> str:
    attributes = "".join(f' {k}="{v}"' for k, v in sorted(element.attrib.items()))
    text = (element.text or "").strip()
    children = "".join(_canonical(c) for c in element)
    return f"<{element.tag}{attributes}>{text}{children}</{element.tag}>"


def own_children(element: ET.Element) -> list[ET.Element]:
    """Children that are content (not tracked, not flow references)."""
    return [c for c in element if c.get("id") is None and c.tag not in FLOW_REFS]


def index(root: ET.Element) -> dict[str, Node]:
    """Tracked elements by id, in document order."""
    nodes: dict[str, Node] = {}

    def walk(element: ET.Element, parent: str | None) -> None:
        ident = element.get("id")
        attributes = {k: v for k, v in element.attrib.items() if k != "id"}
        content = (element.text or "").strip() + "".join(_canonical(c) for c in own_children(element))
        nodes[ident] = Node(ident, element.tag, attributes, content, parent, element)
        for child in element:
            if child.get("id") is not None:
                walk(child, ident)

    if root.get("id") is None:
        # A definitions element without an id (legal) still anchors the tree.
        root.set("id", "__definitions__")
    walk(root, None)
    return nodes


def shallow_copy(element: ET.Element) -> ET.Element:
    """The element with its attributes and content, without tracked children."""
    clone = ET.Element(element.tag, dict(element.attrib))
    clone.text = element.text
    for child in own_children(element):
        clone.append(copy.deepcopy(child))
    return clone


def replace_content(target: ET.Element, source: ET.Element, attributes: dict[str, str] | None = None) -> None:
    """Give `target` the attributes and content of `source`, keeping its tracked children."""
    tracked = [c for c in target if c.get("id") is not None]
    # Read the source first: it may be the target itself (only the attributes change).
    content = [copy.deepcopy(c) for c in own_children(source)]
    text = source.text
    attributes = dict(source.attrib if attributes is None else attributes)
    target.attrib.clear()
    target.attrib.update(attributes)
    target.text = text
    for child in list(target):
        target.remove(child)
    for child in [*content, *tracked]:
        target.append(child)


def rewrite_flow_refs(root: ET.Element) -> None:
    """Write every flow node's bpmn:incoming / bpmn:outgoing from the sequence flows."""
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for flow in root.iter(q(BPMN, "sequenceFlow")):
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow.get("id"))
        incoming.setdefault(flow.get("targetRef", ""), []).append(flow.get("id"))
    leading = {q(BPMN, "documentation"), q(BPMN, "extensionElements")}
    for element in root.iter():
        ident = element.get("id")
        had_refs = any(c.tag in FLOW_REFS for c in element)
        if not had_refs and ident not in incoming and ident not in outgoing:
            continue
        for child in [c for c in element if c.tag in FLOW_REFS]:
            element.remove(child)
        # BPMN's schema order: documentation, extensionElements, incoming, outgoing, the rest.
        position = 0
        for i, child in enumerate(element):
            if child.tag in leading:
                position = i + 1
        refs = [(q(BPMN, "incoming"), f) for f in incoming.get(ident, [])]
        refs += [(q(BPMN, "outgoing"), f) for f in outgoing.get(ident, [])]
        for offset, (tag, flow_id) in enumerate(refs):
            ref = ET.Element(tag)
            ref.text = flow_id
            element.insert(position + offset, ref)


def describe(node: Node | None) -> str | None:
    """An element as XML text (attributes and content only), for conflict and diff lists."""
    if node is None:
        return None
    return ET.tostring(shallow_copy(node.element), encoding="unicode")


def kind_of(node: Node) -> str:
    return short(node.tag)
