"""Redis is only the conveyor: the portal works while its cache is away, and nothing from
before a change is served once the cache returns, whether it returns empty or with its data.

The cache is a redis-server of each test's own on a spare port, stopped and started by
process id (tests/processes.py); the shared Redis is never touched.
"""

import logging
import subprocess
import sys
import time

import pytest
from django.core.cache import cache, caches
from django.test import Client

from accounts.models import Membership
from bulletins.models import Bulletin, Reading
from portal import cache as portal_cache
from tests.conftest import worker_environment
from tests.helpers import BASE_DIR, PASSWORD, make_bulletin, record_change, totp_code
from tests.processes import OwnRedis
from tests.test_sign_in import sign_in, sign_in_fully, through_proxy

# Tasks run in this process: a publish or a withdrawal queues its alert on the shared broker
# otherwise, where the session's worker would write to the database while the test's tables are
# emptied after it.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("tasks_in_process"),
]


@pytest.fixture
def own_cache(settings):
    """The portal's cache on a Redis of this test's own, kept on disk so a restart brings back
    what it held (the harder case: an emptied cache cannot serve anything stale)."""
    server = OwnRedis(append_only=True).start()
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": server.url},
    }
    # Counts left in the database by an earlier test's outage must not limit this one.
    caches["fallback"].clear()
    yield server
    server.remove()


@pytest.fixture
def signed_in(isl) -> Client:
    client = Client(headers={"X-Forwarded-Proto": "https"})
    client.force_login(isl)
    return client


@pytest.fixture
def officer_client(ncpp_officer) -> Client:
    client = Client(headers={"X-Forwarded-Proto": "https"})
    client.force_login(ncpp_officer)
    return client


def visitor() -> Client:
    return Client(headers={"X-Forwarded-Proto": "https"})


def back(server: OwnRedis) -> None:
    """Start the cache again, and let the portal's next try at it come (portal.cache)."""
    server.start()
    time.sleep(portal_cache.RETRY_SECONDS)


def listed_titles(client: Client) -> str:
    response = client.get("/bulletins/")
    assert response.status_code == 200
    return response.content.decode()


# --- While the cache is away -------------------------------------------------------------------


def test_signed_in_pages_and_writes_answer_while_the_cache_is_down(
    own_cache, signed_in, officer_client, isl, ncpp_officer, retail, severe
):
    bulletin = make_bulletin(ncpp_officer, title="Hostile reconnaissance", sectors=[retail])
    draft = make_bulletin(
        ncpp_officer, title="Crowded places advice", sectors=[retail], status="draft"
    )
    # Warm: the session, the banner and the kept results are in the cache.
    assert signed_in.get("/bulletins/").status_code == 200

    own_cache.stop()

    for path in ["/", "/bulletins/", "/bulletins/search/?q=reconnaissance",
                 f"/bulletins/{bulletin.pk}/", "/profile/", "/threat-level/"]:  # fmt: skip
        response = signed_in.get(path)
        assert response.status_code == 200, path
    assert b"Hostile reconnaissance" in signed_in.get("/bulletins/search/?q=reconnaissance").content

    acknowledged = signed_in.post(f"/bulletins/{bulletin.pk}/acknowledge/")
    assert acknowledged.status_code == 302
    assert Reading.objects.get(user=isl, bulletin=bulletin).acknowledged_at is not None

    published = officer_client.post(
        f"/bulletins/{draft.pk}/publish/", {"alert": "yes", "confirm": "on"}
    )
    assert published.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.PUBLISHED
    # Seen at once, though nothing in the cache could be marked out of date.
    assert "Crowded places advice" in listed_titles(signed_in)


def test_sign_in_with_password_and_code_works_while_the_cache_is_down(own_cache, isl):
    own_cache.stop()
    client = through_proxy()
    sign_in_fully(client, isl)
    assert client.get("/bulletins/").status_code == 200


def test_guessing_stays_limited_while_the_cache_is_down(own_cache, isl):
    own_cache.stop()
    for attempt in range(5):
        response = sign_in(through_proxy(f"203.0.113.{attempt}"), isl.email, "wrong password")
        assert response.status_code == 200
        assert b"Too many failed" not in response.content

    client = through_proxy()
    response = sign_in(client, isl.email, PASSWORD)

    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_the_log_warns_once_per_outage_not_once_per_request(own_cache, signed_in, caplog):
    caplog.set_level(logging.INFO, logger="portal.cache")
    own_cache.stop()
    for _ in range(5):
        assert signed_in.get("/bulletins/").status_code == 200
    said = [r.getMessage() for r in caplog.records if r.name == "portal.cache"]
    assert len(said) == 1, said
    assert "cannot be reached" in said[0]

    back(own_cache)
    caplog.clear()
    for _ in range(3):
        assert signed_in.get("/bulletins/").status_code == 200
    reached = [r.getMessage() for r in caplog.records if r.name == "portal.cache"]
    assert len(reached) == 1 and "reached again" in reached[0], reached


# --- When it returns -------------------------------------------------------------------------


