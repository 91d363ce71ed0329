"""The audit log tells a portal admin who did what to which bulletin, never what it says.

A portal admin runs people and sectors; they are not a reader of every bulletin. The log's
page and its CSV name a bulletin by its reference; its title, the "what changed" note, the
reason for withdrawing it and its attachments' names are for those who may read it: rows
written now do not hold them, and rows written before are shown without them to anyone else.
"""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import NCPP_STAFF_GROUP, AuditEvent, Membership
from bulletins.models import Bulletin, Marking
from bulletins.services import amend_bulletin, publish_bulletin, withdraw_bulletin
from tests.factories import MembershipFactory
from tests.helpers import PDF_BYTES, make_bulletin

pytestmark = pytest.mark.django_db

RED_TITLE = "Hostile reconnaissance at two rail termini"
AMENDED_TITLE = "Hostile reconnaissance at three rail termini"
NOTE = "Added the third terminus after the overnight sighting"
REASON = "Source compromised; reissued under handling code seven"
FILENAME = "termini-cordon-plan.pdf"
SECRETS = (RED_TITLE, AMENDED_TITLE, NOTE, REASON, FILENAME, "termini-cordon-plan")


def log_page(client, **filters) -> str:
    response = client.get("/manage/audit/", filters)
    assert response.status_code == 200, filters
    return response.content.decode()


def log_csv(client, **filters) -> str:
    response = client.post("/manage/audit/export/", filters)
    assert response.status_code == 200, filters
    return b"".join(response.streaming_content).decode()


def everything_shown(client, red: Bulletin) -> dict[str, str]:
    """The log as the admin can read it: the page under every filter, and the CSV."""
    today = timezone.localdate().strftime("%d/%m/%Y")
    shown = {
        "page": log_page(client),
        "page 2": log_page(client, page=2),
        "person: officer": log_page(client, person="ncpp.officer"),
        "person: transport": log_page(client, person="isl.transport@example.org"),
        "dates": log_page(client, date_from=today, date_to=today),
        "csv": log_csv(client),
        "csv, dates": log_csv(client, date_from=today, date_to=today),
    }
    for action in AuditEvent.objects.values_list("action", flat=True).distinct():
        shown[f"action: {action}"] = log_page(client, action=action)
        shown[f"csv, action: {action}"] = log_csv(client, action=action)
    return shown


@pytest.fixture
def red(client, ncpp_officer, other_isl, transport) -> Bulletin:
    """A TLP:RED bulletin for Transport: published, given a file, read, amended and withdrawn,
    through the pages where the pages do it."""
    bulletin = make_bulletin(
        ncpp_officer, title=RED_TITLE, marking=Marking.RED, sectors=[transport],
        status=Bulletin.Status.DRAFT,
    )  # fmt: skip
    client.force_login(ncpp_officer)
    response = client.post(
        f"/bulletins/{bulletin.pk}/edit/",
        {"title": RED_TITLE, "summary": bulletin.summary, "marking": Marking.RED,
         "audience": "chosen", "sectors": [transport.pk],
         "attachment": SimpleUploadedFile(FILENAME, PDF_BYTES)},
    )  # fmt: skip
    assert response.status_code == 302
    bulletin = publish_bulletin(bulletin, publisher=ncpp_officer, send_alert=True)
    attachment = bulletin.attachments.get()
    client.force_login(other_isl)
    assert client.get(f"/bulletins/{bulletin.pk}/attachments/{attachment.pk}/").status_code == 200
    client.force_login(ncpp_officer)
    assert client.get(f"/bulletins/{bulletin.pk}/readership.csv").status_code == 200
    amend_bulletin(
        bulletin, what_changed=NOTE, realert=True, actor=ncpp_officer, title=AMENDED_TITLE
    )
    withdraw_bulletin(bulletin, reason=REASON, actor=ncpp_officer)
    client.logout()
    return bulletin


def test_a_portal_admin_reads_who_did_what_to_which_reference_and_nothing_of_the_content(
    client, red, portal_admin
):
    client.force_login(portal_admin)

    shown = everything_shown(client, red)

    for name in ("page", "csv"):
        assert red.reference in shown[name], name
    for action in ("bulletin.published", "bulletin.amended", "bulletin.withdrawn",
                   "bulletin.attachment_downloaded", "bulletin.exported"):  # fmt: skip
        assert action in shown["page"] and action in shown["csv"]
        assert red.reference in shown[f"action: {action}"]
    for name, text in shown.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} is in the audit log ({name})"


