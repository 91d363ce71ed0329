"""Cascading a bulletin: the marking decides (TLP 2.0), by every route, not just the button."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from alerts import delivery
from alerts.models import Alert
from bulletins.models import Bulletin, Marking
from bulletins.services import amend_bulletin
from cascades.models import Cascade, CascadeRecipient, Contact
from cascades.services import cascade_bulletin
from tests.helpers import make_bulletin, make_contacts

pytestmark = pytest.mark.django_db

NOT_CASCADED = [Marking.AMBER, Marking.AMBER_STRICT, Marking.RED]


def send_cascades() -> None:
    """What the worker does with every cascade: fan out, then send each batch."""
    for alert in Alert.objects.filter(kind=Alert.Kind.BULLETIN_CASCADE).order_by("pk"):
        delivery.fan_out(alert.pk, queue_batch=delivery.send_batch)


def cascade_path(bulletin, sector) -> str:
    return reverse("cascade_bulletin", args=[bulletin.pk, sector.slug])


@pytest.mark.parametrize("marking", NOT_CASCADED)
def test_amber_and_above_cannot_be_cascaded_by_any_route(
    marking, client, isl, ncpp_officer, retail, retail_contacts
):
    bulletin = make_bulletin(ncpp_officer, marking=marking, sectors=[retail])
    client.force_login(isl)

    page = client.get(bulletin.get_absolute_url()).content.decode()
    assert "Cascade to your sector's organisations" in page
    assert cascade_path(bulletin, retail) not in page
    assert "cannot be cascaded" in page

    for data in ({}, {"everyone": "all"}, {"everyone": "all", "confirm": "1"},
                 {"correction": "1", "confirm": "1"}):  # fmt: skip
        response = client.post(cascade_path(bulletin, retail), data)
        assert response.status_code == 403
        assert "cannot be cascaded" in response.content.decode()
    assert client.get(cascade_path(bulletin, retail)).status_code == 403
    with pytest.raises(ValidationError):
        cascade_bulletin(bulletin, retail, actor=isl, contact_ids=None)
    assert not Alert.objects.filter(kind=Alert.Kind.BULLETIN_CASCADE).exists()
    assert not Cascade.objects.exists()


def test_a_withdrawn_bulletin_cannot_be_cascaded(
    client, isl, ncpp_officer, retail, retail_contacts
):
    bulletin = make_bulletin(
        ncpp_officer, marking=Marking.CLEAR, sectors=[retail], status=Bulletin.Status.WITHDRAWN
    )
    client.force_login(isl)
    response = client.post(cascade_path(bulletin, retail), {"everyone": "all", "confirm": "1"})
    assert response.status_code == 403
    assert "withdrawn" in response.content.decode()
    assert not Cascade.objects.exists()


@pytest.mark.parametrize("marking", [Marking.CLEAR, Marking.GREEN])
def test_clear_and_green_are_cascaded_after_the_isl_sees_what_will_be_sent(
    marking, client, isl, ncpp_officer, retail, retail_contacts
):
    bulletin = make_bulletin(
        ncpp_officer, marking=marking, sectors=[retail], key_points=["Stay alert"]
    )
    client.force_login(isl)
    assert (
        cascade_path(bulletin, retail) in client.get(bulletin.get_absolute_url()).content.decode()
    )

    check = client.post(cascade_path(bulletin, retail), {"everyone": "all"})
    page = check.content.decode()
    assert "Check what will be sent" in page
    assert bulletin.marking_words.replace("'", "&#x27;") in page
    assert "Stay alert" in page
    assert not Cascade.objects.exists()  # nothing sent until confirmed

    sent = client.post(cascade_path(bulletin, retail), {"everyone": "all", "confirm": "1"})
    assert sent.status_code == 302
    cascade = Cascade.objects.get()
    assert (cascade.bulletin, cascade.sector, cascade.sent_by) == (bulletin, retail, isl)
    assert cascade.recipients.count() == 3
    assert AuditEvent.objects.get(action="bulletin.cascaded").changes["organisations"] == 3


def test_the_isl_may_choose_some_contacts_only(client, isl, ncpp_officer, retail, retail_contacts):
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail])
    client.force_login(isl)
    chosen = [str(retail_contacts[0].pk), str(retail_contacts[2].pk)]
    client.post(
        cascade_path(bulletin, retail), {"everyone": "some", "contacts": chosen, "confirm": "1"}
    )
    got = set(CascadeRecipient.objects.values_list("contact_id", flat=True))
    assert got == {retail_contacts[0].pk, retail_contacts[2].pk}


def test_thousands_of_contacts_may_be_chosen_one_by_one(client, isl, ncpp_officer, retail):
    """More than Django's default of 1,000 form fields: a sector's list can be that long."""
    contacts = make_contacts(retail, 3000, prefix="shop")
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail])
    client.force_login(isl)
    chosen = [str(contact.pk) for contact in contacts[:2500]]

    response = client.post(
        cascade_path(bulletin, retail), {"everyone": "some", "contacts": chosen, "confirm": "1"}
    )

    assert response.status_code == 302
    assert CascadeRecipient.objects.count() == 2500


def test_green_never_goes_to_a_public_list_even_if_posted(
    client, isl, ncpp_officer, retail, retail_contacts
):
    public = Contact.objects.create(
        sector=retail, organisation="Retail Weekly", name="Editor",
        email="letters@retail-weekly.example.org", public_list=True,
    )  # fmt: skip
    bulletin = make_bulletin(ncpp_officer, marking=Marking.GREEN, sectors=[retail])
    client.force_login(isl)
    response = client.post(
        cascade_path(bulletin, retail),
        {"everyone": "some", "contacts": [str(public.pk)], "confirm": "1"},
    )
    assert response.status_code == 200  # not a choice on offer
    assert not Cascade.objects.exists()
    client.post(cascade_path(bulletin, retail), {"everyone": "all", "confirm": "1"})
    assert public.pk not in CascadeRecipient.objects.values_list("contact_id", flat=True)
    # CLEAR may go anywhere, public lists included.
    clear = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail])
    client.post(cascade_path(clear, retail), {"everyone": "all", "confirm": "1"})
    assert CascadeRecipient.objects.filter(bulletin=clear, contact=public).exists()


def test_an_isl_cannot_cascade_to_another_sectors_list(
    client, isl, transport_lead, ncpp_officer, retail, transport, retail_contacts,
    transport_contacts,
):  # fmt: skip
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, all_sectors=True)
    client.force_login(isl)
    for data in ({}, {"everyone": "all", "confirm": "1"}):
        assert client.post(cascade_path(bulletin, transport), data).status_code == 404
    assert client.get(cascade_path(bulletin, transport)).status_code == 404
    # Nor name another sector's contacts in their own sector's cascade.
    client.post(
        cascade_path(bulletin, retail),
        {"everyone": "some", "contacts": [str(transport_contacts[0].pk)], "confirm": "1"},
    )
    assert not CascadeRecipient.objects.filter(contact__sector=transport).exists()


def test_a_member_who_is_not_lead_or_deputy_cannot_cascade(
    client, retail_member, ncpp_officer, retail, retail_contacts
):
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail])
    client.force_login(retail_member)
    assert (
        cascade_path(bulletin, retail)
        not in client.get(bulletin.get_absolute_url()).content.decode()
    )
    response = client.post(cascade_path(bulletin, retail), {"everyone": "all", "confirm": "1"})
    assert response.status_code == 404
    assert not Cascade.objects.exists()


def test_a_bulletin_for_another_sector_cannot_be_cascaded_even_by_its_id(
    client, isl, ncpp_officer, retail, transport, retail_contacts
):
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[transport])
    client.force_login(isl)
    response = client.post(cascade_path(bulletin, retail), {"everyone": "all", "confirm": "1"})
    assert response.status_code == 404
    assert not Cascade.objects.exists()


def test_one_version_reaches_a_contact_once(isl, ncpp_officer, retail, retail_contacts):
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail])
    cascade_bulletin(bulletin, retail, actor=isl, contact_ids=[retail_contacts[0].pk])
    second = cascade_bulletin(bulletin, retail, actor=isl, contact_ids=None)
    assert second.recipients.count() == 2
    with pytest.raises(ValidationError):
        cascade_bulletin(bulletin, retail, actor=isl, contact_ids=None)
    assert CascadeRecipient.objects.count() == 3


def test_an_amendment_offers_the_correction_to_those_who_got_the_earlier_version(
    client, isl, ncpp_officer, retail, retail_contacts, smtp_backend
):
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail])
    cascade_bulletin(bulletin, retail, actor=isl, contact_ids=[c.pk for c in retail_contacts[:2]])
    send_cascades()
    amend_bulletin(
        bulletin, actor=ncpp_officer, what_changed="The hotline number was wrong.",
        summary="Corrected summary.", realert=False,
    )  # fmt: skip
    smtp_backend.handler.reset()
    client.force_login(isl)
    page = client.get(cascade_path(bulletin, retail)).content.decode()
    assert "Send the correction" in page and "2 organisations" in page

    check = client.post(cascade_path(bulletin, retail), {"correction": "1"})
    assert "Correction:" in check.content.decode()
    client.post(cascade_path(bulletin, retail), {"correction": "1", "confirm": "1"})
    send_cascades()
    received = smtp_backend.handler.messages()
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(c.email for c in retail_contacts[:2])
    for message in received:
        assert message.subject.startswith("[TLP:CLEAR] Correction: ")
        assert "The hotline number was wrong." in message.text()
        assert "Corrected summary." in message.text()
