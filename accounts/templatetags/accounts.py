from django import template

from accounts.devices import describe_device

register = template.Library()


@register.filter
def device(user_agent: str) -> str:
    """A User-Agent header as "Chrome on Linux"."""
    return describe_device(user_agent or "")
