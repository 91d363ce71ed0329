import logging
import re

import django.db.models.deletion
from django.db import DatabaseError, migrations, models, transaction

logger = logging.getLogger(__name__)

# As bulletins/search.py has them when this migration was written.
WORD = re.compile(r"[^\W_]+")
SHORTEST_WORD, LONGEST_WORD = 3, 40

SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE bulletins_search USING fts5("
    "title, summary, key_points, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
TRIGRAM_INDEX = (
    "CREATE INDEX search_word_trigram ON bulletins_searchword USING gin (word gin_trgm_ops)"
)


def make_search_index(apps, schema_editor) -> None:
    """SQLite: the FTS5 table search reads. PostgreSQL: pg_trgm and a trigram index on the words,
    for "did you mean", where this role may create the extension. Both: the words and (SQLite)
    the index of every bulletin there already."""
    connection = schema_editor.connection
    Bulletin = apps.get_model("bulletins", "Bulletin")
    SearchWord = apps.get_model("bulletins", "SearchWord")
    if connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_INDEX)
    elif connection.vendor == "postgresql":
        make_trigram_index(schema_editor)
    bulletins = Bulletin.objects.using(connection.alias).only(
        "title", "summary", "key_points", "body"
    )
    for bulletin in bulletins.iterator():
        key_points = " ".join(bulletin.key_points or [])
        if connection.vendor == "sqlite":
            schema_editor.execute(
                "INSERT INTO bulletins_search (rowid, title, summary, key_points, body)"
                " VALUES (%s, %s, %s, %s, %s)",
                [bulletin.pk, bulletin.title, bulletin.summary, key_points, bulletin.body],
            )
        text = " ".join([bulletin.title, bulletin.summary, key_points, bulletin.body]).lower()
        words = {
            word
            for word in WORD.findall(text)
            if word.isalpha() and SHORTEST_WORD <= len(word) <= LONGEST_WORD
        }
        SearchWord.objects.using(connection.alias).bulk_create(
            [SearchWord(bulletin=bulletin, word=word) for word in sorted(words)]
        )


def make_trigram_index(schema_editor) -> None:
    # The role that runs the migrations owns the database (README, "Database roles"), and
    # pg_trgm is a trusted extension: it may create it. Where it may not, "did you mean"
    # compares words in Python instead (bulletins/search.py).
    connection = schema_editor.connection
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        logger.warning("Could not create the pg_trgm extension; see bulletins/search.py.")
        return
    schema_editor.execute(TRIGRAM_INDEX)


def drop_search_index(apps, schema_editor) -> None:
    # The words' table goes with the model, and its trigram index with it; the extension stays.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE bulletins_search")


class Migration(migrations.Migration):
    """Search on SQLite with FTS5, and the words "did you mean" suggests, on both databases."""

    dependencies = [
        ("bulletins", "0003_rename_acknowledgement_reading"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=40)),
                (
                    "bulletin",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="bulletins.bulletin",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("bulletin", "word"), name="search_word_once_a_bulletin"
                    )
                ],
            },
        ),
        migrations.RunPython(make_search_index, drop_search_index),
    ]
