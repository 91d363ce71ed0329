from django.urls import path

from . import views

urlpatterns = [
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/search/", views.bulletin_search, name="bulletin_search"),
    path("bulletins/new/", views.bulletin_new, name="bulletin_new"),
    path("bulletins/paste/", views.bulletin_paste, name="bulletin_paste"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path(
        "bulletins/<int:pk>/attachments/<int:attachment_pk>/",
        views.bulletin_attachment,
        name="bulletin_attachment",
    ),
    path(
        "bulletins/<int:pk>/revisions/",
        views.bulletin_revisions,
        name="bulletin_revisions",
    ),
    path(
        "bulletins/<int:pk>/acknowledge/",
        views.bulletin_acknowledge,
        name="bulletin_acknowledge",
    ),
    path("bulletins/<int:pk>/cascade/", views.bulletin_cascade, name="bulletin_cascade"),
    path("bulletins/<int:pk>/edit/", views.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/preview/", views.bulletin_preview, name="bulletin_preview"),
    path("bulletins/<int:pk>/publish/", views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/amend/", views.bulletin_amend, name="bulletin_amend"),
    path("bulletins/<int:pk>/withdraw/", views.bulletin_withdraw, name="bulletin_withdraw"),
    path(
        "bulletins/<int:pk>/supersede/",
        views.bulletin_supersede,
        name="bulletin_supersede",
    ),
    path(
        "bulletins/<int:pk>/readership/",
        views.bulletin_readership,
        name="bulletin_readership",
    ),
    path(
        "bulletins/<int:pk>/readership.csv",
        views.bulletin_readership_csv,
        name="bulletin_readership_csv",
    ),
]
