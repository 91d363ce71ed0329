from django.urls import path

from . import views

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_new, name="call_new"),
    path("calls/convene/", views.call_convene, name="call_convene"),
    path("calls/calendar/", views.calendar_subscription, name="calendar_subscription"),
    path("calls/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/answer/", views.call_answer, name="call_answer"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("calls/<int:pk>/cancel/", views.call_cancel, name="call_cancel"),
    path("calls/<int:pk>/attendance/", views.call_attendance, name="call_attendance"),
    path("calls/<int:pk>/update/", views.call_write_update, name="call_write_update"),
]
