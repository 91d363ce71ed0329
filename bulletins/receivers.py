"""Alerts written for what the apps below announce, in the transaction of the change itself."""

from django.dispatch import receiver
from django.utils import timezone

from threat_levels.signals import change_to_announce

from .models import Alert
from .tasks import queue_alert


@receiver(change_to_announce, dispatch_uid="alert_for_threat_level_change")
def alert_for_threat_level_change(sender, *, change, recorded_by, **kwargs) -> None:
    alert = Alert.objects.create(
        kind=Alert.Kind.THREAT_LEVEL_CHANGED, created_by=recorded_by, threat_level_change=change
    )
    # A scheduled change is announced when it takes effect: the sweep fans it out then.
    if change.effective_at <= timezone.now():
        queue_alert(alert)
