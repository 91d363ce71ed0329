"""Importing an update: pasted text or HTML, a Word .docx, an .eml or an Outlook .msg email.

One pipeline for all of them: the source is read into a clean structure (sources.py), what is
not the update is dropped with a reason (cleaning.py), the rest becomes a proposed draft
(draft.py), and every fact of the source is checked to be in the draft or listed as left out
(facts.py). `import_source` runs it; the officer checks the result before anything is saved.
"""

from .pipeline import ImportResult, import_source
from .structure import ImportRefused

__all__ = ["ImportRefused", "ImportResult", "import_source"]
