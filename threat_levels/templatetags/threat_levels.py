"""The threat level's place on the scale, for templates (pages, the chart and emails)."""

from django import template

from threat_levels.models import ThreatLevel

register = template.Library()

LEVELS = len(ThreatLevel)


@register.filter
def level_rank(level: str) -> int:
    """1 for LOW up to 5 for CRITICAL."""
    return ThreatLevel(level).rank


@register.filter
def level_background(level: str) -> str:
    return ThreatLevel(level).colours[0]


@register.filter
def level_text_colour(level: str) -> str:
    return ThreatLevel(level).colours[1]


@register.simple_tag
def level_scale() -> range:
    """1 to 5: the steps of the meter drawn beside a level."""
    return range(1, LEVELS + 1)
