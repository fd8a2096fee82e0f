"""The audit trail cannot be altered by the application (等保 2.0 §8.1.4.3): UPDATE and DELETE
on core_auditevent are refused unless a maintenance session sets oa.audit_maintenance = on
(retention purges after the 184 days the rules require)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION public.oa_forbid_audit_change() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('oa.audit_maintenance', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION public.oa_forbid_audit_change();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION + TRIGGER, reverse_sql="DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;"),
    ]
