"""A sector's contacts: kept by its lead, deputies and portal admins; nobody else sees them."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from cascades.models import Contact

pytestmark = pytest.mark.django_db


def contact_routes(sector, contact) -> list[tuple[str, str]]:
    slug = sector.slug
    return [
        ("get", reverse("cascade_contacts", args=[slug])),
        ("get", reverse("cascade_contact_new", args=[slug])),
        ("post", reverse("cascade_contact_new", args=[slug])),
        ("get", reverse("cascade_contact_edit", args=[slug, contact.pk])),
        ("post", reverse("cascade_contact_edit", args=[slug, contact.pk])),
        ("get", reverse("cascade_contact_remove", args=[slug, contact.pk])),
        ("post", reverse("cascade_contact_remove", args=[slug, contact.pk])),
        ("get", reverse("cascade_contacts_csv", args=[slug])),
        ("get", reverse("cascade_contacts_import", args=[slug])),
        ("post", reverse("cascade_contacts_import", args=[slug])),
        ("post", reverse("cascade_contacts_import_apply", args=[slug])),
    ]


def test_a_lead_adds_a_contact_with_the_phone_written_the_uk_way_and_it_is_audited(
    client, isl, retail
):
    client.force_login(isl)
    response = client.post(
        reverse("cascade_contact_new", args=[retail.slug]),
        {"organisation": "Corner Shop Ltd", "name": "Sam Shopkeeper",
         "email": "Sam@Corner.example.org", "phone": "+44 20 7946 0000"},
    )  # fmt: skip
    assert response.status_code == 302
    contact = Contact.objects.get(sector=retail)
    assert contact.phone == "020 7946 0000"
    assert contact.email == "sam@corner.example.org"
    event = AuditEvent.objects.get(action="contact.added")
    assert event.actor == isl and event.object_id == str(contact.pk)


def test_a_phone_that_is_not_a_uk_number_is_refused_and_nothing_is_saved(client, isl, retail):
    client.force_login(isl)
    response = client.post(
        reverse("cascade_contact_new", args=[retail.slug]),
        {"organisation": "Shop", "name": "Sam", "email": "sam@shop.example.org", "phone": "12"},
    )
    assert response.status_code == 200
    assert "Enter a UK landline or mobile number" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_lead_changes_and_removes_a_contact_and_each_is_audited(
    client, isl, retail, retail_contacts
):
    client.force_login(isl)
    contact = retail_contacts[0]
    client.post(
        reverse("cascade_contact_edit", args=[retail.slug, contact.pk]),
        {"organisation": "Renamed Ltd", "name": contact.name, "email": contact.email},
    )
    contact.refresh_from_db()
    assert contact.organisation == "Renamed Ltd"
    client.post(reverse("cascade_contact_remove", args=[retail.slug, contact.pk]))
    assert not Contact.objects.filter(pk=contact.pk).exists()
    changed = AuditEvent.objects.get(action="contact.changed")
    assert changed.changes["fields"] == ["organisation"]
    assert AuditEvent.objects.get(action="contact.removed").object_id == str(contact.pk)


@pytest.mark.parametrize("who", ["other_isl", "transport_lead", "retail_member", "ncpp_officer"])
def test_nobody_but_the_sectors_keepers_reaches_its_list_by_any_route(
    who, request, client, retail, retail_contacts
):
    client.force_login(request.getfixturevalue(who))
    contact = retail_contacts[0]
    before = (Contact.objects.count(), AuditEvent.objects.count())
    for method, path in contact_routes(retail, contact):
        response = getattr(client, method)(
            path, {"organisation": "X", "name": "Y", "email": "x@example.org", "import_id": "x"}
        )
        # The apply step checks the method first, which says nothing about the sector.
        assert response.status_code == 404, (who, method, path, response.status_code)
    contact.refresh_from_db()
    assert contact.organisation != "X"
    assert (Contact.objects.count(), AuditEvent.objects.count()) == before


def test_a_lead_of_another_sector_cannot_reach_a_contact_through_their_own_sector(
    client, transport_lead, transport, retail_contacts
):
    client.force_login(transport_lead)
    contact = retail_contacts[0]
    for name in ("cascade_contact_edit", "cascade_contact_remove"):
        assert client.get(reverse(name, args=[transport.slug, contact.pk])).status_code == 404
        assert client.post(reverse(name, args=[transport.slug, contact.pk])).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_portal_admin_keeps_every_sectors_list(client, portal_admin, retail, retail_contacts):
    client.force_login(portal_admin)
    response = client.get(reverse("cascade_contacts", args=[retail.slug]))
    assert response.status_code == 200
    assert retail_contacts[0].organisation in response.content.decode()


def upload(client, sector, text: str):
    return client.post(
        reverse("cascade_contacts_import", args=[sector.slug]),
        {"file": SimpleUploadedFile("contacts.csv", text.encode(), content_type="text/csv")},
    )


def test_an_import_shows_what_it_will_do_then_adds_and_updates_in_one_go(
    client, isl, retail, retail_contacts
):
    client.force_login(isl)
    existing = retail_contacts[0]
    text = (
        "organisation,name,email,phone,public_list\n"
        f"Changed Name Ltd,{existing.name},{existing.email},,no\n"
        "New Shop Ltd,Pat,pat@newshop.example.org,07400 123456,\n"
        "Retail News,Editor,news@retail-news.example.org,,yes\n"
    )
    response = upload(client, retail, text)
    page = response.content.decode()
    assert "Check the import" in page
    assert Contact.objects.filter(sector=retail).count() == 3  # nothing yet
    import_id = response.context["import_id"]
    client.post(
        reverse("cascade_contacts_import_apply", args=[retail.slug]), {"import_id": import_id}
    )
    assert Contact.objects.filter(sector=retail).count() == 5
    existing.refresh_from_db()
    assert existing.organisation == "Changed Name Ltd"
    assert Contact.objects.get(email="news@retail-news.example.org").public_list
    assert Contact.objects.get(email="pat@newshop.example.org").phone == "07400 123456"
    event = AuditEvent.objects.get(action="contacts.imported")
    assert event.changes["added"] == 2 and event.changes["changed"] == 1


def test_a_file_with_one_bad_row_imports_nothing_and_says_which_row(client, isl, retail):
    client.force_login(isl)
    text = (
        "organisation,name,email,phone,public_list\n"
        "Good Ltd,Pat,pat@good.example.org,,no\n"
        "Bad Ltd,Kim,not-an-address,,no\n"
    )
    response = upload(client, retail, text)
    page = response.content.decode()
    assert "The file cannot be imported" in page
    assert "is not a valid email address" in page
    assert response.context["preview"].problems[0][0] == 3
    assert not Contact.objects.exists()
    # Nothing was kept to apply.
    client.post(reverse("cascade_contacts_import_apply", args=[retail.slug]), {"import_id": ""})
    assert not Contact.objects.exists()


def test_a_file_with_the_wrong_header_is_refused(client, isl, retail):
    client.force_login(isl)
    response = upload(client, retail, "email,name\nx@example.org,X\n")
    assert "must name the columns organisation,name,email,phone,public_list" in (
        response.content.decode()
    )


def test_the_export_is_spreadsheet_safe_and_audited(client, isl, retail):
    Contact.objects.create(
        sector=retail, organisation='=HYPERLINK("http://x")', name="N", email="n@example.org"
    )
    client.force_login(isl)
    response = client.get(reverse("cascade_contacts_csv", args=[retail.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["organisation", "name", "email", "phone", "public_list", "unsubscribed_at"]
    assert rows[1][0].startswith("'=")
    assert AuditEvent.objects.filter(action="contacts.exported").exists()
