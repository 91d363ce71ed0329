"""Queueing Celery tasks after the database transaction that justifies them commits."""

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue `task` once the current transaction commits; never if it rolls back.

    A broker that is down must not turn a committed change into an error page:
    the change and its Alert row are already safe in the database, and the
    periodic sweep queues whatever was missed. So a failure to queue is logged,
    not raised.
    """

    def send() -> None:
        try:
            task.delay(*args, **kwargs)
        except Exception:
            logger.exception("Could not queue %s; the sweep will pick it up", task.name)

    transaction.on_commit(send, robust=True)
