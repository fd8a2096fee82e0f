"""Write what waits for the other network (packages, receipts, recalls) as a signed bundle."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange import gateway


class Command(BaseCommand):
    help = "Export a signed gateway bundle for NETWORK into a folder (nothing is written when nothing waits)."

    def add_arguments(self, parser):
        parser.add_argument("network", help="the other network, e.g. intranet")
        parser.add_argument("--out", default=".", help="folder to write <bundle id>.bundle.zip into")

    def handle(self, *args, network: str, out: str, **options):
        folder = Path(out)
        written: list[Path] = []

        def write(bundle_id: str, data: bytes) -> None:
            written.append(gateway.write_bundle_file(folder, bundle_id, data))

        try:
            result = gateway.export_bundle(network, write=write)
        except gateway.BundleRefused as exc:
            raise CommandError(exc.detail) from exc
        if result.bundle is None:
            self.stdout.write("nothing waits for that network")
            return
        self.stdout.write(f"{written[0]}: {result.packages} packages, {result.notices} notices")
