"""The audit log is append-only in the database itself, not only in the code that writes it.

On PostgreSQL a trigger refuses UPDATE and DELETE of audit rows, whoever asks. TRUNCATE is
left alone: it fires no row triggers, and the test suite empties tables with it.
Other databases (the SQLite embedded default) rely on the application alone.
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION accounts_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % of accounts_auditevent is not allowed', TG_OP;
END
$$;
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_refuse_change();
"""

REMOVE = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_auditevent_refuse_change();
"""


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_invitations"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
