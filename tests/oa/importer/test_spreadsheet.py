"""Old registers kept in spreadsheets (收文登记簿 / 发文登记簿), XLSX or CSV, through the same
mapping and quarantine as Domino exports."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from oa.core.errors import ActionError
from oa.documents.models import Document
from oa.importer.actions import do_create_file_run, do_retry_quarantined
from oa.importer.models import ImportRun
from tests.oa.importer.conftest import run_file


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


INCOMING_HEADER = ["收文编号", "来文单位", "来文字号", "标题", "收文日期", "密级", "紧急程度", "份数", "备注"]


@pytest.fixture
def register(tmp_path):
    path = tmp_path / "2012年收文登记簿.xlsx"
    path.write_bytes(
        workbook(
            {
                "2012": [
                    ["2012年收文登记簿"],  # a title row above the header
                    INCOMING_HEADER,
                    ["思政收〔2012〕1号", "厦门市人民政府办公厅", "厦府办〔2012〕88号", "关于报送汛期值班表的通知",
                     datetime(2012, 6, 20), "", "特急", 2, "已办结"],
                    ["思政收〔2012〕2号", "思明区财政局", "思财〔2012〕3号", "关于下达预算的通知",
                     "2012年7月1日", "无", "", "1", ""],
                    [],
                    ["思政收〔2012〕3号", "区委办", "", "", "2012-07-02", "", "", "", "标题漏填"],
                ],
                "2013": [INCOMING_HEADER, ["思政收〔2013〕1号", "区政府", "思政〔2013〕1号", "关于春节值班的通知", "2013/1/20"]],
            }
        )
    )  # fmt: skip
    return path


def test_an_xlsx_register_of_incoming_documents_imports_every_sheet(admin, media, register):
    run = run_file(register, admin)
    assert run.kind == "xlsx" and run.state == ImportRun.State.DONE
    assert run.total == 4
    assert run.counts == {"收文": {"created": 3, "quarantined": 1}}
    first = Document.objects.get(legacy_id="收文:思政收〔2012〕1号")
    assert (first.direction, first.doc_type, first.source_agency) == (
        "incoming",
        "通知",
        "厦门市人民政府办公厅",
    )
    assert (first.doc_number, first.received_on, first.urgency, first.copies) == (
        "厦府办〔2012〕88号",
        date(2012, 6, 20),
        "very_urgent",
        2,
    )
    assert first.extra["incoming_number"] == "思政收〔2012〕1号" and first.note == "已办结"
    assert first.extra["register"] == {"sheet": "2012", "row": 3} and first.is_archived
    assert Document.objects.get(legacy_id="收文:思政收〔2012〕2号").received_on == date(2012, 7, 1)
    assert Document.objects.get(legacy_id="收文:思政收〔2013〕1号").received_on == date(2013, 1, 20)
    held = run.quarantine.get()
    assert (held.reason, held.location, held.key) == (
        "missing_title",
        "工作表“2012”第 6 行",
        "收文:思政收〔2012〕3号",
    )
    done = do_retry_quarantined(held, acting_user=admin, fixes={"fields": {"title": "关于区委办来文的通知"}})
    assert done.resolved and done.document.legacy_id == "收文:思政收〔2012〕3号"
    again = run_file(register, admin)
    assert again.counts == {"收文": {"unchanged": 4}}


def test_a_gbk_csv_register_of_outgoing_documents(admin, media, tmp_path):
    path = tmp_path / "发文登记.csv"
    path.write_bytes(
        (
            "发文字号,标题,成文日期,主送机关,签发人,拟稿人\n"
            "思政办〔2011〕5号,关于开展安全检查的通知,2011-03-05,各街道办事处,林建国,王五\n"
            "思政办(2011)6号,关于安全检查情况的报告,2011年3月20日,区政府,,\n"
            "思政办〔2011〕7号,关于错误日期的通知,2011-02-30,区政府,,\n"
        ).encode("gbk")
    )
    run = run_file(path, admin)
    assert run.kind == "csv" and run.counts == {"发文": {"created": 2, "quarantined": 1}}
    notice = Document.objects.get(legacy_id="发文:思政办〔2011〕5号")
    assert (notice.direction, notice.issued_date, notice.signer.username) == (
        "outgoing",
        date(2011, 3, 5),
        "director",
    )
    assert notice.extra["authors"] == [{"name": "王五"}]
    report = Document.objects.get(doc_number="思政办〔2011〕6号")
    assert report.doc_type == "报告" and report.legacy_id == "发文:思政办(2011)6号"
    held = run.quarantine.get()
    assert held.reason == "bad_date" and "2011-02-30" in held.message and held.location == "第 4 行"


def test_a_register_without_a_key_column_is_keyed_by_what_it_says(admin, media, tmp_path):
    path = tmp_path / "登记.csv"
    path.write_text(
        "标题,来文单位,收文日期\n关于甲的通知,区委,2012-01-01\n关于乙的通知,区委,2012-01-02\n",
        encoding="utf-8",
    )
    run = run_file(path, admin)
    assert run.counts == {"收文": {"created": 2}}
    assert run_file(path, admin).counts == {"收文": {"unchanged": 2}}
    keys = sorted(Document.objects.exclude(legacy_id="").values_list("legacy_id", flat=True))
    assert all(k.startswith("收文:H") for k in keys)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"PK\x03\x04not really a zip", "bad_spreadsheet"),
        (b"", "empty_file"),
        ("只有一列\n甲\n".encode(), "no_data"),
        (b"\x00\x01\x02\x03binary", "not_spreadsheet"),
    ],
)
def test_a_spreadsheet_that_cannot_be_read_is_refused_before_anything_is_written(
    admin, media, tmp_path, content, code
):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(content)
    with pytest.raises(ActionError) as refused:
        do_create_file_run(path, acting_user=admin, dry_run=False)
    assert refused.value.code == code
    assert not ImportRun.objects.exists()
