"""Legacy values to 公文 fields: dates as Notes and registers wrote them, 文号 with any bracket,
the 15 kinds, 密级/紧急程度/保管期限 words. No database needed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from oa.importer.converters import (
    ConversionError,
    parse_doc_number,
    to_classification,
    to_date,
    to_datetime,
    to_doc_type,
    to_integer,
    to_moment,
    to_publish_level,
    to_retention,
    to_urgency,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2009-06-02", date(2009, 6, 2)),
        ("2009/6/2", date(2009, 6, 2)),
        ("2009.6.2", date(2009, 6, 2)),
        ("20090602", date(2009, 6, 2)),
        ("2009年6月2日", date(2009, 6, 2)),
        ("2009 年 06 月 02 日", date(2009, 6, 2)),
        ("二〇〇九年六月二日", date(2009, 6, 2)),
        ("二〇一二年十二月三十一日", date(2012, 12, 31)),
        ("２００９年６月２日", date(2009, 6, 2)),
        ("2009-06-02 16:50:55", datetime(2009, 6, 2, 16, 50, 55)),
        ("2009年12月31日 8:05", datetime(2009, 12, 31, 8, 5)),
        ("06/22/2009", date(2009, 6, 22)),  # month/day: the day is above 12
        ("22.06.2009 04:50 PM", datetime(2009, 6, 22, 16, 50)),
        ("05/05/2009", date(2009, 5, 5)),
    ],
)
def test_text_dates_in_the_shapes_old_systems_wrote(text, expected):
    assert to_moment(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("02/06/2009", "日和月无法区分"),
        ("2009-02-30", "不是有效日期"),
        ("去年夏天", "无法识别的日期"),
        ("2009-13", "无法识别的日期"),
    ],
)
def test_a_date_that_cannot_be_read_says_why(text, words):
    with pytest.raises(ConversionError, match=words):
        to_moment(text)


def test_typed_dates_and_zones():
    aware = datetime(2009, 6, 2, 23, 30, tzinfo=timezone(timedelta(hours=2)))  # Domino +02
    assert to_date(aware, SHANGHAI) == date(2009, 6, 3)  # 05:30 the next day in 厦门
    assert to_datetime(date(2009, 6, 2), SHANGHAI) == datetime(2009, 6, 1, 16, 0, tzinfo=UTC)
    assert to_datetime(datetime(2009, 6, 2, 8, 0), SHANGHAI) == datetime(2009, 6, 2, 0, 0, tzinfo=UTC)
    assert to_moment((date(2009, 6, 2), date(2009, 6, 5))) == date(2009, 6, 2)  # a range: its start
    assert to_moment(39966.0) == date(2009, 6, 2)  # an Excel serial number
    assert to_moment("") is None and to_moment(None) is None


@pytest.mark.parametrize(
    ("text", "number", "year", "seq"),
    [
        ("厦府〔2009〕12号", "厦府〔2009〕12号", 2009, 12),
        ("厦府[2009]012号", "厦府〔2009〕12号", 2009, 12),
        ("厦府(2009)第12号", "厦府〔2009〕12号", 2009, 12),
        ("厦府（2009）12号", "厦府〔2009〕12号", 2009, 12),
        ("思政办【2020】3号", "思政办〔2020〕3号", 2020, 3),
        ("思政办［2020］3", "思政办〔2020〕3号", 2020, 3),
        ("厦府２００９－１２号", "厦府〔2009〕12号", 2009, 12),
        ("厦府2009年12号", "厦府〔2009〕12号", 2009, 12),
        ("内部-12", "内部-12", None, None),
    ],
)
def test_document_numbers_in_every_bracket(text, number, year, seq):
    parsed = parse_doc_number(text)
    assert (parsed.text, parsed.year, parsed.seq, parsed.original) == (number, year, seq, text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("通知", "通知"),
        ("函", "函"),
        ("令", "命令"),
        ("命令（令）", "命令"),
        ("会议纪要", "纪要"),
        ("Notice", "通知"),
        ("request for instructions", "请示"),
        ("关于做好防汛工作的通知", "通知"),
        ("关于2012年工作情况的报告", "报告"),
        ("关于转发市政府文件的通知（转发）", "通知"),
        ("厦门市人民政府令", "命令"),
        ("关于同意设立的批复", "批复"),
        ("简报", None),
        ("", None),
    ],
)
def test_kind_names_and_titles_to_the_15_kinds(text, kind):
    assert to_doc_type(text) == kind


def test_classification_urgency_publishing_and_retention_words():
    assert to_classification("秘密★1年") == ("secret", "1年")
    assert to_classification("机密*10年") == ("confidential", "10年")
    assert to_classification("绝密") == ("top_secret", "")
    assert to_classification("无") == ("none", "") and to_classification("") == ("none", "")
    with pytest.raises(ConversionError):
        to_classification("内部资料★")
    assert [to_urgency(w) for w in ("特急", "特提", "加急", "急件", "平件", "")] == [
        "very_urgent", "very_urgent", "urgent", "urgent", "normal", "normal",
    ]  # fmt: skip
    with pytest.raises(ConversionError):
        to_urgency("十万火急")
    assert to_publish_level("依申请公开") == "on_request" and to_publish_level("不公开") == "not_public"
    assert [to_retention(w) for w in ("永久", "长期", "短期", "30年", "定期10年", "D30")] == [
        "Y", "D30", "D10", "D30", "D10", "D30",
    ]  # fmt: skip
    with pytest.raises(ConversionError):
        to_retention("五年")
    assert (to_integer(2.0), to_integer("3份"), to_integer(""), to_integer(None)) == (2, 3, None, None)
    with pytest.raises(ConversionError):
        to_integer("两份")
