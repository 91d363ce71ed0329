"""Portal admins run sectors in the portal, and people added to one are told (issue 14, item 13)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import AuditEvent, Membership, Sector
from accounts.services import add_member
from accounts.tasks import send_membership_email
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


@pytest.fixture
def admin_client(client, portal_admin):
    client.force_login(portal_admin)
    return client


def test_an_admin_adds_a_sector_whose_address_is_made_from_its_name(admin_client, portal_admin):
    response = admin_client.post("/manage/sectors/new/", {"name": "  Night-time   economy "})

    sector = Sector.objects.get()
    assert (sector.name, sector.slug) == ("Night-time economy", "night-time-economy")
    assert response.headers["Location"] == "/manage/sectors/night-time-economy/"
    created = AuditEvent.objects.get(action="sector.created")
    assert (created.actor, created.object_id) == (portal_admin, str(sector.pk))
    assert created.changes == {"name": "Night-time economy", "slug": "night-time-economy"}
    assert "Add a sector" in admin_client.get("/manage/sectors/").content.decode()


def test_a_name_already_taken_is_refused_whatever_its_case(admin_client, retail):
    response = admin_client.post("/manage/sectors/new/", {"name": "RETAIL"})

    assert response.status_code == 200
    assert "There is already a sector called RETAIL." in response.content.decode()
    assert Sector.objects.count() == 1
    assert not AuditEvent.objects.filter(action="sector.created").exists()


def test_a_name_whose_address_is_taken_gets_a_numbered_address(admin_client, retail):
    Sector.objects.filter(pk=retail.pk).update(name="Shops")

    admin_client.post("/manage/sectors/new/", {"name": "Retail"})

    assert Sector.objects.get(name="Retail").slug == "retail-2"


def test_a_sector_called_new_does_not_take_the_address_of_the_add_page(admin_client):
    admin_client.post("/manage/sectors/new/", {"name": "New"})

    sector = Sector.objects.get(name="New")
    assert sector.slug == "new-2"
    assert admin_client.get(f"/manage/sectors/{sector.slug}/").status_code == 200


def test_renaming_keeps_the_address_so_old_links_still_work(admin_client, portal_admin, retail):
    response = admin_client.post("/manage/sectors/retail/rename/", {"name": "Retail and shopping"})

    retail.refresh_from_db()
    assert (retail.name, retail.slug) == ("Retail and shopping", "retail")
    assert response.headers["Location"] == "/manage/sectors/retail/"
    page = admin_client.get("/manage/sectors/retail/").content.decode()
    assert '<h1 class="govuk-heading-l">Retail and shopping</h1>' in page
    renamed = AuditEvent.objects.get(action="sector.renamed")
    assert renamed.actor == portal_admin
    assert renamed.changes == {"name": ["Retail", "Retail and shopping"], "slug": "retail"}


def test_renaming_to_another_sectors_name_is_refused(admin_client, retail, transport):
    response = admin_client.post("/manage/sectors/retail/rename/", {"name": "transport"})

    retail.refresh_from_db()
    assert retail.name == "Retail"
    assert "There is already a sector called transport." in response.content.decode()


def test_renaming_a_sector_that_does_not_exist_is_404(admin_client):
    assert admin_client.get("/manage/sectors/no-such-sector/rename/").status_code == 404
    assert (
        admin_client.post("/manage/sectors/no-such-sector/rename/", {"name": "X"}).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["isl", "ncpp_officer"])
def test_only_portal_admins_add_or_rename_sectors(client, request, retail, who):
    client.force_login(request.getfixturevalue(who))

    added = client.post("/manage/sectors/new/", {"name": "Finance"})
    renamed = client.post("/manage/sectors/retail/rename/", {"name": "Shops"})

    assert (added.status_code, renamed.status_code) == (403, 403)
    assert list(Sector.objects.values_list("name", flat=True)) == ["Retail"]


def test_the_readme_no_longer_sends_everyone_to_djangos_admin_for_sectors():
    readme = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text()

    assert "Manage → Sectors → Add a sector" in readme


# --- Telling people they were added ----------------------------------------------------------


def test_a_person_added_by_hand_is_emailed_the_sector_and_role(
    admin_client, retail, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/manage/sectors/retail/add/", {"email": outsider.email, "role": "deputy"}
        )

    (message,) = mailoutbox
    assert message.to == [outsider.email]
    assert message.subject == "You are now deputy of Retail on the ISL Briefing Portal"
    assert "You have been added to Retail on the ISL Briefing Portal, as deputy." in message.body
    assert "https://portal.test/" in message.body
    assert "Retail" in message.alternatives[0][0]


def test_people_added_by_an_import_are_each_emailed(
    admin_client, retail, transport, outsider, other_isl, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    content = (
        "email,name,organisation,sector,role\n"
        f"{outsider.email},Outsider,Acme,Retail,lead\n"
        f"{other_isl.email},Transport member,Rail Co,retail,member\n"
        f"{other_isl.email},Transport member,Rail Co,transport,deputy\n"
    ).encode()
    admin_client.post("/manage/import/", {"file": SimpleUploadedFile("m.csv", content)})
    import_id = admin_client.session["manage_import"]["id"]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/manage/import/apply/", {"import_id": import_id})

    told = sorted((message.to[0], message.subject) for message in mailoutbox)
    assert told == [
        (other_isl.email, "You are now member of Retail on the ISL Briefing Portal"),
        (outsider.email, "You are now lead of Retail on the ISL Briefing Portal"),
    ]
    # A change of role is not an addition: nobody is told about transport.
    assert Membership.objects.get(user=other_isl, sector=transport).role == "deputy"


def test_nothing_is_sent_if_the_addition_is_undone_before_the_email_leaves(
    admin_client, retail, outsider, mailoutbox
):
    membership = MembershipFactory(user=outsider, sector=retail)
    membership_id = membership.pk
    membership.delete()

    send_membership_email(membership_id)

    assert mailoutbox == []


def test_an_addition_that_rolls_back_sends_nothing(
    retail, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        with pytest.raises(RuntimeError), transaction.atomic():
            add_member(user=outsider, sector=retail, role="member", actor=outsider)
            raise RuntimeError("the request failed after adding")
        add_member(user=outsider, sector=retail, role="lead", actor=outsider)

    # Only the addition that stood is told.
    assert len(queued) == 1
    assert [message.subject for message in mailoutbox] == [
        "You are now lead of Retail on the ISL Briefing Portal"
    ]
