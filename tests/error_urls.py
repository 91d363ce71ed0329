"""URLs that fail on purpose, to test the error pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def explode(request):
    raise RuntimeError("secret internal detail: database password is hunter2")


def forbid(request):
    raise PermissionDenied


urlpatterns = [
    path("explode/", explode),
    path("forbid/", forbid),
    *portal_urlpatterns,
]

handler500 = "portal.views.server_error"
