"""What changed between two versions of a bulletin, word by word, as safe HTML.

Each field of both versions is first made into the HTML the bulletin's page shows (the body
through rendering.render_markdown, the plain fields escaped), and the words of the two are
compared (difflib). The result keeps the newer version's tags, so its structure stands; words
only the older version had are put in <del>, words only the newer one has in <ins>. Every word
is escaped again on the way out, and the whole is cleaned once more against the bulletin's
allowlist plus <ins> and <del>, so no text of either version can make markup of its own.
"""

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

from .models import Bulletin, BulletinRevision
from .rendering import ALLOWED_TAGS, clean_html, render_markdown

# On the page of earlier versions each version sits under its own heading, so the headings
# of its text go down a level (h2 becomes h3, ...).
DIFF_TAGS = ALLOWED_TAGS | {"ins", "del", "h5"}
HEADING = re.compile(r"<(/?)h([2-4])(?=[\s>])")
# A new paragraph, heading, list item or cell starts a new block: blocks are compared first,
# and the words only within the blocks that differ.
BLOCK_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "hr", "table", "tr", "th",
    "td",
}  # fmt: skip
# Past this many words on either side, a changed stretch is shown removed and added whole:
# comparing word by word costs the product of the two lengths.
MOST_WORDS_COMPARED = 2000
WORDS = re.compile(r"(\s*)(\S+)(\s*)")


@dataclass(frozen=True)
class Token:
    kind: str  # "tag", "word" or "space"
    text: str  # as written out: the tag as it was, the escaped word with the space after it
    word: str = ""  # the word itself, which is what is compared
    block: int = 0


class _Tokenizer(HTMLParser):
    """Cleaned HTML as a list of tokens: tags as written, words with the white space after."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []
        self.block = 0

    def _tag(self, tag: str, text: str) -> None:
        if tag in BLOCK_TAGS:
            self.block += 1
        self.tokens.append(Token("tag", text))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._tag(tag, self.get_starttag_text() or f"<{tag}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if data.isspace():
            self.tokens.append(Token("space", data))
        for before, word, after in WORDS.findall(data):
            if before:
                self.tokens.append(Token("space", before))
            self.tokens.append(
                Token("word", escape(word, quote=False) + after, word=word, block=self.block)
            )


def _tokens(html: str) -> list[Token]:
    tokenizer = _Tokenizer()
    tokenizer.feed(html)
    tokenizer.close()
    return tokenizer.tokens


def _words(tokens: list[Token]) -> list[Token]:
    """The words alone; a word that a tag parted from the next is given a space to part them."""
    words: list[Token] = []
    for token in tokens:
        if token.kind == "word":
            words.append(token)
        elif token.kind == "tag" and words and not words[-1].text[-1:].isspace():
            words[-1] = replace(words[-1], text=words[-1].text + " ")
    return words


def _spans(words: list[Token]) -> list[tuple[int, int]]:
    """(start, end) of each block's words."""
    spans: list[tuple[int, int]] = []
    for index, word in enumerate(words):
        if spans and words[spans[-1][0]].block == word.block:
            spans[-1] = (spans[-1][0], index + 1)
        else:
            spans.append((index, index + 1))
    return spans


def _opcodes(old: list[str], old_spans: list, new: list[str], new_spans: list) -> Iterator:
    """difflib's opcodes for two lists of words: the blocks compared first, then the words of
    each stretch of blocks that differ."""

    def bounds(spans: list, start: int, end: int, length: int) -> tuple[int, int]:
        if start == end:
            at = spans[start][0] if start < len(spans) else length
            return at, at
        return spans[start][0], spans[end - 1][1]

    blocks = difflib.SequenceMatcher(
        None,
        [tuple(old[start:end]) for start, end in old_spans],
        [tuple(new[start:end]) for start, end in new_spans],
        autojunk=False,
    )
    for operation, old_first, old_last, new_first, new_last in blocks.get_opcodes():
        old_start, old_end = bounds(old_spans, old_first, old_last, len(old))
        new_start, new_end = bounds(new_spans, new_first, new_last, len(new))
        if operation == "equal" or max(old_end - old_start, new_end - new_start) > (
            MOST_WORDS_COMPARED
        ):
            yield operation, old_start, old_end, new_start, new_end
            continue
        words = difflib.SequenceMatcher(
            None, old[old_start:old_end], new[new_start:new_end], autojunk=False
        )
        for word_operation, i1, i2, j1, j2 in words.get_opcodes():
            yield word_operation, old_start + i1, old_start + i2, new_start + j1, new_start + j2


