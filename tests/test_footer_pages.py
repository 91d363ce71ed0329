"""The four pages a UK public-sector service links from every page: the accessibility statement
(in the GOV.UK model form), the privacy notice, the cookies page and how to get in touch."""

import pytest
from django.conf import settings
from django.test import Client

from tests.helpers import PASSWORD, totp_code

pytestmark = pytest.mark.django_db

PAGES = {
    "/accessibility/": "Accessibility statement for the ISL Briefing Portal",
    "/privacy/": "Privacy notice",
    "/cookies/": "Cookies",
    "/contact/": "Contact",
}


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_the_four_from_its_footer(client, isl, signed_in):
    if signed_in:
        client.force_login(isl)
    for path in ["/", "/threat-level/", *PAGES]:
        footer = client.get(path).content.decode().split('<footer class="govuk-footer">')[1]
        for page in PAGES:
            assert f'href="{page}"' in footer, (path, page)


@pytest.mark.parametrize(("path", "heading"), PAGES.items())
def test_each_page_is_open_to_everyone(client, path, heading):
    page = client.get(path).content.decode()

    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert settings.CONTACT_EMAIL in page or path == "/cookies/"


def test_the_accessibility_statement_follows_the_model_form(client):
    page = client.get("/accessibility/").content.decode()

    for section in (
        "How accessible this service is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Technical information about this service’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "How we tested this service",
        "Preparation of this accessibility statement",
    ):
        assert f">{section}</h" in page, section
    assert "partially compliant" in page


def test_the_cookies_page_names_every_cookie_a_sign_in_sets(isl):
    """Sign in for real (password, then the authenticator's code) and collect every cookie the
    portal set on the way: each must be on the cookies page."""
    browser = Client(headers={"X-Forwarded-Proto": "https"})  # as the TLS proxy sends it
    names = set()
    for response in (
        browser.get("/accounts/login/"),
        browser.post("/accounts/login/", {"login": isl.email, "password": PASSWORD}),
        browser.post("/accounts/2fa/authenticate/", {"code": totp_code(isl.totp_secret)}),
        browser.get("/"),
    ):
        names |= set(response.cookies)
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME} <= names

    page = Client(headers={"X-Forwarded-Proto": "https"}).get("/cookies/").content.decode()

    for name in names:
        assert f"<code>{name}</code>" in page, name
    assert "no analytics" in page
