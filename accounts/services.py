"""Portal admins' acts on people and sector membership.

Each function is one transaction that makes the change and writes its audit row.
"""

from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .audit import record_audit
from .models import Invitation, Membership, Sector, User


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
        raise ValidationError(f"{user.email} is deactivated: reactivate them first.")
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
    return membership


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


@transaction.atomic
def deactivate_person(user: User, *, actor: User, request: HttpRequest | None = None) -> User:
    """A leaver: no sign-in, every open session ended, every pending invitation withdrawn."""
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(f"{user.email} is already deactivated.")
    user.is_active = False
    user.save(update_fields=["is_active"])

    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()

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
            "sessions_ended": len(sessions),
            "invitations_revoked": revoked,
        },
        request=request,
    )
    return user


@transaction.atomic
def reactivate_person(user: User, *, actor: User, request: HttpRequest | None = None) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ValidationError(f"{user.email} is already active.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    record_audit(
        "person.reactivated",
        actor=actor,
        target=user,
        changes={"is_active": [False, True]},
        request=request,
    )
    return user
