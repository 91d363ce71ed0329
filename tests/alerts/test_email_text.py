"""Subjects and plain-text parts carry people's words exactly; only the HTML part is escaped.

Each kind of email goes over a real SMTP connection and is read back as a mail client would.
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.invitations import create_invitation
from alerts.tasks import send_acknowledgement_reminders
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import make_bulletin, record_change, send_digest_now
from threat_levels.models import ThreatLevelScope

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

WORDS = 'O\'Brien & Co <Ltd> "quoted"'
ESCAPED = "O&#x27;Brien &amp; Co &lt;Ltd&gt; &quot;quoted&quot;"


def only_message(smtp):
    (received,) = smtp.handler.messages()
    return received.message


def plain_part(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def assert_escaped_in_html_only(message) -> None:
    html = html_part(message)
    assert ESCAPED in html
    assert "<Ltd>" not in html
    assert WORDS in plain_part(message)
    assert "&amp;" not in plain_part(message) and "&#x27;" not in plain_part(message)


def publish(officer, sectors, when=None, **fields):
    """A bulletin in people's words, published with its alert."""
    fields = {"title": WORDS, "summary": f"Summary by {WORDS}", **fields}
    return make_bulletin(officer, sectors=sectors, send_alert=True, published_at=when, **fields)


def test_a_bulletin_alert_keeps_the_title_exact_in_the_subject_and_the_text(
    smtp_backend, ncpp_officer, isl, retail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = publish(ncpp_officer, [retail])

    message = only_message(smtp_backend)
    assert message["Subject"] == f"[TLP:GREEN] {bulletin.reference}: {WORDS}"
    assert f"Summary by {WORDS}" in plain_part(message)
    assert_escaped_in_html_only(message)


def test_a_threat_level_alert_keeps_the_scope_and_note_exact(
    smtp_backend, isl, django_capture_on_commit_callbacks
):
    scope = ThreatLevelScope.objects.create(name=WORDS, slug="quoted-scope", position=99)
    with django_capture_on_commit_callbacks(execute=True):
        record_change(scope, "SEVERE", note=f"Raised after advice from {WORDS}.", send_alert=True)

    message = only_message(smtp_backend)
    assert message["Subject"] == f"Threat level: {WORDS} is now SEVERE"
    assert f"Raised after advice from {WORDS}." in plain_part(message)
    assert_escaped_in_html_only(message)


def test_an_invitation_keeps_the_names_exact(
    smtp_backend, portal_admin, retail, settings, django_capture_on_commit_callbacks
):
    settings.SERVICE_NAME = WORDS
    portal_admin.name = WORDS
    portal_admin.save()

    with django_capture_on_commit_callbacks(execute=True):
        create_invitation(
            email="new.person@example.org", kind="ncpp_staff", invited_by=portal_admin,
            name=WORDS,
        )  # fmt: skip

    message = only_message(smtp_backend)
    assert message["Subject"] == f"You are invited to the {WORDS}"
    assert f"Hello {WORDS}," in plain_part(message)
    assert f"{WORDS} has invited you" in plain_part(message)
    assert_escaped_in_html_only(message)


def test_the_digest_keeps_bulletin_titles_exact(smtp_backend, ncpp_officer, retail):
    reader = UserFactory(email="digest.reader@example.org", routine_alerts="digest")
    MembershipFactory(user=reader, sector=retail)
    day = date(2026, 11, 27)
    bulletin = publish(ncpp_officer, [retail], when=timezone.make_aware(datetime(2026, 11, 26, 9)))

    assert send_digest_now(day) is not None

    message = only_message(smtp_backend)
    assert message["Subject"] == "Your bulletins for 27 November 2026: 1 new"
    assert f"[TLP:GREEN] {bulletin.reference}: {WORDS}" in plain_part(message)
    assert_escaped_in_html_only(message)


def test_a_reminder_keeps_the_title_exact(smtp_backend, ncpp_officer, isl, retail):
    bulletin = publish(
        ncpp_officer, [retail], action_required=True, when=timezone.now() - timedelta(hours=25)
    )
    smtp_backend.handler.reset()

    send_acknowledgement_reminders()

    message = only_message(smtp_backend)
    assert message["Subject"] == f"[TLP:GREEN] Please acknowledge: {bulletin.reference}: {WORDS}"
    assert_escaped_in_html_only(message)


def test_a_subject_never_carries_a_line_break_or_a_control_character(
    smtp_backend, ncpp_officer, isl, retail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = publish(
            ncpp_officer, [retail], title="Line one\r\nBcc: x@example.org\x0b\x01end"
        )

    message = only_message(smtp_backend)
    assert (
        message["Subject"] == f"[TLP:GREEN] {bulletin.reference}: Line one Bcc: x@example.org end"
    )
    assert message["Bcc"] is None
    assert smtp_backend.handler.messages()[0].rcpt_tos == [isl.email]
