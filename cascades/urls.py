from django.urls import path

from . import views

urlpatterns = [
    path("contacts/", views.contact_sectors, name="cascade_sectors"),
    path("contacts/<slug:slug>/", views.contact_list, name="cascade_contacts"),
    path("contacts/<slug:slug>/new/", views.contact_new, name="cascade_contact_new"),
    path("contacts/<slug:slug>/contacts.csv", views.contacts_csv, name="cascade_contacts_csv"),
    path("contacts/<slug:slug>/import/", views.contacts_import, name="cascade_contacts_import"),
    path(
        "contacts/<slug:slug>/import/apply/",
        views.contacts_import_apply,
        name="cascade_contacts_import_apply",
    ),
    path("contacts/<slug:slug>/<int:contact_pk>/", views.contact_edit, name="cascade_contact_edit"),
    path(
        "contacts/<slug:slug>/<int:contact_pk>/remove/",
        views.contact_remove,
        name="cascade_contact_remove",
    ),
    path(
        "bulletins/<int:pk>/cascade/<slug:slug>/", views.cascade_bulletin, name="cascade_bulletin"
    ),
    path("bulletins/<int:pk>/reach/", views.reach_report, name="cascade_reach"),
    path("bulletins/<int:pk>/reach.csv", views.reach_csv, name="cascade_reach_csv"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="cascade_unsubscribe"),
]
