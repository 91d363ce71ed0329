"""Queueing Celery tasks, after the database transaction that justifies them commits."""

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def queue_safely(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue `task` now; if the broker is down, log it and carry on.

    The change the task is about is already safe in the database, and the periodic sweep
    queues whatever was missed, so a failure to queue must not become an error for the caller.
    """
    try:
        task.delay(*args, **kwargs)
    except OperationalError as error:
        # The broker is away: expected in an outage, so a line in the log, not a traceback.
        logger.warning(
            "Could not queue %s (%s); the sweep will queue it once the broker is back",
            task.name,
            error,
        )
    except Exception:
        logger.exception("Could not queue %s; the sweep will pick it up", task.name)


def enqueue_after_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue `task` once the current transaction commits; never if it rolls back."""
    transaction.on_commit(lambda: queue_safely(task, *args, **kwargs), robust=True)
