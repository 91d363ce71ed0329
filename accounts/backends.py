"""Who is signed in, read from the cache: the person, and whether they have a second factor.

Every signed-in request needs both (Django's session gives only the person's id), and reading
them from PostgreSQL cost two queries and a connection check on every request. They are kept
in the cache instead, under a stamp that is replaced whenever the person or one of their
authenticators is saved or deleted, at once and again when that transaction commits (the
bulletins' kept results work the same way, bulletins/kept.py). An entry made while a change was
under way carries the older stamp and is never used, so a leaver's deactivation, a new
password or a removed authenticator takes effect on the person's next request. Groups and
sectors are not kept here: every page that needs them reads them afresh.
"""

import secrets

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.access import note_second_factor

from .models import User

KEEP_SECONDS = 10 * 60


def _keys(pk) -> tuple[str, str]:
    return f"person:{pk}:stamp", f"person:{pk}"


class AuthenticationBackend(AllauthBackend):
    """allauth's backend (email and password), with the signed-in person read from the cache."""

    def get_user(self, user_id):
        stamp_key, key = _keys(user_id)
        found = cache.get_many([stamp_key, key])
        stamp = found.get(stamp_key)
        entry = found.get(key)
        if stamp is not None and entry is not None and entry[0] == stamp:
            user, second_factor = entry[1], entry[2]
        else:
            user = super().get_user(user_id)
            if user is None:
                return None
            second_factor = is_mfa_enabled(user)
            if stamp is None:
                cache.add(stamp_key, secrets.token_hex(8), None)
                stamp = cache.get(stamp_key)
            if stamp is not None:
                cache.set(key, (stamp, user, second_factor), KEEP_SECONDS)
        note_second_factor(user, second_factor)
        return user


def forget(pk) -> None:
    """Mark what is kept of this person out of date: now, and again once the change commits."""

    def replace() -> None:
        cache.set(_keys(pk)[0], secrets.token_hex(8), None)

    replace()
    transaction.on_commit(replace)


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _on_person_change(sender, instance, **kwargs) -> None:
    forget(instance.pk)


@receiver(post_save, sender=Authenticator)
@receiver(post_delete, sender=Authenticator)
def _on_authenticator_change(sender, instance, **kwargs) -> None:
    forget(instance.user_id)
