import html
import re
from urllib.parse import parse_qs

import pytest
from django.db import connection

from bulletins import kept, search, services
from bulletins.models import Bulletin, Marking, SearchWord
from tests.helpers import listed, make_bulletin


def results(client, words):
    response = client.get("/bulletins/search/", {"q": words})
    return response, [Bulletin.objects.get(pk=pk) for pk in listed(response)]


def test_search_finds_a_bulletin_by_a_word_in_its_body(client, isl, ncpp_officer, retail):
    wanted = make_bulletin(
        ncpp_officer, title="Weekly update", body="Drones near stadiums.", sectors=[retail]
    )
    make_bulletin(ncpp_officer, title="Other", body="Nothing relevant.", sectors=[retail])
    client.force_login(isl)
    _, found = results(client, "drone")
    assert found == [wanted]


def test_search_finds_words_in_key_points(client, isl, ncpp_officer, retail):
    wanted = make_bulletin(ncpp_officer, key_points=["Check the loading bays"], sectors=[retail])
    client.force_login(isl)
    assert results(client, "loading bay")[1] == [wanted]


def test_a_title_match_ranks_first(client, isl, ncpp_officer, retail):
    in_body = make_bulletin(
        ncpp_officer, title="Weekly update", body="A note about reconnaissance.", sectors=[retail]
    )
    in_title = make_bulletin(ncpp_officer, title="Hostile reconnaissance", sectors=[retail])
    client.force_login(isl)
    _, found = results(client, "reconnaissance")
    assert found == [in_title, in_body]


def test_search_never_returns_a_bulletin_the_person_cannot_see(
    client, isl, ncpp_officer, retail, transport
):
    make_bulletin(ncpp_officer, title="Transport only", body="secretword", sectors=[transport])
    make_bulletin(
        ncpp_officer,
        title="Draft",
        body="secretword",
        status=Bulletin.Status.DRAFT,
        sectors=[retail],
    )
    visible = make_bulletin(ncpp_officer, title="Retail", body="secretword", sectors=[retail])
    client.force_login(isl)
    response, found = results(client, "secretword")
    assert found == [visible]
    assert "Transport only" not in response.content.decode()


def test_snippets_highlight_the_words_and_escape_the_rest(client, isl, ncpp_officer, retail):
    make_bulletin(ncpp_officer, body="<b>bold</b> talk of bollards here", sectors=[retail])
    client.force_login(isl)
    html = results(client, "bollards")[0].content.decode()
    assert "<mark>bollards</mark>" in html
    assert "<b>" not in html


def test_search_pages_carry_the_total_and_a_page_past_the_end_shows_the_last(
    client, isl, ncpp_officer, retail
):
    made = [
        make_bulletin(ncpp_officer, title=f"Perimeter note {n}", sectors=[retail])
        for n in range(25)
    ]
    client.force_login(isl)

    first = client.get("/bulletins/search/", {"q": "perimeter"})
    second = client.get("/bulletins/search/", {"q": "perimeter", "page": 2})
    beyond = client.get("/bulletins/search/", {"q": "perimeter", "page": 9})
    nonsense = client.get("/bulletins/search/", {"q": "perimeter", "page": "x"})

    assert "25 bulletins found, best match first." in first.content.decode()
    assert len(listed(first)) == 20 and len(listed(second)) == 5
    assert sorted(listed(first) + listed(second)) == sorted(b.pk for b in made)
    assert listed(beyond) == listed(second)
    assert listed(nonsense) == listed(first)
    assert "25 bulletins found" in beyond.content.decode()


def suggested(response) -> tuple[str, str] | None:
    """The "Did you mean" link's words and address, as the page shows them."""
    found = re.search(
        r'Did you mean: <a class="govuk-link" href="([^"]*)">([^<]*)</a>\?',
        (response.content.decode()),
    )
    return (html.unescape(found.group(2)), html.unescape(found.group(1))) if found else None


def test_every_word_must_match_in_any_order(client, isl, ncpp_officer, retail):
    wanted = make_bulletin(
        ncpp_officer, title="Stay safe", body="Remember: run, hide, tell.", sectors=[retail]
    )
    make_bulletin(ncpp_officer, title="Run the drill", body="Hide nothing.", sectors=[retail])
    client.force_login(isl)
    assert results(client, "tell hide run")[1] == [wanted]
    assert results(client, "run hide shout")[1] == []


