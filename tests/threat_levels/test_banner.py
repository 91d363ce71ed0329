"""The banner on every page: the level in force, from the cache, fresh after each change."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import loader
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.helpers import days_ago, record_change
from threat_levels.context_processors import threat_levels

pytestmark = pytest.mark.django_db


def banner(page: str) -> str:
    match = re.search(r'<section class="portal-threat-level".*?</section>', page, re.S)
    assert match, "no threat-level banner on the page"
    return match.group(0)


def anonymous_request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def test_every_page_shows_the_level_in_words_with_its_meaning_and_date(client, national):
    record_change(national, "SEVERE", days_ago(3))
    moment = timezone.localtime(days_ago(3))
    since = f"{moment.day} {moment:%B %Y}"

    for url in ("/", "/accounts/login/", "/threat-level/", "/no-such-page/"):
        text = banner(client.get(url).content.decode())
        assert "UK (national):" in text, url
        assert ">SEVERE<" in text, url
        assert "(an attack is highly likely)" in text, url
        assert "since <time" in text and f">{since}</time>" in text, url
        assert 'href="/threat-level/"' in text, url


def test_the_banner_is_a_labelled_region(client, national):
    record_change(national, "SUBSTANTIAL", days_ago(3))

    text = banner(client.get("/").content.decode())

    assert 'aria-labelledby="threat-level-banner-title"' in text
    assert 'id="threat-level-banner-title">Terrorism threat level</p>' in text


def test_the_banner_costs_no_query_once_the_cache_is_warm(
    client, national, northern_ireland, django_assert_num_queries
):
    record_change(national, "SEVERE", days_ago(3))
    record_change(northern_ireland, "SUBSTANTIAL", days_ago(30))
    client.get("/")  # warms the cache

    with django_assert_num_queries(0):
        context = threat_levels(anonymous_request())
        html = loader.get_template("threat_levels/banner.html").render(context)

    assert [(level.scope_slug, level.level) for level in context["threat_levels"]] == [
        ("national", "SEVERE"),
        ("northern-ireland", "SUBSTANTIAL"),
    ]
    assert ">SEVERE<" in banner(html)


def test_the_banner_shows_the_new_level_right_after_a_change_commits(
    client, national, ncpp_officer, django_capture_on_commit_callbacks
):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    assert ">SUBSTANTIAL<" in banner(client.get("/").content.decode())  # cached now

    with django_capture_on_commit_callbacks(execute=True):
        record_change(national, "CRITICAL", recorded_by=ncpp_officer, send_alert=True)

    text = banner(client.get("/").content.decode())
    assert ">CRITICAL<" in text
    assert "(an attack is highly likely in the near future)" in text


def test_until_the_change_commits_the_banner_keeps_the_old_level(
    client, national, ncpp_officer, django_capture_on_commit_callbacks
):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    client.get("/")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record_change(national, "CRITICAL", recorded_by=ncpp_officer, send_alert=True)
        assert ">SUBSTANTIAL<" in banner(client.get("/").content.decode())

    # Nothing ran yet: the banner refresh and the alert's fan-out both wait for the commit.
    assert len(callbacks) == 2


def test_a_scheduled_change_takes_effect_on_time(client, national, ncpp_officer, monkeypatch):
    record_change(national, "SUBSTANTIAL", days_ago(30))
    in_an_hour = timezone.now() + timedelta(hours=1)
    record_change(national, "SEVERE", in_an_hour, recorded_by=ncpp_officer, send_alert=True)

    assert ">SUBSTANTIAL<" in banner(client.get("/").content.decode())  # cached until then

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=1, seconds=1))
    assert ">SEVERE<" in banner(client.get("/").content.decode())


def test_a_scope_that_is_not_public_is_shown_to_fully_signed_in_people_only(
    client, national, northern_ireland, isl
):
    northern_ireland.public = False
    northern_ireland.save()
    record_change(national, "SEVERE", days_ago(3))
    record_change(northern_ireland, "MODERATE", days_ago(3))

    assert "Northern Ireland" not in banner(client.get("/").content.decode())
    client.force_login(isl)
    assert "Northern Ireland-related terrorism in Northern Ireland:" in banner(
        client.get("/").content.decode()
    )


def test_a_visitor_never_gets_the_banner_a_fully_signed_in_person_was_shown(
    client, national, northern_ireland, isl
):
    northern_ireland.public = False
    northern_ireland.save()
    record_change(national, "SEVERE", days_ago(3))
    record_change(northern_ireland, "MODERATE", days_ago(3))
    signed_in = Client(headers={"X-Forwarded-Proto": "https"})
    signed_in.force_login(isl)
    for url in ("/", "/threat-level/", "/no-such-page/"):
        assert "Northern Ireland-related terrorism in Northern Ireland:" in banner(
            signed_in.get(url).content.decode()
        )

    for url in ("/", "/", "/threat-level/", "/no-such-page/"):  # "/" twice: once from the cache
        assert "Northern Ireland-related" not in banner(client.get(url).content.decode()), url


def test_with_no_level_recorded_there_is_no_banner(client, db):
    assert 'class="portal-threat-level"' not in client.get("/").content.decode()
