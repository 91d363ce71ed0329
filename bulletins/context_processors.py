from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .threat_levels import entry_for

# The banner as rendered, by the token of the threat-level entry it shows (a new token for
# every change) and whether the reader is signed in. It is the same on every page, so each
# web process renders it once per change instead of once per page.
_BANNERS: dict[tuple[str, bool], SafeString] = {}
_BANNERS_KEPT = 8


def threat_levels(request: HttpRequest) -> dict:
    """The levels in force, for the banner on every page; from the cache, so no query."""
    entry = entry_for(request)
    levels = entry["levels"]
    signed_in = False
    # Only a scope that is not public needs to know who is asking.
    if any(not level.scope_public for level in levels):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated and user.is_active
        levels = [level for level in levels if level.scope_public or signed_in]
    key = (entry["token"], signed_in)

    def banner() -> SafeString:
        html = _BANNERS.get(key)
        if html is None:
            html = render_to_string("includes/threat_level_banner.html", {"threat_levels": levels})
            if len(_BANNERS) >= _BANNERS_KEPT:
                _BANNERS.clear()
            _BANNERS[key] = html
        return html

    return {"threat_levels": levels, "threat_level_banner": banner}
