"""Import signed gateway bundles from the other network (each package verified, delivered once)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange import gateway


class Command(BaseCommand):
    help = "Import gateway bundles; importing the same bundle again delivers nothing new."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")

    def handle(self, *args, files: list[str], **options):
        failed = False
        for name in files:
            try:
                report = gateway.import_bundle(Path(name).read_bytes())
            except gateway.BundleRefused as exc:
                self.stderr.write(f"{name}: refused: {exc.detail}")
                failed = True
                continue
            self.stdout.write(
                f"{name}: bundle {report.bundle_id}: {report.packages} packages, {report.delivered} new deliveries, "
                f"{report.duplicates} already delivered, {report.refused} refused, "
                f"{report.notices_applied} notices applied ({report.notices_ignored} without effect)"
            )
            for problem in report.problems:
                self.stdout.write(f"  {problem}")
        if failed:
            raise CommandError("some bundles were refused (recorded in the hub's refusals)")
