"""Who reaches which bulletin by every route: person × marking × audience × status."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bulletins.attachments import PDF
from bulletins.models import Bulletin, Marking
from bulletins.services import add_attachment
from tests.helpers import PDF_BYTES, every_listed, listed, make_bulletin

PERSONAS = ["isl", "other_isl", "outsider", "ncpp_officer", "portal_admin"]
AUDIENCES = {
    "all": None,
    "retail": ["retail"],
    "transport": ["transport"],
    "both": ["retail", "transport"],
}
STATUSES = [Bulletin.Status.PUBLISHED, Bulletin.Status.WITHDRAWN, Bulletin.Status.DRAFT]
SECTOR_OF = {"isl": {"retail"}, "other_isl": {"transport"}}


def oracle(persona: str, audience: list[str] | None, status: str) -> bool:
    """Who may see what, written out from the rule itself, independently of the code."""
    if persona == "ncpp_officer":
        return True
    sectors = SECTOR_OF.get(persona, set())
    if not sectors or status == Bulletin.Status.DRAFT:
        return False
    return audience is None or bool(sectors & set(audience))


@pytest.fixture
def grid(ncpp_officer, retail, transport):
    """One bulletin for every marking × audience × status, each with an attachment."""
    sectors = {"retail": retail, "transport": transport}
    made = []
    for marking, (name, audience), status in itertools.product(
        Marking.values, AUDIENCES.items(), STATUSES
    ):
        bulletin = make_bulletin(
            ncpp_officer,
            title=f"{marking} for {name}, {status}",
            body="The matrixword appears in every bulletin.",
            marking=marking,
            all_sectors=audience is None,
            sectors=[sectors[slug] for slug in audience or []],
            status=status,
        )
        attachment = add_attachment(
            bulletin,
            SimpleUploadedFile("plan.pdf", PDF_BYTES, "application/pdf"),
            PDF,
            uploaded_by=ncpp_officer,
        )
        made.append((bulletin, attachment, audience, status))
    return made


def test_each_person_reaches_exactly_the_bulletins_the_rule_allows(
    grid, client, isl, other_isl, outsider, ncpp_officer, portal_admin
):
    people = {"isl": isl, "other_isl": other_isl, "outsider": outsider,
              "ncpp_officer": ncpp_officer, "portal_admin": portal_admin}  # fmt: skip
    for persona, person in people.items():
        client.force_login(person)
        expected = {b.pk for b, _, audience, status in grid if oracle(persona, audience, status)}

        listed = every_listed(client, "/bulletins/", {"status": ""})
        assert sorted(listed) == sorted(expected), persona

        found = every_listed(client, "/bulletins/search/", {"q": "matrixword"})
        assert sorted(found) == sorted(expected), persona

        for bulletin, attachment, audience, status in grid:
            code = 200 if oracle(persona, audience, status) else 404
            where = f"{persona} on {bulletin.title}"
            assert client.get(f"/bulletins/{bulletin.pk}/").status_code == code, where
            assert client.get(f"/bulletins/{bulletin.pk}/revisions/").status_code == code, where
            download = client.get(f"/bulletins/{bulletin.pk}/attachments/{attachment.pk}/")
            assert download.status_code == code, where


@pytest.mark.parametrize("persona", PERSONAS)
def test_readership_and_its_export_are_for_ncpp_staff_only(
    persona, request, client, ncpp_officer, retail, transport
):
    bulletins = [
        make_bulletin(ncpp_officer, title="Retail", sectors=[retail]),
        make_bulletin(ncpp_officer, title="Transport", sectors=[transport]),
        make_bulletin(ncpp_officer, title="Draft", status=Bulletin.Status.DRAFT),
    ]
    client.force_login(request.getfixturevalue(persona))
    # The refusal is the same for every bulletin, so it reveals nothing about which exist.
    code = 200 if persona == "ncpp_officer" else 403
    for bulletin in bulletins:
        assert client.get(f"/bulletins/{bulletin.pk}/readership/").status_code == code
        assert client.get(f"/bulletins/{bulletin.pk}/readership.csv").status_code == code


def test_a_bulletin_that_does_not_exist_answers_like_one_that_is_hidden(client, isl):
    client.force_login(isl)
    assert client.get("/bulletins/999999/").status_code == 404
    assert client.get("/bulletins/999999/attachments/1/").status_code == 404


def test_an_attachment_is_reached_only_through_its_own_bulletin(client, isl, ncpp_officer, retail):
    open_one = make_bulletin(ncpp_officer, title="Open", all_sectors=True)
    hidden = make_bulletin(ncpp_officer, title="Hidden", status=Bulletin.Status.DRAFT)
    attachment = add_attachment(
        hidden, SimpleUploadedFile("a.pdf", PDF_BYTES), PDF, uploaded_by=ncpp_officer
    )
    client.force_login(isl)
    assert client.get(f"/bulletins/{open_one.pk}/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/bulletins/", "/bulletins/search/?q=x", "/bulletins/1/", "/bulletins/1/revisions/",
     "/bulletins/1/attachments/1/", "/bulletins/1/readership.csv", "/bulletins/new/"],
)  # fmt: skip
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["isl", "other_isl", "outsider", "portal_admin"])
@pytest.mark.parametrize("page", ["new/", "paste/", "{pk}/edit/", "{pk}/preview/", "{pk}/publish/"])
def test_only_ncpp_staff_reach_the_writing_pages(persona, page, request, client, ncpp_officer):
    draft = make_bulletin(ncpp_officer, status=Bulletin.Status.DRAFT, all_sectors=True)
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/bulletins/" + page.format(pk=draft.pk)).status_code == 403


def test_removal_from_a_sector_takes_effect_on_the_next_request(client, isl, ncpp_officer, retail):
    bulletin = make_bulletin(ncpp_officer, sectors=[retail])
    client.force_login(isl)
    assert client.get(bulletin.get_absolute_url()).status_code == 200
    isl.memberships.filter(sector=retail).delete()
    assert client.get(bulletin.get_absolute_url()).status_code == 404
    page = client.get("/bulletins/")
    assert listed(page) == []
    assert "There are no bulletins for you." in page.content.decode()
