"""Who an alert goes to."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Membership, User
from bulletins.permissions import bulletin_audience

from .models import Alert


def alert_audience(alert: Alert, people: QuerySet[User]) -> QuerySet[User]:
    """Those of `people` a bulletin alert goes to; a reminder skips those who acknowledged."""
    if alert.bulletin_id is None:
        return people.none()
    bulletin = alert.bulletin
    if alert.kind == Alert.Kind.ACKNOWLEDGEMENT_ESCALATION:
        # The deputies of the sector whose lead has not acknowledged.
        deputies = Membership.objects.filter(
            user=OuterRef("pk"), sector=alert.sector_id, role=Membership.Role.DEPUTY
        )
        audience = people.filter(Exists(deputies))
    else:
        audience = bulletin_audience(bulletin, people)
    if alert.kind in (Alert.Kind.ACKNOWLEDGEMENT_REMINDER, Alert.Kind.ACKNOWLEDGEMENT_ESCALATION):
        audience = audience.exclude(
            readings__bulletin=bulletin, readings__acknowledged_at__isnull=False
        )
    return audience
