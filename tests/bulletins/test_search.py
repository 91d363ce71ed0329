from bulletins.models import Bulletin
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
