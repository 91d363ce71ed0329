from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.calls import seed_calls
from demo.content import seed_bulletins, seed_threat_levels
from demo.people import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load demo sectors and one demo person per role. Safe to run again."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo gives demo people a published password, so it runs only with DEBUG on."
            )
        people = seed_demo()
        added = seed_threat_levels()
        bulletins_added = seed_bulletins()
        calls_added = seed_calls()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Threat-level history: {added} changes added.")
        self.stdout.write(f"Bulletins: {bulletins_added} added (the 2015 sample and exercises).")
        self.stdout.write(f"Bridge calls: {calls_added} added (an exercise call next Tuesday).")
        self.stdout.write(f"Sign in as any of these people with the password: {DEMO_PASSWORD}")
        for email, described in people:
            self.stdout.write(f"  {email:32} {described}")
        self.stdout.write(
            "Each demo person has an authenticator already set up. For the code it asks for, run:\n"
            "  make demo-code   (or: DEBUG=true .venv/bin/python manage.py demo_code EMAIL)\n"
            "or add the secret it prints to an authenticator app."
        )
