"""A delivery is sent only to someone still entitled to it when it is claimed.

An alert's audience is fixed when it fans out, but a delivery may wait: for a retry, for the
sweep, or for an officer's "retry the failed". Whoever has left the audience since (removed
from the sector, deactivated) is not emailed: their delivery ends `cancelled`, with the reason.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import html

from accounts.models import Membership
from accounts.services import deactivate_person, remove_member
from alerts import delivery
from alerts.models import Alert, Delivery
from alerts.tasks import sweep_alerts
from tests.factories import MembershipFactory, SectorFactory, UserFactory
from tests.helpers import make_bulletin, make_people, record_change, wait_until


def publish_to(officer, sectors, title: str = "Check your exits") -> Alert:
    """A published bulletin and its alert, which the conveyor has not picked up yet."""
    bulletin = make_bulletin(
        officer, title=title, summary="Summary.", sectors=sectors, action_required=True
    )
    return Alert.objects.create(kind=Alert.Kind.BULLETIN_PUBLISHED, bulletin=bulletin)


def fan_out_without_sending(alert: Alert) -> None:
    """The deliveries are made, but the conveyor drops them before a worker sees them."""
    delivery.fan_out(alert.pk, queue_batch=lambda ids: None)
    Delivery.objects.filter(alert=alert).update(queued_at=None)


def summary_of(page: str) -> dict[str, str]:
    rows = html.fromstring(page).xpath("//dl[contains(@class, 'govuk-summary-list')]/div")
    return {
        row.xpath("dt")[0].text_content().strip(): row.xpath("dd")[0].text_content().strip()
        for row in rows
    }


def first_row_of(page: str) -> dict[str, str]:
    table = html.fromstring(page).xpath("//table")[0]
    headers = [cell.text_content().strip() for cell in table.xpath("thead/tr/th")]
    cells = [cell.text_content().strip() for cell in table.xpath("tbody/tr[1]/td")]
    return dict(zip(headers, cells, strict=True))


def received_by(smtp) -> list[str]:
    return sorted(address for m in smtp.handler.messages() for address in m.rcpt_tos)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_nothing_to_people_who_left_the_audience_while_it_waited(
    celery_worker, smtp, national
):
    officer = UserFactory(email="officer@example.org")
    retail = SectorFactory(name="Retail")
    stays, removed, leaver = make_people(3)
    for person in (stays, removed, leaver):
        MembershipFactory(user=person, sector=retail)
    alert = publish_to(officer, [retail])
    fan_out_without_sending(alert)
    smtp.handler.reset()
    admin = UserFactory(email="admin@example.org")
    remove_member(Membership.objects.get(user=removed), actor=admin)
    deactivate_person(leaver, actor=admin)

    sweep_alerts()  # as beat runs it: the batch goes to the real worker

    wait_until(
        lambda: not Delivery.objects.filter(status__in=Delivery.WAITING).exists(),
        what="every delivery settled",
    )
    assert received_by(smtp) == [stays.email]
    statuses = dict(Delivery.objects.values_list("user__email", "status"))
    assert statuses == {stays.email: "sent", removed.email: "cancelled", leaver.email: "cancelled"}
    reasons = dict(Delivery.objects.values_list("user__email", "last_error"))
    assert "no longer in the audience" in reasons[removed.email]
    assert "deactivated" in reasons[leaver.email]


@pytest.mark.django_db
def test_a_retry_after_a_temporary_failure_skips_someone_removed_since(
    smtp_backend, ncpp_officer, isl, retail
):
    member = UserFactory(email="member@example.org")
    MembershipFactory(user=member, sector=retail)
    alert = publish_to(ncpp_officer, [retail])
    fan_out_without_sending(alert)
    # Both were refused for a moment and wait for their retry.
    Delivery.objects.filter(alert=alert).update(
        status=Delivery.Status.FAILED_TEMPORARY, attempts=1,
        last_error="451 4.3.0 Try again later", next_attempt_at=timezone.now(),
    )  # fmt: skip
    Membership.objects.filter(user=member).delete()

    result = delivery.send_batch(list(Delivery.objects.values_list("pk", flat=True)))

    assert received_by(smtp_backend) == [isl.email]
    assert (result.sent, result.failed) == ([Delivery.objects.get(user=isl).pk], [])
    cancelled = Delivery.objects.get(user=member)
    assert cancelled.status == Delivery.Status.CANCELLED
    assert cancelled.sent_at is None and cancelled.message_id == ""


@pytest.mark.django_db
def test_retry_failed_sends_nothing_to_a_deactivated_person_and_still_reaches_the_others(
    client, smtp_backend, ncpp_officer, portal_admin, isl, other_isl, national,
    tasks_in_process, django_capture_on_commit_callbacks,
):  # fmt: skip
    alert = record_change(national, "SEVERE", send_alert=True).alerts.get()
    fan_out_without_sending(alert)
    Delivery.objects.filter(alert=alert, user__in=[isl, other_isl]).update(
        status=Delivery.Status.FAILED_PERMANENT, last_error="550 5.1.1 No such mailbox here"
    )
    Delivery.objects.filter(alert=alert).exclude(user__in=[isl, other_isl]).delete()
    deactivate_person(other_isl, actor=portal_admin)
    client.force_login(ncpp_officer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/alerts/{alert.pk}/retry/")

    assert received_by(smtp_backend) == [isl.email]
    assert Delivery.objects.get(user=isl).status == Delivery.Status.SENT
    left = Delivery.objects.get(user=other_isl)
    assert left.status == Delivery.Status.CANCELLED
    assert "deactivated" in left.last_error
    # A cancelled delivery is not failed: there is nothing left to retry.
    report = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Retry the" not in report


@pytest.mark.django_db
def test_a_reminder_left_waiting_is_cancelled_for_a_deputy_no_longer_in_the_sector(
    smtp_backend, ncpp_officer, isl, retail
):
    deputy = UserFactory(email="deputy@example.org")
    MembershipFactory(user=deputy, sector=retail, role=Membership.Role.DEPUTY)
    bulletin = publish_to(ncpp_officer, [retail]).bulletin
    reminder = Alert.objects.create(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER, bulletin=bulletin)
    fan_out_without_sending(reminder)
    Membership.objects.filter(user=deputy).delete()

    delivery.send_batch(list(Delivery.objects.values_list("pk", flat=True)))

    assert received_by(smtp_backend) == [isl.email]
    assert Delivery.objects.get(user=deputy).status == Delivery.Status.CANCELLED


@pytest.mark.django_db
def test_the_report_shows_cancelled_deliveries_apart_from_waiting_and_failed(
    client, ncpp_officer, isl, other_isl, outsider, national
):
    alert = Alert.objects.create(kind=Alert.Kind.ACKNOWLEDGEMENT_REMINDER)
    Alert.objects.filter(pk=alert.pk).update(fanned_out_at=timezone.now())
    Delivery.objects.create(alert=alert, user=isl, status="sent", sent_at=timezone.now())
    Delivery.objects.create(
        alert=alert, user=other_isl, status="cancelled",
        last_error="Cancelled: the account was deactivated after the alert was made.",
    )  # fmt: skip
    Delivery.objects.create(
        alert=alert, user=outsider, status="pending",
        created_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    client.force_login(ncpp_officer)

    report = client.get(f"/alerts/{alert.pk}/").content.decode()
    report = report.replace("<wbr>", "")  # where an address may wrap
    listing = client.get("/alerts/").content.decode()

    assert "Cancelled" in report
    assert "the account was deactivated after the alert was made" in report
    assert "isl.transport@example.org" in report
    assert summary_of(report) == {
        "People alerted": "3", "Sent": "1", "Waiting or retrying": "1", "Failed": "0",
        "Cancelled: no longer entitled": "1",
    }  # fmt: skip
    row = first_row_of(listing)
    assert {name: row[name] for name in ("People", "Sent", "Waiting", "Failed", "Cancelled")} == {
        "People": "3", "Sent": "1", "Waiting": "1", "Failed": "0", "Cancelled": "1",
    }  # fmt: skip


@pytest.mark.django_db
def test_claiming_a_big_batch_checks_the_audience_in_a_few_queries(
    smtp_backend, ncpp_officer, retail, django_assert_max_num_queries
):
    people = make_people(100)
    Membership.objects.bulk_create(Membership(user=p, sector=retail) for p in people)
    alert = publish_to(ncpp_officer, [retail])
    fan_out_without_sending(alert)
    ids = list(Delivery.objects.values_list("pk", flat=True))

    with django_assert_max_num_queries(10):
        claimed = delivery.claim(ids)

    assert len(claimed) == 100
