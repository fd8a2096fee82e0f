"""`manage.py import_domino --unit siming FILE...`: files checked first, a progress bar, the
report by form; a malformed file stops everything before anything is written."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from oa.documents.models import Document
from oa.importer.models import ImportRun
from tests.oa.importer.conftest import sample
from tests.oa.importer.sources.dxl.builders import document, item, text
from tests.oa.importer.test_runs import export, fawen


def test_the_command_imports_several_files_and_reports_by_form(unit, media, tmp_path, capsys):
    ours = export(tmp_path, fawen(1), document(item("Subject", text("")), n=2, form="FaWen"))
    call_command("import_domino", str(sample("test_100docs.xml")), str(ours), unit="siming")
    out = capsys.readouterr()
    assert "导入 (import): test_100docs.xml, 100 条记录" in out.out
    assert "其他文档: 新建 40, 隔离 60" in out.out  # 60 notes hold nothing like a title
    assert "发文: 新建 1, 隔离 1" in out.out and "缺少标题 (missing_title): 1" in out.out
    assert "跳过的设计元素 (design notes skipped): acl 1, agent 1, form 10, icon 1, view 1" in out.out
    assert "100/100" in out.err  # tqdm's bar
    assert Document.objects.exclude(legacy_id="").count() == 41
    call_command("import_domino", str(ours), unit="siming", verbosity=0)
    assert "发文: 未变化 1, 隔离 1" in capsys.readouterr().out


def test_a_dry_run_from_the_command_writes_no_document(unit, media, capsys):
    call_command("import_domino", str(sample("test_binary_1.xml")), unit="siming", dry_run=True, verbosity=0)
    assert "试导入 (dry run): test_binary_1.xml, 1 条记录" in capsys.readouterr().out
    assert not Document.objects.exclude(legacy_id="").exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("dxlDatabaseBadXML.xml", "XML 格式错误 (malformed XML)，第 15 行"),
        ("dxlDatabaseBadDXL.xml", "不是 Domino DXL 文件 (not DXL)，第 21 行"),
    ],
)
def test_a_malformed_file_stops_the_command_before_anything_is_written(unit, media, tmp_path, name, reason):
    good = export(tmp_path, fawen(1))
    with pytest.raises(CommandError) as refused:
        call_command("import_domino", str(good), str(sample(name)), unit="siming", verbosity=0)
    assert reason in str(refused.value) and "nothing imported" in str(refused.value)
    assert not ImportRun.objects.exists() and not Document.objects.exclude(legacy_id="").exists()


def test_the_command_wants_a_unit_and_an_importing_admin(unit, media, tmp_path):
    good = export(tmp_path, fawen(1))
    with pytest.raises(CommandError, match="no unit"):
        call_command("import_domino", str(good), unit="nowhere")
    with pytest.raises(CommandError, match=r"importer\.manage"):
        call_command("import_domino", str(good), unit="siming", user="director")
