"""The email for each kind of alert. Restricted content never goes into one."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from portal.emails import make_message

from .models import Alert, Delivery


def list_id() -> str:
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"{settings.SERVICE_NAME} alerts <alerts.{host}>"


def build_alert_message(delivery: Delivery) -> EmailMultiAlternatives:
    alert = delivery.alert
    headers = {"List-Id": list_id()}
    context = {"person": delivery.user, "alert": alert}
    if alert.kind == Alert.Kind.THREAT_LEVEL_CHANGED:
        change = alert.threat_level_change
        context |= {
            "change": change,
            "link": settings.PORTAL_BASE_URL + change.get_absolute_url(),
        }
        return make_message("threat-level-changed", delivery.user.email, context, headers)
    raise ValueError(f"No email is defined for alerts of kind {alert.kind!r}")
