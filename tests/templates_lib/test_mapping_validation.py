"""The import mapping kind (导入映射): what the validator refuses, and where it says it is."""

from __future__ import annotations

import copy
import json

import pytest

from oa.core.errors import ActionError
from templates_lib.loading import BUILTIN_DIR
from templates_lib.validation import clean_content, problems_in


@pytest.fixture
def builtin() -> dict:
    return json.loads((BUILTIN_DIR / "mappings" / "domino_oa.json").read_text(encoding="utf-8"))


def where(content) -> dict[str, str]:
    return {p.pointer: p.detail for p in problems_in("mapping", content)}


def test_the_builtin_mapping_is_valid_and_ends_with_a_catch_all(builtin):
    assert problems_in("mapping", builtin) == []
    assert builtin["forms"][-1]["match"] == ["*"]
    names = [f["name"] for f in builtin["forms"]]
    assert names[:2] == ["发文", "收文"]


def test_a_catch_all_that_is_not_last_is_refused(builtin):
    content = copy.deepcopy(builtin)
    content["forms"].insert(0, content["forms"].pop())
    assert "只能放在最后一项" in where(content)["/forms/0/match/0"]


def test_unknown_fields_and_bad_defaults_are_refused_with_their_pointer(builtin):
    content = copy.deepcopy(builtin)
    content["forms"][0]["fields"]["colour"] = ["Colour"]
    assert "/forms/0/fields" in where(content)
    content = copy.deepcopy(builtin)
    content["forms"][0]["defaults"] = {
        "doc_type": "简报",
        "retention": "五年",
        "copies": -1,
        "issued_date": "昨天",
    }
    found = where(content)
    assert "简报" in found["/forms/0/defaults/doc_type"]
    assert "五年" in found["/forms/0/defaults/retention"]
    assert "非负整数" in found["/forms/0/defaults/copies"]
    assert "YYYY-MM-DD" in found["/forms/0/defaults/issued_date"]


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (lambda c: c["forms"][1].update(name="发文"), "/forms/1/name", "重复"),
        (lambda c: c["forms"][1]["match"].append("FaWen"), "/forms/1/match/15", "已由第 1 项匹配"),
        (lambda c: c["forms"][0].update(direction="incoming"), "/forms/0/direction", "仅存档"),
        (lambda c: c["forms"][0]["required"].append("deadline"), "/forms/0/required", "办理期限"),
        (
            lambda c: c["forms"][-1].update(title_fallback=["{form}{colour}"]),
            "/forms/4/title_fallback/0",
            "{colour}",
        ),
        (
            lambda c: c["registers"].append({"form": "会议", "columns": ["会议名称"]}),
            "/registers/4/form",
            "会议",
        ),
        (lambda c: c.update(timezone="Mars/Olympus"), "/timezone", "时区"),
    ],
)
def test_what_else_the_validator_refuses(builtin, change, pointer, words):
    content = copy.deepcopy(builtin)
    change(content)
    found = where(content)
    assert pointer in found, found
    assert words in found[pointer]


def test_clean_content_refuses_a_broken_mapping_as_template_invalid():
    with pytest.raises(ActionError) as refused:
        clean_content("mapping", '{"forms": []}')
    assert refused.value.code == "template_invalid"
