from django import template
from django.utils.safestring import SafeString

from ..permissions import can_write_bulletins
from ..rendering import render_markdown
from ..search import highlight

register = template.Library()


@register.filter
def bulletin_markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def search_snippet(snippet: str | None) -> SafeString:
    return highlight(snippet)


@register.simple_tag
def may_write_bulletins(user) -> bool:
    return can_write_bulletins(user)
