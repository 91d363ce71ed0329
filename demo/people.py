"""Demo data for `manage.py seed_demo`: clearly demo, safe to load again and again."""

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from accounts.models import NCPP_STAFF_GROUP, PORTAL_ADMINS_GROUP, Membership, Sector, User

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


def demo_totp_secret(user: User) -> str:
    """The demo person's authenticator secret, made on first use. Demo data only."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret
    return get_mfa_adapter().decrypt(authenticator.data["secret"])


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def demo_people() -> list[User]:
    return list(User.objects.filter(email__in=[person[0] for person in PEOPLE]).order_by("email"))


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
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        demo_totp_secret(user)
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
        for sector_name, role in memberships:
            Membership.objects.update_or_create(
                user=user, sector=sectors[sector_name], defaults={"role": role}
            )
        described = ", ".join(
            groups + [f"{role.label} of {sector_name}" for sector_name, role in memberships]
        )
        people.append((email, described))
    return people
