"""Search over bulletins: ranked, every word must match, with highlighted snippets, on either
database; and "did you mean" when a search finds nothing.

PostgreSQL: its full-text search, on the `search_vector` column (English stemming). SQLite (the
embedded default): its FTS5 extension, on the virtual table `bulletins_search` that migration
0004 makes (the Porter stemmer; rowid = the bulletin's id). Both are kept by
`update_search_index`, which every service that writes a bulletin's text calls. It is not left
to SQLite triggers: Django's SQLite migrations remake a table to alter a column, which drops its
triggers without a word, and the index would then stop following the bulletins.

"Did you mean" takes the words of the bulletins the person may see (SearchWord), the closest to
each word searched for: by pg_trgm's similarity where that extension is installed, by difflib
otherwise (SQLite, or a PostgreSQL without the extension).
"""

import difflib
import re

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import F, FloatField, Func, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import kept
from .models import Bulletin, SearchWord

CONFIG = "english"
# Private-use characters mark the start and end of a highlight in the snippet the database
# returns; the text is escaped first and only then are they turned into <mark> tags.
MARK_START = "\ue000"
MARK_END = "\ue001"

# What counts as a word: a run of letters and digits. Anything else a person types (quotes,
# operators, brackets, asterisks) only separates words, so it can never be query syntax.
WORD = re.compile(r"[^\W_]+")
# The words kept for "did you mean", and those a correction is looked for: letters only.
SHORTEST_WORD, LONGEST_WORD = 3, 40
# At most this many words of a search are corrected: one query each, on PostgreSQL.
MOST_WORDS_CORRECTED = 8
# How alike (difflib's ratio) a word must be to one searched for to be suggested for it.
DIFFLIB_CUTOFF = 0.7

# SQLite: bm25() weighs the columns as PostgreSQL's ranking weighs A, B, B and C (1, 0.4, 0.4,
# 0.2). bm25() is lower for a better match; negated, a higher rank is better on both databases.
_FTS5_MATCH = "bulletins_search MATCH %(expressions)s"
_FTS5_RANK = (
    "(SELECT -bm25(bulletins_search, 10.0, 4.0, 4.0, 2.0) FROM bulletins_search"
    f" WHERE {_FTS5_MATCH})"
)


def _fts5_snippet(column: int) -> str:
    return (
        f"snippet(bulletins_search, {column}, char({ord(MARK_START)}), char({ord(MARK_END)}),"
        " '…', 32)"
    )


# The snippet comes from the summary, the key points or the body, the first with a word found
# (the title is on the row already); from the summary if the words are in the title alone.
_FTS5_SNIPPET = (
    f"(SELECT CASE WHEN instr(s, char({ord(MARK_START)})) THEN s"
    f" WHEN instr(k, char({ord(MARK_START)})) THEN k"
    f" WHEN instr(b, char({ord(MARK_START)})) THEN b ELSE s END"
    f" FROM (SELECT {_fts5_snippet(1)} AS s, {_fts5_snippet(2)} AS k, {_fts5_snippet(3)} AS b"
    f" FROM bulletins_search WHERE {_FTS5_MATCH}))"
)


class _FromSQLiteIndex(Func):
    """A value from the bulletin's row of the SQLite search index, matched by an FTS5 query:
    bm25() and snippet() need the MATCH. Made with the query and the bulletin's id."""

    arg_joiner = " AND bulletins_search.rowid = "

    def __init__(self, template: str, query: str, **extra) -> None:
        super().__init__(Value(query), F("pk"), template=template, **extra)


