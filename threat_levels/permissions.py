"""Who may do what with threat levels. Every view asks here."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_ncpp_staff
from portal.access import fully_signed_in

from .models import ThreatLevelChange, ThreatLevelScope


def can_record_threat_level(user: User | AnonymousUser) -> bool:
    return is_ncpp_staff(user)


def visible_scopes(user: User | AnonymousUser) -> QuerySet[ThreatLevelScope]:
    """Public scopes for everyone; the others for people signed in with a second factor."""
    scopes = ThreatLevelScope.objects.all()
    if fully_signed_in(user):
        return scopes
    return scopes.filter(public=True)


def can_see_scheduled_changes(user: User | AnonymousUser) -> bool:
    """A change recorded for later is not announced until it takes effect."""
    return is_ncpp_staff(user)


def is_open_information(change: ThreatLevelChange) -> bool:
    """Whether the open interfaces (feed, CAP) may publish a change: public and in effect."""
    return change.scope.public and change.effective_at <= timezone.now()


def open_changes() -> QuerySet[ThreatLevelChange]:
    """The changes the open interfaces publish: those of public scopes, once in effect."""
    return ThreatLevelChange.objects.filter(scope__public=True, effective_at__lte=timezone.now())
