from django.contrib import admin
from django.http import HttpRequest

from accounts.admin import AuditedAdmin, ReadOnlyAdmin

from .models import ThreatLevelChange, ThreatLevelScope


@admin.register(ThreatLevelScope)
class ThreatLevelScopeAdmin(AuditedAdmin):
    """Scopes can be added and renamed here, and made public or not: each change is audited."""

    list_display = ["name", "slug", "position", "public"]
    list_editable = ["position", "public"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A scope with history must keep it; the database refuses too (PROTECT).
        return False


@admin.register(ThreatLevelChange)
class ThreatLevelChangeAdmin(ReadOnlyAdmin):
    list_display = ["scope", "level", "effective_at", "is_correction", "recorded_by", "recorded_at"]
    list_filter = ["scope", "level", "is_correction"]
    date_hierarchy = "effective_at"
