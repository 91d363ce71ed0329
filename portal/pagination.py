"""The one way pages are paginated: `paginate`, with a paginator that counts the rows as suits
the query (Django's COUNT, a count kept in the cache, or the total learnt with the page)."""

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest
from django.utils.functional import cached_property

# A page's total is kept this long at most, even if nothing changes (docs/performance.md).
COUNT_CACHE_SECONDS = 5 * 60


def paginate(
    request: HttpRequest,
    items: QuerySet,
    per_page: int = 50,
    *,
    paginator_class: type[Paginator] = Paginator,
    on_each_side: int = 1,
    on_ends: int = 1,
    **paginator_options: Any,
) -> dict[str, Any]:
    """The page asked for (`?page=`), with the page numbers to show around it, for
    templates/includes/pagination.html."""
    paginator = paginator_class(items, per_page, **paginator_options)
    page = paginator.get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_range": list(
            paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends)
        ),
    }


TOTAL = "_paginator_total"


def page_with_total(items: QuerySet, bottom: int, top: int) -> tuple[list, int | None]:
    """Rows `bottom` to `top` of `items`, and how many `items` there are (None if no rows).

    Two queries. The first asks for only the page's ids, with the total counted in the same
    pass (COUNT(*) OVER ()): for a query that must look at every match before it can return
    the first page (a ranked search), that count costs almost nothing, where a separate COUNT
    would do the whole search a second time; and asking for ids alone keeps the wide columns,
    and anything computed per row (a snippet), out of the sort of every match. The second
    reads the page's rows, in the same order, by their ids.
    """
    ranked = list(
        items.annotate(**{TOTAL: Window(Count("pk"))}).values_list("pk", TOTAL)[bottom:top]
    )
    if not ranked:
        return [], None
    return list(items.filter(pk__in=[pk for pk, _ in ranked])), ranked[0][1]


class PageWithTotalPaginator(Paginator):
    """A paginator that learns the total with the page (page_with_total): no COUNT query.

    Only a page past the end, which has no rows to carry the total, falls back to counting.
    """

    def get_page(self, number) -> Page:
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows, total = page_with_total(self.object_list, bottom, bottom + self.per_page)
        if not rows:
            return super().get_page(number)
        self.__dict__["count"] = total
        return self._get_page(rows, number, self)


class CachedCountPaginator(Paginator):
    """A paginator whose total comes from the cache while nothing it depends on has changed.

    For a count that grows with the data, such as every bulletin a person may see on the
    bulletin list. The total is cached under the count query's own SQL and parameters (so the
    person, their filters and words are in the key) and a `stamp` of what could change it,
    given by the caller (for bulletins: the bulletins' version and the person's audience).
    """

    def __init__(self, object_list, per_page, *, stamp) -> None:
        super().__init__(object_list, per_page)
        self.stamp = stamp

    @cached_property
    def count(self) -> int:
        try:
            sql, params = self.object_list.query.sql_with_params()
        except EmptyResultSet:  # .none(): nothing to count
            return 0
        digest = hashlib.sha256(repr((sql, params, self.stamp)).encode()).hexdigest()
        key = f"pagination:count:{digest}"
        total = cache.get(key)
        if total is None:
            total = super().count
            cache.set(key, total, COUNT_CACHE_SECONDS)
        return total
