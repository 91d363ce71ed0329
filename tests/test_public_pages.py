"""The public home page is served whole from the cache to visitors who are not signed in,
and only to them, and never with an old threat level (portal/public_pages.py)."""

import pytest
from django.conf import settings

from tests.helpers import days_ago, record_change

pytestmark = pytest.mark.django_db


def rendered(response) -> bool:
    """Whether the page was made by the templates, rather than served from the cache."""
    return any(template.name == "portal/home.html" for template in response.templates)


def test_a_visitor_gets_the_page_from_the_cache_with_every_security_header(client, national):
    record_change(national, "SUBSTANTIAL", days_ago(3))
    first = client.get("/")
    second = client.get("/")

    assert rendered(first) and not rendered(second)
    assert second.status_code == 200
    assert second.content == first.content
    assert ">SUBSTANTIAL<" in second.content.decode()
    for header in ("Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options"):
        assert second.headers[header] == first.headers[header], header


def test_a_new_level_replaces_the_cached_page_once_it_commits(
    client, national, django_capture_on_commit_callbacks
):
    record_change(national, "SUBSTANTIAL", days_ago(3))
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        record_change(national, "SEVERE")
    response = client.get("/")

    assert rendered(response)
    assert ">SEVERE<" in response.content.decode()


def test_a_signed_in_person_never_gets_the_visitors_page(client, national, isl):
    record_change(national, "SUBSTANTIAL", days_ago(3))
    client.get("/")  # cached for visitors

    client.force_login(isl)
    response = client.get("/")

    assert any(t.name == "portal/dashboard.html" for t in response.templates)
    assert "Sign out" in response.content.decode()


@pytest.mark.parametrize(
    "cookie", [settings.SESSION_COOKIE_NAME, "messages"], ids=["session", "messages"]
)
def test_a_visitor_with_a_session_or_a_message_waiting_gets_a_page_of_their_own(
    client, national, cookie
):
    record_change(national, "SUBSTANTIAL", days_ago(3))
    client.get("/")
    client.cookies[cookie] = "anything"

    assert rendered(client.get("/"))


def test_a_query_string_is_never_answered_from_the_cache(client, national):
    record_change(national, "SUBSTANTIAL", days_ago(3))
    client.get("/")

    assert rendered(client.get("/?from=email"))
