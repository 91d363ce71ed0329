from django.core.management.base import BaseCommand

from alerts.tasks import sweep_alerts


class Command(BaseCommand):
    help = (
        "Queue, now, what the alert conveyor dropped: alerts never fanned out and deliveries "
        "left waiting (Celery beat does this every minute)."
    )

    def handle(self, *args, **options) -> None:
        result = sweep_alerts()
        self.stdout.write(
            f"Queued {result['alerts']} alerts and {result['batches']} batches of deliveries; "
            f"released {result['released']} deliveries left sending by a stopped worker."
        )
