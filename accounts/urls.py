from django.urls import path

from . import views

urlpatterns = [
    path("invite/<str:token>/", views.accept_invitation_view, name="invitation_accept"),
    path("profile/", views.profile, name="profile"),
]
