"""The periodic jobs (the sweep, reminders, the morning digest) without Celery beat.

With Redis, `celery beat` reads CELERY_BEAT_SCHEDULE and a worker runs the jobs. The embedded
default has neither, so `make run` runs the same schedule here, in a thread of the web
process: each job runs in process when it falls due, exactly as beat would queue it.
"""

import logging
import threading
from datetime import timedelta

from celery.schedules import crontab, maybe_schedule
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


class PeriodicJobs:
    """CELERY_BEAT_SCHEDULE, run in this process.

    Jobs at fixed intervals run at start (a scheduled change that fell due while the portal
    was stopped is announced at once) and then every interval. Jobs at a time of day run only
    when that time comes: the 07:00 digest must not go at start-up with half its day missing.
    """

    def __init__(self, schedule: dict | None = None):
        from portal.celery import app

        self.app = app
        # A worker imports every app's tasks.py as it starts; do the same, so each is known.
        app.loader.import_default_modules()
        started = timezone.now()
        self.jobs = []
        for name, entry in (schedule or settings.CELERY_BEAT_SCHEDULE).items():
            when = maybe_schedule(entry["schedule"], app=app)
            last_run = started if isinstance(when, crontab) else started - timedelta(days=1)
            self.jobs.append({"name": name, "task": entry["task"], "when": when, "last": last_run})

    def run_due(self) -> float:
        """Run every job that is due; return the seconds until the next one is."""
        wait = 60.0
        for job in self.jobs:
            due, next_in = job["when"].is_due(job["last"])
            if due:
                job["last"] = timezone.now()
                self.run(job)
            wait = min(wait, next_in)
        return max(wait, 0.5)

    def run(self, job: dict) -> None:
        try:
            self.app.tasks[job["task"]].apply(throw=True)
        except Exception:
            logger.exception("Periodic job %s failed; it runs again at its next time", job["name"])
        finally:
            close_old_connections()

    def run_forever(self, stop: threading.Event) -> None:
        logger.info("Periodic jobs running in process: %s", ", ".join(j["name"] for j in self.jobs))
        while not stop.is_set():
            stop.wait(self.run_due())


def start_in_thread() -> threading.Event:
    """Run the periodic jobs in a daemon thread of this process; set the event to stop them."""
    stop = threading.Event()
    thread = threading.Thread(
        target=PeriodicJobs().run_forever, args=(stop,), name="periodic-jobs", daemon=True
    )
    thread.start()
    return stop
