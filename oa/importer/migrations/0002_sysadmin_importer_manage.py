"""The system administrator (系统管理员) imports the unit's legacy data (issue 6).

Runs in the template schema (new units are cloned from it) and in every existing unit's
schema when the migration pass brings it level. Adds the code rather than rewriting the role,
so grants a unit made to its sysadmin role are kept (as directory 0003 does).
"""

from django.db import migrations

CODE = "importer.manage"


def grant(apps, schema_editor):
    Role = apps.get_model("directory", "Role")
    for role in Role.objects.filter(code="sysadmin"):
        if CODE not in role.permissions:
            role.permissions = sorted({*role.permissions, CODE})
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    Role = apps.get_model("directory", "Role")
    for role in Role.objects.filter(code="sysadmin"):
        if CODE in role.permissions:
            role.permissions = [p for p in role.permissions if p != CODE]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("importer", "0001_initial"), ("directory", "0003_sysadmin_templates_manage")]

    operations = [migrations.RunPython(grant, revoke)]
