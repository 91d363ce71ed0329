from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from portal.access import fully_signed_in

from .selectors import entry_for

# The banner as rendered, by the token of the threat-level entry it shows (a new token for
# every change) and whether the reader is fully signed in. It is the same on every page, so
# each web process renders it once per change instead of once per page.
_BANNERS: dict[tuple[str, bool], SafeString] = {}
_BANNERS_KEPT = 8


def threat_levels(request: HttpRequest) -> dict:
    """The levels in force, for the banner on every page; from the cache, so no query.

    Where a scope is not public, whether a signed-in reader has a second factor is one query.
    """
    entry = entry_for(request)
    levels = entry["levels"]
    may_see_all = False
    # Only a scope that is not public needs to know who is asking: it is shown to people
    # signed in with a second factor, never to someone who has given a password alone.
    if any(not level.scope_public for level in levels):
        user = getattr(request, "user", None)
        may_see_all = user is not None and fully_signed_in(user)
        levels = [level for level in levels if level.scope_public or may_see_all]
    key = (entry["token"], may_see_all)

    def banner() -> SafeString:
        html = _BANNERS.get(key)
        if html is None:
            html = render_to_string("threat_levels/banner.html", {"threat_levels": levels})
            if len(_BANNERS) >= _BANNERS_KEPT:
                _BANNERS.clear()
            _BANNERS[key] = html
        return html

    return {"threat_levels": levels, "threat_level_banner": banner}
