"""What each person's dashboard shows: a section for each role they hold, staff first.

NCPP staff see the drafts waiting, what was published lately and how the action asked for
stands; portal admins the invitations, sectors and people that need them; ISLs their sectors
and the bulletins addressed to them, each bulletin once. Each section costs a fixed number of
queries, however many bulletins, people and sectors there are.
"""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Invitation, Membership, Sector, User
from accounts.permissions import groups_and_sectors, is_ncpp_staff, is_portal_admin
from threat_levels.permissions import can_record_threat_level
from threat_levels.selectors import LevelInForce

from .models import Bulletin
from .permissions import can_write_bulletins, visible_bulletins
from .selectors import lead_acknowledgements, with_reading

LIST_LENGTH = 5
# "People added recently" on a portal admin's dashboard.
RECENT_PEOPLE = timedelta(days=14)
LISTED_FIELDS = ("pk", "reference", "title", "summary", "marking", "published_at")


def dashboard_context(user: User, levels_in_force: list[LevelInForce]) -> dict:
    """`levels_in_force`: the request's own reading of the levels, which the banner shares."""
    _, sector_ids = groups_and_sectors(user)  # the group names are then known to the checks
    staff, admin = is_ncpp_staff(user), is_portal_admin(user)
    return {
        "levels_in_force": levels_in_force,
        "may_record_threat_level": can_record_threat_level(user),
        "staff": staff_section(user) if staff else None,
        "admin": admin_section() if admin else None,
        "isl": isl_section(user, sector_ids) if sector_ids else None,
        # Alerts sent is for NCPP staff alone (alerts/views.py): nobody else is shown its figures.
        "may_see_alerts_sent": staff,
    }


def staff_section(user: User) -> dict:
    """Drafts (theirs and others'), the latest published, and the latest asking for action
    with how many of the sectors' leads have acknowledged each."""
    published = Bulletin.objects.filter(status=Bulletin.Status.PUBLISHED).only(
        *LISTED_FIELDS, "all_sectors"
    )
    drafts = Bulletin.objects.filter(status=Bulletin.Status.DRAFT)
    counts = drafts.aggregate(drafts=Count("pk"), mine=Count("pk", filter=Q(author=user)))
    return {
        "may_write": can_write_bulletins(user),
        "drafts": list(
            drafts.select_related("author")
            .only("pk", "title", "marking", "updated_at", "author__name", "author__email")
            .order_by("-updated_at", "-pk")[:LIST_LENGTH]
        ),
        "draft_count": counts["drafts"],
        "my_draft_count": counts["mine"],
        "published": list(published[:LIST_LENGTH]),
        "action_required": lead_acknowledgements(
            list(published.filter(action_required=True)[:LIST_LENGTH])
        ),
    }


def admin_section() -> dict:
    """What waits for a portal admin: invitations not yet accepted, sectors with no active
    lead, and who joined lately; and what they may read, since an admin reads bulletins only
    as the member of a sector."""
    now = timezone.now()
    active_leads = Membership.objects.filter(
        sector=OuterRef("pk"), role=Membership.Role.LEAD, user__is_active=True
    )
    recent = User.objects.filter(is_active=True, date_joined__gte=now - RECENT_PEOPLE)
    return {
        "pending_invitations": Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).count(),
        "leaderless": list(Sector.objects.filter(~Exists(active_leads)).only("name", "slug")),
        "new_people": list(
            recent.only("pk", "name", "email", "organisation", "date_joined").order_by(
                "-date_joined", "-pk"
            )[:LIST_LENGTH]
        ),
        "recent_days": RECENT_PEOPLE.days,
    }


def isl_section(user: User, sector_ids: list[int]) -> dict:
    """The person's sectors and roles, and the published bulletins addressed to them in three
    lists that never share a bulletin: waiting for their acknowledgement, not yet read, and
    the rest."""
    addressed = with_reading(
        visible_bulletins(user, ("sectors", *sector_ids)).filter(status=Bulletin.Status.PUBLISHED),
        user,
    ).only(*LISTED_FIELDS, "action_required")
    waiting = Q(action_required=True, is_acknowledged=False)
    unread = Q(is_read=False) & ~waiting
    counts = addressed.aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=waiting),
        unread=Count("pk", filter=unread),
        waiting_unread=Count("pk", filter=waiting & Q(is_read=False)),
    )
    return {
        "memberships": list(
            Membership.objects.filter(user=user).select_related("sector").order_by("sector__name")
        ),
        "waiting": list(addressed.filter(waiting)[:LIST_LENGTH]),
        "unread": list(addressed.filter(unread)[:LIST_LENGTH]),
        "recent": list(addressed.filter(is_read=True).exclude(waiting)[:LIST_LENGTH]),
        "addressed_count": counts["total"],
        "waiting_count": counts["waiting"],
        "unread_count": counts["unread"],
        "waiting_unread_count": counts["waiting_unread"],
    }
