from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
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
