"""Applying an import mapping (导入映射, a template of kind `mapping`) to a SourceRecord.

The result is either a MappedDocument (every field of the 公文 it becomes, its files, what has
no field in `extra`, and a fingerprint of all of it) or the problems that send the record to
quarantine. Nothing is written here: a dry run and a real run map records the same way.

The mapping's format is templates_lib/validation/mapping.py. A unit uses its own copy (a unit
template, editable by the unit admin) and falls back to the library's published version.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from oa.core.errors import ActionError, ErrorCode
from oa.documents.models import CLASSIFICATION_LEVELS, Classification, Direction, Retention, Urgency
from oa.importer import converters, limits
from oa.importer.converters import ConversionError
from oa.importer.errors import Reason
from oa.importer.people import PeopleIndex
from oa.importer.records import RichValue, SourceAttachment, SourceItem, SourceRecord
from templates_lib.kinds import TemplateKind
from templates_lib.validation.mapping import CATCH_ALL, MAPPING_FIELDS

DEFAULT_MAPPING = "domino_oa"
RICHTEXT_TOKEN = "@richtext"  # noqa: S105 (not a secret): in a field's item list: the record's first non-empty rich-text item
# Field lengths of oa.documents.models.Document; longer text is cut there and kept whole in extra.
MAX_LENGTHS = {
    "title": 200,
    "doc_number": 60,
    "source_agency": 100,
    "agency_name": 100,
    "main_recipients": 500,
    "copy_to": 500,
    "signature_agency": 100,
    "printing_agency": 100,
    "signer_name": 60,
    "secrecy_period": 20,
    "copy_number": 6,
    "note": 200,
}
_WEB_IMAGES = {"jpeg": "jpg", "png": "png"}  # the picture kinds oa.documents accepts as attachments
_IMG = re.compile(r"<img\b[^>]*\bsrc=\"dxl-image:(\d+)\"[^>]*>", re.IGNORECASE)
_UNID = re.compile(r"[0-9A-Fa-f]{32}")


# --- loading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedMapping:
    code: str
    content: dict
    checksum: str
    origin: str  # "unit" (the unit's own copy) or "library"


def load_mapping(code: str | None = None) -> LoadedMapping:
    """The unit's mapping template `code`, else the library's latest published version."""
    from oa.templates.models import UnitTemplate
    from templates_lib.queries import published_version
    from templates_lib.validation import checksum

    code = code or DEFAULT_MAPPING
    own = UnitTemplate.objects.filter(kind=TemplateKind.MAPPING, code=code).first()
    if own is not None and isinstance(own.content_json, dict):
        return LoadedMapping(code, own.content_json, own.checksum, "unit")
    version = published_version(TemplateKind.MAPPING, code)
    if version is None:
        raise ActionError(
            ErrorCode.NOT_FOUND,
            f"没有导入映射“{code}”（本单位模板和模板库中都没有）。",
            field="mapping",
            status=404,
        )
    return LoadedMapping(
        code, version.content_json, checksum(TemplateKind.MAPPING, version.content_json), "library"
    )


# --- the rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormRule:
    name: str
    match: frozenset[str]
    record: str  # outgoing, incoming, archive
    direction: str
    fields: dict[str, list[str]]
    required: tuple[str, ...]
    defaults: dict[str, Any]
    key: tuple[str, ...]
    title_fallback: tuple[str, ...]

    @property
    def catch_all(self) -> bool:
        return CATCH_ALL in self.match

    @classmethod
    def of(cls, entry: dict) -> FormRule:
        record = entry["record"]
        direction = entry.get("direction") or (record if record != "archive" else Direction.INCOMING)
        return cls(
            name=entry["name"].strip(),
            match=frozenset(m.strip().casefold() for m in entry["match"]),
            record=record,
            direction=direction,
            fields={k: list(v) for k, v in entry.get("fields", {}).items()},
            required=tuple(entry.get("required", [])),
            defaults=dict(entry.get("defaults", {})),
            key=tuple(entry.get("key", [])),
            title_fallback=tuple(entry.get("title_fallback", [])),
        )


@dataclass(frozen=True)
class Problem:
    reason: str
    message: str
    field: str | None = None  # the mapped field it concerns, when there is one
    item: str | None = None  # the source item or attachment it concerns

    def as_json(self) -> dict:
        return {"reason": self.reason, "message": self.message, "field": self.field, "item": self.item}


@dataclass
class MappedFile:
    name: str
    data: bytes
    inspected: Any  # oa.documents.intake.InspectedFile
    origin: str  # attachment | image


@dataclass
class MappedDocument:
    legacy_id: str
    rule: str
    record_kind: str
    fields: dict[str, Any]
    files: list[MappedFile]
    extra: dict
    fingerprint: str = ""


@dataclass
class Fixes:
    """What the admin changed on a quarantined record before retrying it."""

    fields: dict[str, Any] = field(default_factory=dict)  # field → value, as typed
    form: str | None = None  # the form rule to use, by name (for an unknown form)
    skip_attachments: tuple[str, ...] = ()  # import without these (their bytes are kept aside)
    accept_problems: bool = False  # import although the source reported unreadable values

    @classmethod
    def of(cls, value: dict | None) -> Fixes:
        value = value or {}
        return cls(
            fields=dict(value.get("fields") or {}),
            form=value.get("form") or None,
            skip_attachments=tuple(value.get("skip_attachments") or ()),
            accept_problems=bool(value.get("accept_problems")),
        )

    def as_json(self) -> dict:
        out: dict[str, Any] = {}
        if self.fields:
            out["fields"] = self.fields
        if self.form:
            out["form"] = self.form
        if self.skip_attachments:
            out["skip_attachments"] = list(self.skip_attachments)
        if self.accept_problems:
            out["accept_problems"] = True
        return out


class Mapper:
    """Maps records with one mapping; `people` resolves names, `check_files` runs the intake
    checks on attachments (a dry run does too, so its report lists broken attachments)."""

    def __init__(
        self, mapping: LoadedMapping, *, people: PeopleIndex, source_name: str = "", keep_bytes=False
    ):
        self.mapping = mapping
        content = mapping.content
        self.rules = [FormRule.of(entry) for entry in content["forms"]]
        self.registers = [
            (r["form"].strip(), [c.strip() for c in r["columns"]]) for r in content.get("registers", [])
        ]
        self.zone = ZoneInfo(content.get("timezone") or settings.TIME_ZONE)
        self.people = people
        self.source_name = source_name
        # A real run keeps large bytes (raw item data, pictures it cannot show) in the unit's store
        # so extra can name them; a dry run only computes their digests.
        self.keep_bytes = keep_bytes

    # --- choosing the rule ---------------------------------------------------------------------

    def rule_named(self, name: str) -> FormRule | None:
        return next((r for r in self.rules if r.name == name.strip()), None)

    def rule_for(self, record: SourceRecord) -> FormRule | None:
        """The first rule matching the record's form; a register row without a form column by
        its header (`registers`), then by its sheet's name; else the catch-all rule, if any."""
        form = (record.form or "").strip()
        if not form and record.source != "dxl":
            columns = {c.casefold() for c in record.meta.get("columns", [])}
            for name, needed in self.registers:
                if all(c.casefold() in columns for c in needed):
                    rule = self.rule_named(name) or self._matching(name)
                    if rule is not None:
                        return rule
            form = record.meta.get("sheet") or ""
        return self._matching(form) or next((r for r in self.rules if r.catch_all), None)

    def _matching(self, form: str) -> FormRule | None:
        folded = form.strip().casefold()
        return next((r for r in self.rules if folded and folded in r.match), None) if folded else None

    # --- mapping -------------------------------------------------------------------------------

    def key_of(self, record: SourceRecord) -> str | None:
        """The record's legacy key (what the ledger knows it by), before mapping it."""
        rule = self.rule_for(record)
        if rule is None:
            return record.key or (content_key(record) if record.source == "dxl" else None)
        return _Mapping(self, record, rule, Fixes()).legacy_id()

    def map(
        self, record: SourceRecord, fixes: Fixes | None = None
    ) -> tuple[MappedDocument | None, list[Problem]]:
        fixes = fixes or Fixes()
        rule = self.rule_named(fixes.form) if fixes.form else self.rule_for(record)
        if rule is None:
            return None, [
                Problem(
                    Reason.UNKNOWN_FORM,
                    f"映射“{self.mapping.code}”中没有表单“{record.form or '（无）'}”的规则。",
                )
            ]
        return _Mapping(self, record, rule, fixes).run()


