"""The time a change of threat level takes effect is typed as a GOV.UK date (day, month, year)
and a time on the 24-hour clock, in UK time; not the browser's own date-and-time picker."""

from datetime import UTC, datetime

import pytest

from tests.helpers import days_ago, record_change
from threat_levels.models import ThreatLevelChange

pytestmark = pytest.mark.django_db

RECORD = "/threat-level/record/"
CONFIRM = "/threat-level/record/confirm/"


def prepare(client, scope, **boxes):
    data = {"scope": scope.pk, "level": "CRITICAL", "note": "Raised after it.", "correction": "on"}
    data.update({f"effective_at-{part}": value for part, value in boxes.items()})
    return client.post(RECORD, data)


def test_the_form_asks_for_day_month_year_and_a_24_hour_time(client, ncpp_officer):
    client.force_login(ncpp_officer)
    page = client.get(RECORD).content.decode()

    for part in ("day", "month", "year", "time"):
        assert f'name="effective_at-{part}"' in page
    assert "Time (24-hour)" in page and "14:30 (24-hour clock)" in page
    assert "datetime-local" not in page


def test_a_correction_typed_in_boxes_is_recorded_at_that_uk_time(client, ncpp_officer, national):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    client.force_login(ncpp_officer)

    response = prepare(client, national, day="23", month="5", year="2017", time="00:00")
    assert response.status_code == 302
    # Going back to the form shows what was typed, in UK time.
    page = client.get(RECORD).content.decode()
    assert 'name="effective_at-day" type="text" value="23"' in page
    assert 'name="effective_at-time" type="text" value="00:00"' in page
    token = client.session["threat_level_pending_change"]["token"]
    client.post(CONFIRM, {"token": token, "confirmation": "CRITICAL"})

    change = ThreatLevelChange.objects.get(level="CRITICAL")
    assert change.effective_at == datetime(2017, 5, 22, 23, 0, tzinfo=UTC)  # midnight BST


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        (
            {"day": "23", "month": "5", "year": "2017", "time": "25:00"},
            "The time it takes effect must have a real time on the 24-hour clock, like 14:30",
        ),
        (
            {"day": "23", "month": "5", "year": "2017", "time": ""},
            "The time it takes effect must include a time, like 14:30",
        ),
        (
            {"day": "29", "month": "2", "year": "2017", "time": "10:00"},
            "The time it takes effect must be a real date",
        ),
        (
            {"day": "", "month": "", "year": "", "time": "10:00"},
            "The time it takes effect must include a date",
        ),
    ],
)
def test_a_moment_that_is_not_real_or_not_whole_is_explained(
    client, ncpp_officer, national, boxes, message
):
    client.force_login(ncpp_officer)

    response = prepare(client, national, **boxes)

    assert response.status_code == 200
    assert f'<a href="#id_effective_at-day">{message}</a>' in response.content.decode()
    assert "threat_level_pending_change" not in client.session
