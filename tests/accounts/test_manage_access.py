import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from accounts import manage_urls
from accounts.invitations import create_invitation
from accounts.models import Invitation, Membership, User
from accounts.permissions import is_portal_admin

pytestmark = pytest.mark.django_db

# Views that change something answer POST only; a GET is refused with 405.
POST_ONLY = {
    "manage_sector_add_member",
    "manage_membership_role",
    "manage_import_apply",
    "manage_invitation_resend",
    "manage_audit_export",
}


@pytest.fixture
def sample_urls(isl, other_isl, retail, portal_admin) -> dict[str, str]:
    """Every /manage/ URL, reversed with arguments that point at real rows."""
    invitation = create_invitation(
        email="invitee@example.org", kind=Invitation.Kind.NCPP_STAFF, invited_by=portal_admin
    )
    samples = {
        "slug": retail.slug,
        "membership_id": Membership.objects.get(user=isl).pk,
        "user_id": other_isl.pk,
        "invitation_id": invitation.pk,
    }
    urls = {}
    for pattern in manage_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {name: samples[name] for name in pattern.pattern.converters}
        urls[pattern.name] = reverse(pattern.name, kwargs=kwargs)
    return urls


def test_every_manage_view_is_for_portal_admins_only():
    for pattern in manage_urls.urlpatterns:
        assert getattr(pattern.callback, "access_rule", None) is is_portal_admin, pattern.name


@pytest.mark.parametrize("person", ["isl", "other_isl", "outsider", "ncpp_officer"])
def test_people_who_are_not_portal_admins_get_403_on_every_manage_url(
    request, client, sample_urls, person
):
    client.force_login(request.getfixturevalue(person))

    for name, url in sample_urls.items():
        assert client.get(url).status_code == 403, name
        assert client.post(url).status_code == 403, name


def test_anonymous_visitors_are_sent_to_sign_in_from_every_manage_url(client, sample_urls):
    for name, url in sample_urls.items():
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302, name
            assert response.headers["Location"].startswith("/accounts/login/?next="), name


def test_a_portal_admin_gets_every_manage_page(client, sample_urls, portal_admin):
    client.force_login(portal_admin)

    for name, url in sample_urls.items():
        expected = 405 if name in POST_ONLY else 200
        assert client.get(url).status_code == expected, name


def test_an_unknown_sector_is_not_found(client, portal_admin):
    client.force_login(portal_admin)

    assert client.get("/manage/sectors/no-such-sector/").status_code == 404


def test_a_post_without_a_csrf_token_is_refused(portal_admin, isl, retail, sample_urls):
    browser = Client(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})
    browser.force_login(portal_admin)
    membership = Membership.objects.get(user=isl)

    response = browser.post(sample_urls["manage_membership_remove"])
    browser.post(sample_urls["manage_person_deactivate"])

    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.get(email="isl.transport@example.org").is_active
