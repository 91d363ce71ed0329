"""A threat-level change recorded for later is announced when it takes effect: not before,
and on the sweep's first run after its time (not a "lost alert" wait later)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, Delivery
from alerts.tasks import sweep_alerts
from tests.helpers import make_people, record_change
from threat_levels.models import ThreatLevelChange

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def test_a_scheduled_change_is_announced_by_the_first_sweep_after_its_time(
    national, mailoutbox, django_capture_on_commit_callbacks
):
    (person,) = make_people(1)
    with django_capture_on_commit_callbacks(execute=True):
        change = record_change(
            national, "CRITICAL", timezone.now() + timedelta(hours=1), send_alert=True
        )

    sweep_alerts.delay()
    assert mailoutbox == []
    assert not Delivery.objects.exists()

    # Recorded a minute ago for a second ago: far sooner than the sweep's "lost" wait.
    now = timezone.now()
    Alert.objects.update(created_at=now - timedelta(minutes=1))
    ThreatLevelChange.objects.filter(pk=change.pk).update(effective_at=now - timedelta(seconds=1))
    sweep_alerts.delay()

    assert [m.to for m in mailoutbox] == [[person.email]]
    assert mailoutbox[0].subject == "Threat level: UK (national) is now CRITICAL"
    assert Delivery.objects.get().status == Delivery.Status.SENT
