"""Who is signed in, read from the cache with the session: the person, and whether they have a
second factor.

Every signed-in request needs both (Django's session gives only the person's id), and reading
them from PostgreSQL cost two queries and a connection check on every request. They are kept in
the cache instead, one entry per session (accounts.sessions reads it in the same round trip as
the session itself, together with the people's stamp).

The stamp is replaced whenever anyone is saved or deleted, or an authenticator is, at once and
again when that transaction commits (the bulletins' kept results work the same way,
bulletins/kept.py); an entry made under an older stamp is never used. So a leaver's
deactivation, a new password or a removed authenticator takes effect on the person's next
request. Saves that change only when someone last signed in or last used an authenticator,
which every sign-in makes, leave the stamp alone. Groups and sectors are not kept here: every
page that needs them reads them afresh.
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
from .sessions import PEOPLE_STAMP, kept_person_key, loaded_session

KEEP_SECONDS = 10 * 60
# Saves that tell nothing a request relies on.
BOOKKEEPING = {frozenset({"last_login"}), frozenset({"last_used_at"})}


class AuthenticationBackend(AllauthBackend):
    """allauth's backend (email and password), with the signed-in person kept in the cache."""

    def get_user(self, user_id):
        session = loaded_session()
        stamp, entry = session.kept_person if session is not None else (None, None)
        if stamp is not None and entry is not None and entry[:2] == (stamp, str(user_id)):
            user, second_factor = entry[2], entry[3]
        else:
            if stamp is None:
                cache.add(PEOPLE_STAMP, secrets.token_hex(8), None)
                stamp = cache.get(PEOPLE_STAMP)
            user = super().get_user(user_id)
            if user is None:
                return None
            second_factor = is_mfa_enabled(user)
            if stamp is not None and session is not None and session.session_key:
                entry = (stamp, str(user_id), user, second_factor)
                cache.set(kept_person_key(session.session_key), entry, KEEP_SECONDS)
        note_second_factor(user, second_factor)
        return user


def forget_people() -> None:
    """Mark everything kept of anyone out of date: now, and again once the change commits."""

    def replace() -> None:
        cache.set(PEOPLE_STAMP, secrets.token_hex(8), None)

    replace()
    transaction.on_commit(replace)


def _matters(update_fields) -> bool:
    return update_fields is None or frozenset(update_fields) not in BOOKKEEPING


@receiver(post_save, sender=User)
@receiver(post_save, sender=Authenticator)
def _on_save(sender, instance, update_fields=None, **kwargs) -> None:
    if _matters(update_fields):
        forget_people()


@receiver(post_delete, sender=User)
@receiver(post_delete, sender=Authenticator)
def _on_delete(sender, instance, **kwargs) -> None:
    forget_people()
