from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tenants.migration_pass import run_migration_pass


class Command(BaseCommand):
    help = "Migrate the public schema, the unit template, and every unit that is behind (in parallel)."

    def add_arguments(self, parser):
        parser.add_argument("--parallel", type=int, default=2, help="units migrated at once")

    def handle(self, *args, parallel: int, verbosity: int, **options):
        bar = None

        def progress(done: int, total: int, schema: str) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, desc="迁移单位 migrating units", unit="unit", disable=verbosity == 0)
            bar.update(1)
            bar.set_postfix_str(schema)

        report = run_migration_pass(parallel=parallel, verbosity=max(0, verbosity - 1), on_progress=progress)
        if bar:
            bar.close()
        self.stdout.write(
            f"units: {report.units}, already current: {report.current}, migrated: {len(report.migrated)}, failed: {len(report.failed)}"
        )
        if report.failed:
            for schema, error in report.failed.items():
                self.stderr.write(f"  {schema}: {error}")
            raise CommandError("some units failed to migrate")
