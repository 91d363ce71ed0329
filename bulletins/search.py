"""Full-text search over bulletins: PostgreSQL's, ranked and highlighted; plain on SQLite."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import kept
from .models import Bulletin

CONFIG = "english"
# Private-use characters mark the start and end of a highlight in the headline PostgreSQL
# returns; the text is escaped first and only then are they turned into <mark> tags.
MARK_START = "\ue000"
MARK_END = "\ue001"


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def update_search_vector(bulletin: Bulletin) -> None:
    """Store the bulletin's search vector: title weighs most, then summary and key points."""
    if not uses_full_text_search():
        return
    # An update() sends no signal: kept search results are marked out of date here.
    kept.changed()
    key_points = Value(" ".join(bulletin.key_points or []), output_field=TextField())
    Bulletin.objects.filter(pk=bulletin.pk).update(
        search_vector=(
            SearchVector("title", weight="A", config=CONFIG)
            + SearchVector("summary", weight="B", config=CONFIG)
            + SearchVector(key_points, weight="B", config=CONFIG)
            + SearchVector("body", weight="C", config=CONFIG)
        )
    )


def search_bulletins(bulletins: QuerySet[Bulletin], words: str) -> QuerySet[Bulletin]:
    """Those of `bulletins` that match `words`, best first, each with a `snippet`.

    `bulletins` must already be narrowed to what the person may see.
    """
    words = words.strip()
    if not words:
        return bulletins.none()
    if not uses_full_text_search():
        matches = bulletins.filter(
            Q(title__icontains=words)
            | Q(summary__icontains=words)
            | Q(body__icontains=words)
            | Q(key_points__icontains=words)
        )
        return matches.annotate(snippet=F("summary")).order_by("-published_at", "-id")
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


def highlight(snippet: str | None) -> SafeString:
    """A snippet as HTML: everything escaped, then the highlights marked."""
    text = escape(snippet or "")
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))
