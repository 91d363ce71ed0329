"""Making people's text safe to carry in XML and in email headers.

XML 1.0 cannot carry most control characters at all (a feed or CAP message holding one is
malformed), and an email header must not hold a line break. Text pasted from Word often
brings some: its line break is a vertical tab, its page break a form feed.
"""

import re

# Word's line and page breaks, and the old Mac's line ending, become plain line breaks.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c]")
# What XML 1.0 cannot carry, or says should not be used: C0 controls other than tab and line
# feed, DEL and the C1 controls, lone surrogates, and the noncharacters U+FFFE and U+FFFF.
_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_WHITESPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """`text` with line breaks made plain and every character XML 1.0 cannot carry removed."""
    return _UNSAFE.sub("", _LINE_BREAKS.sub("\n", text))


def clean_line(text: str) -> str:
    """`text` cleaned and folded onto one line, as an email subject must be."""
    return _WHITESPACE.sub(" ", clean_text(text)).strip()
