"""A person's phone number is a UK landline or mobile, typed with 0 or +44 first and spaces if
they like, and kept in the one way the UK writes it (020 7946 0000), whatever way it was typed."""

import pytest

pytestmark = pytest.mark.django_db


def save_phone(client, person, phone: str):
    client.force_login(person)
    return client.post(
        "/profile/",
        {
            "name": person.name,
            "organisation": "Shops UK",
            "phone": phone,
            "routine_alerts": "digest",
        },
    )


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("020 7946 0000", "020 7946 0000"),
        ("02079460000", "020 7946 0000"),
        ("+44 20 7946 0000", "020 7946 0000"),
        ("+44 (0)20 7946 0000", "020 7946 0000"),
        ("0044 20 7946 0000", "020 7946 0000"),
        ("0117 496 0123", "0117 496 0123"),
        ("07400123456", "07400 123456"),
        ("+447400 123 456", "07400 123456"),
        ("", ""),
    ],
)
def test_a_uk_number_is_kept_in_one_form(client, isl, typed, kept):
    response = save_phone(client, isl, typed)

    assert response.status_code == 302
    isl.refresh_from_db()
    assert isl.phone == kept


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "020 7946 000",  # a digit short
        "07400 1234567",  # a digit too many
        "+33 1 42 68 53 00",  # a French number
        "call the office",
    ],
)
def test_a_number_that_is_not_a_uk_phone_number_is_refused(client, isl, typed):
    isl.phone = "020 7946 0000"
    isl.save()

    response = save_phone(client, isl, typed)

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<a href="#id_phone">Enter a UK landline or mobile number, like 020 7946 0000 or '
        "+44 20 7946 0000</a>"
    ) in page
    isl.refresh_from_db()
    assert (isl.phone, isl.organisation) == ("020 7946 0000", "Demo organisation")  # unchanged


def test_the_phone_box_asks_for_a_telephone_number(client, isl):
    client.force_login(isl)
    page = client.get("/profile/").content.decode()

    box = next(line for line in page.splitlines() if 'name="phone"' in line)
    assert 'type="tel"' in box and 'autocomplete="tel"' in box
