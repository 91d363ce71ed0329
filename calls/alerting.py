"""The alerts about calls: who each goes to and what it says, told to alerts when calls is ready.

alerts makes the deliveries, sends them, retries and sweeps them as it does every alert. The
email never holds the joining details; the invitations carry the call's calendar file.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Membership, User
from alerts.messages import RenderedAlert, list_id, rendered
from alerts.models import Alert
from alerts.sources import AlertSource, register_alert_source
from bulletins.models import Bulletin
from bulletins.permissions import bulletin_audience
from portal.emails import make_message

from .ics import call_link, invitation_part
from .models import CallAlert
from .permissions import call_audience

K = Alert.Kind
# Each kind: the subject's start, the heading of the email, and whether it carries the
# calendar file (and which method).
KINDS = {
    K.CALL_INVITATION: ("Bridge call: ", "You are invited to a National Bridge Call", "REQUEST"),
    K.CALL_CONVENED: (
        "URGENT bridge call: ",
        "An urgent National Bridge Call has been convened",
        "REQUEST",
    ),
    K.CALL_CHANGED: ("Changed bridge call: ", "A National Bridge Call has changed", "REQUEST"),
    K.CALL_CANCELLED: ("Cancelled bridge call: ", "A National Bridge Call is cancelled", "CANCEL"),
    K.CALL_DEPUTY_NOMINATED: (
        "You are asked to join: ",
        "You have been nominated to join a National Bridge Call for your sector",
        "REQUEST",
    ),
    K.CALL_REMINDER: (
        "Nobody from your sector yet: ",
        "Nobody from your sector has said they will join this National Bridge Call",
        "",
    ),
    K.CALL_UPDATE_PUBLISHED: (
        "Update from the bridge call: ",
        "The update from a National Bridge Call your sector missed is on the portal",
        "",
    ),
}


def link_of(alert: Alert) -> CallAlert:
    return CallAlert.objects.select_related("call__update").get(alert=alert)


def audience(alert: Alert, people: QuerySet[User]) -> QuerySet[User]:
    link = link_of(alert)
    call = link.call
    if alert.kind == K.CALL_CANCELLED and link.people.exists():
        # Taken out of the audience by a change: told so, though no longer in it.
        return people.filter(pk__in=link.people.values("pk"))
    in_audience = call_audience(call, people)
    if alert.kind == K.CALL_DEPUTY_NOMINATED:
        return in_audience.filter(pk=link.person_id)
    if alert.kind in (K.CALL_REMINDER, K.CALL_UPDATE_PUBLISHED):
        of_sectors = Membership.objects.filter(
            user=OuterRef("pk"), sector__in=link.sectors.values("pk")
        )
        in_audience = in_audience.filter(Exists(of_sectors))
    if alert.kind == K.CALL_UPDATE_PUBLISHED:
        update = call.update
        if update is None or update.status != Bulletin.Status.PUBLISHED:
            return people.none()
        # The update's own audience decides too: a restricted update is told to nobody outside it.
        in_audience = bulletin_audience(update, in_audience)
    return in_audience


def render(alert: Alert) -> RenderedAlert:
    link = link_of(alert)
    call = link.call
    prefix, heading, method = KINDS[alert.kind]
    context = {
        "call": call,
        "prefix": prefix,
        "heading": heading,
        "urgent": call.urgent,
        "agenda_headline": call.agenda_headline,
        "note": alert.note,
        "link": call_link(call),
        "cancelled": alert.kind == K.CALL_CANCELLED,
        "reminder": alert.kind == K.CALL_REMINDER,
        "update_link": "",
    }
    if alert.kind == K.CALL_UPDATE_PUBLISHED and call.update_id:
        context["update_link"] = settings.PORTAL_BASE_URL + call.update.get_absolute_url()
    headers = {"List-Id": list_id()}
    if call.urgent and alert.kind in (K.CALL_CONVENED, K.CALL_CHANGED, K.CALL_DEPUTY_NOMINATED):
        headers |= {"Importance": "high", "X-Priority": "1"}
    attachments = ()
    if method:
        reason = alert.note if method == "CANCEL" else None
        attachments = (invitation_part(call, sequence=link.sequence, cancelled=reason),)
    return rendered(make_message("call", "", context, headers), attachments)


def register() -> None:
    register_alert_source(KINDS, AlertSource(audience=audience, render=render))
