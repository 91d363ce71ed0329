"""Password reset: the owner of a known address gets a link; an unknown address gets nothing.

Mailing an unknown address ("someone asked to reset a password, but there is no account") would
let anyone aim the portal's mail at any inbox, five times a minute, and the portal at a police
force would be the one sending it. The pages answer the same either way, so nothing is learnt
about who has an account.
"""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
UNKNOWN = "no.one@example.org"


def browser() -> Client:
    return Client(headers={"X-Forwarded-Proto": "https"})


def without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_an_unknown_address_is_sent_nothing_and_a_known_one_gets_its_link(isl, mailoutbox):
    unknown = browser().post(RESET, {"email": UNKNOWN})
    assert unknown.status_code == 302
    assert mailoutbox == []

    known = browser().post(RESET, {"email": isl.email})

    assert known.status_code == 302
    assert [message.to for message in mailoutbox] == [[isl.email]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_asking_again_and_again_for_an_unknown_address_sends_nothing(mailoutbox):
    client = browser()
    for _ in range(5):
        assert client.post(RESET, {"email": UNKNOWN}).status_code == 302

    assert mailoutbox == []


def test_known_and_unknown_addresses_get_the_same_answer(isl):
    known = browser().post(RESET, {"email": isl.email}, follow=True)
    unknown = browser().post(RESET, {"email": UNKNOWN}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert known.redirect_chain[0][1] == 302
    assert known.status_code == unknown.status_code == 200
    known_page = without_tokens(known.content.decode()).replace(isl.email, "EMAIL")
    unknown_page = without_tokens(unknown.content.decode()).replace(UNKNOWN, "EMAIL")
    assert known_page == unknown_page
