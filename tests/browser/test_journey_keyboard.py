"""The publish journey completed with the keyboard alone, as a person who cannot use a mouse
would: Tab to move, type to fill, Space to choose, Enter to go."""

import pytest

from alerts.models import Alert
from bulletins.models import Bulletin
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

TITLE = "Keyboard-only exercise bulletin"


def focused(page, matches: str) -> bool:
    """Whether the focused element passes the JavaScript test `matches` (it is `el`)."""
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {matches}; }})()")


def tab_to(page, describe: str, matches: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches; fail if the keyboard cannot reach it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, matches):
            return
    pytest.fail(f"Tab never reached {describe}")


def by_name(name: str) -> str:
    return f"el && el.name === {name!r}"


def by_label(text: str) -> str:
    return (
        "el && el.labels && el.labels.length > 0 && "
        f"el.labels[0].innerText.trim().startsWith({text!r})"
    )


def by_text(text: str) -> str:
    return f"el && el.innerText && el.innerText.trim().startsWith({text!r})"


def choose_with_arrows(page, label: str) -> None:
    for _ in range(6):
        if focused(page, f"{by_label(label)} && el.checked"):
            return
        page.keyboard.press("ArrowUp")
    pytest.fail(f"The arrow keys never chose {label}")


def test_an_officer_publishes_a_bulletin_with_the_keyboard_only(
    portal_server, page, ncpp_officer, isl, retail
):
    sign_in(page, portal_server, ncpp_officer)
    page.goto(f"{portal_server}/bulletins/new/")

    # From here on: keyboard only.
    tab_to(page, "the title", by_name("title"))
    page.keyboard.type(TITLE)
    tab_to(page, "the summary", by_name("summary"))
    page.keyboard.type("A bulletin written and published without a mouse.")
    # A radio group is one Tab stop; the arrow keys move the choice within it.
    tab_to(page, "the marking", by_name("marking"))
    choose_with_arrows(page, "TLP:GREEN")
    tab_to(page, "the all-sectors audience", "el && el.name === 'audience'")
    page.keyboard.press("Space")
    tab_to(page, "the save button", by_text("Save the draft"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    draft = Bulletin.objects.get(title=TITLE)
    tab_to(page, "the publish link", by_text("Publish"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/bulletins/{draft.pk}/publish/")
    tab_to(page, "the publish-with-alert choice", by_label("Publish and email everyone"))
    page.keyboard.press("Space")
    tab_to(page, "the confirmation box", by_label("I have checked the marking"))
    page.keyboard.press("Space")
    tab_to(page, "the publish button", "el && el.tagName === 'BUTTON' && " + by_text("Publish"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("is published").first.wait_for()
    screenshot(page, "keyboard-published")

    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.PUBLISHED
    assert Alert.objects.filter(bulletin=draft, kind=Alert.Kind.BULLETIN_PUBLISHED).count() == 1