class _Mapping:
    """One record through one rule; collects problems instead of stopping at the first."""

    def __init__(self, mapper: Mapper, record: SourceRecord, rule: FormRule, fixes: Fixes):
        self.mapper = mapper
        self.record = record
        self.rule = rule
        self.fixes = fixes
        self.zone = mapper.zone
        self.problems: list[Problem] = []
        self.used_items: set[str] = set()  # casefolded names of items a field took
        self.fixed_items: set[str] = set()  # items whose field the admin typed in instead
        self.reported_items: set[str] = set()  # items a field has already reported a problem with
        self.fields: dict[str, Any] = {}
        self.extra: dict[str, Any] = {}
        self.original: dict[str, str] = {}
        self.files: list[MappedFile] = []
        self.key: str | None = record.key

    def problem(
        self, reason: str, message: str, *, field: str | None = None, item: str | None = None
    ) -> None:
        self.problems.append(Problem(reason, message, field, item))

    def run(self) -> tuple[MappedDocument | None, list[Problem]]:
        legacy_id = self.key = self.legacy_id()
        self.value_limits()
        if self.problems:  # a value past the cap: not worth converting, it cannot be imported
            return None, self.problems
        self.read_fields()
        self.title()
        self.people_fields()
        self.body_and_files()
        self.source_problems()
        self.finish_fields()
        if self.problems:
            return None, self.problems
        extra = self.build_extra()
        self.column_limits(legacy_id or "", extra)
        if self.problems:
            return None, self.problems
        mapped = MappedDocument(
            legacy_id=legacy_id or "",
            rule=self.rule.name,
            record_kind=self.rule.record,
            fields=self.fields,
            files=self.files,
            extra=extra,
        )
        mapped.fingerprint = fingerprint(mapped)
        return mapped, []

    # --- the key -------------------------------------------------------------------------------

    def legacy_id(self) -> str | None:
        record = self.record
        if record.source == "dxl":
            # A note without a UNID is known by a digest of what it holds (content_key), so the
            # same note is the same record in every run of the export.
            return record.key or content_key(record)
        names = self.rule.key or ("UNID", "$UNID")
        for name in names:
            item = record.item(name)
            if item is not None and not item.is_empty:
                value = converters.normalise(item.text)
                if _UNID.fullmatch(value):
                    return value.upper()  # the same Domino document as in a DXL export
                return _bounded_key(f"{self.rule.name}:{value}")
        # No key column: the record's identity is what it says, so the same row imports once.
        identity = "|".join(
            converters.normalise(record.item(n).text) if record.item(n) else ""
            for names in (
                self.rule.fields.get(f, []) for f in ("title", "doc_number", "issued_date", "received_on")
            )
            for n in names[:1]
        )
        if not identity.strip("|"):
            identity = json.dumps([i.text for i in record.items], ensure_ascii=False)
        return f"{self.rule.name}:H{hashlib.sha256(identity.encode()).hexdigest()[:24]}"

    # --- fields --------------------------------------------------------------------------------

    def source_item(self, field_name: str) -> SourceItem | None:
        for name in self.rule.fields.get(field_name, []):
            if name == RICHTEXT_TOKEN:
                item = next(
                    (
                        i
                        for i in self.record.items
                        if i.richtext is not None
                        and not i.is_empty
                        and not i.name.startswith("$")
                        and i.name.casefold() not in self.used_items
                    ),
                    None,
                )
            else:
                item = self.record.item(name)
            if item is not None and (
                not item.is_empty or (item.richtext is not None and item.richtext.images)
            ):
                self.used_items.add(item.name.casefold())
                return item
        return None

    def read_fields(self) -> None:
        for name, (label, kind) in MAPPING_FIELDS.items():
            if name in ("title", "signer", "authors", "body"):
                continue  # read by their own steps
            if name in self.fixes.fields:
                item = self.source_item(name)
                if item is not None:
                    self.fixed_items.add(item.name.casefold())
                value = self.fixes.fields[name]
                if value not in (None, ""):
                    self.extra.setdefault("fixed", {})[name] = (
                        value if isinstance(value, int | str) else str(value)
                    )
                    self.convert(name, label, kind, value)
                    continue
                item = None  # cleared by the admin: as if the item were empty
            else:
                item = self.source_item(name)
            if item is not None:
                self.convert(name, label, kind, item)
            elif name in self.rule.defaults:
                self.convert(name, label, kind, self.rule.defaults[name])
            elif name in self.rule.required:
                self.problem(Reason.MISSING_FIELD, f"缺少必填项“{label}”。", field=name)

    def convert(self, name: str, label: str, kind: str, source: Any) -> None:
        """Set field `name` from an item (or a typed-in value); a value it cannot read is a problem."""
        item = source if isinstance(source, SourceItem) else None
        text = item.text if item is not None else ("" if source is None else str(source))
        value: Any = item.first if item is not None else source
        where = f"条目“{item.name}”" if item is not None else "填写的值"
        try:
            if item is not None and item.unreadable:
                what = "日期" if kind in ("date", "datetime") else "值"
                raise ConversionError(f"“{text}”不是可识别的{what}（原系统中已无法读取）")
            if kind == "date":
                self.set_lossy(name, converters.to_date(value, self.zone), text, item)
            elif kind == "datetime":
                self.fields[name] = converters.to_datetime(value, self.zone)
            elif kind == "doc_type":
                found = converters.to_doc_type(text)
                if found is None:
                    self.original["doc_type"] = text  # not one of the 15: decided from the title
                else:
                    self.fields["doc_type"] = found
            elif kind == "doc_number":
                number = converters.parse_doc_number(text)
                self.set_lossy(name, number.text, text, item)
                if number.year:
                    self.fields["number_year"] = number.year
            elif kind == "classification":
                level, period = converters.to_classification(text)
                self.fields["classification"] = level
                if period:
                    self.fields.setdefault("secrecy_period", period)
            elif kind == "urgency":
                self.fields["urgency"] = converters.to_urgency(text)
            elif kind == "publish_level":
                self.fields["publish_level"] = converters.to_publish_level(text)
            elif kind == "retention":
                self.fields["retention"] = converters.to_retention(text)
            elif kind == "integer":
                self.fields[name] = converters.to_integer(
                    value if item is None or item.type == "number" else text
                )
            elif kind == "department":
                department = self.mapper.people.department(text)
                if department is not None:
                    self.fields["department_id"] = department
                self.extra["department_name"] = text
            else:
                self.fields[name] = _join(item) if item is not None else converters.tidy(text)
        except ConversionError as exc:
            reason = Reason.BAD_DATE if kind in ("date", "datetime") else Reason.BAD_VALUE
            self.problem(reason, f"{label}：{where} {exc}", field=name, item=item.name if item else None)
            if item is not None:
                self.reported_items.add(item.name.casefold())

    def set_lossy(self, name: str, value: Any, text: str, item: SourceItem | None) -> None:
        """A converted value; the text as written is kept in extra when the conversion changed it."""
        self.fields[name] = value
        shown = value.isoformat() if isinstance(value, date) else value
        if item is not None and text and text != shown and item.type not in ("datetime", "datetimelist"):
            self.original[name] = text
        elif item is not None and item.type.startswith("datetime") and isinstance(item.first, datetime):
            self.original[name] = item.first.isoformat()

    def title(self) -> None:
        fixed = self.fixes.fields.get("title")
        item = self.source_item("title")
        if fixed is not None and str(fixed).strip():
            title = converters.tidy(str(fixed))
            self.extra.setdefault("fixed", {})["title"] = title
        else:
            title = converters.tidy(item.text) if item is not None else ""
        if not title:
            title = self.fallback_title()
        if not title:
            names = "、".join(self.rule.fields.get("title", [])) or "（映射中未指定）"
            self.problem(Reason.MISSING_TITLE, f"没有标题：条目 {names} 都没有值。", field="title")
            return
        self.fields["title"] = title

    def fallback_title(self) -> str:
        record = self.record
        created = record.created
        values = {
            "form": record.form or self.rule.name,
            "key": self.key or "",
            "created": created.date().isoformat() if isinstance(created, datetime) else (created or ""),
            "source": self.mapper.source_name,
            "first_text": self.first_text(),
        }
        for template in self.rule.title_fallback:
            needed = re.findall(r"\{(\w+)\}", template)
            if any(not str(values.get(n, "")).strip() for n in needed):
                continue
            title = converters.tidy(template.format_map(values))
            if title:
                return title
        return ""

    def first_text(self) -> str:
        """The first text item that looks like a title (`looks_like_title`), its first line;
        "" when none does, and the record is quarantined as missing_title unless another
        fallback of the rule applies. Never a time zone, a Notes name, a date, a number."""
        for item in self.record.items:
            if item.type not in ("text", "textlist") or item.name.startswith("$") or item.is_empty:
                continue
            if item.names or (item.flags and {"names", "readers", "authors"} & set(item.flags)):
                continue
            if item.name.casefold() in _NOT_TITLE_ITEMS:
                continue
            line = converters.tidy(item.text.split("\n", 1)[0])
            if looks_like_title(line):
                return line[:200]
        return ""

    def people_fields(self) -> None:
        people = self.mapper.people
        fixed_signer = self.fixes.fields.get("signer")
        signer_item = self.source_item("signer")
        raw = str(fixed_signer) if fixed_signer else (_names(signer_item)[:1] or [""])[0]
        signer = people.person(raw) if raw else None
        if signer is not None:
            self.fields["signer_name"] = signer.name
            if signer.user_id:
                self.fields["signer_id"] = signer.user_id
            if signer.raw != signer.name:
                self.original["signer"] = signer.raw
        fixed_authors = self.fixes.fields.get("authors")
        author_item = self.source_item("authors")
        if fixed_authors:
            raws = [a.strip() for a in re.split(r"[,，、;；\n]", str(fixed_authors)) if a.strip()]
        elif author_item is not None:
            raws = _names(author_item)
        else:
            raws = self.record.updated_by[:1]  # Notes lists the creator first among the editors
        authors = [p for p in (people.person(r) for r in raws) if p is not None]
        if authors:
            self.extra["authors"] = [a.as_json() for a in authors]
        editors = [p for p in (people.person(r) for r in self.record.updated_by) if p is not None]
        if editors:
            self.extra["editors"] = [e.as_json() for e in editors]

    # --- body and files ------------------------------------------------------------------------

    def body_and_files(self) -> None:
        from oa.documents.sanitising import html_to_text, sanitise_body_html

        body = self.source_item("body")
        images = self.pictures()
        typed = self.fixes.fields.get("body")
        if typed:  # the admin typed the body in: plain text, one paragraph per line
            lines = [line.strip() for line in str(typed).split("\n")]
            self.fields["body_html"] = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)
            self.fields["body_text"] = str(typed)
            self.extra.setdefault("fixed", {})["body"] = str(typed)
        elif body is not None:
            rich = body.richtext
            if rich is not None:
                shown = images.get(id(rich), {})
                raw_html = _IMG.sub(lambda m: shown.get(int(m[1]), "<span>[图片]</span>"), rich.html)
                self.fields["body_html"] = sanitise_body_html(raw_html)
                self.fields["body_text"] = html_to_text(self.fields["body_html"]) or rich.text
            else:
                paragraphs = [line.strip() for line in body.text.split("\n")]
                self.fields["body_html"] = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)
                self.fields["body_text"] = body.text
        for attachment in self.record.attachments:
            self.attachment(attachment)

    def pictures(self) -> dict[int, dict[int, str]]:
        """Pictures of every rich-text item: JPEG and PNG become attachments; the others (GIF,
        BMP, Notes bitmaps, ...), which oa.documents does not take, are kept in the unit's store
        and listed in extra. Returns, per rich text, what its `dxl-image:N` shows in the body."""
        shown: dict[int, dict[int, str]] = {}
        kept_aside = []
        for item in self.record.items:
            rich = item.richtext
            if rich is None:
                continue
            for index, image in enumerate(rich.images):
                label = f"{item.name}-图片{index + 1}"
                extension = _WEB_IMAGES.get(image.format)
                data = image.payload.load()
                if extension and data and not image.broken:
                    name = f"{label}.{extension}"
                    if self.add_file(name, data, origin="image"):
                        shown.setdefault(id(rich), {})[index] = f"<span>[图片：{html.escape(name)}]</span>"
                    continue
                note = {"item": item.name, "index": index + 1, "format": image.format}
                if image.name:
                    note["name"] = image.name
                if data:
                    if self.mapper.keep_bytes:
                        image.payload.keep()
                    note.update(size=image.payload.size, sha256=image.payload.sha256)
                kept_aside.append(note)
                shown.setdefault(id(rich), {})[index] = f"<span>[{label}：{image.format} 格式，未转换]</span>"
        if kept_aside:
            self.extra["images_not_shown"] = kept_aside
        return shown

    def attachment(self, attachment: SourceAttachment) -> None:
        if attachment.name in self.fixes.skip_attachments:
            note = {
                "name": attachment.name,
                "reason": "导入时按管理员的决定未作为附件导入",
                "size": attachment.payload.size,
            }
            if attachment.payload.load() is not None:
                if self.mapper.keep_bytes:
                    attachment.payload.keep()
                note["sha256"] = attachment.payload.sha256
            self.extra.setdefault("attachments_not_imported", []).append(note)
            return
        if attachment.problems:
            self.problem(
                Reason.BROKEN_ATTACHMENT,
                f"附件“{attachment.name}”损坏：{'；'.join(attachment.problems)}",
                item=attachment.name,
            )
            return
        data = attachment.payload.load()
        if data is None:
            self.problem(
                Reason.BROKEN_ATTACHMENT, f"附件“{attachment.name}”的内容已不在。", item=attachment.name
            )
            return
        self.add_file(attachment.name or "附件", data, origin="attachment")

    def add_file(self, name: str, data: bytes, *, origin: str) -> bool:
        from oa.documents.errors import FileRefused
        from oa.documents.intake import inspect_upload

        try:
            inspected = inspect_upload(name, data, purpose="attachment")
        except FileRefused as exc:
            self.problem(Reason.BROKEN_ATTACHMENT, f"{exc.detail}（{exc.code}）", item=name)
            return False
        self.files.append(MappedFile(inspected.display_name, data, inspected, origin))
        return True

    # --- what the source could not read -------------------------------------------------------------

    def source_problems(self) -> None:
        for problem in self.record.problems:
            item = (problem.item or "").casefold()
            if item in self.fixed_items or item in self.reported_items:
                continue  # typed in by the admin instead, or already reported by its field
            reason = _SOURCE_REASONS.get(problem.code, Reason.UNREADABLE)
            if reason == Reason.MISSING_KEY or (
                reason == Reason.BROKEN_ATTACHMENT and item.startswith("$file")
            ):
                continue  # said by legacy_id(); each attachment is judged by attachment()
            if self.fixes.accept_problems:
                self.extra.setdefault("source_problems", []).append(
                    {"code": problem.code, "message": problem.message, "item": problem.item}
                )
                continue
            field_name = next(
                (
                    f
                    for f, names in self.rule.fields.items()
                    if item and item in {n.casefold() for n in names}
                ),
                None,
            )
            self.problem(reason, problem.message, field=field_name, item=problem.item)

    # --- what the database would refuse (limits.py) ---------------------------------------------

    def value_limits(self) -> None:
        """One value past limits.MAX_VALUE_CHARS quarantines the record (value_too_large); so
        does a record the quarantine had to cut (its JSON says where), unless the admin accepts
        it as it is now."""
        for name, size in record_value_sizes(self.record):
            if size > limits.MAX_VALUE_CHARS:
                self.problem(
                    Reason.VALUE_TOO_LARGE,
                    f"{name}的值有 {size:,} 个字符，超过了单个值的上限 {limits.MAX_VALUE_CHARS:,} 个字符。",
                    item=name,
                )
        cut = self.record.meta.get("cut_in_quarantine")
        if cut:
            if self.fixes.accept_problems:
                self.extra["cut_in_quarantine"] = list(cut)
            else:
                self.problem(
                    Reason.VALUE_TOO_LARGE,
                    f"隔离时已截断过大的值（{'、'.join(cut[:3])}）；确认按截断后的内容导入才能重试。",
                )

    def column_limits(self, legacy_id: str, extra: dict) -> None:
        from oa.importer.writing import LABELS

        labels = LABELS | {"legacy_id": "唯一标识", "retention": "保管期限"}
        for reason, message, field_name in limits.check_document(
            self.fields, legacy_id=legacy_id, extra=extra, labels=labels
        ):
            self.problem(reason, message, field=field_name)

    # --- the document's fields -----------------------------------------------------------------

    def finish_fields(self) -> None:
        fields = self.fields
        record = self.record
        rule = self.rule
        fields["direction"] = rule.direction
        if "doc_type" not in fields:
            guessed = converters.to_doc_type(fields.get("title", ""))
            fields["doc_type"] = guessed or ""
        fields.setdefault("retention", Retention.YEARS_10)
        fields.setdefault("classification", Classification.NONE)
        fields.setdefault("urgency", Urgency.NORMAL)
        if CLASSIFICATION_LEVELS.get(fields["classification"], 0) > CLASSIFICATION_LEVELS.get(
            _max_classification(), 0
        ):
            self.problem(
                Reason.CLASSIFICATION_TOO_HIGH,
                f"密级“{Classification(fields['classification']).label}”超过本系统允许的最高密级，不能导入。",
                field="classification",
            )
        if "created_at" not in fields:
            fields["created_at"] = (
                converters.to_datetime(record.created, self.zone) if record.created else None
            )
        if fields["created_at"] is None:
            first_day = fields.get("received_on") or fields.get("issued_date")
            fields["created_at"] = (
                converters.to_datetime(first_day, self.zone) if first_day else timezone.now()
            )
        modified = converters.to_datetime(record.modified, self.zone) if record.modified else None
        fields["updated_at"] = max(modified, fields["created_at"]) if modified else fields["created_at"]
        for name, limit in MAX_LENGTHS.items():
            value = fields.get(name)
            if isinstance(value, str) and len(value) > limit:
                self.original.setdefault(name, value)
                fields[name] = value[: limit - 1] + "…"
        incoming_number = fields.pop("incoming_number", None)
        if incoming_number:
            self.extra["incoming_number"] = incoming_number

    def build_extra(self) -> dict:
        record = self.record
        extra = self.extra
        extra["import"] = {
            "source": record.source,
            "file": self.mapper.source_name,
            "location": record.location,
            "form": record.form,
            "rule": self.rule.name,
            "record": self.rule.record,
            "mapping": self.mapper.mapping.code,
        }
        if record.source == "dxl":
            extra["domino"] = {
                **{k: v for k, v in record.meta.items() if k != "database"},
                "created": record.created.isoformat() if record.created else None,
                "modified": record.modified.isoformat() if record.modified else None,
            }
            if not record.key and self.key:
                extra["domino"]["content_key"] = self.key  # no UNID: known by its content
            if record.meta.get("database"):
                extra["import"]["database"] = record.meta["database"]
        else:
            extra["register"] = {k: record.meta.get(k) for k in ("sheet", "row")}
        if self.original:
            extra["original"] = dict(sorted(self.original.items()))
        unmapped = [
            {"name": i.name, **i.to_json(keep=self.mapper.keep_bytes)}
            for i in record.items
            if i.name.casefold() not in self.used_items
        ]
        if unmapped:
            extra["items"] = unmapped
        return extra


