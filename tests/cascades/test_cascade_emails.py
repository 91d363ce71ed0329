"""A cascade's emails: from the portal on the ISL's behalf, one-click unsubscribe, the marking's
words, nothing behind a sign-in; and a contact who unsubscribed gets nothing more."""

import re

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import AuditEvent
from alerts.models import Delivery
from bulletins.models import Marking
from bulletins.services import withdraw_bulletin
from cascades.models import Contact
from cascades.services import cascade_bulletin
from tests.cascades.test_cascading import send_cascades
from tests.helpers import make_bulletin

pytestmark = pytest.mark.django_db


def unsubscribe_link(message) -> str:
    match = re.search(
        r"<(https?://[^>]+/cascades/unsubscribe/[^>]+/)>", message.message["List-Unsubscribe"]
    )
    assert match, message.message["List-Unsubscribe"]
    return match.group(1)


@pytest.mark.parametrize("marking", [Marking.CLEAR, Marking.GREEN])
def test_each_contact_gets_one_email_on_the_isls_behalf_with_its_own_unsubscribe_link(
    marking, isl, ncpp_officer, retail, retail_contacts, smtp_backend
):
    bulletin = make_bulletin(
        ncpp_officer, marking=marking, sectors=[retail], key_points=["Report it"],
        body="Look out for **hostile reconnaissance**.",
    )  # fmt: skip
    cascade_bulletin(bulletin, retail, actor=isl, contact_ids=None)
    send_cascades()

    received = smtp_backend.handler.messages()
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(c.email for c in retail_contacts)
    links = set()
    for message in received:
        headers = message.message
        assert len(message.rcpt_tos) == 1
        assert isl.name in headers["From"] and settings.SERVICE_NAME in headers["From"]
        assert isl.email in headers["Reply-To"]
        assert headers["Auto-Submitted"] == "auto-generated"
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        links.add(unsubscribe_link(message))
        assert message.subject.startswith(f"[{marking}] ")
        text = message.text()
        assert bulletin.marking_words in text
        assert "hostile reconnaissance" in text and "Report it" in text
        # Nothing that needs a sign-in: the only portal link is the unsubscribe one.
        portal_links = set(re.findall(re.escape(settings.PORTAL_BASE_URL) + r"[^\s\"<>]*", text))
        assert portal_links and all("/cascades/unsubscribe/" in link for link in portal_links)
        assert bulletin.get_absolute_url() not in text
    assert len(links) == 3  # one per contact
    assert Delivery.objects.filter(status=Delivery.Status.SENT, user__isnull=True).count() == 3


def test_one_click_unsubscribe_works_without_sign_in_and_the_contact_gets_nothing_more(
    isl, ncpp_officer, retail, retail_contacts, smtp_backend
):
    first = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail])
    cascade_bulletin(first, retail, actor=isl, contact_ids=None)
    send_cascades()
    leaving = retail_contacts[1]
    (message,) = [m for m in smtp_backend.handler.messages() if m.rcpt_tos == [leaving.email]]
    path = unsubscribe_link(message).removeprefix(settings.PORTAL_BASE_URL)

    anonymous = Client(headers={"X-Forwarded-Proto": "https"})
    # A link checker's GET unsubscribes nobody.
    assert anonymous.get(path).status_code == 200
    leaving.refresh_from_db()
    assert leaving.unsubscribed_at is None
    # RFC 8058: the mail client's POST, with no cookie and no CSRF token.
    csrf_checking = Client(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})
    response = csrf_checking.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    leaving.refresh_from_db()
    assert leaving.unsubscribed_at is not None
    assert AuditEvent.objects.get(action="contact.unsubscribed").actor_email == leaving.email

    smtp_backend.handler.reset()
    second = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail], title="Next")
    cascade_bulletin(second, retail, actor=isl, contact_ids=None)
    send_cascades()
    got = sorted(m.rcpt_tos[0] for m in smtp_backend.handler.messages())
    assert leaving.email not in got and len(got) == 2


def test_a_contact_who_unsubscribes_before_their_turn_is_not_sent_it(
    isl, ncpp_officer, retail, retail_contacts, smtp_backend
):
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail])
    cascade = cascade_bulletin(bulletin, retail, actor=isl, contact_ids=None)
    from alerts import delivery

    delivery.fan_out(cascade.alert_id, queue_batch=lambda ids: None)  # made, not yet sent
    Contact.objects.filter(pk=retail_contacts[0].pk).update(unsubscribed_at="2026-01-01T00:00Z")
    send_cascades()
    assert retail_contacts[0].email not in [m.rcpt_tos[0] for m in smtp_backend.handler.messages()]
    cancelled = Delivery.objects.get(contact_key=retail_contacts[0].pk)
    assert cancelled.status == Delivery.Status.CANCELLED
    assert "unsubscribed" in cancelled.last_error


def test_a_bulletin_withdrawn_before_the_cascade_is_sent_is_not_sent(
    isl, ncpp_officer, retail, retail_contacts, smtp_backend
):
    bulletin = make_bulletin(ncpp_officer, marking=Marking.CLEAR, sectors=[retail])
    cascade_bulletin(bulletin, retail, actor=isl, contact_ids=None)
    withdraw_bulletin(bulletin, reason="Wrong.", actor=ncpp_officer)
    send_cascades()
    assert not smtp_backend.handler.messages()
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.CANCELLED}


def test_a_tampered_unsubscribe_token_is_404(client, retail_contacts):
    from cascades.services import unsubscribe_token

    token = unsubscribe_token(retail_contacts[0])
    response = client.post(f"/cascades/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 404
    retail_contacts[0].refresh_from_db()
    assert retail_contacts[0].unsubscribed_at is None
