"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

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


@pytest.fixture
def page(browser, request) -> Iterator:
    """A fresh browser tab that fails the test on any Content-Security-Policy violation."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    tab = context.new_page()
    problems: list[str] = []
    tab.on(
        "console",
        lambda message: problems.append(message.text)
        if "Content Security Policy" in message.text or message.type == "error"
        else None,
    )
    yield tab
    context.close()
    assert not problems, f"The browser reported problems: {problems}"


def screenshot(page, name: str) -> None:
    """Keep a picture of a journey's key page, for people reviewing a test run."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
