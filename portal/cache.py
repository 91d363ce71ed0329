"""The portal's cache: Django's Redis cache, which the portal never waits for and never trusts
beyond PostgreSQL.

Redis is only the conveyor (DESIGN.md). So:

- **An outage is "not cached".** A read finds nothing, a write is skipped, and the page is made
  from the database; sessions come from the database (`cached_db`). The first failure opens a
  breaker: for RETRY_SECONDS no call is tried, then one PING decides. The log says once when
  the cache is lost and once when it is reached again, not once per request.
- **Sign-in's guards hold through it.** While Redis cannot be reached, allauth's rate-limit
  counts and its record of used authenticator codes are kept in the database instead (the
  "fallback" cache), so guessing stays limited and a code cannot be used twice; the counts start
  again from nothing at each switch (docs/security.md).
- **Nothing stale after it.** Every key carries the cache's epoch, a token held in PostgreSQL
  (portal.models.CacheEpoch). Whenever a write or a removal could not reach Redis, the epoch is
  replaced, and again when Redis is reached after an outage; so whatever Redis brings back
  (nothing, or its old data from disk) lies under an epoch nobody reads. Each process reads the
  epoch at most EPOCH_SECONDS old, so a process that did not see the outage moves over within
  that time.

Django's backend also builds a new redis.Redis for every cache operation, and redis-py's
constructor sets up its table of reply handlers each time: about a tenth of a millisecond, paid
on every session read and every cached page or banner. A client is safe to share between threads
(each command takes a connection from the pool), and the pool already starts afresh in a forked
worker, so one client per pool is kept for the process's life.
"""

import logging
import secrets
import threading
import time
from functools import partial

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
EPOCH_SECONDS = 1.0
# What guards sign-in, kept in the database while Redis is away: allauth's rate-limit counts
# (allauth.core.internal.ratelimit) and its record of authenticator codes already used, which
# stops a code seen over someone's shoulder being used again (allauth.mfa.totp).
GUARD_PREFIXES = ("allauth:rl:", "allauth.mfa.totp.used?")


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# --- The epoch, in PostgreSQL ---------------------------------------------------------------------


def _read_epoch() -> str:
    """The epoch's token, by a plain cursor on the connection Django holds.

    Not through Django's cursor: this read happens at most once a second, inside whichever
    request comes then, and is no part of any page's queries.
    """
    from django.db import connection

    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute("SELECT token FROM portal_cacheepoch ORDER BY id LIMIT 1")
        row = cursor.fetchone()
    finally:
        cursor.close()
    return row[0] if row else "0"


def _replace_epoch() -> str:
    from django.db import transaction

    from portal.models import CacheEpoch

    token = secrets.token_hex(4)
    with transaction.atomic():
        if not CacheEpoch.objects.update(token=token):
            CacheEpoch.objects.create(token=token)
    return token


