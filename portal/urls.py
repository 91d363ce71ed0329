from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# Django's admin signs in through allauth: the same second factor and rate limits.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "ISL Briefing Portal administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_statement, name="accessibility_statement"),
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path("cookies/", views.cookies, name="cookies"),
    path("contact/", views.contact, name="contact"),
    path("", include("threat_levels.urls")),
    path("", include("bulletins.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("manage/", include("accounts.manage_urls")),
    path("alerts/", include("alerts.urls")),
    path("", include("calls.urls")),
    path("cascades/", include("cascades.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "portal.views.server_error"
