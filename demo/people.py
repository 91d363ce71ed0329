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
from accounts.services import add_member, change_member_role, create_sector

DEMO_PASSWORD = "demo-portal-password"
# The portal admin who, in the demo's story, put the ISLs in their sectors.
DEMO_ADMIN = "portal.admin@example.org"

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
    (DEMO_ADMIN, "Demo portal admin", "NCPP office", [PORTAL_ADMINS_GROUP], []),
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


def seed_account(email: str, name: str, organisation: str, groups: list[str]) -> User:
    """The demo person's account, signed-in ready: password, verified address, authenticator.

    Written here rather than through a service: people join only by accepting an emailed
    invitation (accounts.invitations), and the demo has no inbox to follow its link from.
    """
    user, _ = User.objects.update_or_create(
        email=email, defaults={"name": name, "organisation": organisation, "is_active": True}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    # Each person sets up their own authenticator in allauth's pages; the demo sets one up
    # so that demo_code can print the codes.
    demo_totp_secret(user)
    # Only accepting an invitation grants a group; there is no service for it on its own.
    user.groups.set([Group.objects.get_or_create(name=group)[0] for group in groups])
    return user


def place_in_sector(user: User, sector: Sector, role: str, *, actor: User) -> None:
    """Make `user` hold `role` in `sector` through the portal admins' services."""
    membership = Membership.objects.filter(user=user, sector=sector).first()
    if membership is None:
        add_member(user=user, sector=sector, role=role, actor=actor)
    elif membership.role != role:
        change_member_role(membership, role=role, actor=actor)


@transaction.atomic
def seed_demo() -> list[tuple[str, str]]:
    """Load the demo sectors and people; return (email, what they are) for each person."""
    accounts = {
        email: seed_account(email, name, organisation, groups)
        for email, name, organisation, groups, _ in PEOPLE
    }
    # Sectors as a portal admin adds them, once: a second run finds them by their address.
    sectors = {
        name: Sector.objects.filter(slug=slugify(name)).first()
        or create_sector(name=name, actor=accounts[DEMO_ADMIN])
        for name in SECTORS
    }
    people = []
    for email, _, _, groups, memberships in PEOPLE:
        for sector_name, role in memberships:
            place_in_sector(accounts[email], sectors[sector_name], role, actor=accounts[DEMO_ADMIN])
        described = ", ".join(
            groups + [f"{role.label} of {sector_name}" for sector_name, role in memberships]
        )
        people.append((email, described))
    return people
