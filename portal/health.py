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
    """Alert emails of the last day by outcome, so a monitor sees failures pile up; None if
    unreadable. Only the last day: the health check is polled often, and must not read every
    delivery ever made."""
    from datetime import timedelta

    from django.db.models import Count, Q
    from django.utils import timezone

    from bulletins.models import Delivery

    S = Delivery.Status
    recent = Delivery.objects.filter(created_at__gte=timezone.now() - timedelta(days=1))
    try:
        return recent.aggregate(
            sent=Count("pk", filter=Q(status=S.SENT)),
            waiting=Count("pk", filter=Q(status__in=[S.PENDING, S.SENDING, S.FAILED_TEMPORARY])),
            failed=Count("pk", filter=Q(status=S.FAILED_PERMANENT)),
        )
    except Exception:
        return None
