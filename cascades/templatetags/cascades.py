"""What a bulletin's page and its "Who read it" page show of cascades; bulletins may not import
this app."""

from django import template

from ..permissions import cascade_refusal, cascading_sectors, keeps_contacts
from ..selectors import reach

register = template.Library()


@register.inclusion_tag("cascades/_offer.html")
def cascade_offer(bulletin, user) -> dict:
    """The sectors the person may cascade the bulletin to, or why it cannot be cascaded."""
    sectors = list(cascading_sectors(user, bulletin)) if not bulletin.is_draft else []
    return {
        "bulletin": bulletin,
        "offer": {"sectors": sectors, "refusal": cascade_refusal(bulletin)},
    }


@register.inclusion_tag("cascades/_reach_summary.html")
def cascade_reach(bulletin) -> dict:
    return {"bulletin": bulletin, "reach": reach(bulletin)}


@register.simple_tag
def may_keep_contacts(user) -> bool:
    """Whether the menu offers Contacts: to a sector's lead or deputies, and portal admins."""
    return keeps_contacts(user)
