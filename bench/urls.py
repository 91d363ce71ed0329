"""The portal's URLs and the benchmark's baseline page; never the service's URLconf."""

from django.urls import path

from portal.urls import handler500
from portal.urls import urlpatterns as portal_urlpatterns

from . import views

urlpatterns = [
    *portal_urlpatterns,
    path("bench/trivial", views.trivial, name="bench_trivial"),
]

__all__ = ["handler500", "urlpatterns"]
