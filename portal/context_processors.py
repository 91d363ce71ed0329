from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    """Values every page of the layout needs."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "DEBUG": settings.DEBUG,
    }
