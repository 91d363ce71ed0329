"""README's screenshots, made from the demo data: `make screenshots`.

Runs the portal on its embedded default in a scratch database (SQLite, demo data from
`seed_demo`), signs in through the real forms as the demo Retail lead (the code from
`demo_code`), and saves the dashboard, a bulletin and the threat-level history as PNGs in
docs/screenshots/, at 1280 px wide in Debian's Chromium.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "docs" / "screenshots"
READER = "isl.retail@example.org"
DEMO_PASSWORD = "demo-portal-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return done.stdout


def wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def sign_in_code(env: dict) -> str:
    """The demo reader's current code, at least 5 s before it changes."""
    while int(time.time()) % 30 > 25:
        time.sleep(1)
    line = manage(env, "demo_code", READER)
    return re.search(r"code (\d{6})", line).group(1)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="portal-screenshots-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "EMAIL_URL"}}
    env |= {
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{scratch / 'portal.sqlite3'}",
        "PORTAL_BASE_URL": base,
    }
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(f"{base}/healthz", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/accounts/login/")
            page.locator("input[name=login]").fill(READER)
            page.locator("input[name=password]").fill(DEMO_PASSWORD)
            page.locator("input[name=password]").press("Enter")
            page.locator("input[name=code]").fill(sign_in_code(env))
            page.locator("input[name=code]").press("Enter")
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/")  # again, without the "You are signed in" message
            page.screenshot(path=OUT / "dashboard.png")
            page.goto(f"{base}/bulletins/")
            page.locator("table a[href^='/bulletins/']").first.click()
            page.wait_for_load_state()
            page.screenshot(path=OUT / "bulletin.png")
            page.goto(f"{base}/threat-level/")
            page.screenshot(path=OUT / "threat-level-history.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    for name in ("dashboard", "bulletin", "threat-level-history"):
        print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
