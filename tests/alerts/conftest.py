import time
from collections.abc import Callable

import pytest
from django.utils import timezone

from accounts.models import User
from alerts.models import Delivery
from threat_levels.models import ThreatLevelScope
from threat_levels.services import record_threat_level


def make_people(count: int, prefix: str = "person") -> list[User]:
    """Active people with verified addresses, made in bulk: alerts need nothing else."""
    User.objects.bulk_create(
        User(email=f"{prefix}{n:05d}@example.org", name=f"{prefix} {n}") for n in range(count)
    )
    return list(User.objects.filter(email__startswith=prefix).order_by("email"))


def change_level(scope: ThreatLevelScope, level: str, note: str = "A change for the tests."):
    return record_threat_level(
        scope=scope, level=level, effective_at=timezone.now(), note=note, recorded_by=None
    )


def wait_until(condition: Callable[[], bool], timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.1)


def deliveries(status: str | None = None) -> int:
    queryset = Delivery.objects.all()
    return (queryset.filter(status=status) if status else queryset).count()


@pytest.fixture
def smtp_backend(settings, smtp):
    """Email sent in this process goes over SMTP to the test's real SMTP server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return smtp
