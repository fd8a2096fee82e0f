"""Turning legacy values into the fields of a 公文: dates, 文号, 文种, 密级, 紧急程度, 保管期限.

Each converter takes what the source holds (a typed value from a Domino item or a spreadsheet
cell, or text someone typed years ago) and returns the field's value, or raises
ConversionError saying what it could not understand; the importer quarantines the record with
that reason. None means "no value" and is not an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from oa.documents.models import Classification, DocType, PublishLevel, Retention, Urgency


class ConversionError(ValueError):
    """A value that is there but cannot be understood (the record goes to quarantine)."""


def normalise(text: str) -> str:
    """Full-width letters, digits and spaces as ASCII (NFKC), inner whitespace collapsed.
    Chinese brackets such as 〔〕 are left alone; NFKC does not touch them.

    For matching and parsing only (keys, dates, 文号, the words of 密级 and the like): text a
    document keeps (its title, agencies, recipients) goes through `tidy()` and stays as
    written, full-width punctuation included (《》（）：第１号 are correct Chinese)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


_LINE_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def tidy(text: str) -> str:
    """Text kept as written: runs of ASCII spaces, tabs and line breaks become one space and the
    ends are trimmed; nothing else changes (no NFKC, U+3000 inside the text stays)."""
    return _LINE_SPACE.sub(" ", text).strip()


# --- dates ---------------------------------------------------------------------------------------