_SOURCE_REASONS = {
    "missing_unid": Reason.MISSING_KEY,
    "bad_datetime": Reason.BAD_DATE,
    "bad_number": Reason.BAD_VALUE,
    "bad_base64": Reason.BROKEN_ATTACHMENT,
    "size_mismatch": Reason.BROKEN_ATTACHMENT,
    "no_file_data": Reason.BROKEN_ATTACHMENT,
    "compressed_attachment": Reason.BROKEN_ATTACHMENT,
    "mojibake": Reason.BAD_ENCODING,
}


def _max_classification() -> str:
    from oa.documents.actions import max_classification

    return max_classification()


def _names(item: SourceItem | None) -> list[str]:
    if item is None:
        return []
    if item.names:
        return list(item.names)
    return [v.strip() for v in re.split(r"[\n,，、;；]", item.text) if v.strip()]


def _join(item: SourceItem) -> str:
    """A text field from an item: list values joined with 、 (主送 lists), lines with spaces."""
    if isinstance(item.first, RichValue):
        return converters.tidy(item.text)
    parts = [converters.tidy(p) for p in item.text.split("\n")]
    is_list = item.type.endswith("list") or len(item.values) > 1
    return "、".join(p for p in parts if p) if is_list else " ".join(p for p in parts if p)


