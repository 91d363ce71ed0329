from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from portal.access import require

from .adapters import mark_invitation_accepted
from .forms import AcceptInvitationForm, ProfileForm
from .invitations import InvitationUnusable, accept_invitation, find_invitation


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept_invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the invitation link. Sets a password, then MFA set-up follows."""
    try:
        invitation = find_invitation(token)
    except InvitationUnusable as problem:
        return render(
            request, "accounts/invitation_unusable.html", {"problem": problem}, status=410
        )
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"name": invitation.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = accept_invitation(
                token,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
                request=request,
            )
        except InvitationUnusable as problem:
            return render(
                request, "accounts/invitation_unusable.html", {"problem": problem}, status=410
            )
        if is_mfa_enabled(user):
            # Never reached while accepting resets the account; were a second factor ever left
            # on it, the emailed link must not sign anyone in past it.
            messages.success(
                request, "Your password is set. Sign in with it and a code from your app."
            )
            return redirect("account_login")
        # Signed in only so as to set up a second factor: RequireMFAMiddleware lets this
        # session reach nothing else until it has one. The password was just set here, so
        # setting up the authenticator does not ask for it again (AccountAdapter).
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        record_authentication(request, user, method="password", email=user.email)
        mark_invitation_accepted(request, user)
        messages.success(
            request, "Your password is set. Now set up your authenticator app to finish."
        )
        return redirect("mfa_activate_totp")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@require()
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your details are saved.")
        return redirect("profile")
    memberships = request.user.memberships.select_related("sector").order_by("sector__name")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})
