"""Recording threat-level changes: the service, its rules, its alert and its audit row."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from alerts.models import Alert
from tests.helpers import days_ago, record_change
from threat_levels.models import ThreatLevelChange
from threat_levels.selectors import levels_in_force

pytestmark = pytest.mark.django_db


def level_of(scope, at=None):
    levels = {level.scope_slug: level for level in levels_in_force(at or timezone.now())}
    return levels[scope.slug].level if scope.slug in levels else None


def test_the_current_level_of_each_scope_is_its_latest_change_in_effect(national, northern_ireland):
    record_change(national, "SEVERE", days_ago(30))
    record_change(national, "SUBSTANTIAL", days_ago(2))
    record_change(northern_ireland, "SEVERE", days_ago(40))
    record_change(northern_ireland, "SUBSTANTIAL", days_ago(10))

    assert level_of(national) == "SUBSTANTIAL"
    assert level_of(northern_ireland) == "SUBSTANTIAL"
    assert level_of(national, days_ago(5)) == "SEVERE"
    assert level_of(northern_ireland, days_ago(20)) == "SEVERE"


def test_a_scheduled_change_is_not_current_until_its_time(national, ncpp_officer):
    record_change(national, "SUBSTANTIAL", days_ago(10))
    in_an_hour = timezone.now() + timedelta(hours=1)

    record_change(national, "SEVERE", in_an_hour, recorded_by=ncpp_officer, send_alert=True)

    assert level_of(national) == "SUBSTANTIAL"
    assert level_of(national, in_an_hour - timedelta(seconds=1)) == "SUBSTANTIAL"
    assert level_of(national, in_an_hour) == "SEVERE"


def test_a_scope_with_no_change_has_no_level(national, northern_ireland):
    record_change(national, "SEVERE", days_ago(1))

    assert [level.scope_slug for level in levels_in_force(timezone.now())] == ["national"]


def test_it_refuses_a_change_to_the_level_in_force(national, ncpp_officer):
    record_change(national, "SEVERE", days_ago(10))

    with pytest.raises(ValidationError, match="already SEVERE"):
        record_change(national, "SEVERE", recorded_by=ncpp_officer, send_alert=True)

    assert ThreatLevelChange.objects.count() == 1
    assert not Alert.objects.exists()


def test_it_refuses_a_change_that_would_make_the_next_recorded_change_change_nothing(national):
    record_change(national, "SUBSTANTIAL", days_ago(10))
    record_change(national, "SEVERE", days_ago(2))

    with pytest.raises(ValidationError, match="already recorded"):
        record_change(national, "SEVERE", days_ago(5))


def test_it_records_the_change_its_alert_and_an_audit_row(national, ncpp_officer):
    record_change(national, "SUBSTANTIAL", days_ago(10))

    change = record_change(
        national,
        "SEVERE",
        note="Raised after an attack.",
        recorded_by=ncpp_officer,
        send_alert=True,
    )

    assert change.meaning == "an attack is highly likely"
    assert change.recorded_by == ncpp_officer
    assert not change.is_correction
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.THREAT_LEVEL_CHANGED
    assert alert.threat_level_change == change
    assert alert.created_by == ncpp_officer
    assert alert.fanned_out_at is None
    audit = AuditEvent.objects.get(action="threat_level.recorded", object_id=str(change.pk))
    assert audit.actor == ncpp_officer
    assert audit.changes["level"] == ["SUBSTANTIAL", "SEVERE"]
    assert audit.changes["alert"] is True


def test_a_correction_of_history_is_audited_but_alerts_nobody(national, ncpp_officer):
    change = record_change(national, "CRITICAL", days_ago(3000), recorded_by=ncpp_officer)

    assert change.is_correction
    assert not Alert.objects.exists()
    audit = AuditEvent.objects.get(action="threat_level.recorded")
    assert audit.changes["correction"] is True
    assert audit.changes["alert"] is False


def test_a_correction_cannot_be_dated_in_the_future(national):
    with pytest.raises(ValidationError, match="Only a change in the past"):
        record_change(national, "SEVERE", timezone.now() + timedelta(minutes=5), send_alert=False)

    assert not ThreatLevelChange.objects.exists()


def test_two_changes_in_quick_succession_are_kept_in_order_and_each_alerts(national, ncpp_officer):
    record_change(national, "SUBSTANTIAL", days_ago(10))

    first = record_change(
        national, "SEVERE", timezone.now(), recorded_by=ncpp_officer, send_alert=True
    )
    second = record_change(
        national, "CRITICAL", timezone.now(), recorded_by=ncpp_officer, send_alert=True
    )

    assert first.effective_at < second.effective_at
    assert list(national.changes.values_list("level", flat=True)[:2]) == ["CRITICAL", "SEVERE"]
    assert level_of(national) == "CRITICAL"
    alerts = Alert.objects.order_by("id")
    assert [alert.threat_level_change for alert in alerts] == [first, second]


def test_a_rolled_back_change_leaves_no_history_row_and_no_alert(
    national, ncpp_officer, django_capture_on_commit_callbacks
):
    record_change(national, "SUBSTANTIAL", days_ago(10))
    before = ThreatLevelChange.objects.count()

    # The audit write is the last step; its failure must undo the change and its alert.
    with (
        django_capture_on_commit_callbacks() as callbacks,
        mock.patch("threat_levels.services.record_audit", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        record_change(national, "SEVERE", recorded_by=ncpp_officer, send_alert=True)

    assert ThreatLevelChange.objects.count() == before
    assert not Alert.objects.exists()
    assert callbacks == []  # nor is the cached banner refreshed


def test_a_change_rolled_back_by_the_surrounding_transaction_leaves_nothing(national, ncpp_officer):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_change(national, "SEVERE", recorded_by=ncpp_officer, send_alert=True)
        raise RuntimeError("the caller failed after recording")

    assert not ThreatLevelChange.objects.exists()
    assert not Alert.objects.exists()
    assert not AuditEvent.objects.filter(action="threat_level.recorded").exists()


def test_each_change_keeps_the_official_wording_of_its_time(national):
    old = record_change(national, "SUBSTANTIAL", datetime(2009, 7, 20, 9, tzinfo=UTC))
    new = record_change(national, "SEVERE", datetime(2020, 11, 3, 16, tzinfo=UTC))
    newer = record_change(national, "SUBSTANTIAL", datetime(2021, 2, 8, 12, tzinfo=UTC))

    assert old.meaning == "an attack is a strong possibility"
    assert new.meaning == "an attack is highly likely"
    assert newer.meaning == "an attack is likely"


def test_the_database_refuses_an_unknown_level(national):
    with pytest.raises(IntegrityError), transaction.atomic():
        ThreatLevelChange.objects.create(
            scope=national, level="ELEVATED", meaning="x", effective_at=timezone.now(), note="x"
        )


def test_the_database_refuses_a_threat_level_alert_without_its_change():
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(kind=Alert.Kind.THREAT_LEVEL_CHANGED)
