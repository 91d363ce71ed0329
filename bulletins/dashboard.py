"""What the dashboard shows: a fixed number of queries, however many bulletins there are."""

from accounts.models import User
from threat_levels.selectors import LevelInForce

from .models import Bulletin
from .permissions import can_write_bulletins, visible_bulletins
from .selectors import with_reading

LIST_LENGTH = 5


def dashboard_context(user: User, levels_in_force: list[LevelInForce]) -> dict:
    """`levels_in_force`: the request's own reading of the levels, which the banner shares."""
    published = with_reading(
        visible_bulletins(user).filter(status=Bulletin.Status.PUBLISHED), user
    ).only("pk", "reference", "title", "summary", "marking", "published_at", "action_required")
    context = {
        "levels_in_force": levels_in_force,
        "waiting": list(
            published.filter(action_required=True, is_acknowledged=False)[:LIST_LENGTH]
        ),
        "unread": list(published.filter(is_read=False)[:LIST_LENGTH]),
        "latest": list(published[:LIST_LENGTH]),
        "may_write": can_write_bulletins(user),
        "drafts": [],
    }
    if context["may_write"]:
        context["drafts"] = list(
            Bulletin.objects.filter(status=Bulletin.Status.DRAFT).order_by("-updated_at")[
                :LIST_LENGTH
            ]
        )
    return context
