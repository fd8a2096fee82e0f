"""销毁 through the immutability trigger: a controlled path, nothing else loosened (ADR 0019).

The triggers of documents 0002 (and 0003's legacy re-import path) stay; their functions gain
one more narrow exception. Inside a transaction that has set the transaction-local setting
`oa.archive_destruction` to 'on' (only oa/archive/actions.py::do_destroy_item does, for an item
with an approved destroy decision, writing its register row and audit event in the same
transaction):

- an archived document may have its body_html and body_text cleared (and its search vector),
  every other column unchanged, archived_at included;
- its files may have their extracted text cleared and removed_at set, nothing else changed;
- its body versions may have body_html cleared, nothing else changed.

DELETE stays refused for everyone, so the record of what was destroyed cannot go.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION public.documents_archive_destruction() RETURNS boolean AS $$
    SELECT coalesce(current_setting('oa.archive_destruction', true), '') = 'on';
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
    IF TG_OP = 'UPDATE' AND public.documents_archive_destruction()
            AND NEW.body_html = '' AND NEW.body_text = ''
            AND (to_jsonb(NEW) - ARRAY['search_vector', 'body_html', 'body_text'])
                = (to_jsonb(OLD) - ARRAY['search_vector', 'body_html', 'body_text']) THEN
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
        -- Columns are read through jsonb: the function serves two tables with different columns.
        IF TG_OP = 'UPDATE' AND public.documents_archive_destruction() THEN
            IF TG_TABLE_NAME = 'documents_documentfile' AND to_jsonb(NEW)->>'text' = ''
                    AND to_jsonb(NEW)->>'removed_at' IS NOT NULL
                    AND (to_jsonb(NEW) - ARRAY['text', 'removed_at']) = (to_jsonb(OLD) - ARRAY['text', 'removed_at']) THEN
                RETURN NEW;
            END IF;
            IF TG_TABLE_NAME = 'documents_bodyversion' AND to_jsonb(NEW)->>'body_html' = ''
                    AND (to_jsonb(NEW) - 'body_html') = (to_jsonb(OLD) - 'body_html') THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION 'document % is archived: its % cannot be changed', doc_id, TG_TABLE_NAME
            USING ERRCODE = 'raise_exception';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;
"""

# Back to documents 0003's functions.
REVERSE = """
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


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial"), ("documents", "0005_search_vector_inline")]
    operations = [migrations.RunSQL(FUNCTIONS, REVERSE)]
