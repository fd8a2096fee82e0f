"""The built-in roles every unit starts with; made in the template schema and cloned."""

from django.db import migrations

from oa.directory.permissions import BUILTIN_ROLES


def create_roles(apps, schema_editor):
    Role = apps.get_model("directory", "Role")
    for code, name, perms in BUILTIN_ROLES:
        Role.objects.get_or_create(code=code, defaults={"name": name, "permissions": perms, "builtin": True})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
