"""档案管理员 keeps the archive, 主要领导 approves appraisal decisions (the role sets grant the
same to new units). Adds the codes rather than rewriting the roles, so a unit's own grants stay."""

from django.db import migrations

GRANTS = {"archivist": "archive.manage", "director": "archive.approve"}


def grant(apps, schema_editor):
    Role = apps.get_model("directory", "Role")
    for code, permission in GRANTS.items():
        for role in Role.objects.filter(code=code):
            if permission not in role.permissions:
                role.permissions = sorted({*role.permissions, permission})
                role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    Role = apps.get_model("directory", "Role")
    for code, permission in GRANTS.items():
        for role in Role.objects.filter(code=code):
            if permission in role.permissions:
                role.permissions = [p for p in role.permissions if p != permission]
                role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("archive", "0002_controlled_destruction"), ("directory", "0003_sysadmin_templates_manage")]
    operations = [migrations.RunPython(grant, revoke)]
