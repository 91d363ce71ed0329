import logging
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_signed_out_home_says_what_the_portal_is_and_offers_sign_in(client):
    page = client.get("/").content.decode()

    assert "Protective security briefings for Industry Sector Leads" in page
    assert 'href="/accounts/login/"' in page
    assert 'class="govuk-skip-link"' in page
    assert 'id="main-content"' in page


def test_every_page_has_the_hotline_numbers_in_the_footer(client):
    for url in ("/", "/accounts/login/", "/no-such-page/"):
        page = client.get(url).content.decode()
        assert "0800 789 321" in page, url
        assert ">999<" in page, url
        assert ">101<" in page, url


def test_the_layout_is_the_services_own_brand(client):
    page = client.get("/").content.decode()

    assert "ISL Briefing Portal" in page
    assert "GOV.UK" not in page
    assert "govuk-header__crown" not in page
    assert "govuk-logo" not in page


def test_signed_in_home_is_the_dashboard_with_sign_out(client, isl):
    client.force_login(isl)

    page = client.get("/").content.decode()

    assert '<h1 class="govuk-heading-xl">Dashboard</h1>' in page
    assert 'action="/accounts/logout/"' in page


def test_an_unknown_page_answers_404_in_the_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"ISL Briefing Portal" in response.content


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = "tests.error_urls"


def test_a_forbidden_page_answers_403_in_the_layout(client, error_urls):
    response = client.get("/forbid/")

    assert response.status_code == 403
    assert b"You cannot do this" in response.content
    assert b"ISL Briefing Portal" in response.content


def test_a_server_error_shows_a_reference_and_nothing_of_the_failure(error_urls, caplog):
    client = Client(raise_request_exception=False, headers={"X-Forwarded-Proto": "https"})

    with caplog.at_level(logging.ERROR):
        response = client.get("/explode/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    reference = re.search(r"quote this reference: <strong>([0-9A-F]{8})</strong>", page).group(1)
    assert "hunter2" not in page
    assert "Traceback" not in page
    assert "RuntimeError" not in page
    # The same reference is in the log beside the traceback, so support can find it.
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None
