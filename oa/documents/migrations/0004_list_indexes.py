"""Indexes for the registers and lists at a unit's scale (bench/documents.py, docs/benchmarks.md):
a register filtered by 文种, and lists and search across both directions, newest first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_imported_documents_maintenance")]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["direction", "doc_type", "-created_at", "-id"], name="doc_type_register"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["-created_at", "-id"], name="doc_created"),
        ),
    ]