def _marked(tokens: list[Token], tag: str) -> str:
    """Words in one <ins> or <del>, with the white space at either end left outside."""
    text = "".join(token.text for token in tokens)
    core = text.strip()
    if not core:
        return text
    start = text.index(core)
    return f"{text[:start]}<{tag}>{core}</{tag}>{text[start + len(core) :]}"


def compare_html(older: str, newer: str) -> SafeString:
    """The newer of two cleaned HTML fragments, with the words the older had in <del> and the
    words it adds in <ins>, in the newer version's structure. Words replaced are shown just
    before the words that replace them; words only taken out, after the last word the two
    versions share before them."""
    old = _words(_tokens(older))
    new = _tokens(newer)
    new_words = [token for token in new if token.kind == "word"]
    added: set[int] = set()
    # Words taken out, by the new word they go before (replaced) or after (-1: the start).
    replaced: dict[int, list[Token]] = {}
    removed_after: dict[int, list[Token]] = {}
    for operation, old_start, old_end, new_start, new_end in _opcodes(
        [w.word for w in old], _spans(old), [w.word for w in new_words], _spans(new_words)
    ):
        if operation in ("replace", "insert"):
            added.update(range(new_start, new_end))
        if operation == "replace":
            replaced[new_start] = old[old_start:old_end]
        elif operation == "delete":
            removed_after[new_start - 1] = old[old_start:old_end]

    out: list[str] = []
    run: list[Token] = []  # words added and not yet written out

    def write_run() -> None:
        if run:
            out.append(_marked(run, "ins"))
            run.clear()

    def write_removed(words: list[Token] | None) -> None:
        if words:
            write_run()
            if out and out[-1][-1:] not in ("", ">") and not out[-1][-1:].isspace():
                out.append(" ")
            out.append(_marked(words, "del").rstrip() + " ")

    index = -1
    for token in new:
        if token.kind == "word":
            index += 1
            if index == 0:
                write_removed(removed_after.pop(-1, None))
            write_removed(replaced.pop(index, None))
            if index in added:
                run.append(token)
            else:
                write_run()
                out.append(token.text)
            write_removed(removed_after.pop(index, None))
        elif token.kind == "space" and run:
            run.append(token)
        else:
            write_run()
            out.append(token.text)
    write_run()
    write_removed(removed_after.pop(-1, None))  # the newer version has no words at all
    # Cleaned just now, whatever the two versions held.
    return mark_safe(clean_html("".join(out), tags=DIFF_TAGS))  # noqa: S308


def _headings_down(html: str) -> str:
    """Cleaned HTML with its headings a level lower. Text holds no bare "<", so only tags
    change (and any attribute value that reads like one, which stays a value)."""
    return HEADING.sub(lambda match: f"<{match[1]}h{int(match[2]) + 1}", html)


def _plain(text: str) -> str:
    return escape(text or "", quote=False)


def _key_points(points: list[str]) -> str:
    items = "".join(f"<li>{_plain(point)}</li>" for point in points or [])
    return f'<ol class="govuk-list govuk-list--number">{items}</ol>' if items else ""


def _fields(version: Bulletin | BulletinRevision) -> dict[str, str]:
    """A version's fields as the HTML the bulletin's page shows them in."""
    return {
        "title": _plain(version.title),
        "source_line": _plain(version.source_line),
        "summary": _plain(version.summary),
        "key_points": _key_points(version.key_points),
        "body": _headings_down(render_markdown(version.body)),
    }


@dataclass
class EarlierVersion:
    """One earlier version of a bulletin, rendered, and marked with what the next version
    (the one its amendment made) took out of it and put in."""

    revision: BulletinRevision
    body: SafeString  # as it was, unmarked
    changes: dict[str, SafeString]  # title, source_line, summary, key_points, body


def earlier_versions(bulletin: Bulletin, revisions: list[BulletinRevision]) -> list[EarlierVersion]:
    """Each revision (newest first) beside the version that followed it: the next revision,
    or, for the newest, the bulletin as it is now."""
    versions = []
    newer = _fields(bulletin)
    for revision in revisions:
        older = _fields(revision)
        changes = {name: compare_html(older[name], newer[name]) for name in older}
        as_it_was = mark_safe(clean_html(older["body"], tags=DIFF_TAGS))  # noqa: S308
        versions.append(EarlierVersion(revision, as_it_was, changes))
        newer = older
    return versions
