"""The address lists every city starts with; the provider edits them in the console."""

from django.db import migrations

GROUPS = [
    ("district_offices", "全市区政府办公室", "各区人民政府办公室", ["district_office"], 10),
    ("city_bureaus", "市直各部门", "市直各委、办、局", ["city_bureau"], 20),
    ("street_offices", "各街道办事处", "全市各街道办事处", ["street_office"], 30),
]


def create(apps, schema_editor):
    PartyGroup = apps.get_model("exchange", "PartyGroup")
    for code, name, description, kinds, order in GROUPS:
        PartyGroup.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "unit_kinds": kinds, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("exchange", "PartyGroup").objects.filter(code__in=[g[0] for g in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
