"""Loading the built-in templates (templates_lib/builtin/) into the library, idempotently.

builtin/catalogue.json lists every shipped template and its data file; builtin/kits/*.json
the starter kits. For each template the file's checksum is compared with the one loaded
last time (Template.builtin_checksum): a changed file becomes a new published version, an
unchanged one writes nothing, whatever the provider has published since. So running it on
every deploy (the migration pass does) ships template fixes without undoing the provider's
own versions until the file itself changes again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction

from oa.core.errors import ActionError
from templates_lib import actions
from templates_lib.models import Template
from templates_lib.queries import latest_published
from templates_lib.validation import checksum, parse_content

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kits_changed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"templates: {len(self.created)} new, {len(self.published)} new versions, "
            f"{len(self.unchanged)} unchanged; kits changed: {len(self.kits_changed)}"
        )


class BuiltinError(Exception):
    """A shipped file is broken: a bug in the release, reported with the file's name."""


def _read(path: Path):
    return path.read_bytes()


def load_builtin_templates(*, acting_user=None, directory: Path | None = None) -> LoadReport:
    directory = directory or BUILTIN_DIR
    catalogue = json.loads((directory / "catalogue.json").read_text(encoding="utf-8"))
    report = LoadReport()
    connection.set_schema_to_public()
    with transaction.atomic():
        by_key: dict[str, Template] = {}
        for entry in catalogue["templates"]:
            key = f"{entry['kind']}:{entry['code']}"
            try:
                content = parse_content(entry["kind"], _read(directory / entry["file"]))
            except ActionError as exc:
                raise BuiltinError(f"{entry['file']}: {exc.detail}") from exc
            digest = checksum(entry["kind"], content)
            template = Template.objects.filter(kind=entry["kind"], code=entry["code"]).first()
            if template is None:
                template = actions.do_create_template(
                    acting_user=acting_user,
                    kind=entry["kind"],
                    code=entry["code"],
                    name=entry["name"],
                    description=entry.get("description", ""),
                    module=entry.get("module", ""),
                    builtin=True,
                )
                report.created.append(key)
            else:
                actions.do_update_template(
                    template,
                    acting_user=acting_user,
                    name=entry["name"],
                    description=entry.get("description", ""),
                    module=entry.get("module", ""),
                )
            by_key[key] = template
            if template.builtin_checksum == digest:
                report.unchanged.append(key)
                continue
            try:
                draft = actions.do_add_draft_version(
                    template,
                    acting_user=acting_user,
                    content=content,
                    notes=f"内置模板文件 {entry['file']}（{digest[:12]}）",
                )
            except ActionError as exc:
                raise BuiltinError(f"{entry['file']}: {exc.detail}") from exc
            actions.do_publish_version(draft, acting_user=acting_user)
            Template.objects.filter(pk=template.pk).update(builtin_checksum=digest)
            report.published.append(f"{key}@{draft.number}")
        for path in sorted((directory / "kits").glob("*.json")):
            kit = json.loads(path.read_text(encoding="utf-8"))
            versions = []
            for key in kit["templates"]:
                template = by_key.get(key)
                version = latest_published(template) if template else None
                if version is None:
                    raise BuiltinError(
                        f"kits/{path.name}: 套件引用的模板“{key}”不在 catalogue.json 中或没有已发布版本。"
                    )
                versions.append(version)
            _kit, changed = actions.do_save_starter_kit(
                acting_user=acting_user,
                code=kit["code"],
                name=kit["name"],
                description=kit.get("description", ""),
                unit_kind=kit["unit_kind"],
                also_suits=kit.get("also_suits", []),
                modules=kit["modules"],
                versions=versions,
                builtin=True,
            )
            if changed:
                report.kits_changed.append(kit["code"])
    return report
