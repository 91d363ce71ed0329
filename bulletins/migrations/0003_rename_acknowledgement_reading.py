import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# PostgreSQL keeps the names it was given when the table was made: these are renamed to those a
# new bulletins_reading table gets, so that no name in the database still says acknowledgement.
CONSTRAINT = "ALTER TABLE bulletins_reading RENAME CONSTRAINT {old} TO {new}"
INDEX = "ALTER INDEX {old} RENAME TO {new}"
SEQUENCE = "ALTER SEQUENCE {old} RENAME TO {new}"
POSTGRESQL_RENAMES = [
    (CONSTRAINT, "bulletins_acknowledgement_pkey", "bulletins_reading_pkey"),
    (
        CONSTRAINT,
        "bulletins_acknowledgement_cascade_count_check",
        "bulletins_reading_cascade_count_check",
    ),
    (
        CONSTRAINT,
        "bulletins_acknowledg_bulletin_id_1e71b9e1_fk_bulletins",
        "bulletins_reading_bulletin_id_6fa9a47d_fk_bulletins_bulletin_id",
    ),
    (
        CONSTRAINT,
        "bulletins_acknowledgement_user_id_03e30441_fk_accounts_user_id",
        "bulletins_reading_user_id_36ff6aad_fk_accounts_user_id",
    ),
    (
        INDEX,
        "bulletins_acknowledgement_bulletin_id_1e71b9e1",
        "bulletins_reading_bulletin_id_6fa9a47d",
    ),
    (INDEX, "bulletins_acknowledgement_user_id_03e30441", "bulletins_reading_user_id_36ff6aad"),
    (SEQUENCE, "bulletins_acknowledgement_id_seq", "bulletins_reading_id_seq"),
]


def rename_in_postgresql(apps, schema_editor, *, backwards: bool = False) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for statement, old, new in POSTGRESQL_RENAMES:
        if backwards:
            old, new = new, old
        schema_editor.execute(statement.format(old=quote(old), new=quote(new)))


def rename_back_in_postgresql(apps, schema_editor) -> None:
    rename_in_postgresql(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    """The row of one person's reading of one bulletin is a Reading: it holds when they first
    read it, acknowledged it and cascaded it, and acknowledging is only one of those acts."""

    dependencies = [
        ("bulletins", "0002_bulletin_sectors_by_sector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="acknowledgement",
            name="acknowledgement_one_per_person",
        ),
        migrations.RenameModel(
            old_name="Acknowledgement",
            new_name="Reading",
        ),
        migrations.AlterField(
            model_name="reading",
            name="bulletin",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="readings",
                to="bulletins.bulletin",
            ),
        ),
        migrations.AlterField(
            model_name="reading",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="readings",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="reading",
            constraint=models.UniqueConstraint(
                fields=("bulletin", "user"), name="reading_one_per_person"
            ),
        ),
        migrations.RunPython(rename_in_postgresql, rename_back_in_postgresql),
    ]
