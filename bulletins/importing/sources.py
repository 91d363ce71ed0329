"""Reading each form of source into the clean structure: blocks of headings, paragraphs, lists
and tables, with the email's subject, sender, date and attachments where there are any.

Pasted text and plain-text emails are read by their lines; HTML (pasted from Word or a web
page, an email's HTML part, a .docx through mammoth) is sanitised with nh3 first and then read
by its elements. Nothing here decides what is the update and what is not: cleaning.py does.
"""

import email
import email.policy
import email.utils
import io
import re
import unicodedata
import zipfile
from datetime import datetime

import mammoth
import nh3
from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import markdownify

from . import limits
from .structure import Block, Deadline, HeldFile, ImportRefused, Source

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# Characters that are in a file's bytes and not in anything written: C0 and C1 controls.
BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# Bullet glyphs as they arrive from Word (Symbol and Wingdings fonts), email and plain text.
BULLET = re.compile(r"^\s*(?:[¨•·●◦▪■§➢➤►\uf0a7\uf0b7\uf076\uf0d8–]|[o\-*](?=\s))\s*")
NUMBERED = re.compile(r"^\s*(?:\d{1,2}|[a-z])[.)]\s+")
# Word's numbered paragraphs, pasted as HTML: "1." and a run of spaces before the text.
WORD_NUMBER = re.compile(r"^\s*(?:\d{1,2}|[a-z])[.)]\s{2,}")
# The same bullet or number at the start of the paragraph's Markdown.
LIST_MARKDOWN_MARKER = re.compile(r"^\s*(?:\\?[-*+·•¨§▪●◦■➢➤►o]|\d{1,2}\\?[.)]|[a-z]\))\s+")
HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 10
# "Actions for ISLs:" on a line of its own, before a list: a heading.
LEAD_IN_MAX_WORDS = 6
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
BOLD_LINE = re.compile(r"^\*\*(.+)\*\*:?$")
QUOTE_LINE = re.compile(r"^\s*>")
# "From: …", "Tel: …": a label and its value, not a heading.
LABELLED = re.compile(r"^[A-Za-z-]{2,15}:\s")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ACCEPTED_FILES = "a Word document (.docx), an email (.eml) or an Outlook email (.msg)"

# What survives of pasted or received HTML: structure, links and emphasis, nothing that runs.
HTML_TAGS = {
    "p", "br", "div", "span", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table",
    "thead", "tbody", "tfoot", "tr", "th", "td", "a", "strong", "b", "em", "i", "u",
    "blockquote", "hr", "pre", "section", "article", "main", "header", "footer", "font",
    "nav", "aside", "form",
}  # fmt: skip
BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "hr"}
CONTAINER_TAGS = {
    "div", "section", "article", "main", "header", "footer", "blockquote", "body", "thead",
    "tbody", "tfoot", "font", "span", "li", "td", "th", "tr", "[document]", "nav", "aside", "form",
}  # fmt: skip
LIST_PARTS = {"li", "ul", "ol"}
# Elements whose end tag is never left out, counted to refuse HTML nested absurdly deep.
NESTING_TAGS = {"div", "span", "ul", "ol", "table", "blockquote", "b", "i", "em", "strong", "u",
                "font", "section", "article", "a", "h1", "h2", "h3", "h4", "h5", "h6"}  # fmt: skip
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*>")
MAX_HTML_DEPTH = 1_000
NESTED_TOO_DEEP = (
    "Its formatting is nested too deeply to be read. Paste it as plain text instead (in Word: "
    "Paste Special, Unformatted Text)."
)
# Containers inside containers deeper than this are read as text (Outlook nests a few dozen).
MAX_NESTING = 60
# A web page's parts around the article: read, then left out as furniture.
FURNITURE_TAGS = {"nav", "aside", "footer", "form"}
# Word's own styles that mammoth does not map by itself.
DOCX_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p:fresh
p[style-name='Heading 1'] => h1:fresh
p[style-name='Heading 2'] => h2:fresh
p[style-name='Heading 3'] => h3:fresh
"""


# --- Text ---------------------------------------------------------------------------------------


def normalise(text: str | bytes | None) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = text[: limits.MAX_PASTE_CHARS]
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\t", " ").replace("\u200b", "")
    text = text.replace("\ufffd", "")
    return CONTROL.sub("", text)


def looks_binary(text: str) -> bool:
    """Mostly characters no update is written in: a file's bytes, not words."""
    sample = text[:20_000]
    if not sample.strip():
        return False
    odd = len(BINARY.findall(sample)) + sample.count("\ufffd")
    return odd / len(sample) > 0.05


