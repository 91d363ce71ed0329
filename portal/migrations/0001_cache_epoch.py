from django.core.management import call_command
from django.db import migrations, models

# Where rate-limit counts go while the cache's Redis cannot be reached (portal.cache): a table
# of Django's database cache, made here so that every database the portal migrates has it.
FALLBACK_TABLE = "portal_cache_fallback"


def create_fallback_table(apps, schema_editor):
    call_command(
        "createcachetable", FALLBACK_TABLE, database=schema_editor.connection.alias, verbosity=0
    )


def drop_fallback_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(FALLBACK_TABLE)}")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CacheEpoch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=16)),
            ],
            options={"verbose_name": "cache epoch"},
        ),
        migrations.RunPython(create_fallback_table, drop_fallback_table),
    ]
