"""Notes hierarchical names: CN=张三/OU=办公室/O=厦门市政府 and friends.

Names, readers and authors items, <updatedby> and <wassignedby> hold them. A value is one of
  canonical      CN=张三/OU=办公室/O=厦门市政府   (labelled components, what DXL writes)
  abbreviated    张三/办公室/厦门市政府           (labels dropped: CN first, O last, OU between)
  flat           LocalDomainServers, manue, [Admin], *   (groups, roles, old flat names)
and may end in @NotesDomain. The importer matches the common name against its staff directory;
the raw text is kept because that is what the legacy ACLs and logs say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# X.400-style labels Notes accepts in a canonical name.
_LABELS = frozenset({"CN", "OU", "O", "C", "G", "S", "I", "Q", "P", "A"})
_COMPONENT = re.compile(r"\s*([A-Za-z]{1,2})\s*=(.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class NotesName:
    raw: str
    common_name: str
    org_units: tuple[str, ...] = ()  # outermost last, as written: OU=科室/OU=办公室 → ("科室", "办公室")
    organization: str | None = None
    country: str | None = None
    domain: str | None = None  # the @NotesDomain suffix, if any
    components: tuple[tuple[str, str], ...] = ()  # every label=value in order, labels upper-cased

    @property
    def is_hierarchical(self) -> bool:
        return self.organization is not None

    @property
    def abbreviated(self) -> str:
        """张三/办公室/厦门市政府: what Notes shows to people."""
        if not self.is_hierarchical:
            return self.common_name
        parts = [self.common_name, *self.org_units, self.organization]
        if self.country:
            parts.append(self.country)
        return "/".join(p for p in parts if p is not None)

    @property
    def hierarchy(self) -> tuple[str, ...]:
        """The organisation path from the top: (厦门市政府, 办公室, 科室)."""
        if self.organization is None:
            return ()
        return (self.organization, *reversed(self.org_units))

    @classmethod
    def parse(cls, raw: str) -> NotesName:
        text = raw.strip()
        domain = None
        # "@" may also appear inside an internet address used as a name (a@b.cn): only a suffix
        # after the last "/" part that follows a hierarchical name is a Notes domain.
        if "/" in text and "@" in text.rsplit("/", 1)[1]:
            text, _, domain = text.rpartition("@")
            domain = domain.strip() or None
        parts = [p.strip() for p in text.split("/")] if "/" in text else [text]
        labelled = [_COMPONENT.fullmatch(p) for p in parts]
        labelled = [m if m is not None and m[1].upper() in _LABELS else None for m in labelled]
        if any(labelled):
            # Canonical form; an unlabelled first part is the CN of a wildcard such as */O=厦门.
            components = [
                (m[1].upper(), m[2].strip()) if m else ("CN" if i == 0 else "OU", p)
                for i, (m, p) in enumerate(zip(labelled, parts, strict=True))
            ]
            return cls._from_components(raw, components, domain)
        if len(parts) >= 2 and all(parts):
            # Abbreviated form: the labels were dropped, positions tell them apart.
            components = [("CN", parts[0]), *(("OU", p) for p in parts[1:-1]), ("O", parts[-1])]
            return cls._from_components(raw, components, domain)
        return cls(raw=raw, common_name=text, domain=domain)

    @classmethod
    def _from_components(cls, raw: str, components: list[tuple[str, str]], domain: str | None) -> NotesName:
        values: dict[str, list[str]] = {}
        for label, value in components:
            values.setdefault(label, []).append(value)
        common = values.get("CN", [""])[0]
        if not common:
            # G=/S= (given name, surname) without a CN: old X.400 names.
            common = " ".join(v for k in ("G", "I", "S") for v in values.get(k, []))
        return cls(
            raw=raw,
            common_name=common,
            org_units=tuple(values.get("OU", [])),
            organization=values.get("O", [None])[0],
            country=values.get("C", [None])[0],
            domain=domain,
            components=tuple(components),
        )


@lru_cache(maxsize=8192)
def parse_name(raw: str) -> NotesName:
    """NotesName.parse, remembered: the same few hundred people sign thousands of documents."""
    return NotesName.parse(raw)
