"""The public history page: a table per scope and the timeline chart, in UK time."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.helpers import days_ago, record_change
from threat_levels.cap import cap_datetime
from threat_levels.models import ThreatLevel, ThreatLevelChange

pytestmark = pytest.mark.django_db

LEVELS = list(ThreatLevel)


def fill_history(scope, years: int, per_year: int) -> int:
    """A change every few weeks for `years` years, moving between neighbouring levels."""
    start = timezone.now() - timedelta(days=365 * years)
    count = years * per_year
    rows = [
        ThreatLevelChange(
            scope=scope,
            level=LEVELS[1 + index % 3],
            meaning="an attack is likely",
            effective_at=start + timedelta(days=index * 365 / per_year),
            note=f"Change {index}.",
        )
        for index in range(count)
    ]
    ThreatLevelChange.objects.bulk_create(rows)
    return count


def rows_of(page: str, slug: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="history-{slug}".*?</table>', page, re.S).group(0)
    return re.findall(r'<tr class="govuk-table__row" id="change-\d+"', table)


def test_anyone_can_read_the_history_newest_first(client, national, northern_ireland):
    record_change(national, "SEVERE", days_ago(300), note="First.")
    record_change(national, "CRITICAL", days_ago(200), note="Second.")
    record_change(northern_ireland, "SUBSTANTIAL", days_ago(100), note="Third.")

    page = client.get("/threat-level/").content.decode()

    assert '<caption class="govuk-table__caption govuk-table__caption--m">UK (national)' in page
    assert '<th scope="col" class="govuk-table__header">Level</th>' in page
    assert page.index("Second.") < page.index("First.")
    assert len(rows_of(page, "national")) == 2
    assert len(rows_of(page, "northern-ireland")) == 1
    assert 'rel="alternate" type="application/atom+xml"' in page


def test_the_chart_is_an_accessible_svg_with_a_line_per_scope(client, national, northern_ireland):
    record_change(national, "SEVERE", datetime(2006, 8, 1, tzinfo=UTC))
    record_change(national, "CRITICAL", datetime(2006, 8, 10, tzinfo=UTC))
    record_change(northern_ireland, "SEVERE", datetime(2010, 9, 24, tzinfo=UTC))

    page = client.get("/threat-level/").content.decode()
    svg = re.search(r"<svg class=\"portal-threat-chart__svg\".*?</svg>", page, re.S).group(0)

    assert 'role="img"' in svg
    assert 'aria-labelledby="threat-chart-title threat-chart-desc"' in svg
    title = r'<title id="threat-chart-title">Threat levels from 2006 to \d{4}</title>'
    assert re.search(title, svg)
    assert "UK (national): 2 changes, CRITICAL since 10 August 2006." in svg
    assert "The tables below list every change." in svg
    assert len(re.findall(r'<path class="portal-threat-chart__line" d="M[\d.]+ [\d.]+ ', svg)) == 2
    for level in ThreatLevel:
        assert f">{level}</text>" in svg
    assert ">2006</text>" in svg
    assert "style=" not in svg


def test_the_history_page_costs_the_same_few_queries_for_25_years_of_history(
    client, national, northern_ireland, django_assert_num_queries
):
    record_change(national, "SEVERE", days_ago(1))
    client.get("/threat-level/")  # the banner's cache is warm, as it nearly always is
    with django_assert_num_queries(2):  # the scopes, then their changes
        client.get("/threat-level/")

    count = fill_history(national, 25, 8) + fill_history(northern_ireland, 25, 4)
    client.get("/")
    with django_assert_num_queries(2):
        page = client.get("/threat-level/").content.decode()

    assert len(rows_of(page, "national")) + len(rows_of(page, "northern-ireland")) == count + 1
    assert page.count('class="portal-threat-chart__point"') == count + 1


def test_times_are_stored_in_utc_and_shown_in_uk_time_across_a_clock_change(client, national):
    # 23:30 UTC on 26 October 2024 is 00:30 BST on the 27th; the clocks went back at 01:00 UTC.
    summer = record_change(national, "SEVERE", datetime(2024, 10, 26, 23, 30, tzinfo=UTC))
    winter = record_change(national, "SUBSTANTIAL", datetime(2024, 10, 27, 23, 30, tzinfo=UTC))
    summer.refresh_from_db()
    winter.refresh_from_db()

    assert summer.effective_at.utcoffset() == timedelta(0)
    assert summer.effective_at == datetime(2024, 10, 26, 23, 30, tzinfo=UTC)
    page = client.get("/threat-level/").content.decode()
    assert '<time datetime="2024-10-27T00:30:00+01:00">27 October 2024, 00:30</time>' in page
    assert '<time datetime="2024-10-27T23:30:00+00:00">27 October 2024, 23:30</time>' in page
    assert cap_datetime(summer.effective_at) == "2024-10-27T00:30:00+01:00"
    assert cap_datetime(winter.effective_at) == "2024-10-27T23:30:00-00:00"


def test_an_officer_enters_uk_time_and_it_is_stored_in_utc(client, ncpp_officer, national):
    client.force_login(ncpp_officer)
    # Noon in June is BST (11:00 UTC); noon in January is GMT (12:00 UTC).
    for when, level in (("2020-06-01T12:00", "SEVERE"), ("2021-01-04T12:00", "SUBSTANTIAL")):
        data = {"scope": national.pk, "level": level, "effective_at": when, "note": "A change."}
        data["correction"] = "on"
        client.post("/threat-level/record/", data)
        token = client.session["threat_level_pending_change"]["token"]
        client.post("/threat-level/record/confirm/", {"token": token, "confirmation": level})

    stored = list(national.changes.order_by("effective_at").values_list("effective_at", flat=True))
    assert stored == [
        datetime(2020, 6, 1, 11, 0, tzinfo=UTC),
        datetime(2021, 1, 4, 12, 0, tzinfo=UTC),
    ]


def test_the_banner_date_is_the_uk_date(client, national):
    record_change(national, "SEVERE", datetime(2024, 10, 26, 23, 30, tzinfo=UTC))

    page = client.get("/").content.decode()

    assert '<time datetime="2024-10-27T00:30:00+01:00">27 October 2024</time>' in page


def test_staff_also_see_scheduled_changes_and_who_recorded_each(
    client, ncpp_officer, isl, national
):
    record_change(national, "SUBSTANTIAL", days_ago(10))
    record_change(
        national,
        "SEVERE",
        timezone.now() + timedelta(hours=3),
        note="Scheduled.",
        recorded_by=ncpp_officer,
        send_alert=True,
    )

    client.force_login(isl)
    assert "Scheduled." not in client.get("/threat-level/").content.decode()
    client.force_login(ncpp_officer)
    page = client.get("/threat-level/").content.decode()
    assert "Scheduled." in page
    assert ">Scheduled</strong>" in page
    assert "by NCPP officer" in page
    assert 'href="/threat-level/record/"' in page
