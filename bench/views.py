"""The benchmark's baseline: the cheapest page Django can serve through the full middleware.

Routed only by bench/urls.py, the URLconf of bench/settings.py, which bench/load.py gives the
gunicorn it starts; never a route of the real service.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
