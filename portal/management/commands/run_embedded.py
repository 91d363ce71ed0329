"""`manage.py run_embedded`: the development server with the periodic jobs running beside it.

What `make run` starts. Without Redis there is no worker and no `celery beat`, so the sweep
(which announces a scheduled threat-level change when it takes effect), the reminders and the
morning digest run in a thread of the serving process (portal.periodic).
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.runserver import Command as RunserverCommand

from portal.periodic import start_in_thread


class Command(RunserverCommand):
    help = "Serve the portal on its embedded default, running the periodic jobs in process."

    def inner_run(self, *args, **options):
        # With the autoreloader this runs in the serving child, again after each reload; the
        # jobs thread is a daemon, so it ends with the child it belongs to.
        if settings.REDIS_URL:
            raise CommandError(
                "REDIS_URL is set: run a worker and `celery beat` instead (README, Running it)."
            )
        start_in_thread()
        self.stdout.write("Periodic jobs (sweep, reminders, 07:00 digest) are running in process.")
        return super().inner_run(*args, **options)
