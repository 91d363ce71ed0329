from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """A delivery whose person is no longer entitled to it when it is claimed ends `cancelled`."""

    dependencies = [
        ("bulletins", "0008_bulletin_sectors_by_sector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="delivery",
            name="delivery_status_valid",
        ),
        migrations.AlterField(
            model_name="delivery",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed-temporary", "Failed, will retry"),
                    ("failed-permanent", "Failed"),
                    ("cancelled", "Cancelled"),
                ],
                default="pending",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        [
                            "pending",
                            "sending",
                            "sent",
                            "failed-temporary",
                            "failed-permanent",
                            "cancelled",
                        ],
                    )
                ),
                name="delivery_status_valid",
            ),
        ),
    ]
