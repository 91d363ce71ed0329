"""Calls as iCalendar: the file an invitation carries, and a person's subscription feed.

Neither ever holds the joining details (dial-in, conference id, PIN, meeting link): they are on
the call's page, for the people in its audience only. Each call keeps one UID for ever and a
SEQUENCE raised on each change, so calendars update or remove their entry instead of adding one.
Times are written in Europe/London, with its VTIMEZONE, so the entry is right across GMT and BST.
"""

from collections.abc import Iterable
from datetime import datetime
from email.mime.text import MIMEText
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
    vUTCOffset,
)

from portal.emails import mail_host

from .models import Call

LONDON = ZoneInfo("Europe/London")
PRODID = "-//ISL Briefing Portal//Bridge calls//EN"


def call_uid(call: Call) -> str:
    return f"{call.uid}@{mail_host()}"


def call_link(call: Call) -> str:
    return settings.PORTAL_BASE_URL + call.get_absolute_url()


def event_for(call: Call, *, sequence: int, cancelled: str | None, stamp: datetime) -> Event:
    """The call as an event; `cancelled` is the reason it is cancelled (for this reader), or
    None."""
    event = Event()
    event.add("uid", call_uid(call))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(call.starts_at, LONDON))
    event.add("dtend", timezone.localtime(call.ends_at, LONDON))
    event.add("summary", ("Urgent: " if call.urgent else "") + call.title)
    description = [call.agenda_headline, "", f"Joining details and the agenda: {call_link(call)}"]
    if cancelled is not None:
        description = [f"Cancelled: {cancelled}", "", call_link(call)]
    event.add("description", "\n".join(description).strip())
    event.add("url", call_link(call))
    event.add("location", "Joining details on the portal (sign in)")
    event.add("status", "CONFIRMED" if cancelled is None else "CANCELLED")
    if call.urgent:
        event.add("priority", 1)
    organizer = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organizer.params["cn"] = vText(settings.SERVICE_NAME)
    event.add("organizer", organizer)
    return event


def london_timezone() -> Timezone:
    """Europe/London as Outlook writes it: BST from 01:00 UTC on the last Sunday of March, GMT
    from 02:00 BST on the last Sunday of October, every year."""
    zone = Timezone()
    zone.add("tzid", "Europe/London")
    for kind, start, offsets, name, month in (
        (TimezoneDaylight, datetime(1981, 3, 29, 1), ("+0000", "+0100"), "BST", 3),
        (TimezoneStandard, datetime(1996, 10, 27, 2), ("+0100", "+0000"), "GMT", 10),
    ):
        part = kind()
        part.add("dtstart", start)
        part.add("tzoffsetfrom", vUTCOffset.from_ical(offsets[0]))
        part.add("tzoffsetto", vUTCOffset.from_ical(offsets[1]))
        part.add("tzname", name)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(part)
    return zone


def calendar(method: str | None, calls: Iterable[tuple[Call, int, str | None]]) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", f"{settings.SERVICE_NAME}: bridge calls")
    cal.add_component(london_timezone())
    stamp = timezone.now()
    for call, sequence, cancelled in calls:
        cal.add_component(event_for(call, sequence=sequence, cancelled=cancelled, stamp=stamp))
    return cal


def invitation_ics(call: Call, *, sequence: int, cancelled: str | None = None) -> bytes:
    """The file an invitation, change or cancellation carries (METHOD:REQUEST or CANCEL);
    `cancelled` is the reason, for a cancellation."""
    method = "REQUEST" if cancelled is None else "CANCEL"
    return calendar(method, [(call, sequence, cancelled)]).to_ical()


def invitation_part(call: Call, *, sequence: int, cancelled: str | None = None) -> MIMEText:
    """The calendar file as a MIME part, which Outlook, Google and Apple Calendar read."""
    method = "REQUEST" if cancelled is None else "CANCEL"
    ics = invitation_ics(call, sequence=sequence, cancelled=cancelled)
    part = MIMEText(ics.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def feed_ics(calls: Iterable[Call]) -> bytes:
    """A person's subscription feed: their calls, cancelled ones marked so."""
    return calendar(
        "PUBLISH",
        [
            (call, call.sequence, call.cancelled_reason if call.is_cancelled else None)
            for call in calls
        ],
    ).to_ical()
