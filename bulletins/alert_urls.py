from django.urls import path

from . import alert_views

urlpatterns = [
    path("", alert_views.alert_list, name="alert_list"),
    path("<int:pk>/", alert_views.alert_report, name="alert_report"),
    path("<int:pk>/retry/", alert_views.alert_retry_failed, name="alert_retry_failed"),
]
