"""Indexes for who-may-see-what at scale (issue 8; the plans are in docs/performance.md)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_routine_alerts"),
        ("bulletins", "0005_escalation_and_digest"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="bulletin",
            index=models.Index(fields=["status", "all_sectors", "id"], name="bulletin_visibility"),
        ),
        migrations.AddIndex(
            model_name="bulletin",
            index=models.Index(fields=["updated_at"], name="bulletin_updated_at"),
        ),
    ]
