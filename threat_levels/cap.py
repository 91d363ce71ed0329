"""A threat-level change as an OASIS Common Alerting Protocol (CAP) 1.2 message.

Public alerting systems ingest CAP; the Atom feed links each change to its message.
"""

from datetime import datetime
from xml.etree import ElementTree

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.emails import mail_host
from portal.text import clean_text

from .models import ThreatLevel, ThreatLevelChange

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_CONTENT_TYPE = "application/cap+xml"

# CAP severity is the harm to expect; the levels map onto it from the top down.
SEVERITY = {
    ThreatLevel.CRITICAL: "Extreme",
    ThreatLevel.SEVERE: "Severe",
    ThreatLevel.SUBSTANTIAL: "Moderate",
    ThreatLevel.MODERATE: "Minor",
    ThreatLevel.LOW: "Minor",
}
# CAP urgency is how soon to act. A threat level asks for vigilance, not an action
# at a set time, so it is "Future" (act in the near future), except CRITICAL,
# whose own meaning is "in the near future", so "Expected" (act soon).
URGENCY = {
    ThreatLevel.CRITICAL: "Expected",
    ThreatLevel.SEVERE: "Future",
    ThreatLevel.SUBSTANTIAL: "Future",
    ThreatLevel.MODERATE: "Future",
    ThreatLevel.LOW: "Future",
}
# CAP certainty is the probability of the event, which is what each level states:
# "highly likely" and "likely" are Likely, "possible but not likely" is Possible,
# "highly unlikely" is Unlikely.
CERTAINTY = {
    ThreatLevel.CRITICAL: "Likely",
    ThreatLevel.SEVERE: "Likely",
    ThreatLevel.SUBSTANTIAL: "Likely",
    ThreatLevel.MODERATE: "Possible",
    ThreatLevel.LOW: "Unlikely",
}

INSTRUCTION = (
    "Stay alert but not alarmed. Report suspicious activity to the Anti-Terrorist Hotline "
    "on 0800 789 321. In an emergency, call 999."
)


def cap_sender() -> str:
    """The portal's host name: unique to this sender, as CAP asks."""
    return mail_host()


def cap_identifier(change: ThreatLevelChange) -> str:
    """Stable for the life of the change; no spaces, commas, '<' or '&', as CAP requires."""
    return f"{cap_sender()}-threat-level-change-{change.pk}"


def cap_datetime(value: datetime) -> str:
    """A CAP date-time: UK time with its offset, to the second; UTC is written -00:00."""
    local = timezone.localtime(value)
    text = local.isoformat(timespec="seconds")
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def build_cap_message(change: ThreatLevelChange, *, superseded_at: datetime | None) -> bytes:
    """The CAP 1.2 alert for `change`; `superseded_at` is when the next change took effect."""
    level = ThreatLevel(change.level)
    web = f"{settings.PORTAL_BASE_URL}{change.get_absolute_url()}"

    # Children are added in the order the CAP 1.2 schema's sequences require.
    alert = ElementTree.Element("alert", xmlns=CAP_NAMESPACE)
    _add(alert, "identifier", cap_identifier(change))
    _add(alert, "sender", cap_sender())
    _add(alert, "sent", cap_datetime(change.recorded_at))
    _add(alert, "status", "Actual")
    _add(alert, "msgType", "Alert")
    _add(alert, "scope", "Public")
    if change.is_correction:
        _add(alert, "note", "Added to the history after the change took effect.")

    info = ElementTree.SubElement(alert, "info")
    _add(info, "language", "en-GB")
    _add(info, "category", "Security")
    _add(info, "event", "Terrorism threat level")
    _add(info, "responseType", "Monitor")
    _add(info, "urgency", URGENCY[level])
    _add(info, "severity", SEVERITY[level])
    _add(info, "certainty", CERTAINTY[level])
    _add(info, "effective", cap_datetime(change.effective_at))
    if superseded_at is not None:
        _add(info, "expires", cap_datetime(superseded_at))
    _add(info, "senderName", settings.SERVICE_NAME)
    _add(info, "headline", f"Terrorism threat level, {change.scope.name}: {level}")
    _add(info, "description", f"{level} means {change.meaning}. {change.note}")
    _add(info, "instruction", INSTRUCTION)
    _add(info, "web", web)

    ElementTree.indent(alert)
    return ElementTree.tostring(alert, encoding="utf-8", xml_declaration=True)


def _add(parent: ElementTree.Element, tag: str, text: str) -> None:
    # Cleaned here, where every text enters the message: a row written before notes were
    # cleaned on input may still hold a character XML cannot carry.
    ElementTree.SubElement(parent, tag).text = clean_text(text)


def cap_url(change: ThreatLevelChange) -> str:
    return reverse("threat_level_cap", args=[change.pk])
