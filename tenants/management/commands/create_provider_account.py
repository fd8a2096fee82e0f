import getpass
import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from oa.core.errors import ActionError
from tenants.actions import do_create_provider_account


class Command(BaseCommand):
    help = "Create a provider (console) account. The password comes from --password-env, or is asked for."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--display-name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--password-env", help="name of an environment variable holding the password")

    def handle(self, *args, username, display_name, email, password_env, **options):
        if password_env:
            password = os.environ.get(password_env) or ""
            if not password:
                raise CommandError(f"environment variable {password_env} is empty")
        else:
            password = getpass.getpass("密码 password: ")
        connection.set_schema_to_public()
        try:
            do_create_provider_account(
                acting_user=None, username=username, display_name=display_name, password=password, email=email
            )
        except ActionError as exc:
            raise CommandError(f"{exc.field}: {exc.detail}") from exc
        self.stdout.write(self.style.SUCCESS(f"平台账户已创建 provider account created: {username}"))
