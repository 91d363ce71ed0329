"""Portal admins' acts on sectors, people and sector membership.

Each function is one transaction that makes the change and writes its audit row.
"""

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from portal.queueing import enqueue_after_commit

from .audit import record_audit
from .models import Invitation, Membership, Sector, User

# --- Sectors --------------------------------------------------------------

# Words the manage pages use after /manage/sectors/ for themselves.
RESERVED_SLUGS = {"new"}


def _check_sector_name(name: str, *, sector: Sector | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter the sector's name.")
    others = Sector.objects.exclude(pk=sector.pk) if sector else Sector.objects.all()
    if others.filter(name__iexact=name).exists():
        raise ValidationError(f"There is already a sector called {name}.")
    if not slugify(name):
        raise ValidationError("Use letters or numbers in the sector's name.")
    return name


def _free_slug(name: str) -> str:
    """The name as a web address, made unique with a number if a sector already has it."""
    base = slugify(name)[: Sector._meta.get_field("slug").max_length - 4]
    slug, number = base, 1
    while slug in RESERVED_SLUGS or Sector.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def create_sector(*, name: str, actor: User, request: HttpRequest | None = None) -> Sector:
    """A new sector, its web address (slug) made from its name."""
    name = _check_sector_name(name)
    sector = Sector.objects.create(name=name, slug=_free_slug(name))
    record_audit(
        "sector.created",
        actor=actor,
        target=sector,
        changes={"name": sector.name, "slug": sector.slug},
        request=request,
    )
    return sector


@transaction.atomic
def rename_sector(
    sector: Sector, *, name: str, actor: User, request: HttpRequest | None = None
) -> Sector:
    """A new name; the web address (slug) stays as it is.

    The slug is how links, bookmarks, import files, audit rows and filters name the sector:
    keeping it means none of them breaks or silently points elsewhere when the name changes.
    """
    sector = Sector.objects.select_for_update().get(pk=sector.pk)
    old = sector.name
    name = _check_sector_name(name, sector=sector)
    if name == old:
        raise ValidationError(f"The sector is already called {old}.")
    sector.name = name
    sector.save(update_fields=["name"])
    record_audit(
        "sector.renamed",
        actor=actor,
        target=sector,
        changes={"name": [old, name], "slug": sector.slug},
        request=request,
    )
    return sector


# --- Membership -----------------------------------------------------------


def _describe(membership: Membership) -> dict[str, str]:
    # Copied into the audit row so it still reads correctly once the membership is gone.
    return {
        "user": membership.user.email,
        "sector": membership.sector.slug,
        "role": membership.role,
    }


@transaction.atomic
def add_member(
    *, user: User, sector: Sector, role: str, actor: User, request: HttpRequest | None = None
) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError(f"{role} is not a role: use lead, deputy or member.")
    if not user.is_active:
        raise ValidationError(f"{user.email} is deactivated: invite them again instead.")
    if Membership.objects.filter(user=user, sector=sector).exists():
        raise ValidationError(f"{user.email} is already in {sector.name}.")
    membership = Membership.objects.create(user=user, sector=sector, role=role)
    record_audit(
        "membership.added",
        actor=actor,
        target=membership,
        changes=_describe(membership),
        request=request,
    )
    _queue_membership_email(membership)
    return membership


def _queue_membership_email(membership: Membership) -> None:
    from .tasks import send_membership_email

    # The person is told which sector and role, once the change is safe in the database.
    enqueue_after_commit(send_membership_email, membership.pk)


@transaction.atomic
def change_member_role(
    membership: Membership, *, role: str, actor: User, request: HttpRequest | None = None
) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError(f"{role} is not a role: use lead, deputy or member.")
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "sector")
        .get(pk=membership.pk)
    )
    old = membership.role
    if old == role:
        raise ValidationError(f"{membership.user} is already {membership.get_role_display()}.")
    membership.role = role
    membership.save(update_fields=["role"])
    record_audit(
        "membership.changed",
        actor=actor,
        target=membership,
        changes={**_describe(membership), "role": [old, role]},
        request=request,
    )
    return membership


@transaction.atomic
def remove_member(
    membership: Membership, *, actor: User, request: HttpRequest | None = None
) -> None:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "sector")
        .filter(pk=membership.pk)
        .first()
    )
    if membership is None:
        raise ValidationError("This membership was already removed.")
    # Recorded first: once deleted, the row has no primary key to point at.
    record_audit(
        "membership.removed",
        actor=actor,
        target=membership,
        changes=_describe(membership),
        request=request,
    )
    membership.delete()


def strip_rights(user: User) -> dict[str, object]:
    """Take every right away from `user`; return what was removed, for the audit row.

    Groups, sector memberships, second factors (TOTP, recovery codes, passkeys), the Django
    admin flags and every open session. The caller holds the user's row locked.
    """
    groups = sorted(user.groups.values_list("name", flat=True))
    user.groups.clear()
    memberships = user.memberships.select_related("sector").order_by("sector__slug")
    removed_memberships = [{"sector": m.sector.slug, "role": m.role} for m in memberships]
    memberships.delete()
    authenticators = Authenticator.objects.filter(user=user)
    removed_authenticators = sorted(authenticators.values_list("type", flat=True))
    authenticators.delete()
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    removed: dict[str, object] = {
        "groups_removed": groups,
        "memberships_removed": removed_memberships,
        "authenticators_removed": removed_authenticators,
        "sessions_ended": len(sessions),
    }
    for flag in ("is_staff", "is_superuser"):
        if getattr(user, flag):
            setattr(user, flag, False)
            removed[flag] = [True, False]
    return removed


@transaction.atomic
def deactivate_person(user: User, *, actor: User, request: HttpRequest | None = None) -> User:
    """A leaver: no sign-in and no right left.

    Every group, sector membership, second factor and session goes, the password stops
    working and pending invitations are withdrawn. The only way back is a new invitation,
    which grants exactly what it names.
    """
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(f"{user.email} is already deactivated.")
    removed = strip_rights(user)
    user.is_active = False
    # A changed password hash also invalidates any session usersessions never saw.
    user.set_unusable_password()
    user.save(update_fields=["is_active", "is_staff", "is_superuser", "password"])

    pending = Invitation.objects.filter(
        email=user.email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    # Revoked in place rather than through revoke_invitation(): this act writes one audit row.
    revoked = list(pending.values_list("pk", flat=True))
    pending.update(revoked_at=timezone.now())

    record_audit(
        "person.deactivated",
        actor=actor,
        target=user,
        changes={
            "is_active": [True, False],
            **removed,
            "password": "made unusable",
            "invitations_revoked": revoked,
        },
        request=request,
    )
    return user
