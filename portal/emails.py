"""Emails, each built from three templates: emails/<name>-subject.txt, -body-text.txt and
-body-html.html.

Only the HTML part is HTML: the subject and the plain-text part are rendered with
autoescaping off, so "O'Brien & Co" arrives as written, not as "O&#x27;Brien &amp; Co".
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string

from .text import clean_line


def mail_host() -> str:
    """The portal's host name, from PORTAL_BASE_URL: the domain of its Message-IDs and List-Id,
    and its CAP sender."""
    return urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"


def render_plain(template_name: str, context: dict) -> str:
    """A template rendered as plain text: nothing in it is HTML-escaped."""
    # The backend's template wraps the engine's own, which takes a Context and its autoescape.
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def make_message(
    name: str, to: str, context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """One message to one person: a plain-text part always, and an HTML part."""
    context = {"SERVICE_NAME": settings.SERVICE_NAME, "PORTAL_BASE_URL": settings.PORTAL_BASE_URL,
               **context}  # fmt: skip
    # A header holds one line with no control characters, whatever a title or name held.
    subject = clean_line(render_plain(f"emails/{name}-subject.txt", context))
    text = render_plain(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message
