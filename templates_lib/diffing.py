"""Differences between two contents of a template: a unified text diff for people reading
the source, and a structural one (BPMN elements by id, JSON values by pointer) for people
deciding whether a change matters."""

from __future__ import annotations

import difflib
from typing import Any

from templates_lib import bpmn_tree
from templates_lib.kinds import is_text_kind
from templates_lib.validation import canonical_text
from templates_lib.validation.problems import pointer
from templates_lib.xmldoc import parse_xml, short

MISSING: Any = object()


def unified_diff(kind: str, old, new, *, old_label: str, new_label: str) -> str:
    a = canonical_text(kind, old).splitlines(keepends=True)
    b = canonical_text(kind, new).splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, fromfile=old_label, tofile=new_label, n=3))


def structural_diff(kind: str, old, new) -> list[dict]:
    if is_text_kind(kind):
        return bpmn_diff(old, new)
    return json_diff(old, new)


# --- BPMN ---------------------------------------------------------------------------------


def bpmn_nodes(text: str) -> dict[str, bpmn_tree.Node]:
    return bpmn_tree.index(parse_xml(text).root)


def bpmn_diff(old: str, new: str) -> list[dict]:
    return diff_nodes(bpmn_nodes(old), bpmn_nodes(new))


def diff_nodes(before: dict[str, bpmn_tree.Node], after: dict[str, bpmn_tree.Node]) -> list[dict]:
    """Added, removed and changed elements, in the order they appear in `after` (then removed)."""
    out = []
    for ident, node in after.items():
        old = before.get(ident)
        if old is None:
            out.append(_entry("added", node))
        elif old.signature() != node.signature():
            entry = _entry("changed", node)
            a, b = old.merge_attributes(), node.merge_attributes()
            entry["attributes"] = {
                short(k): [a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)
            }
            entry["content_changed"] = old.content != node.content
            if old.tag != node.tag:
                entry["attributes"]["(type)"] = [short(old.tag), short(node.tag)]
            if old.parent != node.parent:
                entry["attributes"]["(parent)"] = [old.parent, node.parent]
            out.append(entry)
    for ident, node in before.items():
        if ident not in after:
            out.append(_entry("removed", node))
    return out


def _entry(change: str, node: bpmn_tree.Node) -> dict:
    return {
        "where": node.id,
        "change": change,
        "element": short(node.tag),
        "name": node.label,
        "diagram": node.is_diagram,
    }


# --- JSON ---------------------------------------------------------------------------------


def json_leaves(value, path: tuple = ()) -> dict[str, Any]:
    """Every leaf value by JSON pointer; empty objects and lists count as leaves."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(json_leaves(item, (*path, key)))
        return out
    if isinstance(value, list) and value:
        out = {}
        for i, item in enumerate(value):
            out.update(json_leaves(item, (*path, i)))
        return out
    return {pointer(*path) or "/": value}


def json_diff(old, new) -> list[dict]:
    a, b = json_leaves(old), json_leaves(new)
    out = []
    for where, value in b.items():
        if where not in a:
            out.append({"where": where, "change": "added", "before": None, "after": value})
        elif a[where] != value or type(a[where]) is not type(value):
            out.append({"where": where, "change": "changed", "before": a[where], "after": value})
    for where, value in a.items():
        if where not in b:
            out.append({"where": where, "change": "removed", "before": value, "after": None})
    return out
