"""The benchmark's baseline: the cheapest page Django can serve through the full middleware.

Mounted only when PORTAL_BENCHMARK=1 is set in the environment (see portal/urls.py), so it is
never a route of the real service; bench/load.py sets it for the gunicorn it starts.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
