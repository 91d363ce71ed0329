"""Nothing a signed-in person is shown stays in a browser's cache or a shared one.

Every response to a signed-in person (with or without a second factor yet) carries
`Cache-Control: private, no-store`, whatever the view itself set: a RED bulletin read on a
shared computer must not be there for the next person to find with the back button.
Public pages served to visitors who are not signed in keep being shared (portal/public_pages.py).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bulletins.attachments import PDF
from bulletins.models import Marking
from bulletins.services import add_attachment, amend_bulletin
from tests import test_route_policy as route_policy
from tests.helpers import PASSWORD, days_ago, make_bulletin, record_change, totp_code

pytestmark = pytest.mark.django_db

# The route table's people, objects and signed-in clients (tests/test_route_policy.py).
world = route_policy.world

SIGNED_IN_PERSONAS = ("half", "isl", "other_isl", "ncpp", "admin")


def cache_control(response) -> set[str]:
    header = response.headers.get("Cache-Control", "")
    return {directive.strip().lower() for directive in header.split(",") if directive.strip()}


def kept_by_no_cache(response) -> bool:
    """Whether the response tells every cache to keep nothing of it, and nothing weaker."""
    directives = cache_control(response)
    return {"private", "no-store"} <= directives and "public" not in directives


def test_every_route_answers_a_signed_in_person_with_private_no_store(world) -> None:
    clients, values = world
    kept = []
    for name, route in route_policy.routes():
        path = route_policy.build_path(route, values(name))
        for persona in SIGNED_IN_PERSONAS:
            response = clients[persona].get(path)
            if not kept_by_no_cache(response):
                kept.append(
                    f"{name} {path} as {persona} ({response.status_code}): "
                    f"Cache-Control {response.headers.get('Cache-Control')!r}"
                )
    assert not kept, "Responses a browser may keep:\n" + "\n".join(kept)


@pytest.fixture
def red_bulletin(ncpp_officer, retail, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "attachments"
    bulletin = make_bulletin(
        ncpp_officer,
        title="Hostile reconnaissance at retail parks",
        summary="Red summary for the retail lead only.",
        body="Red body text.",
        marking=Marking.RED,
        sectors=[retail],
    )
    attachment = add_attachment(
        bulletin,
        SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n"),
        PDF,
        uploaded_by=ncpp_officer,
    )
    amend_bulletin(bulletin, what_changed="Times corrected.", realert=False, actor=ncpp_officer)
    return bulletin, attachment


def test_a_red_bulletin_and_every_way_to_it_are_kept_by_no_cache(client, isl, red_bulletin):
    bulletin, attachment = red_bulletin
    client.force_login(isl)
    pages = {
        "the bulletin": reverse("bulletin_detail", args=[bulletin.pk]),
        "the list": reverse("bulletin_list"),
        "search": reverse("bulletin_search") + "?q=reconnaissance",
        "revisions": reverse("bulletin_revisions", args=[bulletin.pk]),
        "the attachment": reverse("bulletin_attachment", args=[bulletin.pk, attachment.pk]),
    }

    for what, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, what
        if what != "the attachment":
            assert "Hostile reconnaissance at retail parks" in response.content.decode(), what
        assert kept_by_no_cache(response), f"{what}: {response.headers.get('Cache-Control')}"


def test_exports_are_kept_by_no_cache(client, ncpp_officer, portal_admin, red_bulletin):
    bulletin, _ = red_bulletin
    client.force_login(ncpp_officer)
    readers = client.get(reverse("bulletin_readership_csv", args=[bulletin.pk]))
    client.force_login(portal_admin)
    audit = client.post(reverse("manage_audit_export"), {})

    assert readers.status_code == audit.status_code == 200
    assert readers.headers["Content-Type"].startswith("text/csv")
    assert kept_by_no_cache(readers)
    assert audit.headers["Content-Type"].startswith("text/csv")
    assert kept_by_no_cache(audit)  # the view said only "no-store"


def test_redirects_and_missing_pages_for_a_signed_in_person_are_kept_by_no_cache(client, isl):
    client.force_login(isl)

    added_slash = client.get("/bulletins")
    missing = client.get("/no-such-page/")
    public = client.get("/api/threat-level")

    assert added_slash.status_code == 301
    assert kept_by_no_cache(added_slash)
    assert missing.status_code == 404
    assert kept_by_no_cache(missing)
    assert public.status_code == 200
    assert kept_by_no_cache(public)


def test_signing_in_and_out_are_kept_by_no_cache(client, isl):
    password = client.post("/accounts/login/", {"login": isl.email, "password": PASSWORD})
    code = client.post("/accounts/2fa/authenticate/", {"code": totp_code(isl.totp_secret)})
    dashboard = client.get("/")
    signed_out = client.post("/accounts/logout/")

    assert password.headers["Location"] == "/accounts/2fa/authenticate/"
    assert code.headers["Location"] == "/"
    assert "Dashboard" in dashboard.content.decode()
    for response in (password, code, dashboard, signed_out):
        assert kept_by_no_cache(response), response.request["PATH_INFO"]
        assert "Cookie" in response.headers.get("Vary", "")


def test_a_visitor_still_gets_the_shared_public_page(client, national):
    record_change(national, "SUBSTANTIAL", days_ago(3))
    first = client.get("/")
    second = client.get("/")

    assert any(template.name == "portal/home.html" for template in first.templates)
    assert not second.templates  # served whole from the cache
    for response in (first, second):
        assert "no-store" not in cache_control(response)
        assert "Cookie" in response.headers.get("Vary", "")
