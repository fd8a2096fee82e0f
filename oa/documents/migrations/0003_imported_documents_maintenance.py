"""Re-importing legacy documents that are already archived (ADR 0011).

Imported history is archived the moment it is written, yet the importer must be able to run
again and bring a changed Domino document up to date. The triggers of migration 0002 now let
one narrow kind of change through: inside a transaction that has set the transaction-local
setting `oa.legacy_import` to 'on' (only oa/importer/writing.py does, and it writes an audit
event each time), an UPDATE of an archived document that came from a legacy system
(legacy_id set), keeps its legacy_id and stays archived; and INSERT or UPDATE (never DELETE)
of such a document's files and body versions. Everything else is refused as before, and a
DELETE is always refused.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION public.documents_legacy_maintenance() RETURNS boolean AS $$
    SELECT coalesce(current_setting('oa.legacy_import', true), '') = 'on';
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION public.documents_refuse_archived_document() RETURNS trigger AS $$
BEGIN
    IF OLD.archived_at IS NULL THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'search_vector') = (to_jsonb(OLD) - 'search_vector') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND public.documents_legacy_maintenance() AND OLD.legacy_id <> ''
            AND NEW.legacy_id = OLD.legacy_id AND NEW.archived_at IS NOT NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'document % is archived and cannot be changed', OLD.id USING ERRCODE = 'raise_exception';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION public.documents_refuse_archived_child() RETURNS trigger AS $$
DECLARE
    doc_id bigint;
    archived boolean;
    legacy boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        doc_id := NEW.document_id;
    ELSE
        doc_id := OLD.document_id;
    END IF;
    EXECUTE format(
        'SELECT archived_at IS NOT NULL, legacy_id <> '''' FROM %I.documents_document WHERE id = $1',
        TG_TABLE_SCHEMA
    ) INTO archived, legacy USING doc_id;
    IF archived THEN
        IF TG_OP <> 'DELETE' AND legacy AND public.documents_legacy_maintenance() THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'document % is archived: its % cannot be changed', doc_id, TG_TABLE_NAME
            USING ERRCODE = 'raise_exception';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;
"""

# Back to migration 0002's functions (the triggers themselves are unchanged).
REVERSE = """
CREATE OR REPLACE FUNCTION public.documents_refuse_archived_document() RETURNS trigger AS $$
BEGIN
    IF OLD.archived_at IS NULL THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'search_vector') = (to_jsonb(OLD) - 'search_vector') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'document % is archived and cannot be changed', OLD.id USING ERRCODE = 'raise_exception';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION public.documents_refuse_archived_child() RETURNS trigger AS $$
DECLARE
    doc_id bigint;
    archived boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        doc_id := NEW.document_id;
    ELSE
        doc_id := OLD.document_id;
    END IF;
    EXECUTE format('SELECT archived_at IS NOT NULL FROM %I.documents_document WHERE id = $1', TG_TABLE_SCHEMA)
        INTO archived USING doc_id;
    IF archived THEN
        RAISE EXCEPTION 'document % is archived: its % cannot be changed', doc_id, TG_TABLE_NAME
            USING ERRCODE = 'raise_exception';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;

DROP FUNCTION IF EXISTS public.documents_legacy_maintenance();
"""


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_archived_documents_are_immutable")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
