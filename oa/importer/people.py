"""Legacy names to the unit's people and departments.

A Notes name (CN=张三/OU=办公室/O=厦门市政府, 张三/办公室/厦门市政府, or just 张三) is matched by
its common name against the display names of the unit's accounts; only a name that exactly one
account carries is matched, since two 张伟 in a unit are common and a wrong match would put a
document under the wrong person. Whatever is not matched is kept as text, never invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from oa.directory.models import Department
from oa.directory.queries import department_path
from oa.importer.sources.dxl.names import parse_name


@dataclass(frozen=True, slots=True)
class Person:
    name: str  # the common name, as the legacy system wrote it
    raw: str
    user_id: int | None = None
    username: str | None = None

    def as_json(self) -> dict:
        out: dict = {"name": self.name}
        if self.raw != self.name:
            out["raw"] = self.raw
        if self.username:
            out["username"] = self.username
        return out


class PeopleIndex:
    """Built once per run: display name → account, department name or path → department."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model

        User = get_user_model()
        by_name: dict[str, list[tuple[int, str]]] = {}
        rows = User.objects.filter(account__isnull=False).values_list(
            "pk", "username", "account__display_name"
        )
        for pk, username, display_name in rows:
            by_name.setdefault(display_name.strip(), []).append((pk, username))
        self._users = {name: found[0] for name, found in by_name.items() if len(found) == 1}
        departments = list(Department.objects.select_related("parent"))
        index: dict[str, int] = {department_path(d): d.pk for d in departments}
        names: dict[str, list[int]] = {}
        for d in departments:
            names.setdefault(d.name, []).append(d.pk)
        for name, pks in names.items():
            if len(pks) == 1:
                index.setdefault(name, pks[0])
        self._departments = index

    def person(self, raw: str) -> Person | None:
        text = (raw or "").strip()
        if not text:
            return None
        name = parse_name(text).common_name.strip() or text
        found = self._users.get(name)
        return Person(name, text, found[0] if found else None, found[1] if found else None)

    def department(self, name: str) -> int | None:
        return self._departments.get((name or "").strip())
