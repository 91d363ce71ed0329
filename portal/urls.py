import os

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import bench_views, views

# Django's admin signs in through allauth: the same second factor and rate limits.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "ISL Briefing Portal administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("threat_levels.urls")),
    path("", include("bulletins.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("manage/", include("accounts.manage_urls")),
    path("alerts/", include("alerts.urls")),
    path("admin/", admin.site.urls),
]

# The load benchmark's baseline page (bench/load.py); never mounted in the real service.
if os.environ.get("PORTAL_BENCHMARK") == "1":
    urlpatterns.append(path("bench/trivial", bench_views.trivial, name="bench_trivial"))

handler500 = "portal.views.server_error"
