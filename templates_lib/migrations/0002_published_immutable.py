"""A published template version is immutable, below the application too: UPDATE and DELETE
of a row whose state is 'published' are refused by a trigger (the action refuses first,
with a clear message; this catches any other path: the shell, a bug, raw SQL). Units merge
their edits against the exact parent version they forked, so it must never change.

The one UPDATE allowed is the publishing itself (OLD.state = 'draft'). Maintenance can
set oa.templates_maintenance = on for the session, as for audit rows.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION public.oa_forbid_published_template_change() RETURNS trigger AS $$
BEGIN
    IF OLD.state <> 'published'
       OR coalesce(current_setting('oa.templates_maintenance', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'published template version % is immutable (% refused)', OLD.id, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
DROP TRIGGER IF EXISTS templates_lib_templateversion_immutable ON templates_lib_templateversion;
CREATE TRIGGER templates_lib_templateversion_immutable
    BEFORE UPDATE OR DELETE ON templates_lib_templateversion
    FOR EACH ROW EXECUTE FUNCTION public.oa_forbid_published_template_change();
"""


class Migration(migrations.Migration):
    dependencies = [("templates_lib", "0001_initial")]

    operations = [
        migrations.RunSQL(
            FUNCTION + TRIGGER,
            reverse_sql="DROP TRIGGER IF EXISTS templates_lib_templateversion_immutable ON templates_lib_templateversion;",
        ),
    ]