def update_search_index(bulletin: Bulletin) -> None:
    """Index the bulletin's text for search: title weighs most, then summary and key points.

    Call it in the transaction that writes the text.
    """
    # An update() sends no signal, nor does a write to the SQLite index: kept search results
    # are marked out of date here.
    kept.changed()
    key_points = " ".join(bulletin.key_points or [])
    if connection.vendor == "postgresql":
        Bulletin.objects.filter(pk=bulletin.pk).update(
            search_vector=(
                SearchVector("title", weight="A", config=CONFIG)
                + SearchVector("summary", weight="B", config=CONFIG)
                + SearchVector(
                    Value(key_points, output_field=TextField()), weight="B", config=CONFIG
                )
                + SearchVector("body", weight="C", config=CONFIG)
            )
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bulletins_search WHERE rowid = %s", [bulletin.pk])
            cursor.execute(
                "INSERT INTO bulletins_search (rowid, title, summary, key_points, body)"
                " VALUES (%s, %s, %s, %s, %s)",
                [bulletin.pk, bulletin.title, bulletin.summary, key_points, bulletin.body],
            )
    _store_words(bulletin, key_points)


def _store_words(bulletin: Bulletin, key_points: str) -> None:
    text = " ".join([bulletin.title, bulletin.summary, key_points, bulletin.body])
    words = {word for word in WORD.findall(text.lower()) if _is_vocabulary_word(word)}
    stored = set(SearchWord.objects.filter(bulletin=bulletin).values_list("word", flat=True))
    if stored - words:
        SearchWord.objects.filter(bulletin=bulletin, word__in=stored - words).delete()
    SearchWord.objects.bulk_create(
        [SearchWord(bulletin=bulletin, word=word) for word in sorted(words - stored)]
    )


def _is_vocabulary_word(word: str) -> bool:
    return word.isalpha() and SHORTEST_WORD <= len(word) <= LONGEST_WORD


def _fts5_query(words: str) -> str:
    """`words` as an FTS5 query that every word must match: each word a quoted string, so
    nothing typed is read as FTS5 syntax (AND, OR, NOT, NEAR, *, ^, column filters)."""
    return " ".join(f'"{word}"' for word in WORD.findall(words))


def search_bulletins(bulletins: QuerySet[Bulletin], words: str) -> QuerySet[Bulletin]:
    """Those of `bulletins` that match `words`, best first, each with a `snippet`.

    `bulletins` must already be narrowed to what the person may see.
    """
    words = words.strip()
    if connection.vendor != "postgresql":
        return _search_sqlite(bulletins, words)
    if not words:
        return bulletins.none()
    query = SearchQuery(words, search_type="websearch", config=CONFIG)
    return (
        bulletins.filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            snippet=SearchHeadline(
                Concat("summary", Value(" "), "body", output_field=TextField()),
                query,
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-id")
    )


def _search_sqlite(bulletins: QuerySet[Bulletin], words: str) -> QuerySet[Bulletin]:
    query = _fts5_query(words)
    if not query:
        return bulletins.none()
    matches = RawSQL("SELECT rowid FROM bulletins_search WHERE bulletins_search MATCH %s", [query])
    return (
        bulletins.filter(pk__in=matches)
        .annotate(
            rank=_FromSQLiteIndex(_FTS5_RANK, query, output_field=FloatField()),
            snippet=_FromSQLiteIndex(_FTS5_SNIPPET, query, output_field=TextField()),
        )
        .order_by("-rank", "-published_at", "-id")
    )


def suggest_words(bulletins: QuerySet[Bulletin], words: str) -> str | None:
    """Words like `words` that find something among `bulletins`, or None.

    Each word searched for is replaced by the closest word in the text of `bulletins`, which
    must already be narrowed to what the person may see: a word of a bulletin they may not
    see is never suggested.
    """
    typed = [word.lower() for word in WORD.findall(words)]
    wanted = {word for word in typed if _is_vocabulary_word(word)}
    wanted = set(sorted(wanted)[:MOST_WORDS_CORRECTED])
    if not wanted:
        return None
    known = SearchWord.objects.filter(bulletin__in=bulletins.values("pk"))
    if _has_trigrams():
        closest = _closest_by_trigrams(known, wanted)
    else:
        closest = _closest_by_difflib(known, wanted)
    suggested = [closest.get(word) or word for word in typed]
    if suggested == typed:
        return None
    suggestion = " ".join(suggested)
    return suggestion if search_bulletins(bulletins, suggestion).exists() else None


def _has_trigrams() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def _closest_by_trigrams(known: QuerySet[SearchWord], wanted: set[str]) -> dict[str, str | None]:
    # `%` finds the words similar enough (pg_trgm.similarity_threshold), through the trigram
    # index migration 0004 makes; a word that is there is its own closest (similarity 1).
    return {
        word: known.filter(TrigramSimilar(F("word"), word))
        .annotate(similarity=TrigramSimilarity("word", word))
        .order_by("-similarity", "word")
        .values_list("word", flat=True)
        .first()
        for word in sorted(wanted)
    }


def _closest_by_difflib(known: QuerySet[SearchWord], wanted: set[str]) -> dict[str, str | None]:
    vocabulary = set(known.values_list("word", flat=True).distinct())
    return {
        word: word
        if word in vocabulary
        else next(iter(difflib.get_close_matches(word, vocabulary, 1, DIFFLIB_CUTOFF)), None)
        for word in wanted
    }


def highlight(snippet: str | None) -> SafeString:
    """A snippet as HTML: everything escaped, then the highlights marked."""
    text = escape(snippet or "")
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))
