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
