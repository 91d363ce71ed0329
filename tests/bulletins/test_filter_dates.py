"""Dates are typed in the GOV.UK date input (day, month, year): on the list and search filters,
and on a bulletin's "valid until". A date that is not real, or a "from" after the "to", is a
problem shown in the error summary, not an empty list."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from bulletins.models import Bulletin
from tests.helpers import listed, make_bulletin

pytestmark = pytest.mark.django_db


def typed(name: str, day: str, month: str, year: str) -> dict:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


@pytest.fixture
def three_months(ncpp_officer, retail) -> list[Bulletin]:
    """A bulletin published on the 10th of each of January, February and March 2026."""
    return [
        make_bulletin(
            ncpp_officer,
            title=f"Update for month {month}",
            sectors=[retail],
            published_at=timezone.make_aware(datetime(2026, month, 10, 9, 0)),
        )
        for month in (1, 2, 3)
    ]


def test_the_filters_ask_for_dates_as_day_month_and_year(client, isl):
    client.force_login(isl)
    page = client.get("/bulletins/").content.decode()

    for name in ("published_from", "published_to"):
        for part, width in (("day", 2), ("month", 2), ("year", 4)):
            box = next(line for line in page.splitlines() if f'name="{name}-{part}"' in line)
            assert f"govuk-input--width-{width}" in box and 'inputmode="numeric"' in box
    assert page.count('class="govuk-fieldset" role="group"') == 2
    assert "For example, 27 3 2026" in page
    assert 'type="date"' not in page  # not the browser's own picker


def test_a_range_of_typed_dates_narrows_the_list(client, isl, three_months):
    january, february, march = three_months
    client.force_login(isl)

    response = client.get(
        "/bulletins/",
        {**typed("published_from", "1", "2", "2026"), **typed("published_to", "28", "Feb", "2026")},
    )

    assert listed(response) == [february.pk]
    page = response.content.decode()
    assert 'name="published_to-month" type="text" value="Feb"' in page  # kept as typed


def test_links_with_iso_dates_still_work(client, isl, three_months):
    january, february, march = three_months
    client.force_login(isl)

    response = client.get("/bulletins/", {"published_from": "2026-02-01"})

    assert listed(response) == [march.pk, february.pk]
    assert 'name="published_from-day" type="text" value="1"' in response.content.decode()


def test_a_from_date_after_the_to_date_is_an_error_not_an_empty_list(client, isl, three_months):
    client.force_login(isl)

    response = client.get(
        "/bulletins/",
        {**typed("published_from", "1", "3", "2026"), **typed("published_to", "1", "2", "2026")},
    )

    page = response.content.decode()
    assert response.status_code == 200
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert (
        '<a href="#id_published_from-day">The “published from” date must be the same as or '
        "before the “published to” date</a>"
    ) in summary
    assert "There are no bulletins" not in page and listed(response) == []


def test_the_same_problem_is_shown_on_the_search_page(client, isl, three_months):
    client.force_login(isl)

    response = client.get(
        "/bulletins/search/",
        {
            "q": "update",
            **typed("published_from", "1", "3", "2026"),
            **typed("published_to", "1", "2", "2026"),
        },
    )

    page = response.content.decode()
    assert "must be the same as or before the “published to” date" in page
    assert "No bulletin you can read matches" not in page


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2026", "The “published from” date must be a real date"),
        ("30", "13", "2026", "The “published from” date must be a real date"),
        ("first", "2", "2026", "The “published from” date must be a real date"),
        ("1", "", "2026", "The “published from” date must include a month"),
        ("", "", "2026", "The “published from” date must include a day and month"),
        ("1", "2", "26", "The “published from” date must have a year of 4 numbers, like 2026"),
    ],
)
def test_a_date_that_is_not_real_or_not_whole_is_explained(
    client, isl, three_months, day, month, year, message
):
    client.force_login(isl)

    response = client.get("/bulletins/", typed("published_from", day, month, year))

    page = response.content.decode()
    assert f'<a href="#id_published_from-day">{message}</a>' in page
    assert "govuk-form-group--error" in page and listed(response) == []


def test_empty_date_boxes_filter_nothing(client, isl, three_months):
    client.force_login(isl)

    response = client.get(
        "/bulletins/", {**typed("published_from", "", "", ""), **typed("published_to", "", "", "")}
    )

    assert len(listed(response)) == 3
    assert "There is a problem" not in response.content.decode()


def test_valid_until_is_typed_as_day_month_and_year(client, ncpp_officer):
    client.force_login(ncpp_officer)
    data = {
        "title": "Crowded places advice",
        "summary": "What to do.",
        "marking": "TLP:GREEN",
        "audience": "all",
        **typed("valid_until", "30", "6", "2026"),
    }

    assert client.post("/bulletins/new/", data).status_code == 302
    draft = Bulletin.objects.get()
    assert draft.valid_until == date(2026, 6, 30)
    edit = client.get(f"/bulletins/{draft.pk}/edit/").content.decode()
    assert 'name="valid_until-day" type="text" value="30"' in edit

    response = client.post(
        f"/bulletins/{draft.pk}/edit/", {**data, **typed("valid_until", "31", "6", "2026")}
    )
    assert response.status_code == 200
    assert "Valid until must be a real date" in response.content.decode()
    draft.refresh_from_db()
    assert draft.valid_until == date(2026, 6, 30)
