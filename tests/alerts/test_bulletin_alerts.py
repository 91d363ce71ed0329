"""Bulletin alerts through the real stack: the right people, once, and nothing restricted."""

import pytest

from accounts.models import Membership
from alerts.models import Delivery
from bulletins.models import Marking
from tests.factories import SectorFactory, UserFactory
from tests.helpers import deliveries, make_bulletin, make_people, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SECRET_SUMMARY = "Hostile reconnaissance reported near the east gate"
SECRET_POINT = "Vehicle seen on three consecutive nights"
SECRET_BODY = "Full details of the reconnaissance pattern"


@pytest.fixture
def officer(national):
    return UserFactory(email="officer@example.org", name="Officer")


def sector_with_members(name: str, count: int) -> tuple:
    sector = SectorFactory(name=name)
    people = make_people(count, prefix=sector.slug.replace("-", ""))
    Membership.objects.bulk_create(Membership(user=p, sector=sector) for p in people)
    return sector, people


def publish(officer, sectors, marking=Marking.GREEN, title="Stay vigilant at events"):
    return make_bulletin(
        officer, title=title, marking=marking, sectors=sectors, send_alert=True,
        summary=SECRET_SUMMARY, key_points=[SECRET_POINT], body=SECRET_BODY,
    )  # fmt: skip


def test_publishing_to_300_people_sends_300_messages_with_the_marked_subject(
    celery_worker, smtp, officer
):
    retail, people = sector_with_members("Retail", 300)

    bulletin = publish(officer, [retail])

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 300, what="300 sent")
    received = smtp.handler.messages()
    assert len(received) == 300
    assert all(len(m.rcpt_tos) == 1 for m in received)
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(p.email for p in people)
    assert {m.subject for m in received} == {
        f"[TLP:GREEN] {bulletin.reference}: Stay vigilant at events"
    }
    # GREEN may travel: the summary and key points are in the email, with the link.
    text = received[0].text()
    assert SECRET_SUMMARY in text and SECRET_POINT in text
    assert f"https://portal.test/bulletins/{bulletin.pk}/" in text


def test_people_outside_the_audience_removed_or_deactivated_receive_nothing(
    celery_worker, smtp, officer
):
    retail, (stays, removed, leaver) = sector_with_members("Retail", 3)
    transport, (outsider,) = sector_with_members("Transport", 1)
    Membership.objects.filter(user=removed).delete()
    leaver.is_active = False
    leaver.save()

    publish(officer, [retail])

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 1, what="one sent")
    assert [m.rcpt_tos for m in smtp.handler.messages()] == [[stays.email]]
    assert not Delivery.objects.filter(user__in=[removed, leaver, outsider]).exists()


@pytest.mark.parametrize(
    "marking", [Marking.AMBER, Marking.AMBER_STRICT, Marking.RED], ids=lambda m: m.label
)
def test_amber_and_red_content_never_travels_by_email(celery_worker, smtp, officer, marking):
    retail, _ = sector_with_members("Retail", 2)

    bulletin = publish(officer, [retail], marking=marking, title="Restricted advice")

    wait_until(lambda: deliveries(Delivery.Status.SENT) == 2, what="two sent")
    for message in smtp.handler.messages():
        whole = message.message.as_string() + message.text()
        assert SECRET_SUMMARY not in whole
        assert SECRET_POINT not in whole
        assert SECRET_BODY not in whole
        assert message.subject == f"[{marking}] {bulletin.reference}: Restricted advice"
        assert f"/bulletins/{bulletin.pk}/" in message.text()
        assert "not sent by email" in message.text()
