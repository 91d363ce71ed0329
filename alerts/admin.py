from django.contrib import admin

from accounts.admin import ReadOnlyAdmin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["kind", "created_at", "created_by", "threat_level_change", "fanned_out_at"]
    list_filter = ["kind"]
