"""The portal home's sections (统一门户首页): an explicit registry that modules add to.

A module registers a section once, from its AppConfig.ready():

    from oa.portal.sections import Item, SectionData, register_section

    def latest_notices(ctx):                 # ctx: HomeContext (user, unit, now, permissions)
        rows = ...                           # one indexed query, a handful of rows
        return SectionData(items=[Item(key=f"notice-{n.pk}", title=n.title, link=..., at=n.published_at,
                                       unread=n.pk not in read)], count=unread, more_link="/portal/notices")

    register_section("notices", "通知公告", "Notices", load=latest_notices, order=15, module="notices")

`load` returns None to leave the section out for this person (no permission, nothing to say).
Every section renders with the same component (layout "list", "calendar" or "shortcuts"), so a
new module needs no frontend change to appear on the home page. Calendar entries come from
calendar sources (register_calendar_source): the workflow's deadlines today, meetings later.

Keep each load to indexed queries that return a few rows: bench/portal.py holds the whole page
to 100 ms p95.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class HomeContext:
    user: object
    unit: object
    now: datetime
    permissions: frozenset[str]

    def has_module(self, code: str) -> bool:
        return not code or code in (getattr(self.unit, "modules", None) or [])

    def can(self, code: str) -> bool:
        return code in self.permissions


@dataclass
class Item:
    key: str
    title: str
    link: str = ""
    subtitle: str = ""
    at: datetime | None = None
    unread: bool = False
    # A short label (the module, "超期", a source) and its Element Plus type (danger, warning...).
    tag: str = ""
    tag_type: str = ""


@dataclass
class Group:
    """A count with a link (the to-do section's "办文 3 · 来文 2")."""

    code: str
    label: str
    count: int
    link: str = ""


@dataclass
class SectionData:
    items: list[Item] = field(default_factory=list)
    count: int | None = None
    more_link: str = ""
    groups: list[Group] = field(default_factory=list)
    # For the calendar layout: the first day shown (the rest follow).
    start: datetime | None = None


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    title_en: str
    load: Callable[[HomeContext], SectionData | None]
    order: int = 100
    layout: str = "list"
    # The unit must have this module enabled ("" = always).
    module: str = ""


SECTIONS: dict[str, Section] = {}
LAYOUTS = ("list", "calendar", "shortcuts")


def register_section(
    code: str,
    title: str,
    title_en: str,
    *,
    load: Callable[[HomeContext], SectionData | None],
    order: int = 100,
    layout: str = "list",
    module: str = "",
) -> Section:
    if layout not in LAYOUTS:
        raise ValueError(f"portal section {code!r}: layout must be one of {LAYOUTS}")
    section = Section(code, title, title_en, load, order, layout, module)
    SECTIONS[code] = section
    return section


@dataclass(frozen=True)
class CalendarSource:
    code: str
    label: str
    load: Callable[[HomeContext, datetime, datetime], list[Item]]
    module: str = ""


CALENDAR_SOURCES: dict[str, CalendarSource] = {}


def register_calendar_source(
    code: str, label: str, *, load: Callable[[HomeContext, datetime, datetime], list[Item]], module: str = ""
) -> CalendarSource:
    """Entries for the week calendar between two instants (e.g. meetings I attend)."""
    source = CalendarSource(code, label, load, module)
    CALENDAR_SOURCES[code] = source
    return source


def home_sections(ctx: HomeContext) -> list[dict]:
    """The sections this person sees, in order, as plain data for the serializer."""
    from oa.portal import builtin  # noqa: F401 (registers the built-in sections)

    out = []
    for section in sorted(SECTIONS.values(), key=lambda s: (s.order, s.code)):
        if not ctx.has_module(section.module):
            continue
        data = section.load(ctx)
        if data is None:
            continue
        out.append(
            {
                "code": section.code,
                "title": section.title,
                "title_en": section.title_en,
                "layout": section.layout,
                "count": data.count,
                "more_link": data.more_link,
                "start": data.start,
                "groups": [vars(g) for g in data.groups],
                "items": [vars(i) for i in data.items],
            }
        )
    return out
