"""Being signed in costs almost nothing (issue 17): an ordinary signed-in GET writes nothing to
the database, and reads neither the person nor their second factor from it, since both are kept
in the cache (accounts.backends). What the sessions page shows is still kept, at most once a
minute, and at once when the address or the browser changes."""

import re

import pytest
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.middleware import LAST_SEEN_RESOLUTION, SESSION_LAST_SEEN
from tests.helpers import make_bulletin

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|SAVEPOINT|BEGIN|COMMIT)\b", re.IGNORECASE)


def statements(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def reader(isl) -> Client:
    client = Client(headers={"X-Forwarded-Proto": "https", "User-Agent": "Browser/1"})
    client.force_login(isl)
    return client


def test_an_ordinary_signed_in_get_writes_nothing(reader, ncpp_officer, retail):
    bulletin = make_bulletin(ncpp_officer, title="Hostile reconnaissance", sectors=[retail])
    pages = ["/", "/bulletins/", f"/bulletins/{bulletin.pk}/", "/bulletins/search/?q=hostile",
             "/profile/", "/threat-level/"]  # fmt: skip
    for path in pages:  # the first view of a bulletin records its reading
        reader.get(path)

    for path in pages:
        writes = [sql for sql in statements(reader, path) if WRITES.match(sql)]
        assert writes == [], (path, writes)


def test_the_person_and_their_second_factor_come_from_the_cache(reader):
    reader.get("/profile/")

    read = " ".join(statements(reader, "/profile/"))

    assert "mfa_authenticator" not in read
    assert 'FROM "accounts_user" WHERE "accounts_user"."id" =' not in read


def test_the_sessions_page_record_moves_at_most_once_a_minute(reader, isl):
    reader.get("/profile/")
    record = UserSession.objects.get(user=isl)
    seen = record.last_seen_at

    reader.get("/profile/")
    assert UserSession.objects.get(pk=record.pk).last_seen_at == seen

    session = reader.session
    session[SESSION_LAST_SEEN] -= LAST_SEEN_RESOLUTION
    session.save()
    reader.get("/profile/")
    assert UserSession.objects.get(pk=record.pk).last_seen_at > seen


def test_a_new_address_or_browser_is_on_the_sessions_page_at_once(reader, isl):
    reader.get("/profile/")
    reader.get("/profile/", headers={"X-Forwarded-For": "203.0.113.9"})
    assert UserSession.objects.get(user=isl).ip == "203.0.113.9"

    reader.get("/profile/", headers={"X-Forwarded-For": "203.0.113.9", "User-Agent": "Other/2"})
    assert UserSession.objects.get(user=isl).user_agent == "Other/2"


def test_a_change_to_the_person_is_seen_on_their_next_request(reader, isl):
    """What the cache keeps of the person never outlives a change to them."""
    assert reader.get("/profile/").status_code == 200
    isl.name = "Renamed lead"
    isl.save()
    assert "Renamed lead" in reader.get("/profile/").content.decode()

    isl.is_active = False
    isl.save()
    assert reader.get("/profile/").status_code == 302


def test_removing_the_second_factor_is_seen_on_the_next_request(reader, isl):
    assert reader.get("/bulletins/").status_code == 200
    isl.authenticator_set.all().delete()
    response = reader.get("/bulletins/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/2fa/totp/activate/"
