"""What is not the update: dropped, each with the reason shown on the check page.

Protective-marking lines (offered as a hint, never kept), email headers of a forwarded message
(their subject, sender and date are kept as the source's), a forwarder's covering note, quoted
reply chains, greetings, signatures, "Sent from my…", mail disclaimers, unsubscribe lines,
separators and the furniture of a blog or web page. The rules look at the shape and the words
that mail clients and web pages use, never at one sender's text.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from .structure import Block, Deadline, Dropped, Source

MARKING = re.compile(
    r"^\W*(?:protective marking:\s*|classification:\s*|security classification:\s*)?"
    r"(?:uk\s+)?(official[\s-]+sensitive|official|not protectively marked|unclassified"
    r"|restricted|protect|confidential|secret|top secret"
    r"|tlp\s*:\s*(?:clear|white|green|amber\+strict|amber|red))"
    r"(?:\s*[-–:/]\s*[a-z ]{0,30})?\W*$",
    re.IGNORECASE,
)
HEADER_LINE = re.compile(
    r"^(from|sent|date|to|cc|bcc|subject|importance|attachments)\s*:\s*(.*)$", re.IGNORECASE
)
FORWARD_MARK = re.compile(
    r"^(?:-{2,}\s*(?:original message|forwarded message|forwarded by .*)\s*-{2,}"
    r"|begin forwarded message:?|_{5,})$",
    re.IGNORECASE,
)
WROTE = re.compile(r"^on .{5,200}\bwrote:$", re.IGNORECASE | re.DOTALL)
SIGN_OFF = re.compile(
    r"^(?:(?:kind|best|warm|warmest|many|with|kindest)\s+(?:regards|wishes|thanks)|regards"
    r"|thanks|thank you|many thanks|cheers|yours (?:sincerely|faithfully)|best)[,.!]?$",
    re.IGNORECASE,
)
SIGNATURE_MARK = re.compile(r"^--\s*$")
SENT_FROM = re.compile(
    r"^(?:sent from my|get outlook for|sent from (?:outlook|mail) for)\b", re.IGNORECASE
)
GREETING = re.compile(
    r"^(?:dear|hi|hello|good (?:morning|afternoon|evening)|all)\b[^.!?]{0,40}[,!]?$", re.IGNORECASE
)
DISCLAIMER = re.compile(
    r"intended (?:only|solely) for (?:the )?(?:use of )?(?:the )?"
    r"(?:addressee|recipient|person|individual)"
    r"|if you (?:have received|are not the intended|receive) this (?:e-?mail|message|communication)"
    r"|(?:may|might) (?:be|contain) (?:privileged|confidential|legally)"
    r"|this (?:e-?mail|message|communication) and any (?:files|attachments)"
    r"|(?:scanned|checked) for (?:computer )?viruses|virus(?:es)? (?:check|free)"
    r"|communications (?:.{0,40})?(?:monitored|recorded)"
    r"|consider the environment before printing|views expressed (?:in this|are those)",
    re.IGNORECASE,
)
UNSUBSCRIBE = re.compile(
    r"unsubscribe|manage (?:your )?(?:email )?(?:subscription|preferences)"
    r"|you (?:are|were) (?:receiving|sent) this|update your (?:email )?preferences|opt[- ]out of",
    re.IGNORECASE,
)
EXTERNAL_BANNER = re.compile(
    r"^\W*(?:caution|external(?: email)?|warning)\W.{0,200}(?:outside|external)", re.IGNORECASE
)
SEPARATOR = re.compile(r"^[\s\-_=*~#·•.+]{3,}$")
# Where the update ends and the blog or web page begins: everything from here is dropped.
FURNITURE_START = re.compile(
    r"^(?:leave a (?:reply|comment)|this entry was posted in|fill in your details below"
    r"|share this:?|like this:?|post navigation|related posts?:?|you are commenting using"
    r"|connecting to %s|comments? are closed|subscribe to (?:this blog|comments)"
    r"|about the author|you may also like)",
    re.IGNORECASE,
)
AUTHOR_BOX = re.compile(r"^about \S+$", re.IGNORECASE)
FURNITURE_LINE = re.compile(
    r"(?:wordpress\.com logo|google\+ photo|twitter picture|facebook photo|\blog out\b"
    r"|bookmark the permalink|click to share|^posted (?:on|by|in)\b|^advertisements?$"
    r"|^skip to (?:main )?content$|^back to top$|^print this page$"
    r"|^(?:accept|reject) (?:all )?cookies"
    r"|^home\s*[>›»|/]|^(?:tags|categories|filed under)\s*:|^(?:previous|next) (?:post|article)\b"
    r"|^share (?:on|via) \w+$|^read more\W*$|\bwe use (?:some )?(?:essential )?cookies\b"
    r"|^cookie (?:settings|policy|preferences)$|^view (?:this email )?in (?:your )?browser\b)",
    re.IGNORECASE,
)
# A covering note above a forwarded message is a line or two, not the update.
COVERING_NOTE_MAX_WORDS = 80

MARKING_HINT = "a protective marking line"
REASONS = {
    "marking": "a protective-marking line: offered as a hint for the handling marking",
    "header": "the email header of a forwarded message (its subject, sender and date are used)",
    "forward": "an email separator",
    "note": "the covering note of whoever forwarded the email",
    "chain": "an earlier message quoted in the reply chain",
    "greeting": "a greeting",
    "signature": "the sender's sign-off and signature",
    "sent_from": "a \u201cSent from my\u2026\u201d line",
    "disclaimer": "a mail disclaimer",
    "unsubscribe": "an unsubscribe or mailing-list line",
    "banner": "the mail system's external-sender banner",
    "separator": "a separator line",
    "furniture": "the furniture of the web page or blog it was copied from",
}


@dataclass
class Cleaned:
    blocks: list[Block]
    dropped: list[Dropped] = field(default_factory=list)
    marking_hint: str = ""
    # From the header of a forwarded message, when the update came inside one.
    subject: str = ""
    sender: str = ""
    sent_text: str = ""
    sent: datetime | None = None


def clean(source: Source, deadline: Deadline) -> Cleaned:
    blocks = _split_header_lines(source.blocks)
    result = Cleaned(blocks=[])
    kept: list[Block] = []
    signature = False
    i = 0
    while i < len(blocks):
        deadline.check()
        block = blocks[i]
        text = block.text.strip()
        first_line = text.split("\n", 1)[0].strip()

        def drop(reason: str, what: Block = block) -> None:
            result.dropped.append(Dropped(what.all_text, REASONS[reason]))

        group = _header_group(blocks, i)
        if group:
            headers = {}
            for member in blocks[i : i + group]:
                match = HEADER_LINE.match(member.text.strip())
                if match:
                    headers.setdefault(match.group(1).lower(), match.group(2).strip())
            if _is_covering_note(kept):
                for note in kept:
                    drop("note", note)
                kept = []
                signature = False
                result.subject = headers.get("subject", "") or result.subject
                result.sender = headers.get("from", "") or result.sender
                result.sent_text = headers.get("sent") or headers.get("date") or result.sent_text
                for member in blocks[i : i + group]:
                    drop("header", member)
                i += group
                continue
            for rest in blocks[i:]:
                drop("chain", rest)
            break
        if block.furniture:
            drop("furniture")
        elif block.kind == "paragraph" and (FORWARD_MARK.match(first_line) or WROTE.match(text)):
            if WROTE.match(text) and kept:
                for rest in blocks[i:]:
                    drop("chain", rest)
                break
            drop("forward")
        elif block.quoted and kept and source.kind != "html":
            # A quote in an email is an earlier message; on a web page it is a quotation.
            drop("chain")
        elif block.kind in ("paragraph", "heading") and MARKING.match(text):
            result.marking_hint = result.marking_hint or _marking_name(text)
            drop("marking")
        elif block.kind == "paragraph" and EXTERNAL_BANNER.match(text) and not kept:
            drop("banner")
        elif block.kind in ("paragraph", "heading") and FURNITURE_START.match(first_line):
            for rest in blocks[i:]:
                drop("furniture", rest)
            break
        elif (
            block.kind in ("paragraph", "heading")
            and AUTHOR_BOX.match(first_line)
            and _furniture_follows(blocks, i)
        ):
            for rest in blocks[i:]:
                drop("furniture", rest)
            break
        elif (
            block.kind in ("paragraph", "heading")
            and FURNITURE_LINE.search(first_line)
            and len(text) < 200
        ):
            drop("furniture")
        elif block.kind in ("paragraph", "heading") and SENT_FROM.match(first_line):
            drop("sent_from")
        elif block.kind == "paragraph" and SIGNATURE_MARK.match(first_line):
            signature = True
            drop("signature")
        elif block.kind in ("paragraph", "heading") and SIGN_OFF.match(first_line):
            signature = True
            drop("signature")
        elif block.kind == "paragraph" and DISCLAIMER.search(text):
            drop("disclaimer")
        elif (
            block.kind in ("paragraph", "list")
            and UNSUBSCRIBE.search(block.all_text)
            and len(block.all_text) < 400
        ):
            drop("unsubscribe")
        elif block.kind == "paragraph" and (SEPARATOR.match(text) or text == "----"):
            drop("separator")
        elif signature:
            drop("signature")
        elif block.kind == "paragraph" and not kept and GREETING.match(text):
            drop("greeting")
        else:
            kept.append(block)
        i += 1
    result.blocks = kept
    return result


def _split_header_lines(blocks: list[Block]) -> list[Block]:
    """A paragraph holding "From: … Sent: … To: … Subject: …" lines, one block per line, so
    that a header is found whether it came as one paragraph or as several."""
    result: list[Block] = []
    for block in blocks:
        lines = block.text.split("\n")
        if (
            block.kind != "paragraph"
            or len(lines) < 2
            or not any(HEADER_LINE.match(line) or FORWARD_MARK.match(line) for line in lines)
        ):
            result.append(block)
            continue
        for line in lines:
            result.append(Block("paragraph", text=line, markdown=line, quoted=block.quoted))
    return result


def _header_group(blocks: list[Block], start: int) -> int:
    """How many blocks from `start` make an email header (From: with Sent:, Date: or Subject:)."""
    names = []
    end = start
    while end < len(blocks) and blocks[end].kind == "paragraph":
        match = HEADER_LINE.match(blocks[end].text.strip())
        if not match or "\n" in blocks[end].text:
            break
        names.append(match.group(1).lower())
        end += 1
    if "from" in names and ({"sent", "date", "subject"} & set(names)):
        return end - start
    return 0


def _is_covering_note(kept: list[Block]) -> bool:
    words = sum(len(block.all_text.split()) for block in kept)
    return words <= COVERING_NOTE_MAX_WORDS and not any(
        block.kind in ("heading", "list", "table") for block in kept
    )


def _furniture_follows(blocks: list[Block], index: int) -> bool:
    return any(
        any(
            FURNITURE_START.match(line) or FURNITURE_LINE.search(line)
            for line in block.text.split("\n")
        )
        for block in blocks[index + 1 : index + 6]
    )


def _marking_name(text: str) -> str:
    match = MARKING.match(text)
    name = re.sub(r"\s+", " ", match.group(1)).upper() if match else text.strip()
    return name.replace("OFFICIAL SENSITIVE", "OFFICIAL-SENSITIVE").replace(" : ", ":")
