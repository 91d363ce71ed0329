import logging
import secrets
import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.adapters import KNOWN_DEVICE_LIFETIME, known_device_cookie_name
from bulletins.dashboard import dashboard_context
from threat_levels.selectors import entry_for

from . import health
from .public_pages import shared_with_visitors

logger = logging.getLogger(__name__)


@require_safe
@shared_with_visitors
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        levels = entry_for(request)["levels"]
        return render(request, "portal/dashboard.html", dashboard_context(request.user, levels))
    return render(request, "portal/home.html")


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = health.check_database()
    broker = health.check_broker()
    healthy = database == "ok" and broker in ("ok", "in-process")
    body = {"status": "ok" if healthy else "degraded", "database": database, "broker": broker}
    return JsonResponse(body, status=200 if healthy else 503)


# --- The pages every public-sector service links from its footer -----------------------------


@require_safe
@shared_with_visitors
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/pages/accessibility.html")


@require_safe
@shared_with_visitors
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/pages/privacy.html")


@require_safe
@shared_with_visitors
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/pages/contact.html")


def cookies_set() -> list[dict[str, str]]:
    """Every cookie the portal sets, by the names the settings give them."""
    session_hours = settings.SESSION_COOKIE_AGE // 3600
    return [
        {"name": settings.SESSION_COOKIE_NAME, "purpose": "Keeps you signed in.",
         "expires": f"When you sign out, after {settings.SESSION_IDLE_TIMEOUT // 60} minutes "
                    f"unused, or after {session_hours} hours"},
        {"name": settings.CSRF_COOKIE_NAME,
         "purpose": "Makes sure a form you send came from this service (protects against "
                    "cross-site request forgery).",
         "expires": "1 year"},
        {"name": "messages", "purpose": "Carries a message, such as “Your change was saved”, "
                                        "to the next page you see.",
         "expires": "When you close your browser"},
        {"name": known_device_cookie_name(),
         "purpose": "Remembers that you have signed in from this browser before, so that someone "
                    "else’s wrong passwords cannot lock you out of it.",
         "expires": f"{KNOWN_DEVICE_LIFETIME.days} days"},
    ]  # fmt: skip


@require_safe
@shared_with_visitors
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/pages/cookies.html", {"cookies": cookies_set()})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: a reference to quote to support, and nothing of the failure itself."""
    reference = secrets.token_hex(4).upper()
    logger.error("Server error, reference %s", reference, exc_info=sys.exc_info())
    try:
        body = loader.render_to_string(
            "500.html", {"reference": reference, "SERVICE_NAME": settings.SERVICE_NAME}
        )
    except Exception:
        # The layout itself may be what failed; the reference must still reach the person.
        logger.exception("The 500 page could not be rendered, reference %s", reference)
        heading = "Sorry, there is a problem with the service"
        body = (
            f"<!doctype html><html lang='en'><title>{heading}</title>"
            f"<h1>{heading}</h1><p>Reference: {reference}</p></html>"
        )
    return HttpResponseServerError(body)
