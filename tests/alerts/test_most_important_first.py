"""Each alert email says its most important fact first: a threat level's direction and the
level before it; an amendment's "What changed" before the content repeated from the bulletin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bulletins.services import amend_bulletin
from tests.helpers import make_bulletin, record_change

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def first_line(message) -> str:
    return message.body.strip().splitlines()[0]


def html(message) -> str:
    return message.alternatives[0][0]


def test_a_raised_level_says_raised_and_the_level_before(
    national, isl, mailoutbox, django_capture_on_commit_callbacks
):
    record_change(national, "SUBSTANTIAL", timezone.now() - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        record_change(national, "SEVERE", send_alert=True)

    (message,) = mailoutbox
    assert message.subject == "Threat level: UK (national) raised to SEVERE (was SUBSTANTIAL)"
    assert first_line(message) == (
        "The threat level for UK (national) has been RAISED from SUBSTANTIAL to SEVERE."
    )
    assert "Before: SUBSTANTIAL, an attack is likely." in message.body
    assert "has been raised from SUBSTANTIAL to SEVERE" in html(message)


def test_a_lowered_level_says_lowered(
    national, isl, mailoutbox, django_capture_on_commit_callbacks
):
    record_change(national, "SEVERE", timezone.now() - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        record_change(national, "SUBSTANTIAL", send_alert=True)

    (message,) = mailoutbox
    assert message.subject == "Threat level: UK (national) lowered to SUBSTANTIAL (was SEVERE)"
    assert "has been LOWERED from SEVERE to SUBSTANTIAL" in first_line(message)


def test_a_first_level_says_only_what_it_is(
    national, isl, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record_change(national, "SEVERE", send_alert=True)

    (message,) = mailoutbox
    assert message.subject == "Threat level: UK (national) is now SEVERE"
    assert "Before:" not in message.body


def test_an_amendment_says_what_changed_before_the_summary_and_key_points(
    ncpp_officer, isl, retail, mailoutbox, django_capture_on_commit_callbacks
):
    bulletin = make_bulletin(
        ncpp_officer, sectors=[retail], summary="Check the rear doors.",
        key_points=["Lock the service yard.", "Brief the night team."],
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        amend_bulletin(
            bulletin, what_changed="The hotline number was wrong.", realert=True,
            actor=ncpp_officer, summary="Check the rear doors tonight.",
        )  # fmt: skip

    (message,) = mailoutbox
    for text in (message.body, html(message)):
        changed = text.index("The hotline number was wrong.")
        assert changed < text.index("Check the rear doors tonight.")
        assert changed < text.index("Lock the service yard.")
