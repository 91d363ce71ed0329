"""allauth, fitted to the portal: invitation only, and sign-in limits that keep password
guessing out without letting anyone lock an account's owner out."""

import ipaddress
import secrets
import time
from datetime import timedelta
from typing import Any

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from .models import normalise_email

KNOWN_DEVICE_SALT = "accounts.known-device"
KNOWN_DEVICE_LIFETIME = timedelta(days=90)

# The session that has just accepted an invitation, and when: setting up the first second
# factor there does not ask for the password chosen moments before.
INVITATION_ACCEPTED = "portal_invitation_accepted"
# Long enough to install an authenticator app and scan the code; the same as the idle timeout.
FIRST_SET_UP_WINDOW = timedelta(minutes=30)


def known_device_cookie_name() -> str:
    # The __Host- prefix needs the Secure flag, which needs HTTPS: off DEBUG only.
    return "__Host-portal-device" if settings.SESSION_COOKIE_SECURE else "portal-device"


def _account_tag(email: str) -> str:
    """Ties a device cookie to one account without putting the address in the cookie."""
    return salted_hmac(KNOWN_DEVICE_SALT, normalise_email(email)).hexdigest()[:32]


def known_device(request: HttpRequest, email: str) -> str:
    """The device's id if this browser has fully signed in to `email`'s account before, else ""."""
    value = request.get_signed_cookie(
        known_device_cookie_name(),
        default="",
        salt=KNOWN_DEVICE_SALT,
        max_age=KNOWN_DEVICE_LIFETIME,
    )
    tag, _, device = value.partition(":")
    return device if device and secrets.compare_digest(tag, _account_tag(email)) else ""


def client_network(address: str) -> str:
    """The client's address as the rate limits count it: an IPv6 client by its /64 (allauth's
    RATE_LIMIT_IPV6_PREFIX), since one host can hold a whole /64 of addresses."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)
    return str(parsed)


def mark_invitation_accepted(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Remember, in this session only, that `user` has just accepted an invitation here."""
    request.session[INVITATION_ACCEPTED] = {"user": user.pk, "at": int(time.time())}


def just_accepted_invitation(request: HttpRequest) -> bool:
    """Whether the person signed in to this session accepted their invitation in it, within
    FIRST_SET_UP_WINDOW."""
    marker = request.session.get(INVITATION_ACCEPTED) or {}
    return (
        request.user.is_authenticated
        and marker.get("user") == request.user.pk
        and time.time() - marker.get("at", 0) < FIRST_SET_UP_WINDOW.total_seconds()
    )


def setting_up_first_second_factor(user: AbstractBaseUser) -> bool:
    """No second factor yet, or only the authenticator app just set up with the recovery codes
    made with it, which the person has not been shown yet."""
    authenticators = {item.type: item for item in Authenticator.objects.filter(user=user)}
    if not authenticators:
        return True
    codes = authenticators.get(Authenticator.Type.RECOVERY_CODES)
    return (
        set(authenticators) == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
        and not codes.wrap().did_view
    )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # The portal is invitation only: nobody signs themselves up.
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Adding a second factor asks for the password again (ACCOUNT_REAUTHENTICATION_REQUIRED),
        # except for the first one, in the session that has just accepted an invitation: the
        # emailed link and the password chosen there prove the person already. The exception
        # covers setting up the app and being shown its recovery codes, and nothing after;
        # it ends FIRST_SET_UP_WINDOW after the acceptance in any case.
        request = self.request or context.request
        if (
            app == "allauth.mfa"
            and request is not None
            and just_accepted_invitation(request)
            and setting_up_first_second_factor(request.user)
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed passwords ("5/15m/key" in ACCOUNT_RATE_LIMITS) against this
        # key. Its own key is the address typed, wherever the attempts come from: anyone who
        # knows an officer's address could then keep them out. Here the count is per account
        # and per client address (per device, for a browser that has fully signed in to that
        # account before), so a guesser uses up only their own allowance. The per-client
        # limit ("10/m/ip") still caps each address across all accounts, and allauth.mfa
        # keeps its own per-account limit on wrong codes. allauth 65 offers no public hook for
        # this key; tests/test_sign_in.py fails if an upgrade stops calling this one.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        device = known_device(request, credentials.get("email", ""))
        if device:
            return f"{account}:device:{device}"
        return f"{account}:from:{client_network(self.get_client_ip(request))}"

    def post_login(self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any):
        # Called only once every stage is passed, the second factor included.
        response = super().post_login(request, user, **kwargs)
        if isinstance(response, HttpResponse):
            remember_device(request, response, user.email)
        return response


def remember_device(request: HttpRequest, response: HttpResponse, email: str) -> None:
    """Mark this browser as one `email`'s owner has signed in from, for 90 days."""
    device = known_device(request, email) or secrets.token_urlsafe(16)
    response.set_signed_cookie(
        known_device_cookie_name(),
        f"{_account_tag(email)}:{device}",
        salt=KNOWN_DEVICE_SALT,
        max_age=int(KNOWN_DEVICE_LIFETIME.total_seconds()),
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
