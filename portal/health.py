"""Checks behind GET /healthz. Each answers a short word, never an error text."""

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


def delivery_counts() -> dict[str, int] | None:
    """Alert emails by outcome, so a monitor sees failures pile up; None if unreadable."""
    from django.db.models import Count, Q

    from bulletins.models import Delivery

    S = Delivery.Status
    try:
        return Delivery.objects.aggregate(
            sent=Count("pk", filter=Q(status=S.SENT)),
            waiting=Count("pk", filter=Q(status__in=[S.PENDING, S.SENDING, S.FAILED_TEMPORARY])),
            failed=Count("pk", filter=Q(status=S.FAILED_PERMANENT)),
        )
    except Exception:
        return None
