from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from oa.core.errors import ActionError
from tenants.bulk import parse_units_csv
from tenants.jobs import provision_rows


class Command(BaseCommand):
    help = (
        "Provision many units from a CSV (批量开通): header code,name[,kind,admin_username,admin_display_name,"
        "admin_password]. Every row is checked first; units that already exist are skipped, so a rerun resumes."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, csv_file: Path, verbosity: int, **options):
        if not csv_file.is_file():
            raise CommandError(f"no such file: {csv_file}")
        try:
            rows = parse_units_csv(csv_file.read_bytes())
        except ActionError as exc:
            lines = [exc.detail] + [
                f"  第 {e['row']} 行 row {e['row']} [{e['field']}]: {e['detail']}" for e in exc.errors
            ]
            raise CommandError("\n".join(lines)) from exc
        bar = tqdm(total=len(rows), desc="开通单位 provisioning", unit="unit", disable=verbosity == 0)

        def progress(_index: int, result: dict) -> None:
            bar.update(1)
            bar.set_postfix_str(f"{result['code']} {result['status']}")

        results = provision_rows(rows, acting_user=None, on_progress=progress)
        bar.close()
        created = [r for r in results if r["status"] == "created"]
        failed = [r for r in results if r["status"] == "failed"]
        self.stdout.write(
            f"created {len(created)}, already there {len(results) - len(created) - len(failed)}, failed {len(failed)}"
        )
        for r in created:
            if r.get("admin_password"):
                self.stdout.write(
                    f"  {r['code']}: {r['admin_username']} / {r['admin_password']} (change at first login)"
                )
        for r in failed:
            self.stderr.write(f"  row {r['row']} {r['code']}: {r['detail']}")
        if failed:
            raise CommandError(f"{len(failed)} unit(s) failed")
