"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from tests.helpers import PASSWORD, totp_code

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def portal_server(request) -> Iterator[str]:
    """The live server, speaking plain HTTP on localhost as a developer's browser would.

    Its middleware is built once at start-up, so HTTPS redirects are turned off only while
    it starts; every other test keeps the production setting.
    """
    before = django_settings.SECURE_SSL_REDIRECT
    django_settings.SECURE_SSL_REDIRECT = False
    try:
        server = request.getfixturevalue("live_server")
    finally:
        django_settings.SECURE_SSL_REDIRECT = before
    yield server.url


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: `make test` installs it.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous code. Only while the browser runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def watch_console(tab, problems: list[str]) -> None:
    """Note every Content-Security-Policy violation and every error the page logs."""
    tab.on(
        "console",
        lambda message: problems.append(message.text)
        if "Content Security Policy" in message.text or message.type == "error"
        else None,
    )


@pytest.fixture
def open_page(browser) -> Iterator[Callable[..., Any]]:
    """Open more tabs, each in its own browser context (its own cookies), with any options
    of `browser.new_context`; like `page`, the test fails on any CSP violation in any of them."""
    contexts, problems = [], []

    def open_tab(**options):
        options.setdefault("viewport", {"width": 1024, "height": 800})
        context = browser.new_context(**options)
        contexts.append(context)
        tab = context.new_page()
        watch_console(tab, problems)
        return tab

    yield open_tab
    for context in contexts:
        context.close()
    assert not problems, f"The browser reported problems: {problems}"


@pytest.fixture
def page(browser, request) -> Iterator:
    """A fresh browser tab that fails the test on any Content-Security-Policy violation."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    tab = context.new_page()
    problems: list[str] = []
    watch_console(tab, problems)
    yield tab
    context.close()
    assert not problems, f"The browser reported problems: {problems}"


def sign_in(page, portal_server: str, person, *, totp: bool = True) -> None:
    """Sign in through the real forms: password, then the authenticator code."""
    page.goto(f"{portal_server}/accounts/login/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if not totp:
        # allauth asks for the password once more before an authenticator is added.
        page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
        if "/reauthenticate/" in page.url:
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("input[name=password]").press("Enter")
        page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
        return
    page.locator("input[name=code]").fill(totp_code(person.totp_secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(f"{portal_server}/")


# --- Accessibility --------------------------------------------------------

BLOCKING_IMPACTS = {"serious", "critical"}
# WCAG 2.2 AA, as the UK public sector must meet; axe tags each rule with the levels it tests.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page) -> list[str]:
    """Serious or critical axe-core findings on the page, one line each: rule, impact, targets."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]},
    )
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            found.append(f"{page.url}: {violation['id']} ({violation['impact']}) at {targets[:5]}")
    return found


def horizontal_overflow(page) -> str:
    """Empty if nothing on the page scrolls sideways; else by how much, and the widest culprits
    (elements that reach past the window's right edge)."""
    return page.evaluate(
        """() => {
        const root = document.documentElement;
        const over = root.scrollWidth - root.clientWidth;
        if (over <= 1) return "";
        const culprits = [...document.body.querySelectorAll("*")]
          .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
          .map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className)
            .trim().split(/\\s+/).join(".") : ""))
          .slice(-4);
        return `${over}px sideways scroll (past the edge: ${culprits.join(", ")})`;
    }"""
    )


def screenshot(page, name: str) -> None:
    """Keep a picture of a journey's key page, for people reviewing a test run."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
