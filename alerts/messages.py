"""The email for each kind of alert. Restricted content never goes into one.

TLP:CLEAR and TLP:GREEN bulletins may travel by email: the summary and key points go in.
For TLP:AMBER, AMBER+STRICT and RED only the title, the marking and the link do — the
content stays behind sign-in. An alert's email is the same for everyone it goes to
(nothing personal is in it), so it is rendered once per batch and only the recipient changes;
the morning digest alone is each reader's own list, rendered per reader.
"""

from dataclasses import dataclass
from datetime import date
from email.mime.base import MIMEBase
from functools import cached_property

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from bulletins.models import Bulletin
from portal.emails import mail_host, make_message
from threat_levels.models import ThreatLevel
from threat_levels.selectors import change_before

from .models import Alert

BULLETIN_ALERTS = {
    Alert.Kind.BULLETIN_PUBLISHED: ("", "A new bulletin has been published"),
    Alert.Kind.BULLETIN_AMENDED: ("Amended: ", "A bulletin has been amended"),
    Alert.Kind.BULLETIN_WITHDRAWN: ("Withdrawn: ", "A bulletin has been withdrawn"),
    Alert.Kind.ACKNOWLEDGEMENT_REMINDER: (
        "Please acknowledge: ",
        "A bulletin that asks for action is waiting for your acknowledgement",
    ),
    Alert.Kind.ACKNOWLEDGEMENT_ESCALATION: (
        "Lead has not acknowledged: ",
        "Your sector's lead has not acknowledged a bulletin that asks for action",
    ),
}


RECIPIENT_SLOT = "recipient.slot@example.invalid"
MESSAGE_ID_SLOT = "<message.id.slot@example.invalid>"


@dataclass(frozen=True, eq=False)
class RenderedAlert:
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    # Whole MIME parts attached after the text and HTML (a bridge call's calendar file).
    attachments: tuple[MIMEBase, ...] = ()

    def message_to(self, email: str) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject, body=self.text, to=[email], headers=dict(self.headers)
        )
        message.attach_alternative(self.html, "text/html")
        for part in self.attachments:
            message.attach(part)
        return message

    @cached_property
    def wire_template(self) -> bytes:
        """The whole message as sent, with slots for the recipient and the Message-ID."""
        message = self.message_to(RECIPIENT_SLOT)
        message.extra_headers["Message-ID"] = MESSAGE_ID_SLOT
        return message.message().as_bytes(linesep="\r\n")

    def wire_bytes(self, email: str, message_id: str) -> bytes | None:
        """The message for one recipient, made from the template without rebuilding the MIME
        structure; None for an address that is not plain ASCII (it must be encoded)."""
        if not email.isascii():
            return None
        return self.wire_template.replace(RECIPIENT_SLOT.encode(), email.encode(), 1).replace(
            MESSAGE_ID_SLOT.encode(), message_id.encode(), 1
        )


def list_id() -> str:
    return f"{settings.SERVICE_NAME} alerts <alerts.{mail_host()}>"


def bulletin_context(bulletin: Bulletin) -> dict:
    """What any email about a bulletin may say of it. The content only when its marking allows."""
    shareable = bulletin.content_may_be_emailed
    return {
        "bulletin": bulletin,
        "marking": bulletin.marking,
        "reference": bulletin.reference or "",
        "title": bulletin.title,
        "summary": bulletin.summary if shareable else "",
        "key_points": list(bulletin.key_points) if shareable else [],
        "content_in_email": shareable,
        "link": settings.PORTAL_BASE_URL + bulletin.get_absolute_url(),
    }


def rendered(
    message: EmailMultiAlternatives, attachments: tuple[MIMEBase, ...] = ()
) -> RenderedAlert:
    return RenderedAlert(
        subject=message.subject,
        text=message.body,
        html=message.alternatives[0][0],
        headers=dict(message.extra_headers),
        attachments=attachments,
    )


def render_digest(day: date, bulletins: list[Bulletin]) -> RenderedAlert:
    """One reader's morning digest: their routine bulletins of the day, each told as an alert
    about it would tell it (content only where the marking allows)."""
    if not bulletins:
        raise ValueError("A digest with no bulletins in it is never sent")
    context = {"day": day, "items": [bulletin_context(bulletin) for bulletin in bulletins]}
    return rendered(make_message("digest", "", context, {"List-Id": list_id()}))


def movement(before, change) -> str:
    """Whether `change` raised or lowered the level `before` it ("" for a first level)."""
    if before is None or before.level == change.level:
        return ""
    higher = ThreatLevel(change.level).rank > ThreatLevel(before.level).rank
    return "raised" if higher else "lowered"


def render_alert(alert: Alert) -> RenderedAlert:
    headers = {"List-Id": list_id()}
    context: dict = {"alert": alert}
    if alert.kind == Alert.Kind.THREAT_LEVEL_CHANGED:
        change = alert.threat_level_change
        before = change_before(change)
        context |= {
            "change": change,
            "before": before,
            "direction": movement(before, change),
            "link": settings.PORTAL_BASE_URL + change.get_absolute_url(),
        }
        name = "threat-level-changed"
    elif alert.kind in BULLETIN_ALERTS:
        prefix, heading = BULLETIN_ALERTS[alert.kind]
        context |= bulletin_context(alert.bulletin) | {
            "prefix": prefix,
            "heading": heading,
            # What changed, or why it was withdrawn, may quote the content: same rule.
            "note": alert.note if alert.bulletin.content_may_be_emailed else "",
            "sector": alert.sector.name if alert.sector_id else "",
        }
        name = "bulletin"
    else:
        # Kinds an app above alerts defines (bridge calls) say their own email.
        from .sources import source_for

        source = source_for(alert.kind)
        if source is None:
            raise ValueError(f"No email is defined for alerts of kind {alert.kind!r}")
        return source.render(alert)
    return rendered(make_message(name, "", context, headers))
