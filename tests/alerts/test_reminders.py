"""Chasing bulletins that ask for action: reminders, then escalation to deputies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from alerts.models import Alert, Delivery
from alerts.tasks import send_acknowledgement_reminders
from bulletins.models import Reading
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import make_bulletin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def test_a_reminder_goes_to_those_who_have_not_acknowledged_then_deputies_are_told(
    ncpp_officer, isl, retail, mailoutbox, django_capture_on_commit_callbacks, settings
):
    member = UserFactory(email="member@example.org")
    MembershipFactory(user=member, sector=retail)
    deputy = UserFactory(email="deputy@example.org")
    MembershipFactory(user=deputy, sector=retail, role=Membership.Role.DEPUTY)
    bulletin = make_bulletin(
        ncpp_officer, sectors=[retail], action_required=True, title="Check your exits",
        published_at=timezone.now() - timedelta(hours=25),
    )  # fmt: skip
    Reading.objects.create(bulletin=bulletin, user=member, acknowledged_at=timezone.now())
    mailoutbox.clear()

    send_acknowledgement_reminders()
    send_acknowledgement_reminders()  # a second run reminds nobody again

    reminded = sorted(m.to[0] for m in mailoutbox)
    assert reminded == sorted([isl.email, deputy.email])
    assert all(m.subject.startswith("[TLP:GREEN] Please acknowledge: ") for m in mailoutbox)
    assert Alert.objects.filter(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER).count() == 1

    # A day later the lead (isl) still has not acknowledged: the deputies hear of it.
    Alert.objects.filter(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER).update(
        created_at=timezone.now() - timedelta(hours=settings.ALERTS_ESCALATE_AFTER_HOURS + 1)
    )
    mailoutbox.clear()
    send_acknowledgement_reminders()
    send_acknowledgement_reminders()

    assert [m.to for m in mailoutbox] == [[deputy.email]]
    assert mailoutbox[0].subject.startswith("[TLP:GREEN] Lead has not acknowledged: ")
    assert "(Retail)" in mailoutbox[0].body
    assert Delivery.objects.filter(alert__kind="acknowledgement_escalation").count() == 1


def test_no_escalation_when_the_lead_has_acknowledged(ncpp_officer, isl, retail, mailoutbox):
    deputy = UserFactory(email="deputy@example.org")
    MembershipFactory(user=deputy, sector=retail, role=Membership.Role.DEPUTY)
    bulletin = make_bulletin(
        ncpp_officer, sectors=[retail], action_required=True,
        published_at=timezone.now() - timedelta(hours=60),
    )  # fmt: skip
    Reading.objects.create(bulletin=bulletin, user=isl, acknowledged_at=timezone.now())
    send_acknowledgement_reminders()
    Alert.objects.update(created_at=timezone.now() - timedelta(hours=30))

    send_acknowledgement_reminders()

    assert not Alert.objects.filter(kind=Alert.Kind.ACKNOWLEDGEMENT_ESCALATION).exists()
