"""Emails, each built from three templates: emails/<name>-subject.txt, -body-text.txt and
-body-html.html."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def make_message(
    name: str, to: str, context: dict, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """One message to one person: a plain-text part always, and an HTML part."""
    context = {"SERVICE_NAME": settings.SERVICE_NAME, "PORTAL_BASE_URL": settings.PORTAL_BASE_URL,
               **context}  # fmt: skip
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body-text.txt", context)
    html = render_to_string(f"emails/{name}-body-html.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    return message
