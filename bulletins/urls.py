from django.urls import path

from . import bulletin_views

urlpatterns = [
    path("bulletins/", bulletin_views.bulletin_list, name="bulletin_list"),
    path("bulletins/search/", bulletin_views.bulletin_search, name="bulletin_search"),
    path("bulletins/new/", bulletin_views.bulletin_new, name="bulletin_new"),
    path("bulletins/paste/", bulletin_views.bulletin_paste, name="bulletin_paste"),
    path("bulletins/<int:pk>/", bulletin_views.bulletin_detail, name="bulletin_detail"),
    path(
        "bulletins/<int:pk>/attachments/",
        bulletin_views.bulletin_attachment_upload,
        name="bulletin_attachment_upload",
    ),
    path(
        "bulletins/<int:pk>/attachments/<int:attachment_pk>/",
        bulletin_views.bulletin_attachment,
        name="bulletin_attachment",
    ),
    path(
        "bulletins/<int:pk>/revisions/",
        bulletin_views.bulletin_revisions,
        name="bulletin_revisions",
    ),
    path(
        "bulletins/<int:pk>/acknowledge/",
        bulletin_views.bulletin_acknowledge,
        name="bulletin_acknowledge",
    ),
    path("bulletins/<int:pk>/edit/", bulletin_views.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/preview/", bulletin_views.bulletin_preview, name="bulletin_preview"),
    path("bulletins/<int:pk>/publish/", bulletin_views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/amend/", bulletin_views.bulletin_amend, name="bulletin_amend"),
    path(
        "bulletins/<int:pk>/withdraw/", bulletin_views.bulletin_withdraw, name="bulletin_withdraw"
    ),
    path(
        "bulletins/<int:pk>/supersede/",
        bulletin_views.bulletin_supersede,
        name="bulletin_supersede",
    ),
    path(
        "bulletins/<int:pk>/readership/",
        bulletin_views.bulletin_readership,
        name="bulletin_readership",
    ),
    path(
        "bulletins/<int:pk>/readership.csv",
        bulletin_views.bulletin_readership_csv,
        name="bulletin_readership_csv",
    ),
]
