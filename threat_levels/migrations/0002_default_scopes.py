from django.db import migrations

# The two scopes the UK publishes a threat level for; admins can add more.
DEFAULT_SCOPES = [
    ("national", "UK (national)", 10),
    ("northern-ireland", "Northern Ireland-related terrorism in Northern Ireland", 20),
]


def create_default_scopes(apps, schema_editor):
    ThreatLevelScope = apps.get_model("threat_levels", "ThreatLevelScope")
    for slug, name, position in DEFAULT_SCOPES:
        ThreatLevelScope.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position, "public": True}
        )


def remove_default_scopes(apps, schema_editor):
    ThreatLevelScope = apps.get_model("threat_levels", "ThreatLevelScope")
    ThreatLevelScope.objects.filter(
        slug__in=[slug for slug, _, _ in DEFAULT_SCOPES], changes__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("threat_levels", "0001_initial")]

    operations = [migrations.RunPython(create_default_scopes, remove_default_scopes)]