# Items that hold names, addresses, settings or design data, never a title (compared casefolded).
_NOT_TITLE_ITEMS = frozenset(
    name.casefold()
    for name in (
        "TimeZone", "Authors", "Author", "Readers", "From", "SendTo", "CopyTo", "BlindCopyTo",
        "Principal", "ReplyTo", "InetFrom", "Recipients", "DeliveredDate", "PostedDate",
        "Categories", "Encrypt", "Sign", "SaveOptions", "MailOptions", "Logo", "Importance",
        "DeliveryPriority", "DeliveryReport", "ReturnReceipt", "Form", "ExpandPersonalGroups",
    )
)  # fmt: skip
_NOT_A_TITLE = (
    re.compile(r"(?i)^(cn|ou|o|c)=|/(ou|o|c)=|\$[a-z]+="),  # a Notes name, a time zone (Z=-8$DO=0$ZN=…)
    re.compile(r"(?i)^[a-z]+=[^=]*(\$[a-z]+=|;)"),  # key=value settings
    re.compile(r"^[\d\s:/.,+\-TZ年月日时分秒]+$"),  # a date, a time, a number
    re.compile(r"(?i)^(https?|notes|mailto|file)://|^[\w.+-]+@[\w-]+\.[\w.]+$"),  # a link, an address
    re.compile(r"^[0-9A-Fa-f]{16,}$"),  # an identifier
)
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def looks_like_title(line: str) -> bool:
    """Whether a line of text could be a document's title: 2 to 200 characters, at least two
    Chinese characters or four letters, and not a name, a time zone, a setting, a date or
    number, a link or an identifier."""
    if not 2 <= len(line) <= 200:
        return False
    if len(_HAN.findall(line)) < 2 and len(_LETTERS.findall(line)) < 4:
        return False
    return not any(pattern.search(line) for pattern in _NOT_A_TITLE)