@pytest.mark.parametrize(
    "words", ['"', "AND", "NEAR(", "*", "-", "run OR", "title:run", "ü ẞ 東京"]
)
def test_search_syntax_typed_by_a_person_is_never_an_error(
    words, client, isl, ncpp_officer, retail
):
    make_bulletin(ncpp_officer, title="Run hide tell", sectors=[retail])
    client.force_login(isl)
    response, _ = results(client, words)
    assert response.status_code == 200


def test_a_misspelt_search_offers_the_words_that_find_something(client, isl, ncpp_officer, retail):
    wanted = make_bulletin(
        ncpp_officer,
        title="Weekly update",
        body="Call the Anti-Terrorist Hotline. There were 347 arrests.",
        sectors=[retail],
    )
    client.force_login(isl)
    response, found = results(client, "hotlien arests 347")
    assert found == []
    words, link = suggested(response)
    assert words == "hotline arrests 347"
    followed = client.get(f"/bulletins/search/{link}")
    assert [int(pk) for pk in listed(followed)] == [wanted.pk]
    assert suggested(followed) is None


def test_nothing_is_suggested_when_no_words_are_alike(client, isl, ncpp_officer, retail):
    make_bulletin(ncpp_officer, title="Weekly update", body="Bollards.", sectors=[retail])
    client.force_login(isl)
    assert suggested(results(client, "xylophone")[0]) is None


def test_the_suggestion_keeps_the_filters_and_starts_at_the_first_page(
    client, isl, ncpp_officer, retail
):
    make_bulletin(ncpp_officer, body="Perimeter checks.", sectors=[retail], marking=Marking.CLEAR)
    client.force_login(isl)
    response = client.get(
        "/bulletins/search/", {"q": "perimetre", "marking": Marking.CLEAR, "page": 3}
    )
    words, link = suggested(response)
    assert words == "perimeter"
    assert parse_qs(link.removeprefix("?")) == {"q": ["perimeter"], "marking": [Marking.CLEAR]}


def test_a_word_only_in_a_bulletin_the_person_cannot_see_is_never_suggested(
    client, isl, other_isl, ncpp_officer, retail, transport
):
    make_bulletin(
        ncpp_officer,
        title="Transport only",
        body="Platform quokkawatch patrols.",
        marking=Marking.RED,
        sectors=[transport],
    )
    make_bulletin(ncpp_officer, title="Draft", body="quokkawatch", status="draft", sectors=[retail])
    make_bulletin(ncpp_officer, title="Retail", body="Nothing unusual.", sectors=[retail])

    client.force_login(isl)
    response, _ = results(client, "quokawatch")
    assert suggested(response) is None
    assert "quokkawatch" not in response.content.decode()

    client.force_login(other_isl)  # who may see it is offered the word
    assert suggested(results(client, "quokawatch")[0])[0] == "quokkawatch"


def test_an_amended_bulletins_new_words_are_suggested_and_its_old_ones_are_not(
    client, isl, ncpp_officer, retail
):
    bulletin = make_bulletin(ncpp_officer, body="Check the turnstiles.", sectors=[retail])
    services.amend_bulletin(
        bulletin, what_changed="Gates.", realert=False, actor=ncpp_officer, body="Check the gates."
    )
    assert set(SearchWord.objects.filter(bulletin=bulletin).values_list("word", flat=True)) >= {
        "check",
        "gates",
    }
    assert not SearchWord.objects.filter(bulletin=bulletin, word="turnstiles").exists()
    client.force_login(isl)
    assert suggested(results(client, "gatse")[0])[0] == "gates"
    assert suggested(results(client, "turnstile")[0]) is None


def test_without_pg_trgm_the_same_words_are_suggested(
    client, isl, ncpp_officer, retail, monkeypatch
):
    make_bulletin(ncpp_officer, body="Call the Anti-Terrorist Hotline.", sectors=[retail])
    client.force_login(isl)
    with_trigrams = suggested(results(client, "hotlien")[0])
    monkeypatch.setattr(search, "_has_trigrams", lambda: False)
    kept.changed()
    without = suggested(results(client, "hotlien")[0])
    assert with_trigrams == without == ("hotline", "?q=hotline")


def test_the_trigram_index_is_there_when_the_extension_is(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_word_trigram'")
        (definition,) = cursor.fetchone()
    assert search._has_trigrams()
    assert "gin_trgm_ops" in definition
