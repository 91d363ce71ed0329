from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest


def paginate(request: HttpRequest, items: QuerySet, per_page: int = 50) -> dict[str, Any]:
    """The page asked for (`?page=`), with the page numbers to show around it, for
    templates/includes/pagination.html."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_range": list(
            page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ),
    }


TOTAL = "_paginator_total"


def with_total(items: QuerySet) -> QuerySet:
    """`items`, each row carrying the number of all of them (COUNT(*) OVER ())."""
    return items.annotate(**{TOTAL: Window(Count("pk"))})


class OneQueryPaginator(Paginator):
    """A paginator that learns the total from the page's own rows: one query, not two.

    For a query that has to look at every match anyway before it can return the first
    page (a ranked search), counting them as well costs almost nothing, where a separate
    COUNT query would do the whole search a second time. Only a page past the end (which
    has no rows to carry the total) falls back to counting.
    """

    def get_page(self, number) -> Page:
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(with_total(self.object_list)[bottom : bottom + self.per_page])
        if not rows:
            return super().get_page(number)
        self.__dict__["count"] = getattr(rows[0], TOTAL)
        return self._get_page(rows, number, self)
