"""A Redis outage under the shipped stack: nginx in front of gunicorn's two workers, production
settings, the cache and the broker on a Redis of the test's own, stopped and started by process
id and kept on disk (append-only), so it returns with everything it held.

Each gunicorn worker learns of the outage for itself, or from the epoch in PostgreSQL
(portal.cache); either way nobody is shown a page from before a change made meanwhile.
"""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from bulletins.models import Bulletin, Reading
from portal import cache as portal_cache
from tests.deployment import NGINX, collect_static, running_gunicorn, running_nginx
from tests.helpers import PASSWORD, make_bulletin, totp_code
from tests.processes import OwnRedis
from tests.smtp_server import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="needs nginx: `make nginx` installs it"),
]


@pytest.fixture
def stack(tmp_path) -> Iterator[dict]:
    redis_server = OwnRedis(append_only=True).start()
    collect_static(tmp_path / "static")
    ports = {"http": free_port(), "https": free_port()}
    origin = f"https://127.0.0.1:{ports['https']}"
    try:
        with running_gunicorn(
            tmp_path / "gunicorn.log",
            REDIS_URL=redis_server.url,
            CACHE_URL=redis_server.url,
            STATIC_ROOT=str(tmp_path / "static"),
            CSRF_TRUSTED_ORIGINS=origin,
        ) as gunicorn_port:
            with running_nginx(tmp_path / "nginx", gunicorn_port, ports):
                yield {
                    "origin": origin,
                    "redis": redis_server,
                    "certificate": str(tmp_path / "nginx" / "certs" / "fullchain.pem"),
                    "log": tmp_path / "gunicorn.log",
                }
    finally:
        redis_server.remove()


class Browser:
    def __init__(self, stack: dict) -> None:
        self.origin = stack["origin"]
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = stack["certificate"]
        self.session.headers["Origin"] = self.origin

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.origin + path, allow_redirects=False, timeout=30)

    def post(self, form_path: str, data: dict, to: str | None = None) -> requests.Response:
        """Fill in the form on `form_path` and send it (to `to`, if the form is elsewhere)."""
        page = self.get(form_path)
        assert page.status_code == 200, (form_path, page.status_code, page.text[:300])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.session.post(
            self.origin + (to or form_path), data={"csrfmiddlewaretoken": token, **data},
            allow_redirects=False, timeout=30,
        )  # fmt: skip

    def sign_in(self, person) -> None:
        answer = self.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
        assert answer.headers.get("Location") == "/accounts/2fa/authenticate/", answer.text[:500]
        answer = self.post("/accounts/2fa/authenticate/", {"code": totp_code(person.totp_secret)})
        assert answer.headers.get("Location") == "/", answer.text[:500]


def test_the_shipped_stack_works_through_a_redis_outage_and_shows_no_stale_page_after_it(
    stack, isl, ncpp_officer, retail, severe
):
    kept = make_bulletin(ncpp_officer, title="Vehicle as a weapon", sectors=[retail])
    draft = make_bulletin(ncpp_officer, title="Insider threat", sectors=[retail], status="draft")
    officer = Browser(stack)
    officer.sign_in(ncpp_officer)
    reader = Browser(stack)
    reader.sign_in(isl)
    for _ in range(4):  # both workers keep the list and the bulletin
        assert "Insider threat" not in reader.get("/bulletins/").text
        assert "was withdrawn" not in reader.get(f"/bulletins/{kept.pk}/").text

    stack["redis"].stop()

    newcomer = Browser(stack)
    newcomer.sign_in(isl)  # password and code, with the cache away
    for path in ["/", "/bulletins/", "/bulletins/search/?q=vehicle", f"/bulletins/{kept.pk}/",
                 "/profile/"]:  # fmt: skip
        answer = newcomer.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
    acknowledged = newcomer.post(
        f"/bulletins/{kept.pk}/", {}, to=f"/bulletins/{kept.pk}/acknowledge/"
    )
    assert acknowledged.status_code == 302
    assert Reading.objects.get(user=isl, bulletin=kept).acknowledged_at is not None
    published = officer.post(f"/bulletins/{draft.pk}/publish/", {"alert": "yes", "confirm": "on"})
    assert published.status_code == 302, published.text[:500]
    withdrawn = officer.post(
        f"/bulletins/{kept.pk}/withdraw/", {"reason": "Overtaken by events.", "confirm": "on"}
    )
    assert withdrawn.status_code == 302, withdrawn.text[:500]
    assert Bulletin.objects.get(pk=draft.pk).status == Bulletin.Status.PUBLISHED

    stack["redis"].start()  # with everything it held before the outage
    held = set(redis.Redis.from_url(stack["redis"].url).keys("portal:*"))
    assert held, "it came back with its data"

    # At once, and once the workers use the cache again (each tries it every RETRY_SECONDS).
    for wait in (0, portal_cache.RETRY_SECONDS + 0.5):
        time.sleep(wait)
        for _ in range(6):
            assert "Insider threat" in reader.get("/bulletins/").text
            assert "was withdrawn" in reader.get(f"/bulletins/{kept.pk}/").text
    now_held = set(redis.Redis.from_url(stack["redis"].url).keys("portal:*"))
    assert now_held - held, "the workers keep pages again, under a new epoch"
    log = stack["log"].read_text()
    assert "Traceback" not in log
    assert 1 <= log.count("cannot be reached") <= 2, "once per worker at most"
