from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from alerts.models import Alert, Delivery
from tests.helpers import make_bulletin, record_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert_with_a_failure(isl, other_isl, national):
    change = record_change(national, "SEVERE", note="For the report.", send_alert=True)
    alert = change.alerts.get()
    alert.fanned_out_at = timezone.now()
    alert.save()
    Delivery.objects.create(alert=alert, user=isl, status="sent", sent_at=timezone.now())
    Delivery.objects.create(
        alert=alert, user=other_isl, status="failed-permanent", attempts=1,
        last_error="550 5.1.1 No such mailbox here",
    )  # fmt: skip
    return alert


def test_staff_see_who_was_alerted_and_the_servers_reply_to_failures(
    client, ncpp_officer, alert_with_a_failure
):
    client.force_login(ncpp_officer)

    listing = client.get("/alerts/").content.decode()
    report = client.get(f"/alerts/{alert_with_a_failure.pk}/").content.decode()
    report = report.replace("<wbr>", "")  # where an address may wrap

    assert "UK (national): threat level now SEVERE" in listing
    assert "550 5.1.1 No such mailbox here" in report
    assert "isl.transport@example.org" in report
    assert "Retry the 1 failed" in report


def test_retrying_failed_deliveries_sends_them_again_and_is_audited(
    client,
    ncpp_officer,
    alert_with_a_failure,
    other_isl,
    tasks_in_process,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(ncpp_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/alerts/{alert_with_a_failure.pk}/retry/")

    assert response.status_code == 302
    failed = Delivery.objects.get(user=other_isl)
    assert failed.status == Delivery.Status.SENT
    assert [m.to for m in mailoutbox] == [[other_isl.email]]
    retried = AuditEvent.objects.get(action="alert.retried")
    assert (retried.actor, retried.object_id) == (ncpp_officer, str(alert_with_a_failure.pk))


@pytest.mark.parametrize("person", ["isl", "other_isl", "outsider", "portal_admin"])
def test_only_ncpp_staff_see_delivery_reports(client, request, person, alert_with_a_failure):
    client.force_login(request.getfixturevalue(person))

    assert client.get("/alerts/").status_code == 403
    assert client.get(f"/alerts/{alert_with_a_failure.pk}/").status_code == 403
    assert client.post(f"/alerts/{alert_with_a_failure.pk}/retry/").status_code == 403
    assert Delivery.objects.get(status="failed-permanent")


def test_an_alert_not_yet_fanned_out_says_so(client, ncpp_officer):
    alert = Alert.objects.create(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER)
    client.force_login(ncpp_officer)

    assert "Not sent yet" in client.get("/alerts/").content.decode()
    assert client.get(f"/alerts/{alert.pk}/").status_code == 200


def test_the_bulletin_page_tells_staff_how_many_were_alerted_and_failed(
    client, ncpp_officer, isl, other_isl, retail
):
    bulletin = make_bulletin(
        ncpp_officer, title="Alerted", summary="S", all_sectors=True, send_alert=True
    )
    alert = bulletin.alerts.get()
    Delivery.objects.create(alert=alert, user=isl, status="sent", sent_at=timezone.now())
    Delivery.objects.create(alert=alert, user=other_isl, status="failed-permanent")
    client.force_login(ncpp_officer)

    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()

    assert "Alerted 2 people, 1 failed" in page
    assert f'href="/alerts/{alert.pk}/"' in page
    client.force_login(isl)
    assert "Alerted 2 people" not in client.get(f"/bulletins/{bulletin.pk}/").content.decode()


def test_staff_see_the_last_days_alert_emails_by_outcome_on_the_alerts_page(
    client, ncpp_officer, isl, other_isl, outsider
):
    alert = Alert.objects.create(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER)
    now = timezone.now()
    Delivery.objects.create(alert=alert, user=isl, status="sent", sent_at=now)
    Delivery.objects.create(alert=alert, user=other_isl, status="failed-permanent")
    Delivery.objects.create(alert=alert, user=outsider, status="failed-temporary")
    old = Alert.objects.create(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER)
    Delivery.objects.create(
        alert=old, user=isl, status="sent", sent_at=now, created_at=now - timedelta(days=2)
    )
    client.force_login(ncpp_officer)

    page = client.get("/alerts/").content.decode()

    assert "In the last 24 hours: 1 sent, 1 waiting, 1 failed, 0 cancelled" in page
