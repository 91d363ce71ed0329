"""Sessions in the cache and the database (Django's cached_db), read in one round trip to the
cache together with what is kept of the signed-in person (accounts.backends).

The entry of the person is kept under the session's own key, so it can be asked for before the
session says who is signed in; the people's stamp comes in the same round trip. The session last
loaded in this request is remembered for the authentication backend, and forgotten when the
request starts and ends.
"""

from contextvars import ContextVar

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.core.signals import request_finished, request_started
from django.dispatch import receiver

PEOPLE_STAMP = "people:stamp"

_loaded: ContextVar["SessionStore | None"] = ContextVar("portal_loaded_session", default=None)


def kept_person_key(session_key: str) -> str:
    return f"person-of-session:{session_key}"


def loaded_session() -> "SessionStore | None":
    return _loaded.get()


class SessionStore(CachedDBStore):
    # (the people's stamp, the entry kept for this session), as read with the session.
    kept_person: tuple = (None, None)

    def load(self):
        person_key = kept_person_key(self.session_key)
        found = self._cache.get_many([self.cache_key, person_key, PEOPLE_STAMP])
        self.kept_person = (found.get(PEOPLE_STAMP), found.get(person_key))
        _loaded.set(self)
        data = found.get(self.cache_key)
        # Not in the cache: Django's own way, from the database (and into the cache).
        return data if data is not None else super().load()


@receiver(request_started)
@receiver(request_finished)
def _forget_loaded_session(**kwargs) -> None:
    _loaded.set(None)
