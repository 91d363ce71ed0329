"""Invitations: the only way into the portal.

Each function is one transaction that writes the change and its audit row; the
email leaves after commit.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from portal.queueing import enqueue_after_commit

from .audit import record_audit
from .models import (
    NCPP_STAFF_GROUP,
    PORTAL_ADMINS_GROUP,
    Invitation,
    InvitationSector,
    Membership,
    Sector,
    User,
    normalise_email,
)
from .services import strip_rights

INVITATION_LIFETIME = timedelta(days=7)

GROUP_FOR_KIND = {
    Invitation.Kind.NCPP_STAFF: NCPP_STAFF_GROUP,
    Invitation.Kind.PORTAL_ADMIN: PORTAL_ADMINS_GROUP,
}


class InvitationUnusable(Exception):
    """The link was used, revoked, has expired, or never existed. The message says which."""


ACCOUNT_IN_USE = (
    "An account with this email address is already in use: an invitation cannot change it. "
    "Sign in with your email address and password, or ask the NCPP office for help."
)


@dataclass(frozen=True)
class SectorRole:
    sector: Sector
    role: str = Membership.Role.MEMBER


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def accept_url(token: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("invitation_accept", args=[token])


def _new_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + INVITATION_LIFETIME
    return token


def _queue_email(invitation: Invitation, token: str) -> None:
    from .tasks import send_invitation_email

    enqueue_after_commit(send_invitation_email, invitation.pk, accept_url(token))


@transaction.atomic
def create_invitation(
    *,
    email: str,
    kind: str,
    invited_by: User | None,
    name: str = "",
    organisation: str = "",
    sectors: list[SectorRole] | None = None,
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite a person; an ISL's invitation names their sectors and roles.

    Refused (ValidationError) for an address that already has an active account or
    a pending invitation: resend that one instead.
    """
    email = normalise_email(email)
    sectors = sectors or []
    if kind == Invitation.Kind.ISL and not sectors:
        raise ValidationError("An ISL's invitation must name at least one sector.")
    if User.objects.filter(email=email, is_active=True).exists():
        raise ValidationError(f"{email} already has an account.")
    pending = Invitation.objects.filter(
        email=email, accepted_at__isnull=True, revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )  # fmt: skip
    if pending.exists():
        raise ValidationError(f"{email} already has a pending invitation: resend it instead.")
    invitation = Invitation(
        email=email, name=name, organisation=organisation, kind=kind, invited_by=invited_by
    )
    token = _new_token(invitation)
    invitation.save()
    InvitationSector.objects.bulk_create(
        InvitationSector(invitation=invitation, sector=item.sector, role=item.role)
        for item in sectors
    )
    record_audit(
        "invitation.sent",
        actor=invited_by,
        target=invitation,
        changes={
            "email": email,
            "kind": kind,
            "sectors": {item.sector.slug: str(item.role) for item in sectors},
        },
        request=request,
    )
    _queue_email(invitation, token)
    return invitation


@transaction.atomic
def resend_invitation(
    invitation: Invitation, *, actor: User, request: HttpRequest | None = None
) -> Invitation:
    """A new link with a fresh seven days; the old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(f"This invitation was {invitation.status}; it cannot be resent.")
    token = _new_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    record_audit("invitation.resent", actor=actor, target=invitation, request=request)
    _queue_email(invitation, token)
    return invitation


@transaction.atomic
def revoke_invitation(
    invitation: Invitation, *, actor: User, request: HttpRequest | None = None
) -> Invitation:
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not claimed:
        raise ValidationError("This invitation was already accepted or revoked.")
    invitation.refresh_from_db()
    record_audit("invitation.revoked", actor=actor, target=invitation, request=request)
    return invitation


def find_invitation(token: str) -> Invitation:
    """The invitation a link points at, if it can still be accepted."""
    invitation = Invitation.objects.filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationUnusable(
            "This invitation link is not valid. Check you copied the whole link from the email, "
            "or ask for a new invitation."
        )
    if invitation.accepted_at:
        raise InvitationUnusable(
            "This invitation has already been used. Sign in with your email address and password."
        )
    if invitation.revoked_at:
        raise InvitationUnusable(
            "This invitation was withdrawn. Ask the NCPP office or your sector lead for a new one."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(
            "This invitation has expired: links work for 7 days. Ask the NCPP office or your "
            "sector lead to send it again."
        )
    if User.objects.filter(email=invitation.email, is_active=True).exists():
        raise InvitationUnusable(ACCOUNT_IN_USE)
    return invitation


@transaction.atomic
def accept_invitation(
    token: str, *, password: str, name: str = "", request: HttpRequest | None = None
) -> User:
    """Create the account, or reopen a leaver's, with exactly the roles the invitation names.

    A reopened account keeps nothing from before: groups, memberships, second factors, the
    Django admin flags and sessions go first. Deactivation already removes them; this also
    covers leavers deactivated before it did, or in the Django admin. The person still has
    to set up a second factor before reaching anything.
    """
    invitation = find_invitation(token)
    now = timezone.now()
    # The conditional update is the claim: of two simultaneous acceptances, one wins.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now)
    if not claimed:
        raise InvitationUnusable("This invitation has already been used.")

    user = User.objects.select_for_update().filter(email=invitation.email).first()
    reset: dict[str, object] = {}
    if user is None:
        user = User(email=invitation.email)
    elif user.is_active:
        # Switched on again since find_invitation() looked; the transaction rolls the claim back.
        raise InvitationUnusable(ACCOUNT_IN_USE)
    else:
        reset = strip_rights(user)
    user.name = name or invitation.name or user.name
    user.organisation = invitation.organisation or user.organisation
    user.is_active = True
    user.set_password(password)
    user.save()
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)

    # Following the link proves the address belongs to the person.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    group = GROUP_FOR_KIND.get(invitation.kind)
    if group:
        # get_or_create: the groups come from a data migration, which a flushed database lacks.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    granted = {}
    for item in invitation.sectors.select_related("sector"):
        Membership.objects.create(user=user, sector=item.sector, role=item.role)
        granted[item.sector.slug] = item.role
    changes: dict[str, object] = {"user": user.email, "group": group or "", "sectors": granted}
    if reset:
        changes["reset"] = reset
    record_audit(
        "invitation.accepted",
        actor=user,
        target=invitation,
        changes=changes,
        request=request,
    )
    return user
