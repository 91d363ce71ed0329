"""A bulletin's Markdown as safe HTML: rendered, then cleaned against a tight allowlist."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a",
    "blockquote", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# Links to the web or to an email address only: no javascript:, data: or relative tricks.
URL_SCHEMES = {"http", "https", "mailto"}
# GOV.UK Frontend classes, set by the cleaner so that no class from the text survives.
CLASSES = {
    "p": {"class": "govuk-body"},
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "table": {"class": "govuk-table"},
    "th": {"class": "govuk-table__header"},
    "td": {"class": "govuk-table__cell"},
    "tr": {"class": "govuk-table__row"},
    "blockquote": {"class": "govuk-inset-text"},
}


def clean_html(html: str, tags: set[str] = ALLOWED_TAGS) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer",
        set_tag_attribute_values=CLASSES,
    )


def render_markdown(text: str) -> SafeString:
    """HTML for a bulletin's body; whatever the text holds, nothing in it can run."""
    html = markdown.markdown(text or "", extensions=["sane_lists", "tables"])
    return mark_safe(clean_html(html))