def escape_markdown(text: str) -> str:
    """Keep text literal in Markdown: no accidental emphasis, links, HTML or headings."""
    text = re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)
    return re.sub(r"^(#|\d+\.|[+-] )", r"\\\1", text)


def is_heading_line(line: str) -> bool:
    return (
        0 < len(line) <= HEADING_MAX_CHARS
        and len(line.split()) <= HEADING_MAX_WORDS
        and not BULLET.match(line)
        and line[-1] not in ".;,!?"
        and (line[-1] != ":" or len(line.split()) <= LEAD_IN_MAX_WORDS)
        and (line[0].isupper() or line[0].isdigit())
        and not LABELLED.match(line)
    )


def text_blocks(text: str, deadline: Deadline | None = None) -> list[Block]:
    """Blocks from lines: runs of non-blank lines, bullets as lists, short lines as headings."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", normalise(text)):
        if deadline:
            deadline.check()
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        quoted = all(QUOTE_LINE.match(line) for line in lines)
        if quoted:
            lines = [re.sub(r"^(\s*>)+\s?", "", line) for line in lines]
            lines = [line for line in lines if line.strip()] or ["(quoted)"]
        for block in _blocks_of_lines(lines):
            block.quoted = quoted
            blocks.append(block)
        if len(blocks) > limits.MAX_BLOCKS:
            break
    return _merge_lists(blocks[: limits.MAX_BLOCKS])


def _merge_lists(blocks: list[Block]) -> list[Block]:
    """Bullets separated by blank lines (as Word's text often is) are one list."""
    merged: list[Block] = []
    for block in blocks:
        last = merged[-1] if merged else None
        if (
            last is not None
            and block.kind == last.kind == "list"
            and block.ordered == last.ordered
            and block.quoted == last.quoted
        ):
            last.items.extend(block.items)
            last.item_markdown.extend(block.item_markdown)
        else:
            merged.append(block)
    return merged


def _blocks_of_lines(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []
    ordered = False

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(_text_paragraph(paragraph))
            paragraph.clear()

    def flush_items() -> None:
        if items:
            blocks.append(
                Block(
                    "list",
                    items=list(items),
                    item_markdown=[escape_markdown(i) for i in items],
                    ordered=ordered,
                )
            )
            items.clear()

    for line in lines:
        bullet = BULLET.match(line)
        number = NUMBERED.match(line) if len(lines) > 1 else None
        if bullet or number:
            flush_paragraph()
            ordered = bool(number) and not bullet
            item = (bullet or number).re.sub("", line, count=1).strip().rstrip(";").strip()
            if item:
                items.append(item)
        elif items and not _starts_new_block(line):
            # A bullet's text wrapped onto the next line.
            items[-1] = f"{items[-1]} {line}"
        elif (
            not paragraph and len(lines) > 1 and (is_heading_line(line) or _starts_new_block(line))
        ):
            # A heading with its text on the next line, no blank line between.
            flush_items()
            blocks.append(_text_paragraph([line]))
        else:
            flush_items()
            paragraph.append(line)
    flush_paragraph()
    flush_items()
    return blocks


def _starts_new_block(line: str) -> bool:
    return bool(MARKDOWN_HEADING.match(line) or BOLD_LINE.match(line))


def _text_paragraph(lines: list[str]) -> Block:
    if len(lines) == 1:
        line = lines[0]
        if MARKDOWN_HEADING.match(line):
            text = MARKDOWN_HEADING.sub("", line).strip("# ")
            return Block("heading", text=text, markdown=escape_markdown(text), level=2)
        bold = BOLD_LINE.match(line)
        if bold and len(bold.group(1).split()) <= HEADING_MAX_WORDS:
            text = bold.group(1).strip()
            return Block("heading", text=text, markdown=escape_markdown(text), level=3)
        if is_heading_line(line):
            text = line.rstrip(":").strip()
            return Block("heading", text=text, markdown=escape_markdown(text), level=2)
    text = "\n".join(lines)
    return Block("paragraph", text=text, markdown=escape_markdown(" ".join(lines)))


# --- HTML ---------------------------------------------------------------------------------------


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=HTML_TAGS,
        attributes={"a": {"href"}, "ol": {"start"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


def html_blocks(html: str, deadline: Deadline | None = None) -> list[Block]:
    """Blocks from HTML, sanitised first: Word's and Outlook's markup, a web page's, mammoth's."""
    html = normalise(html)
    # Word's clipboard puts each list bullet between conditional comments, which nh3 removes
    # along with their text: keep the glyph, so the paragraph is still known to be a bullet.
    html = re.sub(r"<!\[if !supportLists\]>", "", html)
    html = re.sub(r"<!\[endif\]>", "", html)
    if _too_deep(html):
        # No real document nests this deep, and the sanitiser's time grows with the square of
        # the depth: refused before it is parsed.
        raise ImportRefused(NESTED_TOO_DEEP)
    soup = BeautifulSoup(sanitise_html(html), "html.parser")
    blocks: list[Block] = []
    try:
        _walk(soup, blocks, quoted=False, deadline=deadline)
    except RecursionError as error:
        raise ImportRefused(NESTED_TOO_DEEP) from error
    return _bullet_paragraphs_to_lists(blocks)[: limits.MAX_BLOCKS]


def _too_deep(html: str) -> bool:
    """Whether elements that must be closed (lists, tables, divisions, emphasis) nest deeper
    than MAX_HTML_DEPTH; elements whose end tag may be left out (p, li, td) are not counted."""
    depth = 0
    for match in TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        if name not in NESTING_TAGS:
            continue
        depth += -1 if closing else 1
        if depth > MAX_HTML_DEPTH:
            return True
        depth = max(depth, 0)
    return False


def _walk(
    node: Tag,
    blocks: list[Block],
    *,
    quoted: bool,
    deadline: Deadline | None,
    furniture: bool = False,
    depth: int = 0,
) -> None:
    start = len(blocks)
    if depth > MAX_NESTING:
        # Deeper than any real document: its text, as one paragraph, without its structure.
        text = _plain(node)
        if text:
            markdown = escape_markdown(" ".join(text.split()))
            blocks.append(Block("paragraph", text=text, markdown=markdown, quoted=quoted))
    else:
        _walk_children(node, blocks, quoted=quoted, deadline=deadline, depth=depth)
    if furniture:
        for block in blocks[start:]:
            block.furniture = True


def _walk_children(
    node: Tag, blocks: list[Block], *, quoted: bool, deadline: Deadline | None, depth: int
) -> None:
    loose: list = []  # inline content directly inside a container: a paragraph of its own

    def flush() -> None:
        if loose:
            holder = BeautifulSoup("<p></p>", "html.parser").p
            for child in loose:
                holder.append(
                    child.__copy__() if isinstance(child, Tag) else NavigableString(child)
                )
            _paragraph(holder, blocks, quoted)
            loose.clear()

    for child in list(node.children):
        if len(blocks) > limits.MAX_BLOCKS:
            return
        if isinstance(child, NavigableString):
            if str(child).strip():
                loose.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br" and loose:
            loose.append(child)
            continue
        if name not in BLOCK_TAGS and name not in CONTAINER_TAGS:
            loose.append(child)
            continue
        if name in {"span", "font"} and not child.find(list(BLOCK_TAGS | {"div"})):
            loose.append(child)
            continue
        flush()
        if deadline:
            deadline.check()
        if name in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            text = _plain(child)
            if text:
                blocks.append(
                    Block(
                        "heading",
                        text=text,
                        markdown=escape_markdown(text),
                        level=int(name[1]),
                        quoted=quoted,
                    )
                )
        elif name == "p" or name == "pre":
            _paragraph(child, blocks, quoted)
        elif name in {"ul", "ol"}:
            _list(child, blocks, quoted, deadline)
        elif name == "table":
            _table(child, blocks, quoted, deadline, depth)
        elif name == "hr":
            blocks.append(Block("paragraph", text="----", markdown="", quoted=quoted))
        else:
            _walk(
                child,
                blocks,
                quoted=quoted or name == "blockquote",
                deadline=deadline,
                furniture=name in FURNITURE_TAGS,
                depth=depth + 1,
            )
    flush()


def _plain(element: Tag) -> str:
    """The element's text, with <br> as a line break and runs of spaces as one."""
    parts: list[str] = []
    for piece in element.descendants:
        if isinstance(piece, Tag) and piece.name == "br":
            parts.append("\n")
        elif isinstance(piece, NavigableString):
            parts.append(str(piece))
    text = "".join(parts)
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _inline_markdown(element: Tag) -> str:
    return _markdown_of(element.decode_contents(), _plain(element))


def _markdown_of(html: str, text: str) -> str:
    """Inline HTML (links, emphasis) as Markdown; `text` is its plain text."""
    try:
        markdown = markdownify(html, heading_style="ATX", strip=["img"])
    except RecursionError:
        # Emphasis nested thousands deep: the text, without it.
        return escape_markdown(" ".join(text.split()))
    return re.sub(r"\s+", " ", markdown).strip()


def _is_all_bold(element: Tag) -> bool:
    text = _plain(element)
    bold = "".join(
        _plain(b)
        for b in element.find_all(["strong", "b"], recursive=True)
        if not b.find_parent(["strong", "b"]) or b.parent is element
    )
    return bool(text) and re.sub(r"\s", "", bold).rstrip(":") == re.sub(r"\s", "", text).rstrip(":")


def _paragraph(element: Tag, blocks: list[Block], quoted: bool) -> None:
    text = _plain(element)
    if not text:
        return
    if WORD_NUMBER.match(element.get_text().replace("\u00a0", " ")):
        # Keep the run of spaces after Word's "1." that says it is a numbered paragraph.
        text = re.sub(r"^(\S+)\s", r"\1  ", text)
    if (
        "\n" not in text
        and _is_all_bold(element)
        and len(text) <= HEADING_MAX_CHARS
        and len(text.split()) <= HEADING_MAX_WORDS
    ):
        # A line in bold on its own, as senders write "Key points" without a heading style.
        heading = text.rstrip(":").strip()
        blocks.append(
            Block(
                "heading", text=heading, markdown=escape_markdown(heading), level=3, quoted=quoted
            )
        )
        return
    blocks.append(Block("paragraph", text=text, markdown=_inline_markdown(element), quoted=quoted))


def _list(element: Tag, blocks: list[Block], quoted: bool, deadline: Deadline | None) -> None:
    """A list, with the items of lists inside it in their place (a bulletin's lists are flat)."""
    items: list[str] = []
    markdown: list[str] = []
    # Depth first, in document order, without recursion: lists can be nested very deep.
    stack: list[Tag] = [element]
    while stack:
        node = stack.pop()
        if deadline:
            deadline.check()
        inner = [c for c in node.children if isinstance(c, Tag) and c.name in LIST_PARTS]
        if node.name in ("ul", "ol"):
            stack.extend(reversed(inner))
            continue
        # The item's own content, and the lists inside it after it.
        nested = [child for child in inner if child.name != "li"]
        nested_ids = {id(child) for child in nested}
        own = [child for child in node.children if id(child) not in nested_ids]
        text = " ".join(_plain(c) if isinstance(c, Tag) else str(c) for c in own)
        text = re.sub(r"\s+", " ", text).strip()
        if text:
            items.append(text)
            markdown.append(_markdown_of("".join(str(child) for child in own), text))
        stack.extend(reversed(nested))
    if items:
        blocks.append(
            Block(
                "list",
                items=items,
                item_markdown=markdown,
                ordered=element.name == "ol",
                quoted=quoted,
            )
        )


def _own_cells(table: Tag) -> list[list[Tag]]:
    """The table's own rows and cells, not those of a table inside one of its cells."""
    rows = []
    for part in [table, *table.find_all(["thead", "tbody", "tfoot"], recursive=False)]:
        for row in part.find_all("tr", recursive=False):
            rows.append(row.find_all(["td", "th"], recursive=False))
    return rows


def _table(
    element: Tag, blocks: list[Block], quoted: bool, deadline: Deadline | None, depth: int
) -> None:
    cells = _own_cells(element)
    widest = max((len(row) for row in cells), default=0)
    if widest <= 1 or any(cell.find("table") for row in cells for cell in row):
        # A table for layout (a newsletter's, an email's): its cells are the content.
        for row in cells:
            for cell in row:
                _walk(cell, blocks, quoted=quoted, deadline=deadline, depth=depth + 1)
        return
    rows = [[re.sub(r"\s+", " ", _plain(cell)) for cell in row] for row in cells]
    rows = [row + [""] * (widest - len(row)) for row in rows if any(row)]
    if rows:
        blocks.append(Block("table", rows=rows, quoted=quoted))


def _bullet_paragraphs_to_lists(blocks: list[Block]) -> list[Block]:
    """Paragraphs that start with a bullet glyph or a number and a run of spaces (Word's lists,
    pasted) become one list."""
    result: list[Block] = []
    for block in blocks:
        marker = None
        if block.kind == "paragraph" and block.text != "----":
            marker = BULLET.match(block.text) or WORD_NUMBER.match(block.text)
        if not marker:
            result.append(block)
            continue
        ordered = marker.re is WORD_NUMBER
        item = marker.re.sub("", block.text.replace("\n", " "), count=1).strip()
        item_md = LIST_MARKDOWN_MARKER.sub("", block.markdown, count=1).strip()
        last = result[-1] if result else None
        if (
            last is not None
            and last.kind == "list"
            and last.from_glyphs
            and last.quoted == block.quoted
            and last.ordered == ordered
        ):
            last.items.append(item)
            last.item_markdown.append(item_md)
        else:
            result.append(
                Block(
                    "list",
                    items=[item],
                    item_markdown=[item_md],
                    ordered=ordered,
                    quoted=block.quoted,
                    from_glyphs=True,
                )
            )
    return result


# --- Files --------------------------------------------------------------------------------------


def read_upload(name: str, data: bytes, deadline: Deadline) -> Source:
    """The source in an uploaded file, or ImportRefused saying why it cannot be read."""
    extension = (name.rsplit(".", 1)[-1] if "." in name else "").lower()
    if len(data) > limits.MAX_UPLOAD_BYTES:
        raise ImportRefused(
            f"The file is {len(data) / limits.MB:.1f} MB: a file to import can be at most "
            f"{limits.MAX_UPLOAD_BYTES // limits.MB} MB."
        )
    if not data:
        raise ImportRefused("The file is empty.")
    if extension == "docx":
        return read_docx(name, data, deadline)
    if extension == "msg":
        return read_msg(name, data, deadline)
    if extension == "eml":
        return read_eml(name, data, deadline)
    raise ImportRefused(f"The portal can import {ACCEPTED_FILES}. This file is not one of them.")


def _docx_zip_checked(data: bytes) -> zipfile.ZipFile:
    if data.startswith(OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise ImportRefused(
                "The Word document is protected by a password. Open it in Word, remove the "
                "password (File, Info, Protect Document), save it and import it again, or paste "
                "its text."
            )
        raise ImportRefused(
            "The file is an older Word document (.doc) or another Office file, not a .docx. "
            "Save it from Word as a .docx and import it again, or paste its text."
        )
    if not data.startswith(ZIP_MAGIC):
        raise ImportRefused("The file is not a Word document (.docx): it may be damaged.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except Exception as error:  # zipfile raises several kinds for a damaged archive
        raise ImportRefused("The Word document is damaged and cannot be opened.") from error
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names:
        raise ImportRefused("The file is not a Word document (.docx): it has no document in it.")
    total = sum(entry.file_size for entry in entries)
    bomb = any(
        entry.file_size > limits.MB
        and entry.file_size > limits.MAX_ZIP_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    document = next(entry for entry in entries if entry.filename == "word/document.xml")
    if (
        len(entries) > limits.MAX_ZIP_ENTRIES
        or total > limits.MAX_UNZIPPED_BYTES
        or document.file_size > limits.MAX_DOCUMENT_XML_BYTES
        or bomb
    ):
        raise ImportRefused(
            "The Word document would unpack to far more than its size "
            f"(at most {limits.MAX_UNZIPPED_BYTES // limits.MB} MB is read): it was not opened."
        )
    return archive


def read_docx(name: str, data: bytes, deadline: Deadline) -> Source:
    archive = _docx_zip_checked(data)
    damaged = ImportRefused("The Word document is damaged and cannot be opened.")
    try:
        # Every part is read once (within the sizes checked above) to find a damaged one.
        if archive.testzip() is not None:
            raise damaged
    except ImportRefused:
        raise
    except Exception as error:  # zlib, zipfile and struct errors alike: the file is damaged
        raise damaged from error
    finally:
        archive.close()
    deadline.check()
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), style_map=DOCX_STYLE_MAP, convert_image=_no_images()
        )
    except Exception as error:  # mammoth raises whatever its XML reader meets
        raise ImportRefused("The Word document is damaged and cannot be read.") from error
    deadline.check()
    source = Source("docx", name=name, blocks=html_blocks(result.value, deadline))
    source.notes = sorted({message.message for message in result.messages})[:5]
    return source


def _no_images():
    # Pictures are left out of the text (a Word document's pictures are attached, if wanted).
    return mammoth.images.img_element(lambda image: {"src": ""})


def _sender_name(value: str) -> str:
    name, address = email.utils.parseaddr(value or "")
    return (name or address or value or "").strip().strip('"')


def read_eml(name: str, data: bytes, deadline: Deadline) -> Source:
    if looks_binary(data[:20_000].decode("latin-1")):
        raise ImportRefused("The file is not an email (.eml): it is not text.")
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not any(message.get(header) for header in ("From", "Subject", "Date")):
        raise ImportRefused("The file is not an email (.eml): it has no From, Subject or Date.")
    source = Source(
        "eml",
        name=name,
        subject=str(message.get("Subject", "") or ""),
        sender=_sender_name(str(message.get("From", "") or "")),
    )
    try:
        source.sent = email.utils.parsedate_to_datetime(str(message.get("Date")))
    except (TypeError, ValueError, IndexError):
        source.sent = None
    body = message.get_body(preferencelist=("html", "plain"))
    if body is not None:
        try:
            content = body.get_content()
        except (LookupError, ValueError):
            content = (body.get_payload(decode=True) or b"").decode("utf-8", errors="replace")
        if body.get_content_type() == "text/html":
            source.blocks = html_blocks(content, deadline)
        else:
            source.blocks = text_blocks(content, deadline)
    for part in message.iter_attachments():
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        if filename and payload:
            source.attachments.append(HeldFile(filename, payload))
    return source


def read_msg(name: str, data: bytes, deadline: Deadline) -> Source:
    import extract_msg
    from extract_msg.enums import DeencapType
    from extract_msg.exceptions import ExMsgBaseException

    not_outlook = "The file is not an Outlook email (.msg)."
    if not data.startswith(OLE_MAGIC):
        raise ImportRefused(not_outlook + " Save the email from Outlook again, or forward it.")
    try:
        message = extract_msg.openMsg(data, delayAttachments=False)
    except ExMsgBaseException as error:
        raise ImportRefused(not_outlook + " It may be another Office file.") from error
    except Exception as error:  # a damaged compound file fails anywhere in olefile
        raise ImportRefused(not_outlook + " It may be damaged.") from error
    try:
        if not isinstance(message, extract_msg.Message):
            raise ImportRefused(not_outlook + " It is an Outlook item of another kind.")
        source = Source(
            "msg",
            name=name,
            subject=message.subject or "",
            sender=_sender_name(message.sender or ""),
        )
        sent = message.date
        source.sent = sent if isinstance(sent, datetime) else None
        deadline.check()
        # The message's own HTML, or the HTML Outlook keeps inside its RTF body; else the text
        # (extract-msg's htmlBody would make HTML out of the plain text, losing its shape).
        html = message.getStream("__substg1.0_10130102")
        if not html and message.rtfBody:
            try:
                html = message.deencapsulateBody(message.rtfBody, DeencapType.HTML)
            except Exception:  # RTF that cannot be unwrapped: the plain text is used
                html = None
        if html:
            source.blocks = html_blocks(_decoded(html), deadline)
        else:
            source.blocks = text_blocks(message.body or "", deadline)
        for attachment in message.attachments:
            content = getattr(attachment, "data", None)
            filename = getattr(attachment, "longFilename", None) or getattr(
                attachment, "shortFilename", None
            )
            if filename and isinstance(content, bytes) and content:
                source.attachments.append(HeldFile(filename, content))
    except ImportRefused:
        raise
    except Exception as error:  # a damaged message fails anywhere in extract-msg
        raise ImportRefused(not_outlook + " It cannot be read: it may be damaged.") from error
    finally:
        message.close()
    return source


def _decoded(html: bytes | str) -> str:
    """An Outlook message's HTML: UTF-8 as a rule, Windows-1252 in older messages."""
    if isinstance(html, str):
        return html
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html.decode("cp1252", errors="replace")


def read_paste(text: str, html: str, deadline: Deadline) -> Source:
    """Pasted content: the clipboard's HTML when the browser gave it, else the plain text."""
    notes = []
    if html and html.strip():
        try:
            blocks = html_blocks(html[: limits.MAX_PASTE_CHARS], deadline)
        except ImportRefused as refusal:
            if str(refusal) != NESTED_TOO_DEEP:
                raise
            blocks = []
            notes.append("The pasted formatting was nested too deeply to read: the text is used.")
        if any(block.all_text.strip() for block in blocks):
            return Source("html", blocks=blocks)
    if looks_binary(text or ""):
        raise ImportRefused(
            "What was pasted is not text: it looks like the inside of a file. Upload the file "
            "itself, or copy its text from where it is open."
        )
    return Source("text", blocks=text_blocks(text or "", deadline), notes=notes)
