"""The layout's one inline script, and the CSP source that allows it by its hash.

A hash allows exactly this script and nothing else, as a nonce would, but it is the same on
every response: the Content-Security-Policy header does not change from one response to the
next, so a public page can be served from the cache whole (portal/public_pages.py).
"""

import base64
import hashlib

# Runs before the page is painted, so GOV.UK Frontend's styles for JavaScript apply at once.
JS_ENABLED = (
    "document.body.className += ' js-enabled' + "
    "('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');"
)


def csp_hash_source(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return f"'sha256-{digest}'"
