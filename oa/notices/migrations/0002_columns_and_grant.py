"""The unit admin (系统管理员) keeps the columns (notices.manage), and every unit starts with
the usual columns: 通知公告, 工作动态, 规章制度, and 上级来文 where items other units publish to
it through the exchange hub land. Runs in the template schema (new units are cloned from it)
and in every existing unit when the migration pass brings it level."""

from django.db import migrations

CODE = "notices.manage"
COLUMNS = [
    ("通知公告", "本单位的通知、公告", 10, False),
    ("工作动态", "各部门工作动态与简讯", 20, False),
    ("规章制度", "本单位规章制度与办事指南", 30, False),
    ("上级来文", "上级和其他单位通过公文交换发布的信息", 40, True),
]


def forwards(apps, schema_editor):
    Role = apps.get_model("directory", "Role")
    for role in Role.objects.filter(code="sysadmin"):
        if CODE not in role.permissions:
            role.permissions = sorted({*role.permissions, CODE})
            role.save(update_fields=["permissions"])
    Column = apps.get_model("notices", "Column")
    for name, description, order, inbound in COLUMNS:
        Column.objects.get_or_create(
            name=name, defaults={"description": description, "order": order, "receives_from_units": inbound}
        )


def backwards(apps, schema_editor):
    Role = apps.get_model("directory", "Role")
    for role in Role.objects.filter(code="sysadmin"):
        if CODE in role.permissions:
            role.permissions = [p for p in role.permissions if p != CODE]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial"), ("directory", "0003_sysadmin_templates_manage")]

    operations = [migrations.RunPython(forwards, backwards)]
