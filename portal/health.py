"""Checks behind GET /healthz. Each answers a short word, never an error text.

/healthz answers anyone, so it says whether the service works and nothing else: not how many
alert emails went, waited or failed (which tells an outsider when alerts go out, and to
roughly how many). NCPP staff see those counts on the Alerts sent page.
"""

import redis
from django.conf import settings
from django.db import connection


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "error"
    return "ok"


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "in-process"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError:
        return "error"
    return "ok"
