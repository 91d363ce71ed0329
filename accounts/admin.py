"""Django's admin: kept to what the portal's own screens do not do, and every change audited.

People's groups, admin access, activation and sector membership are changed in the portal
(invitations and Manage), which checks the rules (a leaver is signed out everywhere and loses
every right) and writes the audit log. Here they are read-only, with a link to the portal's
screen. Whatever the admin may still change writes one audit row per add, change and delete,
through AuditedAdmin, whichever screen or bulk action makes it.
"""

import datetime
import decimal
import uuid
from typing import Any

from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin as BaseUserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from .audit import record_audit
from .forms import AdminUserAddForm, AdminUserEditForm
from .models import NCPP_STAFF_GROUP, PORTAL_ADMINS_GROUP, AuditEvent, Membership, Sector, User

# Never copied into the audit log: only their name, to say they changed.
SECRET_FIELDS = {"password", "data", "session_key"}
# The groups that carry the portal's roles by name: renamed or deleted, they would take a
# role from everyone who holds it (or give it, to a group renamed into it).
ROLE_GROUPS = {NCPP_STAFF_GROUP, PORTAL_ADMINS_GROUP}


def _plain(value: Any) -> Any:
    """A value as JSON can hold it, and as a reader of the audit log can read it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | models.Model):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Every field of `obj` and its many-to-many values, as the database holds them."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(obj, field.name) if field.is_relation else field.value_from_object(obj)
        values[field.name] = _plain(value)
    for field in obj._meta.many_to_many:
        values[field.name] = sorted(str(item) for item in getattr(obj, field.name).all())
    return values


def _masked(changes: dict[str, Any]) -> dict[str, Any]:
    return {
        name: "(not recorded)" if name in SECRET_FIELDS else value
        for name, value in changes.items()
    }


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is written through the apps' services only, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Writes the audit row for each add, change and delete made in the admin.

    The row is written in the admin's own transaction, after the many-to-many values are
    saved, with each changed field's old and new value. Bulk actions other than delete are
    withdrawn: each would need its own audit, and the forms do the same job one by one.
    """

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if change:
            before = type(obj)._default_manager.get(pk=obj.pk)
            form._audit_before = snapshot(before)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        after = snapshot(type(obj)._default_manager.get(pk=obj.pk))
        if not change:
            record_audit(
                "admin.added", actor=request.user, target=obj, changes=_masked(after),
                request=request,
            )  # fmt: skip
            return
        before = getattr(form, "_audit_before", {})
        changes = {
            name: [before.get(name), value]
            for name, value in after.items()
            if before.get(name) != value
        }
        if changes:
            record_audit(
                "admin.changed", actor=request.user, target=obj, changes=_masked(changes),
                request=request,
            )  # fmt: skip

    def delete_model(self, request: HttpRequest, obj) -> None:
        with transaction.atomic():
            # Written first: once deleted, the row has no primary key to point at.
            record_audit(
                "admin.deleted", actor=request.user, target=obj,
                changes=_masked(snapshot(obj)), request=request,
            )  # fmt: skip
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        """The "delete selected" action: one row at a time, each checked and audited."""
        with transaction.atomic():
            for obj in queryset:
                if self.has_delete_permission(request, obj):
                    self.delete_model(request, obj)
                else:
                    self.message_user(
                        request, f"“{obj}” was kept: it cannot be deleted here.", messages.WARNING
                    )

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        return {name: action for name, action in actions.items() if name == "delete_selected"}


def _portal_pointer(obj: User | None) -> str:
    where = reverse("manage_person", args=[obj.pk]) if obj is not None else reverse("manage_people")
    return format_html(
        "Groups, Django admin access, activation and sector membership are changed in the "
        "portal, which checks the rules and records each change in the audit log: "
        '<a href="{}">this person in Manage</a> (invitations give a role; deactivation '
        "takes every right away).",
        where,
    )


class MembershipInline(admin.TabularInline):
    """Shown, never changed here: membership is changed in Manage › Sectors."""

    model = Membership
    extra = 0
    fields = ["sector", "role", "created_at"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "Sector memberships (changed in the portal's Manage screens)"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    form = AdminUserEditForm
    add_form = AdminUserAddForm
    ordering = ["email"]
    list_display = ["email", "name", "organisation", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "name", "organisation"]
    inlines = [MembershipInline]
    readonly_fields = [
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
    ]

    def get_fieldsets(self, request: HttpRequest, obj=None):
        # No password here: people set their own (sign-in page, "Forgotten your password?"),
        # so nobody else ever knows it.
        return [
            (None, {"fields": ["email"]}),
            ("Person", {"fields": ["name", "organisation", "phone"]}),
            (
                "Access",
                {
                    "fields": ["is_active", "is_staff", "is_superuser", "groups"],
                    "description": _portal_pointer(obj),
                },
            ),
            ("Dates", {"fields": ["last_login", "date_joined"]}),
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations are the only way into the portal (Manage › Invitations).
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A leaver is deactivated in Manage, which keeps their history and ends their sessions.
        return False

    def user_change_password(self, request: HttpRequest, id, form_url=""):
        raise PermissionDenied("People set their own passwords.")


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Deleting a sector would silently drop its memberships and its bulletins' audience.
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, to read only: rows are added by the acts they record, never by hand."""

    list_display = ["at", "actor_email", "action", "object_type", "object_repr", "ip"]
    list_filter = ["action", "object_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_email", "object_repr", "object_id"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Django's and allauth's own models, registered again with the audit ---------------------

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, BaseGroupAdmin):
    """Group definitions and their permissions. Who is in a group is decided in the portal."""

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is not None and obj.name in ROLE_GROUPS:
            return ["name"]
        return []

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.name in ROLE_GROUPS:
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AuditedAdmin, BaseEmailAddressAdmin):
    pass


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedAdmin, BaseAuthenticatorAdmin):
    """Read-only, and never the secret. Deleting one is the reset for a lost phone: the person
    must set up a new authenticator at their next sign-in."""

    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        # An authenticator whose secret someone else chose would be no second factor.
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(AuditedAdmin, BaseUserSessionAdmin):
    """Read-only, and never the session key, which would let its reader be that person."""

    fields = ["user", "created_at", "last_seen_at", "ip", "user_agent"]
    readonly_fields = fields
    search_fields = ["user__email", "ip"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Ending a session is done in the portal (the person's own sessions page, or deactivation).
        return False
