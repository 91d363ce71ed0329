from celery import shared_task

from portal.emails import make_message

from .models import Invitation, Membership


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def send_invitation_email(invitation_id: int, accept_url: str) -> None:
    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        return
    sectors = ", ".join(
        f"{item.get_role_display()} of {item.sector.name}"
        for item in invitation.sectors.select_related("sector")
    )
    context = {
        "invitation": invitation,
        "accept_url": accept_url,
        "sectors": sectors,
        "invited_by_name": invitation.invited_by.name if invitation.invited_by else "",
    }
    make_message("invitation", invitation.email, context).send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def send_membership_email(membership_id: int) -> None:
    """Tell a person they were added to a sector: which one, and as what."""
    membership = Membership.objects.select_related("user", "sector").filter(pk=membership_id)
    membership = membership.first()
    # Removed again before the email left, or the person has left since: nothing to tell.
    if membership is None or not membership.user.is_active:
        return
    make_message("sector-added", membership.user.email, {"membership": membership}).send()