def content_key(record: SourceRecord) -> str:
    """The legacy key of a Domino note without a UNID: `NOUNID-` and a SHA-256 digest (40 hex)
    of its form, creation time, items and attachments, leaving out what Notes rewrites on every
    save ($-items such as $Revisions and $UpdatedBy) and where the note sits in the file. The
    same note gives the same key in every run of the same export; a note edited in Notes
    between two exports is a different record."""
    items = [{"name": i.name, **i.to_json(keep=False)} for i in record.items if not i.name.startswith("$")]
    payload = {
        "form": record.form,
        "created": record.created.isoformat() if record.created else None,
        "items": items,
        "attachments": [(a.name, a.payload.sha256, a.payload.size) for a in record.attachments],
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return "NOUNID-" + hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def record_value_sizes(record: SourceRecord) -> list[tuple[str, int]]:
    """(where, characters) of the record's largest values: each item's text values, rich text
    (text and HTML), names and raw text, and every string of its source details (attributes)."""
    out: list[tuple[str, int]] = []
    for item in record.items:
        largest = 0
        for value in item.values:
            if isinstance(value, str):
                largest = max(largest, len(value))
            elif isinstance(value, RichValue):
                largest = max(largest, len(value.text), len(value.html))
            elif isinstance(value, dict):
                largest = max([largest, *(len(s) for _, s in limits.strings(value))])
        for text in (*item.names, *item.raw):
            largest = max(largest, len(text))
        out.append((f"条目“{item.name[:60]}”", largest))
    attributes = max((len(s) for _, s in limits.strings(record.meta)), default=0)
    attributes = max(attributes, len(record.form or ""), len(record.key or ""))
    attributes = max([attributes, *(len(a.name) for a in record.attachments), *map(len, record.updated_by)])
    out.append(("文档属性", attributes))
    return out


def _bounded_key(key: str) -> str:
    """legacy_id holds 64 characters: a longer key keeps its start and a digest of the whole."""
    if len(key) <= 64:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[:47]}~{digest}"


def fingerprint(mapped: MappedDocument) -> str:
    """SHA-256 of what the document would hold: a re-run compares it to find what changed."""
    extra = {k: v for k, v in mapped.extra.items() if k != "import"}
    extra["import"] = {k: mapped.extra["import"].get(k) for k in ("rule", "record", "mapping", "form")}
    payload = {
        "fields": {k: _jsonable(v) for k, v in sorted(mapped.fields.items())},
        "extra": extra,
        "files": [(f.name, f.inspected.sha256) for f in mapped.files],
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
