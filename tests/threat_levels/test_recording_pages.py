"""The two-step pages through which an NCPP officer records a change, and nobody else can."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, User
from alerts.models import Alert
from tests.helpers import days_ago, record_change
from threat_levels.models import ThreatLevelChange

pytestmark = pytest.mark.django_db

RECORD = "/threat-level/record/"
CONFIRM = "/threat-level/record/confirm/"


def prepare(client, scope, level="SEVERE", **fields):
    data = {"scope": scope.pk, "level": level, "effective_at": "", "note": "Raised after it."}
    data.update(fields)
    return client.post(RECORD, data)


def token_of(client) -> str:
    return client.session["threat_level_pending_change"]["token"]


def test_an_officer_records_a_change_by_typing_the_new_level_to_confirm(
    client, ncpp_officer, national, isl, django_capture_on_commit_callbacks
):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    client.force_login(ncpp_officer)

    response = prepare(client, national, "SEVERE")
    assert response.status_code == 302 and response["Location"] == CONFIRM
    assert not ThreatLevelChange.objects.filter(level="SEVERE").exists()  # nothing yet

    page = client.get(CONFIRM).content.decode()
    active_people = User.objects.filter(is_active=True).count()
    assert f"{active_people} people will be emailed" in page
    assert "(an attack is highly likely)" in page  # the change as it will appear
    assert "To confirm, type the new level: SEVERE" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM, {"token": token_of(client), "confirmation": "severe"})

    change = ThreatLevelChange.objects.get(level="SEVERE")
    assert response.status_code == 302
    assert response["Location"] == "/threat-level/"
    assert change.recorded_by == ncpp_officer
    assert change.note == "Raised after it."
    assert Alert.objects.get().threat_level_change == change
    assert AuditEvent.objects.filter(action="threat_level.recorded", actor=ncpp_officer).exists()
    history = client.get("/threat-level/").content.decode()
    assert "UK (national): the threat level is now SEVERE." in history
    assert ">SEVERE<" in client.get("/").content.decode()


def test_a_wrongly_typed_confirmation_records_nothing(client, ncpp_officer, national):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    client.force_login(ncpp_officer)
    prepare(client, national, "CRITICAL")

    response = client.post(CONFIRM, {"token": token_of(client), "confirmation": "SEVERE"})

    assert response.status_code == 200
    assert "Type CRITICAL to confirm the change." in response.content.decode()
    assert not ThreatLevelChange.objects.filter(level="CRITICAL").exists()
    assert not Alert.objects.exists()


def test_confirming_twice_records_the_change_once(client, ncpp_officer, national):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    client.force_login(ncpp_officer)
    prepare(client, national, "SEVERE")
    token = token_of(client)

    client.post(CONFIRM, {"token": token, "confirmation": "SEVERE"})
    second = client.post(CONFIRM, {"token": token, "confirmation": "SEVERE"})

    assert second.status_code == 302 and second["Location"] == RECORD
    assert ThreatLevelChange.objects.filter(level="SEVERE").count() == 1
    assert Alert.objects.count() == 1


def test_a_confirmation_page_left_open_cannot_confirm_a_newer_change(
    client, ncpp_officer, national
):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    client.force_login(ncpp_officer)
    prepare(client, national, "SEVERE")
    old_token = token_of(client)
    prepare(client, national, "CRITICAL")

    response = client.post(CONFIRM, {"token": old_token, "confirmation": "CRITICAL"})

    assert "This page is out of date" in response.content.decode()
    assert not ThreatLevelChange.objects.filter(level__in=["SEVERE", "CRITICAL"]).exists()


def test_the_form_refuses_a_change_to_the_level_already_in_force(client, ncpp_officer, national):
    record_change(national, "SEVERE", days_ago(30))
    client.force_login(ncpp_officer)

    response = prepare(client, national, "SEVERE")

    assert response.status_code == 200
    assert "already SEVERE" in response.content.decode()
    assert "threat_level_pending_change" not in client.session
    assert national.changes.count() == 1


def test_a_correction_of_history_is_confirmed_without_emailing_anyone(
    client, ncpp_officer, national
):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    client.force_login(ncpp_officer)

    prepare(client, national, "CRITICAL", effective_at="2017-05-23T00:00", correction="on")
    page = client.get(CONFIRM).content.decode()
    client.post(CONFIRM, {"token": token_of(client), "confirmation": "CRITICAL"})

    assert "Nobody: this is a correction of the history." in page
    change = ThreatLevelChange.objects.get(level="CRITICAL")
    assert change.is_correction
    assert change.meaning == "an attack is expected imminently"  # the wording of 2017
    assert change.effective_at == datetime(2017, 5, 22, 23, 0, tzinfo=UTC)  # midnight BST
    assert not Alert.objects.exists()
    audit = AuditEvent.objects.get(action="threat_level.recorded", object_id=str(change.pk))
    assert audit.actor == ncpp_officer
    assert audit.changes["correction"] is True


def test_a_scheduled_change_says_it_emails_when_it_takes_effect_not_at_once(
    client, ncpp_officer, national
):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    client.force_login(ncpp_officer)
    later = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        hour=14, minute=30, second=0, microsecond=0
    )

    prepare(client, national, "SEVERE", effective_at=f"{later:%Y-%m-%dT%H:%M}")
    page = client.get(CONFIRM).content.decode()

    assert "at once" not in page
    assert f"At 14:30 on {later.day} {later:%B %Y} (UK time) it takes effect" in page
    assert "Nobody is emailed before then." in page
    assert "Schedule the change" in page
    client.post(CONFIRM, {"token": token_of(client), "confirmation": "SEVERE"})
    assert ThreatLevelChange.objects.get(level="SEVERE").effective_at == later
    # Written now, sent when the change takes effect.
    assert not Alert.objects.get().deliveries.exists()


def test_a_change_in_force_at_once_says_so(client, ncpp_officer, national):
    client.force_login(ncpp_officer)

    prepare(client, national, "SEVERE")

    assert "Confirming emails 1 person at once." in client.get(CONFIRM).content.decode()


def test_a_correction_must_be_dated_in_the_past(client, ncpp_officer, national):
    client.force_login(ncpp_officer)
    future = timezone.localtime(timezone.now()).replace(year=timezone.now().year + 1)

    response = prepare(
        client, national, "SEVERE", effective_at=f"{future:%Y-%m-%dT%H:%M}", correction="on"
    )

    assert "A correction must be dated in the past." in response.content.decode()


@pytest.mark.parametrize("url", [RECORD, CONFIRM])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, national, url):
    for response in (client.get(url), client.post(url, {"scope": national.pk, "level": "LOW"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not ThreatLevelChange.objects.exists()


@pytest.mark.parametrize("person", ["isl", "outsider", "portal_admin"])
def test_only_ncpp_staff_can_record_a_change(client, national, person, request):
    client.force_login(request.getfixturevalue(person))

    assert client.get(RECORD).status_code == 403
    assert prepare(client, national, "CRITICAL").status_code == 403
    assert client.get(CONFIRM).status_code == 403
    assert client.post(CONFIRM, {"token": "x", "confirmation": "CRITICAL"}).status_code == 403
    assert not ThreatLevelChange.objects.exists()
    assert not Alert.objects.exists()
