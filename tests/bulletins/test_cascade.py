"""Acknowledging and recording a cascade are separate acts, and the cascade follows the marking:
CLEAR, GREEN and AMBER ask how many it was passed on to, in their own words; AMBER+STRICT and RED
say it is not passed on, and a cascade posted for them anyway is refused."""

import pytest
from django.core.exceptions import ValidationError

from bulletins import services
from bulletins.models import Marking, Reading
from tests.helpers import make_bulletin

pytestmark = pytest.mark.django_db


def cascade(client, bulletin, count):
    return client.post(f"/bulletins/{bulletin.pk}/cascade/", {"count": count})


@pytest.mark.parametrize(
    ("marking", "question", "hint"),
    [
        (
            Marking.CLEAR,
            "How many organisations did you pass it on to?",
            "TLP:CLEAR: there is no limit on who it is passed on to.",
        ),
        (
            Marking.GREEN,
            "How many organisations in your sector did you pass it on to?",
            "TLP:GREEN: within your sector’s community, never publicly.",
        ),
        (
            Marking.AMBER,
            "How many people or organisations with a need to know did you share it with?",
            "need to know only, within your own organisation and its clients",
        ),
    ],
)
def test_a_marking_that_may_be_passed_on_asks_the_cascade_question_in_its_own_words(
    client, ncpp_officer, isl, retail, marking, question, hint
):
    bulletin = make_bulletin(ncpp_officer, marking=marking, sectors=[retail])
    client.force_login(isl)
    page = client.get(bulletin.get_absolute_url()).content.decode()

    assert question in page and hint in page
    assert f'action="/bulletins/{bulletin.pk}/cascade/"' in page
    count_box = next(line for line in page.splitlines() if 'name="count"' in line)
    # A short box for a number: no browser spinner, the numeric keypad on a phone.
    assert 'type="text"' in count_box and 'inputmode="numeric"' in count_box
    assert "govuk-input--width-4" in count_box
    # The other markings' questions are not on the page.
    assert page.count("How many") == 1


@pytest.mark.parametrize(
    ("marking", "sentence"),
    [
        (Marking.AMBER_STRICT, "share it only within your own organisation"),
        (Marking.RED, "for your eyes and ears only; do not pass it on to anyone"),
    ],
)
def test_a_marking_that_is_not_passed_on_says_so_instead_of_asking(
    client, ncpp_officer, isl, retail, marking, sentence
):
    bulletin = make_bulletin(ncpp_officer, marking=marking, sectors=[retail])
    client.force_login(isl)
    page = client.get(bulletin.get_absolute_url()).content.decode()

    assert sentence in page and "there is no cascade to record" in page
    assert 'name="count"' not in page and "/cascade/" not in page and "How many" not in page
    assert "I have read this" in page  # acknowledging it is still asked for


@pytest.mark.parametrize("marking", [Marking.AMBER_STRICT, Marking.RED])
def test_a_cascade_posted_for_a_marking_that_is_not_passed_on_is_refused(
    client, ncpp_officer, isl, retail, marking
):
    bulletin = make_bulletin(ncpp_officer, marking=marking, sectors=[retail])
    client.force_login(isl)

    response = cascade(client, bulletin, "3")

    assert response.status_code == 400
    assert f"{marking} bulletins are not passed on, so no cascade can be recorded." in (
        response.content.decode()
    )
    assert not Reading.objects.filter(cascaded_at__isnull=False).exists()
    assert not Reading.objects.filter(acknowledged_at__isnull=False).exists()
    with pytest.raises(ValidationError):
        services.record_cascade(bulletin, isl, count=3)
    assert not Reading.objects.filter(cascaded_at__isnull=False).exists()


def test_recording_a_cascade_of_none_does_not_acknowledge_the_bulletin(
    client, ncpp_officer, isl, retail
):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail], action_required=True)
    client.force_login(isl)

    response = cascade(client, bulletin, "0")

    assert response.status_code == 302
    reading = Reading.objects.get()
    assert (reading.cascade_count, reading.acknowledged_at) == (0, None)
    page = client.get(bulletin.get_absolute_url()).content.decode()
    assert "You sent it on to 0 organisations on" in page
    assert "I have read this" in page and "You acknowledged" not in page
    # It is still waiting for the person's acknowledgement on their home page.
    assert bulletin.title in client.get("/").content.decode()


def test_acknowledging_does_not_record_a_cascade(client, ncpp_officer, isl, retail):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    client.force_login(isl)

    # Even with a number posted along with it.
    client.post(f"/bulletins/{bulletin.pk}/acknowledge/", {"count": "5"})

    reading = Reading.objects.get()
    assert reading.acknowledged_at is not None
    assert (reading.cascaded_at, reading.cascade_count) == (None, None)
    page = client.get(bulletin.get_absolute_url()).content.decode()
    assert "You acknowledged this on" in page and "You sent it on" not in page


def test_the_amber_cascade_is_recorded_as_people_or_organisations_with_a_need_to_know(
    client, ncpp_officer, isl, retail
):
    bulletin = make_bulletin(ncpp_officer, marking=Marking.AMBER, sectors=[retail])
    client.force_login(isl)

    response = cascade(client, bulletin, "1 200")
    page = client.get(response["Location"]).content.decode()

    assert Reading.objects.get().cascade_count == 1200
    assert "Recorded: you passed it on to 1200 people or organisations." in page
    assert "You shared it with 1200 people or organisations on" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter how many organisations you passed it on to, or 0"),
        ("twelve", "Enter the number in figures, like 12"),
        ("2.5", "Enter the number in figures, like 12"),
        ("-1", "The number cannot be below 0"),
        ("100001", "The number must be 100,000 or fewer"),
    ],
)
def test_a_count_that_is_not_a_number_of_organisations_is_explained_and_not_recorded(
    client, ncpp_officer, isl, retail, typed, message
):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    client.force_login(isl)

    response = cascade(client, bulletin, typed)

    assert response.status_code == 400
    page = response.content.decode()
    assert f'<a href="#id_count">{message}</a>' in page  # in the error summary
    assert "govuk-input--error" in page
    assert not Reading.objects.filter(cascaded_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("marking", "has_cascade"),
    [(Marking.GREEN, True), (Marking.AMBER, True), (Marking.AMBER_STRICT, False),
     (Marking.RED, False)],
)  # fmt: skip
def test_who_read_it_reports_a_cascade_only_for_markings_that_allow_one(
    client, ncpp_officer, isl, retail, marking, has_cascade
):
    bulletin = make_bulletin(ncpp_officer, marking=marking, sectors=[retail])
    client.force_login(ncpp_officer)

    page = client.get(f"/bulletins/{bulletin.pk}/readership/").content.decode()

    assert ("Organisations reached" in page) is has_cascade
    assert (">Cascaded</th>" in page) is has_cascade
    assert ("so there is no cascade to record" in page) is not has_cascade
