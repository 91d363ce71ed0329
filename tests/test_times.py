"""One way of writing a time everywhere: the 24-hour clock, "14:50" (issue 14, item 10)."""

import re
from datetime import datetime, timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from accounts.invitations import SectorRole, create_invitation
from accounts.models import AuditEvent, Invitation, Membership, User
from alerts.models import Alert
from bulletins.models import Bulletin, Reading
from tests.helpers import make_bulletin, record_change
from tests.test_route_policy import build_path, routes

pytestmark = pytest.mark.django_db

# An afternoon in March 2026 (GMT), and a minute after each for the other records.
AFTERNOON = timezone.make_aware(datetime(2026, 3, 27, 14, 50))
# "2:50 p.m.", "2:50pm", "2 PM", ...
TWELVE_HOUR = re.compile(r"\b\d{1,2}(:\d\d)?\s?([ap]\.m\.|[ap]m\b)", re.IGNORECASE)


def at(minutes: int) -> datetime:
    return AFTERNOON + timedelta(minutes=minutes)


def test_a_moment_written_without_a_format_is_on_the_24_hour_clock():
    rendered = Template("{{ moment }}|{{ moment|date }}|{{ moment|time }}").render(
        Context({"moment": AFTERNOON})
    )

    assert rendered == "27 March 2026, 14:50|27 March 2026|14:50"


@pytest.fixture
def afternoon(isl, other_isl, ncpp_officer, portal_admin, retail, national, settings, tmp_path):
    """Something of each kind the pages show a time for, every one of them in the afternoon."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"
    User.objects.update(last_login=AFTERNOON, date_joined=AFTERNOON)
    record_change(national, "SEVERE", at(1), note="Raised.")
    bulletin = make_bulletin(
        ncpp_officer, title="For retail", sectors=[retail], published_at=at(2), send_alert=True
    )
    Bulletin.objects.filter(pk=bulletin.pk).update(valid_until=at(3).date())
    Reading.objects.create(bulletin=bulletin, user=isl, first_read_at=at(4), acknowledged_at=at(5))
    Alert.objects.update(created_at=at(6))
    invitation = create_invitation(
        email="invitee@example.org",
        kind=Invitation.Kind.ISL,
        invited_by=portal_admin,
        sectors=[SectorRole(retail, Membership.Role.MEMBER)],
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=at(7), created_at=at(7))
    AuditEvent.objects.create(action="auth.signed_in", actor=isl, at=at(8))
    values = {
        "pk": str(bulletin.pk), "slug": retail.slug, "user_id": str(isl.pk),
        "membership_id": str(Membership.objects.get(user=isl).pk),
        "invitation_id": str(invitation.pk),
    }  # fmt: skip
    alert = Alert.objects.filter(bulletin=bulletin).first()
    return values, alert, bulletin


def signed_in_with_a_session(user) -> Client:
    client = Client(headers={"X-Forwarded-Proto": "https"})
    client.force_login(user)
    client.get("/profile/")
    UserSession.objects.filter(user=user).update(created_at=AFTERNOON, last_seen_at=at(11))
    return client


def test_no_page_writes_a_time_on_the_12_hour_clock(afternoon, isl, ncpp_officer, portal_admin):
    values, alert, bulletin = afternoon
    people = {"isl": isl, "ncpp": ncpp_officer, "admin": portal_admin}
    clients = {who: signed_in_with_a_session(person) for who, person in people.items()}
    found, times_shown = [], 0
    for name, route in routes():
        if name.startswith("admin:"):
            continue
        pk = alert.pk if name.startswith("alert_") else values["pk"]
        path = build_path(route, {**_sample_values(), **values, "pk": str(pk)})
        for who, client in clients.items():
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            page = response.content.decode()
            times_shown += "14:5" in page
            found += [f"{who} {path}: {match[0]}" for match in TWELVE_HOUR.finditer(page)]

    assert not found, "\n".join(found)
    assert times_shown > 10  # the walk reached the pages that show these times


def _sample_values() -> dict[str, str]:
    return {
        "attachment_pk": "1", "token": "no-such-token", "key": "no-such-key", "uidb36": "zz",
        "object_id": "1", "id": "1", "content_type_id": "1", "app_label": "accounts",
        "url": "nowhere/", "contact_pk": "1",
    }  # fmt: skip
