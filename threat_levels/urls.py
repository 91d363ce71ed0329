from django.urls import path

from . import feeds, views

urlpatterns = [
    path("threat-level/", views.threat_level_history, name="threat_level_history"),
    path("threat-level/record/", views.threat_level_record, name="threat_level_record"),
    path("threat-level/record/confirm/", views.threat_level_confirm, name="threat_level_confirm"),
    path("threat-level/changes/<int:pk>/cap.xml", views.threat_level_cap, name="threat_level_cap"),
    path("api/threat-level", views.threat_level_api, name="threat_level_api"),
    path("feeds/threat-level/", feeds.threat_level_feed, name="threat_level_feed"),
]
