"""CSV exports that a spreadsheet opens as text: no cell is run as a formula."""

# A spreadsheet runs a cell that starts with one of these (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """`value` as the text of a CSV cell; a leading quote keeps what looks like a formula text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