class _Health:
    """What one process knows of one cache server: whether it is lost, and the epoch."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.lock = threading.Lock()
        self.lost_at: float | None = None
        self.next_try = 0.0
        self.epoch: str | None = None
        self.epoch_read_at = float("-inf")
        self.epoch_replaced_at = float("-inf")
        self.replace_due = False

    def current_epoch(self) -> str:
        now = time.monotonic()
        if self.epoch is None or now - self.epoch_read_at >= EPOCH_SECONDS:
            try:
                self.epoch = _read_epoch()
            except Exception:
                # No database either (or none allowed here): go on with the one known last.
                self.epoch = self.epoch or "0"
            self.epoch_read_at = now
        return self.epoch

    def replace_epoch(self, *, now: bool = False) -> None:
        """Replace the epoch: at once if `now`, else at most once a second (a skipped write
        meanwhile makes it due, and the next one after the second replaces it)."""
        moment = time.monotonic()
        if not now and moment - self.epoch_replaced_at < EPOCH_SECONDS:
            self.replace_due = True
            return
        try:
            self.epoch = _replace_epoch()
        except Exception:
            logger.exception("Could not replace the cache's epoch in the database")
            return
        self.epoch_read_at = self.epoch_replaced_at = moment
        self.replace_due = False

    def may_try(self, ping) -> bool:
        """Whether to call Redis now: yes unless lost, and then one PING after RETRY_SECONDS."""
        if self.lost_at is None:
            return True
        with self.lock:
            if self.lost_at is None:
                return True
            if time.monotonic() < self.next_try:
                return False
            self.next_try = time.monotonic() + RETRY_SECONDS
        try:
            ping()
        except RedisError:
            return False
        # Before anything is read: what it holds may be from before writes it missed.
        self.replace_epoch(now=True)
        with self.lock:
            lost_for = time.monotonic() - (self.lost_at or time.monotonic())
            self.lost_at = None
        logger.warning(
            "The cache at %s is reached again after %.0f s; its entries from before are not used.",
            self.location,
            lost_for,
        )
        return True

    def failed(self, error: Exception) -> None:
        with self.lock:
            first = self.lost_at is None
            if first:
                self.lost_at = time.monotonic()
            self.next_try = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "The cache at %s cannot be reached (%s); pages are made without it until it is.",
                self.location,
                error,
            )


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health(location))


# --- The backend ---------------------------------------------------------------------------------


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._health = _health_of(self._servers[0])

    def make_key(self, key, version=None):
        return super().make_key(f"{self._health.current_epoch()}:{key}", version)

    def _ping(self) -> None:
        self._cache.get_client(write=True).ping()

    def _call(self, call, *, otherwise, writes: bool, key=None, fallback_args=None):
        """`call()`, or `otherwise` if Redis cannot be reached now (a key that guards sign-in
        is handled by the fallback cache instead, with the same arguments)."""
        health = self._health
        if health.may_try(self._ping):
            try:
                result = call()
            except RedisError as error:
                health.failed(error)
            else:
                if health.replace_due and writes:
                    health.replace_epoch()
                return result
        if writes:
            health.replace_epoch()
        if key is not None and str(key).startswith(GUARD_PREFIXES):
            from django.core.cache import caches

            return getattr(caches["fallback"], call.func.__name__)(*fallback_args)
        return otherwise

    # Reads: nothing found.

    def get(self, key, default=None, version=None):
        call = partial(super().get, key, default, version)
        return self._call(call, otherwise=default, writes=False, key=key,
                          fallback_args=(key, default, version))  # fmt: skip

    def get_many(self, keys, version=None):
        return self._call(partial(super().get_many, keys, version), otherwise={}, writes=False)

    def has_key(self, key, version=None):
        return self._call(partial(super().has_key, key, version), otherwise=False, writes=False)

    # Writes: skipped, and the epoch replaced, so nothing they should have changed is read later.

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(super().set, key, value, timeout, version)
        return self._call(call, otherwise=None, writes=True, key=key,
                          fallback_args=(key, value, timeout, version))  # fmt: skip

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(super().add, key, value, timeout, version)
        return self._call(call, otherwise=False, writes=True, key=key,
                          fallback_args=(key, value, timeout, version))  # fmt: skip

    def delete(self, key, version=None):
        call = partial(super().delete, key, version)
        return self._call(call, otherwise=False, writes=True, key=key,
                          fallback_args=(key, version))  # fmt: skip

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(super().touch, key, timeout, version)
        return self._call(call, otherwise=False, writes=True)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(super().set_many, data, timeout, version)
        return self._call(call, otherwise=list(data), writes=True)

    def delete_many(self, keys, version=None):
        return self._call(partial(super().delete_many, keys, version), otherwise=None, writes=True)

    def incr(self, key, delta=1, version=None):
        call = partial(super().incr, key, delta, version)
        missing = object()
        result = self._call(call, otherwise=missing, writes=True)
        if result is missing:
            raise ValueError(f"Key '{key}' not found: the cache cannot be reached")
        return result

    def clear(self):
        return self._call(super().clear, otherwise=False, writes=True)
