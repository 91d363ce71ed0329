"""Portal admins' tools: sectors, membership, people, imports, invitations, audit log."""

from django.urls import path

from . import manage_views as views

urlpatterns = [
    path("", views.index, name="manage_index"),
    path("sectors/", views.sector_list, name="manage_sectors"),
    path("sectors/new/", views.sector_new, name="manage_sector_new"),
    path("sectors/<slug:slug>/", views.sector_detail, name="manage_sector"),
    path("sectors/<slug:slug>/rename/", views.sector_rename, name="manage_sector_rename"),
    path("sectors/<slug:slug>/add/", views.sector_add_member, name="manage_sector_add_member"),
    path(
        "memberships/<int:membership_id>/role/",
        views.membership_role,
        name="manage_membership_role",
    ),
    path(
        "memberships/<int:membership_id>/remove/",
        views.membership_remove,
        name="manage_membership_remove",
    ),
    path("people/", views.people_list, name="manage_people"),
    path("people/<int:user_id>/", views.person_detail, name="manage_person"),
    path(
        "people/<int:user_id>/deactivate/",
        views.person_deactivate,
        name="manage_person_deactivate",
    ),
    path("coverage/", views.coverage, name="manage_coverage"),
    path("import/", views.import_upload, name="manage_import"),
    path("import/apply/", views.import_apply, name="manage_import_apply"),
    path("invitations/", views.invitation_list, name="manage_invitations"),
    path("invitations/new/", views.invitation_new, name="manage_invitation_new"),
    path(
        "invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="manage_invitation_resend",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="manage_invitation_revoke",
    ),
    path("audit/", views.audit_log, name="manage_audit"),
    path("audit/export/", views.audit_export, name="manage_audit_export"),
]
