from django.conf import settings
from django.core.management.base import BaseCommand

from tenants.demo import setup_demo


class Command(BaseCommand):
    help = "Create the demo provider account and demo units (once) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="create, print nothing")

    def handle(self, *args, quiet: bool, **options):
        logins = setup_demo(log=(lambda *_: None) if quiet else self.stdout.write)
        if quiet:
            return
        self.stdout.write("")
        self.stdout.write(f"演示账户密码 demo password (OA_DEMO_PASSWORD): {settings.OA_DEMO_PASSWORD}")
        where = None
        for login in logins:
            if login.where != where:
                where = login.where
                self.stdout.write(f"\n  {login.where}  {login.url}")
            self.stdout.write(f"    {login.username:<10} {login.role}")
