"""Audit rows for sign-in events, which only allauth's and Django's signals can see.

The receivers record and do nothing else.
"""

import time

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from .audit import record_audit
from .middleware import SESSION_LAST_SEEN, SESSION_STARTED


@receiver(auth_signals.user_logged_in)
def on_signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED] = now
        request.session[SESSION_LAST_SEEN] = now
    record_audit("auth.signed_in", actor=user, target=user, request=request)


@receiver(auth_signals.user_logged_out)
def on_signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_audit("auth.signed_out", actor=user, target=user, request=request)


@receiver(auth_signals.user_login_failed)
def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    tried = credentials.get("email") or credentials.get("username") or ""
    record_audit(
        "auth.sign_in_failed",
        actor=None,
        actor_email=tried[:254],
        changes={"email": tried[:254]},
        request=request,
    )


@receiver(mfa_signals.authentication_failed)
def on_code_failed(sender, request, user, **kwargs) -> None:
    record_audit("auth.code_failed", actor=user, target=user, request=request)


@receiver(mfa_signals.authenticator_added)
def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    record_audit(
        "mfa.added", actor=user, target=user, changes={"type": authenticator.type}, request=request
    )


@receiver(mfa_signals.authenticator_removed)
def on_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    record_audit(
        "mfa.removed",
        actor=user,
        target=user,
        changes={"type": authenticator.type},
        request=request,
    )


@receiver(mfa_signals.authenticator_reset)
def on_authenticator_reset(sender, request, user, authenticator, **kwargs) -> None:
    record_audit(
        "mfa.reset", actor=user, target=user, changes={"type": authenticator.type}, request=request
    )


@receiver(account_signals.password_changed)
def on_password_changed(sender, request, user, **kwargs) -> None:
    record_audit("auth.password_changed", actor=user, target=user, request=request)


@receiver(account_signals.password_reset)
def on_password_reset(sender, request, user, **kwargs) -> None:
    record_audit("auth.password_reset", actor=user, target=user, request=request)


@receiver(account_signals.email_changed)
def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    record_audit(
        "auth.email_changed",
        actor=user,
        target=user,
        changes={"email": [getattr(from_email_address, "email", ""), to_email_address.email]},
        request=request,
    )