_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_YMD = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.年]\s*)(?P<m>\d{1,2})\s*(?:[-/.月]\s*)(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]*(?P<H>\d{1,2})[:时](?P<M>\d{1,2})(?:[:分](?P<S>\d{1,2})(?:[.,]\d+)?)?\s*秒?\s*(?P<ampm>[AaPp][Mm])?)?"
)
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:T?(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?")
# 06/02/2009 or 02.06.2009: which one is the month depends on the Notes client's locale.
_DMY_OR_MDY = re.compile(
    r"(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?)?"
)
# Excel's serial dates (days since 1899-12-30) for cells stored as numbers: 1950..2100.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_RANGE = (18264, 73415)


def _chinese_year_date(text: str) -> str:
    """二〇〇九年六月二日 → 2009年6月2日 (digits one by one for the year, 十 in month and day)."""

    def number(chars: str) -> str:
        if "十" in chars:
            tens, _, ones = chars.partition("十")
            return str(
                (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
            )
        return "".join(str(_CN_DIGITS[c]) for c in chars)

    pattern = (
        r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
    )
    return re.sub(pattern, lambda m: f"{number(m[1])}年{number(m[2])}月{number(m[3])}日", text)


def _clock(match: re.Match[str]) -> time | None:
    if not match["H"]:
        return None
    hour = int(match["H"])
    ampm = (match["ampm"] or "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    return time(hour, int(match["M"]), int(match["S"] or 0))


def parse_date_text(raw: str) -> date | datetime:
    """A date written as text: 2009-06-02, 2009/6/2, 2009.6.2, 20090602, 2009年6月2日,
    二〇〇九年六月二日, with or without a time; 02/06/2009 only when the day is unambiguous
    (above 12), since Notes clients wrote day and month in their locale's order."""
    text = normalise(_chinese_year_date(raw))
    if not text:
        raise ConversionError("日期为空")
    for pattern in (_YMD, _COMPACT):
        match = pattern.fullmatch(text)
        if match:
            try:
                day = date(int(match["y"]), int(match["m"]), int(match["d"]))
                clock = _clock(match)
            except ValueError as exc:
                raise ConversionError(f"“{raw}”不是有效日期") from exc
            return datetime.combine(day, clock) if clock else day
    match = _DMY_OR_MDY.fullmatch(text)
    if match:
        a, b = int(match["a"]), int(match["b"])
        if a > 12 >= b:
            day_n, month_n = a, b
        elif b > 12 >= a:
            day_n, month_n = b, a
        elif a == b:
            day_n = month_n = a
        else:
            raise ConversionError(f"“{raw}”中的日和月无法区分（请写成 2009-06-02）")
        try:
            day = date(int(match["y"]), month_n, day_n)
            clock = _clock(match)
        except ValueError as exc:
            raise ConversionError(f"“{raw}”不是有效日期") from exc
        return datetime.combine(day, clock) if clock else day
    raise ConversionError(f"无法识别的日期“{raw}”")


def to_moment(value: Any) -> date | datetime | None:
    """A date or a datetime (aware or naive as written) from any source value."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, tuple):  # a Domino date range: its start
        return to_moment(value[0]) if value else None
    if isinstance(value, time):
        raise ConversionError(f"“{value.isoformat()}”只有时间，没有日期")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _EXCEL_RANGE[0] <= value <= _EXCEL_RANGE[1]:
            moment = datetime.combine(_EXCEL_EPOCH, time()) + timedelta(days=float(value))
            return moment.date() if moment.time() == time() else moment
        text = str(int(value)) if float(value).is_integer() else str(value)
        return parse_date_text(text)
    if isinstance(value, str):
        if not value.strip():
            return None
        return parse_date_text(value)
    raise ConversionError(f"“{value}”不是日期")


def to_date(value: Any, zone: tzinfo) -> date | None:
    """The calendar date in the unit's zone (an aware time is converted first)."""
    moment = to_moment(value)
    if isinstance(moment, datetime):
        return moment.astimezone(zone).date() if moment.tzinfo else moment.date()
    return moment


def to_datetime(value: Any, zone: tzinfo) -> datetime | None:
    """An aware datetime: a naive one is taken in the unit's zone, a date at its midnight."""
    moment = to_moment(value)
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


# --- 发文字号 -------------------------------------------------------------------------------------

_OPEN = "〔[(（【［〈<｛{"
_CLOSE = "〕])）】］〉>｝}"
_NUMBER = re.compile(
    rf"^(?P<agency>.*?)\s*[{re.escape(_OPEN)}]\s*(?P<year>\d{{4}})\s*[{re.escape(_CLOSE)}]\s*"
    r"(?:第\s*)?(?P<seq>\d+)\s*号?$"
)
# No brackets at all: 厦府2009-12号, 厦府2009年12号 (old registers wrote them so).
_BARE = re.compile(r"^(?P<agency>\D*?)\s*(?P<year>(?:19|20)\d{2})\s*[-年第]\s*(?:第\s*)?(?P<seq>\d+)\s*号?$")


@dataclass(frozen=True)
class DocNumber:
    text: str  # normalised: 厦府〔2009〕12号
    agency: str
    year: int | None
    seq: int | None
    original: str


def parse_doc_number(raw: str) -> DocNumber:
    """机关代字〔年份〕序号号, written with any bracket (〔〕 [] () 【】 and full-width ones),
    with or without 第 and 号, leading zeros dropped (GB/T 9704 §7.2.4): 厦府[2009]012号 →
    厦府〔2009〕12号. A number in no known shape is kept as written (old numbering schemes
    vary), with year and sequence unknown."""
    text = normalise(raw)
    for pattern in (_NUMBER, _BARE):
        match = pattern.match(text)
        if match and match["agency"].strip():
            agency = match["agency"].strip()
            year, seq = int(match["year"]), int(match["seq"])
            return DocNumber(f"{agency}〔{year}〕{seq}号", agency, year, seq, raw)
    return DocNumber(text, "", None, None, raw)


# --- 文种 -----------------------------------------------------------------------------------------

_KIND_ALIASES = {
    "令": DocType.ORDER,
    "命令(令)": DocType.ORDER,
    "会议纪要": DocType.MINUTES,
    "纪要": DocType.MINUTES,
    "复函": DocType.LETTER,
    "便函": DocType.LETTER,
    "通知(转发)": DocType.NOTICE,
    "resolution": DocType.RESOLUTION,
    "decision": DocType.DECISION,
    "order": DocType.ORDER,
    "communique": DocType.COMMUNIQUE,
    "announcement": DocType.ANNOUNCEMENT,
    "public notice": DocType.PUBLIC_NOTICE,
    "opinion": DocType.OPINION,
    "opinions": DocType.OPINION,
    "notice": DocType.NOTICE,
    "notification": DocType.NOTICE,
    "circular": DocType.CIRCULAR,
    "report": DocType.REPORT,
    "request": DocType.REQUEST,
    "request for instructions": DocType.REQUEST,
    "reply": DocType.REPLY,
    "motion": DocType.MOTION,
    "proposal": DocType.MOTION,
    "letter": DocType.LETTER,
    "minutes": DocType.MINUTES,
}
# Longest first, so 会议纪要 wins over 纪要 and 通告 is not read as 告.
_KIND_SUFFIXES = sorted({*DocType.values, "会议纪要", "令"}, key=len, reverse=True)


def to_doc_type(value: str) -> str | None:
    """One of the 15 kinds from its name (决定, 通知, 会议纪要 → 纪要, Notice → 通知, ...), or
    from a title, which by GB/T 9704 ends with its kind (关于…的通知). None if neither says."""
    text = normalise(value).casefold()
    if not text:
        return None
    if text in DocType.values:
        return text
    if text in _KIND_ALIASES:
        return str(_KIND_ALIASES[text])
    stripped = re.sub(r"[(（][^()（）]*[)）]$", "", text).strip()  # 通知（转发） → 通知
    for suffix in _KIND_SUFFIXES:
        if stripped.endswith(suffix):
            return str(_KIND_ALIASES.get(suffix, suffix))
    return None


# --- 密级, 紧急程度, 公开属性, 保管期限 ----------------------------------------------------------------

_CLASSIFICATION_WORDS = [
    ("绝密", Classification.TOP_SECRET),
    ("机密", Classification.CONFIDENTIAL),
    ("秘密", Classification.SECRET),
    ("top secret", Classification.TOP_SECRET),
    ("top_secret", Classification.TOP_SECRET),
    ("confidential", Classification.CONFIDENTIAL),
    ("secret", Classification.SECRET),
]
_UNCLASSIFIED = {"", "无", "公开", "普通", "非密", "内部", "一般", "none", "public", "unclassified", "-", "/"}


def to_classification(value: str) -> tuple[str, str]:
    """(密级, 保密期限): 秘密★1年 → (secret, 1年) as GB/T 9704 §7.2.2 writes them."""
    parts = re.split(r"[★*☆]", normalise(value), maxsplit=1)
    level = parts[0].strip().casefold()
    period = parts[1] if len(parts) > 1 else ""
    if level in _UNCLASSIFIED:
        return Classification.NONE, ""
    for word, code in _CLASSIFICATION_WORDS:
        if level == word or level.startswith(word):
            return code, period.strip()
    if level in Classification.values:
        return level, period.strip()
    raise ConversionError(f"无法识别的密级“{value}”（应为 绝密、机密、秘密 或 无）")


_URGENCY_WORDS = {
    "特急": Urgency.VERY_URGENT,
    "特提": Urgency.VERY_URGENT,
    "火急": Urgency.VERY_URGENT,
    "very_urgent": Urgency.VERY_URGENT,
    "very urgent": Urgency.VERY_URGENT,
    "加急": Urgency.URGENT,
    "急件": Urgency.URGENT,
    "急": Urgency.URGENT,
    "紧急": Urgency.URGENT,
    "urgent": Urgency.URGENT,
    "平急": Urgency.NORMAL,
    "平件": Urgency.NORMAL,
    "普通": Urgency.NORMAL,
    "一般": Urgency.NORMAL,
    "常规": Urgency.NORMAL,
    "无": Urgency.NORMAL,
    "normal": Urgency.NORMAL,
}


def to_urgency(value: str) -> str:
    text = normalise(value).casefold()
    if not text:
        return Urgency.NORMAL
    if text in _URGENCY_WORDS:
        return _URGENCY_WORDS[text]
    raise ConversionError(f"无法识别的紧急程度“{value}”（应为 特急、加急 或 普通）")


_PUBLISH_WORDS = {
    "主动公开": PublishLevel.PUBLIC,
    "公开": PublishLevel.PUBLIC,
    "public": PublishLevel.PUBLIC,
    "依申请公开": PublishLevel.ON_REQUEST,
    "on_request": PublishLevel.ON_REQUEST,
    "不予公开": PublishLevel.NOT_PUBLIC,
    "不公开": PublishLevel.NOT_PUBLIC,
    "非公开": PublishLevel.NOT_PUBLIC,
    "not_public": PublishLevel.NOT_PUBLIC,
}


def to_publish_level(value: str) -> str:
    text = normalise(value).casefold()
    if text in _PUBLISH_WORDS:
        return _PUBLISH_WORDS[text]
    raise ConversionError(f"无法识别的公开属性“{value}”（应为 主动公开、依申请公开 或 不予公开）")


# DA/T 22-2015 replaced 永久/长期/短期 with 永久/30年/10年; old 长期 files go to 30 years, 短期 to 10.
_RETENTION_WORDS = {
    "y": Retention.PERMANENT,
    "永久": Retention.PERMANENT,
    "permanent": Retention.PERMANENT,
    "d30": Retention.YEARS_30,
    "30年": Retention.YEARS_30,
    "定期30年": Retention.YEARS_30,
    "长期": Retention.YEARS_30,
    "d10": Retention.YEARS_10,
    "10年": Retention.YEARS_10,
    "定期10年": Retention.YEARS_10,
    "短期": Retention.YEARS_10,
}


def to_retention(value: str) -> str:
    text = normalise(value).casefold().replace(" ", "")
    if text in _RETENTION_WORDS:
        return _RETENTION_WORDS[text]
    raise ConversionError(f"无法识别的保管期限“{value}”（应为 永久、30年 或 10年）")


def to_integer(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0 or not float(value).is_integer():
            raise ConversionError(f"“{value}”不是非负整数")
        return int(value)
    match = re.fullmatch(r"\s*(\d+)\s*[份件页张]?\s*", normalise(str(value)))
    if not match:
        raise ConversionError(f"“{value}”不是数字")
    return int(match[1])
