"""Search on the embedded default, SQLite with FTS5, for real: a project copy is migrated and
seeded, then one script searches it as the demo ISLs would. (The rest of the suite runs on
PostgreSQL.)"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import copy_project, embedded_env

SEARCH = r"""
import json

from django.test import Client

from accounts.models import Sector, User
from bulletins.models import Marking
from bulletins.permissions import visible_bulletins
from bulletins.search import highlight, search_bulletins, suggest_words
from bulletins.services import amend_bulletin, create_draft, publish_bulletin

officer = User.objects.get(email="ncpp.officer@example.org")
retail = User.objects.get(email="isl.retail@example.org")
transport = User.objects.get(email="isl.transport@example.org")


def publish(**fields):
    sectors = fields.pop("sectors", [])
    draft = create_draft(author=officer, sectors=sectors, **fields)
    return publish_bulletin(draft, publisher=officer, send_alert=False)


publish(
    title="Platform patrols", summary="Patrols.", body="Quokkawatch teams on every platform.",
    marking=Marking.RED, sectors=[Sector.objects.get(slug="transport")],
)
gates = publish(
    title="Gates", summary="Street furniture.", body="Turnstiles at the gates.", all_sectors=True,
)
amend_bulletin(
    gates, what_changed="Bollards.", realert=False, actor=officer,
    body="Bollards at the gates.",
)


def found(person, words):
    return [
        [bulletin.title, str(highlight(bulletin.snippet))]
        for bulletin in search_bulletins(visible_bulletins(person), words)
    ]


def suggested(person, words):
    return suggest_words(visible_bulletins(person), words)


client = Client(HTTP_HOST="localhost")
client.force_login(retail)
page = client.get("/bulletins/search/", {"q": "hotlien arests"}).content.decode()
typed = ['"', "AND", "NEAR(run", "*", "-", "run OR zzz", "title:run", "^run", "ü ẞ 東京", 'a"b']
print(json.dumps({
    "run hide tell": found(retail, "run hide tell"),
    "tell hide run": found(retail, "tell, hide... RUN"),
    "hotline arrests": found(retail, "hotline arrests"),
    "reconnaissance": found(retail, "reconnaissance"),
    "a draft's words": found(retail, "festive seasonal"),
    "syntax": {words: found(retail, words) for words in typed},
    "bollards": found(retail, "bollards"),
    "turnstiles": found(retail, "turnstiles"),
    "suggestion": suggested(retail, "hotlien arests"),
    "restricted, retail": suggested(retail, "quokawatch"),
    "restricted, transport": suggested(transport, "quokawatch"),
    "page": page,
}))
"""


@pytest.mark.slow
def test_search_on_sqlite_matches_every_word_ranks_highlights_and_suggests(tmp_path: Path):
    copy_project(tmp_path)
    env = embedded_env()
    for command in (
        ["migrate", "--noinput"],
        ["seed_demo"],
        ["shell", "--no-imports", "-c", SEARCH],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    sample = "CSSC Counter Terrorism Protective Sercurity Update"

    # Every word, in any order, wherever it is in the text; highlighted in the snippet.
    assert [title for title, _ in out["run hide tell"]] == [sample]
    assert out["tell hide run"] == out["run hide tell"]
    snippet = out["run hide tell"][0][1]
    assert "<mark>Run</mark>, <mark>Hide</mark>, <mark>Tell</mark>" in snippet
    [(title, snippet)] = out["hotline arrests"]
    assert title == sample and "<mark>arrest</mark>" in snippet
    # The title weighs most: the exercise about reconnaissance before the update that names it.
    assert [title for title, _ in out["reconnaissance"]] == [
        "EXERCISE – Hostile reconnaissance at shopping centres",
        sample,
    ]
    assert out["a draft's words"] == []
    # What a person types is words, never FTS5 syntax: no error, and only words match.
    assert out["syntax"]['"'] == out["syntax"]["*"] == out["syntax"]["-"] == []
    assert out["syntax"]["run OR zzz"] == []
    assert [title for title, _ in out["syntax"]["^run"]] == [sample]
    assert out["syntax"]["ü ẞ 東京"] == out["syntax"]['a"b'] == []
    # An amendment's words are found, and those it took out are not.
    assert [title for title, _ in out["bollards"]] == ["Gates"]
    assert out["turnstiles"] == []

    assert out["suggestion"] == "hotline arrests"
    assert 'Did you mean: <a class="govuk-link" href="?q=hotline+arrests">' in out["page"]
    assert out["restricted, retail"] is None
    assert out["restricted, transport"] == "quokkawatch"
