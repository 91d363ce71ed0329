from django.urls import path

from . import views

urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("<int:pk>/", views.alert_report, name="alert_report"),
    path("<int:pk>/retry/", views.alert_retry_failed, name="alert_retry_failed"),
]
