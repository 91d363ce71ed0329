"""The Atom feed of threat-level changes, each entry linked to its CAP message."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.functional import Promise

from portal.text import clean_text

from .cap import CAP_CONTENT_TYPE, cap_url
from .models import ThreatLevelChange
from .permissions import open_changes

# The whole history is a few dozen changes; this only bounds a runaway one.
MAX_ENTRIES = 500


def _cleaned(value: Any) -> Any:
    if isinstance(value, str | Promise):
        return clean_text(str(value))
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return value


class ThreatLevelAtom1Feed(Atom1Feed):
    """Atom with a second alternate link per entry: the change as a CAP 1.2 message.

    Every text is cleaned on its way in: a control character in one note (old rows may hold
    one) would otherwise make the whole feed fail, for every reader, until it was removed.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*map(_cleaned, args), **{k: _cleaned(v) for k, v in kwargs.items()})

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*map(_cleaned, args), **{k: _cleaned(v) for k, v in kwargs.items()})

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement(
            "link", "", {"rel": "alternate", "type": CAP_CONTENT_TYPE, "href": item["cap_url"]}
        )


class ThreatLevelFeed(Feed):
    feed_type = ThreatLevelAtom1Feed
    title = "Terrorism threat level changes"
    subtitle = "Every change of the UK terrorism threat levels, newest first."

    def __init__(self, request: HttpRequest) -> None:
        super().__init__()
        self.request = request

    def author_name(self) -> str:
        return settings.SERVICE_NAME

    def link(self) -> str:
        return reverse("threat_level_history")

    def feed_url(self) -> str:
        return reverse("threat_level_feed")

    def items(self) -> QuerySet[ThreatLevelChange]:
        return open_changes().select_related("scope").order_by("-effective_at", "-id")[:MAX_ENTRIES]

    def item_title(self, item: ThreatLevelChange) -> str:
        return f"{item.scope.name}: {item.level}"

    def item_description(self, item: ThreatLevelChange) -> str:
        return f"{item.level} means {item.meaning}. {item.note}"

    def item_link(self, item: ThreatLevelChange) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: ThreatLevelChange) -> datetime:
        return item.effective_at

    def item_updateddate(self, item: ThreatLevelChange) -> datetime:
        return max(item.effective_at, item.recorded_at)

    def item_categories(self, item: ThreatLevelChange) -> list[str]:
        return [item.scope.slug]

    def item_extra_kwargs(self, item: ThreatLevelChange) -> dict:
        return {"cap_url": self.request.build_absolute_uri(cap_url(item))}


def threat_level_feed(request: HttpRequest) -> HttpResponse:
    # A feed object per request, so it can hold the request it builds links for.
    return ThreatLevelFeed(request)(request)
