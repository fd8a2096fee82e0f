from django.core.management.base import BaseCommand, CommandError

from oa.core.errors import ActionError
from tenants.actions import do_provision_unit
from tenants.modules import UNIT_KINDS


class Command(BaseCommand):
    help = "Provision a unit (开通单位): its host, schema (cloned from the template) and first admin. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--code", required=True, help="unit code: host <code>.<base domain> and schema name"
        )
        parser.add_argument("--name", required=True, help="unit name, e.g. 思明区人民政府办公室")
        parser.add_argument("--kind", default="district_office", choices=[k.code for k in UNIT_KINDS])
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument("--admin-display-name", default="单位管理员")
        parser.add_argument(
            "--admin-password", default=None, help="generated (and printed once) when omitted"
        )
        parser.add_argument(
            "--starter-kit", default=None, help="starter kit code; default: the kit for the unit's kind"
        )

    def handle(self, *args, **o):
        try:
            result = do_provision_unit(
                acting_user=None,
                code=o["code"],
                name=o["name"],
                kind=o["kind"],
                admin_username=o["admin_username"],
                admin_display_name=o["admin_display_name"],
                admin_password=o["admin_password"],
                starter_kit=o["starter_kit"],
                if_exists="skip",
            )
        except ActionError as exc:
            raise CommandError(f"{exc.field or ''}: {exc.detail}") from exc
        unit = result.unit
        if not result.created:
            self.stdout.write(
                f"单位 {unit.code}（{unit.name}）已存在，未做改动。 Unit already provisioned: {unit.url}"
            )
            return
        self.stdout.write(self.style.SUCCESS(f"已开通 {unit.name}：{unit.url}"))
        self.stdout.write(f"  开通套件 starter kit: {unit.starter_kit or '（无 none）'}")
        self.stdout.write(f"  管理员 admin: {result.admin_username}")
        if result.admin_password:
            self.stdout.write(
                f"  初始密码 initial password (shown once, must be changed): {result.admin_password}"
            )