@pytest.mark.parametrize("returns", ["with its data", "empty"])
def test_changes_made_while_the_cache_was_away_are_seen_when_it_returns(
    own_cache, signed_in, ncpp_officer, retail, national, severe, returns
):
    kept = make_bulletin(ncpp_officer, title="Vehicle as a weapon", sectors=[retail])
    later = make_bulletin(ncpp_officer, title="Insider threat", sectors=[retail], status="draft")
    before = listed_titles(signed_in)
    assert "Vehicle as a weapon" in before and "Insider threat" not in before
    assert signed_in.get(f"/bulletins/{kept.pk}/").status_code == 200
    assert "SEVERE" in visitor().get("/").content.decode()
    assert cache.get("bulletins:version") is not None, "the results are kept"

    own_cache.stop()
    officer = Client(headers={"X-Forwarded-Proto": "https"})
    officer.force_login(ncpp_officer)
    published = officer.post(f"/bulletins/{later.pk}/publish/", {"alert": "no", "confirm": "on"})
    assert published.status_code == 302
    withdrawn = officer.post(
        f"/bulletins/{kept.pk}/withdraw/", {"reason": "Superseded by events.", "confirm": "on"}
    )
    assert withdrawn.status_code == 302
    record_change(national, "SUBSTANTIAL")
    if returns == "empty":
        own_cache.remove()
        own_cache.folder = None
        own_cache.append_only = False
    own_cache.start()

    # At once, and again once the portal uses the cache again.
    for _ in range(2):
        assert "Insider threat" in listed_titles(signed_in)
        withdrawn = signed_in.get(f"/bulletins/{kept.pk}/").content.decode()
        assert "This bulletin was withdrawn" in withdrawn
        home = visitor().get("/").content.decode()
        assert "SUBSTANTIAL" in home and "SEVERE" not in home
        time.sleep(portal_cache.RETRY_SECONDS)
    assert cache.get("bulletins:version") is not None, "the cache is in use again"


def test_a_session_ended_while_the_cache_was_away_stays_ended(own_cache, isl, settings):
    client = through_proxy()
    sign_in_fully(client, isl)
    assert client.get("/bulletins/").status_code == 200
    cookie = settings.SESSION_COOKIE_NAME
    copied = client.cookies[cookie].value  # as someone who had copied it would keep it
    own_cache.stop()

    client.post("/accounts/logout/")
    back(own_cache)

    assert client.get("/bulletins/").status_code == 302
    stolen = through_proxy()
    stolen.cookies[cookie] = copied
    assert stolen.get("/bulletins/").status_code == 302


def test_a_leaver_removed_while_the_cache_was_away_sees_nothing_when_it_returns(
    own_cache, signed_in, isl, ncpp_officer, retail
):
    bulletin = make_bulletin(ncpp_officer, title="Sector advice", sectors=[retail])
    assert "Sector advice" in listed_titles(signed_in)
    own_cache.stop()
    Membership.objects.filter(user=isl).delete()
    back(own_cache)

    assert "Sector advice" not in listed_titles(signed_in)
    assert signed_in.get(f"/bulletins/{bulletin.pk}/").status_code == 404


def test_what_is_kept_is_used_again_once_the_cache_is_back(
    own_cache, signed_in, retail, ncpp_officer
):
    """Degrading is not giving up: after the outage the cache holds entries again."""
    make_bulletin(ncpp_officer, title="Sector advice", sectors=[retail])
    own_cache.stop()
    listed_titles(signed_in)
    back(own_cache)
    listed_titles(signed_in)
    assert cache.get("bulletins:version") is not None


def test_an_unused_code_is_kept_for_a_second_sign_in_step_after_an_outage(own_cache, isl):
    """Sign-in started before the outage finishes after it: the half-way state is in the
    session, which the database holds."""
    client = through_proxy()
    response = sign_in(client, isl.email, PASSWORD)
    assert response.headers["Location"] == "/accounts/2fa/authenticate/"
    own_cache.stop()
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(isl.totp_secret)})
    assert response.headers["Location"] == "/"
    back(own_cache)
    assert client.get("/bulletins/").status_code == 200


def test_a_process_that_never_saw_the_outage_moves_to_the_new_epoch(
    own_cache, signed_in, ncpp_officer, retail
):
    """The publish is made by another process (another gunicorn worker, say) while the cache is
    away; this process never noticed the outage, yet within EPOCH_SECONDS of Redis coming back
    with its old data it stops serving what it kept before."""
    draft = make_bulletin(ncpp_officer, title="Insider threat", sectors=[retail], status="draft")
    assert "Insider threat" not in listed_titles(signed_in)
    own_cache.stop()

    published = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from bulletins.models import Bulletin; from bulletins.services import publish_bulletin;"
         f"b = Bulletin.objects.get(pk={draft.pk});"
         "publish_bulletin(b, publisher=b.author, send_alert=False)"],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=120,
        env=worker_environment(CACHE_URL=own_cache.url, REDIS_URL=own_cache.url),
    )  # fmt: skip
    assert published.returncode == 0, published.stderr
    assert "cannot be reached" in published.stderr
    own_cache.start()

    time.sleep(portal_cache.EPOCH_SECONDS)
    assert "Insider threat" in listed_titles(signed_in)
