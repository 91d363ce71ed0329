"""Demo data for `manage.py seed_demo`: clearly demo, safe to load again and again."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from .models import NCPP_STAFF_GROUP, PORTAL_ADMINS_GROUP, Membership, Sector, User

DEMO_PASSWORD = "demo-portal-password"

SECTORS = [
    "Retail",
    "Transport",
    "Night-time economy",
    "Sports grounds and stadiums",
    "Finance",
    "Hotels and hospitality",
    "Entertainment and events",
    "Commercial property and shopping centres",
    "Health",
    "Education",
    "Faith and places of worship",
    "Chemicals and hazardous sites",
]

# (email, name, organisation, groups, [(sector, role)])
PEOPLE = [
    ("ncpp.officer@example.org", "Demo NCPP officer", "NCPP office", [NCPP_STAFF_GROUP], []),
    ("portal.admin@example.org", "Demo portal admin", "NCPP office", [PORTAL_ADMINS_GROUP], []),
    (
        "isl.retail@example.org",
        "Demo retail lead",
        "Demo retail association",
        [],
        [("Retail", Membership.Role.LEAD)],
    ),
    (
        "isl.transport@example.org",
        "Demo transport lead",
        "Demo transport operators' group",
        [],
        [("Transport", Membership.Role.LEAD), ("Night-time economy", Membership.Role.DEPUTY)],
    ),
]


@transaction.atomic
def seed_demo() -> list[tuple[str, str]]:
    """Load the demo sectors and people; return (email, what they are) for each person."""
    sectors = {}
    for name in SECTORS:
        sector, _ = Sector.objects.update_or_create(slug=slugify(name), defaults={"name": name})
        sectors[name] = sector

    people = []
    for email, name, organisation, groups, memberships in PEOPLE:
        user, _ = User.objects.update_or_create(
            email=email, defaults={"name": name, "organisation": organisation, "is_active": True}
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.set(Group.objects.filter(name__in=groups))
        for sector_name, role in memberships:
            Membership.objects.update_or_create(
                user=user, sector=sectors[sector_name], defaults={"role": role}
            )
        described = ", ".join(
            groups + [f"{role.label} of {sector_name}" for sector_name, role in memberships]
        )
        people.append((email, described))
    return people
