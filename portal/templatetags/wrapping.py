"""Where text in a table may wrap, and where it may not."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A bulletin's reference or a date, which a browser would otherwise wrap after a hyphen.
WHOLE = re.compile(r"\b[A-Z]+-\d{4}-\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")


@register.filter
def keep_whole(text: str) -> SafeString:
    """Text with each reference ("NCPP-2026-0042") and date ("2026-12-06") in it on one line."""
    return mark_safe(  # noqa: S308 - escaped
        WHOLE.sub(lambda found: f'<span class="portal-nowrap">{found[0]}</span>', escape(text))
    )


@register.filter
def email_breaks(address: str) -> SafeString:
    """An email address that may wrap after its "@" and after each ".", never mid-word."""
    return mark_safe(re.sub(r"([@.])", r"\1<wbr>", escape(address)))  # noqa: S308 - escaped
