"""Earlier versions of a bulletin: each rendered as the bulletin is, marked word by word with
what the amendment after it took out and put in."""

import pytest

from bulletins import services
from bulletins.changes import compare_html
from bulletins.rendering import render_markdown
from tests.bulletins.test_xss import PAYLOADS, assert_inert
from tests.helpers import make_bulletin

BODY = (
    "## Where to meet\n\nThe briefing is on **Tuesday** at the town hall.\n\n"
    "- Bring ID\n- Arrive early"
)


def amend(bulletin, officer, note: str = "Changed the day.", **changes):
    return services.amend_bulletin(
        bulletin, what_changed=note, realert=False, actor=officer, **changes
    )


def revisions_page(client, person, bulletin) -> str:
    client.force_login(person)
    response = client.get(f"/bulletins/{bulletin.pk}/revisions/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def bulletin(ncpp_officer, retail):
    return make_bulletin(
        ncpp_officer,
        title="Briefing on Tuesday",
        summary="Come on Tuesday.",
        key_points=["Bring ID", "Arrive early"],
        body=BODY,
        sectors=[retail],
    )


def test_an_earlier_version_shows_the_day_that_was_changed(client, ncpp_officer, isl, bulletin):
    amend(bulletin, ncpp_officer, body=BODY.replace("Tuesday", "Wednesday"))
    page = revisions_page(client, isl, bulletin)
    assert "on <strong><del>Tuesday</del> <ins>Wednesday</ins></strong> at" in page
    assert "What changed: Changed the day." in page


def test_an_earlier_version_is_rendered_not_shown_as_markdown(client, ncpp_officer, isl, bulletin):
    amend(bulletin, ncpp_officer, body=BODY.replace("Arrive early", "Arrive at 9"))
    page = revisions_page(client, isl, bulletin)
    assert "## Where" not in page and "**" not in page
    # The version's headings sit a level below the version's own heading.
    assert '<h3 class="govuk-heading-s">Where to meet</h3>' in page
    assert "<strong>Tuesday</strong>" in page
    assert "<li>Arrive <del>early</del> <ins>at 9</ins></li>" in page


def test_title_summary_and_key_points_are_compared_too(client, ncpp_officer, isl, bulletin):
    amend(
        bulletin,
        ncpp_officer,
        title="Briefing on Wednesday",
        summary="Come on Wednesday.",
        key_points=["Bring ID", "Bring a colleague"],
    )
    page = revisions_page(client, isl, bulletin)
    assert "Briefing on <del>Tuesday</del> <ins>Wednesday</ins>" in page
    assert "Come on <del>Tuesday.</del> <ins>Wednesday.</ins>" in page
    assert "<li>Bring ID</li><li><del>Arrive early</del> <ins>Bring a colleague</ins></li>" in page


def test_each_version_is_compared_with_the_one_that_followed_it(
    client, ncpp_officer, isl, bulletin
):
    amend(bulletin, ncpp_officer, "Tuesday to Wednesday.", title="Briefing on Wednesday")
    amend(bulletin, ncpp_officer, "Wednesday to Thursday.", title="Briefing on Thursday")
    page = revisions_page(client, isl, bulletin)
    newest, oldest = page.split('id="version-1"')[1].split('id="version-2"')
    assert "Wednesday to Thursday." in newest
    assert "<del>Wednesday</del> <ins>Thursday</ins>" in newest
    assert "<del>Tuesday</del> <ins>Wednesday</ins>" in oldest


def test_a_version_shows_plainly_what_was_not_changed(client, ncpp_officer, isl, bulletin):
    amend(bulletin, ncpp_officer, "Only the summary.", summary="Come on Tuesday morning.")
    page = revisions_page(client, isl, bulletin)
    assert page.count("<ins>") == 2  # the summary's, and the key to the marks above
    assert "Come on <del>Tuesday.</del> <ins>Tuesday morning.</ins>" in page


def test_hostile_text_in_either_version_stays_text(client, ncpp_officer, isl, retail):
    hostile = " ".join(PAYLOADS)
    bulletin = make_bulletin(
        ncpp_officer,
        title="Hostile <script>alert(1)</script>",
        summary=f"Summary {PAYLOADS[1]}",
        key_points=PAYLOADS,
        body=f"## Heading\n\nBody **bold** {hostile} <ins>fake</ins> &lt;del&gt;",
        sectors=[retail],
    )
    amend(
        bulletin,
        ncpp_officer,
        f"Note {PAYLOADS[0]}",
        title="Hostile <script>alert(2)</script>",
        summary=f"Summary changed {PAYLOADS[2]}",
        key_points=[*PAYLOADS[:3], "<b>new</b>"],
        body=f"## Heading\n\nBody **bold** changed {hostile} </ins><script>x</script>",
    )
    page = revisions_page(client, isl, bulletin)
    assert_inert(page)
    assert "Hostile <del>&lt;script&gt;alert(1)&lt;/script&gt;</del>" in page
    assert "<ins>&lt;script&gt;alert(2)&lt;/script&gt;</ins>" in page
    assert "<ins>fake</ins>" not in page and "</ins><script>" not in page


@pytest.mark.parametrize(
    ("older", "newer", "marked"),
    [
        ("on Tuesday at noon", "on noon", "on <del>Tuesday at</del> noon"),
        ("on noon", "on Tuesday at noon", "on <ins>Tuesday at</ins> noon"),
        ("Tuesday only", "Wednesday only", "<del>Tuesday</del> <ins>Wednesday</ins> only"),
        ("First.\n\nSecond.", "First.", "First. <del>Second.</del>"),
        ("First.", "First.\n\nSecond.", '<p class="govuk-body"><ins>Second.</ins></p>'),
        ("a < b & c", "a < b & d", "a &lt; b &amp; <del>c</del> <ins>d</ins>"),
    ],
)
def test_words_taken_out_and_put_in_are_marked(older, newer, marked):
    assert marked in compare_html(str(render_markdown(older)), str(render_markdown(newer)))


def test_a_version_compared_with_itself_has_no_marks():
    html = str(render_markdown(BODY))
    assert compare_html(html, html) == html


def test_only_those_who_may_see_the_bulletin_see_its_earlier_versions(
    client, ncpp_officer, other_isl, bulletin
):
    amend(bulletin, ncpp_officer, body="Changed.")
    client.force_login(other_isl)
    assert client.get(f"/bulletins/{bulletin.pk}/revisions/").status_code == 404
