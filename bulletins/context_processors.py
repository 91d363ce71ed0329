from django.http import HttpRequest

from .threat_levels import cached_levels_in_force


def threat_levels(request: HttpRequest) -> dict:
    """The levels in force, for the banner on every page; from the cache, so no query."""
    levels = cached_levels_in_force()
    # Only a scope that is not public needs to know who is asking.
    if any(not level.scope_public for level in levels):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated and user.is_active
        levels = [level for level in levels if level.scope_public or signed_in]
    return {"threat_levels": levels}
