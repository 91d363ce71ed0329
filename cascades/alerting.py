"""A cascade's emails, told to alerts when cascades is ready (alerts/sources.py).

alerts makes one Delivery per contact, sends, retries and sweeps them as it does every alert.
The email comes from the portal on the ISL's behalf (Reply-To the ISL), carries its marking's
words and the contact's own one-click unsubscribe link (RFC 8058), and no link that needs a
sign-in: contacts have no account.
"""

from collections.abc import Iterator
from dataclasses import replace
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.urls import reverse

from alerts.messages import RenderedAlert, rendered
from alerts.models import Alert
from alerts.sources import AlertSource, register_alert_source
from bulletins.models import Bulletin
from bulletins.rendering import render_markdown
from portal.emails import mail_host, make_message

from .models import Cascade, CascadeRecipient, Contact
from .services import unsubscribe_token

TOKEN_SLOT = "unsubscribe-token-slot"
LEFT = (
    "Cancelled: the organisation unsubscribed or was removed, or the bulletin was withdrawn, "
    "after the cascade was made."
)


def cascade_of(alert: Alert) -> Cascade:
    return Cascade.objects.select_related("bulletin", "sector", "sent_by").get(alert=alert)


def unsubscribe_url(token: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("cascade_unsubscribe", args=[token])


def outside_recipients(alert: Alert) -> Iterator[tuple[int, str]]:
    """(contact id, address) of each chosen contact still subscribed. Read in two plain steps
    rather than one join: the recipients were written a moment ago, before the planner's
    statistics knew of them, and a join planned on those has been seen to scan every contact
    once per recipient."""
    ids = list(
        CascadeRecipient.objects.filter(cascade=alert.pk)
        .order_by("contact_id")
        .values_list("contact_id", flat=True)
    )
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        emails = dict(
            Contact.objects.filter(pk__in=chunk, unsubscribed_at__isnull=True).values_list(
                "pk", "email"
            )
        )
        yield from ((pk, emails[pk]) for pk in chunk if pk in emails)


def still_entitled(alert: Alert, keys: set[int]) -> set[int]:
    cascade = cascade_of(alert)
    if cascade.bulletin.status != Bulletin.Status.PUBLISHED:
        return set()
    return set(
        Contact.objects.filter(pk__in=keys, unsubscribed_at__isnull=True).values_list(
            "pk", flat=True
        )
    )


def render(alert: Alert, cascade: Cascade | None = None) -> RenderedAlert:
    """The cascade's email with a slot for each contact's unsubscribe token (`cascade`: one not
    yet saved, for the page that shows what will be sent)."""
    cascade = cascade or cascade_of(alert)
    bulletin, isl = cascade.bulletin, cascade.sent_by
    link = unsubscribe_url(TOKEN_SLOT)
    context = {
        "bulletin": bulletin,
        "marking": bulletin.marking,
        "marking_words": bulletin.marking_words,
        "reference": bulletin.reference or "",
        "title": bulletin.title,
        "summary": bulletin.summary,
        "key_points": list(bulletin.key_points),
        "body": bulletin.body,
        "body_html": render_markdown(bulletin.body) if bulletin.body else "",
        "source_line": bulletin.source_line,
        "isl_name": isl.name or isl.email,
        "isl_email": isl.email,
        "sector": cascade.sector.name,
        "correction": cascade.correction,
        "note": alert.note,
        "unsubscribe_link": link,
    }
    _, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    headers = {
        "From": formataddr((f"{isl.name or isl.email} via {settings.SERVICE_NAME}", from_address)),
        "Reply-To": formataddr((isl.name, isl.email)),
        "List-Id": f"{cascade.sector.name} cascade <cascade-{cascade.sector.slug}.{mail_host()}>",
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return rendered(make_message("cascade", "", context, headers))


def render_to(alert: Alert, base: RenderedAlert, contact_id: int) -> RenderedAlert:
    """One contact's copy: their own unsubscribe token in the link and the header."""
    token = unsubscribe_token(Contact(pk=contact_id))

    def put(text: str) -> str:
        return text.replace(TOKEN_SLOT, token)

    copy = replace(
        base,
        text=put(base.text),
        html=put(base.html),
        headers={key: put(value) for key, value in base.headers.items()},
    )
    # Over SMTP the prepared bytes are sent: made once per batch, with the token put in, rather
    # than the MIME rebuilt per contact. Only where the slot is there as written (the header,
    # the text and the HTML, none of them encoded); otherwise the copy builds its own.
    slot = TOKEN_SLOT.encode()
    if base.wire_template.count(slot) >= 3:
        copy.__dict__["wire_template"] = base.wire_template.replace(slot, token.encode())
    return copy


def register() -> None:
    register_alert_source(
        [Alert.Kind.BULLETIN_CASCADE],
        AlertSource(
            audience=lambda alert, people: people.none(),
            render=render,
            outside_recipients=outside_recipients,
            still_entitled=still_entitled,
            render_to=render_to,
            left_reason=LEFT,
        ),
    )
