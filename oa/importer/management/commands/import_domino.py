from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context
from tqdm import tqdm

from oa.core.errors import ActionError
from oa.importer import actions, queries
from oa.importer.errors import Reason
from oa.importer.mapping import DEFAULT_MAPPING
from oa.importer.models import ImportRun
from oa.importer.runs import execute_run
from oa.importer.sources import SourceRefused, open_source

OUTCOMES = {"created": "新建", "updated": "更新", "unchanged": "未变化", "quarantined": "隔离"}


class Command(BaseCommand):
    help = (
        "Import legacy documents (历史数据导入) into a unit: Domino DXL exports, XLSX/CSV registers of "
        "收文/发文. Every file is checked first and nothing is written if one is malformed; --dry-run "
        "reports by form what would be imported and every problem without writing documents. Re-running "
        "imports nothing twice (the Domino UNID is the key) and updates what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--unit", required=True, help="the unit's code (its schema), e.g. siming")
        parser.add_argument("--dry-run", action="store_true", help="report only; write no documents")
        parser.add_argument("--mapping", default=DEFAULT_MAPPING, help="mapping template code (导入映射)")
        parser.add_argument(
            "--user",
            default=None,
            help="the importing admin (technical owner); default: the first one holding importer.manage",
        )
        parser.add_argument("--show", type=int, default=20, help="quarantined records to list per file")

    def handle(self, *args, files, unit, dry_run, mapping, user, show, verbosity, **options):
        from tenants.models import Unit

        if not Unit.objects.filter(schema_name=unit).exists():
            raise CommandError(f"no unit {unit!r}")
        with schema_context(unit):
            acting_user = self._user(user)
            checked = []
            for path in files:
                if not path.is_file():
                    raise CommandError(f"no such file: {path}")
                try:
                    total = open_source(path).check()
                except SourceRefused as exc:
                    raise CommandError(
                        f"{path}: 文件被拒绝，未导入任何内容 (refused, nothing imported): {exc.detail}"
                    ) from exc
                checked.append((path, total))
            failed = False
            for path, total in checked:
                try:
                    run = actions.do_create_file_run(
                        path, acting_user=acting_user, dry_run=dry_run, mapping=mapping, checked_total=total
                    )
                except ActionError as exc:
                    raise CommandError(f"{path}: {exc.detail}") from exc
                bar = tqdm(total=total, desc=path.name, unit="doc", disable=verbosity == 0)

                def progress(current: ImportRun, bar=bar) -> None:
                    bar.total = current.total or bar.total
                    bar.n = current.done
                    bar.refresh()

                run = execute_run(run.pk, on_progress=progress)
                bar.close()
                failed |= self._report(run, show)
        if failed:
            raise CommandError("some files were not imported")

    def _user(self, username: str | None):
        from django.contrib.auth import get_user_model

        from oa.directory.queries import has_permission

        User = get_user_model()
        candidates = User.objects.filter(is_active=True).order_by("pk")
        if username:
            candidates = candidates.filter(username=username)
        found = next((u for u in candidates if has_permission(u, actions.PERMISSION)), None)
        if found is None:
            raise CommandError(
                f"no active user {username or ''} holding importer.manage in this unit".replace("  ", " ")
            )
        return found

    def _report(self, run: ImportRun, show: int) -> bool:
        out = self.stdout
        what = "试导入 (dry run)" if run.dry_run else "导入 (import)"
        if run.state == ImportRun.State.REFUSED:
            self.stderr.write(f"{run.source_name}: 文件被拒绝 (refused): {run.refusal.get('detail')}")
            return True
        if run.state == ImportRun.State.FAILED:
            self.stderr.write(f"{run.source_name}: 出错中止 (failed): {run.error}")
            return True
        out.write(f"\n{what}: {run.source_name}, {run.done} 条记录 (records)")
        problems = queries.problems_by_rule(run)
        for rule, outcomes in run.counts.items():
            line = ", ".join(f"{OUTCOMES.get(k, k)} {v}" for k, v in outcomes.items() if v)
            out.write(f"  {rule}: {line}")
            for reason, n in sorted(problems.get(rule, {}).items()):
                out.write(f"      {Reason(reason).label} ({reason}): {n}")
        skipped = (run.summary or {}).get("skipped")
        if skipped:
            out.write(
                "  跳过的设计元素 (design notes skipped): "
                + ", ".join(f"{k} {v}" for k, v in skipped.items())
            )
        for item in queries.quarantine_of(run)[:show]:
            out.write(f"  隔离 {item.location} {item.key}: {item.message}")
        return False