def test_rows_about_a_bulletin_keep_none_of_its_content(red):
    rows = AuditEvent.objects.filter(object_type="bulletins.bulletin", object_id=str(red.pk))
    assert rows.count() == 5
    for row in rows:
        stored = f"{row.object_repr} {row.changes}"
        assert red.reference in row.object_repr
        for secret in SECRETS:
            assert secret not in stored, (row.action, stored)


@pytest.fixture
def rows_written_before(ncpp_officer, other_isl, retail, transport):
    """Rows as earlier releases wrote them, titles and all: a real deployment holds these."""
    red = make_bulletin(ncpp_officer, title=RED_TITLE, marking=Marking.RED, sectors=[transport])
    open_to_all = make_bulletin(ncpp_officer, title="Crowded places advice", all_sectors=True)
    made = [
        ("bulletin.published", red, {"reference": red.reference, "marking": red.marking}),
        ("bulletin.amended", red, {"fields": ["title"], "what_changed": NOTE, "alert": True}),
        ("bulletin.attachment_downloaded", red, {"attachment": 1, "filename": FILENAME}),
        ("bulletin.withdrawn", red, {"reason": REASON}),
        ("bulletin.withdrawn", open_to_all, {"reason": "Crowded places reason"}),
    ]
    for action, bulletin, changes in made:
        AuditEvent.objects.create(
            actor=ncpp_officer, actor_email=ncpp_officer.email, action=action,
            object_type="bulletins.bulletin", object_id=str(bulletin.pk),
            object_repr=f"{bulletin.reference}: {bulletin.title}", changes=changes,
        )  # fmt: skip
    return red, open_to_all


def test_rows_written_before_are_shown_to_a_portal_admin_without_the_content(
    client, rows_written_before, portal_admin
):
    red, open_to_all = rows_written_before
    client.force_login(portal_admin)

    shown = everything_shown(client, red)

    assert red.reference in shown["page"] and red.reference in shown["csv"]
    assert open_to_all.reference in shown["page"] and open_to_all.reference in shown["csv"]
    for name, text in shown.items():
        # In no sector, the admin may read no bulletin at all: not even one for every sector.
        for secret in (*SECRETS, "Crowded places advice", "Crowded places reason"):
            assert secret not in text, f"{secret!r} is in the audit log ({name})"
    rows = list(csv.DictReader(io.StringIO(shown["csv"])))
    amended = next(row for row in rows if row["action"] == "bulletin.amended")
    assert amended["object"] == red.reference
    assert '"fields": ["title"]' in amended["changes"]  # what is not content stays


def test_a_portal_admin_who_may_read_the_bulletin_sees_what_the_rows_hold(
    client, rows_written_before, portal_admin, transport
):
    red, _ = rows_written_before
    MembershipFactory(user=portal_admin, sector=transport, role=Membership.Role.MEMBER)
    client.force_login(portal_admin)

    page, export = log_page(client), log_csv(client)

    for secret in (RED_TITLE, NOTE, REASON, FILENAME):
        assert secret in page and secret in export


def test_a_portal_admin_of_ncpp_staff_sees_what_the_rows_hold(
    client, rows_written_before, portal_admin
):
    portal_admin.groups.add(Group.objects.get_or_create(name=NCPP_STAFF_GROUP)[0])
    client.force_login(portal_admin)

    page, export = log_page(client), log_csv(client)

    for secret in (RED_TITLE, NOTE, REASON, FILENAME, "Crowded places reason"):
        assert secret in page and secret in export


def test_a_portal_admin_of_another_sector_sees_the_open_bulletin_but_not_the_red_one(
    client, rows_written_before, portal_admin, retail
):
    red, open_to_all = rows_written_before
    MembershipFactory(user=portal_admin, sector=retail, role=Membership.Role.MEMBER)
    client.force_login(portal_admin)

    page, export = log_page(client), log_csv(client)

    for text in (page, export):
        assert "Crowded places reason" in text and red.reference in text
        for secret in SECRETS:
            assert secret not in text
