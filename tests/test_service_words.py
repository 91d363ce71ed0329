"""The sign-in pages speak as the portal does: sentence case, one name for the second factor,
GOV.UK page titles, and a sessions table a person can read (issue 14, item 10)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.usersessions.models import UserSession
from django.test import Client

from accounts.devices import describe_device
from tests.helpers import PASSWORD, make_person
from tests.test_route_policy import ALLAUTH

pytestmark = pytest.mark.django_db

# allauth's own words, which the portal's pages must not show.
ALLAUTH_WORDS = [
    "Two-Factor",
    "two-factor",
    "Sign In",
    "Sign Out",
    "Sign Up",
    "Change Email",
    "Email Address",
    "Started At",
    "Confirm Access",
    "Security Key",
    "Authenticator App",
    "Recovery Codes",
    "Password Reset",
    "Change Password",
    "Reset My Password",
    "Send me a sign-in code",
    "Forgot your password?",
    "Activate",
    "Please ",
    "This field is required",
]
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
SENTENCE_TITLE = re.compile(r"^(Error: )?[A-Z][^–\n]*[^\s–] – ISL Briefing Portal$")

CHROME_ON_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)

# Each of allauth's pages that shows something (route name: path), as the person who sees it.
SIGNED_IN_PAGES = {
    "account_logout": "/accounts/logout/",
    "account_inactive": "/accounts/inactive/",
    "account_reauthenticate": "/accounts/reauthenticate/",
    "account_email": "/accounts/email/",
    "account_email_verification_sent": "/accounts/confirm-email/",
    "account_change_password": "/accounts/password/change/",
    "account_reset_password": "/accounts/password/reset/",
    "account_reset_password_done": "/accounts/password/reset/done/",
    "account_reset_password_from_key": "/accounts/password/reset/key/zz-no-such-key/",
    "account_reset_password_from_key_done": "/accounts/password/reset/key/done/",
    "account_confirm_email": "/accounts/confirm-email/no-such-key/",
    "mfa_index": "/accounts/2fa/",
    "mfa_reauthenticate": "/accounts/2fa/reauthenticate/",
    "mfa_deactivate_totp": "/accounts/2fa/totp/deactivate/",
    "mfa_generate_recovery_codes": "/accounts/2fa/recovery-codes/generate/",
    "mfa_view_recovery_codes": "/accounts/2fa/recovery-codes/",
    "mfa_list_webauthn": "/accounts/2fa/webauthn/",
    "mfa_add_webauthn": "/accounts/2fa/webauthn/add/",
    "mfa_edit_webauthn": "/accounts/2fa/webauthn/keys/{key}/edit/",
    "mfa_remove_webauthn": "/accounts/2fa/webauthn/keys/{key}/remove/",
    "usersessions_list": "/accounts/sessions/",
}
SIGNED_OUT_PAGES = {
    "account_login": "/accounts/login/",
    "account_signup": "/accounts/signup/",
    "account_reset_password": "/accounts/password/reset/",
    "account_inactive": "/accounts/inactive/",
}
HALF_SIGNED_IN_PAGES = {"mfa_authenticate": "/accounts/2fa/authenticate/"}
SETTING_UP_PAGES = {"mfa_activate_totp": "/accounts/2fa/totp/activate/"}


def title_of(page: str) -> str:
    return TITLE.search(page).group(1)


def assert_in_portal_words(page: str, path: str) -> None:
    assert SENTENCE_TITLE.match(title_of(page)), (path, title_of(page))
    found = [words for words in ALLAUTH_WORDS if words in page]
    assert not found, (path, found)


@pytest.fixture
def reauthenticated(client, isl):
    """The ISL, signed in and having just confirmed it is them, with recovery codes."""
    RecoveryCodes.activate(isl)
    client.force_login(isl)
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    return client


def test_every_allauth_page_the_portal_shows_is_walked_here():
    shown = {name for name, outcomes in ALLAUTH.items() if "200" in outcomes}
    walked = SIGNED_IN_PAGES | SIGNED_OUT_PAGES | HALF_SIGNED_IN_PAGES | SETTING_UP_PAGES

    assert shown <= set(walked), shown - set(walked)


def test_the_signed_in_pages_use_the_portals_words_and_titles(reauthenticated, isl):
    client = reauthenticated
    key = None
    for name, path in SIGNED_IN_PAGES.items():
        if name == "mfa_view_recovery_codes":
            client.post("/accounts/2fa/recovery-codes/generate/")
        if name in ("mfa_edit_webauthn", "mfa_remove_webauthn"):
            # A passkey to show: added after the page that adds one, which reads real keys.
            key = key or Authenticator.objects.create(
                user=isl, type=Authenticator.Type.WEBAUTHN, data={"name": "Work key"}
            )
            path = path.format(key=key.pk)
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert_in_portal_words(response.content.decode(), path)


def test_the_signed_out_and_half_signed_in_pages_use_the_portals_words(client, isl):
    for path in SIGNED_OUT_PAGES.values():
        response = client.get(path)
        assert response.status_code == 200, path
        assert_in_portal_words(response.content.decode(), path)

    client.post("/accounts/login/", {"login": isl.email, "password": PASSWORD})
    page = client.get(HALF_SIGNED_IN_PAGES["mfa_authenticate"]).content.decode()

    assert_in_portal_words(page, "mfa_authenticate")
    assert "Enter your code" in page


def test_the_profile_calls_it_the_second_factor_as_every_page_does(client, isl):
    client.force_login(isl)

    profile = client.get("/profile/").content.decode()
    index = client.get("/accounts/2fa/").content.decode()

    assert "Second factor" in profile
    assert '<h1 class="govuk-heading-l">Your second factor</h1>' in index


def test_confirming_it_is_you_never_offers_a_code_by_email(client, isl):
    client.force_login(isl)

    page = client.get("/accounts/reauthenticate/").content.decode()
    by_code = client.get("/accounts/reauthenticate/code/")

    assert "sign-in code" not in page
    assert "Use a code from your authenticator app or a recovery code instead" in page
    assert by_code.status_code == 403


def test_the_sessions_table_says_when_and_on_what_device_in_words(isl):
    browser = Client(headers={"X-Forwarded-Proto": "https", "User-Agent": CHROME_ON_LINUX})
    browser.force_login(isl)
    browser.get("/")  # usersessions records the session on its first request
    assert UserSession.objects.filter(user=isl).exists()

    page = browser.get("/accounts/sessions/").content.decode()

    assert '<th scope="col" class="govuk-table__header">Signed in</th>' in page
    assert '<th scope="col" class="govuk-table__header">Last seen</th>' in page
    assert "Chrome on Linux" in page
    assert "This device" in page
    assert "Mozilla/5.0" not in page
    assert "AppleWebKit" not in page


@pytest.mark.parametrize(
    "user_agent, words",
    [
        (CHROME_ON_LINUX, "Chrome on Linux"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Safari on an iPhone",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Firefox on a Mac",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "An unknown browser"),
        ("", "An unknown browser"),
    ],
)
def test_a_user_agent_reads_as_a_browser_on_a_system(user_agent, words):
    assert describe_device(user_agent) == words


def test_a_person_setting_up_their_second_factor_sees_only_sign_out_in_the_header(client):
    newcomer = make_person("newcomer@example.org", "Newcomer", second_factor=False)
    client.force_login(newcomer)

    page = client.get("/threat-level/").content.decode()
    header = page.split("</header>")[0]

    assert "Sign out" in header
    for elsewhere in ("Dashboard", "Bulletins", "Your profile", "Manage"):
        assert elsewhere not in header, elsewhere


def test_a_fully_signed_in_person_has_the_whole_navigation(client, isl):
    client.force_login(isl)

    header = client.get("/").content.decode().split("</header>")[0]

    assert "Dashboard" in header and "Bulletins" in header and "Sign out" in header


@pytest.mark.django_db(transaction=True)
def test_the_account_emails_speak_as_the_portal_does(isl, mailoutbox):
    browser = Client(headers={"X-Forwarded-Proto": "https", "User-Agent": CHROME_ON_LINUX})
    browser.post("/accounts/password/reset/", {"email": isl.email})
    browser.force_login(isl)
    browser.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a new long pass phrase",
            "password2": "a new long pass phrase",
        },
    )

    reset, changed = mailoutbox
    assert reset.subject == "[ISL Portal] Reset your password"
    assert "follow this link to choose a new one" in reset.body
    assert changed.subject == "[ISL Portal] Your password was changed"
    assert "from Chrome on Linux at the network address" in changed.body
    for message in (reset, changed):
        assert "Hello from" not in message.body
        assert "Mozilla/5.0" not in message.body
        assert not re.search(r"\d[ap]\.m\.", message.body)
