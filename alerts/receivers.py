"""Alerts written for what the apps below announce, in the transaction of the change itself.

threat_levels and bulletins may not import this app; they send a signal from inside their
transaction and these receivers write the Alert there, so it commits or rolls back with the change.
"""

from django.dispatch import receiver
from django.utils import timezone

from bulletins.signals import bulletin_to_announce
from threat_levels.signals import change_to_announce

from .models import Alert
from .services import queue_alert

BULLETIN_EVENTS = {
    "published": Alert.Kind.BULLETIN_PUBLISHED,
    "amended": Alert.Kind.BULLETIN_AMENDED,
    "withdrawn": Alert.Kind.BULLETIN_WITHDRAWN,
}


@receiver(change_to_announce, dispatch_uid="alert_for_threat_level_change")
def alert_for_threat_level_change(sender, *, change, recorded_by, **kwargs) -> None:
    alert = Alert.objects.create(
        kind=Alert.Kind.THREAT_LEVEL_CHANGED, created_by=recorded_by, threat_level_change=change
    )
    # A scheduled change is announced when it takes effect: the sweep fans it out then.
    if change.effective_at <= timezone.now():
        queue_alert(alert)


@receiver(bulletin_to_announce, dispatch_uid="alert_for_bulletin")
def alert_for_bulletin(sender, *, bulletin, event, actor, note, **kwargs) -> None:
    alert = Alert.objects.create(
        kind=BULLETIN_EVENTS[event], bulletin=bulletin, created_by=actor, note=note
    )
    queue_alert(alert)
