"""Tables stay readable on a laptop and a phone, and a bulletin prints whole.

A table's words are measured in the browser: a word split over two lines has two boxes. A printed
bulletin is read back from Chromium's own PDF, as a reader's printer would get it.
"""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import NCPP_STAFF_GROUP, PORTAL_ADMINS_GROUP, Membership
from bulletins.models import Marking
from bulletins.services import amend_bulletin
from calls.services import schedule_call
from tests.browser.conftest import (
    ARTIFACTS,
    axe_violations,
    horizontal_overflow,
    screenshot,
    sign_in,
)
from tests.factories import MembershipFactory
from tests.helpers import make_bulletin, make_contacts, make_person, record_change

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.usefixtures("tasks_in_process"),
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# A stacked row holds a title of up to four lines, the reference line and four short facts; a
# search result also the lines of text where the words were found.
MOST_PER_ROW_ON_A_PHONE = {"list": 260, "search": 260 + 100}

STAFF_EMAIL = "alexandra.featherstonehaugh-worthington@counter-terrorism-policing.example.org"
READER_EMAIL = "christopher.montgomery@shoppingcentresassociation.example.org"

# Every word of every cell of every table on the page that runs over more than one line. A
# compound ("Montgomery-Fotheringham", "night-time") may wrap after its hyphen, so each part of
# it is measured alone; a reference or a date ("NCPP-2026-0042", "2026-12-06") is one word.
SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll("main table th, main table td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".govuk-visually-hidden")) continue;
      for (const word of node.data.matchAll(/[^\\s-]+(?:-(?![A-Za-z])[^\\s-]*)*-?/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()]
          .filter(box => box.width > 0).map(box => Math.round(box.bottom)));
        if (lines.size > 1) split.push(`"${word[0]}" over ${lines.size} lines`);
      }
    }
  }
  return split;
}"""

# Tags (markings, statuses) and dates in tables that run over more than one line.
BROKEN_UP = """() => [...document.querySelectorAll(
    "main table .govuk-tag, main table time, main table [data-label=Published]")]
  .filter(element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].filter(box => box.width > 0)
      .map(box => Math.round(box.bottom))).size > 1;
  })
  .map(element => element.textContent.trim())"""

# The names shown before the facts of the first row of the table.
LABELS_SHOWN = """() => [...document.querySelectorAll("main table tbody tr:first-child td")]
  .filter(cell => getComputedStyle(cell, "::before").content !== "none")
  .map(cell => cell.dataset.label)"""


@pytest.fixture
def crowded(retail, transport, severe, national):
    """26 published bulletins with long titles, mostly AMBER+STRICT, published and alerted by
    someone with a long address, read by an ISL with another; a threat-level history."""
    staff = make_person(STAFF_EMAIL, "Alexandra Featherstonehaugh-Worthington")
    for name in (NCPP_STAFF_GROUP, PORTAL_ADMINS_GROUP):
        staff.groups.add(Group.objects.get_or_create(name=name)[0])
    reader = make_person(READER_EMAIL, "Christopher Montgomery-Fotheringham")
    MembershipFactory(user=reader, sector=retail, role=Membership.Role.LEAD)
    MembershipFactory(user=reader, sector=transport, role=Membership.Role.DEPUTY)
    markings = [Marking.AMBER_STRICT, Marking.AMBER_STRICT, Marking.AMBER, Marking.GREEN]
    bulletins = [
        make_bulletin(
            staff,
            title=(
                f"Hostile reconnaissance at crowded places, transport interchanges and "
                f"night-time economy venues: updated guidance number {n}"
            ),
            marking=markings[n % len(markings)],
            sectors=[retail, transport] if n % 3 else [],
            all_sectors=not n % 3,
            action_required=n % 2 == 0,
            send_alert=n < 3,
        )
        for n in range(26)
    ]
    record_change(national, "SUBSTANTIAL", note="Lowered after a review of the intelligence.")
    return {"staff": staff, "reader": reader, "bulletins": bulletins}


def check_tables(tab, portal_server: str, paths: dict[str, str], size: dict) -> list[str]:
    problems = []
    tab.set_viewport_size(size)
    for name, path in paths.items():
        tab.goto(portal_server + path)
        assert tab.locator("main table").count(), f"{path} shows no table"
        screenshot(tab, f"tables-{name}-{size['width']}")
        for word in tab.evaluate(SPLIT_WORDS):
            problems.append(f"{path} at {size['width']}px: {word}")
        for text in tab.evaluate(BROKEN_UP):
            problems.append(f"{path} at {size['width']}px: '{text}' over more than one line")
        if overflow := horizontal_overflow(tab):
            problems.append(f"{path} at {size['width']}px: {overflow}")
    return problems


def test_no_word_in_a_table_is_split_on_a_laptop_or_a_phone(
    open_page, portal_server, crowded, retail
):
    bulletin = crowded["bulletins"][0]
    reader = open_page()
    sign_in(reader, portal_server, crowded["reader"])
    staff = open_page()
    sign_in(staff, portal_server, crowded["staff"])
    make_contacts(retail, 4, prefix="loss-prevention-and-security-operations")
    call = schedule_call(
        convener=crowded["staff"], title="National Bridge Call: crowded places and night-time "
        "economy venues", starts_at=timezone.now() + timedelta(days=1), duration_minutes=45,
        all_sectors=True, sectors=[], dial_in="0800 000 0000",
    )  # fmt: skip
    reading = {
        "list": "/bulletins/",
        "search": "/bulletins/search/?q=reconnaissance",
        "contacts": "/cascades/contacts/retail/",
        "calls": "/calls/",
    }
    managing = {
        "alerts": "/alerts/",
        "readership": f"/bulletins/{bulletin.pk}/readership/",
        "reach": f"/cascades/bulletins/{bulletin.pk}/reach/",
        "attendance": f"/calls/{call.pk}/attendance/",
        "history": "/threat-level/",
        "audit": "/manage/audit/",
        "people": "/manage/people/",
        "sector": "/manage/sectors/retail/",
    }
    reader.goto(f"{portal_server}/bulletins/{bulletin.pk}/")  # so the readership has a reader

    problems = []
    for size in (DESKTOP, PHONE):
        problems += check_tables(reader, portal_server, reading, size)
        problems += check_tables(staff, portal_server, managing, size)
    assert not problems, "Tables that break words:\n" + "\n".join(problems)


def test_on_a_phone_the_bulletin_list_is_a_short_stacked_list(open_page, portal_server, crowded):
    tab = open_page(viewport=PHONE)
    sign_in(tab, portal_server, crowded["reader"])
    for name, path in (("list", "/bulletins/"), ("search", "/bulletins/search/?q=reconnaissance")):
        tab.goto(portal_server + path)
        screenshot(tab, f"tables-{name}-stacked-375")
        table = tab.locator("main table")
        rows = table.locator("tbody tr").count()
        assert rows == 20  # a full page
        height = table.bounding_box()["height"]
        assert height <= rows * MOST_PER_ROW_ON_A_PHONE[name], f"{path}: {height}px, {rows} rows"
        # A row names its audience and date, and nothing scrolls sideways, not even the table.
        assert tab.evaluate(LABELS_SHOWN) == ["For", "Published"]
        assert tab.evaluate(
            "() => { const t = document.querySelector('main table');"
            " return t.scrollWidth <= t.clientWidth; }"
        )
        assert not horizontal_overflow(tab)
        assert not axe_violations(tab)


# --- Print --------------------------------------------------------------------------------------

SECTIONS = ["What to look for", "Where it happens", "What to do", "Whom to tell", "Afterwards"]
EXTERNAL = "https://www.gov.uk/government/publications/recognising-terrorist-threats"


def paragraph(section: int, number: int) -> str:
    return (
        f"Paragraph {section}.{number}: staff at venue {section}{number} should watch for people "
        "who film entrances, exits and security posts, who ask detailed questions about opening "
        "times, deliveries and the number of guards, or who return several times without any "
        "clear reason; record what you saw, when and where, and report it at once."
    )


@pytest.fixture
def long_bulletin(ncpp_officer, retail, crowded):
    body = "\n\n".join(
        f"## {title}\n\n" + "\n\n".join(paragraph(section, n) for n in range(1, 7))
        for section, title in enumerate(SECTIONS, start=1)
    )
    body += f"\n\nRead the [national guidance on recognising threats]({EXTERNAL})."
    bulletin = make_bulletin(
        ncpp_officer,
        title="Hostile reconnaissance: what ISLs should pass on to every venue this month",
        summary="Signs of hostile reconnaissance, what to do about them and whom to tell.",
        body=body,
        key_points=[f"Key point {n}: report anything unusual." for n in range(1, 6)],
        source_line="Update from the NCPP office",
        marking=Marking.AMBER_STRICT,
        sectors=[retail],
        action_required=True,
    )
    # Amended, so that the page links to its earlier versions.
    return amend_bulletin(
        bulletin, what_changed="Added a section.", realert=False, actor=ncpp_officer
    )


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _times(m: list[float], n: list[float]) -> list[float]:
    """The product of two PDF matrices [a b c d e f]."""
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def bands_and_lines(page) -> tuple[list[tuple], list[tuple]]:
    """A PDF page's black rectangles as wide as the page's text (the marking banners), as
    (bottom, top), and its pieces of text as (bottom, top, left, text): in points from the
    page's bottom left corner."""
    bands, lines, drawing = [], [], {"fill": None, "box": None}
    width = float(page.mediabox.width)

    def before(operator, operands, cm, tm):
        if operator == b"rg":
            drawing["fill"] = tuple(float(value) for value in operands)
        elif operator == b"re":
            x, y, w, h = (float(value) for value in operands)
            corners = [_times([1, 0, 0, 1, px, py], cm)[4:] for px, py in ((x, y), (x + w, y + h))]
            xs, ys = sorted(c[0] for c in corners), sorted(c[1] for c in corners)
            drawing["box"] = (xs[1] - xs[0], ys[0], ys[1])
        elif operator in (b"f", b"f*") and drawing["box"] and drawing["fill"] == (0, 0, 0):
            box_width, bottom, top = drawing["box"]
            if box_width > width / 2:
                bands.append((bottom, top))
        if operator in (b"f", b"f*", b"n", b"m"):
            drawing["box"] = None

    def text(words, cm, tm, font, size):
        if words.strip():
            matrix = _times(tm, cm)
            height = size * abs(matrix[3])
            # A line's glyphs reach about a quarter of its size below the baseline, and up
            # to its size above.
            lines.append((matrix[5] - height / 4, matrix[5] + height, matrix[4], words))

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return bands, lines


