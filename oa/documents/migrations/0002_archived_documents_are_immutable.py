"""归档后不可更改: once archived_at is set, a document, its files and its body versions cannot
be changed or deleted by anyone, the application included (DA/T 22; docs/documents.md).

The only write an archived document still takes is its search vector (a re-index after a
change of the segmentation dictionary), which is not part of the record."""

from django.db import migrations

SQL = """
-- The functions live in public (like the audit trigger's) so that a unit cloned from the
-- blueprint schema finds them; they name tables through TG_TABLE_SCHEMA, never search_path.
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

DROP TRIGGER IF EXISTS documents_document_archived ON documents_document;
CREATE TRIGGER documents_document_archived
    BEFORE UPDATE OR DELETE ON documents_document
    FOR EACH ROW EXECUTE FUNCTION public.documents_refuse_archived_document();
DROP TRIGGER IF EXISTS documents_documentfile_archived ON documents_documentfile;
CREATE TRIGGER documents_documentfile_archived
    BEFORE INSERT OR UPDATE OR DELETE ON documents_documentfile
    FOR EACH ROW EXECUTE FUNCTION public.documents_refuse_archived_child();
DROP TRIGGER IF EXISTS documents_bodyversion_archived ON documents_bodyversion;
CREATE TRIGGER documents_bodyversion_archived
    BEFORE INSERT OR UPDATE OR DELETE ON documents_bodyversion
    FOR EACH ROW EXECUTE FUNCTION public.documents_refuse_archived_child();
"""

REVERSE = """
DROP TRIGGER IF EXISTS documents_document_archived ON documents_document;
DROP TRIGGER IF EXISTS documents_documentfile_archived ON documents_documentfile;
DROP TRIGGER IF EXISTS documents_bodyversion_archived ON documents_bodyversion;
"""


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
