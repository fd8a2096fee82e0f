"""Three-way merge of a unit's copy with a newer library version.

base   = the library version the unit's copy came from (its parent version),
ours   = the unit's current content,
theirs = the newer library version.

A change made on one side only is taken; the same change on both sides is taken once; two
different changes to the same place are a conflict, which the unit admin settles by
choosing "ours" or "theirs" for it. Places are:
- for JSON kinds, JSON pointers: objects merge key by key; anything else (strings, numbers,
  lists) is one value, because merging lists position by position would silently pair up
  unrelated items (two sides each appending a field to ui.order);
- for BPMN, elements by id (bpmn_tree): an element added, removed or changed on one side;
  when both sides changed the same element, attribute by attribute ("Task_Review@name")
  and its content as a whole ("Task_Review#content").

Unresolved conflicts are settled as "ours" in the content returned, so a preview shows the
unit's edits kept; the upgrade action refuses until every conflict has a resolution.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from templates_lib import bpmn_tree
from templates_lib.kinds import is_text_kind
from templates_lib.validation.problems import Problem, pointer
from templates_lib.xmldoc import BPMN, BPMNDI, parse_xml, q, serialise, short

OURS, THEIRS = "ours", "theirs"
RESOLUTIONS = (OURS, THEIRS)
MISSING: Any = object()

BOTH_CHANGED = "本单位与新版本对此处做了不同的修改。"
BOTH_ADDED = "本单位与新版本都新增了此处，内容不同。"
OURS_REMOVED = "本单位删除了此处，新版本修改了它。"
THEIRS_REMOVED = "本单位修改了此处，新版本删除了它。"


@dataclass
class Conflict:
    where: str
    detail: str
    base: Any
    ours: Any
    theirs: Any
    element: str = ""
    name: str = ""

    def as_dict(self, resolutions: dict[str, str]) -> dict:
        return {
            "where": self.where,
            "detail": self.detail,
            "element": self.element,
            "name": self.name,
            "base": self.base,
            "ours": self.ours,
            "theirs": self.theirs,
            "resolution": resolutions.get(self.where),
        }


@dataclass
class MergeResult:
    content: Any
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # a merge that cannot stand as is
    resolutions: dict[str, str] = field(default_factory=dict)

    @property
    def unresolved(self) -> list[str]:
        return [c.where for c in self.conflicts if c.where not in self.resolutions]

    @property
    def clean(self) -> bool:
        return not self.unresolved and not self.problems


def three_way_merge(kind: str, base, ours, theirs, resolutions: dict[str, str] | None = None) -> MergeResult:
    resolutions = dict(resolutions or {})
    # Untouched on one side: the other side's content exactly as it is (no re-serialising).
    if _same(ours, base) or _same(theirs, base) or _same(ours, theirs):
        content = ours if _same(theirs, base) else theirs
        return MergeResult(content=content, resolutions=resolutions)
    if is_text_kind(kind):
        return _BpmnMerge(base, ours, theirs, resolutions).run()
    return _merge_json(base, ours, theirs, resolutions)


def _detail(base_present: bool, ours_present: bool, theirs_present: bool) -> str:
    if not base_present:
        return BOTH_ADDED
    if not ours_present:
        return OURS_REMOVED
    if not theirs_present:
        return THEIRS_REMOVED
    return BOTH_CHANGED


# --- JSON ---------------------------------------------------------------------------------


def _same(a, b) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    # Through JSON, so 1 and true and 1.0 are not taken for one another.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _shown(value):
    return None if value is MISSING else value


def _merge_json(base, ours, theirs, resolutions: dict[str, str]) -> MergeResult:
    result = MergeResult(content=None, resolutions=resolutions)

    def merge(b, o, t, path: tuple):
        if _same(o, t):
            return o
        if _same(o, b):
            return t
        if _same(t, b):
            return o
        if isinstance(o, dict) and isinstance(t, dict) and (b is MISSING or isinstance(b, dict)):
            b = b if isinstance(b, dict) else {}
            out = {}
            for key in [*t, *(k for k in o if k not in t)]:
                value = merge(b.get(key, MISSING), o.get(key, MISSING), t.get(key, MISSING), (*path, key))
                if value is not MISSING:
                    out[key] = value
            return out
        where = pointer(*path) or "/"
        result.conflicts.append(
            Conflict(
                where,
                _detail(b is not MISSING, o is not MISSING, t is not MISSING),
                _shown(b),
                _shown(o),
                _shown(t),
            )
        )
        return t if resolutions.get(where) == THEIRS else o

    result.content = merge(base, ours, theirs, ())
    return result


# --- BPMN ---------------------------------------------------------------------------------


class _BpmnMerge:
    def __init__(self, base: str, ours: str, theirs: str, resolutions: dict[str, str]):
        self.base = bpmn_tree.index(parse_xml(base).root)
        self.ours = bpmn_tree.index(parse_xml(ours).root)
        theirs_root = parse_xml(theirs).root
        self.theirs = bpmn_tree.index(theirs_root)
        # The merge is built on a copy of the new version and changed towards the unit's.
        self.root = copy.deepcopy(theirs_root)
        self.nodes = {el.get("id"): el for el in self.root.iter() if el.get("id") is not None}
        self.parents = {child: parent for parent in self.root.iter() for child in parent}
        self.result = MergeResult(content=None, resolutions=resolutions)

    def choice(self, where: str) -> str:
        return self.result.resolutions.get(where, OURS)

    def conflict(self, where: str, detail: str, base, ours, theirs, node: bpmn_tree.Node) -> str:
        self.result.conflicts.append(Conflict(where, detail, base, ours, theirs, short(node.tag), node.label))
        return self.choice(where)

    def run(self) -> MergeResult:
        ids = [*self.ours, *(i for i in self.theirs if i not in self.ours)]
        ids += [i for i in self.base if i not in self.ours and i not in self.theirs]
        inserts, removals = [], []
        for ident in ids:
            b, o, t = self.base.get(ident), self.ours.get(ident), self.theirs.get(ident)
            sb, so, st = (n.signature() if n else None for n in (b, o, t))
            if so in (st, sb):
                continue  # nothing to do: the new version's element stands
            if st == sb or (o is not None and t is not None and o.tag == t.tag and o.parent == t.parent):
                if t is not None and st != sb:
                    self.merge_element(b, o, t)
                elif o is None:
                    removals.append(ident)
                elif t is None:
                    inserts.append(ident)
                else:
                    self.take_ours(o)
                continue
            node = o or t
            detail = _detail(b is not None, o is not None, t is not None)
            if self.conflict(ident, detail, *map(bpmn_tree.describe, (b, o, t)), node) == OURS:
                if o is None:
                    removals.append(ident)
                elif t is None:
                    inserts.append(ident)
                else:
                    self.take_ours(o)
        for ident in inserts:
            self.insert(self.ours[ident])
        for ident in removals:
            self.remove(ident)
        self.finish()
        return self.result

    def merge_element(self, b, o, t) -> None:
        """Both sides changed one element: merge attribute by attribute, content as a whole."""
        ident = o.id
        base_attributes = b.merge_attributes() if b else {}
        ours, theirs = o.merge_attributes(), t.merge_attributes()
        merged = {"id": ident}
        for name in [*theirs, *(n for n in ours if n not in theirs)]:
            bv, ov, tv = base_attributes.get(name), ours.get(name), theirs.get(name)
            if ov == tv or tv == bv:
                value = ov
            elif ov == bv:
                value = tv
            else:
                where = f"{ident}@{short(name)}"
                detail = _detail(bv is not None, ov is not None, tv is not None)
                value = ov if self.conflict(where, detail, bv, ov, tv, o) == OURS else tv
            if value is not None:
                merged[name] = value
        for name in bpmn_tree.VOLATILE_ATTRIBUTES:
            if name in t.attributes:
                merged[name] = t.attributes[name]
        base_content = b.content if b else None
        use_ours = o.content != t.content and t.content == base_content
        if o.content not in (t.content, base_content) and t.content != base_content:
            where = f"{ident}#content"
            described = [bpmn_tree.describe(n) for n in (b, o, t)]
            use_ours = self.conflict(where, BOTH_CHANGED, *described, o) == OURS
        element = self.nodes[ident]
        bpmn_tree.replace_content(element, o.element if use_ours else element, attributes=merged)

    def take_ours(self, o: bpmn_tree.Node) -> None:
        element = self.nodes.get(o.id)
        if element is None:
            self.insert(o)
            return
        element.tag = o.tag
        bpmn_tree.replace_content(element, o.element)
        if o.parent and o.parent in self.nodes and self.parents.get(element) is not self.nodes[o.parent]:
            self.detach(element)
            self.attach(o, element)

    def insert(self, o: bpmn_tree.Node) -> None:
        if o.id in self.nodes:
            return
        if o.parent not in self.nodes:
            parent = self.ours[o.parent]
            where = f"{o.id}/parent"
            detail = f"本单位在“{parent.label or parent.id}”（{parent.id}）中新增了此元素，但新版本删除了“{parent.id}”。"
            if self.conflict(where, detail, None, bpmn_tree.describe(o), None, o) == THEIRS:
                return
            self.insert(parent)  # keep the parent too, as the unit has it
        element = bpmn_tree.shallow_copy(o.element)
        self.attach(o, element)
        self.nodes[o.id] = element

    def attach(self, o: bpmn_tree.Node, element) -> None:
        """Put `element` under its parent, next to the sibling it follows in the unit's copy."""
        parent = self.nodes[o.parent]
        siblings = [c.get("id") for c in self.ours[o.parent].element if c.get("id") is not None]
        position = siblings.index(o.id)
        children = list(parent)
        for before in reversed(siblings[:position]):
            anchor = self.nodes.get(before)
            if anchor is not None and anchor in children:
                parent.insert(children.index(anchor) + 1, element)
                break
        else:
            following = [self.nodes.get(s) for s in siblings[position + 1 :]]
            anchor = next((a for a in following if a is not None and a in children), None)
            if anchor is not None:
                parent.insert(children.index(anchor), element)
            else:
                parent.append(element)
        self.parents[element] = parent

    def detach(self, element) -> None:
        parent = self.parents.pop(element, None)
        if parent is None:
            parent = next((p for p in self.root.iter() if element in list(p)), None)
        if parent is not None:
            parent.remove(element)

    def remove(self, ident: str) -> None:
        element = self.nodes.get(ident)
        if element is None or element is self.root:
            return
        for gone in element.iter():
            self.nodes.pop(gone.get("id"), None)
        self.detach(element)

    def finish(self) -> None:
        # An element kept from the unit's side keeps its diagram shape or edge from there too
        # (bpmn-js does not draw an element that has none).
        drawn = {el.get("bpmnElement") for el in self.root.iter() if el.get("bpmnElement")}
        for node in list(self.ours.values()):
            target = node.attributes.get("bpmnElement")
            if node.is_diagram and target in self.nodes and target not in drawn and node.parent in self.nodes:
                self.insert(node)
        # Diagram shapes and edges of elements that no longer exist go with them.
        for tag in (q(BPMNDI, "BPMNShape"), q(BPMNDI, "BPMNEdge")):
            for element in list(self.root.iter(tag)):
                if element.get("bpmnElement") not in self.nodes:
                    self.nodes.pop(element.get("id"), None)
                    self.detach(element)
        for flow in self.root.iter(q(BPMN, "sequenceFlow")):
            for ref in ("sourceRef", "targetRef"):
                if flow.get(ref) not in self.nodes:
                    self.result.problems.append(
                        Problem(
                            f"合并后顺序流 {flow.get('id')} 的 {ref} 指向已不存在的元素“{flow.get(ref)}”，"
                            "请在冲突中改选，或升级后编辑流程。",
                            pointer=flow.get("id"),
                        )
                    )
        bpmn_tree.rewrite_flow_refs(self.root)
        if self.root.get("id") == "__definitions__":
            del self.root.attrib["id"]
        self.result.content = serialise(self.root)
