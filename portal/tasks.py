import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "worker-heartbeat:{name}"


@shared_task
def record_heartbeat(name: str = "beat") -> None:
    """Record that a worker ran a task, so health can tell when the worker last did work."""
    cache.set(HEARTBEAT_KEY.format(name=name), timezone.now().isoformat(), timeout=24 * 3600)
