"""Bulletin pages' shared parts, made once and kept: list and search results, and the bulletin.

Everyone in the same sectors (or every member of NCPP staff) sees the same rows on the list and
search pages, for the same filters and page; only whether each row is unread or acknowledged
is their own. So the results part of those pages is rendered once, with a marker where each
row's reading status goes, and kept in the cache under:

- the bulletins' version: a token replaced whenever a bulletin, its sectors, its search vector
  or any sector changes, and again when that transaction commits (`changed`, and the receivers
  below);
- who is asking: NCPP staff, or the sector ids of the person's memberships, read from the
  database on every request, so a removal from a sector takes effect on the next one;
- the page's path and query string.

Each request then costs one query for the person's own reading of the rows on the page (the
ids are kept with the entry), and the reading status is put in at the markers. An entry is
kept for KEEP_SECONDS at most in any case. While the cache cannot be reached the results are
rendered afresh for each request (portal.cache finds nothing and keeps nothing then); the page
never fails for want of the cache, and nothing kept from before a change made meanwhile is
used when the cache returns.
"""

import hashlib
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Sector, User
from threat_levels.selectors import LevelInForce

from .models import Attachment, Bulletin, Reading

VERSION_KEY = "bulletins:version"
KEEP_SECONDS = 5 * 60


# --- The bulletins' version ---------------------------------------------------------------------


def version() -> str | None:
    """The current token; a missing one (a new or emptied cache) is made afresh, never reused.
    None while the cache cannot be reached."""
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        token = cache.get(VERSION_KEY)
    return token


def _replace_version() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(8), None)


def changed() -> None:
    """Mark everything kept out of date: now, and again once the transaction commits.

    Now, so the change's own transaction never reads results kept from before it; again at
    the commit, so nothing another request kept while the change was uncommitted outlives it.
    """
    _replace_version()
    transaction.on_commit(_replace_version)


@receiver(post_save, sender=Bulletin)
@receiver(post_delete, sender=Bulletin)
@receiver(post_save, sender=Sector)
@receiver(post_delete, sender=Sector)
@receiver(post_save, sender=Attachment)
@receiver(post_delete, sender=Attachment)
@receiver(m2m_changed, sender=Bulletin.sectors.through)
def _on_change(sender, **kwargs) -> None:
    changed()


# --- Reading status -----------------------------------------------------------------------------


def reading_note(*, status: str, is_read: bool, is_acknowledged: bool) -> SafeString:
    """What a row says about the person's own reading of a bulletin."""
    if not is_read and status != Bulletin.Status.DRAFT:
        return mark_safe(" · <strong>Unread</strong>")
    if is_acknowledged:
        return mark_safe(" · Acknowledged")
    return mark_safe("")


def _with_reading(parts: list[str], user: User) -> SafeString:
    """The kept HTML with the person's reading status put in at each row's marker."""
    rows = [part.split(":", 1) for part in parts[1::2]]
    readings = {
        bulletin_id: (first_read_at is not None, acknowledged_at is not None)
        for bulletin_id, first_read_at, acknowledged_at in Reading.objects.filter(
            user=user, bulletin_id__in=[int(pk) for pk, _ in rows]
        ).values_list("bulletin_id", "first_read_at", "acknowledged_at")
    }
    out = [parts[0]]
    for (pk, status), after in zip(rows, parts[2::2], strict=True):
        is_read, is_acknowledged = readings.get(int(pk), (False, False))
        out.append(reading_note(status=status, is_read=is_read, is_acknowledged=is_acknowledged))
        out.append(after)
    return mark_safe("".join(out))  # noqa: S308 - joined from rendered, escaped templates


# --- Keeping ------------------------------------------------------------------------------------


def _kept(kind: str, identity: tuple, render: Callable[[], object]):
    """`render()`'s result, kept under `identity` while the bulletins' version stays the same.

    An entry carries the version it was made under, and is read together with the current
    version in one round trip to the cache. A change during the rendering leaves an entry
    under the older version, which the next request does not use. If the cache cannot be
    reached, the result is rendered for this request alone.
    """
    key = f"bulletins:{kind}:" + hashlib.sha256(repr(identity).encode()).hexdigest()
    found = cache.get_many([VERSION_KEY, key])
    current = found.get(VERSION_KEY) or version()
    if current is None:
        return render()
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = render()
    cache.set(key, (current, value), KEEP_SECONDS)
    return value


# --- The results ----------------------------------------------------------------------------------


def kept_results(
    request: HttpRequest, audience: tuple, template: str, make_context: Callable[[], dict]
) -> SafeString:
    """The results part of a list or search page for `request`, from the cache when it can be.

    `audience` names who may see what (see the module's docstring); `make_context` builds the
    template's context, and is called only when the results must be rendered.
    """

    def render() -> list[str]:
        # A marker no bulletin's text can contain: it is made afresh for every rendering.
        marker = f"<!--reading-{secrets.token_hex(8)}-->"
        context = make_context()
        context["reading_marker"] = mark_safe(marker)  # noqa: S308 - made here, no input
        return render_to_string(template, context, request).split(marker)

    identity = (audience, request.path, sorted(request.GET.lists()))
    return _with_reading(_kept("results", identity, render), request.user)


# --- The bulletin itself ------------------------------------------------------------------------


def kept_article(
    bulletin: Bulletin, level_now: LevelInForce | None, make_context: Callable[[], dict]
) -> tuple[list[str], bool]:
    """The bulletin as everyone who may open it sees it (bulletins/_bulletin.html), kept.

    Nothing in it depends on who is asking: the access rule has already been applied, and the
    person's own reading and the staff actions are rendered around it. Links to other bulletins
    (the one it supersedes, those that supersede it) are not in it either: a reader may see this
    bulletin and not the other, so the view reads them for each reader and puts them in at the
    template's `links_marker`. The article is kept as the parts between the markers, with
    whether any published bulletin supersedes it (`has_successors` in the context), so that a
    page with nothing to link to asks nothing more of the database.

    It is kept under the bulletins' version (its text, sectors, attachments, amendments and
    successors all replace it), the national level in force (`level_now`: it says whether the
    level has changed since publication) and whether it is past its valid-until date today.
    `make_context` builds the template's context, and is called only when the bulletin must be
    rendered.
    """

    def render() -> tuple[list[str], bool]:
        # A marker no bulletin's text can contain: it is made afresh for every rendering.
        marker = f"<!--links-{secrets.token_hex(8)}-->"
        context = make_context()
        context["links_marker"] = mark_safe(marker)  # noqa: S308 - made here, no input
        parts = render_to_string("bulletins/_bulletin.html", context).split(marker)
        return parts, bool(context["has_successors"])

    identity = (
        bulletin.pk,
        level_now.change_id if level_now else None,
        bulletin.is_past_valid_until,
    )
    # Its own kind of entry: an article kept whole by an earlier release is never read back.
    return _kept("article-parts", identity, render)
