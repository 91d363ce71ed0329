"""Session limits and mandatory MFA, applied to every request."""

import hashlib
import time
from collections.abc import Callable

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from portal.access import fully_signed_in

SESSION_STARTED = "portal_auth_started"
SESSION_LAST_SEEN = "portal_last_seen"
SESSION_CLIENT = "portal_client"
# A session, and its row on the sessions page, are written back at most this often just to
# move their clocks: an ordinary page view writes nothing to the database.
LAST_SEEN_RESOLUTION = 60

# Pages a signed-in person without a second factor may still reach: setting one up,
# signing out, the invitation link, and what is public to everyone.
MFA_EXEMPT_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_authenticate",
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_confirm_email",
        "invitation_accept",
        "healthz",
        "threat_level_history",
        "threat_level_api",
        "threat_level_feed",
        "threat_level_cap",
        "accessibility_statement",
        "privacy_notice",
        "cookies",
        "contact",
    }
)


def client_of(request: HttpRequest) -> str:
    """A fingerprint of where a request comes from and in what browser: what the proxy and the
    browser send, as they send it (working out the address itself costs more than the rest of
    a signed-in request's own work, so that is left to when the record is written)."""
    meta = request.META
    seen = "\n".join(
        (meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR", ""),
         meta.get("HTTP_USER_AGENT", ""))
    )  # fmt: skip
    return hashlib.sha256(seen.encode(errors="replace")).hexdigest()[:24]


class SessionTimeoutMiddleware:
    """Sign out after SESSION_IDLE_TIMEOUT without a request, or SESSION_ABSOLUTE_TIMEOUT after
    sign-in, whichever comes first; and keep the sessions page's record of each session.

    The record (allauth.usersessions: address, browser, last seen) is written when the session
    moves its idle clock, at most once every LAST_SEEN_RESOLUTION, or at once when the address or
    the browser changes; allauth's own middleware, which wrote it on every request, is not used.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self.sign_out(request, "You were signed out after 30 minutes without use.")
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                return self.sign_out(request, "You were signed out: sessions last 12 hours.")
            client = client_of(request)
            if (
                now - last_seen >= LAST_SEEN_RESOLUTION
                or SESSION_LAST_SEEN not in session
                or session.get(SESSION_CLIENT) != client
            ):
                session[SESSION_LAST_SEEN] = now
                session[SESSION_CLIENT] = client
                if session.session_key:
                    UserSession.objects.create_from_request(request)
        return self.get_response(request)

    @staticmethod
    def sign_out(request: HttpRequest, message: str) -> HttpResponse:
        path = request.get_full_path()
        logout(request)
        messages.info(request, f"{message} Sign in again to carry on.")
        return redirect_to_login(path)


class RequireMFAMiddleware:
    """Everyone must have a second factor: a signed-in person without one is sent to set one up
    before anything else.

    It decides in process_view, where Django has already resolved the URL, so the check costs
    no second resolution; an unknown URL simply answers 404.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        user = request.user
        if (
            user.is_authenticated
            and request.resolver_match.url_name not in MFA_EXEMPT_URL_NAMES
            and not fully_signed_in(user)
        ):
            return redirect("mfa_activate_totp")
        return None
