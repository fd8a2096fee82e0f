from django.core.management.base import BaseCommand, CommandError

from templates_lib.loading import BuiltinError, load_builtin_templates


class Command(BaseCommand):
    help = "Load the shipped templates and starter kits (templates_lib/builtin/); safe to run again."

    def handle(self, *args, **options):
        try:
            report = load_builtin_templates()
        except BuiltinError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(report))
        for key in report.published:
            self.stdout.write(f"  published {key}")
