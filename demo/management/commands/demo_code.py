from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.people import current_code, demo_people, demo_totp_secret


class Command(BaseCommand):
    help = (
        "Print the current sign-in code of each demo person (DEBUG only), so a newcomer can "
        "sign in without an authenticator app. Codes change every 30 seconds."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", nargs="?", help="Only this demo person.")

    def handle(self, *args, email: str | None = None, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code prints sign-in codes, so it runs only with DEBUG on.")
        people = [p for p in demo_people() if email is None or p.email == email.lower()]
        if not people:
            raise CommandError("No demo people found: run `python manage.py seed_demo` first.")
        for person in people:
            secret = demo_totp_secret(person)
            self.stdout.write(f"{person.email:32} code {current_code(secret)}   (secret {secret})")