def test_a_printed_bulletin_is_whole_marked_on_every_page_and_has_nothing_to_click(
    open_page, portal_server, crowded, long_bulletin
):
    from pypdf import PdfReader

    bulletin = long_bulletin
    tab = open_page(viewport=DESKTOP)
    sign_in(tab, portal_server, crowded["reader"])
    tab.goto(f"{portal_server}/bulletins/{bulletin.pk}/")
    tab.get_by_role("button", name="I have read this").click()
    tab.wait_for_load_state()
    assert tab.get_by_text(f"You have acknowledged {bulletin.reference}").is_visible()
    pdf = tab.pdf(format="A4", print_background=True)
    (ARTIFACTS / "print-bulletin.pdf").write_bytes(pdf)

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3
    marking = squeeze(f"{bulletin.marking} {bulletin.marking_words}")
    for number, page in enumerate(pages, start=1):
        # The marking in its banner at the head and the foot, and nothing under a banner.
        bands, lines = bands_and_lines(page)
        height = float(page.mediabox.height)
        assert [top > height * 0.9 for _, top in bands] == [True, False], f"page {number}"
        assert [bottom < height * 0.1 for bottom, _ in bands] == [False, True], f"page {number}"
        for bottom, top in bands:
            under = [(-round(low), left, words) for low, high, left, words in lines
                     if low < top and high > bottom]  # fmt: skip
            shown = squeeze(" ".join(words for *_, words in sorted(under)))
            assert shown == marking, f"page {number}: a banner shows {shown!r}"
    texts = [squeeze(page.extract_text()) for page in pages]
    # The text without the repeated markings reads on from page to page.
    whole = squeeze(" ".join(text.replace(marking, " ") for text in texts))
    for section, title in enumerate(SECTIONS, start=1):
        assert title in whole
        for n in range(1, 7):
            assert paragraph(section, n) in whole, f"paragraph {section}.{n} is missing"
    assert bulletin.title in whole and bulletin.summary in whole
    assert "Key point 5: report anything unusual." in whole
    # An absolute link's address is printed (it may wrap); a link within the portal is not.
    assert EXTERNAL in whole.replace(" ", "")
    for interactive in (
        "Acknowledge",
        "acknowledge it below",
        "I have read this",
        "Record that I cascaded it",
        "Sign out",
        "Skip to main content",
        f"You have acknowledged {bulletin.reference}",
        "Success",
        "(/bulletins/",
    ):
        assert interactive not in whole, f"the print shows {interactive!r}"
