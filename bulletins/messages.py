"""The email for each kind of alert. Restricted content never goes into one.

An alert's email is the same for everyone it goes to (nothing personal is in it), so it is
rendered once per batch and only the recipient changes.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from portal.emails import make_message

from .models import Alert


@dataclass(frozen=True)
class RenderedAlert:
    subject: str
    text: str
    html: str
    headers: dict[str, str]

    def message_to(self, email: str) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject, body=self.text, to=[email], headers=dict(self.headers)
        )
        message.attach_alternative(self.html, "text/html")
        return message


def list_id() -> str:
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"{settings.SERVICE_NAME} alerts <alerts.{host}>"


def render_alert(alert: Alert) -> RenderedAlert:
    headers = {"List-Id": list_id()}
    context = {"alert": alert}
    if alert.kind == Alert.Kind.THREAT_LEVEL_CHANGED:
        change = alert.threat_level_change
        context |= {
            "change": change,
            "link": settings.PORTAL_BASE_URL + change.get_absolute_url(),
        }
        name = "threat-level-changed"
    else:
        raise ValueError(f"No email is defined for alerts of kind {alert.kind!r}")
    message = make_message(name, "", context, headers)
    return RenderedAlert(
        subject=message.subject,
        text=message.body,
        html=message.alternatives[0][0],
        headers=dict(message.extra_headers),
    )
