"""Writing, publishing, amending, withdrawing, reading and acknowledging, through the pages."""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from accounts.models import AuditEvent
from alerts.models import Alert
from bulletins.models import Bulletin, BulletinRevision, Marking, Reading
from tests.helpers import days_ago, make_bulletin, record_change
from threat_levels.selectors import refresh_cached_levels

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "fixtures" / "cssc-update-2015-12-17.txt"


def test_pasting_shows_the_structured_draft_before_anything_is_saved(client, ncpp_officer):
    client.force_login(ncpp_officer)
    response = client.post("/bulletins/paste/", {"text": SAMPLE.read_text(encoding="utf-8")})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "CSSC Counter Terrorism Protective Sercurity Update"
    assert len(form.initial["key_points"].splitlines()) == 7
    assert "## Working Together" in form.initial["body"]
    assert not Bulletin.objects.exists()


def draft_data(**changes) -> dict:
    data = {
        "title": "Crowded places advice",
        "summary": "What to do this weekend.",
        "source_line": "Update from the NCPP office",
        "key_points": "Be alert\nReport concerns",
        "body": "## Detail\n\nText.",
        "marking": Marking.GREEN,
        "audience": "chosen",
        "sectors": [],
        "valid_until": "",
        "supersedes": "",
    }
    data.update(changes)
    return data


def test_a_draft_needs_a_sector_when_it_is_not_for_all(client, ncpp_officer):
    client.force_login(ncpp_officer)
    response = client.post("/bulletins/new/", draft_data())
    assert response.status_code == 200
    assert "Choose at least one sector" in response.content.decode()


def test_staff_write_preview_and_publish_with_a_confirmation(
    client, ncpp_officer, isl, other_isl, retail
):
    client.force_login(ncpp_officer)
    response = client.post("/bulletins/new/", draft_data(sectors=[retail.pk]))
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and bulletin.is_draft
    assert bulletin.key_points == ["Be alert", "Report concerns"]

    preview = client.get(f"/bulletins/{bulletin.pk}/preview/").content.decode()
    assert "as an ISL will see it" in preview and "Crowded places advice" in preview

    confirm = client.get(f"/bulletins/{bulletin.pk}/publish/").content.decode()
    assert "TLP:GREEN" in confirm and "Retail" in confirm
    assert "1 person will be emailed" in confirm

    refused = client.post(f"/bulletins/{bulletin.pk}/publish/", {"alert": "yes"})
    assert refused.status_code == 200
    assert not Alert.objects.exists()

    client.post(f"/bulletins/{bulletin.pk}/publish/", {"alert": "yes", "confirm": "on"})
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.PUBLISHED
    assert Alert.objects.filter(bulletin=bulletin, kind=Alert.Kind.BULLETIN_PUBLISHED).count() == 1


def test_staff_can_publish_without_an_alert(client, ncpp_officer, retail):
    draft = make_bulletin(ncpp_officer, status=Bulletin.Status.DRAFT, sectors=[retail])
    client.force_login(ncpp_officer)
    client.post(f"/bulletins/{draft.pk}/publish/", {"alert": "no", "confirm": "on"})
    assert Bulletin.objects.get().status == Bulletin.Status.PUBLISHED
    assert not Alert.objects.exists()


def test_an_amendment_is_shown_with_what_changed(client, ncpp_officer, isl, retail):
    bulletin = make_bulletin(ncpp_officer, title="First title", sectors=[retail])
    client.force_login(ncpp_officer)
    client.post(
        f"/bulletins/{bulletin.pk}/amend/",
        {"title": "Second title", "summary": "New summary", "key_points": "", "body": "",
         "what_changed": "Corrected the title.", "realert": "on"},
    )  # fmt: skip
    assert BulletinRevision.objects.get().title == "First title"
    assert Alert.objects.get().note == "Corrected the title."
    client.force_login(isl)
    assert "1 earlier version" in client.get(bulletin.get_absolute_url()).content.decode()
    revisions = client.get(f"/bulletins/{bulletin.pk}/revisions/").content.decode()
    assert "Corrected the title." in revisions and "First title" in revisions


def test_readers_see_a_withdrawn_bulletin_as_withdrawn_with_the_reason(
    client, ncpp_officer, isl, retail
):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    client.force_login(ncpp_officer)
    client.post(
        f"/bulletins/{bulletin.pk}/withdraw/", {"reason": "Issued in error.", "confirm": "on"}
    )
    client.force_login(isl)
    page = client.get(bulletin.get_absolute_url()).content.decode()
    assert "Withdrawn" in page and "Issued in error." in page


def test_the_detail_page_shows_the_marking_banner_and_notices(
    client, ncpp_officer, isl, retail, severe
):
    bulletin = make_bulletin(
        ncpp_officer,
        marking=Marking.AMBER,
        sectors=[retail],
        valid_until=timezone.localdate() - timedelta(days=1),
        send_alert=True,
        published_at=days_ago(2),
    )
    record_change(severe.scope, "SUBSTANTIAL", days_ago(1), note="Lowered.", send_alert=True)
    refresh_cached_levels()
    client.force_login(isl)
    page = client.get(bulletin.get_absolute_url()).content.decode()
    assert "bulletin-marking--amber" in page and "TLP:AMBER" in page
    assert "within their organisation and its clients" in page
    assert "past its valid-until date" in page
    assert "The threat level has changed since this was published" in page
    assert "was SEVERE then and is SUBSTANTIAL now" in page


def test_an_isl_acknowledges_and_records_the_cascade(client, ncpp_officer, isl, retail):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail], action_required=True)
    client.force_login(isl)
    assert bulletin.title in client.get("/").content.decode()
    client.get(bulletin.get_absolute_url())
    assert Reading.objects.get().first_read_at is not None
    client.post(f"/bulletins/{bulletin.pk}/acknowledge/")
    client.post(f"/bulletins/{bulletin.pk}/cascade/", {"count": "14"})
    reading = Reading.objects.get()
    assert reading.acknowledged_at and reading.cascade_count == 14
    assert "Nothing is waiting for you" in client.get("/").content.decode()


def test_staff_see_readership_by_sector_and_person_and_export_it(
    client, ncpp_officer, isl, other_isl, retail, transport
):
    bulletin = make_bulletin(ncpp_officer, all_sectors=True)
    client.force_login(isl)
    client.post(f"/bulletins/{bulletin.pk}/acknowledge/")
    client.post(f"/bulletins/{bulletin.pk}/cascade/", {"count": "3"})
    client.force_login(ncpp_officer)
    page = client.get(f"/bulletins/{bulletin.pk}/readership/")
    assert page.context["audience"] == 2
    assert (page.context["read"], page.context["acknowledged"], page.context["cascaded"]) == (
        1,
        1,
        1,
    )
    assert [tally["sector"].name for tally in page.context["sectors"]] == ["Retail", "Transport"]
    export = client.get(f"/bulletins/{bulletin.pk}/readership.csv")
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("email,name,organisation,sectors")
    assert any(line.startswith("isl.retail@example.org") and line.endswith(",3") for line in lines)
    assert AuditEvent.objects.filter(action="bulletin.exported", actor=ncpp_officer).count() == 1
